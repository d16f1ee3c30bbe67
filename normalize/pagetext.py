"""Flat page text for archiving: decode bytes, drop boilerplate, read PDFs.

Pure functions (bytes in, text out). The crawler stores the result as a
snapshot's ``text`` and hashes it, so that a change only in menus, cookie
banners or footer dates is *not* a text change. Structured parsing (lists,
headings) for the normalizer lives in ``normalize.blocks``.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
import warnings
from collections import Counter
from html.parser import HTMLParser

from charset_normalizer import from_bytes
from lxml import etree
from lxml import html as lxml_html
from lxml.etree import ParserError


class PageTextError(ValueError):
    """The body cannot be turned into text (binary junk, broken PDF, …)."""


class TextTruncated(UserWarning):
    """Part of a page was cut or flattened to stay within limits.

    Issued with ``warnings.warn`` so callers that care (the archive stores
    it in ``snapshots.text_truncated``, ``extract`` prints it) can catch it
    with ``truncation_notes`` while the text functions keep their shape.
    """


def truncation_notes(caught: list) -> str | None:
    """The TextTruncated messages among warnings caught with record=True."""
    notes = [str(w.message) for w in caught if issubclass(w.category, TextTruncated)]
    return "; ".join(dict.fromkeys(notes)) or None


# Limits that keep one hostile page from costing minutes or gigabytes.
# A medborgarlöfte is rarely over 30 pages; the first PDF_MAX_PAGES are kept.
PDF_MAX_PAGES = 40
PDF_MAX_SECONDS = 30.0
MAX_TEXT_CHARS = 2_000_000
# libxml2 drops everything nested deeper than 256 elements; deeper pages are
# re-parsed with the nesting beyond HTML_MAX_DEPTH flattened (text kept).
HTML_MAX_DEPTH = 200
_LIBXML_DEPTH = 250


# Elements that are never main content.
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "nav", "header",
              "footer", "aside", "form", "iframe", "button", "select")
# class/id fragments of chrome that sites put inside <main> too.
_CHROME_HINTS = ("cookie", "consent", "breadcrumb", "skip-link", "share",
                 "sidebar", "banner", "menu", "navigation", "feedback")
_BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
               "section", "article", "br", "dt", "dd", "blockquote", "pre",
               "table", "ul", "ol", "main", "td", "th", "figcaption"}
# Lines that change on their own without the page's message changing.
_VOLATILE_LINE = re.compile(
    r"^(sidan\s+(senast\s+)?(uppdaterad|granskad|ändrad)|senast\s+(uppdaterad|ändrad)"
    r"|uppdaterad|publicerad|granskad)\b.{0,60}\d", re.IGNORECASE)


def decode_html(body: bytes, declared_encoding: str | None = None) -> tuple[str, str]:
    """Decode an HTML/text body, returning ``(text, encoding_used)``.

    This is the project's one decoder: the crawl, the archive and the
    normalizer all read pages through it. Bytes that are valid UTF-8 and
    contain non-ASCII characters are UTF-8, whatever a stale ``<meta>`` or
    header says (common after a CMS migration; windows-1252 text with å/ä/ö
    is never valid UTF-8). Otherwise the declared charset is trusted only
    when the bytes decode cleanly with it, then windows-1252, then
    charset-normalizer guesses (a page served as UTF-8 but written in
    windows-1252 is common on older municipal sites).
    """
    if not body:
        return "", (declared_encoding or "utf-8").lower()
    if not body.isascii():
        try:
            return body.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            pass
    for encoding in _candidates(body, declared_encoding):
        try:
            return body.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    # Legacy Swedish pages are almost always windows-1252 (a superset of
    # ISO-8859-1 for å/ä/ö); statistical guessers confuse it with cp1250 on
    # short texts, so it is tried before charset-normalizer.
    try:
        return body.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    best = from_bytes(body).best()
    if best is not None and best.encoding:
        return str(best), best.encoding.replace("_", "-").lower()
    return body.decode("utf-8", errors="replace"), "utf-8"


def _candidates(body: bytes, declared: str | None) -> list[str]:
    found = []
    if body.startswith(b"\xef\xbb\xbf"):
        found.append("utf-8-sig")
    if declared:
        found.append(declared.lower())
    meta = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_\-]+)", body[:4096], re.I)
    if meta:
        found.append(meta.group(1).decode("ascii").lower())
    found.append("utf-8")
    # ISO-8859-1 decodes any bytes, so it proves nothing; the cp1252 fallback covers it.
    return [e for e in dict.fromkeys(found) if e not in ("iso-8859-1", "latin-1", "latin1")]


_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
              (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def wide_encoding(body: bytes) -> str | None:
    """"utf-16-le" etc. when the bytes are UTF-16/32 text (by BOM, else by the
    NUL pattern of mostly-Latin text), else None."""
    for bom, encoding in _WIDE_BOMS:
        if body.startswith(bom):
            return encoding
    sample = body[:4096]
    sample = sample[:len(sample) // 4 * 4]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    patterns = {"utf-32-le": (1, 2, 3), "utf-32-be": (0, 1, 2), "utf-16-le": (1, 3),
                "utf-16-be": (0, 2)}
    for encoding, nul_positions in patterns.items():
        quads = [sample[i:i + 4] for i in range(0, len(sample), 4)]
        nuls = sum(all(q[p] == 0 for p in nul_positions) for q in quads)
        if nuls >= 0.9 * len(quads) and _decodes(body, encoding):
            return encoding
    return None


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body[:len(body) // 4 * 4].decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def as_utf8(body: bytes) -> bytes:
    """UTF-16/32 text re-encoded as UTF-8 (BOM dropped); other bytes unchanged."""
    encoding = wide_encoding(body)
    if encoding is None:
        return body
    text = body.decode(encoding, errors="replace").lstrip("\ufeff")
    return text.encode("utf-8")


def looks_binary(body: bytes) -> bool:
    """True for bodies that are clearly not text (NUL bytes, control noise)."""
    sample = body[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bool(sample) and controls / len(sample) > 0.05


def html_main_text(html: str) -> str:
    """The main text of a page, one block per line, chrome removed."""
    if not html.strip():
        return ""
    try:
        root = html_document(html)
    except (ParserError, ValueError):
        return ""
    for element in root.xpath("//comment() | //processing-instruction()"):
        remove_keeping_tail(element)
    for element in root.iter(*_DROP_TAGS):
        remove_keeping_tail(element)
    for element in root.xpath("//*[@id or @class or @role]"):
        marker = " ".join((element.get("id", ""), element.get("class", ""),
                           element.get("role", ""))).lower()
        if element.tag not in ("main", "article", "body", "html") and any(
                h in marker for h in _CHROME_HINTS):
            remove_keeping_tail(element)
    return _clean_lines(_block_text(main_element(root)))


def html_document(html: str, parser=None):
    """lxml's document tree of ``html``, without losing deeply nested content.

    libxml2 silently drops whatever is nested deeper than 256 elements (a
    promise under thousands of unclosed <div>s vanished). When the tree
    reaches that depth the page is re-parsed with nesting beyond
    HTML_MAX_DEPTH flattened: all text is kept, and a TextTruncated warning
    says the structure was cut. ``parser``: an lxml HTMLParser (the
    normalizer passes lxml.etree's, without lxml.html's element classes).
    """
    parse = ((lambda text: etree.fromstring(text, parser)) if parser is not None
             else lxml_html.document_fromstring)
    root = parse(html)
    if root is None or not _reaches_depth(root, _LIBXML_DEPTH):
        return root
    flat, flattened = flatten_html(html, HTML_MAX_DEPTH)
    if flattened:
        warnings.warn(TextTruncated(
            f"HTML nästlad djupare än {HTML_MAX_DEPTH} element: "
            f"{flattened} djupare element plattade (texten behölls)"), stacklevel=2)
    return parse(flat)


def _reaches_depth(root, depth: int) -> bool:
    """Whether any element sits ``depth`` levels below the root: one XPath in C,
    instead of walking every element in Python (the normalizer's hot path)."""
    if depth == _LIBXML_DEPTH:
        return bool(_AT_LIBXML_DEPTH(root))
    return bool(root.xpath("boolean(" + "/".join(["*"] * depth) + ")"))


_AT_LIBXML_DEPTH = etree.XPath("boolean(" + "/".join(["*"] * _LIBXML_DEPTH) + ")")  # compiled once
_VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
              "param", "source", "track", "wbr"}
