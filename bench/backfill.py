"""Politeness of a backfill: requests, bytes and waiting over the loopback web archive.

    python bench/backfill.py [--delay 1.5]

Crawls version 1 of the fixture web, then backfills it from the fixture
web archive (crawler/demo/wayback.py; one 429 with Retry-After: 1) at the
given delay (default: the BACKFILL_DELAY setting), twice: the first run
fetches every capture, the second only asks the CDX server again. Prints the
backfill's own report lines and the wall time of each run.
"""

from __future__ import annotations

import _path  # noqa: F401  (must come first: see bench/_path.py)

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawler import settings
from crawler.cli import fast_crawl_settings
from crawler.demo.server import FixtureWeb
from crawler.demo.wayback import WaybackFixture
from crawler.history.backfill import BackfillOptions, run_backfill


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=settings.BACKFILL_DELAY)
    args = parser.parse_args()
    with FixtureWeb() as web, tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "archive.db"
        sites = web.write_sites_csv(Path(tmp) / "sites.csv")
        subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db),
                        "--sites", str(sites), "--polisen-url", web.polisen_url,
                        *fast_crawl_settings()], check=True, capture_output=True)
        with WaybackFixture(web) as archive:
            for label in ("first backfill", "second backfill"):
                started = time.monotonic()
                report = run_backfill(BackfillOptions(db=str(db), endpoint=archive.endpoint,
                                                      delay=args.delay))
                print(f"{label} (delay {args.delay} s): {time.monotonic() - started:.1f} s wall")
                for line in report.lines():
                    print("  " + line)


if __name__ == "__main__":
    main()
