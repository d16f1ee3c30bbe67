"""What the crawl benchmarks share: one crawl in a child process, timed, and
what it did (its crawl_runs row, what the fixture server sent)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple


class CrawlTiming(NamedTuple):
    seconds: float       # wall time
    peak_rss_mb: int     # of the crawl process
    cpu_seconds: float   # user + system of the crawl process
    exit_code: int


def timed_crawl(db: Path, sites_csv: Path, args: list[str]) -> CrawlTiming:
    """Run `medborgarloften crawl` over ``sites_csv`` into ``db`` in a child process."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db),
                              "--sites", str(sites_csv), *args])
    _, status, usage = os.wait4(child.pid, 0)
    return CrawlTiming(time.perf_counter() - started, usage.ru_maxrss // 1024,
                       usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status))


def last_run(db: Path) -> dict:
    """The newest crawl_runs row, with the archive's snapshot count."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute("select * from crawl_runs order by id desc limit 1").fetchone())
    row["snapshots"] = conn.execute("select count(*) from snapshots").fetchone()[0]
    conn.close()
    return row


def served(web) -> dict:
    """What the server sent (bodies only): the honest cost of a crawl."""
    log = list(web.requests)
    return {"requests": len(log), "bytes": sum(r.bytes_sent for r in log),
            "not_modified": sum(r.status == 304 for r in log)}
