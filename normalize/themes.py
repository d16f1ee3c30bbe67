"""A small theme taxonomy for commitments, each theme explained by keywords.

Keywords are regular-expression stems matched on lower-cased text without
word-end anchors, so Swedish compounds and inflections match
("trygghetsvandring" in "trygghetsvandringarna", "narkotika" in
"narkotikabrott").

| key | label | keywords (stems) |
|---|---|---|
| synlig_polis | Synlig polis | närvaro, synlig, fotpatrull, patrull, områdespolis, kommunpolis, poliskontor |
| trygghetsvandringar | Trygghetsvandringar | trygghetsvandring, trygghets-vandring, trygghetsinventering |
| grannsamverkan | Grannsamverkan | grannsamverkan, grannstöd, företagssamverkan, båtsamverkan |
| narkotika_andt | Narkotika och ANDT | narkotika, drog, andt, alkohol, doping, tobak, langning, missbruk |
| unga_skola | Unga och skola | ungdom, unga, skola, skolor, elev, fritidsgård, barn |
| trafik | Trafik | trafik, hastighet, epa, a-traktor, moped, bilist, parkering |
| centrummiljo | Centrummiljö och ordning | centrum, stadskärna, torg, resecentrum, ordningsstörning, nattliv |
| fysisk_miljo | Fysisk miljö och belysning | belysning, ljus, klotter, nedskräp, skadegörelse, utemiljö, buskage |
| vald_nara_relation | Våld i nära relation | våld i nära, hedersrelaterat, kvinnofrid, mäns våld |
| brott_mot_aldre | Brott mot äldre och bedrägerier | äldre, bedrägeri, seniorer |
| gangkriminalitet | Gäng och organiserad brottslighet | gäng, kriminella nätverk, organiserad brott, rekryter, vapen, skjutning |
| samverkan_dialog | Samverkan och dialog | medborgardialog, dialog, samverkan, medborgarpanel, enkät, information |
| inkludering | Inkludering och integration | inkludering, integration, nyanlända |
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    description: str
    keywords: tuple[str, ...]


_DEFINITIONS = [
    ("synlig_polis", "Synlig polis", "Polisens närvaro och synlighet på platser och i kommunen",
     ("närvaro", "synlig", "fotpatrull", "patrull", "områdespolis", "kommunpolis",
      "poliskontor")),
    ("trygghetsvandringar", "Trygghetsvandringar", "Trygghetsvandringar och inventeringar",
     ("trygghetsvandring", r"trygghets-?\s?vandring", "trygghetsinventering")),
    ("grannsamverkan", "Grannsamverkan", "Grannsamverkan och liknande samverkan med boende",
     ("grannsamverkan", "grannstöd", "företagssamverkan", "båtsamverkan")),
    ("narkotika_andt", "Narkotika och ANDT", "Narkotika, alkohol, doping och tobak",
     ("narkotika", "drog", r"\bandt", "alkohol", "doping", "tobak", "langning", "missbruk")),
    ("unga_skola", "Unga och skola", "Barn, unga, skolor och fritid",
     ("ungdom", r"\bunga\b", "skola", "skolor", "elev", "fritidsgård", r"\bbarn")),
    ("trafik", "Trafik", "Trafiksäkerhet och motorburen ungdom",
     ("trafik", "hastighet", r"\bepa", "a-traktor", "moped", "bilist", "parkering")),
    ("centrummiljo", "Centrummiljö och ordning", "Centrum, torg, resecentrum och ordning",
     ("centrum", "stadskärna", r"\btorg", "resecentrum", "ordningsstör", "nattliv",
      "ordningsstadga", r"ordnings-?\s?och")),
    ("fysisk_miljo", "Fysisk miljö och belysning", "Belysning, klotter och utemiljö",
     ("belysning", "klotter", "nedskräp", "skadegörelse", "utemiljö", "utomhusmiljö",
      "buskage", "tryggare miljö")),
    ("vald_nara_relation", "Våld i nära relation", "Våld i nära relationer och hedersvåld",
     (r"våld i nära", "hedersrelaterat", "kvinnofrid", r"mäns våld")),
    ("brott_mot_aldre", "Brott mot äldre och bedrägerier", "Bedrägerier och brott mot äldre",
     (r"\bäldre", "bedrägeri", "senior")),
    ("gangkriminalitet", "Gäng och organiserad brottslighet", "Gäng, nätverk och rekrytering",
     (r"\bgäng", "kriminella nätverk", "organiserad brott", "rekryter", r"\bvapen", "skjutning")),
    ("samverkan_dialog", "Samverkan och dialog", "Dialog med medborgarna och samverkan",
     ("medborgardialog", "dialog", r"(?<!grann)samverka", "medborgarpanel", "enkät")),
    ("inkludering", "Inkludering och integration", "Inkludering av nyanlända och integration",
     ("inkludering", "integration", "nyanlända")),
]

THEMES: dict[str, Theme] = {key: Theme(key, label, description, keywords)
                            for key, label, description, keywords in _DEFINITIONS}
_COMPILED = [(key, re.compile("|".join(theme.keywords))) for key, theme in THEMES.items()]


def themes_of(text: str) -> list[str]:
    lowered = text.lower()
    return [key for key, pattern in _COMPILED if pattern.search(lowered)]
