"""Local police areas (lokalpolisområden, LPO) that a promise text names.

There is no reference list of local police areas to look them up in: the
promise documents themselves say which area signs ("Sunne kommun och
lokalpolisområde Torsby har tecknat …"; one area may sign for several
municipalities). ``police_areas(text)`` returns those names in the order
they first appear:

    >>> police_areas("Sunne kommun och lokalpolisområde Torsby har tecknat …")
    ['Torsby']

Tolerated: "lokalpolisområde X", "lokalpolisområdet X", "LPO X",
"lokalpolisområde (LPO) X", joined names "X-Y" and "X/Y", and two-word
names with a compass or district word ("Malmö Norr", "Södra Roslagen",
"Göteborg City") or of a two-word municipality ("Upplands Väsby"). A name starts with a capital letter and stays on its
line, so "lokalpolisområdet har …", "lokalpolisområdeschef" and a heading
followed by a new line name no area.
"""

from __future__ import annotations

import re
from functools import lru_cache

from normalize.registry import registry_tuple

_WORD = r"[A-ZÅÄÖÉ][a-zåäöéü]+"
# Second words that belong to an area's name ("Malmö Norr", "Göteborg City")
# and first words that need one ("Södra Roslagen").
_QUALIFIERS = {"Norr", "Söder", "Öst", "Väst", "Syd", "Nord", "City", "Centrum", "Centrala",
               "Norra", "Södra", "Östra", "Västra", "Mellersta", "Inre", "Yttre"}
_NAMING = re.compile(
    r"\b(?:[Ll]okalpolisområde(?:t)?(?:[ \t]+\(LPO\))?|LPO)[ \t]+"
    rf"(?P<name>{_WORD}(?:[ \t]*[-/–][ \t]*{_WORD})*(?:[ \t]+{_WORD})?)")


def police_areas(text: str | None) -> list[str]:
    """Names of the local police areas ``text`` names, first mention first, once each."""
    found: list[str] = []
    for match in _NAMING.finditer(text or ""):
        name = _clean(match.group("name"))
        if name and name not in found:
            found.append(name)
    return found


def _clean(name: str) -> str:
    """'Haninge / Nynäshamn' -> 'Haninge/Nynäshamn'; a second word only when
    it is part of the name ('Malmö Norr', 'Södra Roslagen')."""
    name = re.sub(r"[ \t]*([-/–])[ \t]*", lambda m: "-" if m.group(1) == "–" else m.group(1),
                  name)
    words = name.split()
    if len(words) == 2 and not (words[1] in _QUALIFIERS or words[0] in _QUALIFIERS
                                or name in _two_word_places()):
        words = words[:1]
    return " ".join(words)


@lru_cache(maxsize=1)
def _two_word_places() -> frozenset[str]:
    """Municipality names of two words ('Upplands Väsby', 'Lilla Edet')."""
    return frozenset(m.short_name for m in registry_tuple() if " " in m.short_name)
