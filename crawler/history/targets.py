"""What a backfill asks the CDX server about, and which site a captured URL belongs to.

Targets: the polisen.se medborgarlöften section under every root it has had
(prefix queries, so old paths are found), and every page the archive knows
(by municipality, or all). Sites: hosts of archived pages, the registry's
municipal websites, and polisen.se.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import sqlite_utils
from lxml import html as lxml_html

from crawler.relevance import is_pdf_url
from normalize.municipalities import codes_from_polisen_path
from normalize.registry import load_municipalities
from spiders.polisen import BASE_URL as POLISEN_URL, SECTION_PATHS, SITE as POLISEN


@dataclass(frozen=True)
class Target:
    url: str
    match_type: str = "prefix"      # prefix or exact
    only_codes: tuple[str, ...] = ()  # keep only captures of these municipalities


def host_key(url: str) -> str:
    """The host as archives vary it: no 'www.', no default port."""
    parts = urlsplit(url)
    host = parts.netloc.lower().rsplit("@", 1)[-1]
    if (parts.scheme, host.rsplit(":", 1)[-1]) in (("http", "80"), ("https", "443")):
        host = host.rsplit(":", 1)[0]
    return host[4:] if host.startswith("www.") else host


def page_key(url: str) -> str:
    """One page however it was captured: http or https, www. or not, :80 or not."""
    parts = urlsplit(url)
    return host_key(url) + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class SiteMap:
    """Host → site (kommunkod or 'polisen'), from the archive and the registry."""

    def __init__(self, db: sqlite_utils.Database):
        self.sites = {host_key(m.website): m.code for m in load_municipalities() if m.website}
        self.sites[host_key(POLISEN_URL)] = POLISEN
        self.pages: dict[str, str] = {}   # page_key → the URL the archive uses
        for row in db.query("select url, site from pages order by first_seen"):
            self.sites.setdefault(host_key(row["url"]), row["site"])
            self.pages.setdefault(page_key(row["url"]), row["url"])
        self.polisen_roots = sorted({_origin(r["url"]) for r in db.query(
            "select url from pages where site = ?", [POLISEN])} or {_origin(POLISEN_URL)})

    def archived_url(self, url: str) -> str:
        """The archive's URL for the page a capture shows (a capture of
        http://www.x.se:80/a/ is a version of https://x.se/a/ when that is archived)."""
        known = self.pages.get(page_key(url))
        if known is None:
            self.pages[page_key(url)] = url
            return url
        return known

    def site_for(self, url: str) -> str | None:
        return self.sites.get(host_key(url))

    def municipalities_for(self, url: str, site: str) -> list[str]:
        if site == POLISEN:
            return codes_from_polisen_path(urlsplit(url).path)
        return [site] if site.isdigit() else []

    def in_polisen_section(self, url: str) -> bool:
        return self.site_for(url) == POLISEN and any(
            urlsplit(url).path.startswith(p) for p in SECTION_PATHS)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def initial_targets(db: sqlite_utils.Database, sites: SiteMap, url: str | None,
                    codes: list[str]) -> list[Target]:
    """--url: that prefix; --municipality: its pages and polisen's pages about it;
    otherwise (--all-known) polisen's section and every archived page."""
    if url:
        return [Target(url)]
    section = [Target(root + path, only_codes=tuple(codes))
               for root in sites.polisen_roots for path in SECTION_PATHS]
    known = [Target(r["url"]) for r in db.query(
        "select url, site, municipalities from pages order by url")
        if not sites.in_polisen_section(r["url"])
        and (not codes or _concerns(r, codes))]
    return section + known


def _concerns(page: dict, codes: list[str]) -> bool:
    return page["site"] in codes or bool(set(json.loads(page["municipalities"] or "[]"))
                                         & set(codes))


def pdf_links(body: bytes, base_url: str, sites: SiteMap, limit: int) -> list[str]:
    """Links to PDFs on a known site in a captured HTML page (old promise documents)."""
    try:
        tree = lxml_html.fromstring(body)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    found: list[str] = []
    for href in tree.xpath("//a/@href"):
        link = urljoin(base_url, href.strip()).split("#")[0]
        if is_pdf_url(link) and sites.site_for(link) and link not in found:
            found.append(link)
        if len(found) >= limit:
            break
    return found
