"""Helpers shared by the spiders: items from responses, errors from failures."""

from __future__ import annotations

import re

import scrapy
from scrapy.http import Response, TextResponse

from crawler.store import read as archive_read
from crawler.errors import classify_failure
from crawler.items import FetchErrorItem, PageItem

_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)


class ArchiveSpider(scrapy.Spider):
    """A spider whose output goes to the archive pipeline."""

    run_args: dict = {}

    def known_urls(self, site: str | None) -> list[str]:
        """Pages archived earlier for a site: re-visited so removals are seen."""
        return archive_read.known_pages(self.settings.get("ARCHIVE_PATH"), site)

    def page_item(self, response: Response, site: str, municipalities=(),
                  found_via: str = "link") -> PageItem:
        headers = {k.decode("latin-1").lower(): v[0].decode("latin-1")
                   for k, v in response.headers.items() if v}
        content_type = headers.get("content-type", "")
        charset = _CHARSET.search(content_type)
        referer = response.request.headers.get(b"Referer") if response.request else None
        return PageItem(
            url=response.url, site=site, status=response.status, body=response.body,
            content_type=content_type,
            declared_encoding=charset.group(1).lower() if charset else None,
            headers=headers, municipalities=list(municipalities),
            found_via=found_via, referrer=referer.decode("latin-1") if referer else None,
        ).read_text()

    def on_robots_error(self, failure):
        """robots.txt itself failed: recorded, and Scrapy then allows the site."""
        kind, message, status = classify_failure(failure)
        yield FetchErrorItem(url=failure.request.url,
                             site=failure.request.meta.get("site_code", self.name),
                             kind="robots", message=f"robots.txt unavailable: {message}",
                             http_status=status)

    def on_error(self, failure):
        """Errback: every failed fetch becomes a fetch_errors row."""
        request = failure.request
        kind, message, status = classify_failure(failure)
        site = request.meta.get("site_code", self.name)
        if status in (404, 410):
            return
        yield FetchErrorItem(url=request.url, site=site, kind=kind, message=message,
                             http_status=status)


def is_pdf(response: Response) -> bool:
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    return "pdf" in ctype or response.body[:5] == b"%PDF-"


def is_html(response: Response) -> bool:
    return isinstance(response, TextResponse) and not is_pdf(response)
