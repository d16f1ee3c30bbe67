"""Who is responsible for a commitment: polisen, kommunen, gemensamt, annan.

Read, in order of authority: an "Ansvarig: X" line; a party suffix
("…/Polisen", "(kommunen)"); the sentence's subject ("Polisen ska…",
"Kommunen och polisen lovar…", or after an inverted verb: "…ska kommunen
verka"); the lead-in the item sits under ("Polisen lovar att:"). A lead-in that
states who promises outranks a promise's own subject: under "Polisen och
kommunen lovar att:" every promise is gemensamt. Both parties named →
gemensamt.
"""

from __future__ import annotations

import re

from normalize.caseless import FOLDS_APART

_POLICE = re.compile(r"\b(polis\w*|lokalpolis\w*|områdespolis\w*|kommunpolis\w*)", re.I)
_MUNICIPALITY = re.compile(r"\b(kommun\w*|stad(en)?|region gotland)\b", re.I)
# Municipal services: they count as "kommunen" when they are the subject or the
# "Ansvarig", not when a lead-in merely mentions them ("Polisen ska besöka skolorna:").
_MUNICIPAL_UNIT = re.compile(r"\b(socialtjänst\w*|fritidsgård\w*|räddningstjänst\w*|"
                             r"fältassistent\w*|fältgrupp\w*|fältare\w*|"
                             r"fritidsledare\w*|\w+förvaltning(en)?)\b", re.I)
_COMMUNITY_POLICE = re.compile(r"\bkommunpolis\w*", re.I)
_RESPONSIBLE = re.compile(r"\n?\s*(?:huvud)?ansvar(?:ig\w*)?\s*(?:part\s*)?:\s*(?P<who>.+)$",
                          re.I | re.S)
_SUFFIX = re.compile(r"\s*(?:/\s*(?P<slash>[^/]{3,40})|\((?P<paren>[^()]{3,40})\))\s*\.?\s*$")
_VERBS = (r"ska|skall|lovar|kommer|fortsätter|fullföljer|deltar|samverkar|genomför|arbetar|"
          r"verkar|ansvarar|har|tar|ger|erbjuder|utvecklar|ökar|startar|bidrar|håller|"
          r"medverkar|bjuder|besöker|planerar|prioriterar|genomföra|gör|övar|patrullerar|"
          r"informerar|anordnar|arrangerar|bedriver|finns|träffar|rensar|skapar|stöttar|"
          r"utbildar|kontrollerar|följer|samlar|sprider|inför|ser|jobbar|agerar|satsar|"
          r"utökar|erbjuds|anställer|installerar|byter|förbättrar|kartlägger|åtar")
_SUBJECT = re.compile(rf"^(?P<subject>.{{0,80}}?)\b(?:{_VERBS})\b", re.I)
_INVERTED = re.compile(r"\b(?:ska|skall|kommer|lovar)\s+(?P<subject>(?:[\wåäö]+\s+){0,6}?"
                       r"(?:polis\w*|kommun\w*)(?:\s+(?:och|tillsammans med|i samverkan med)\s+"
                       r"(?:[\wåäö]+\s+)?(?:polis\w*|kommun\w*))?)", re.I)
# A sentence that opens with a party: "Polisen patrullerar…", "Sandvikens kommun och
# polisen lovar…". A capitalised genitive may precede "kommun"; "Öka polisens…" is no subject.
_LEADING_PARTY = re.compile(
    r"^\s*(?:(?:lokal|områdes)?polis\w*|(?:[A-ZÅÄÖ][\wåäö-]*s\s+)?(?:kommun\w*|stad(?:en|s)?\b)|"
    r"(?-i:[A-ZÅÄÖ][\wåäö-]*)\s+(?:kommun|stad)\b)"
    r"(?:\s+(?:och|samt|tillsammans med|i samverkan med)\s+(?:[\wåäö-]+\s+)?"
    r"(?:polis\w*|kommun\w*))?", re.I)
_OTHER_ACTOR = re.compile(rf"^\s*[A-ZÅÄÖ][\wåäö-]+(?:\s+[\wåäö-]+){{0,3}}\s+(?:{_VERBS})\b")


def party(text: str, units: bool = False) -> str | None:
    """polisen / kommunen / gemensamt from the parties a span names, else None.
    ``units``: municipal services (socialtjänsten, skolan, fältgruppen…) count
    as the municipality."""
    text = _COMMUNITY_POLICE.sub("kommunpolis", text or "")
    police = bool(_POLICE.search(text))
    without = _COMMUNITY_POLICE.sub("", text)
    municipal = bool(_MUNICIPALITY.search(without) or units and _MUNICIPAL_UNIT.search(without))
    if police and municipal:
        return "gemensamt"
    if police:
        return "polisen"
    if municipal:
        return "kommunen"
    return None


