"""The versioned archive (``archive.db``): every version of every page.

One small module owns the raw-archive tables. Every write happens in one
transaction, and SQLite runs in WAL mode, so a crawl killed at any moment
leaves a consistent database and Datasette can read while a crawl writes.

Tables (documented for users in README.md):
  pages         one row per URL ever archived
  snapshots     one row per distinct version of a page
  bodies        raw bodies, zlib-compressed, stored once per sha256
  crawl_runs    one row per crawl
  fetch_errors  every fetch that failed, by kind
"""

from __future__ import annotations

import hashlib
import json
import os
import errno
import sqlite3
import tempfile
import time
import uuid
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from crawler import oserrors
from crawler.faultpoints import reached
from crawler.store.schema import ensure_schema
from normalize.pagetext import text_fingerprint

# Headers worth keeping to show a version as it was served.
KEPT_HEADERS = ("content-type", "etag", "last-modified", "date", "content-language",
                "server", "location", "retry-after")


def utcnow() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Exit status of every command when the archive itself cannot be used
# (read-only, corrupt, disk full, locked for longer than the retries).
EXIT_ARCHIVE = 4
BUSY_TIMEOUT_MS = 30000
# Retries of BEGIN IMMEDIATE after SQLite's own busy timeout ran out.
WRITE_ATTEMPTS = 6
WRITE_BACKOFF_BASE = 0.2   # seconds, doubled per attempt
WRITE_BACKOFF_MAX = 5.0


class ArchiveError(RuntimeError):
    """The archive cannot be opened, read or written; the message says why."""


def open_db(path: str | os.PathLike) -> sqlite_utils.Database:
    """Open (and create if needed) an archive with WAL and a busy timeout.

    Raises ArchiveError (one plain sentence) when the file is not a usable
    archive: not SQLite, empty, truncated, corrupt, read-only, or on a full disk.
    """
    problem = header_problem(path) or directory_problem(path)
    if problem:
        raise ArchiveError(f"arkivet {path} går inte att använda: {problem}")
    try:
        if not Path(path).exists():
            create_archive(path)
        db = sqlite_utils.Database(path)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        truncated = truncation_problem(db.conn, path)
        if truncated:
            db.close()
            raise ArchiveError(f"arkivet {path} går inte att använda: {truncated}")
        db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: no corruption on crash
        with write_transaction(db):
            ensure_schema(db)
            _probe_write(db)
    except sqlite3.Error as exc:
        raise archive_error(path, exc) from exc
    except OSError as exc:
        raise ArchiveError(f"arkivet {path} går inte att öppna: {oserrors.reason(exc)}") from exc
    return db


def create_archive(path: str | os.PathLike) -> None:
    """Create a new archive so that it appears at ``path`` whole, never empty.

    SQLite creates a database file empty and writes its header a moment
    later; another command opening the same new path in that moment (a crawl
    beside a recrawl or ``normalize``) took the 0-byte file for a damaged one
    and exited 4, and a creator killed then left it empty for good. So the
    schema is written to a temporary file beside the archive, which is then
    hard-linked into place: ``os.link`` fails instead of replacing an archive
    another process published first, and that one is used.
    """
    # A name of its own (SQLite creates it, with the permissions it gives an archive).
    temporary = str(Path(path).resolve().with_name(f".{Path(path).name}.{uuid.uuid4().hex}.new"))
    try:
        _write_new_archive(temporary)
        _publish(temporary, path)
    finally:
        for leftover in (temporary, f"{temporary}-wal", f"{temporary}-shm"):
            Path(leftover).unlink(missing_ok=True)


def _write_new_archive(temporary: str) -> None:
    db = sqlite_utils.Database(temporary)
    try:
        reached("archive_new")   # interruption tests: the new file exists, still empty
        db.enable_wal()   # kept in the header: the archive opens in WAL mode
        with write_transaction(db):
            ensure_schema(db)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")   # everything in the file itself
    finally:
        db.close()


