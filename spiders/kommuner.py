"""One focused spider over all municipal websites.

For each site it reads robots.txt (for sitemaps; Scrapy's robots middleware
enforces the rules), the sitemaps, the site's own search when the home page
has a search form, and then follows links best-first by relevance score
within a page budget and depth limit. Pages whose main text speaks of
medborgarlöften, and relevant PDFs, go to the archive.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode, urljoin, urlsplit

import scrapy
from protego import Protego
from scrapy.utils.sitemap import Sitemap

from crawler.items import FetchErrorItem
from crawler.relevance import is_pdf_url, link_score, mentions_promise
from crawler.sites import Site, load_sites
from crawler.spiderbase import ArchiveSpider, is_html, is_pdf

SEARCH_TERM = "medborgarlöfte"
SITEMAP_MIN_SCORE = 3.0   # sitemap URLs are followed only when their path is relevant
MAX_SITEMAPS_PER_SITE = 10


class KommunerSpider(ArchiveSpider):
    name = "kommuner"

    def __init__(self, sites: str | None = None, municipality: str | None = None,
                 max_pages_per_site: int | str | None = None, hints: str | None = None,
                 allow_private_hosts: bool = False, **kwargs):
        super().__init__(**kwargs)
        codes = municipality.split(",") if municipality else None
        self.sites: dict[str, Site] = {s.code: s for s in load_sites(
            sites, codes, hints, allow_private=allow_private_hosts in (True, "True", "1"))}
        self._max_pages_arg = max_pages_per_site
        self.scheduled: Counter = Counter()   # requests scheduled per site
        self.sitemaps_read: Counter = Counter()
        self.run_args = {"sites": sites, "municipality": codes,
                         "max_pages_per_site": max_pages_per_site}

    @property
    def max_pages(self) -> int:
        return int(self._max_pages_arg or self.settings.getint("MAX_PAGES_PER_SITE", 300))

    @property
    def max_depth(self) -> int:
        return self.settings.getint("MAX_DEPTH_PER_SITE", 5)

    async def start(self):
        for site in self.sites.values():
            robots = urljoin(site.url, "/robots.txt")
            yield self._request(site, robots, self.parse_robots, 0, "robots", 1000,
                                dont_filter=True, errback=self.on_robots_error)
            for url in site.start_urls():
                yield self._request(site, url, self.parse_page, 0, "start", 900)
            for url in self.known_urls(site.code):
                yield self._request(site, url, self.parse_page, 1, "known", 800)

    # -- scheduling -------------------------------------------------------
    def _request(self, site: Site, url: str, callback, depth: int, via: str,
                 priority: int, dont_filter: bool = False, errback="default"):
        self.scheduled[site.code] += 1
        return scrapy.Request(
            url, callback=callback, priority=priority, dont_filter=dont_filter,
            errback=self.on_error if errback == "default" else errback,
            meta={"site_code": site.code, "site_depth": depth, "found_via": via})

    def _follow(self, site: Site, url: str, depth: int, score: float, via: str):
        """A request for a link, or None when it is off-site or over budget."""
        if not site.allows(url) or urlsplit(url).scheme not in ("http", "https"):
            return None
        if depth > self.max_depth or self.scheduled[site.code] >= self.max_pages:
            return None
        priority = int(score * 10) - depth * 5
        return self._request(site, url.split("#")[0], self.parse_page, depth, via, priority)

    # -- robots, sitemaps, search ----------------------------------------
    def parse_robots(self, response):
        site = self.sites[response.meta["site_code"]]
        sitemaps = []
        if response.status == 200:
            sitemaps = [urljoin(response.url, u) for u in Protego.parse(response.text).sitemaps]
        if not sitemaps:
            sitemaps = [urljoin(site.url, "/sitemap.xml")]
        for url in sitemaps:
            if site.allows(url):
                yield self._request(site, url, self.parse_sitemap, 0, "sitemap", 950,
                                    errback=None)

    def parse_sitemap(self, response):
        site = self.sites[response.meta["site_code"]]
        if response.status != 200:
            return
        try:
            sitemap = Sitemap(response.body)
        except Exception:  # not XML: sites serve HTML 'sitemaps' too
            return
        self.sitemaps_read[site.code] += 1
        for entry in sitemap:
            loc = entry.get("loc", "")
            if sitemap.type == "sitemapindex":
                if self.sitemaps_read[site.code] < MAX_SITEMAPS_PER_SITE and site.allows(loc):
                    yield self._request(site, loc, self.parse_sitemap, 0, "sitemap", 940,
                                        errback=None)
                continue
            score = link_score(loc)
            if score >= SITEMAP_MIN_SCORE:
                request = self._follow(site, loc, 1, score, "sitemap")
                if request is not None:
                    yield request

    def _search_requests(self, site: Site, response):
        """GET the site's own search for the promise term, once per site."""
        for form in response.css("form"):
            method = (form.attrib.get("method") or "get").lower()
            field = form.css("input[type=search]::attr(name), input[name=q]::attr(name),"
                             " input[name=query]::attr(name), input[name=s]::attr(name)").get()
            if method != "get" or not field:
                continue
            action = urljoin(response.url, form.attrib.get("action") or response.url)
            url = f"{action.split('?')[0]}?{urlencode({field: SEARCH_TERM})}"
            request = self._follow(site, url, 1, 50.0, "search")
            if request is not None:
                request.meta["skip_conditional"] = True
                yield request
            return

    # -- pages --------------------------------------------------------------
    def parse_page(self, response):
        site = self.sites[response.meta["site_code"]]
        depth = response.meta.get("site_depth", 0)
        via = response.meta.get("found_via", "link")
        if not site.allows(response.url):
            yield FetchErrorItem(url=response.meta.get("redirect_urls", [response.url])[0],
                                 site=site.code, kind="offsite",
                                 message=f"redirected off-site to {response.url}",
                                 http_status=response.status)
            return
        item = self.page_item(response, site.code, [site.code], via)
        if response.status in (304, 404, 410) or is_pdf(response) or item.problem:
            yield item  # the pipeline records gone pages and broken bodies
            return
        if not is_html(response):
            return
        is_promise_page = mentions_promise(item.text or "")
        if is_promise_page and via != "search":  # result lists change with the index
            yield item
        if depth == 0 and via == "start":
            yield from self._search_requests(site, response)
        yield from self._links(site, response, depth, is_promise_page)

    def _links(self, site: Site, response, depth: int, on_promise_page: bool):
        for anchor in response.css("a[href]"):
            href = anchor.attrib["href"].strip()
            url = urljoin(response.url, href)
            text = " ".join(anchor.css("::text").getall()).strip()
            context = " ".join(anchor.xpath("../text() | ../../text()").getall())[:300]
            score = link_score(url, text, context)
            if score < 0:
                continue
            if is_pdf_url(url):
                if score > 0 or on_promise_page:
                    request = self._follow(site, url, depth + 1, score + 5, "pdf-link")
                    if request is not None:
                        yield request
                continue
            if score > 0:
                request = self._follow(site, url, depth + 1, score, "link")
                if request is not None:
                    yield request

