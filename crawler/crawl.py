"""Run the spiders into an archive (one Scrapy process, several spiders)."""

from __future__ import annotations

import os
from typing import NamedTuple

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from crawler.coverage import coverage_rows

SPIDERS = ("polisen", "kommuner")


class SpiderRun(NamedTuple):
    """What one spider of a crawl left: its crawl_runs id (None when its run
    never started) and why the archive could not be opened, if it could not."""

    spider: str
    run_id: int | None
    archive_error: str | None


def crawl_settings(db: str | os.PathLike, overrides: dict | None = None):
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    settings.set("ARCHIVE_PATH", str(db), priority="cmdline")
    settings.set("HTTPCACHE_DIR", str(os.path.abspath(f"{db}.httpcache")), priority="cmdline")
    contact = os.environ.get("MEDBORGARLOFTEN_CONTACT")
    if contact:
        settings.set("USER_AGENT", f"medborgarloften/0.1 (+{contact})", priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(db: str | os.PathLike, spiders=SPIDERS, *, sites: str | None = None,
              municipalities: list[str] | None = None, max_pages_per_site: int | None = None,
              polisen_url: str | None = None, overrides: dict | None = None) -> list[SpiderRun]:
    """Crawl into ``db``; returns what each spider's run left, one per spider.

    Blocks until done. Scrapy's reactor cannot restart, so call this once
    per process (the CLI does).
    """
    settings = crawl_settings(db, overrides)
    process = CrawlerProcess(settings)
    crawlers = []
    for name in spiders:
        kwargs: dict = {}
        if name == "kommuner":
            kwargs = {"sites": sites, "max_pages_per_site": max_pages_per_site,
                      "municipality": ",".join(municipalities) if municipalities else None,
                      "allow_private_hosts": settings.getbool("ALLOW_PRIVATE_HOSTS")}
        elif name == "polisen" and polisen_url:
            kwargs = {"base_url": polisen_url}
        crawler = process.create_crawler(name)
        crawlers.append(crawler)
        process.crawl(crawler, **{k: v for k, v in kwargs.items() if v is not None})
    process.start()
    if archiving(settings) and os.path.exists(db):
        coverage_rows(db)   # both spiders done: polisen.se pages count in the coverage table
    return [SpiderRun(c.spidercls.name, c.stats.get_value("archive/run_id"),
                      c.stats.get_value("archive/open_error")) for c in crawlers]


def archiving(settings) -> bool:
    """Whether the archive pipeline runs (benchmarks switch it off)."""
    return "crawler.pipelines.ArchivePipeline" in (settings.getdict("ITEM_PIPELINES") or {})


def fast_crawl_settings() -> list[str]:
    """Settings for crawling the local fixture web: no politeness delays."""
    pairs = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False",
             "RETRY_BACKOFF_BASE": "0.1", "DOWNLOAD_TIMEOUT": "5", "LOG_LEVEL": "WARNING",
             "ALLOW_PRIVATE_HOSTS": "True"}  # the fixture web is on 127.0.0.x
    return [arg for k, v in pairs.items() for arg in ("-s", f"{k}={v}")]
