"""Page → a flat list of text blocks that keeps headings and list structure.

HTML is read with BeautifulSoup + lxml; plain text (and PDF text) one block
per line, with bullets and numbering recognised. A responsibility line
("Ansvarig: Kommunen") that follows a list item is folded into that item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag

DROP_TAGS = ("script", "style", "noscript", "template", "svg", "nav", "header", "footer",
             "aside", "form", "iframe", "button", "select", "head")
CHROME_HINTS = ("cookie", "consent", "breadcrumb", "skip", "share", "sidebar", "menu",
                "navigation", "feedback", "banner")
HEADINGS = {f"h{n}": n for n in range(1, 7)}
_BULLET = re.compile(r"^(?P<indent>\s*)(?:(?P<num>\d{1,2})[.)]|[•\-–*·▪●◦○■□➢>])\s+(?P<text>\S.*)$")
_RESPONSIBLE_LINE = re.compile(r"^\s*ansvarig\w*\s*:", re.I)


@dataclass
class Block:
    kind: str            # heading | item | para
    text: str
    level: int = 0       # heading level (1–6); 0 otherwise
    depth: int = 0       # list nesting depth for items (1 = top level)
    ordinal: int | None = None
    link: bool = False   # the whole item is one link (navigation, document lists)


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u00ad", "")).strip()


# -- HTML --------------------------------------------------------------------
def html_blocks(html: str) -> list[Block]:
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.attrs is None or tag.name in ("main", "article", "body", "html"):
            continue
        marker = " ".join([tag.get("id") or "", " ".join(tag.get("class") or []),
                           tag.get("role") or ""]).lower()
        if marker.strip() and any(h in marker for h in CHROME_HINTS):
            tag.decompose()
    root = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.find("article") \
        or soup.body or soup
    blocks: list[Block] = []
    _walk(root, blocks, depth=0)
    return _fold_responsibility_lines(blocks)


def _walk(node: Tag, blocks: list[Block], depth: int) -> None:
    inline: list[str] = []

    def flush() -> None:
        text = clean(" ".join(inline))
        inline.clear()
        if text:
            blocks.append(Block("para", text))

    for child in node.children:
        if isinstance(child, NavigableString):
            if child.__class__.__name__ in ("Comment", "Doctype", "CData", "ProcessingInstruction"):
                continue
            inline.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name in HEADINGS:
            flush()
            text = clean(child.get_text(" "))
            if text:
                blocks.append(Block("heading", text, level=HEADINGS[name]))
        elif name in ("ul", "ol"):
            flush()
            _list(child, blocks, depth + 1)
        elif name == "br":
            flush()
        elif name in ("p", "div", "section", "article", "table", "tr", "td", "th", "dl", "dt",
                      "dd", "blockquote", "figure", "figcaption", "main", "tbody", "thead"):
            flush()
            _walk(child, blocks, depth)
        else:
            if child.find(["ul", "ol", "p", "div", "h1", "h2", "h3", "h4", "table"]):
                flush()
                _walk(child, blocks, depth)
            else:
                inline.append(child.get_text(" "))
    flush()


def _list(node: Tag, blocks: list[Block], depth: int) -> None:
    ordered = node.name == "ol"
    number = int(node.get("start", 1)) if str(node.get("start", "1")).isdigit() else 1
    for item in node.find_all("li", recursive=False):
        parts, nested = [], []
        for child in item.children:
            if isinstance(child, Tag) and child.name in ("ul", "ol"):
                nested.append(child)
            elif isinstance(child, Tag) and child.name == "br":
                parts.append("\n")
            elif isinstance(child, Tag):
                parts.append(child.get_text(" ") if not child.find(["ul", "ol"]) else
                             clean(" ".join(t for t in child.find_all(string=True, recursive=False))))
                nested += child.find_all(["ul", "ol"], recursive=False)
            elif child.__class__.__name__ not in ("Comment",):
                parts.append(str(child))
        lines = [clean(line) for line in "".join(parts).split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            anchors = item.find_all("a", recursive=True)
            linked = " ".join(clean(a.get_text(" ")) for a in anchors if not a.find(["ul", "ol"]))
            blocks.append(Block("item", text, depth=depth, ordinal=number if ordered else None,
                                link=bool(anchors) and len(linked) >= 0.8 * len(text)))
        number += 1
        for sub in nested:
            _list(sub, blocks, depth + 1)


# -- plain text ---------------------------------------------------------------
def text_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    indents: list[int] = []
    for raw in text.replace("\r", "").split("\n"):
        if not raw.strip():
            continue
        match = _BULLET.match(raw.expandtabs(4))
        if match and len(match.group("text")) > 1:
            indent = len(match.group("indent"))
            while indents and indents[-1] > indent:
                indents.pop()
            if not indents or indents[-1] < indent:
                indents.append(indent)
            number = match.group("num")
            blocks.append(Block("item", clean(match.group("text")), depth=len(indents),
                                ordinal=int(number) if number else None))
            continue
        line = clean(raw)
        if not _RESPONSIBLE_LINE.match(line):
            indents = [] if not raw.startswith((" ", "\t")) else indents
        if _looks_like_heading(line):
            blocks.append(Block("heading", line, level=2))
        else:
            blocks.append(Block("para", line))
    return _fold_responsibility_lines(blocks)


def _looks_like_heading(line: str) -> bool:
    return (len(line) <= 80 and not line.endswith((".", ",", ";", ":", "!", "?", ")"))
            and line[:1].isupper() and len(line.split()) <= 10
            and not _RESPONSIBLE_LINE.match(line) and not re.search(r"@|\b0\d{1,3}[-‑ ]\d", line))


def _fold_responsibility_lines(blocks: list[Block]) -> list[Block]:
    """'Ansvarig: X' right after an item belongs to that item."""
    out: list[Block] = []
    for block in blocks:
        if block.kind in ("para", "heading") and _RESPONSIBLE_LINE.match(block.text) \
                and out and out[-1].kind == "item":
            out[-1].text = out[-1].text + "\n" + block.text
            continue
        out.append(block)
    return out