# "Fotpatrullering i centrum – Polisen", "… - Polis och kommun": a dash and only party words.
_DASH_PARTY = re.compile(r"\s[–—-]\s*(?P<who>(?:polis(?:en)?|kommun(?:en)?|gemensamt)"
                         r"(?:\s*(?:och|&|/|,)\s*(?:polis(?:en)?|kommun(?:en)?))*)\s*\.?\s*$", re.I)


_LETTER_TAG = re.compile(r"\s*\((?P<who>[PK](?:\s*(?:/|\+|,|&|och)\s*[PK])?)\)\s*\.?\s*$")


# Actors that are neither party: a region other than Gotland, a company, a state agency.
_OTHER_ACTOR_TAG = re.compile(
    r"^\s*(?:region\s+(?!gotland)\w+|\w*bolag\w*|\w+\s+AB\b|\w*fastighet\w*|kustbevakning\w*|"
    r"tullverket|trafikverket|\w+verket|länsstyrelsen|\w*förening\w*)", re.I)


def tag_party(who: str) -> str | None:
    """The party an explicit tag names ("Polisen", "Kommunen och polisen",
    "Region Stockholm, trafikförvaltningen" → annan), or None."""
    if _OTHER_ACTOR_TAG.match(who) and not party(re.split(r",|\boch\b", who)[0]):
        return "annan"
    return party(who, units=True)


def _may_hold(text: str, word: str) -> bool:
    """Whether re.IGNORECASE could find the lower-case ``word`` in ``text``
    (normalize.caseless: exact)."""
    return word in text.lower() or any(char in text for char in FOLDS_APART)


def split_tags(text: str) -> tuple[str, str | None]:
    """(text without responsibility tags, the responsibility those tags state)."""
    stated = None
    # Each tag pattern is run only when the text holds what it cannot match without
    # ("ansvar", a parenthesis, a dash, a slash): most commitments carry no tag.
    match = _RESPONSIBLE.search(text) if _may_hold(text, "ansvar") else None
    if match:
        who = match.group("who")
        # "Ansvarig: –": the page says nobody yet; that stays unknown.
        stated = (tag_party(who) or "annan") if re.search(r"\w", who) else UNKNOWN
        text = text[:match.start()]
    letters = _LETTER_TAG.search(text) if ")" in text else None
    if letters and not stated:   # "(P)", "(K)", "(P/K)": the abbreviations some pages use
        found = {c for c in letters.group("who").upper() if c in "PK"}
        stated = "gemensamt" if found == {"P", "K"} else "polisen" if "P" in found else "kommunen"
        text = text[:letters.start()]
    dash = _DASH_PARTY.search(text) if "-" in text or "–" in text or "—" in text else None
    if dash and not stated:
        stated = party(dash.group("who"))
        text = text[:dash.start()]
    suffix = _SUFFIX.search(text) if "/" in text or ")" in text else None
    if suffix:
        who = suffix.group("slash") or suffix.group("paren")
        who_party = tag_party(who)
        if who_party and len(who.split()) <= 5:
            text = text[:suffix.start()]
            stated = stated or who_party
    return text.strip(" \t\n-–•(;,"), stated


# "… genomförs av polisen": the agent of a passive.
_AGENT = re.compile(r"\b\w{3,}(?:s|as)\s+av\s+(?P<agent>(?:\S+\s+){0,2}?(?:polis\w*|kommun\w*|"
                    r"stad\w*|socialtjänst\w*|fältgrupp\w*|fritidsgård\w*))\b", re.I)


def from_subject(text: str) -> str | None:
    """The party that is the grammatical subject, if any."""
    match = _SUBJECT.match(text)
    if match and party(match.group("subject"), units=True) == "gemensamt" \
            and not re.match(r"^\s*(?:i|på|vid|för|under|genom)\b", text, re.I):
        # "Kommunens alkoholhandläggare och polisen genomför …", "Polisen och Region Gotland …"
        return "gemensamt"
    agent = _AGENT.search(text)
    if agent:
        return party(agent.group("agent"), units=True)
    leading = _LEADING_PARTY.match(text)
    if leading and party(leading.group(0)):
        return party(leading.group(0))
    match = _SUBJECT.match(text)
    if match:
        found = party(match.group("subject"), units=True)
        if found:
            return found
    inverted = _INVERTED.search(text[:160])
    if inverted:
        return party(inverted.group("subject"))
    return None


