"""HTML → blocks (headings, list items with nesting, paragraphs).

Parsed with lxml.html, the parser BeautifulSoup uses as its "lxml" builder:
walking lxml's tree directly keeps the same structure at a fifth of the
cost (BeautifulSoup's Python tree building was 70% of the normalizer's
time on a 10 kB page; the target is ≥100 pages/s on one core).

Chrome is removed first: nav/aside/form/script…, header and footer unless
they hold the page title, and elements whose id/class/role says cookie,
breadcrumb, menu, sidebar… (unless they hold the <h1>). The walk then starts
at <main>, role=main, <article> or <body>.
"""

from __future__ import annotations

import re

from lxml import etree

from normalize.blocks import (Block, bullets_in_paragraphs, clean, fold_responsibility_lines,
                              unbulleted_lists)
from normalize.pagetext import html_document, main_element, remove_keeping_tail

DROP_TAGS = ("script", "style", "noscript", "template", "svg", "nav", "aside", "form",
             "iframe", "button", "select", "head")
# class/id/role fragments of site chrome that CMSs put around (and inside) the content.
CHROME_HINTS = ("cookie", "consent", "breadcrumb", "skip", "share", "sidebar", "menu",
                "navigation", "feedback", "banner", "related", "puff")
HEADINGS = {f"h{n}": n for n in range(1, 7)}
CONTAINERS = {"p", "div", "section", "article", "table", "tbody", "thead", "tfoot", "tr", "td", "th",
              "dl", "dt",
              "dd", "blockquote", "figure", "figcaption", "main", "center", "details", "summary",
              "li", "header", "footer", "address", "pre", "fieldset"}
BLOCK_DESCENDANTS = ("ul", "ol", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "br",
                     "section", "li")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_CONTROL_CHARS = tuple(chr(c) for c in [*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0x7f,
                                        0xfffe, 0xffff])
_RESPONSIBLE_COLUMN = re.compile(r"ansvar", re.I)


_STRING = etree.XPath("string()")
_MARKED = etree.XPath("//*[@id or @class or @role]")   # compiled once, not per page


def _text(element) -> str:
    """What lxml.html's text_content() gives: the text of an element and its
    descendants, comments left out."""
    return str(_STRING(element))


def parse_html(html: str) -> tuple[list[Block], str]:
    """(blocks of the main content, the page's <title>). The title is kept
    apart: it often names the municipality ("Medborgarlöfte – X kommun")
    while the chrome that also did (logo, footer) is stripped."""
    try:
        # lxml refuses control characters when text is moved around: drop them first.
        # (Looked for with `in` first: a substring test per character beats the regex scan.)
        html = _XML_DECLARATION.sub("", html, count=1)
        if any(char in html for char in _CONTROL_CHARS):
            html = _CONTROL.sub("", html)
        # lxml.etree's HTML parser (what lxml.html.document_fromstring runs) without
        # lxml.html's element classes: the same tree, half the cost to build and walk.
        # Deep nesting is kept (normalize.pagetext.html_document).
        root = html_document(html, etree.HTMLParser())
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return [], ""
    if root is None:
        return [], ""
    title_element = root.find(".//title")
    title = clean(_text(title_element)) if title_element is not None else ""
    _strip_chrome(root)
    blocks: list[Block] = []
    _walk(main_element(root), blocks, depth=0)
    return fold_responsibility_lines(unbulleted_lists(bullets_in_paragraphs(blocks))), title


def _strip_chrome(root) -> None:
    for element in list(root.iter(*DROP_TAGS)):
        remove_keeping_tail(element)
    for element in list(root.iter("header", "footer")):
        # Article headers hold the title (and with it the period): keep those.
        if element.find(".//h1") is None and element.find(".//h2") is None:
            remove_keeping_tail(element)
    page_size = None
    for element in _MARKED(root):
        if element.tag in ("main", "article", "body", "html"):
            continue
        marker = " ".join((element.get("id", ""), element.get("class", ""),
                           element.get("role", ""))).lower()
        if not any(h in marker for h in CHROME_HINTS) or _holds_content(element):
            continue
        # "has-sidebar", "content-with-menu": a hint on the content wrapper itself.
        # Chrome is small; an element with most of the page's text is content.
        if page_size is None:
            page_size = len(_text(root))
        if len(_text(element)) < 0.5 * page_size:
            remove_keeping_tail(element)


def _holds_content(element) -> bool:
    return next(element.iter("h1", "main", "article"), None) is not None


def _tag(element) -> str | None:
    tag = element.tag    # lxml builds a new string on every access: read it once
    return tag.lower() if isinstance(tag, str) else None  # None: comment, PI


