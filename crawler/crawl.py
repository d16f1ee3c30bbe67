"""Run the spiders into an archive (one Scrapy process, several spiders)."""

from __future__ import annotations

import os

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

SPIDERS = ("polisen", "kommuner")


def crawl_settings(db: str | os.PathLike, overrides: dict | None = None):
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    settings.set("ARCHIVE_PATH", str(db), priority="cmdline")
    contact = os.environ.get("MEDBORGARLOFTEN_CONTACT")
    if contact:
        settings.set("USER_AGENT", f"medborgarloften/0.1 (+{contact})", priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(db: str | os.PathLike, spiders=SPIDERS, *, sites: str | None = None,
              municipalities: list[str] | None = None, max_pages_per_site: int | None = None,
              polisen_url: str | None = None, overrides: dict | None = None) -> list[int]:
    """Crawl into ``db``; returns the crawl_runs ids, one per spider.

    Blocks until done. Scrapy's reactor cannot restart, so call this once
    per process (the CLI does).
    """
    process = CrawlerProcess(crawl_settings(db, overrides))
    crawlers = []
    for name in spiders:
        kwargs: dict = {}
        if name == "kommuner":
            kwargs = {"sites": sites, "max_pages_per_site": max_pages_per_site,
                      "municipality": ",".join(municipalities) if municipalities else None}
        elif name == "polisen" and polisen_url:
            kwargs = {"base_url": polisen_url}
        crawler = process.create_crawler(name)
        crawlers.append(crawler)
        process.crawl(crawler, **{k: v for k, v in kwargs.items() if v is not None})
    process.start()
    return [c.stats.get_value("archive/run_id") for c in crawlers]
