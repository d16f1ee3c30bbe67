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


def plain_change(old: str | None, new: str | None) -> str:
    """Plain text for feeds and CSV: 'Tidigare: … → Nu: …'."""
    if old and new:
        return f"Tidigare: {old}\nNu: {new}"
    if new:
        return f"Nytt: {new}"
    return f"Borttaget: {old or ''}"
