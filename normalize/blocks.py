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

from normalize import cues

_BULLET = re.compile(r"^(?P<indent>\s*)(?:(?:(?P<num>\d{1,2})[.)]|[a-z]\))\s+|[•\-–—*·▪●◦○■□➢►✓✔]\s*)"
                     r"(?P<text>\S.*)$")
_SUB_NUMBER = re.compile(r"^(?P<indent>\s*)(?P<num>\d{1,2})\.\d{1,2}\.?\s+(?P<text>[A-ZÅÄÖa-zåäö].*)$")
_RESPONSIBLE_COLUMN = re.compile(r"^(?:huvud)?ansvar(?:ig)?(?:\s+part)?$", re.I)
_RESPONSIBLE_LINE = re.compile(r"^\s*(?:huvud)?ansvar(?:ig\w*)?\s*(?:part\s*)?:", re.I)
_TERMINAL = (".", ",", ";", ":", "!", "?", ")", "”", '"')


@dataclass(slots=True)   # hundreds per page: slots make them cheaper to build and read
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
    """'• Genomföra…' written as a paragraph (<p>• …<br>• …</p>) is an item; a
    line of the same paragraph without a bullet ("…vid Kampenhof och<br>i
    Dalaberg") continues the item above it."""
    out: list[Block] = []
    bulleted = False          # the previous block was a bullet line of a paragraph
    for block in blocks:
        if block.kind == "para":
            match = _BULLET.match(block.text)
            if match and not match.group("text")[:1].isdigit() and len(match.group("text")) > 3:
                block.kind, block.text, block.depth = "item", match.group("text"), 1
                block.ordinal = int(match.group("num")) if match.group("num") else None
                out.append(block)
                bulleted = True
                continue
            if bulleted and not block.gap and not _RESPONSIBLE_LINE.match(block.text) \
                    and not block.text.rstrip().endswith(":"):
                out[-1].text = f"{out[-1].text} {block.text}"
                continue
        bulleted = False
        out.append(block)
    return out


# -- plain text ---------------------------------------------------------------
# Running headers and footers of a PDF page: "Sida 2 av 3", "2 (3)", "- 2 -", "2/3".
_PAGE_MARK = re.compile(r"(?:^|\s)(?:sid(?:a|an)?\s*\d{1,3}\s*(?:av|/)\s*\d{1,3}|\d{1,3}\s*\(\d{1,3}\)|"
                        r"-\s*\d{1,3}\s*-|\d{1,3}\s*/\s*\d{1,3})\s*$", re.I)
# A bare page number: alone on its line, or far to the right of a header's text.
_PAGE_NUMBER = re.compile(r"(?:^|\S\s{3,})\d{1,3}\s*$")
# A line that ends in one of these words stops mid-sentence: the next line goes on.
_OPEN_END = frozenset("""och i på vid att för mot med till av om samt eller som en ett
    från under efter inom genom kring längs hos utan över både när där men eller samt än ska
    varje minst per""".split())


def strip_page_chrome(lines: list[str]) -> list[str]:
    """PDF text without its running headers, footers and page numbers.

    A line ending in a page mark ("Sida 2 av 3", "2 (3)") is page chrome, and
    so is a line that repeats next to one (the header printed on every page).
    The first line of the page keeps its text (often the title). Removed
    lines leave no gap when the text around them goes on mid-sentence."""
    stripped = [line.strip() for line in lines]
    marked = {i for i, line in enumerate(stripped)
              if line and len(line) <= 120 and (_PAGE_NUMBER.search(line) or _PAGE_MARK.search(line)
                                                and not line.endswith((".", ":")))}
    if not marked:
        return lines
    counts: dict[str, int] = {}
    for line in stripped:
        if line:
            counts[clean(line)] = counts.get(clean(line), 0) + 1
    near = {j for i in marked for j in range(i - 3, i + 4)}
    # A tag ("Ansvarig: Kommunen") or a list item repeats too, but is content, not a header.
    chrome = set(marked) | {i for i, line in enumerate(stripped)
                            if line and counts[clean(line)] >= 2 and i in near and len(line) <= 100
                            and not _RESPONSIBLE_LINE.match(line) and not _BULLET.match(line)}
    first = next((i for i, line in enumerate(stripped) if line), -1)
    out: list[str] = []
    kept: list[int] = []    # the index in ``lines`` of each line of ``out``
    for i, line in enumerate(lines):
        if i not in chrome:
            out.append(line)
            kept.append(i)
        elif i == first and _page_mark_removed(line):
            out.append(_page_mark_removed(line))
            kept.append(i)
    # Blank lines left around a removed header: none if the sentence goes on.
    result: list[str] = []
    for position, line in enumerate(out):
        if not line.strip() and result and result[-1].strip():
            # the blank run ends where the next text line starts; was chrome inside it?
            end = next((k for k in range(position, len(out)) if out[k].strip()), len(out))
            span_from, span_to = kept[position - 1], kept[end] if end < len(out) else len(lines)
            removed = any(k in chrome for k in range(span_from + 1, span_to))
            if removed and end < len(out) and out[end].strip()[:1].islower() \
                    and not result[-1].rstrip().endswith((".", "!", "?", ":")):
                continue
        result.append(line)
    return result


