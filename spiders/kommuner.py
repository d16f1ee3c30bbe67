"""One focused spider over all municipal websites.

For each site it reads robots.txt (for its ``Sitemap:`` lines; Scrapy's
robots middleware enforces the rules), the sitemaps (gzipped ones and
sitemap indexes too), the site's own search when the home page has a search
form, and every page archived before (so a page that disappears is seen to
go), then follows links best-first by relevance score within a page budget
and depth limit. Each page is judged from all its evidence
(crawler.relevance); relevant pages and PDFs go to the archive with their
score and reasons. A site whose home page redirects to a new host has moved:
the new host is followed and the move recorded.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode, urljoin, urlsplit

from crawler.coverage import CoverageRecorder
from crawler.items import FetchErrorItem
from crawler.relevance import is_pdf_url, link_score
from crawler.sites import Site, load_sites
from crawler.spiderbase import ArchiveSpider, is_html, is_pdf, sitemap_urls

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
        self.requested: set[str] = set()
        self.sitemaps_requested: Counter = Counter()   # sub-sitemaps of indexes, per site
        self.moves: dict[str, str] = {}        # site code → the new root it redirected to
        self.best: dict[str, tuple[float, str, list[str]]] = {}  # best page not archived
        self.run_args = {"sites": sites, "municipality": codes,
                         "max_pages_per_site": max_pages_per_site}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.coverage = CoverageRecorder(crawler, spider)   # the coverage table, at close
        return spider

    @property
    def max_pages(self) -> int:
        return int(self._max_pages_arg or self.settings.getint("MAX_PAGES_PER_SITE", 300))

    @property
    def max_depth(self) -> int:
        return self.settings.getint("MAX_DEPTH_PER_SITE", 5)

    async def start(self):
        for site in self.sites.values():
            yield self.request(site.code, urljoin(site.url, "/robots.txt"), self.parse_robots,
                               "robots", 1000, dont_filter=True, errback=self.on_robots_error)
            for url in site.start_urls():
                yield self.request(site.code, url, self.parse_page, "start", 900)
            relevant = self.known_relevant(site.code)
            for url in self.known_urls(site.code):
                self._trust_known_host(site, url)
                self.requested.add(url)
                yield self.request(site.code, url, self.parse_page, "known", 800, depth=1,
                                   was_relevant=url in relevant)

    def _follow(self, site: Site, url: str, depth: int, score: float, via: str, **meta):
        """A request for a link, or None when off-site, seen, too deep or over budget."""
        url = url.split("#")[0]
        if not site.allows(url) or urlsplit(url).scheme not in ("http", "https"):
            return None
        if url in self.requested or depth > self.max_depth \
                or self.scheduled[site.code] >= self.max_pages:
            return None
        self.requested.add(url)
        priority = int(score * 10) - depth * 5
        return self.request(site.code, url, self.parse_page, via, priority, depth, **meta)

    def _trust_known_host(self, site: Site, url: str) -> None:
        """A page archived for this site is on this site, even on a host it moved to earlier."""
        if not site.allows(url):
            site.extra_domains.append(urlsplit(url).hostname or "")

    def _adopt_move(self, site: Site, response) -> None:
        """The site's root or robots.txt redirected to another host: the site has moved there."""
        redirects = response.meta.get("redirect_urls")
        if not redirects or response.meta.get("found_via") not in ("robots", "start"):
            return
        old, new = urlsplit(redirects[0]), urlsplit(response.url)
        if old.hostname == new.hostname:
            return
        if not site.allows(response.url):
            site.extra_domains.append(new.hostname or "")
        self.moves[site.code] = f"{new.scheme}://{new.netloc}/"
        self.logger.info("webbplatsen %s har flyttat: %s -> %s", site.code, redirects[0],
                         response.url)

    # -- robots, sitemaps, search ----------------------------------------
    def parse_robots(self, response):
        site = self.sites[response.meta["site_code"]]
        self._adopt_move(site, response)
        declared = self.sitemaps_from_robots(response)
        base = self.moves.get(site.code, site.url)
        for url in declared or sitemap_urls(base):
            if site.allows(url):
                yield self.request(site.code, url, self.parse_sitemap, "sitemap", 950,
                                   errback=self.on_sitemap_error,
                                   sitemap_declared=bool(declared))

    def parse_sitemap(self, response):
        site = self.sites[response.meta["site_code"]]
        sitemap = self.read_sitemap(response)
        if sitemap is None:
            error = self.sitemap_error(response, site.code)
            if error is not None:
                yield error
            return
        entries = sorted(sitemap, key=lambda e: e.get("lastmod", ""), reverse=True)
        if sitemap.type == "sitemapindex":
            for entry in entries:
                loc = entry.get("loc", "")
                if self.sitemaps_requested[site.code] < MAX_SITEMAPS_PER_SITE \
                        and site.allows(loc):
                    self.sitemaps_requested[site.code] += 1
                    yield self.request(site.code, loc, self.parse_sitemap, "sitemap", 940,
                                       errback=self.on_sitemap_error, sitemap_declared=True)
            return
        yield from self._sitemap_pages(site, entries)

    def _sitemap_pages(self, site: Site, entries: list[dict]):
        """URLs whose path looks relevant, the most recently modified (lastmod) first."""
        for rank, entry in enumerate(entries):
            loc = entry.get("loc", "")
            score = link_score(loc)
            if score < SITEMAP_MIN_SCORE:
                continue
            request = self._follow(site, loc, 1, score + max(0, 10 - rank) / 10, "sitemap")
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
            request = self._follow(site, url, 1, 50.0, "search", skip_conditional=True)
            if request is not None:
                yield request
            return

    # -- pages --------------------------------------------------------------
    def parse_page(self, response):
        site = self.sites[response.meta["site_code"]]
        depth = response.meta.get("site_depth", 0)
        via = response.meta.get("found_via", "link")
        self._adopt_move(site, response)
        if not site.allows(response.url):
            yield FetchErrorItem(url=response.meta.get("redirect_urls", [response.url])[0],
                                 site=site.code, kind="offsite",
                                 message=f"omdirigerad till en annan webbplats: {response.url}",
                                 http_status=response.status)
            return
        item, finished = self.open_page(response, site.code, [site.code], via)
        if finished:
            yield item
            return
        if not (is_html(response) or is_pdf(response)):
            return
        judgement = self.judge_page(response, item)
        if via == "known" and response.meta.get("was_relevant"):
            self.keep_earlier_judgement(item, judgement)
        # Search result lists change with the index: followed, never archived.
        if (judgement.relevant and via != "search") or via == "known":
            yield item
        elif via != "search" and judgement.score > self.best.get(site.code, (0.0,))[0]:
            self.best[site.code] = (judgement.score, response.url, judgement.reasons)
        if is_pdf(response):
            return
        if depth == 0 and via == "start":
            yield from self._search_requests(site, response)
        yield from self._links(site, response, depth, judgement.relevant)

    def _links(self, site: Site, response, depth: int, on_promise_page: bool):
        for anchor in response.css("a[href]"):
            url = urljoin(response.url, anchor.attrib["href"].strip())
            text = " ".join(anchor.css("::text").getall()).strip()
            context = " ".join(anchor.xpath("../text() | ../../text()").getall())[:300]
            score = link_score(url, text, context)
            if score < 0 or (score == 0 and not (on_promise_page and is_pdf_url(url))):
                continue
            if is_pdf_url(url):
                score += 5
            request = self._follow(site, url, depth + 1, score,
                                   "pdf-link" if is_pdf_url(url) else "link",
                                   link_text=text, link_context=context)
            if request is not None:
                yield request
