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

_CONTACT = re.compile(r"@|\b\d{3}\s?\d{2}\b\s+[A-ZÅÄÖ]|\d{2,4}-\d{2}\s?\d{2}|tfn|telefon", re.I)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


def _registry(municipalities=None):
    if municipalities is not None:
        return tuple(municipalities)
    from crawler.registry import load_municipalities  # lazy: keeps normalize importable alone
    return tuple(load_municipalities())


# Candidate spans are found with small generic patterns and then looked up in
# dictionaries: one 600-name alternation per line was the normalizer's hot spot.
_SUFFIX = re.compile(r"\b(?:kommuns?|stads?)\b", re.I)
_WORDS_BEFORE = re.compile(r"([\wåäöÅÄÖé-]+(?:\s+[\wåäöÅÄÖé-]+){0,2})\s+$")
_IN_PLACE = re.compile(r"(?:medborgarlöften?|medborgarlöftet|polisen|kommun)\s+i\s+"
                       r"([A-ZÅÄÖ][\wåäöé-]+(?:[\s-][A-ZÅÄÖ][\wåäöé-]+)?)", re.I)
_LPO = re.compile(r"lokalpolisområde(?:t)?\s+([A-ZÅÄÖ][\wåäöé-]+(?:\s[A-ZÅÄÖ][\wåäöé-]+)?)")
_REGION_GOTLAND = re.compile(r"\bregion\s+gotland\b", re.I)


@lru_cache(maxsize=4)
def _tables(registry: tuple):
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


def find_municipalities(text: str, url: str | None = None, municipalities=None) -> list[str]:
    """Codes of the municipalities a page is for, in order of first mention."""
    variants, bare, slugs, hosts = _tables(_registry(municipalities))
    found: dict[str, int] = {}
    for line_no, line in enumerate(text.splitlines()):
        if _CONTACT.search(line) and len(line) < 120:
            continue
        for suffix in _SUFFIX.finditer(line):
            before = _WORDS_BEFORE.search(line[max(0, suffix.start() - 60):suffix.start()])
            code = _lookup(before.group(1), variants) if before else None
            if code:
                found.setdefault(code, line_no)
        if _REGION_GOTLAND.search(line) and "gotland" in variants:
            found.setdefault(variants["gotland"], line_no)
        for match in _IN_PLACE.finditer(line):
            if line[max(0, match.start() - 20):match.start()].lower().endswith("lokalpolisområde "):
                continue
            code = bare.get(match.group(1).lower()) or bare.get(match.group(1).split()[0].lower())
            if code:
                found.setdefault(code, line_no)
    if not found and url:
        found.update({c: 0 for c in codes_from_url(url, municipalities)})
    if not found:
        for match in _LPO.finditer(text):
            code = bare.get(match.group(1).lower()) or bare.get(match.group(1).split()[0].lower())
            if code:
                found.setdefault(code, 0)
    return sorted(found, key=found.get)


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
    return []


def as_entries(codes: list[str], municipalities=None) -> list[dict]:
    by_code = {m.code: m for m in _registry(municipalities)}
    return [{"code": c, "name": by_code[c].short_name} for c in codes if c in by_code]