def _publish(temporary: str, path: str | os.PathLike) -> None:
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass   # another process published its new archive first: it is used
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        # A file system without hard links: a rename replaces, so only
        # where nothing is there yet (the race is back, but only here).
        if not Path(path).exists():
            os.rename(temporary, path)


def header_problem(path: str | os.PathLike) -> str | None:
    """Why an existing file cannot be an archive, from its size alone; None if it may be.

    Only ``stat``: opening and closing the database file with another file
    descriptor would drop the POSIX locks this process's SQLite connections
    hold on it (see "How To Corrupt An SQLite Database File", 2.2.1).
    """
    try:
        size = Path(path).stat().st_size
    except FileNotFoundError:
        return None   # a new archive
    except OSError as exc:
        return f"filen går inte att läsa ({oserrors.reason(exc)})"
    if size == 0 and _wal_size(path) == 0:
        return "filen är tom (0 byte); ta bort den för att börja ett nytt arkiv"
    return None


def truncation_problem(conn: sqlite3.Connection, path: str | os.PathLike) -> str | None:
    """A file shorter than the pages SQLite says it has (checked when no
    write-ahead log holds newer pages)."""
    if _wal_size(path) > 0 or not Path(path).exists():
        return None
    pages = conn.execute("pragma page_count").fetchone()[0]
    page_size = conn.execute("pragma page_size").fetchone()[0]
    size = Path(path).stat().st_size
    if size < pages * page_size:
        return f"filen är avkortad ({size} byte, dess huvud säger {pages * page_size})"
    return None


def _wal_size(path) -> int:
    try:
        return Path(f"{path}-wal").stat().st_size
    except OSError:
        return 0


def directory_problem(path: str | os.PathLike) -> str | None:
    """SQLite writes ``-wal``/``-shm`` beside the archive: its directory must
    take new files. (A real file is created: permission bits lie for root.)"""
    folder = Path(path).resolve().parent
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except FileNotFoundError:
        return f"dess katalog {folder} finns inte"
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return None   # a full disk is reported by the write that fails
        return (f"dess katalog {folder} är skrivskyddad eller går inte att skriva i "
                f"({oserrors.reason(exc)})")
    return None


def _probe_write(db: sqlite_utils.Database) -> None:
    """A write that is rolled back: on a read-only file BEGIN IMMEDIATE
    succeeds (WAL locks live in -shm) and only the first write fails."""
    db.conn.execute("savepoint write_probe")
    db.conn.execute("create table _write_probe (x)")
    db.conn.execute("rollback to write_probe")
    db.conn.execute("release write_probe")


def archive_error(path, exc: BaseException) -> ArchiveError:
    """An ArchiveError whose message names the archive and the likely cause."""
    text = str(exc)
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
        cause = "det är skrivskyddat eller dess katalog går inte att skriva i"
    elif "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        cause = "filen är inte ett helt SQLite-arkiv (trasig eller ingen databas)"
    elif "full" in lowered or "disk i/o" in lowered:
        cause = "disken är full eller trasig"
    elif "locked" in lowered or "busy" in lowered:
        cause = "en annan process höll det låst för länge"
    else:
        cause = "SQLite-fel"
    return ArchiveError(f"arkivet {path} går inte att använda: {cause} ({text})")


