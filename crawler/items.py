"""Items that spiders yield and the archive pipeline stores."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageItem:
    """One fetched response for a page worth archiving (or a 304/404/410 for one)."""

    url: str
    site: str                       # kommunkod of the municipal site, or "polisen"
    status: int
    body: bytes = b""
    content_type: str = ""
    declared_encoding: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    municipalities: list[str] = field(default_factory=list)  # codes the page names
    found_via: str = ""             # start, link, sitemap, search, known
    referrer: str | None = None
    relevant: bool | None = None            # crawler.relevance.judge, kept on the page row
    relevance_score: float | None = None
    relevance_reasons: list[str] = field(default_factory=list)


@dataclass
class FetchErrorItem:
    """A fetch that failed; kinds are listed in crawler.errors.ERROR_KINDS."""

    url: str
    site: str
    kind: str
    message: str
    http_status: int | None = None
