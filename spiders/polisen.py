"""polisen.se: the medborgarlöften section, county pages → municipality pages.

The section has moved over the years; both known roots are walked. Every
page below a root that speaks of medborgarlöften is archived, with the
relevance judgement (crawler.relevance) on its row, and tagged with the
municipalities its URL slug names.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from crawler.relevance import mentions_promise
from crawler.spiderbase import ArchiveSpider, is_html, is_pdf
from normalize.municipalities import codes_from_polisen_path

BASE_URL = "https://polisen.se/"
SECTION_PATHS = (
    "/om-polisen/medborgarloften-och-lokal-samverkan/medborgarloften/",
    "/om-polisen/medborgarloften/",
)
SITE = "polisen"


class PolisenSpider(ArchiveSpider):
    name = "polisen"

    def __init__(self, base_url: str | None = None, max_pages: int | str = 2000, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url or BASE_URL
        self.max_pages = int(max_pages)
        self.host = urlsplit(self.base_url).hostname
        self.run_args = {"base_url": self.base_url, "max_pages": self.max_pages}

    async def start(self):
        for path in SECTION_PATHS:
            yield self._request(urljoin(self.base_url, path), "start")
        for url in self.known_urls(SITE):
            yield self._request(url, "known")

    def _request(self, url: str, via: str):
        return self.request(SITE, url, self.parse, via)

    def in_section(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.hostname == self.host and any(
            parts.path.startswith(p) for p in SECTION_PATHS)

    def parse(self, response):
        via = response.meta.get("found_via", "link")
        codes = municipality_codes_for(response.url)
        item, finished = self.open_page(response, SITE, codes, via)
        if finished or is_pdf(response):
            yield item   # PDFs below the section are the promises themselves
            return
        if not is_html(response):
            return
        if self._is_promise_page(response, item) or via == "known":
            yield item
        for href in response.css("a[href]::attr(href)").getall():
            url = urljoin(response.url, href.strip()).split("#")[0]
            if (self.in_section(url) or url.lower().endswith(".pdf")) \
                    and urlsplit(url).hostname == self.host \
                    and self.scheduled[SITE] < self.max_pages:
                yield self._request(url, "link")

    def _is_promise_page(self, response, item) -> bool:
        path = urlsplit(response.url).path
        below_root = any(path.startswith(p) and len(path) > len(p) for p in SECTION_PATHS)
        # Section pages (county lists, follow-ups) are kept too, as before; their
        # relevance columns still say whether they are promise pages themselves.
        return below_root and (self.judge_page(response, item).relevant
                               or mentions_promise(item.text or ""))


def municipality_codes_for(url: str) -> list[str]:
    """Municipality codes named by a polisen.se URL's last path segments."""
    return codes_from_polisen_path(urlsplit(url).path)
