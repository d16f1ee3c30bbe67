"""When a promise was signed, and by whom.

A sentence with a signing verb (signerades, undertecknade, tecknades, skrev
under…) gives the date ("Den 28 mars", "2023-02-15", "15 februari 2023")
and the signatories: the personal names after "av", or else every personal
name in the sentence ("undertecknade kommunalrådet Anna A och
lokalpolisområdeschefen Bo B"). A date without a year comes back as
"MM-DD"; the caller completes it from the period.
"""

from __future__ import annotations

import re

MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]
_SIGNED = re.compile(r"signer(?:ade?s?|at)|underteckn(?:ade?s?|at)|\btecknade?s?\b|\btecknat\b|"
                     r"skrevs under|skrev under|skrivit under|underskrift")   # on lower-cased text
_DAY_MONTH = re.compile(r"\b(\d{1,2}):?e?\s+(" + "|".join(MONTHS) + r")(?:\s+(20[1-3]\d))?", re.I)
_ISO_DATE = re.compile(r"\b(20[1-3]\d)-(\d\d)-(\d\d)\b")
_NAME_PART = r"[A-ZÅÄÖÉ][a-zåäöéü]+(?:-[A-ZÅÄÖÉ]?[a-zåäöéü]+)?"
_NAME = re.compile(rf"\b({_NAME_PART}(?:\s+[A-ZÅÄÖ]\.?(?:-[A-ZÅÄÖ]\.?)?)?(?:\s+{_NAME_PART})+)")
# Capitalised word pairs that are not people.
_NOT_A_NAME = re.compile(r"kommun|polis|region|stad|län|lokalpolis|medborgarlöft|brå|"
                         r"\b(?:den|det|de|i|på|under|av|och|nytt|ett|en|vid)\b", re.I)


def signing(text: str) -> tuple[str | None, list[str]]:
    """(signing date as ISO or 'MM-DD', signatories) from the first signing sentence."""
    found: tuple[str | None, list[str]] = (None, [])
    lowered = text.lower()
    if not any(stem in lowered for stem in ("signer", "teckn", "skrev", "skriv")):
        return found   # cheap test first: the regex over a long page is not
    for match in _signing_verbs(lowered):   # lower() keeps positions; no re.I is faster
        start = max(text.rfind("\n", 0, match.start()), _sentence_end(text, match.start())) + 1
        end = min(i for i in (text.find("\n", match.end()), _next_end(text, match.end()),
                               len(text)) if i >= 0)
        sentence = text[start:end]
        if len(sentence) > 400:
            continue
        date, names = _date(sentence), _names(sentence)
        if date and not names:   # names on the lines under "Undertecknat 12 januari 2023"
            following = text[end:end + 300].split("\n")[:3]
            names = [n for line in following for n in _names(line)][:4]
        if date:   # "har tecknat medborgarlöften för 2016" has neither: read on
            return date, names
        if names and not found[1]:
            found = (None, names)
    return found


def _signing_verbs(lowered: str):
    """_SIGNED matches in text order, searched only on the lines that hold one of
    its stems (the regex over a whole long page was the cost)."""
    starts = set()
    for stem in ("signer", "teckn", "skrev", "skriv"):
        position = lowered.find(stem)
        while position >= 0:
            starts.add(lowered.rfind("\n", 0, position) + 1)
            position = lowered.find(stem, position + 1)
    for start in sorted(starts):
        end = lowered.find("\n", start)
        yield from _SIGNED.finditer(lowered, start, end if end >= 0 else len(lowered))


def _sentence_end(text: str, before: int) -> int:
    """Index of the last sentence end ('. ') before a position, or -1."""
    found = [m.end() - 2 for m in _SENTENCE_END.finditer(text, max(0, before - 400), before)]
    return found[-1] if found else -1


def _next_end(text: str, after: int) -> int:
    match = _SENTENCE_END.search(text, after)
    return match.start() + 1 if match else -1


_SENTENCE_END = re.compile(r"[.!?]\s")


def _date(sentence: str) -> str | None:
    iso = _ISO_DATE.search(sentence)
    if iso:
        return iso.group(0)
    date = _DAY_MONTH.search(sentence)
    if not date:
        return None
    month = MONTHS.index(date.group(2).lower()) + 1
    day = f"{month:02d}-{int(date.group(1)):02d}"
    return f"{date.group(3)}-{day}" if date.group(3) else day


def _names(sentence: str) -> list[str]:
    after = re.split(r"\bav\b", sentence, maxsplit=1)
    scope = after[1] if len(after) == 2 else sentence
    names = []
    for name in _NAME.findall(scope):
        if not _NOT_A_NAME.search(name) and name not in names:
            names.append(name)
    return names
