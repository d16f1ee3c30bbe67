"""Archive growth: per re-crawl of an unchanged web, and per changed page.

    python bench/growth.py [--sites 20] [--pages 100]

Crawls a synthetic loopback web, re-crawls it unchanged three times, then
switches it to version 2 and re-crawls; prints bytes added to the archive
(after a WAL checkpoint and VACUUM-free size: the file as it stands) and
rows added per step.
"""

from __future__ import annotations

import _path  # noqa: F401  (must come first: see bench/_path.py)

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from crawler.crawl import fast_crawl_settings
from crawler.demo.synthetic import SyntheticWeb

TABLES = ("snapshots", "bodies", "pages", "changes", "fetch_errors", "crawl_runs")


def measure(db: Path) -> dict:
    conn = sqlite3.connect(db)
    conn.execute("pragma wal_checkpoint(truncate)")
    counts = {}
    for table in TABLES:
        try:
            counts[table] = conn.execute(f"select count(*) from {table}").fetchone()[0]
        except sqlite3.OperationalError:
            counts[table] = 0
    counts["body_bytes"] = conn.execute(
        "select coalesce(sum(length(body)), 0) from bodies").fetchone()[0]
    conn.close()
    counts["file_bytes"] = db.stat().st_size
    return counts


def recrawl(db: Path, sites_csv: Path) -> None:
    subprocess.run([sys.executable, "-m", "crawler.cli", "recrawl", "--db", str(db),
                    "--sites", str(sites_csv), *fast_crawl_settings()],
                   check=False, capture_output=True)


def delta(after: dict, before: dict) -> dict:
    return {k: after[k] - before[k] for k in after}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--pages", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, \
            SyntheticWeb(n_sites=args.sites, pages_per_site=args.pages, latency=0) as web:
        db = Path(tmp) / "archive.db"
        sites_csv = web.write_sites_csv(Path(tmp) / "sites.csv")
        recrawl(db, sites_csv)
        first = measure(db)
        steps = []
        for _ in range(3):
            before = measure(db)
            recrawl(db, sites_csv)
            steps.append(delta(measure(db), before))
        web.set_version(2)
        before = measure(db)
        recrawl(db, sites_csv)
        changed = delta(measure(db), before)
    new_versions = max(1, changed["snapshots"])
    print(json.dumps({
        "web": f"{args.sites} sites x {args.pages} pages",
        "first_crawl": first,
        "unchanged_recrawls": steps,
        "unchanged_recrawl_growth_bytes": [s["file_bytes"] for s in steps],
        "changed_web": changed,
        "bytes_per_changed_page": round(changed["file_bytes"] / new_versions),
    }, indent=2))


if __name__ == "__main__":
    main()
