"""A small theme taxonomy for commitments, each theme explained by keywords.

Keywords are regular-expression stems matched on lower-cased text without
word-end anchors, so Swedish compounds and inflections match
("trygghetsvandring" in "trygghetsvandringarna", "narkotika" in
"narkotikabrott").

The table (key, label, description, keywords) is generated from
``_DEFINITIONS`` below and reproduced in docs/normalizer.md; a commitment
gets every theme whose keywords match, in this order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from normalize.caseless import LiteralGate



@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    description: str
    keywords: tuple[str, ...]


_DEFINITIONS = [
    ("synlig_polis", "Synlig polis", "Polisens närvaro och synlighet på platser och i kommunen",
     ("närvaro", "synlig", "fotpatrull", "patrull", "områdespolis", "kommunpolis",
      "poliskontor", "polisstation", "mötesplats polis", "polisens kontor", r"\bsyn(?:a|e)?s\b")),
    ("trygghetsvandringar", "Trygghetsvandringar", "Trygghetsvandringar och inventeringar",
     ("trygghetsvandring", r"trygghets-?\s?vandring", "trygghetsinventering", "nattvandr")),
    ("grannsamverkan", "Grannsamverkan", "Grannsamverkan och liknande samverkan med boende",
     ("grannsamverkan", "grannstöd", "företagssamverkan", "båtsamverkan", "föreningssamverkan")),
    ("narkotika_andt", "Narkotika och ANDT", "Narkotika, alkohol, doping och tobak bland unga",
     ("narkotika", "drog", r"\bandt", "doping", "tobak", "missbruk", "cannabis",
      r"\bknark")),
    ("unga_skola", "Unga och skola", "Barn, unga, skolor och fritid",
     ("ungdom", r"\bunga\b", "skola", "skolor", "elev", "fritidsgård", r"\bbarn", "fältgrupp",
      "fältarbet", "föräldr")),
    ("trafik", "Trafik", "Trafiksäkerhet och motorburen ungdom",
     ("trafik", "hastighet", r"\bepa", "a-traktor", "moped", "bilist", "parkering", "fartkamer",
      "farthinder", "rattonykter", "motorburen", "buskörning")),
    ("centrummiljo", "Centrummiljö", "Trygghet i centrum, på torg, stationer och resecentrum",
     ("centrum", "stadskärna", r"\btorg", "resecentrum", r"(?<!polis)station", "stadspark",
      "gågata")),
    ("ordning_alkohol", "Ordning och alkohol", "Ordningsstörningar, berusning och nattliv",
     ("ordningsstör", "ordningsstadga", r"ordnings-?\s?och", "störande", "nattliv", "fylleri",
      "berusad", "alkohol", "langning", "krog", "restaurang", "serveringstillstånd")),
    ("fysisk_miljo", "Fysisk miljö och belysning", "Belysning, klotter och utemiljö",
     ("belysning", "klotter", "nedskräp", "skadegörelse", "utemiljö", "utomhusmiljö",
      "buskage", "tryggare miljö", "trygg miljö", "röjning", "kamerabevakning")),
    ("vald_nara_relation", "Våld i nära relation", "Våld i nära relationer och hedersvåld",
     (r"våld i nära", "hedersrelaterat", "kvinnofrid", r"mäns våld", "våld mot kvinnor")),
    ("brott_mot_aldre", "Brott mot äldre", "Trygghet och brott mot äldre",
     (r"\bäldre", "senior", "pensionär")),
    ("bedrageri", "Bedrägerier", "Bedrägerier, bluffsamtal och id-kapning",
     ("bedrägeri", "bedragare", "bluffsamtal", "id-kapning", "id-stöld", "telefonbedr")),
    ("gangkriminalitet", "Gäng och organiserad brottslighet", "Gäng, nätverk och rekrytering",
     (r"\bgäng", "kriminella nätverk", "organiserad brott", "rekryter", r"\bvapen", "skjutning",
      "sprängning", "avhopp")),
    ("samverkan_dialog", "Samverkan och dialog", "Dialog med medborgarna och samverkan",
     ("medborgardialog", "dialog", r"(?<!grann)samverka", "medborgarpanel", "enkät",
      "trygghetsråd", r"\bbrå\b", "brottsförebyggande råd")),
    ("inkludering", "Inkludering och integration", "Inkludering av nyanlända och integration",
     ("inkludering", "integration", "nyanlända")),
]

THEMES: dict[str, Theme] = {key: Theme(key, label, description, keywords)
                            for key, label, description, keywords in _DEFINITIONS}
_COMPILED = [(key, re.compile("|".join(theme.keywords))) for key, theme in THEMES.items()]

# The same matching in one pass: an Aho-Corasick automaton finds every literal keyword,
# and the literal each regex keyword cannot match without ("syn" in r"\bsyn(?:a|e)?s\b");
# only a regex whose literal occurs is run. Fifteen alternation regexes per commitment,
# several opening with \b (which re cannot scan for), cost more than all the rest of it.
_REGEX_SYNTAX = re.compile(r"[\\()\[\]?*+|^$.{}]")
_REQUIRED_LITERAL = re.compile(r"(?:\\b|\(\?<!\w+\))?([a-zåäö]+)")


def _keyword_index() -> LiteralGate:
    entries = []
    for index, theme in enumerate(THEMES.values()):
        for keyword in theme.keywords:
            if _REGEX_SYNTAX.search(keyword.replace("-", "")) is None:
                entries.append((keyword, None, index))
            else:
                # the letters it opens with (after \b or a look-behind) are always matched
                literal = _REQUIRED_LITERAL.match(keyword).group(1)
                entries.append((literal, re.compile(keyword), index))
    return LiteralGate(entries)


_KEYWORDS = _keyword_index()


def themes_of(text: str) -> list[str]:
    found = set(_KEYWORDS.matches(text.lower()))
    return [key for index, key in enumerate(THEMES) if index in found]
