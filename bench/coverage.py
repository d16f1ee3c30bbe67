"""Coverage of the crawl: recall and precision on the coverage fixture web, and a national run.

    python bench/coverage.py            # the 28-site coverage fixture web (crawler/demo/coverage_web.py)
    python bench/coverage.py --national [--pages 200]   # 290 synthetic sites, real politeness

The first crawls the coverage web's version 1 and 2 and prints recall,
precision, requests per site, robots violations, wall time and whether the
promise page removed in version 2 is marked gone. ``--national`` crawls 290
synthetic sites at the real politeness settings of crawler/settings.py and
prints wall time, requests and peak RSS (see docs/crawl-coverage.md).
"""

from __future__ import annotations

import _path  # noqa: F401  (must come first: see bench/_path.py)

import argparse
import json
import sqlite3
import tempfile
from pathlib import Path

from _common import last_run, served, timed_crawl
from crawler.crawl import fast_crawl_settings
from crawler.demo.coverage_web import CoverageWeb, measure
from crawler.demo.synthetic import SyntheticWeb


def coverage_bench() -> dict:
    """Crawl version 1 and 2 of the coverage web; recall, precision, requests, gone."""
    with tempfile.TemporaryDirectory() as tmp, CoverageWeb() as web:
        db = Path(tmp) / "archive.db"
        sites_csv = web.write_sites_csv(Path(tmp) / "sites.csv")
        first = timed_crawl(db, sites_csv, fast_crawl_settings())
        figures = measure(db, web)
        web.set_version(2)
        web.clear_log()
        second = timed_crawl(db, sites_csv, fast_crawl_settings())
        conn = sqlite3.connect(db)
        gone = {url for (url,) in conn.execute(
            "select url from pages where gone_since is not null")}
        conn.close()
        removed_gone = web.removed() <= gone
        sites = len(web.municipal_sites)
    recall, precision = figures.pop("recall"), figures.pop("precision")
    return {"sites": sites, "recall_percent": round(100 * recall, 1),
            "precision_percent": round(100 * precision, 1), **figures,
            "requests_mean": round(figures["requests_mean"], 1),
            "removed_page_marked_gone": removed_gone,
            "wall_seconds": round(first.seconds, 2), "wall_seconds_v2": round(second.seconds, 2),
            "peak_rss_mb": first.peak_rss_mb, "exit_codes": [first.exit_code, second.exit_code]}


def national_bench(pages: int) -> dict:
    """290 synthetic sites, the real politeness settings (only logging quieter, and
    private hosts allowed: the synthetic web is on 127.0.0.x)."""
    with tempfile.TemporaryDirectory() as tmp, \
            SyntheticWeb(n_sites=290, pages_per_site=pages, latency=0.02) as web:
        db = Path(tmp) / "archive.db"
        sites_csv = web.write_sites_csv(Path(tmp) / "sites.csv")
        timing = timed_crawl(db, sites_csv, ["-s", "LOG_LEVEL=WARNING",
                                             "-s", "ALLOW_PRIVATE_HOSTS=True"])
        run = last_run(db)
        conn = sqlite3.connect(db)
        covered = conn.execute("select count(*) from coverage where status = 'found'").fetchone()[0]
        conn.close()
    per_site = served(web)["requests"] / 290
    return {"sites": 290, "pages_per_site": pages, "wall_seconds": round(timing.seconds, 1),
            "requests": run["requests"], "requests_per_site": round(per_site, 1),
            "sites_with_promise_found": covered, "peak_rss_mb": timing.peak_rss_mb,
            "exit_code": timing.exit_code,
            "status": run["status"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--national", action="store_true",
                        help="290 synthetic sites at the real politeness settings.")
    parser.add_argument("--pages", type=int, default=200, help="pages per synthetic site")
    args = parser.parse_args()
    print(json.dumps(national_bench(args.pages) if args.national else coverage_bench(), indent=2))


if __name__ == "__main__":
    main()
