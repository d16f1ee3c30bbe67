"""Benchmark the crawl over a synthetic loopback web.

Prints: pages per second, the first crawl's time against bare Scrapy (the
same spiders with the archive pipeline and revalidation off; medians of
--repeat interleaved runs), bytes and requests of a re-crawl of the
unchanged web, and peak memory of the crawl process; then one summary line

    crawl: archive_vs_bare=R.RR recrawl_bytes_pct=P.PP peak_rss_mb=N

    python bench/crawl.py [--sites 50] [--pages 200] [--latency 0.02] [--repeat 3]
"""

from __future__ import annotations

import _path  # noqa: F401  (must come first: see bench/_path.py)

import argparse
import json
import statistics
import tempfile
from pathlib import Path

from _common import CrawlTiming, last_run, served, timed_crawl
from crawler.crawl import fast_crawl_settings
from crawler.demo.synthetic import SyntheticWeb


def crawl(db: Path, sites_csv: Path, extra: list[str] = ()) -> CrawlTiming:
    """One crawl of the synthetic web at the fixture settings (``extra`` appended)."""
    return timed_crawl(db, sites_csv, ["--max-pages-per-site", "400", *fast_crawl_settings(),
                                       *extra])


# Bare Scrapy: the same spiders, no archive pipeline, no revalidation from the archive
# (and, as in every crawl now, no HTTP cache).
BARE = ["-s", "ITEM_PIPELINES={}", "-s", "ARCHIVE_REVALIDATE=False"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--repeat", type=int, default=3,
                        help="first crawls of each kind, interleaved (medians reported)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, \
            SyntheticWeb(n_sites=args.sites, pages_per_site=args.pages,
                         latency=args.latency) as web:
        tmp = Path(tmp)
        sites_csv = web.write_sites_csv(tmp / "sites.csv")
        bare_times, archive_times, peaks, bare_cpu, archive_cpu = [], [], [], [], []
        for n in range(args.repeat):  # interleaved: the shared machine's load hits both
            bare = crawl(tmp / f"bare{n}.db", sites_csv, BARE)
            bare_times.append(bare.seconds)
            bare_cpu.append(bare.cpu_seconds)
            web.clear_log()
            archive = crawl(tmp / f"archive{n}.db", sites_csv)
            archive_times.append(archive.seconds)
            archive_cpu.append(archive.cpu_seconds)
            peaks.append(archive.peak_rss_mb)
        db = tmp / f"archive{args.repeat - 1}.db"
        first = last_run(db)
        served_first = served(web)
        web.clear_log()
        t_again = crawl(db, sites_csv).seconds
        again = last_run(db)
        served_again = served(web)
        web.set_version(2)
        t_v2 = crawl(db, sites_csv).seconds
        v2 = last_run(db)
    t_first, t_plain = statistics.median(archive_times), statistics.median(bare_times)
    recrawl_pct = 100 * served_again["bytes"] / max(1, served_first["bytes"])
    figures = {
        "web": f"{args.sites} sites x {args.pages} pages, latency {args.latency}s",
        "first_crawl_seconds": [round(t, 2) for t in archive_times],
        "bare_crawl_seconds": [round(t, 2) for t in bare_times],
        # CPU seconds of the crawl process: less disturbed by a loaded machine than wall time
        "first_crawl_cpu_seconds": [round(t, 2) for t in archive_cpu],
        "bare_crawl_cpu_seconds": [round(t, 2) for t in bare_cpu],
        "archive_vs_bare_cpu": round(statistics.median(archive_cpu)
                                     / statistics.median(bare_cpu), 2),
        "first_crawl_requests": first["requests"],
        "pages_per_second": round(first["requests"] / t_first, 1),
        "archived_pages": first["new_pages"],
        "recrawl_seconds": round(t_again, 2),
        "recrawl_requests": served_again["requests"],
        "recrawl_304s": served_again["not_modified"],
        "recrawl_bytes_served": served_again["bytes"],
        "first_crawl_bytes_served": served_first["bytes"],
        "recrawl_new_snapshots": again["snapshots"] - first["snapshots"],
        "v2_new_versions": v2["new_versions"], "v2_seconds": round(t_v2, 2),
        "peak_memory_mb": max(peaks),
    }
    print(json.dumps(figures, indent=2))
    print(f"crawl: archive_vs_bare={t_first / t_plain:.2f} recrawl_bytes_pct={recrawl_pct:.2f} "
          f"peak_rss_mb={max(peaks)}")


if __name__ == "__main__":
    main()