_RAW_TEXT_TAGS = {"script", "style"}


class _Flattener(HTMLParser):
    """Re-emits HTML with elements beyond ``max_depth`` left out (their text
    kept, block elements as line breaks). A tokenizer, so any depth is fine."""

    def __init__(self, max_depth: int):
        super().__init__(convert_charrefs=False)
        self.max_depth = max_depth
        self.out: list[str] = []
        self.stack: list[str] = []
        self.dropped: Counter = Counter()
        self.flattened = 0
        self.raw_skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _VOID_TAGS:
            self.out.append(self.get_starttag_text() or "")
        elif len(self.stack) < self.max_depth:
            self.stack.append(tag)
            self.out.append(self.get_starttag_text() or "")
        else:
            self.dropped[tag] += 1
            self.flattened += 1
            self.raw_skip += tag in _RAW_TEXT_TAGS
            if tag in _BLOCK_TAGS:
                self.out.append("<br>")

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        if self.dropped[tag]:
            self.dropped[tag] -= 1
            self.raw_skip -= tag in _RAW_TEXT_TAGS
            if tag in _BLOCK_TAGS:
                self.out.append("<br>")
        elif tag in self.stack:
            while self.stack:
                open_tag = self.stack.pop()
                self.out.append(f"</{open_tag}>")
                if open_tag == tag:
                    break

    def handle_data(self, data):
        if not self.raw_skip:
            self.out.append(data)

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")


