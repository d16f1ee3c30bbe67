"""Downloader and spider middlewares: conditional requests from the archive, polite retries."""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import time

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.response import response_status_message

from crawler.items import PageItem
from crawler.store import read as archive_read
from crawler.store.navigation import NavigationPages


class ConditionalRequestMiddleware:
    """Revalidates pages with the archive's own validators; a 304 gets the stored page.

    If-None-Match / If-Modified-Since come from ``pages`` (archived pages)
    and ``navigation_pages`` (pages crawled for their links), read once when
    the spider opens. When the server answers 304, the response handed on is
    the page as last fetched (the current snapshot's body, or the stored
    navigation body), flagged ``archive``: the spider follows an unchanged
    page's links without downloading it, and ``ArchivedResponseMiddleware``
    records it as not modified. This replaces Scrapy's HTTP cache, which kept
    a second copy of every body. ``ARCHIVE_REVALIDATE = False`` turns it off.
    """

    def __init__(self, archive_path: str):
        self.archive_path = archive_path
        self.validators: dict[str, archive_read.Validators] = {}
        self.db = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("ARCHIVE_REVALIDATE", True):
            raise NotConfigured
        middleware = cls(crawler.settings.get("ARCHIVE_PATH"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider) -> None:
        self.validators = archive_read.validators(self.archive_path)
        if self.validators:
            self.db = archive_read.connect(self.archive_path)

    def spider_closed(self, spider) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def process_request(self, request, spider=None):
        if request.meta.get("skip_conditional") or request.url not in self.validators:
            return None
        known = self.validators[request.url]
        if known.etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = known.etag
        if known.last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = known.last_modified
        return None

    def process_response(self, request, response, spider=None):
        known = self.validators.get(request.url)
        if response.status != 304 or known is None or self.db is None:
            return response
        stored = archive_read.stored_page(self.db, request.url, known.source)
        if stored is None:
            return response
        content_type, body = stored
        headers = Headers(response.headers)
        headers[b"Content-Type"] = content_type
        cls = responsetypes.from_args(headers=headers, url=response.url, body=body)
        return cls(url=response.url, status=200, headers=headers, body=body,
                   flags=[*response.flags, ARCHIVED], request=request,
                   ip_address=response.ip_address, protocol=response.protocol)


ARCHIVED = "archive"   # response flag: a 304 answered with the page as last fetched


class ArchivedResponseMiddleware:
    """Spider middleware: what a page's parse yields decides how it is kept.

    * A page answered from the archive (``ARCHIVED``): the PageItem the spider
      yields for it becomes a 304, so the pipeline records "not modified".
    * A fresh page with validators for which the spider yields no PageItem
      (a menu page, a sitemap) is a navigation page: its body goes to ``navigation_pages``,
      so the next crawl can revalidate it and follow its links from there.
    """

    def __init__(self, archive_path: str):
        self.archive_path = archive_path
        self.store: NavigationPages | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("ARCHIVE_REVALIDATE", True):
            raise NotConfigured
        middleware = cls(crawler.settings.get("ARCHIVE_PATH"))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self, spider) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def process_spider_output(self, response, result, spider=None):
        archived = False
        for output in result:
            archived |= self._is_page_of(output, response)
            yield self._not_modified(output, response)
        self._after(response, archived)

    async def process_spider_output_async(self, response, result, spider=None):
        archived = False
        async for output in result:
            archived |= self._is_page_of(output, response)
            yield self._not_modified(output, response)
        self._after(response, archived)

    @staticmethod
    def _is_page_of(output, response) -> bool:
        return isinstance(output, PageItem) and output.url == response.url

    @staticmethod
    def _not_modified(output, response):
        if ARCHIVED in response.flags and ArchivedResponseMiddleware._is_page_of(output, response):
            return dataclasses.replace(output, status=304, body=b"")
        return output

    def _after(self, response, archived: bool) -> None:
        if archived or response.status != 200 or ARCHIVED in response.flags:
            return
        etag = response.headers.get(b"ETag")
        last_modified = response.headers.get(b"Last-Modified")
        if not (etag or last_modified):
            return
        if self.store is None:
            self.store = NavigationPages(self.archive_path)
        self.store.add(response.url, response.meta.get("site_code", ""), _text(etag),
                       _text(last_modified),
                       _text(response.headers.get(b"Content-Type")) or "", response.body)


def _text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value else None


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, but waiting before each one.

    Waits Retry-After when the server sends it, else an exponential backoff
    (RETRY_BACKOFF_BASE × 2^n), capped by RETRY_BACKOFF_MAX. The wait happens
    after the download slot is released, so other sites keep crawling.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    async def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(self._delay(request, response))
        return retry

    async def process_exception(self, request, exception, spider=None):
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            await asyncio.sleep(self._delay(request, None))
        return retry

    def _delay(self, request, response) -> float:
        attempt = request.meta.get("retry_times", 0)
        delay = self.backoff_base * (2 ** attempt)
        if response is not None:
            retry_after = retry_after_seconds(response.headers.get(b"Retry-After"))
            if retry_after is not None:
                delay = retry_after
        return max(0.0, min(delay, self.backoff_max))


def retry_after_seconds(value: bytes | None) -> float | None:
    """Parse Retry-After: delta-seconds or an HTTP date."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
