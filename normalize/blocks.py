"""Page → a flat list of text blocks that keeps headings and list structure.

This module defines ``Block`` and reads plain text (a page's text as a
browser shows it, or PDF text): one block per line, with bullets and
numbering recognised. ``htmlblocks`` produces the same blocks from HTML.
What the later stages rely on:

- ``heading`` blocks: real headings, a paragraph that is only bold text, or
  (in plain text) a short line without closing punctuation;
- ``item`` blocks: list items with their nesting ``depth`` (1 = top level)
  and ``ordinal`` for numbered lists. Text pages often lose the bullets of a
  list; consecutive unbulleted lines right after a lead-in ending in ":"
  are items too;
- ``para`` blocks: everything else.

An "Ansvarig: X" line that follows a list item is folded into that item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BULLET = re.compile(r"^(?P<indent>\s*)(?:(?:(?P<num>\d{1,2})[.)]|[a-z]\))\s+|[•\-–—*·▪●◦○■□➢►✓✔]\s*)"
                     r"(?P<text>\S.*)$")
_SUB_NUMBER = re.compile(r"^(?P<indent>\s*)(?P<num>\d{1,2})\.\d{1,2}\.?\s+(?P<text>[A-ZÅÄÖa-zåäö].*)$")
_RESPONSIBLE_COLUMN = re.compile(r"^(?:huvud)?ansvar(?:ig)?(?:\s+part)?$", re.I)
_RESPONSIBLE_LINE = re.compile(r"^\s*(?:huvud)?ansvar(?:ig\w*)?\s*(?:part\s*)?:", re.I)
_TERMINAL = (".", ",", ";", ":", "!", "?", ")", "”", '"')


@dataclass
class Block:
    kind: str            # heading | item | para
    text: str
    level: int = 0       # heading level (1–6); 0 otherwise
    depth: int = 0       # list nesting depth for items (1 = top level)
    ordinal: int | None = None
    link: bool = False   # the whole block is one link (navigation, document lists)
    gap: bool = True     # plain text: a blank line (or a new block) precedes it


def clean(text: str) -> str:
    """Whitespace (incl. no-break spaces) collapsed, soft hyphens removed."""
    return " ".join(text.replace("\u00ad", "").split())


def bullets_in_paragraphs(blocks: list[Block]) -> list[Block]:
    """'• Genomföra…' written as a paragraph (<p>• …<br>• …</p>) is an item."""
    for block in blocks:
        if block.kind == "para":
            match = _BULLET.match(block.text)
            if match and not match.group("text")[:1].isdigit() and len(match.group("text")) > 3:
                block.kind, block.text, block.depth = "item", match.group("text"), 1
                block.ordinal = int(match.group("num")) if match.group("num") else None
    return blocks


# -- plain text ---------------------------------------------------------------
def text_blocks(text: str, wrapped: bool = False) -> list[Block]:
    """Blocks of a browser-text or PDF-text page.

    ``wrapped`` (PDF text): a line that continues the previous one (starts in
    lower case, or follows a line without closing punctuation) is joined to it.
    """
    blocks: list[Block] = []
    indents: list[int] = []
    gap = True
    responsible_column: int | None = None   # of a tab-separated table being read
    for raw in text.replace("\r", "").split("\n"):
        if not raw.strip():
            gap, responsible_column = True, None
            continue
        line = clean(raw)
        if "\t" in raw.strip():
            # A table copied from a browser: cells separated by tabs.
            cells = [clean(cell) for cell in raw.strip().split("\t") if cell.strip()]
            header = next((i for i, c in enumerate(cells) if _RESPONSIBLE_COLUMN.match(c)), None)
            if header is not None:
                responsible_column = header
                # The first column names what the rows are ("Aktivitet", "Åtgärd"): a lead-in.
                blocks.append(Block("para", (cells[0] if header else "Uppgift") + ":", gap=gap))
                gap = False
                continue
            if responsible_column is not None and len(cells) > responsible_column:
                who = cells.pop(responsible_column)
                task = next((c for c in cells if len(c.split()) >= 3), cells[0] if cells else "")
                blocks.append(Block("item", f"{task}\nAnsvarig: {who}", depth=1, gap=gap))
                gap = False
                continue
            line = " ".join(cells)
        match = _SUB_NUMBER.match(raw) or _BULLET.match(raw.expandtabs(4))
        if match and len(match.group("text")) > 1 and not _is_date_or_number(line):
            indent = len(match.group("indent"))
            while indents and indents[-1] > indent:
                indents.pop()
            if not indents or indents[-1] < indent:
                indents.append(indent)
            number = match.group("num")
            sub = match.re is _SUB_NUMBER      # "1.2 Fotpatruller": an item below item 1
            blocks.append(Block("item", clean(match.group("text")), depth=len(indents) + sub,
                                ordinal=int(number) if number and not sub else None, gap=gap))
        elif blocks and _continues(blocks[-1], line, raw, gap, wrapped):
            blocks[-1].text = f"{blocks[-1].text} {line}"
            if blocks[-1].kind == "heading":   # a wrapped sentence, not a heading
                blocks[-1].kind, blocks[-1].level = "para", 0
        else:
            if not _RESPONSIBLE_LINE.match(line) and not raw.startswith((" ", "\t")):
                indents = []
            kind = "heading" if looks_like_heading(line) else "para"
            blocks.append(Block(kind, line, level=2 if kind == "heading" else 0, gap=gap))
        gap = False
    return fold_responsibility_lines(unbulleted_lists(blocks))


def _is_date_or_number(line: str) -> bool:
    return bool(re.match(r"^[-–]?\s*\d[\d\s.,:/-]*$", line))


def _continues(previous: Block, line: str, raw: str, gap: bool, wrapped: bool) -> bool:
    if gap or not wrapped or _RESPONSIBLE_LINE.match(line):
        return False
    if previous.kind == "heading":
        return len(previous.text) > 50 and line[:1].islower()
    return line[:1].islower() or not previous.text.endswith(_TERMINAL) and len(previous.text) > 50


def looks_like_heading(line: str) -> bool:
    """A short line without closing punctuation; a short question ("Vad lovar vi?") too."""
    if line.endswith("?") and len(line.split()) <= 8:
        line = line[:-1]
    return (len(line) <= 90 and not line.endswith(_TERMINAL[:-2] + ("…",))
            and line[:1].isupper() and len(line.split()) <= 12
            and not _RESPONSIBLE_LINE.match(line) and not re.search(r"@|\b0\d{1,3}[-‑ ]\d", line))


_LEAD_END = re.compile(r":\s*$|\b(?:lovar|ska|skall|åtar sig|genom) att\s*$", re.I)


def unbulleted_lists(blocks: list[Block]) -> list[Block]:
    """Lines right after a lead-in ("Vi lovar att:"), with no blank line between
    them (a blank line may follow the lead-in), are list items whose bullets
    the text copy lost. The list ends at a blank line, a bullet, another lead-in, a section heading ("Uppföljning",
    "Så följer vi upp löftet"), or, when the items start in lower case, at
    the first line that starts in upper case."""
    from normalize import cues  # cues reads whole headings; imported late (no cycle)

    for i, block in enumerate(blocks):
        if block.kind == "item" or not _LEAD_END.search(block.text):
            continue
        run: list[Block] = []
        for follower in blocks[i + 1:]:
            text = follower.text
            if follower.gap and (run or not cues.is_lead(block.text)) or follower.kind == "item" \
                    or _LEAD_END.search(text) \
                    or len(text) > 400 or run and run[0].text[:1].islower() and text[:1].isupper():
                break
            if follower.kind == "heading" and (cues.is_trap(text) or cues.is_lead(text)
                                               or cues.PROMISE_WORD.search(text)):
                break
            run.append(follower)
        # Two or more lines, or one that is clearly not a heading: a list.
        if len(run) >= 2 or run and run[0].kind == "para":
            for follower in run:
                if not _RESPONSIBLE_LINE.match(follower.text):
                    follower.kind, follower.depth, follower.level = "item", 1, 0
    return blocks


def fold_responsibility_lines(blocks: list[Block]) -> list[Block]:
    """'Ansvarig: X' right after an item belongs to that item."""
    out: list[Block] = []
    for block in blocks:
        if block.kind in ("para", "heading", "item") and _RESPONSIBLE_LINE.match(block.text) \
                and out and out[-1].kind == "item" and "\nAnsvar" not in out[-1].text:
            out[-1].text = out[-1].text + "\n" + block.text
            continue
        out.append(block)
    return out
