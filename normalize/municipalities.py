"""Which municipalities a page is about: names in the text, then the URL.

Names are matched with their Swedish genitive ("Sandvikens kommun"), the
official form ("Falu kommun", "Malmö stad", "Region Gotland") and the bare
name in "Medborgarlöfte(n) i X". A local police area ("lokalpolisområde
Torsby") is not a municipality: it is used only when nothing else is found.
Lines that are contact details (e-mail, phone, postcode) do not count.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

from normalize.registry import registry_tuple

_CONTACT = re.compile(r"@|\b\d{3}\s?\d{2}\b\s+[A-ZÅÄÖ]|\d{2,4}-\d{2}\s?\d{2}|tfn|telefon", re.I)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


def _registry(municipalities=None):
    if municipalities is not None:
        return tuple(municipalities)
    return registry_tuple()


# Candidate spans are found with small generic patterns and then looked up in
# dictionaries: one 600-name alternation per line was the normalizer's hot spot.
_SUFFIX = re.compile(r"\b(?:kommuns?|stads?)\b")   # matched on lower-cased text
# The same spans found by literal-prefixed patterns: re's fast literal search only
# works for a pattern that opens with one literal, not for an alternation or "\b".
_SUFFIX_PARTS = (re.compile(r"kommuns?\b"), re.compile(r"stads?\b"))
_IN_PLACE_PARTS = (re.compile(r"medborgarlöft"), re.compile(r"polisen\s"), re.compile(r"kommun\s"))
_PLURAL_LITERAL = re.compile(r"kommuner")
_WORD_CHAR = re.compile(r"\w")
_WORDS_BEFORE = re.compile(r"([\wåäöÅÄÖé-]+(?:\s+[\wåäöÅÄÖé-]+){0,2})\s+$")
# "Medborgarlöften i Sunne", "Medborgarlöfte för Ale", "Medborgarlöfte Håbo 2024",
# "polisen i Mark"; the name itself must be capitalised ("i mark och vatten" is no place).
_NAME = r"([A-ZÅÄÖ][\wåäöé-]+(?:[\s-][A-ZÅÄÖ][\wåäöé-]+)?)"
_IN_PLACE = re.compile(r"(?i:(?:medborgarlöft\w*|polisen|kommun)\s+(?:i|för)|"
                       r"medborgarlöft\w*(?:\s+[–-])?)\s+" + _NAME)
# "Kristinehamn – medborgarlöften" (a page title naming the place first)
_PLACE_FIRST = re.compile(r"(?m)^" + _NAME + r"\s*[–—:-]\s*(?i:medborgarlöft)")
_IN_PLACE_START = re.compile(r"medborgarlöft|polisen|kommun")   # where _IN_PLACE can match
# "… i Ludvika och Smedjebacken", "… för Hofors, Ockelbo och Sandviken"
_MORE_PLACES = re.compile(r"\s*(?:,|\boch\b|\bsamt\b|&)\s*" + _NAME)
_LPO = re.compile(r"lokalpolisområde(?:t)?\s+([A-ZÅÄÖ][\wåäöé-]+(?:\s[A-ZÅÄÖ][\wåäöé-]+)?)")
_REGION_GOTLAND = re.compile(r"\bregion\s+gotland\b", re.I)


def _tables(registry: tuple):
    """The lookup tables of a registry. The shared registry is found by identity:
    an lru_cache lookup hashes all 290 entries of the tuple on every call, which
    cost more than the rest of ``find_municipalities`` on a short page."""
    if registry is registry_tuple():
        return _default_tables()
    return _tables_for(registry)


@lru_cache(maxsize=1)
def _default_tables():
    return _tables_for(registry_tuple())


@lru_cache(maxsize=4)
def _tables_for(registry: tuple):
    """name forms → code: with kommun/stad (incl. genitive), bare, URL slugs and hosts."""
    variants: dict[str, str] = {}
    bare: dict[str, str] = {}
    slugs: dict[str, str] = {}
    for m in registry:
        official = re.sub(r"\s+(kommun|stad)$", "", m.name, flags=re.I)
        for base in {m.short_name, official} - {""}:
            genitive = base if base.endswith(("s", "x", "z")) else base + "s"
            variants[base.lower()] = variants[genitive.lower()] = m.code
            bare[base.lower()] = m.code
            slugs.setdefault(slugify(re.sub(r"^region\s+", "", base, flags=re.I)), m.code)
    hosts = {(urlsplit(m.website).hostname or "").removeprefix("www."): m.code for m in registry}
    return variants, bare, slugs, hosts


def _lookup(words: str, table: dict[str, str]) -> str | None:
    """The longest trailing run of words that names a municipality."""
    parts = words.split()
    for n in range(min(3, len(parts)), 0, -1):
        code = table.get(" ".join(parts[-n:]).lower())
        if code:
            return code
    return None


# "Ljusnarsbergs och Lindesbergs kommuner", "kommunerna Hofors, Ockelbo och Sandviken".
_PLURAL = re.compile(r"\bkommuner(?:na)?\b", re.I)
_LIST_SEP = re.compile(r"\s*(?:,|\boch\b|\bsamt\b|&)\s*", re.I)


def _listed(line: str, plural: re.Match, variants: dict, bare: dict) -> list[str]:
    codes = []
    if plural.group(0).lower() == "kommuner":
        pieces = _LIST_SEP.split(line[max(0, plural.start() - 100):plural.start()])
        for piece in reversed([p for p in pieces if p.strip()]):
            code = _lookup(piece, variants)
            if not code:
                break
            codes.insert(0, code)
    else:
        pieces = _LIST_SEP.split(line[plural.end():plural.end() + 100])
        for piece in [p for p in pieces if p.strip()]:
            words = piece.split()
            code = next((bare.get(" ".join(words[:n]).lower()) for n in (3, 2, 1)
                         if len(words) >= n and bare.get(" ".join(words[:n]).lower())), None)
            if not code:
                break
            codes.append(code)
    return codes


def find_municipalities(text: str, url: str | None = None, municipalities=None) -> list[str]:
    """Codes of the municipalities a page is for, in order of first mention."""
    variants, bare, slugs, hosts = _tables(_registry(municipalities))
    found: dict[str, int] = {}
    # Each pattern runs once over the whole text (a per-line loop was the hot
    # spot); a hit counts unless its line is a contact line.
    contact_lines: dict[int, bool] = {}

    def line_of(pos: int) -> tuple[int, str]:
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        return start, text[start:end if end >= 0 else len(text)]

    def usable(pos: int) -> tuple[int, str] | None:
        start, line = line_of(pos)
        if start not in contact_lines:
            contact_lines[start] = bool(_CONTACT.search(line)) and len(line) < 120
        return None if contact_lines[start] else (start, line)

    lowered = text.lower()   # same positions; literal lower-case patterns run faster than re.I
    for position in _suffix_hits(lowered):
        where = usable(position)
        if where:
            start, line = where
            before = _WORDS_BEFORE.search(text[max(start, position - 60):position])
            code = _lookup(before.group(1), variants) if before else None
            if code:
                found.setdefault(code, position)
    for plural in _plural_hits(text, lowered):
        where = usable(plural.start())
        if where:
            start, line = where
            for code in _listed(line, _PLURAL.search(line, plural.start() - start), variants, bare):
                found.setdefault(code, plural.start())
    gotland = "gotland" in lowered and _REGION_GOTLAND.search(text)
    if gotland and "gotland" in variants and usable(gotland.start()):
        found.setdefault(variants["gotland"], gotland.start())
    for position in _merged(lowered, _IN_PLACE_PARTS):
        match = _IN_PLACE.match(text, position)
        if not match or not usable(match.start()) or \
                text[max(0, match.start() - 20):match.start()].lower().endswith("lokalpolisområde "):
            continue
        code = _bare(match.group(1), bare)
        end = match.end()
        while code:
            found.setdefault(code, match.start())
            more = _MORE_PLACES.match(text, end)
            code, end = (_bare(more.group(1), bare), more.end()) if more else (None, end)
    for match in _place_first(text, lowered):
        code = _bare(match.group(1), bare)
        if code:
            found.setdefault(code, match.start())
    if url:  # the page's own site or polisen.se slug names its municipality too
        for code in codes_from_url(url, municipalities):
            found.setdefault(code, len(found) and 10**9)
    if not found:
        for match in _LPO.finditer(text):
            code = _bare(match.group(1), bare)
            if code:
                found.setdefault(code, 0)
    return sorted(found, key=found.get)


def _merged(lowered: str, patterns) -> list[int]:
    """Start positions of the hits of several literal-prefixed patterns, in page order."""
    return sorted(m.start() for pattern in patterns for m in pattern.finditer(lowered))


def _suffix_hits(lowered: str) -> list[int]:
    """Where ``_SUFFIX`` matches: 'kommun(s)' / 'stad(s)' hits not inside a longer word."""
    return [p for p in _merged(lowered, _SUFFIX_PARTS)
            if p == 0 or not _WORD_CHAR.match(lowered, p - 1)]


def _plural_hits(text: str, lowered: str):
    """``_PLURAL`` matches, tried only where 'kommuner' occurs."""
    if len(lowered) != len(text):     # a character whose lower case is longer: no shortcut
        return list(_PLURAL.finditer(text))
    hits = (_PLURAL.match(text, m.start()) for m in _PLURAL_LITERAL.finditer(lowered))
    return [m for m in hits if m]


def _place_first(text: str, lowered: str):
    """``_PLACE_FIRST`` matches; the page has none unless a dash or colon comes right
    before some 'medborgarlöft' (the pattern's only literal)."""
    position = lowered.find("medborgarlöft")
    while position >= 0:
        before = position - 1
        while before >= 0 and text[before].isspace():
            before -= 1
        if before >= 0 and text[before] in "–—:-":
            return _PLACE_FIRST.finditer(text)
        position = lowered.find("medborgarlöft", position + 1)
    return ()


def _bare(name: str, bare: dict[str, str]) -> str | None:
    return bare.get(name.lower()) or bare.get(name.split()[0].lower())


def codes_from_url(url: str, municipalities=None) -> list[str]:
    """Codes named by a URL: a municipal domain, or a polisen.se slug."""
    *_, slugs, hosts = _tables(_registry(municipalities))
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host in hosts:
        return [hosts[host]]
    if not host.endswith("polisen.se"):
        return []
    return codes_from_polisen_path(parts.path, municipalities)


def codes_from_polisen_path(path: str, municipalities=None) -> list[str]:
    """Codes named by the last segments of a polisen.se path.

    Slugs are folded names ('malung-salen'), genitive forms ('falu') or a
    local police area inside a city ('goteborg-hisingen'): the longest
    municipality slug that is the segment or its '-'-prefix wins.
    """
    *_, slugs, hosts = _tables(_registry(municipalities))
    segments = [s for s in path.lower().split("/") if s]
    for segment in reversed(segments[-2:]):
        if segment in slugs:
            return [slugs[segment]]
        for slug in sorted(slugs, key=len, reverse=True):
            if segment.startswith(slug + "-"):
                return [slugs[slug]]
    for segment in reversed(segments[-2:]):
        # news slugs: "nytt-medborgarlofte-i-arvika", "medborgarlofte-for-falu-kommun"
        if "medborgarlof" not in segment:
            continue
        tail = re.split(r"-(?:i|for)-", segment)[-1]
        tail = re.sub(r"-(?:kommun|stad|\d{4})(?=-|$).*$", "", tail)
        if tail != segment and tail in slugs:
            return [slugs[tail]]
    return []


@lru_cache(maxsize=1)
def _default_by_code() -> dict:
    return {m.code: m for m in registry_tuple()}


def as_entries(codes: list[str], municipalities=None) -> list[dict]:
    by_code = _default_by_code() if municipalities is None else \
        {m.code: m for m in _registry(municipalities)}
    return [{"code": c, "name": by_code[c].short_name} for c in codes if c in by_code]