@contextmanager
def write_transaction(db: sqlite_utils.Database):
    """A write transaction that takes the write lock up front.

    A deferred transaction (sqlite-utils' ``atomic()``) reads first and
    asks for the write lock later; if another process committed in
    between, SQLite answers "database is locked" at once and the busy
    timeout cannot help. ``BEGIN IMMEDIATE`` waits for the lock before
    reading anything, and is retried with backoff when even the busy
    timeout runs out. Nested use becomes a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    _begin_immediate(db)
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        db.conn.rollback()
        raise


def _begin_immediate(db: sqlite_utils.Database) -> None:
    for attempt in range(WRITE_ATTEMPTS):
        try:
            db.conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if attempt == WRITE_ATTEMPTS - 1:
                raise
            time.sleep(min(WRITE_BACKOFF_BASE * 2 ** attempt, WRITE_BACKOFF_MAX))


@dataclass
class Outcome:
    """What recording one response did to the archive."""

    kind: str  # new_page, new_version, unchanged, not_modified, gone, ignored
    snapshot_id: int | None = None
    text_changed: bool = False
    text_error: str | None = None


class Archive:
    """Writes crawl results. One instance per crawl run."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.db = open_db(self.path)

    def close(self) -> None:
        self.db.close()

    # -- runs -----------------------------------------------------------
    def start_run(self, spider: str, args: dict) -> int:
        self._mark_dead_runs()
        with write_transaction(self.db):
            return self.db["crawl_runs"].insert({
                "spider": spider, "args": json.dumps(args, ensure_ascii=False, sort_keys=True),
                "started_at": utcnow(), "status": "running", "pid": os.getpid(),
            }).last_pk

    def update_run(self, run_id: int, counts: dict, status: str | None = None,
                   summary: str | None = None) -> None:
        values = dict(counts)
        if status:
            values["status"] = status
            values["ended_at"] = utcnow()
            values["exit_status"] = 0 if status == "ok" else 1
        if summary is not None:
            values["summary"] = summary
        with write_transaction(self.db):
            self.db["crawl_runs"].update(run_id, values)

    def _mark_dead_runs(self) -> None:
        """Runs left 'running' by a killed process become 'interrupted'."""
        stale = [r["id"] for r in self.db.query(
            "select id, pid from crawl_runs where status = 'running'")
            if not _pid_alive(r["pid"]) or r["pid"] == os.getpid()]
        with write_transaction(self.db):
            for run_id in stale:
                self.db["crawl_runs"].update(run_id, {"status": "interrupted",
                                                      "exit_status": 1})

    # -- pages ----------------------------------------------------------
    def record_error(self, run_id: int, url: str, site: str, kind: str,
                     message: str, http_status: int | None = None) -> None:
        with write_transaction(self.db):
            self.db["fetch_errors"].insert({
                "run_id": run_id, "url": url, "site": site, "kind": kind,
                "message": message[:2000], "http_status": http_status, "at": utcnow()})

    def record_response(self, run_id: int, item) -> Outcome:
        """Store one response: a new version, or only a 'seen again'."""
        now = utcnow()
        body_hash, prepared = None, None
        if item.status not in (304, 404, 410):
            body_hash = sha256(item.body)
            last = self._last_snapshot(item.url)
            if not last or last["body_sha256"] != body_hash:
                # Text (a PDF may take seconds) is made before taking the write lock.
                prepared = _text_of(item)
        with write_transaction(self.db):
            page = self._page(item.url)
            if item.status in (404, 410):
                return self._mark_gone(page, item, now)
            if item.status == 304:
                if page is None:
                    return Outcome("ignored")
                self._touch(item, now, page)
                return Outcome("not_modified")
            last = self._last_snapshot(item.url)
            if last and last["body_sha256"] == body_hash:
                self._touch(item, now, page)
                return Outcome("unchanged", last["id"])
            return self._insert_snapshot(run_id, item, page, last, body_hash, now,
                                         prepared or _text_of(item))

    def _insert_snapshot(self, run_id, item, page, last, body_hash, now, prepared) -> Outcome:
        text, encoding, text_error, truncated = prepared
        # Hash the fingerprint, not the text: a clock or session token in the
        # page must not make every fetch a text change.
        text_hash = sha256(text_fingerprint(text).encode("utf-8")) if text is not None else None
        text_changed = last is None or last["text_sha256"] != text_hash
        self.db.execute(
            "insert or ignore into bodies (sha256, size, compression, body) values (?, ?, ?, ?)",
            [body_hash, len(item.body), "zlib", zlib.compress(item.body, 6)])
        is_new_page = page is None
        self._upsert_page(item, page, now, changed=text_changed)
        snapshot_id = self.db["snapshots"].insert({
            "url": item.url, "site": item.site, "run_id": run_id, "fetched_at": now,
            "status": item.status, "content_type": item.content_type,
            "declared_encoding": item.declared_encoding, "detected_encoding": encoding,
            "headers": json.dumps(kept_headers(item.headers), ensure_ascii=False),
            "body_sha256": body_hash, "size": len(item.body), "text": text,
            "text_sha256": text_hash, "text_changed": int(text_changed),
            "text_error": text_error, "text_truncated": truncated,
        }).last_pk
        reached("fetch")  # interruption tests: a kill here is mid-transaction
        self.db.execute(
            "update pages set current_snapshot_id = ?, snapshot_count = snapshot_count + 1,"
            " last_snapshot_at = ? where url = ?", [snapshot_id, now, item.url])
        return Outcome("new_page" if is_new_page else "new_version", snapshot_id,
                       text_changed, text_error)

    def _upsert_page(self, item, page, now: str, changed: bool) -> None:
        values = {
            "url": item.url, "site": item.site, "kind": _kind(item),
            "municipalities": json.dumps(sorted(set(item.municipalities))),
            "last_seen": now, "etag": item.headers.get("etag"),
            "last_modified": item.headers.get("last-modified"),
            "last_status": item.status, "gone_since": None, "gone_status": None,
        }
        values.update(relevance_values(item))
        if page is None:
            values.update(first_seen=now, last_changed=now, snapshot_count=0,
                          found_via=item.found_via, referrer=item.referrer)
            self.db["pages"].insert(values)
        else:
            if changed:
                values["last_changed"] = now
            if page["municipalities"] and not item.municipalities:
                values.pop("municipalities")
            self.db["pages"].update(item.url, values)

    def _touch(self, item, now: str, page) -> None:
        values = {"last_seen": now, "last_status": item.status,
                  "gone_since": None, "gone_status": None}
        for header in ("etag", "last-modified"):
            if item.headers.get(header):
                values[header.replace("-", "_")] = item.headers[header]
        values.update(relevance_values(item))
        if page is not None:
            self.db["pages"].update(item.url, values)

    def _mark_gone(self, page, item, now: str) -> Outcome:
        if page is None:
            return Outcome("ignored")
        if page["gone_since"] is None:
            self.db["pages"].update(item.url, {"gone_since": now, "gone_status": item.status,
                                               "last_status": item.status})
            return Outcome("gone")
        self.db["pages"].update(item.url, {"last_status": item.status})
        return Outcome("not_modified")

    def _page(self, url: str) -> dict | None:
        rows = list(self.db.query("select * from pages where url = ?", [url]))
        return rows[0] if rows else None

    def _last_snapshot(self, url: str) -> dict | None:
        rows = list(self.db.query(
            "select id, body_sha256, text_sha256 from snapshots where url = ?"
            " order by fetched_at desc, id desc limit 1", [url]))  # backfilled ones are older
        return rows[0] if rows else None


def _text_of(item) -> tuple[str | None, str | None, str | None, str | None]:
    """(text, detected encoding, error, what was truncated): read once, by the item."""
    item.read_text()  # a no-op for spider items: the spider read them already
    return item.text, item.detected_encoding, item.text_error, item.truncated


def relevance_values(item) -> dict:
    """The crawl's judgement of a page (none for 304/404 responses, which were not judged)."""
    if getattr(item, "relevance_score", None) is None:
        return {}
    return {"relevant": int(bool(item.relevant)), "relevance_score": item.relevance_score,
            "relevance_reasons": json.dumps(item.relevance_reasons, ensure_ascii=False)}


def kept_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k in KEPT_HEADERS}


def _kind(item) -> str:
    if item.body.startswith(b"%PDF") or "pdf" in item.content_type.lower():
        return "pdf"
    return "html"


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
