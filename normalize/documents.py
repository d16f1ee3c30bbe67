"""Blocks → promise documents with their commitments.

The rules, in short (docs/normalizer.md has the reasoning):
- A heading that names a promise and a year ("Medborgarlöfte 2022-2023")
  starts a document; text before any such heading is an implicit document.
- Commitments are list items under a lead-in ("Polisen och kommunen lovar
  att:", "Det gör vi genom att:", "Medborgarlöftets innehåll är att:"), or
  items that themselves promise ("Polis och kommun lovar att …").
- Lists under trap headings or lead-ins (Syfte, Mål, Lägesbild, Uppföljning,
  samverkansöverenskommelse, Kontakt, Dokument, …), quoted speech and
  document links are never commitments.
- Under an activity lead-in ("Följande aktiviteter …") that follows
  promises, and for items nested below a promise, items are activities of
  the last promise.
- A document without commitments is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from normalize.blocks import Block
from normalize.periods import best_period, find_periods
from normalize.responsibility import responsible, split_tags
from normalize.themes import themes_of

TRAP = re.compile(
    r"syfte|\bmål(et|en|sättning)?\b|fokusområd|lägesbild|problembild|bakgrund|uppföljning|"
    r"utvärdering|resultat|kontakt|\bdokument\b|läs mer|organisation|arbetsgrupp|kartläggning|"
    r"överenskommelse|samverkansavtal|\bavtal\b|tidsram|relaterad|länkar|så gick det|"
    r"genomför(t|da)|redovisning|prioriterade områden|statistik|om medborgarlöften|"
    r"vad är ett medborgarlöfte|frågor och svar|nyheter", re.I)
HEADING_LEAD_CUE = re.compile(r"\blov(a|ar|at)\b|åtag|genom att|innehåll|aktivitet|vi ska|ska vi|"
                              r"gör vi|åtgärd|insatser", re.I)
LEAD_CUE = re.compile(r"\blov(a|ar|at)\b|löfte|löften|åtag|genom att|innehåll|aktivitet|"
                      r"följande|vi ska|ska vi|gör vi|åtgärd|insatser|ska (polisen|kommunen)",
                      re.I)
ACTIVITY_CUE = re.compile(r"aktivitet|åtgärd|insatser|för att uppnå|uppnås genom|det gör vi",
                          re.I)
PROMISE_WORD = re.compile(r"medborgarlöft|\blöfte|\blöften", re.I)
ITEM_PROMISES = re.compile(r"\blovar\b", re.I)
SPEECH = re.compile(r",?\s+säger\s+[A-ZÅÄÖ]|^[”\"“]|\bsäger\s+(han|hon)\b")
DOC_LINK = re.compile(r"\bpdf\b|\bkB\b|öppnas i nytt fönster|ladda ner|\.docx?\b|^läs mer", re.I)
NUMBERED_HEADING = re.compile(r"^(?:medborgar)?löfte\s*(?:nr\.?\s*)?\d+\s*[:.–-]\s*(?P<text>.+)",
                              re.I)
_SIGNED = re.compile(r"(?:signerade?s?|undertecknade?s?|tecknade?s?|skrevs under|"
                     r"skrev under)", re.I)
_DAY_MONTH = re.compile(r"\b(\d{1,2})\s+(januari|februari|mars|april|maj|juni|juli|augusti|"
                        r"september|oktober|november|december)(?:\s+(20[1-3]\d))?", re.I)
_NAME = re.compile(r"\b([A-ZÅÄÖ][a-zåäöé]+(?:-[A-ZÅÄÖ][a-zåäöé]+)?(?:\s+[A-ZÅÄÖ]\.)?"
                   r"(?:\s+[A-ZÅÄÖ][a-zåäöé]+(?:-[A-ZÅÄÖ][a-zåäöé]+)?)+)")
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]
MIN_WORDS = 3


@dataclass
class Lead:
    text: str
    activity: bool
    base_depth: int | None = None


@dataclass
class Draft:
    heading: str | None
    text: list[str] = field(default_factory=list)
    commitments: list[dict] = field(default_factory=list)
    last_promise: int | None = None


def is_trap(text: str) -> bool:
    return bool(TRAP.search(text))


def is_document_heading(text: str) -> bool:
    return bool(PROMISE_WORD.search(text)) and bool(find_periods(text)) and not is_trap(text)


PAGE_CONTEXT = re.compile(r"medborgarlöft|\bpolis", re.I)


def build_documents(blocks: list[Block], page_text: str) -> list[dict]:
    if not PAGE_CONTEXT.search(page_text):
        return []  # "Vi lovar att svara inom…" on a service page is not a medborgarlöfte
    drafts = [Draft(heading=None)]
    lead: Lead | None = None
    trap = False
    for block in blocks:
        draft = drafts[-1]
        if block.kind == "heading":
            if is_document_heading(block.text):
                drafts.append(Draft(heading=block.text, text=[block.text]))
                lead, trap = None, False
                continue
            draft.text.append(block.text)
            trap = is_trap(block.text)
            numbered = NUMBERED_HEADING.match(block.text)
            if numbered and not trap:
                _add(draft, numbered.group("text"), None, "promise", None)
                lead = Lead(block.text, activity=True)
            elif not trap and HEADING_LEAD_CUE.search(block.text):
                lead = Lead(block.text, activity=_activity_lead(block.text, draft))
            else:
                lead = None
            continue
        if block.kind == "para":
            draft.text.append(block.text)
            lead = _lead_from_para(block.text, trap, draft)
            continue
        _item(draft, block, lead, trap, page_text)
    return [_finish(d, drafts, page_text) for d in drafts if d.commitments]


def _lead_from_para(text: str, trap: bool, draft: Draft) -> Lead | None:
    stripped = text.rstrip()
    if not stripped.endswith(":"):
        return None
    if is_trap(stripped) or trap and not ITEM_PROMISES.search(stripped):
        return None
    if LEAD_CUE.search(stripped):
        return Lead(stripped, activity=_activity_lead(stripped, draft))
    return None


def _activity_lead(text: str, draft: Draft) -> bool:
    """Activities only follow promises: 'Det gör vi genom att:' opening a
    document introduces the promises themselves."""
    return bool(ACTIVITY_CUE.search(text)) and draft.last_promise is not None


def _item(draft: Draft, block: Block, lead: Lead | None, trap: bool, page_text: str) -> None:
    raw = block.text
    if block.link or SPEECH.search(raw) or DOC_LINK.search(raw):
        return
    text, stated = split_tags(raw)
    text = re.sub(r"\s+", " ", text).strip()
    if len(text.split()) < MIN_WORDS:
        return
    if lead is not None:
        if lead.base_depth is None:
            lead.base_depth = block.depth
        nested = block.depth > lead.base_depth and draft.last_promise is not None
        activity = nested or (lead.activity and not ITEM_PROMISES.search(text))
        _add(draft, text, stated, "activity" if activity else "promise", lead.text)
        return
    if trap or not ITEM_PROMISES.search(text) or not PROMISE_WORD.search(page_text):
        return
    _add(draft, text, stated, "promise", None)


def _add(draft: Draft, text: str, stated, kind: str, lead_text: str | None) -> None:
    parent = draft.last_promise if kind == "activity" else None
    draft.commitments.append({
        "text": text, "responsible": responsible(text, stated, lead_text), "kind": kind,
        "parent": parent, "themes": themes_of(text)})
    if kind == "promise":
        draft.last_promise = len(draft.commitments) - 1


def _finish(draft: Draft, drafts: list[Draft], page_text: str) -> dict:
    body = "\n".join(draft.text)
    period = best_period(draft.heading or "", body)
    if period is None and len([d for d in drafts if d.commitments]) == 1:
        period = best_period("", page_text)
    signed, signatories = signing(body) if draft.heading else signing(page_text)
    if signed and len(signed) == 5 and period and period.start:  # "MM-DD": year from period
        signed = f"{period.start[:4]}-{signed}"
    elif signed and len(signed) == 5:
        signed = None
    return {
        "title": draft.heading or _title(page_text),
        "period": period.as_dict() if period else None,
        "signed": signed,
        "signatories": signatories,
        "commitments": draft.commitments,
    }


def _title(page_text: str) -> str | None:
    lines = [line for line in page_text.splitlines() if line.strip()]
    for line in lines:
        if PROMISE_WORD.search(line) and len(line) <= 120:
            return line.strip()
    return lines[0].strip() if lines else None


def signing(text: str) -> tuple[str | None, list[str]]:
    """Signing date (ISO, or 'MM-DD' when the year is not given) and signatories."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        if not _SIGNED.search(sentence):
            continue
        date = _DAY_MONTH.search(sentence)
        names = []
        after = re.split(r"\bav\b", sentence, maxsplit=1)
        if len(after) == 2:
            names = [n for n in _NAME.findall(after[1])
                     if not re.search(r"kommun|polis|region", n, re.I)]
        if date:
            month = MONTHS.index(date.group(2).lower()) + 1
            day = int(date.group(1))
            iso = f"{month:02d}-{day:02d}"
            return (f"{date.group(3)}-{iso}" if date.group(3) else iso), names
        if names:
            return None, names
    return None, []
