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
    "too_large": "body over DOWNLOAD_MAXSIZE, not stored",
    "robots": "robots.txt forbids the URL",
    "redirect": "redirect loop or too many redirects",
    "offsite": "redirect to another site, not followed",
    "decode": "body could not be decoded as text",
    "pdf": "PDF unreadable (broken or encrypted); raw body kept",
    "empty": "200 with an empty body",
    "soft_404": "200 page that says the page was not found",
    "blocked": "WAF/captcha page instead of content",
    "other": "anything else",
}


def classify_failure(failure) -> tuple[str, str, int | None]:
    """(kind, message, http_status) for a Twisted failure from an errback."""
    exc = failure.value
    message = f"{type(exc).__name__}: {exc}"
    if failure.check(HttpError):
        status = exc.response.status
        return ("http_5xx" if status >= 500 else "http_4xx"), f"HTTP {status}", status
    if failure.check(DownloadTimeoutError) or "Timeout" in type(exc).__name__:
        return "timeout", message, None
    if failure.check(CannotResolveHostError) or "DNS" in type(exc).__name__:
        return "dns", message, None
    if failure.check(DownloadCancelledError):
        return "too_large", message, None
    if failure.check(IgnoreRequest):
        text = str(exc).lower()
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
