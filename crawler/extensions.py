"""Progress line for long crawls, on a terminal only."""

from __future__ import annotations

import sys
import time

from scrapy import signals
from twisted.internet import task


class Progress:
    """Every few seconds: responses, archived pages, sites reached, errors.

    Writes to stderr when it is a terminal (or PROGRESS_FORCE is set), so
    scheduled runs and tests keep clean logs.
    """

    def __init__(self, crawler, interval: float, force: bool):
        self.crawler = crawler
        self.interval = interval
        self.enabled = force or sys.stderr.isatty()
        self.sites_seen: set[str] = set()
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler, crawler.settings.getfloat("PROGRESS_INTERVAL", 2.0),
                  crawler.settings.getbool("PROGRESS_FORCE", False))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def response_received(self, response, request, spider=None):
        if request.meta.get("site_code"):  # Scrapy's own robots.txt requests carry none
            self.sites_seen.add(request.meta["site_code"])

    def spider_opened(self, spider):
        if self.enabled:
            self.loop = task.LoopingCall(self.report, spider)
            self.loop.start(self.interval, now=False)

    def spider_closed(self, spider, reason):
        if self.loop and self.loop.running:
            self.loop.stop()
        if self.enabled:
            self.report(spider, final=True)

    def report(self, spider, final: bool = False) -> None:
        stats = self.crawler.stats
        total_sites = len(getattr(spider, "sites", {})) or 1
        archived = sum(stats.get_value(f"archive/{k}", 0)
                       for k in ("new_page", "new_version", "unchanged", "not_modified"))
        line = (f"[{spider.name}] {time.monotonic() - self.started:6.0f} s  "
                f"svar {stats.get_value('response_received_count', 0)}  "
                f"arkiverade {archived}  webbplatser {len(self.sites_seen)}/{total_sites}  "
                f"fel {stats.get_value('archive/errors', 0)}")
        sys.stderr.write(("\r" + line) if not final else ("\r" + line + "\n"))
        sys.stderr.flush()
