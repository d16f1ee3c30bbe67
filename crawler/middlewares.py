"""Downloader middlewares: conditional requests and polite retries."""

from __future__ import annotations

import asyncio
import email.utils
import time

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.utils.response import response_status_message

from crawler.store import read as archive_read


class ConditionalRequestMiddleware:
    """Adds If-None-Match / If-Modified-Since for pages already archived.

    The validators are read once when the spider opens; an unchanged page
    then costs a 304 with no body instead of a full download.
    """

    def __init__(self, archive_path: str):
        self.archive_path = archive_path
        self.validators: dict[str, tuple[str | None, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler.settings.get("ARCHIVE_PATH"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider) -> None:
        self.validators = archive_read.validators(self.archive_path)

    def process_request(self, request, spider=None):
        if request.meta.get("skip_conditional"):
            return None
        etag, last_modified = self.validators.get(request.url, (None, None))
        if etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = etag
        if last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = last_modified
        return None


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


class RevalidateEveryTimePolicy(RFC2616Policy):
    """Scrapy's RFC 2616 cache policy, but a cached page is never 'fresh'.

    A re-crawl exists to notice changes, so every cached response is
    revalidated with its ETag/Last-Modified; the server answers 304 and the
    cached copy is handed to the spider, which can follow its links again.
    That makes navigation pages as cheap as archived ones on a re-crawl.
    """

    def _compute_freshness_lifetime(self, response, request, now) -> float:
        return 0
