"""Bounded line diffs of two archived texts: the side-by-side view of
``/-/diff`` and the ``textdiff`` SQL function.

difflib's HtmlDiff also diffs characters inside every changed line pair;
two 3,000-line versions with every line changed took over five minutes and
blocked the server. Here each text is cut to MAX_LINES lines of at most
MAX_LINE characters, only lines are compared (SequenceMatcher, with its
junk heuristic), and the caller runs it off the event loop.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

MAX_LINES = 4000
MAX_LINE = 2000
CONTEXT = 2


@dataclass
class SideBySide:
    same: bool
    truncated: bool
    line_limit: int = MAX_LINES
    rows: list[dict] = field(default_factory=list)


def _lines(text: str | None) -> tuple[list[str], bool]:
    lines = (text or "").splitlines()
    cut = len(lines) > MAX_LINES or any(len(line) > MAX_LINE for line in lines)
    return [line[:MAX_LINE] for line in lines[:MAX_LINES]], cut


def side_by_side(a: str | None, b: str | None) -> SideBySide:
    """Changed lines of ``a`` and ``b`` with CONTEXT lines around them, as
    rows for the diff template (kind "gap" between hunks)."""
    if (a or "") == (b or ""):
        return SideBySide(same=True, truncated=False)
    old, cut_a = _lines(a)
    new, cut_b = _lines(b)
    result = SideBySide(same=False, truncated=cut_a or cut_b)
    matcher = difflib.SequenceMatcher(None, old, new)
    for number, group in enumerate(matcher.get_grouped_opcodes(CONTEXT)):
        if number:
            result.rows.append({"kind": "gap"})
        for tag, i1, i2, j1, j2 in group:
            result.rows += _rows(tag, old, new, i1, i2, j1, j2)
    return result


CLASSES = {"equal": ("", ""), "replace": ("diff_chg", "diff_chg"),
           "delete": ("diff_sub", ""), "insert": ("", "diff_add")}


def _rows(tag, old, new, i1, i2, j1, j2) -> list[dict]:
    a_class, b_class = CLASSES[tag]
    rows = []
    for k in range(max(i2 - i1, j2 - j1)):
        i, j = i1 + k, j1 + k
        rows.append({"kind": tag,
                     "a_no": i + 1 if i < i2 else None, "a": old[i] if i < i2 else None,
                     "b_no": j + 1 if j < j2 else None, "b": new[j] if j < j2 else None,
                     "a_class": a_class if i < i2 else "", "b_class": b_class if j < j2 else ""})
    return rows


def text_diff(a: str | None, b: str | None) -> str:
    """Changed lines as "-old" / "+new" (the ``textdiff`` SQL function), bounded."""
    old, _ = _lines(a)
    new, _ = _lines(b)
    lines = difflib.unified_diff(old, new, lineterm="", n=0)
    return "\n".join(line for line in lines if not line.startswith(("---", "+++")))
