"""What both spiders share: requests, the opening of every parse, relevance, sitemaps, errors.

Site-specific knowledge stays in the spiders (spiders/); this module knows
how to turn a response into a PageItem with its relevance judgement, how to
read a sitemap with Scrapy's own helpers (gzip, indexes, robots.txt
``Sitemap:`` lines) and how to turn every failure into a fetch_errors row.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response, TextResponse, XmlResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.errors import classify_failure
from crawler.items import FetchErrorItem, PageItem
from crawler.relevance import Evidence, Judgement, judge, pdf_metadata
from crawler.store import read as archive_read
from normalize.pagetext import decode_html

_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)
FINAL_STATUSES = (304, 404, 410)   # gone or unchanged: the pipeline records them as they are


class ArchiveSpider(scrapy.Spider):
    """A spider whose output goes to the archive pipeline."""

    run_args: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheduled: Counter = Counter()   # requests scheduled per site

    def known_urls(self, site: str | None) -> list[str]:
        """Pages archived earlier for a site: re-visited so removals are seen."""
        return archive_read.known_pages(self.settings.get("ARCHIVE_PATH"), site)

    def known_relevant(self, site: str | None) -> set[str]:
        """Pages archived earlier for a site that were judged promise pages then."""
        return archive_read.known_relevant_pages(self.settings.get("ARCHIVE_PATH"), site)

    # -- requests -------------------------------------------------------------
    def request(self, site: str, url: str, callback, via: str, priority: int = 0,
                depth: int = 0, errback="default", dont_filter: bool = False,
                **meta) -> scrapy.Request:
        """One request, counted against its site's budget, with the site and route in meta."""
        self.scheduled[site] += 1
        return scrapy.Request(
            url, callback=callback, priority=priority, dont_filter=dont_filter,
            errback=self.on_error if errback == "default" else errback,
            meta={"site_code": site, "site_depth": depth, "found_via": via, **meta})

    # -- the opening of every parse -----------------------------------------------
    def open_page(self, response: Response, site: str, municipalities=(),
                  via: str = "link") -> tuple[PageItem, bool]:
        """(item, finished): 304/404/410 and broken bodies go to the pipeline as they are."""
        item = self.page_item(response, site, municipalities, via)
        finished = response.status in FINAL_STATUSES or item.problem is not None
        return item, finished

    def judge_page(self, response: Response, item: PageItem) -> Judgement:
        """Relevance of an HTML page or a PDF from all its evidence; stored on the item."""
        judgement = judge(self.evidence(response, item))
        item.relevant = judgement.relevant
        item.relevance_score = judgement.score
        item.relevance_reasons = judgement.reasons
        return judgement

    @staticmethod
    def keep_earlier_judgement(item: PageItem, judgement: Judgement) -> None:
        """A known promise page re-requested without the link that led to it keeps its
        earlier verdict while it still speaks of the subject (score above 0)."""
        if not judgement.relevant and judgement.score > 0:
            item.relevant = judgement.relevant = True
            item.relevance_reasons = [*judgement.reasons, "tidigare bedömd som löftessida"]

    def evidence(self, response: Response, item: PageItem) -> Evidence:
        """What a person would look at; the main text is the item's, read once."""
        meta = response.meta
        evidence = Evidence(url=response.url, anchor=meta.get("link_text", ""),
                            context=meta.get("link_context", ""), raw=response.body,
                            content_type=_header(response, b"Content-Type"),
                            body=item.text or "")
        if is_pdf(response):
            evidence.unreadable = "" if item.text is not None else (item.text_error or "?")
            evidence.pdf_meta = pdf_metadata(response.body) if item.text is not None else ""
            return evidence
        html = decoded(response.body, item)
        if html:
            selector = scrapy.Selector(text=html)
            evidence.title = " ".join(selector.css("title::text").getall()).strip()
            evidence.headings = "\n".join(
                " ".join(h.css("::text").getall()).strip()
                for h in selector.css("h1, h2, h3"))
        return evidence

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

    # -- sitemaps -----------------------------------------------------------------
    def sitemaps_from_robots(self, response: Response) -> list[str]:
        """``Sitemap:`` lines of a robots.txt response (Scrapy's parser)."""
        if response.status != 200:
            return []
        return list(sitemap_urls_from_robots(response.body, base_url=response.url))

    def read_sitemap(self, response: Response) -> Sitemap | None:
        """The sitemap or sitemap index in a response (gzip or not), else None.

        The caller turns None into a fetch_errors row with ``sitemap_error``.
        """
        body = sitemap_body(response, self.settings.getint("DOWNLOAD_MAXSIZE"))
        if body is None:
            return None
        try:
            sitemap = Sitemap(body)
        except Exception:  # lxml raises XMLSyntaxError, StopIteration on junk; caller records it
            return None
        return sitemap if sitemap.type in ("urlset", "sitemapindex") else None

    def sitemap_error(self, response: Response, site: str) -> FetchErrorItem | None:
        """Why a sitemap response gave no sitemap (None for an undeclared guess that 404s)."""
        if response.status in (404, 410) and not response.meta.get("sitemap_declared"):
            return None
        kind = "http_4xx" if response.status >= 400 else "decode"
        message = (f"sitemap svarade HTTP {response.status}" if response.status >= 400
                   else "sitemap är varken XML eller gzippad XML")
        return FetchErrorItem(url=response.url, site=site, kind=kind, message=message,
                              http_status=response.status)

    # -- errors -------------------------------------------------------------------
    def on_robots_error(self, failure):
        """robots.txt itself failed: recorded, and Scrapy then allows the site."""
        kind, message, status = classify_failure(failure)
        yield FetchErrorItem(url=failure.request.url,
                             site=failure.request.meta.get("site_code", self.name),
                             kind="robots", message=f"robots.txt gick inte att hämta: {message}",
                             http_status=status)

    def on_sitemap_error(self, failure):
        """A sitemap that failed to download is a fetch_errors row, like any page."""
        for error in self.on_error(failure):
            error.message = f"sitemap: {error.message}"
            yield error

    def on_error(self, failure):
        """Errback: every failed fetch becomes a fetch_errors row."""
        request = failure.request
        kind, message, status = classify_failure(failure)
        site = request.meta.get("site_code", self.name)
        if status in (404, 410):
            return
        yield FetchErrorItem(url=request.url, site=site, kind=kind, message=message,
                             http_status=status)


