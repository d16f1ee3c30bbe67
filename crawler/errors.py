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

# Kind (the stable key stored in fetch_errors.kind) → what it means, in Swedish.
ERROR_KINDS = {
    "timeout": "servern svarade inte i tid",
    "dns": "värdnamnet går inte att slå upp",
    "connection": "anslutningen nekades eller bröts",
    "http_4xx": "klientfel i svaret (annat än en känd borttagen sida)",
    "http_5xx": "serverfel i svaret, efter nya försök",
    "too_large": "innehållet större än DOWNLOAD_MAXSIZE (eller större uppackat), sparas inte",
    "robots": "robots.txt förbjuder adressen",
    "redirect": "omdirigeringsslinga, för många omdirigeringar eller en omdirigering till "
                "ett otillåtet schema (file:, data:, ftp:, …)",
    "offsite": "omdirigering till en annan webbplats, följs inte",
    "decode": "innehållet gick inte att avkoda som text",
    "pdf": "PDF:en går inte att läsa (trasig eller krypterad); råa innehållet sparas",
    "empty": "200 med tomt innehåll",
    "soft_404": "200-sida som säger att sidan inte finns",
    "blocked": "WAF-/captcha-sida i stället för innehåll",
    "store": "hämtad, men arkivet kunde inte spara den (full disk, låst, trasigt)",
    "other": "allt annat",
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
        return f"HTTP {response.status} utan Location-rubrik"
    target = location.decode("latin-1")[:300]
    return (f"HTTP {response.status}: omdirigering till {target} nekad (bara http/https "
            "följs)")


def _is_decompression_bomb(exc: BaseException) -> bool:
    """Scrapy's HttpCompressionMiddleware stops a body that decompresses
    beyond DOWNLOAD_MAXSIZE with IgnoreRequest/_DecompressionMaxSizeExceeded."""
    cause = type(exc.__cause__).__name__ if exc.__cause__ is not None else ""
    return "DecompressionMaxSize" in cause or "exceeded download_maxsize" in str(exc).lower()
