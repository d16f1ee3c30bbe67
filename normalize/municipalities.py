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


@lru_cache(maxsize=4)
def _patterns(registry: tuple):
    """Regex alternations: variant → code, longest variants first."""
    variants: dict[str, str] = {}
    bare: dict[str, str] = {}
    for m in registry:
        official = re.sub(r"\s+(kommun|stad)$", "", m.name, flags=re.I)
        for base in {m.short_name, official} - {""}:
            genitive = base if base.endswith(("s", "x", "z")) else base + "s"
            for form in (base, genitive):
                variants[form.lower()] = m.code
            bare[base.lower()] = m.code
    names = sorted(variants, key=len, reverse=True)
    alternation = "|".join(re.escape(n) for n in names)
    with_suffix = re.compile(rf"(?<![\wåäö-])({alternation})\s+(kommuns?|stads?)\b", re.I)
    region = re.compile(r"\bregion\s+gotland\b", re.I)
    bare_names = sorted(bare, key=len, reverse=True)
    in_place = re.compile(
        r"(?:medborgarlöften?|medborgarlöftet|lokalpolisområde|polisen|kommun)\s+i\s+("
        + "|".join(re.escape(n) for n in bare_names) + r")(?![\wåäö])", re.I)
    lpo = re.compile(r"lokalpolisområde(?:t)?\s+(" + "|".join(re.escape(n) for n in bare_names)
                     + r")(?![\wåäö])", re.I)
    slugs = {slugify(b): c for b, c in bare.items()}
    for m in registry:
        official = re.sub(r"\s+(kommun|stad)$", "", m.name, flags=re.I)
        slugs.setdefault(slugify(re.sub(r"^region\s+", "", official, flags=re.I)), m.code)
    hosts = {(urlsplit(m.website).hostname or "").removeprefix("www."): m.code for m in registry}
    return variants, bare, with_suffix, region, in_place, lpo, slugs, hosts


def find_municipalities(text: str, url: str | None = None, municipalities=None) -> list[str]:
    """Codes of the municipalities a page is for, in order of first mention."""
    registry = _registry(municipalities)
    variants, bare, with_suffix, region, in_place, lpo, slugs, hosts = _patterns(registry)
    found: dict[str, int] = {}
    for line_no, line in enumerate(text.splitlines()):
        if _CONTACT.search(line) and len(line) < 120:
            continue
        for m in with_suffix.finditer(line):
            found.setdefault(variants[m.group(1).lower()], line_no)
        if region.search(line):
            gotland = variants.get("gotland")
            if gotland:
                found.setdefault(gotland, line_no)
        for m in in_place.finditer(line):
            if not line[max(0, m.start() - 20):m.start()].lower().endswith("lokalpolisområde "):
                found.setdefault(bare[m.group(1).lower()], line_no)
    if not found and url:
        found.update({c: 0 for c in codes_from_url(url, municipalities)})
    if not found:
        for m in lpo.finditer(text):
            found.setdefault(bare[m.group(1).lower()], 0)
    return sorted(found, key=found.get)


def codes_from_url(url: str, municipalities=None) -> list[str]:
    """Codes named by a URL: a municipal domain, or a polisen.se slug."""
    registry = _registry(municipalities)
    *_, slugs, hosts = _patterns(registry)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host in hosts:
        return [hosts[host]]
    if not host.endswith("polisen.se"):
        return []
    segments = [s for s in parts.path.lower().split("/") if s]
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