def sitemap_body(response: Response, max_size: int = 0) -> bytes | None:
    """XML of a sitemap response, gunzipped when it is a .xml.gz file (as SitemapSpider does)."""
    if response.status != 200:
        return None
    if gzip_magic_number(response):
        try:
            return gunzip(response.body, max_size=max_size)
        except (OSError, ValueError, zlib.error):   # corrupt gzip, or over DOWNLOAD_MAXSIZE
            return None
    if isinstance(response, XmlResponse) or response.body.lstrip()[:5] == b"<?xml":
        return response.body
    if response.url.endswith((".xml", ".xml.gz")):
        return response.body
    return None


def decoded(body: bytes, item: PageItem) -> str:
    """The HTML in the encoding the one decoder (normalize.pagetext) found for this item."""
    if item.detected_encoding:
        try:
            return body.decode(item.detected_encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    return decode_html(body, item.declared_encoding)[0]


def sitemap_urls(base: str) -> list[str]:
    """Where a sitemap is when robots.txt names none."""
    return [urljoin(base, "/sitemap.xml")]


def _header(response: Response, name: bytes) -> str:
    return response.headers.get(name, b"").decode("latin-1")


def is_pdf(response: Response) -> bool:
    ctype = _header(response, b"Content-Type").lower()
    return "pdf" in ctype or response.body[:5] == b"%PDF-"


def is_html(response: Response) -> bool:
    return isinstance(response, TextResponse) and not is_pdf(response)
