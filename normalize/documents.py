"""Promise documents of a page: drafts from the segmenter, finished with
period, title, signing and the checks that keep non-promise pages empty.

- A follow-up page ("Uppföljning av medborgarlöfte 2022") yields nothing.
- A document without commitments is dropped.
- Prose promises ("Polisen lovar att …") count only where a document lists
  nothing and has a period; then weaker "Polisen ska …" sentences too.
- A document without a heading of its own needs a municipality, a period and
  the word (medborgar)löfte on the page.
"""

from __future__ import annotations

import re

from normalize import cues
from normalize.caseless import Caseless
from normalize.blocks import Block
from normalize.periods import best_period
from normalize.reasons import Reason, say
from normalize.responsibility import responsible, split_tags
from normalize.segmenter import _UNSET, Draft, Segmenter
from normalize.signing import signing
from normalize.themes import themes_of

PAGE_CONTEXT = re.compile(r"medborgarlöft|\bpolis", re.I)


def build_documents(blocks: list[Block], page_text: str, has_place: bool = True,
                    trace: list | None = None) -> list[dict]:
    """Documents of a page. ``has_place``: a municipality was found; without
    one, only documents under a heading with a period are kept (pages that
    explain medborgarlöften in general list "Polisen och kommunen ska: …").
    ``trace`` (a list) receives (kept|dropped, text, why in Swedish) for every candidate."""
    if not PAGE_CONTEXT.search(page_text):
        _note(trace, "dropped", Reason.THE_PAGE, Reason.NO_CONTEXT)
        return []  # "Vi lovar att svara inom…" on a service page is not a medborgarlöfte
    if _is_follow_up_page(blocks):
        _note(trace, "dropped", Reason.THE_PAGE, Reason.FOLLOW_UP_PAGE)
        return []
    joint = joint_voice(blocks)
    drafts = segment(blocks, trace, joint)
    for draft in drafts:
        if draft.commitments or not _period(draft, drafts, page_text):
            continue
        for sentence in draft.prose:
            # A document that lists nothing: its "lovar" sentence is the promise after all.
            text, stated = split_tags(sentence)
            who = responsible(text, stated, None) or ("gemensamt" if joint else None)
            draft.commitments.append({"text": text, "responsible": who, "kind": "promise",
                                      "parent": None, "themes": themes_of(text)})
            _note(trace, "kept", text, Reason.ONLY_PROSE)
    # A document without a heading of its own must show that it is a promise:
    # a place, a period and the word medborgarlöfte/löfte somewhere on the page
    # (a municipality's general safety page lists "Det gör vi genom att: …" too).
    promise_page = has_place and bool(cues.PROMISE_WORD.search(page_text))
    kept = []
    for d in drafts:
        if d.commitments and (d.explicit or promise_page and (
                _period(d, drafts, page_text) or d.promised)):
            kept.append(_finish(d, drafts, page_text))
        elif d.commitments:
            why = (Reason.NO_PLACE if not has_place else
                   Reason.NO_PERIOD if promise_page else Reason.NO_PROMISE_WORD)
            for c in d.commitments:
                _note(trace, "dropped", c["text"], Reason.NOT_A_PROMISE, why=why)
    return kept


def _note(trace: list | None, verdict: str, text: str, reason: Reason, /, **fields) -> None:
    """Trace a decision in Swedish (``reasons.say``); ``text`` may be a code ("(sidan)")."""
    if trace is not None:
        shown = say(text) if isinstance(text, Reason) else text
        trace.append((verdict, shown, say(reason, **fields)))


