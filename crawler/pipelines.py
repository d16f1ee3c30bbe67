"""The one pipeline that writes to the archive."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections import Counter

from scrapy import signals

from crawler.store.archive import Archive, ArchiveError, archive_error
from crawler.store.writer import WRITER
from crawler.items import FetchErrorItem, PageItem

logger = logging.getLogger(__name__)

# An item that could not be stored: a database error, a full disk, a lock
# held past every retry. Never swallowed: counted, logged, and the run fails.
STORE_FAILURES = (sqlite3.Error, OSError, ArchiveError)


class ArchivePipeline:
    """Stores PageItems as snapshots and FetchErrorItems as fetch_errors.

    Each item is written in its own transaction, on the crawl's one writer
    thread (crawler.store.writer), so a killed crawl loses at most the item
    being written and the reactor keeps downloading while SQLite writes. Run counts are saved every few items so an
    interrupted run still shows how far it got.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.path = crawler.settings.get("ARCHIVE_PATH")
        self.counts: Counter = Counter()
        self.errors_by_kind: Counter = Counter()
        self.requests_by_site: Counter = Counter()
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.store_failures = 0
        self.writer = WRITER

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.request_reached, signal=signals.request_reached_downloader)
        crawler.signals.connect(pipeline.request_dropped, signal=signals.request_dropped)
        return pipeline

    def request_dropped(self, request, spider=None) -> None:
        """A redirect back to a URL already visited is a loop; record it."""
        if request.meta.get("redirect_times") and self.run_id is not None:
            chain = " -> ".join(request.meta.get("redirect_urls", []) + [request.url])
            self.writer.submit(self._guarded, self._error,
                               request.meta.get("redirect_urls", [request.url])[0],
                               request.meta.get("site_code", ""), "redirect",
                               f"redirect loop: {chain}")

    def request_reached(self, request, spider=None) -> None:
        self.requests_by_site[request.meta.get("site_code", "")] += 1

    def open_spider(self, spider=None) -> None:
        spider = spider or self.crawler.spider
        try:
            self.run_id = self.writer.submit(self._open, spider).result()
        except STORE_FAILURES as exc:
            # The CLI reads this and reports it as one line (crawler/cli.py).
            error = exc if isinstance(exc, ArchiveError) else archive_error(self.path, exc)
            self.crawler.stats.set_value("archive/open_error", str(error))
            raise error from exc
        spider.run_id = self.run_id
        self.crawler.stats.set_value("archive/run_id", self.run_id)

    def _open(self, spider) -> int:
        """On the writer thread: the connection lives there."""
        self.archive = Archive(self.path)
        return self.archive.start_run(spider.name, getattr(spider, "run_args", {}))

    async def process_item(self, item, spider=None):
        await asyncio.wrap_future(self.writer.submit(self._store, item))
        return item

    def _store(self, item) -> None:
        """On the writer thread: one item into the archive; a failure is counted."""
        try:
            if isinstance(item, FetchErrorItem):
                self._error(item.url, item.site, item.kind, item.message, item.http_status)
            elif isinstance(item, PageItem):
                self._page(item)
            if sum(self.counts.values()) % 25 == 0:
                self.archive.update_run(self.run_id, self._run_counts())
        except STORE_FAILURES as exc:
            self._store_failed(item, exc)

    def _guarded(self, write, *args) -> None:
        """On the writer thread: a write that is not an item (a redirect loop)."""
        try:
            write(*args)
        except STORE_FAILURES as exc:
            self._store_failed(None, exc)

    def _store_failed(self, item, exc: BaseException) -> None:
        """An item the archive could not take: counted as an error, the run fails."""
        self.store_failures += 1
        self.counts["errors"] += 1
        self.errors_by_kind["store"] += 1
        self.crawler.stats.inc_value("archive/store_failures")
        logger.error("kunde inte spara %s: %s", getattr(item, "url", item), exc)
        if item is None:
            return
        try:
            self.archive.record_error(self.run_id, item.url, item.site, "store",
                                      f"{type(exc).__name__}: {exc}")
        except STORE_FAILURES:
            pass  # the same fault; the count and the run status still say so

    def _page(self, item: PageItem) -> None:
        problem = item.read_text().problem
        if problem:
            self._error(item.url, item.site, *problem, item.status)
            return
        outcome = self.archive.record_response(self.run_id, item)
        if outcome.kind == "ignored" and item.status >= 400:
            # A link to a page we never had: a broken link, not a removal.
            self._error(item.url, item.site, "http_4xx", f"HTTP {item.status}", item.status)
            return
        self.counts[outcome.kind] += 1
        if outcome.kind in ("new_page", "new_version") and outcome.text_changed:
            self.counts["text_changes"] += 1
        if outcome.text_error:
            kind = "pdf" if "pdf" in outcome.text_error.lower() else "decode"
            self._error(item.url, item.site, kind, outcome.text_error, item.status)
        self.crawler.stats.inc_value(f"archive/{outcome.kind}")

    def _error(self, url, site, kind, message, status=None) -> None:
        self.archive.record_error(self.run_id, url, site, kind, message, status)
        self.counts["errors"] += 1
        self.errors_by_kind[kind] += 1
        self.crawler.stats.inc_value("archive/errors")
        self.crawler.stats.inc_value(f"archive/errors/{kind}")

    def _run_counts(self) -> dict:
        stats = self.crawler.stats
        counts = {
            "requests": stats.get_value("downloader/request_count", 0),
            "bytes": stats.get_value("downloader/response_bytes", 0),
            "new_pages": self.counts["new_page"],
            "new_versions": self.counts["new_version"],
            "text_changes": self.counts["text_changes"],
            "unchanged": self.counts["unchanged"],
            "not_modified": self.counts["not_modified"],
            "gone": self.counts["gone"],
            "errors": self.counts["errors"],
        }
        return counts

    def spider_closed(self, spider, reason) -> None:
        if self.run_id is None:
            return
        self.writer.submit(self._close, reason).result()

    def _close(self, reason) -> None:
        """On the writer thread: the run's end and its counts."""
        if self.archive is None:
            return
        status = "ok" if reason == "finished" else "interrupted"
        if self.store_failures:
            status = "store_failed"
        summary = json.dumps({"finish_reason": reason, "store_failures": self.store_failures,
                              "errors_by_kind": dict(self.errors_by_kind),
                              "requests_by_site": dict(self.requests_by_site)},
                             ensure_ascii=False)
        try:
            self.archive.update_run(self.run_id, self._run_counts(), status, summary)
        except STORE_FAILURES as exc:
            self.crawler.stats.set_value("archive/close_error", str(exc))
            logger.error("kunde inte registrera slutet på körning %s: %s", self.run_id, exc)
        self.crawler.stats.set_value("archive/store_failures", self.store_failures)
        self.archive.close()
        self.archive = None
