"""Benchmark the crawl over a synthetic loopback web.

Prints: pages per second, archive overhead (same crawl with the archive
pipeline off), bytes and requests of a re-crawl of the unchanged web, and
peak memory of the crawl process.

    python bench/crawl.py [--sites 50] [--pages 200] [--latency 0.02]

``--coverage`` instead crawls the coverage fixture web (crawler/demo/coverage_web.py)
and prints recall, precision, requests per site, robots violations, wall time, and
whether the promise page removed in version 2 is marked gone. ``--national`` crawls
290 synthetic sites at the real politeness settings of crawler/settings.py and
prints wall time, requests and peak RSS (see docs/crawl-coverage.md).
"""

from __future__ import annotations

import _path  # noqa: F401  (must come first: see bench/_path.py)

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawler.crawl import fast_crawl_settings
from crawler.demo.coverage_web import CoverageWeb, measure
from crawler.demo.synthetic import SyntheticWeb


def crawl(db: Path, sites_csv: Path, extra: list[str] = ()) -> tuple[float, int]:
    """Run one crawl in a child process: (seconds, peak RSS in MB of that child)."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db),
                    "--sites", str(sites_csv), "--max-pages-per-site", "400",
                    *fast_crawl_settings(), *extra], check=False)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) // 1024


def last_run(db: Path) -> dict:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute("select * from crawl_runs order by id desc limit 1").fetchone())
    row["snapshots"] = conn.execute("select count(*) from snapshots").fetchone()[0]
    conn.close()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--coverage", action="store_true",
                        help="Recall/precision on the coverage fixture web instead.")
    parser.add_argument("--national", action="store_true",
                        help="290 synthetic sites at the real politeness settings instead.")
    args = parser.parse_args()
    if args.coverage or args.national:
        print(json.dumps(coverage_bench() if args.coverage else national_bench(args.pages),
                         indent=2))
        return
    with tempfile.TemporaryDirectory() as tmp, \
            SyntheticWeb(n_sites=args.sites, pages_per_site=args.pages,
                         latency=args.latency) as web:
        tmp = Path(tmp)
        sites_csv = web.write_sites_csv(tmp / "sites.csv")
        t_plain, _ = crawl(tmp / "plain.db", sites_csv,
                           ["-s", "ITEM_PIPELINES={}"])
        plain = last_run_or_stats(tmp / "plain.db")
        web.clear_log()
        t_first, peak = crawl(tmp / "archive.db", sites_csv)
        first = last_run(tmp / "archive.db")
        served_first = served(web)
        web.clear_log()
        t_again, _ = crawl(tmp / "archive.db", sites_csv)
        again = last_run(tmp / "archive.db")
        served_again = served(web)
        web.set_version(2)
        t_v2, _ = crawl(tmp / "archive.db", sites_csv)
        v2 = last_run(tmp / "archive.db")
    figures = {
        "web": f"{args.sites} sites x {args.pages} pages, latency {args.latency}s",
        "first_crawl_seconds": round(t_first, 2),
        "first_crawl_requests": first["requests"],
        "pages_per_second": round(first["requests"] / t_first, 1),
        "archived_pages": first["new_pages"],
        "crawl_without_archive_seconds": round(t_plain, 2),
        "archive_overhead_percent": round(100 * (t_first - t_plain) / t_plain, 1),
        "plain_requests": plain,
        "recrawl_seconds": round(t_again, 2),
        "recrawl_requests": served_again["requests"],
        "recrawl_304s": served_again["not_modified"],
        "recrawl_bytes_served": served_again["bytes"],
        "first_crawl_bytes_served": served_first["bytes"],
        "recrawl_bytes_percent_of_first": round(
            100 * served_again["bytes"] / max(1, served_first["bytes"]), 2),
        "recrawl_new_snapshots": again["snapshots"] - first["snapshots"],
        "v2_new_versions": v2["new_versions"], "v2_seconds": round(t_v2, 2),
        "peak_memory_mb": peak,
    }
    print(json.dumps(figures, indent=2))


def served(web) -> dict:
    """What the server sent (bodies only): the honest cost of a crawl."""
    log = list(web.requests)
    return {"requests": len(log), "bytes": sum(r.bytes_sent for r in log),
            "not_modified": sum(r.status == 304 for r in log)}


def last_run_or_stats(db: Path):
    """With the pipeline off there is no crawl_runs row: report what exists."""
    if not db.exists():
        return None
    try:
        return last_run(db)["requests"]
    except (sqlite3.Error, TypeError):
        return None


def timed_crawl(db: Path, sites_csv: Path, settings: list[str]) -> tuple[float, int, int]:
    """One crawl in a child process: (seconds, peak RSS MB of that child, exit code)."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db),
                              "--sites", str(sites_csv), *settings])
    _, status, usage = os.wait4(child.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(
        status)


def coverage_bench() -> dict:
    """Crawl version 1 and 2 of the coverage web; recall, precision, requests, gone."""
    with tempfile.TemporaryDirectory() as tmp, CoverageWeb() as web:
        db = Path(tmp) / "archive.db"
        sites_csv = web.write_sites_csv(Path(tmp) / "sites.csv")
        seconds, peak, code = timed_crawl(db, sites_csv, fast_crawl_settings())
        figures = measure(db, web)
        web.set_version(2)
        web.clear_log()
        seconds_v2, _, code_v2 = timed_crawl(db, sites_csv, fast_crawl_settings())
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
            "wall_seconds": round(seconds, 2), "wall_seconds_v2": round(seconds_v2, 2),
            "peak_rss_mb": peak, "exit_codes": [code, code_v2]}


def national_bench(pages: int) -> dict:
    """290 synthetic sites, the real politeness settings (only logging quieter)."""
    with tempfile.TemporaryDirectory() as tmp, \
            SyntheticWeb(n_sites=290, pages_per_site=pages, latency=0.02) as web:
        db = Path(tmp) / "archive.db"
        sites_csv = web.write_sites_csv(Path(tmp) / "sites.csv")
        seconds, peak, code = timed_crawl(db, sites_csv, ["-s", "LOG_LEVEL=WARNING"])
        run = last_run(db)
        conn = sqlite3.connect(db)
        covered = conn.execute("select count(*) from coverage where status = 'found'").fetchone()[0]
        conn.close()
    per_site = served(web)["requests"] / 290
    return {"sites": 290, "pages_per_site": pages, "wall_seconds": round(seconds, 1),
            "requests": run["requests"], "requests_per_site": round(per_site, 1),
            "sites_with_promise_found": covered, "peak_rss_mb": peak, "exit_code": code,
            "status": run["status"]}


if __name__ == "__main__":
    main()
