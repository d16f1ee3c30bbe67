"""Readable old → new wording: a word-level diff for people, not patches.

Used by the municipality and commitment pages and the Atom feeds: changed
words are marked with <del>/<ins>, never unified-diff syntax, and every
text is HTML-escaped before marking.
"""

from __future__ import annotations

import difflib
import re

from markupsafe import Markup, escape

_TOKEN = re.compile(r"\s+|[\w-]+|[^\w\s]", re.UNICODE)
# The <del>/<ins> marks below stay in Python (an explicit exception to "markup
# in templates/", allow-listed in tests/test_no_html_in_python.py): they are
# inline marks around escaped words, made per diff op, and a version comparison
# calls these three times per changed line (pages of up to MAX_LINES lines); a
# template render per line would add Jinja's per-render cost to that inner loop
# for two fixed tags. The templates place the results (Markup) as they are.


def tokens(text: str | None) -> list[str]:
    return _TOKEN.findall(text or "")


def word_ops(old: str | None, new: str | None) -> list[tuple[str, str, str]]:
    """(op, old part, new part) with op 'equal', 'delete', 'insert' or 'replace'."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [(op, "".join(a[i1:i2]), "".join(b[j1:j2]))
            for op, i1, i2, j1, j2 in matcher.get_opcodes()]


def inline_html(old: str | None, new: str | None) -> Markup:
    """One text: removed words struck through, added words underlined."""
    parts = []
    for op, before, after in word_ops(old, new):
        if op == "equal":
            parts.append(str(escape(after)))
            continue
        if before.strip():
            parts.append(f"<del>{escape(before)}</del>")
        elif before:
            parts.append(str(escape(before)))
        if after.strip():
            parts.append(f"<ins>{escape(after)}</ins>")
    return Markup("".join(parts))


def side_html(old: str | None, new: str | None) -> tuple[Markup, Markup]:
    """The old text with removed words marked, and the new with added words."""
    left, right = [], []
    for op, before, after in word_ops(old, new):
        if op == "equal":
            left.append(str(escape(before)))
            right.append(str(escape(after)))
            continue
        if before:
            left.append(f"<del>{escape(before)}</del>" if before.strip() else str(escape(before)))
        if after:
            right.append(f"<ins>{escape(after)}</ins>" if after.strip() else str(escape(after)))
    return Markup("".join(left)), Markup("".join(right))


MAX_LINES = 4000   # of each version compared (archived pages can be huge)
PAIR_MIN_SIMILARITY = 0.6   # share of words in common: one reworded line
PAIR_MAX_WORK = 400         # old x new lines in one block compared for pairing
CONTEXT = 1        # unchanged lines shown around a change


def line_blocks(old: str | None, new: str | None) -> list[dict]:
    """Two versions' texts as blocks for reading: unchanged runs collapsed to
    their count (with CONTEXT lines kept), changed lines paired and marked
    word by word. Each block: {"kind": "same"|"skipped"|"changed", …}."""
    a = (old or "").splitlines()[:MAX_LINES]
    b = (new or "").splitlines()[:MAX_LINES]
    blocks: list[dict] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if op == "equal":
            same = a[i1:i2]
            if len(same) <= 2 * CONTEXT + 1:
                blocks += [{"kind": "same", "text": t} for t in same]
                continue
            blocks += [{"kind": "same", "text": t} for t in same[:CONTEXT]] if blocks else []
            blocks.append({"kind": "skipped", "count": len(same) - 2 * CONTEXT})
            blocks += [{"kind": "same", "text": t} for t in same[-CONTEXT:]]
            continue
        for o, n in pair_lines(a[i1:i2], b[j1:j2]):
            left, right = side_html(o, n)
            blocks.append({"kind": "changed", "old": o, "new": n, "old_html": left,
                           "new_html": right, "inline_html": inline_html(o, n)})
    if blocks and blocks[0]["kind"] == "skipped":
        blocks.pop(0)
    return blocks


def pair_lines(before: list[str], after: list[str]) -> list[tuple[str | None, str | None]]:
    """Old and new lines of one changed block as (old, new) pairs: each old
    line with the new line sharing most words (if enough), else alone; in the
    new text's order, unpaired old lines first."""
    if len(before) * len(after) > PAIR_MAX_WORK:
        return [(before[k] if k < len(before) else None, after[k] if k < len(after) else None)
                for k in range(max(len(before), len(after)))]
    words_before = [[t for t in tokens(o) if not t.isspace()] for o in before]
    words_after = [[t for t in tokens(n) if not t.isspace()] for n in after]
    scored = sorted(((difflib.SequenceMatcher(None, wo, wn, autojunk=False).ratio(), i, j)
                     for i, wo in enumerate(words_before) for j, wn in enumerate(words_after)),
                    reverse=True)
    partner: dict[int, int] = {}
    for ratio, i, j in scored:
        if ratio >= PAIR_MIN_SIMILARITY and i not in partner and j not in partner.values():
            partner[i] = j
    by_new = {j: i for i, j in partner.items()}
    pairs: list[tuple[str | None, str | None]] = [
        (o, None) for i, o in enumerate(before) if i not in partner]
    pairs += [(before[by_new[j]] if j in by_new else None, n) for j, n in enumerate(after)]
    return pairs
