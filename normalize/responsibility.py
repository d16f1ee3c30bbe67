"""Who is responsible for a commitment: polisen, kommunen, gemensamt, annan.

Read, in order of authority: an "Ansvarig: X" line; a party suffix
("…/Polisen", "(kommunen)"); the sentence's subject ("Polisen ska…",
"Kommunen och polisen lovar…", or after an inverted verb: "…ska kommunen
verka"); the lead-in the item sits under ("Polisen lovar att:"). Both
parties named → gemensamt.
"""

from __future__ import annotations

import re

_POLICE = re.compile(r"\b(polis\w*|lokalpolis\w*|områdespolis\w*|kommunpolis\w*)", re.I)
_MUNICIPALITY = re.compile(r"\b(kommun\w*|stad(en)?|region gotland|socialtjänst\w*|"
                           r"fritidsgård\w*|räddningstjänst\w*)\b", re.I)
_COMMUNITY_POLICE = re.compile(r"\bkommunpolis\w*", re.I)
_RESPONSIBLE = re.compile(r"\n?\s*ansvarig\w*\s*:\s*(?P<who>.+)$", re.I | re.S)
_SUFFIX = re.compile(r"\s*(?:/\s*(?P<slash>[^/]{3,40})|\((?P<paren>[^()]{3,40})\))\s*\.?\s*$")
_VERBS = (r"ska|skall|lovar|kommer|fortsätter|fullföljer|deltar|samverkar|genomför|arbetar|"
          r"verkar|ansvarar|har|tar|ger|erbjuder|utvecklar|ökar|startar|bidrar|håller|"
          r"medverkar|bjuder|besöker|planerar|prioriterar|genomföra|ska\b")
_SUBJECT = re.compile(rf"^(?P<subject>.{{0,80}}?)\b(?:{_VERBS})\b", re.I)
_INVERTED = re.compile(r"\b(?:ska|skall|kommer|lovar)\s+(?P<subject>(?:[\wåäö]+\s+){0,6}?"
                       r"(?:polis\w*|kommun\w*)(?:\s+(?:och|tillsammans med|i samverkan med)\s+"
                       r"(?:[\wåäö]+\s+)?(?:polis\w*|kommun\w*))?)", re.I)
# A sentence that opens with a party: "Polisen patrullerar…", "Sandvikens kommun och
# polisen lovar…". A capitalised genitive may precede "kommun"; "Öka polisens…" is no subject.
_LEADING_PARTY = re.compile(
    r"^\s*(?:(?:lokal|områdes)?polis\w*|(?:[A-ZÅÄÖ][\wåäö-]*s\s+)?(?:kommun\w*|stad\w*))"
    r"(?:\s+(?:och|samt|tillsammans med|i samverkan med)\s+(?:[\wåäö-]+\s+)?"
    r"(?:polis\w*|kommun\w*))?", re.I)
_OTHER_ACTOR = re.compile(r"^\s*[A-ZÅÄÖ][\wåäö-]+(?:\s+[\wåäö-]+){0,3}\s+(?:ska|skall|kommer)\b")


def party(text: str) -> str | None:
    """polisen / kommunen / gemensamt from the parties a span names, else None."""
    text = text or ""
    police = bool(_POLICE.search(text))
    municipal = bool(_MUNICIPALITY.search(_COMMUNITY_POLICE.sub("", text)))
    if police and municipal:
        return "gemensamt"
    if police:
        return "polisen"
    if municipal:
        return "kommunen"
    return None


def split_tags(text: str) -> tuple[str, str | None]:
    """(text without responsibility tags, the responsibility those tags state)."""
    stated = None
    match = _RESPONSIBLE.search(text)
    if match:
        stated = party(match.group("who")) or "annan"
        text = text[:match.start()]
    suffix = _SUFFIX.search(text)
    if suffix:
        who = suffix.group("slash") or suffix.group("paren")
        who_party = party(who)
        if who_party and len(who.split()) <= 5:
            text = text[:suffix.start()]
            stated = stated or who_party
    return text.strip(" \t\n-–•"), stated


def from_subject(text: str) -> str | None:
    """The party that is the grammatical subject, if any."""
    leading = _LEADING_PARTY.match(text)
    if leading:
        return party(leading.group(0))
    match = _SUBJECT.match(text)
    if match:
        found = party(match.group("subject"))
        if found:
            return found
    inverted = _INVERTED.search(text[:160])
    if inverted:
        return party(inverted.group("subject"))
    return None


def names_other_actor(text: str) -> bool:
    return bool(_OTHER_ACTOR.match(text)) and from_subject(text) is None


def responsible(text: str, stated: str | None, lead_in: str | None) -> str | None:
    if stated:
        return stated
    subject = from_subject(text)
    if subject:
        return subject
    lead_party = party(lead_in or "") if lead_in else None
    if lead_party:
        return lead_party
    if names_other_actor(text):
        return "annan"
    return None
