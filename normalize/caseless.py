"""Case-insensitive search of lower-case patterns over long texts, exact and fast.

Python's ``re`` cannot use its prefix scan under ``re.IGNORECASE`` when a
pattern starts with a cased letter: it tries the whole pattern at every
position (3 ms for one search over a 60 kB page). A pattern written in lower
case matches a text case-insensitively exactly when it matches the text's
``str.lower()`` case-sensitively, for every character except the few that
``re`` folds differently from ``str.lower`` (dotted and dotless i, long s:
``FOLDS_APART``, checked by tests/normalize/test_caseless.py over all of
Unicode); a text holding one of those is searched with ``re.IGNORECASE`` as
before. Same answers, a tenth of the time.
"""

from __future__ import annotations

import re

# The letters Caseless patterns may use, and the characters that re.IGNORECASE matches
# to one of them although str.lower() does not give that letter (or gives more than one
# character). \w, \s and \d match a character exactly when they match its lower case.
LETTERS = "abcdefghijklmnopqrstuvwxyzåäöéü"
FOLDS_APART = ("\u0130", "\u0131", "\u017f")


class Caseless:
    """``search(text)``: whether any of the lower-case ``patterns`` occurs in ``text``,
    as ``re.compile("|".join(patterns), re.I).search(text)`` answers, via the
    lower-cased text. Give alternatives that start with a literal as separate
    patterns: re then finds each with its fast literal scan."""

    def __init__(self, *patterns: str):
        if any(pattern != pattern.lower() or any(c.isalpha() and c not in LETTERS
                                                  for c in pattern) for pattern in patterns):
            raise ValueError("Caseless patterns are written in lower case, with LETTERS")
        self.folded = re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.I)
        self.lowered = [re.compile(pattern) for pattern in patterns]

    def search(self, text: str) -> bool:
        for char in FOLDS_APART:
            if char in text:
                return self.folded.search(text) is not None
        lowered = text.lower()
        return any(pattern.search(lowered) for pattern in self.lowered)
