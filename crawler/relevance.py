"""Score links by how likely they lead to a medborgarlöfte.

A focused crawl follows the best-scoring links first and ignores links that
score nothing once it is past the first levels of a site, so a 2,000-page
municipal site costs a few hundred requests at most.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from normalize.municipalities import fold  # lower-case ASCII folding, as slugs do

# (pattern, weight). Patterns match ASCII-folded, lower-cased text, so
# "medborgarlöften", "Medborgarloften" and "medborgarlofte" all match.
KEYWORDS: tuple[tuple[str, float], ...] = (
    (r"medborgarl[o]ft", 10.0),
    (r"lokal[a]?\s*samverkan|samverkansoverenskommelse|samverkansavtal", 4.0),
    (r"brottsforebygg", 4.0),
    (r"trygghet|trygg\b|tryggare|otrygg", 3.0),
    (r"\bpolis", 3.0),
    (r"\bbra\b|brottsforebyggande rad", 2.0),
    (r"samverkan", 1.5),
    (r"sakerhet|krisberedskap", 1.0),
    (r"kommun[- ]och[- ]politik|kommun-politik|styrning|politik", 0.5),
)
_COMPILED = tuple((re.compile(p), w) for p, w in KEYWORDS)
# Links that never lead to promises: files, login, calendars, feeds.
_NEGATIVE = re.compile(
    r"\.(jpe?g|png|gif|svg|webp|zip|docx?|xlsx?|pptx?|mp[34]|ics)$|/(login|logga-in)|"
    r"mailto:|tel:|javascript:|/rss|/kalender|/evenemang|/lediga-jobb|/jobb", re.I)


def score_text(text: str) -> float:
    folded = fold(text)
    return sum(w for pattern, w in _COMPILED if pattern.search(folded))


def link_score(url: str, link_text: str = "", context: str = "") -> float:
    """Relevance of a link from its URL, its text and the text around it."""
    if _NEGATIVE.search(url):
        return -1.0
    path = unquote(urlsplit(url).path).replace("-", " ").replace("_", " ").replace("/", " ")
    return (1.5 * score_text(link_text) + 1.0 * score_text(path)
            + 0.5 * score_text(context))


def is_pdf_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(".pdf")


_PROMISE_TEXT = re.compile(r"medborgarl[o]ft")


def mentions_promise(text: str) -> bool:
    """True when a page's (main) text speaks of medborgarlöften."""
    return bool(_PROMISE_TEXT.search(fold(text)))