def flatten_html(html: str, max_depth: int = HTML_MAX_DEPTH) -> tuple[str, int]:
    """(HTML with nesting capped at ``max_depth``, number of elements flattened)."""
    flattener = _Flattener(max_depth)
    flattener.feed(html)
    flattener.close()
    return "".join(flattener.out), flattener.flattened


_ROLE_MAIN = etree.XPath("//*[@role='main']")


def main_element(root):
    """The page's content element: <main>, role=main, <article>, <body>, or the root.
    Each is looked for only when the ones before it are missing (the role search
    walks the whole tree)."""
    found = root.find(".//main")
    if found is None:
        role_main = _ROLE_MAIN(root)
        found = role_main[0] if role_main else root.find(".//article")
    if found is None:
        found = root.find(".//body")
    return root if found is None else found


def remove_keeping_tail(element) -> None:
    """Remove an element but keep the text that followed it (its tail)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _block_text(element) -> str:
    parts: list[str] = []

    def walk(node) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
        if block:
            parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    walk(element)
    return "".join(parts)


def _clean_lines(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\xa0", " ")
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line and not _VOLATILE_LINE.match(line))


# Tokens that differ on every fetch without the page changing: clock times,
# ISO timestamps, session ids and cache-busters.
_VOLATILE_TOKEN = re.compile(
    r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?"
    r"|\b\d{1,2}:\d{2}(:\d{2})?\b"
    r"|\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}\b")


def text_fingerprint(text: str) -> str:
    """The text with volatile tokens masked: what a text hash should cover."""
    return _VOLATILE_TOKEN.sub("#", text)


def pdf_text(body: bytes, max_pages: int = PDF_MAX_PAGES,
             max_seconds: float = PDF_MAX_SECONDS) -> str:
    """Text of a PDF, pages joined, words broken across lines re-joined.

    Page by page, each page's layout released before the next, so memory
    does not grow with the page count; at most ``max_pages`` pages,
    ``max_seconds`` and MAX_TEXT_CHARS characters (a TextTruncated warning
    says what was cut).
    """
    import pdfplumber  # imported lazily: costly, and only PDFs need it
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    if not body.startswith(b"%PDF"):
        raise PageTextError("inte en PDF (%PDF-huvudet saknas)")
    try:
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            pages, cut = _pdf_pages(pdf, max_pages, max_seconds)
    except PDFPasswordIncorrect as exc:
        raise PageTextError("krypterad PDF (kräver lösenord)") from exc
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        raise PageTextError(f"oläslig PDF: {type(exc).__name__}: {exc}") from exc
    if cut:
        warnings.warn(TextTruncated(cut), stacklevel=2)
    return repair_hyphenation(_clean_lines("\n".join(pages)))


def _pdf_pages(pdf, max_pages: int, max_seconds: float) -> tuple[list[str], str | None]:
    """Texts of the first pages, and what was cut (None: nothing)."""
    from pdfminer.pdfpage import PDFPage  # lazily, like pdfplumber above: heavy, PDFs only
    from pdfplumber.page import Page

    deadline = time.monotonic() + max_seconds
    texts: list[str] = []
    size, doctop = 0, 0
    for number, pdf_page in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        if number > max_pages:
            return texts, f"PDF:en har fler än {max_pages} sidor: de första {max_pages} behölls"
        if time.monotonic() > deadline:
            return texts, f"PDF-texten tog över {max_seconds:g} s: de första {number - 1} sidorna behölls"
        page = Page(pdf, pdf_page, page_number=number, initial_doctop=doctop)
        text = page.extract_text() or ""
        doctop += page.height
        page.close()   # drops the page's layout objects: memory stays flat
        texts.append(text[:MAX_TEXT_CHARS - size])
        size += len(texts[-1])
        if size >= MAX_TEXT_CHARS:
            return texts, f"PDF text over {MAX_TEXT_CHARS} characters: cut after page {number}"
    return texts, None


_HYPHEN_BREAK = re.compile(r"(\w)-\n(?=[a-zåäö])")


def repair_hyphenation(text: str) -> str:
    """Join words a PDF broke at line end: "trygghets-\\nvandringar"."""
    return _HYPHEN_BREAK.sub(r"\1", text)


def page_text(body: bytes, content_type: str | None = None,
              declared_encoding: str | None = None) -> tuple[str, str | None]:
    """Main text of any archived body: returns ``(text, detected_encoding)``.

    Raises PageTextError for bodies that are neither text nor a readable PDF.
    """
    ctype = (content_type or "").lower()
    if body.startswith(b"%PDF") or "pdf" in ctype:
        return pdf_text(body), None
    if looks_binary(body):
        raise PageTextError("binärt innehåll som varken är HTML, text eller PDF")
    text, encoding = decode_html(body, declared_encoding)
    if "html" in ctype or re.search(r"<(html|body|p|div)\b", text[:2000], re.I):
        return html_main_text(text), encoding
    return _clean_lines(text), encoding