def segment(blocks: list[Block], trace: list | None = None,
            joint: bool | None = None) -> list[Draft]:
    """Drafts of a page; weak sentences ("X ska …", "… genomförs under hösten") stay
    only in a document that shows it is a promise: a document heading, a promise
    lead-in or list, or a "lovar" sentence."""
    segmenter = Segmenter(blocks)
    segmenter.trace = trace
    drafts = segmenter.run()
    for draft in drafts:
        strong = draft.explicit or draft.lead_seen or any(not c.get("_weak") for c in draft.commitments)
        if not strong:
            for c in draft.commitments:
                _note(trace, "dropped", c["text"], Reason.WEAK_DOCUMENT)
            draft.commitments = []
            draft.last_promise = None
    if joint is None:
        joint = joint_voice(blocks)
    for draft in drafts:
        for c in draft.commitments:
            c.pop("_weak", None)
            if c.pop("_stated", None) is None and c["responsible"] is None and joint:
                # No tag, subject or lead-in names a party: the promise speaks for both
                # ("Vi lovar …", items under "Våra löften" of a page signed by both).
                c["responsible"] = "gemensamt"
                _note(trace, "kept", c["text"], Reason.JOINT_VOICE)
    return drafts


_POLICE = Caseless(r"\bpolis")
_MUNICIPALITY = Caseless(r"\bkommun", r"\bstad(?:en|s)?\b", r"\bregion gotland\b")


def joint_voice(blocks: list[Block]) -> bool:
    """The page speaks for both parties: it names the police and the municipality."""
    police = municipality = False
    for block in blocks:
        police = police or bool(_POLICE.search(block.text))
        municipality = municipality or bool(_MUNICIPALITY.search(block.text))
        if police and municipality:
            return True
    return False


def _is_follow_up_page(blocks: list[Block]) -> bool:
    """The page's title (its first heading about a promise, navigation such as
    "Medborgarlöften och lokal samverkan" skipped) reports follow-up."""
    for block in blocks:
        if block.kind == "heading" and cues.PROMISE_WORD.search(block.text) \
                and not cues.NAVIGATION.match(block.text):
            return bool(cues.FOLLOW_UP.search(block.text))
    return False


def _period(draft: Draft, drafts: list[Draft], page_text: str):
    if draft.period is not _UNSET:
        return draft.period      # asked up to three times per document; computed once
    period = best_period(draft.heading or "", "\n".join(draft.text))
    if period is None and sum(1 for d in drafts if d.commitments or d.prose) <= 1:
        period = best_period("", page_text)
    draft.period = period
    return period


def _finish(draft: Draft, drafts: list[Draft], page_text: str) -> dict:
    period = _period(draft, drafts, page_text)
    signed, signatories = signing("\n".join(draft.text) if draft.explicit else page_text)
    if signed and len(signed) == 5:      # "MM-DD": the year comes from the period
        signed = f"{period.start[:4]}-{signed}" if period and period.start else None
    return {
        "title": draft.heading or _title("\n".join(draft.text)) or _title(page_text) \
        or next((line for line in page_text.splitlines() if line.strip()), None),
        "period": period.as_dict() if period else None,
        "signed": signed,
        "signatories": signatories,
        "commitments": draft.commitments,
    }


def _title(page_text: str) -> str | None:
    """The line that best names the promise: mentions a promise, preferably
    with a year or a place; navigation-like lines ("Medborgarlöften och lokal
    samverkan") and sentences lose."""
    best, best_score = None, -10
    for line in page_text.splitlines()[:400]:
        line = line.strip()
        if not line or len(line) > 120 or "öft" not in line.lower() \
                or not cues.PROMISE_WORD.search(line) \
                or cues.DOC_LINK.search(line):
            continue
        score = (2 * bool(re.search(r"\b20[1-3]\d\b", line))
                 + bool(re.search(r"\s(?:i|för|–|-)\s+[A-ZÅÄÖ]|[a-zåäö]\s+[A-ZÅÄÖ]", line))
                 - 2 * bool(re.search(r"samverkan$|^medborgarlöften$", line, re.I))
                 - 2 * line.endswith((".", ":")))
        if score > best_score:
            best, best_score = line, score
    return best
