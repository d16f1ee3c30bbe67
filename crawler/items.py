"""Items that spiders yield and the archive pipeline stores."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

from crawler.quality import body_problem
from normalize.pagetext import PageTextError, page_text, truncation_notes


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
    # Filled once by read_text(): the spider's relevance check and the archive share them.
    text: str | None = None
    detected_encoding: str | None = None
    text_error: str | None = None
    problem: tuple[str, str] | None = None   # (error kind, message): a 200 that is no page
    truncated: str | None = None             # what limits cut (PDF pages, deep nesting)
    text_read: bool = False
    relevant: bool | None = None            # crawler.relevance.judge, kept on the page row
    relevance_score: float | None = None
    relevance_reasons: list[str] = field(default_factory=list)

    def read_text(self) -> "PageItem":
        """Decode the body and extract its main text, once (idempotent)."""
        if self.text_read or self.status != 200:
            return self
        self.text_read = True
        self.problem = body_problem(self)
        if self.problem:
            return self
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                self.text, self.detected_encoding = page_text(
                    self.body, self.content_type, self.declared_encoding)
            except PageTextError as exc:
                self.text_error = str(exc)
        self.truncated = truncation_notes(caught)
        return self


@dataclass
class FetchErrorItem:
    """A fetch that failed; kinds are listed in crawler.errors.ERROR_KINDS."""

    url: str
    site: str
    kind: str
    message: str
    http_status: int | None = None
