"""Exact fast paths for regex searches the normalizer runs on every block and page.

Python's ``re`` cannot use its prefix scan under ``re.IGNORECASE`` when a
pattern starts with a cased letter, nor for a pattern that opens with ``\\b``
or an alternation: it tries the whole pattern at every position (10 µs for
one search over a list item, 3 ms over a 60 kB page). Two cheaper forms that
answer exactly the same:

- ``Caseless``: a pattern written in lower case matches a text
  case-insensitively exactly when it matches the text's ``str.lower()``
  case-sensitively, for every character except the few that ``re`` folds
  differently from ``str.lower`` (dotted and dotless i, long s:
  ``FOLDS_APART``, checked by tests/normalize/test_fast_paths.py over all of
  Unicode; ``\\w``, ``\\s`` and ``\\d`` match a character exactly when they
  match its lower case). A text holding one of those is searched with
  ``re.IGNORECASE`` as before. Each pattern is only run when the literal it
  opens with occurs in the lower-cased text.
- ``Gated``: a case-sensitive regex run only when a substring it cannot
  match without occurs in the text.
"""

from __future__ import annotations

import re

import ahocorasick

# The letters Caseless patterns may use, and the characters that re.IGNORECASE matches
# to one of them although str.lower() does not give that letter (or gives more than one
# character).
LETTERS = "abcdefghijklmnopqrstuvwxyzåäöéü"
FOLDS_APART = ("\u0130", "\u0131", "\u017f")
_SPECIAL = set("\\.^$*+?{}[]()|")


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex: "a|b(?:c|d)" → ["a", "b(?:c|d)"]."""
    parts, start, depth, escaped, in_class = [], 0, 0, False, False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    return parts + [pattern[start:]]


def opening_literal(pattern: str) -> str:
    """The text every match of ``pattern`` starts with (after ``\\b`` or ``^``), or ""
    when it has none or has an alternation outside parentheses."""
    if len(alternatives(pattern)) > 1:
        return ""
    rest = pattern.removeprefix("^").removeprefix("\\b")
    literal = []
    index = 0
    while index < len(rest):
        char = rest[index]
        if char == "\\" and index + 1 < len(rest) and not rest[index + 1].isalnum():
            char, width = rest[index + 1], 2       # an escaped punctuation mark: "\."
        elif char in _SPECIAL:
            break
        else:
            width = 1
        following = rest[index + width:index + width + 1]
        if following and following in "?*{":
            break                                   # optional: not in every match
        literal.append(char)
        if following == "+":
            break
        index += width
    return "".join(literal)


class Caseless:
    """``search(text)``: whether any of the lower-case ``patterns`` occurs in ``text``,
    as ``re.compile("|".join(patterns), re.I).search(text)`` answers, via the
    lower-cased text. Give alternatives as separate patterns: each is then run
    only when the literal it opens with occurs, and re finds a literal-prefixed
    pattern with its fast scan."""

    def __init__(self, *patterns: str):
        # \S, \W, \D and \B mean the same on the lower-cased text (see above).
        plain = [re.sub(r"\\[SWDB]", "", pattern) for pattern in patterns]
        if any(pattern != pattern.lower() or any(c.isalpha() and c not in LETTERS
                                                  for c in pattern) for pattern in plain):
            raise ValueError("Caseless patterns are written in lower case, with LETTERS")
        self.folded = re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.I)
        # Patterns without an opening literal always run; the others are found through
        # their literals in one Aho-Corasick pass (TRAP has 70 alternatives).
        self.always = [re.compile(p) for p in patterns if not opening_literal(p)]
        self.gate = LiteralGate((opening_literal(p), re.compile(p), True)
                                for p in patterns if opening_literal(p))

    def search(self, text: str) -> bool:
        for char in FOLDS_APART:
            if char in text:
                return self.folded.search(text) is not None
        lowered = text.lower()
        for pattern in self.always:
            if pattern.search(lowered):
                return True
        for _ in self.gate.matches(lowered):
            return True
        return False


class LiteralGate:
    """Patterns found through a literal each cannot match without: one
    Aho-Corasick pass (pyahocorasick) finds which literals occur in a text, and
    only their patterns run. ``entries``: (literal, compiled pattern or None for
    "the literal is the whole pattern", value); ``matches(text)`` yields the
    value of every entry that matches, in the order their literals occur."""

    def __init__(self, entries):
        by_literal: dict[str, list] = {}
        for number, (literal, pattern, value) in enumerate(entries):
            by_literal.setdefault(literal, []).append((number, pattern, value))
        self.automaton = ahocorasick.Automaton()
        for literal, found in by_literal.items():
            self.automaton.add_word(literal, found)
        self.automaton.make_automaton()

    def matches(self, text: str):
        if not len(self.automaton):   # no literals: the automaton cannot be searched
            return
        tried = set()
        for _end, found in self.automaton.iter(text):
            for number, pattern, value in found:
                if number not in tried:
                    tried.add(number)
                    if pattern is None or pattern.search(text):
                        yield value


class Gated:
    """``search(text)``: ``regex.search(text)`` as a bool, skipped when the text holds
    none of ``needs`` (substrings) and does not open with one of ``opens`` (characters):
    the caller states what every match contains."""

    def __init__(self, regex: re.Pattern, needs: tuple[str, ...], opens: str = ""):
        self.regex, self.needs, self.opens = regex, needs, opens

    def search(self, text: str) -> bool:
        if not (text[:1] and text[:1] in self.opens) and not any(n in text for n in self.needs):
            return False
        return self.regex.search(text) is not None
