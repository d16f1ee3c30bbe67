"""Run the real CLI crawl against the fixture web, in a child process.

Scrapy's reactor cannot be restarted inside one process, so every crawl in
the tests is a real `medborgarloften crawl` subprocess over real HTTP.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from crawler.crawl import fast_crawl_settings


def run_crawl(db: Path, web, sites_csv: Path | None = None, polisen: bool = True,
              extra: list[str] = (), timeout: int = 180) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db),
            *fast_crawl_settings()]
    if sites_csv is not None:
        args += ["--sites", str(sites_csv)]
    if polisen:
        args += ["--polisen-url", web.polisen_url]
    if sites_csv is None and polisen:
        args += ["--spider", "polisen"]
    return subprocess.run([*args, *extra], capture_output=True, text=True, timeout=timeout)


def rows(db: Path, sql: str, params=()) -> list[dict]:
    # Read-only: polling a crawl must not create an empty file before the crawl does.
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()
