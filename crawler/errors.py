"""Classify failed fetches into the kinds stored in ``fetch_errors``."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError

ERROR_KINDS = {
    "timeout": "the server did not answer in time",
    "dns": "the host name does not resolve",
    "connection": "connection refused or reset",
    "http_4xx": "client error status (other than a known page gone)",
    "http_5xx": "server error status, after retries",
    "too_large": "body over DOWNLOAD_MAXSIZE (or decompressing beyond it), not stored",
    "robots": "robots.txt forbids the URL",
    "redirect": "redirect loop, too many redirects, or a redirect to a refused scheme "
                "(file:, data:, ftp:, …)",
    "offsite": "redirect to another site, not followed",
    "decode": "body could not be decoded as text",
    "pdf": "PDF unreadable (broken or encrypted); raw body kept",
    "empty": "200 with an empty body",
    "soft_404": "200 page that says the page was not found",
    "blocked": "WAF/captcha page instead of content",
    "store": "fetched, but the archive could not store it (disk full, locked, corrupt)",
    "other": "anything else",
}


def classify_failure(failure) -> tuple[str, str, int | None]:
    """(kind, message, http_status) for a Twisted failure from an errback."""
    exc = failure.value
    message = f"{type(exc).__name__}: {exc}"
    if failure.check(HttpError):
        status = exc.response.status
        if 300 <= status < 400:
            return "redirect", _refused_redirect(exc.response), status
        return ("http_5xx" if status >= 500 else "http_4xx"), f"HTTP {status}", status
    if failure.check(DownloadTimeoutError) or "Timeout" in type(exc).__name__:
        return "timeout", message, None
    if failure.check(CannotResolveHostError) or "DNS" in type(exc).__name__:
        return "dns", message, None
    if failure.check(DownloadCancelledError) or _is_decompression_bomb(exc):
        return "too_large", message, None
    if failure.check(IgnoreRequest):
        text = str(exc).lower()
        if text.startswith("refused:"):   # crawler.hostguard
            redirected = failure.request.meta.get("redirect_urls") if failure.request else None
            return ("redirect" if redirected else "offsite"), message, None
        if "robots" in text:
            return "robots", message, None
        if "redirect" in text:
            return "redirect", message, None
        if "offsite" in text or "filtered" in text:
            return "offsite", message, None
        return "other", message, None
    if failure.check(DownloadConnectionRefusedError, ResponseDataLossError,
                     DownloadFailedError) or "Connection" in type(exc).__name__:
        return "connection", message, None
    return "other", message, None


def _refused_redirect(response) -> str:
    """A 3xx that reached the spider: Scrapy refused to follow it (a file:,
    data: or ftp: target, or no Location at all)."""
    location = response.headers.get(b"Location")
    if not location:
        return f"HTTP {response.status} without a Location header"
    target = location.decode("latin-1")[:300]
    return f"HTTP {response.status}: redirect to {target} refused (only http/https are followed)"


def _is_decompression_bomb(exc: BaseException) -> bool:
    """Scrapy's HttpCompressionMiddleware stops a body that decompresses
    beyond DOWNLOAD_MAXSIZE with IgnoreRequest/_DecompressionMaxSizeExceeded."""
    cause = type(exc.__cause__).__name__ if exc.__cause__ is not None else ""
    return "DecompressionMaxSize" in cause or "exceeded download_maxsize" in str(exc).lower()