def _walk(node, blocks: list[Block], depth: int) -> None:
    inline: list[str] = []
    links: list[str] = []
    after_br = [False]   # lines split by <br> in one element: no gap between them

    def flush(br: bool = False) -> None:
        if not inline:
            return
        text = clean(" ".join(inline))
        linked = clean(" ".join(links))
        inline.clear()
        links.clear()
        if text:
            blocks.append(Block("para", text, link=len(linked) >= 0.8 * len(text),
                                gap=not after_br[0]))
        after_br[0] = br

    if node.text:
        inline.append(node.text)
    for child in node:
        tag = _tag(child)
        if tag is None:
            pass
        elif tag == "p" and not len(child):
            # A paragraph of plain text (most of a long page): what _walk would make of it.
            # Tested first: without children it cannot be a bold heading.
            flush()
            text = clean(child.text or "")
            if text:
                blocks.append(Block("para", text))
        elif tag in HEADINGS:
            flush()
            text = clean(_text(child))
            if text:
                blocks.append(Block("heading", text, level=HEADINGS[tag]))
        elif tag in ("ul", "ol"):
            flush()
            _list(child, blocks, depth + 1)
        elif tag == "br":
            flush(br=True)
        elif tag == "table":
            flush()
            if _is_layout_table(child):
                _walk(child, blocks, depth)   # old sites lay the page out in a table
            else:
                _table(child, blocks)
        elif tag == "p" and _is_bold_heading(child):
            flush()
            blocks.append(Block("heading", clean(_text(child)), level=5))
        elif tag in CONTAINERS or next(child.iter(*BLOCK_DESCENDANTS), None) is not None:
            flush()
            _walk(child, blocks, depth)
            flush()
        else:
            text = _text(child)
            inline.append(text)
            if tag == "a":
                links.append(text)
        if child.tail:
            inline.append(child.tail)
    flush()


_LAYOUT_CONTENT = ("h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "p", "table")


def _is_layout_table(table) -> bool:
    """A table whose cells hold headings, lists or paragraphs lays out a page;
    its rows are not data rows."""
    return next((e for e in table.iter(*_LAYOUT_CONTENT) if e is not table), None) is not None


def _is_bold_heading(p) -> bool:
    """<p><strong>Polisen lovar att</strong></p>: editors' stand-in for a heading."""
    if not any(_tag(child) in ("strong", "b") for child in p):
        return False
    text = clean(_text(p))
    if not text or len(text) > 100 or text.endswith((".", "!", "?")):
        return False
    bold = clean(" ".join(_text(b) for b in p.iter("strong", "b")
                          if _tag(b.getparent()) not in ("strong", "b")))
    return bold == text


def _inline(element, parts: list[str], links: list[str], nested: list, in_link: bool) -> None:
    """Text of a list item without its nested lists (collected in ``nested``)."""
    if element.text:
        parts.append(element.text)
        if in_link:
            links.append(element.text)
    for child in element:
        tag = _tag(child)
        if tag in ("ul", "ol"):
            nested.append(child)
        elif tag == "br":
            parts.append("\n")
        elif tag is not None:
            _inline(child, parts, links, nested, in_link or tag == "a")
            if tag in ("p", "div", "li"):
                parts.append("\n")
        if child.tail:
            parts.append(child.tail)
            if in_link:
                links.append(child.tail)


def _list(node, blocks: list[Block], depth: int) -> None:
    ordered = _tag(node) == "ol"
    start = node.get("start", "1")
    number = int(start) if start.isdigit() else 1
    for item in node:
        tag = _tag(item)
        if tag in ("ul", "ol"):          # a list directly inside a list: nested
            _list(item, blocks, depth + 1)
            continue
        if tag != "li":
            continue
        parts: list[str] = []
        links: list[str] = []
        nested: list = []
        _inline(item, parts, links, nested, False)
        lines = [clean(line) for line in "".join(parts).split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            linked = clean(" ".join(links))
            blocks.append(Block("item", text, depth=depth, ordinal=number if ordered else None,
                                link=bool(linked) and len(linked) >= 0.8 * len(text)))
        number += 1
        for sub in nested:
            _list(sub, blocks, depth + 1)


def _table(table, blocks: list[Block]) -> None:
    """Rows become blocks; a table with an 'Ansvarig' column gives items that
    carry an 'Ansvarig: X' line, so responsibility survives the layout."""
    rows = [[clean(_text(cell)) for cell in tr if _tag(cell) in ("td", "th")]
            for tr in table.iter("tr")]
    rows = [row for row in rows if any(row)]
    if not rows:
        return
    header = rows[0]
    column = next((i for i, h in enumerate(header)
                   if _RESPONSIBLE_COLUMN.search(h) and len(h) < 30), None)
    if column is None:
        for row in rows:
            blocks.append(Block("para", " ".join(c for c in row if c)))
        return
    # The first column names what the rows are ("Aktivitet", "Åtgärd"): a lead-in.
    blocks.append(Block("para", (header[0] if column and header[0] else "Uppgift") + ":"))
    for row in rows[1:]:
        cells = [c for i, c in enumerate(row) if i != column and c]
        text = next((c for c in cells if len(c.split()) >= 3), cells[0] if cells else "")
        if column < len(row) and row[column]:
            text = f"{text}\nAnsvarig: {row[column]}"
        if text:
            blocks.append(Block("item", text, depth=1))
