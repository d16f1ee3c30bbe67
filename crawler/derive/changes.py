"""What changed between two versions of a page: text diff and promise events.

Pure functions over already-extracted data; ``crawler.derive.run`` stores the
events in the ``changes`` table.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass

REWORD_MIN_SIMILARITY = 0.6   # below this an old/new pair is removed + added

# Every change kind and the Swedish summary users see for it.
CHANGE_KINDS = {
    "page_new": "Ny sida arkiverad",
    "text_changed": "Sidans text ändrad",
    "page_gone": "Sidan borttagen",
    "commitment_added": "Nytt åtagande",
    "commitment_removed": "Åtagande borttaget",
    "commitment_reworded": "Åtagande omformulerat",
    "period_changed": "Period ändrad",
    "document_added": "Nytt medborgarlöfte",
    "document_removed": "Medborgarlöfte borttaget",
}


@dataclass
class Event:
    kind: str
    old_text: str | None = None
    new_text: str | None = None
    diff: str | None = None
    detail: str | None = None  # shown after the summary, e.g. "HTTP 404"

    @property
    def summary(self) -> str:
        label = CHANGE_KINDS[self.kind]
        return f"{label} ({self.detail})" if self.detail else label


def text_key(text: str) -> str:
    """Identity of a commitment text, ignoring case, accents' forms, punctuation."""
    folded = unicodedata.normalize("NFC", text).lower()
    folded = re.sub(r"[^\wåäöé]+", " ", folded).strip()
    return hashlib.sha1(folded.encode("utf-8")).hexdigest()[:16]


def line_diff(old: str, new: str) -> str:
    """Unified diff of changed lines only (no context), without headers."""
    lines = difflib.unified_diff((old or "").splitlines(), (new or "").splitlines(),
                                 lineterm="", n=0)
    return "\n".join(line for line in lines
                     if not line.startswith(("---", "+++")))


def commitment_events(old: list[str], new: list[str]) -> list[Event]:
    """Added, removed and reworded commitments between two versions.

    Texts equal up to case and punctuation continue silently; the remaining
    old and new texts are paired greedily by similarity, and a pair above
    REWORD_MIN_SIMILARITY is a rewording.
    """
    new_keys = {text_key(t) for t in new}
    old_keys = {text_key(t) for t in old}
    removed = [t for t in old if text_key(t) not in new_keys]
    added = [t for t in new if text_key(t) not in old_keys]
    events: list[Event] = []
    pairs = sorted(((difflib.SequenceMatcher(None, o, n).ratio(), i, j)
                    for i, o in enumerate(removed) for j, n in enumerate(added)),
                   reverse=True)
    used_old, used_new = set(), set()
    for ratio, i, j in pairs:
        if ratio < REWORD_MIN_SIMILARITY or i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        events.append(Event("commitment_reworded", removed[i], added[j],
                            line_diff(removed[i], added[j])))
    events += [Event("commitment_removed", old_text=t)
               for i, t in enumerate(removed) if i not in used_old]
    events += [Event("commitment_added", new_text=t)
               for j, t in enumerate(added) if j not in used_new]
    return events


def period_events(old_periods: list[str | None], new_periods: list[str | None]) -> list[Event]:
    """A document's period label changed (documents compared by position)."""
    events = []
    for old, new in zip(old_periods, new_periods):
        if old != new:
            events.append(Event("period_changed", old, new))
    return events


def document_count_events(old_titles: list[str], new_titles: list[str]) -> list[Event]:
    events = []
    for title in new_titles[len(old_titles):]:
        events.append(Event("document_added", new_text=title))
    for title in old_titles[len(new_titles):]:
        events.append(Event("document_removed", old_text=title))
    return events
