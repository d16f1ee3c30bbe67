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
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

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


def open_db(path: str | os.PathLike) -> sqlite_utils.Database:
    """Open (and create if needed) an archive with WAL and a busy timeout."""
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA busy_timeout = 30000")
    db.enable_wal()
    db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: no corruption on crash
    ensure_schema(db)
    return db


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
        with self.db.atomic():
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
        with self.db.atomic():
            self.db["crawl_runs"].update(run_id, values)

    def _mark_dead_runs(self) -> None:
        """Runs left 'running' by a killed process become 'interrupted'."""
        stale = [r["id"] for r in self.db.query(
            "select id, pid from crawl_runs where status = 'running'")
            if not _pid_alive(r["pid"]) or r["pid"] == os.getpid()]
        with self.db.atomic():
            for run_id in stale:
                self.db["crawl_runs"].update(run_id, {"status": "interrupted",
                                                      "exit_status": 1})

    # -- pages ----------------------------------------------------------
    def record_error(self, run_id: int, url: str, site: str, kind: str,
                     message: str, http_status: int | None = None) -> None:
        with self.db.atomic():
            self.db["fetch_errors"].insert({
                "run_id": run_id, "url": url, "site": site, "kind": kind,
                "message": message[:2000], "http_status": http_status, "at": utcnow()})

    def record_response(self, run_id: int, item) -> Outcome:
        """Store one response: a new version, or only a 'seen again'."""
        now = utcnow()
        with self.db.atomic():
            page = self._page(item.url)
            if item.status in (404, 410):
                return self._mark_gone(page, item, now)
            if item.status == 304:
                if page is None:
                    return Outcome("ignored")
                self._touch(item, now, page)
                return Outcome("not_modified")
            body_hash = sha256(item.body)
            last = self._last_snapshot(item.url)
            if last and last["body_sha256"] == body_hash:
                self._touch(item, now, page)
                return Outcome("unchanged", last["id"])
            return self._insert_snapshot(run_id, item, page, last, body_hash, now)

    def _insert_snapshot(self, run_id, item, page, last, body_hash, now) -> Outcome:
        item.read_text()  # a no-op for spider items: the spider read them already
        text, encoding, text_error = item.text, item.detected_encoding, item.text_error
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
            "text_error": text_error,
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
            " order by id desc limit 1", [url]))
        return rows[0] if rows else None


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