# "Fastighetsägare ska erbjudas trygghetsvandringar": the subject receives, it does not act.
_PASSIVE = re.compile(r"\b(?:ska|skall|kommer att)\s+(?:\w+\s+)?\w{3,}(?:as|ats)\b", re.I)
_PRONOUN = re.compile(r"^\s*(?:vi|man|det|detta|de|dessa|alla|tillsammans|"
                      # an adverbial first ("Under 2024 ska …"): no actor named there
                      r"under|i|på|vid|från|efter|inför|varje|nu|också|dessutom|genom|med|"
                      r"senast|redan|därför|sedan|samtidigt)\b", re.I)


def names_other_actor(text: str) -> bool:
    """'Bostadsbolaget ska…': a named actor that is neither party ('Vi ska…' is not)."""
    return bool(_OTHER_ACTOR.match(text)) and not _PRONOUN.match(text) \
        and not _PASSIVE.search(text[:80]) and from_subject(text) is None


# A lead-in that states who promises: "Polisen och kommunen lovar att:",
# "Kommunen åtar sig att:", "Polisen ska:". It outranks the item's own subject.
_PROMISING_LEAD = re.compile(r"\b(lovar|lovat|åtar\s+sig|tar\s+på\s+sig|åtaganden?|ska|skall|kommer\s+att)\b"
                             r"|\blöften?\b", re.I)


def lead_party(lead_in: str | None) -> str | None:
    """The party a lead-in names, if it is the one promising."""
    if not lead_in:
        return None
    label = lead_in.strip().rstrip(":").strip()
    if re.match(r"^(gemensam(t|ma)?|tillsammans|båda parter|polis(en)? och kommun(en)?)\b",
                label, re.I) and len(label.split()) <= 6:
        return "gemensamt"
    if not _PROMISING_LEAD.search(lead_in) and len(label.split()) > 3:
        return None  # "Polisen" / "Kommunens del" as a heading is a party label
    return party(lead_in)


UNKNOWN = "-"   # an explicit tag that names nobody ("Ansvarig: –")


# Another actor as a sentence's subject: a region other than Gotland, a company
# ("Exempelhem Bostäder AB", "Bostadsbolaget X"), a state agency, an association.
ACTOR_SUBJECT = re.compile(
    r"^\s*(?:(?i:region)\s+(?!(?i:gotland))[A-ZÅÄÖ]\w+|(?:[A-ZÅÄÖ][\wåäö-]*\s+){1,3}AB\b|"
    r"(?i:\w*bolag(?:et)?|\w*fastighet\w*|kustbevakning\w*|\w+verket|länsstyrelsen|"
    r"\w*förening(?:en)?)\b)")


# A finite verb within the next three words: the party before it is the subject.
_FINITE_NEXT = re.compile(r"(?:\s+[\wåäö-]+){0,2}?\s+(?:[a-zåäö][\wåäö]*(?:ar|er|ör|år)|ska|skall)\b")


def own_subject(text: str) -> str | None:
    """The party (or "annan") a sentence opens with as its subject: "Polisen
    genomför …", "Kommunerna rustar …", "X kommun förbinder sig …", "Region Y
    erbjuder …". Infinitive items and sentences opening with an adverbial have none."""
    leading = _LEADING_PARTY.match(text)
    if leading and party(leading.group(0)) and _FINITE_NEXT.match(text, leading.end()):
        return party(leading.group(0))
    if ACTOR_SUBJECT.match(text) and _OTHER_ACTOR.match(text) and not _PASSIVE.search(text[:80]):
        return "annan"
    return None


def responsible(text: str, stated: str | None, lead_in: str | None,
                kind: str = "promise") -> str | None:
    """Ansvarig line / suffix → the sentence's own subject → promising lead-in
    (promises) → subject or agent → lead-in → annan."""
    if stated == UNKNOWN:
        return None
    if stated:
        return stated
    promising = lead_party(lead_in)
    if promising and kind == "promise":
        # "Det här lovar polisen, X kommun och Y kommun" over "Polisen genomför …":
        # the item's own subject outranks the lead-in that names several parties.
        return own_subject(text) or promising
    subject = from_subject(text)
    if subject:
        return subject
    if re.match(r"^\s*(?:gemensamt|tillsammans)\b", text, re.I) or \
            re.search(r"\bgemensamm?(?:a|t)\b", text[:100], re.I) and not lead_in:
        return "gemensamt"   # "Gemensamt arrangeras en trafikdag …", "… ska två gemensamma träffar …"
    fallback = promising or (party(lead_in) if lead_in else None)
    if fallback:
        return fallback
    if names_other_actor(text):
        return "annan"
    return None