def looks_wrapped(text: str) -> bool:
    """Text hard-wrapped like a PDF's, whatever its URL: many long lines stop without
    closing punctuation and the next line goes on in lower case. A browser's copy
    has one line per paragraph and does not look like that."""
    lines = [line.strip() for line in text.replace("\r", "").split("\n")]
    long_lines = wraps = 0
    for line, following in zip(lines, lines[1:]):
        if len(line) >= 40:
            long_lines += 1
            if following[:1].islower() and not line.endswith((".", "!", "?", ":", ";")):
                wraps += 1
    return wraps >= 3 and wraps >= 0.25 * long_lines


def _page_mark_removed(line: str) -> str:
    return re.sub(r"\s{3,}\d{1,3}\s*$", "", _PAGE_MARK.sub("", line)).strip()


def _wrap_width(lines: list[str]) -> int:
    """The width a hard-wrapped text was wrapped at: a high percentile of its
    line lengths (columns of signatures and tables left out)."""
    lengths = sorted(len(clean(line)) for line in lines
                     if len(line.strip()) >= 30 and not re.search(r"\S\s{3,}\S", line.strip()))
    if len(lengths) < 3:
        return 80
    return lengths[int(0.9 * (len(lengths) - 1))]


def text_blocks(text: str, wrapped: bool = False) -> list[Block]:
    """Blocks of a browser-text or PDF-text page.

    ``wrapped`` (PDF text): running headers and page numbers are removed, and
    a line that continues the previous one is joined to it (see ``_continues``).
    """
    blocks: list[Block] = []
    indents: list[int] = []
    gap = True
    responsible_column: int | None = None   # of a tab-separated table being read
    lines = text.replace("\r", "").split("\n")
    if wrapped:
        lines = strip_page_chrome(lines)
    width = _wrap_width(lines) if wrapped else 0
    last_line = ""       # the physical line that ended blocks[-1]
    item_indent = -1     # text column of the latest bulleted item
    for raw in lines:
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
        indent = len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip())
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
            item_indent = match.start("text")
        elif blocks and not gap and blocks[-1].kind == "item" and item_indent > 0 \
                and indent >= item_indent and not _RESPONSIBLE_LINE.match(line):
            # "  - Fotpatrullering … under" / "    perioden april–oktober.": the item goes on.
            blocks[-1].text = _join(blocks[-1].text, line)
        elif blocks and _continues(blocks[-1], last_line, line, gap, wrapped, width):
            blocks[-1].text = _join(blocks[-1].text, line)
            if blocks[-1].kind == "heading" and not looks_like_heading(blocks[-1].text):
                blocks[-1].kind, blocks[-1].level = "para", 0   # a wrapped sentence
        else:
            if not _RESPONSIBLE_LINE.match(line) and not raw.startswith((" ", "\t")):
                indents = []
            if not raw.startswith((" ", "\t")):
                item_indent = -1
            words = line.split()
            # A PDF line stopping on "och", "i", "att" is the start of a wrapped sentence.
            # So is a line as wide as the text ("Fritidsgårdarna … håller öppet till klockan").
            open_end = wrapped and (line.endswith(",") or words[-1].lower() in _OPEN_END
                                    or len(line) >= 0.85 * width and len(words) >= 7)
            kind = "heading" if looks_like_heading(line) and not open_end else "para"
            blocks.append(Block(kind, line, level=2 if kind == "heading" else 0, gap=gap))
        last_line = line
        gap = False
    return fold_responsibility_lines(unbulleted_lists(blocks))


