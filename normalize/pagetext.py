"""Flat page text for archiving: decode bytes, drop boilerplate, read PDFs.

Pure functions (bytes in, text out). The crawler stores the result as a
snapshot's ``text`` and hashes it, so that a change only in menus, cookie
banners or footer dates is *not* a text change. Structured parsing (lists,
headings) for the normalizer lives in ``normalize.blocks``.
"""

from __future__ import annotations

import io
import re
import unicodedata

from charset_normalizer import from_bytes
from lxml import html as lxml_html
from lxml.etree import ParserError


class PageTextError(ValueError):
    """The body cannot be turned into text (binary junk, broken PDF, …)."""


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
        root = lxml_html.document_fromstring(html)
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


def main_element(root):
    """The page's content element: <main>, role=main, <article>, <body>, or the root."""
    role_main = root.xpath("//*[@role='main']")
    return next((e for e in (root.find(".//main"), role_main[0] if role_main else None,
                             root.find(".//article"), root.find(".//body")) if e is not None),
                root)


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


def pdf_text(body: bytes) -> str:
    """Text of a PDF, pages joined, words broken across lines re-joined."""
    import pdfplumber  # imported lazily: costly, and only PDFs need it
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    if not body.startswith(b"%PDF"):
        raise PageTextError("not a PDF (missing %PDF header)")
    try:
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except PDFPasswordIncorrect as exc:
        raise PageTextError("encrypted PDF (password required)") from exc
    except Exception as exc:  # pdfminer raises many unrelated types on broken files
        raise PageTextError(f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
    return repair_hyphenation(_clean_lines("\n".join(pages)))


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
        raise PageTextError("binary body that is neither HTML, text nor PDF")
    text, encoding = decode_html(body, declared_encoding)
    if "html" in ctype or re.search(r"<(html|body|p|div)\b", text[:2000], re.I):
        return html_main_text(text), encoding
    return _clean_lines(text), encoding
