"""One command for a scheduler: crawl, normalize, check health, report.

A lock file (flock) beside the archive keeps two runs off one archive; the
kernel drops it when the holder dies, so a killed run never blocks the next.
The lock goes by the archive's resolved path, so the same file reached
through a symlink or another relative path shares one lock.
The crawl runs in a child process that inherits the lock, so an orphaned
crawl still holds it. Every write is transactional (see crawler.store.archive and
crawler.derive.run), so a run killed at any point leaves a consistent archive
and the next run simply continues: snapshots not yet normalized are
normalized then, change events are keyed and never duplicated.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from crawler import oserrors
from crawler.derive.changes import CHANGE_KINDS
from crawler.derive.run import normalize_archive
from crawler.store.archive import Archive, ArchiveError, open_db, utcnow, write_transaction
from crawler.ops.health import Alert, check_run

EXIT_OK, EXIT_UNHEALTHY, EXIT_LOCKED = 0, 1, 3
SEVERITY = {"error": "fel", "warning": "varning"}   # alerts.severity, as the report says it


class ArchiveLocked(RuntimeError):
    pass


def lock_path(db_path: str) -> str:
    """``<resolved archive>.lock``: one lock per file, however it is named."""
    return f"{Path(db_path).resolve()}.lock"


@contextmanager
def archive_lock(db_path: str):
    """Exclusive, non-blocking lock on ``<db>.lock``; yields its file descriptor."""
    path = lock_path(db_path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ArchiveError(f"låsfilen {path} går inte att skapa: {oserrors.reason(exc)} "
                           "(är arkivets katalog skrivskyddad?)") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ArchiveLocked(f"en annan omkörning håller låset {path}") from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield fd
    finally:
        os.close(fd)


@dataclass
class RecrawlResult:
    run_id: int
    exit_code: int
    report: str
    alerts: list[Alert] = field(default_factory=list)


def recrawl(db_path: str, crawl_args: list[str],
            thresholds: dict | None = None) -> RecrawlResult:
    """Run the whole scheduled job and store its report and alerts."""
    with archive_lock(db_path) as lock_fd:
        db = open_db(db_path)
        archive = Archive(db_path)
        run_id = archive.start_run("recrawl", {"crawl_args": crawl_args})
        archive.close()
        started = next(db.query("select started_at from crawl_runs where id = ?",
                                [run_id]))["started_at"]
        try:
            crawl_exit = _crawl(db_path, crawl_args, lock_fd)
            crawl_ids = [r["id"] for r in db.query(
                "select id from crawl_runs where id > ? and spider != 'recrawl' order by id",
                [run_id])]
            normalized = normalize_archive(db_path, progress=False)
        except BaseException:
            _mark_failed(db, run_id)
            raise
        alerts = check_run(db, crawl_ids, started, thresholds) if crawl_ids else [
            Alert("run_failed", "error", None, "Ingen genomsökning startade.",
                  {"crawl_exit": crawl_exit})]
        report, counts = _report(db, run_id, crawl_ids, started, alerts, normalized)
        unhealthy = any(a.severity == "error" for a in alerts) or crawl_exit != 0
        with write_transaction(db):
            db["alerts"].insert_all([a.row(run_id, utcnow()) for a in alerts])
            db["crawl_runs"].update(run_id, {
                **counts, "ended_at": utcnow(), "status": "unhealthy" if unhealthy else "ok",
                "exit_status": EXIT_UNHEALTHY if unhealthy else EXIT_OK, "summary": report})
        db.close()
        return RecrawlResult(run_id, EXIT_UNHEALTHY if unhealthy else EXIT_OK, report, alerts)


def _mark_failed(db, run_id: int) -> None:
    """A recrawl that stopped on an error is 'failed', not left 'running'."""
    try:
        with write_transaction(db):
            db["crawl_runs"].update(run_id, {"status": "failed", "ended_at": utcnow(),
                                             "exit_status": EXIT_UNHEALTHY})
    except Exception:  # the archive itself is the problem; the caller reports it
        pass


def _crawl(db_path: str, crawl_args: list[str], lock_fd: int) -> int:
    """The crawl in a child process that shares the lock; SIGTERM is passed on."""
    child = subprocess.Popen([sys.executable, "-m", "crawler.cli", "crawl", "--db", db_path,
                              *crawl_args], pass_fds=(lock_fd,))
    previous = signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    try:
        return child.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)


def _report(db, run_id, crawl_ids, started, alerts, normalized) -> tuple[str, dict]:
    marks = ",".join("?" * len(crawl_ids)) or "null"
    runs = list(db.query(f"select * from crawl_runs where id in ({marks})", crawl_ids))
    keys = ("requests", "bytes", "new_pages", "new_versions", "text_changes", "unchanged",
            "not_modified", "gone", "errors")
    counts = {k: sum(r[k] or 0 for r in runs) for k in keys}
    sites = set()
    for r in runs:
        sites |= set(json.loads(r["summary"] or "{}").get("requests_by_site", {}))
    changes = Counter({r["kind"]: r["n"] for r in db.query(
        "select kind, count(*) as n from changes where detected_at >= ? group by kind",
        [started])})
    errors = Counter({r["kind"]: r["n"] for r in db.query(
        f"select kind, count(*) as n from fetch_errors where run_id in ({marks}) group by kind",
        crawl_ids)})
    lines = [
        f"Omgenomsökning {run_id} ({started})",
        f"Webbplatser: {len(sites - {''})}  förfrågningar: {counts['requests']}  "
        f"nya sidor: {counts['new_pages']}  nya versioner: {counts['new_versions']}  "
        f"textändringar: {counts['text_changes']}  oförändrade: "
        f"{counts['unchanged'] + counts['not_modified']}  borttagna: {counts['gone']}",
        f"Normaliserade ögonblicksbilder: {normalized.processed} "
        f"(misslyckade: {normalized.failed})",
        "Ändringar: " + (", ".join(f"{CHANGE_KINDS.get(k, k)} {n}"
                                   for k, n in sorted(changes.items())) or "inga"),
        "Fel: " + (", ".join(f"{k} {n}" for k, n in sorted(errors.items())) or "inga"),
        "Larm:" if alerts else "Larm: inga",
        *(f"  [{SEVERITY.get(a.severity, a.severity)}] {a.site or '-'} {a.kind}: {a.message}"
          for a in alerts),
    ]
    return "\n".join(lines), counts


def write_report(path: str | None, text: str) -> None:
    if path:
        Path(path).write_text(text + "\n", encoding="utf-8")