def _join(text: str, line: str) -> str:
    """Join a wrapped line; a word hyphenated at the line end is made whole again
    ("trygghets-" + "vandringar"), a compound's shared part is not ("polis- och")."""
    if re.search(r"\w-$", text) and line[:1].islower() and not re.match(r"(?:och|eller)\b", line):
        return text[:-1] + line
    return f"{text} {line}"


def _is_date_or_number(line: str) -> bool:
    return bool(re.match(r"^[-–]?\s*\d[\d\s.,:/-]*$", line))


def _continues(previous: Block, last_line: str, line: str, gap: bool, wrapped: bool,
               width: int) -> bool:
    """Whether a line of hard-wrapped text goes on from the previous one.

    Not across a blank line, into or out of a lead-in ("Polisen ska:") or an
    "Ansvarig:" line. It does after a line that stops on a comma, a hyphen or a
    word that cannot end a sentence ("och", "vid", "att"). Otherwise the previous
    line must be full (the next line's first word would not have fitted on it)
    and without closing punctuation, and the line must start in lower case (but
    not a new infinitive item of a lower-case list: "genomföra …" after
    "ha …") or read as running text rather than a heading."""
    if gap or not wrapped or _RESPONSIBLE_LINE.match(line) or last_line.endswith(":"):
        return False
    if line.endswith(":") and len(line) < 70 and line[:1].isupper():
        return False
    words = last_line.split()
    if previous.kind == "heading" and not line[:1].islower() \
            and not (words and words[-1].lower() in ("och", "i", "för", "–", "-")):
        return False   # "Medborgarlöfte 2025 – Ludvika och" / "Smedjebacken" is one title
    if last_line.endswith((",", "-")) or words and words[-1].lower() in _OPEN_END:
        return True
    if words and words[-1].startswith("/") and len(line.split()) <= 3:
        return True   # a party tag broken after its first word: "/Region" + "Dalarna"
    if last_line.endswith(_TERMINAL):
        return False
    first_word = line.split()[0] if line.split() else ""
    full = len(last_line) + 1 + len(first_word) > 0.9 * width
    if not full:
        return False
    if line[:1].islower() or line[:1].isdigit() and not _BULLET.match(line):
        return not (cues.INFINITIVE_ITEM.match(line) and cues.INFINITIVE_ITEM.match(previous.text))
    return not looks_like_heading(line)


_HEADING_ENDS = _TERMINAL[:-2] + ("…",)
_CONTACT_IN_LINE = re.compile(r"@|\b0\d{1,3}[-‑ ]\d")


def looks_like_heading(line: str) -> bool:
    """A short line without closing punctuation; a short question ("Vad lovar vi?") too."""
    if len(line) > 91:
        return False
    if line.endswith("?") and len(line.split()) <= 8:
        line = line[:-1]
    return (len(line) <= 90 and not line.endswith(_HEADING_ENDS)
            and line[:1].isupper() and len(line.split()) <= 12
            and not _RESPONSIBLE_LINE.match(line) and not _CONTACT_IN_LINE.search(line))


_LEAD_END = re.compile(r":\s*$|\b(?:lovar|ska|skall|åtar sig|genom|kommer) att\s*$|"
                       r"^\S+(?:\s+\S+){0,3}\s+(?:ska|skall)(?:\s+vi)?\s*$", re.I)


def _may_lead(text: str) -> bool:
    """Cheap test before _LEAD_END: a lead-in ends in ':', 'att', 'ska', 'skall' or 'vi'."""
    return text.endswith((":", "att", "ska", "skall", "vi", ": ", "att "))


def unbulleted_lists(blocks: list[Block]) -> list[Block]:
    """Lines right after a lead-in ("Vi lovar att:"), with no blank line between
    them (a blank line may follow the lead-in), are list items whose bullets
    the text copy lost. The list ends at a blank line, a bullet, another lead-in, a section heading ("Uppföljning",
    "Så följer vi upp löftet"), or, when the items start in lower case, at
    the first line that starts in upper case."""

    for i, block in enumerate(blocks):
        if block.kind == "item" or not _may_lead(block.text) or not _LEAD_END.search(block.text):
            continue
        run: list[Block] = []
        for follower in blocks[i + 1:]:
            text = follower.text
            if follower.gap and (run or not cues.is_lead(block.text)) or follower.kind == "item" \
                    or _may_lead(text) and _LEAD_END.search(text) \
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
