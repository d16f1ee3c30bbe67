"""The normalizer: any promise page (HTML, PDF or text) → structured promises.

Pure functions: ``extract(content, url=..., content_type=...)`` returns

    {"url", "municipalities": [{"code", "name"}],
     "documents": [{"title", "period": {"label", "start", "end"} | None,
                    "signed", "signatories",
                    "commitments": [{"text", "responsible", "kind", "parent", "themes"}]}]}

and raises ``InputError`` for input that is not a page at all (empty,
binary, a broken or encrypted PDF). A page that is simply not a promise
gives no documents.
"""

from __future__ import annotations

import re

from normalize.blocks import looks_wrapped, text_blocks
from normalize.htmlblocks import parse_html
from normalize.documents import build_documents
from normalize.municipalities import as_entries, find_municipalities
from normalize.pagetext import PageTextError, decode_html, pdf_text
from normalize.themes import THEMES, Theme

# Bump when the output for the same input changes: `normalize` re-processes.
NORMALIZER_VERSION = "5"

__all__ = ["extract", "explain", "sniff_format", "InputError", "NORMALIZER_VERSION", "THEMES", "Theme"]


class InputError(ValueError):
    """The input is not a readable page."""


def extract(content: bytes | str, *, url: str | None = None, content_type: str | None = None,
            municipalities=None) -> dict:
    """Promise documents of one page (bytes or str) as the JSON shape above.

    ``content_type`` and ``url`` help choose the reader (PDF magic and HTML
    markup are sniffed anyway); ``municipalities`` replaces the registry
    (tests pass invented ones). Raises InputError for input that is not a page.
    """
    blocks, text, title = _read(content, content_type or "", url or "")
    codes = find_municipalities(text + "\n" + title, url, municipalities)
    return {
        "url": url,
        "municipalities": as_entries(codes, municipalities),
        "documents": build_documents(blocks, text, has_place=bool(codes)),
    }


def explain(content: bytes | str, *, url: str | None = None, content_type: str | None = None,
            municipalities=None) -> list[dict]:
    """Why each candidate unit of a page (list item, sentence, title) was kept
    as a commitment or dropped: ``[{"verdict": "kept"|"dropped", "text", "why"}]``
    in page order, then the documents' own verdicts; ``why`` is Swedish for people
    (``normalize/reasons.py``), reasons of later stages joined by "; ". Same input
    as ``extract``."""
    blocks, text, title = _read(content, content_type or "", url or "")
    codes = find_municipalities(text + "\n" + title, url, municipalities)
    trace: list[tuple[str, str, str]] = []
    build_documents(blocks, text, has_place=bool(codes), trace=trace)
    units: list[dict] = []
    seen: dict[str, dict] = {}
    for verdict, unit, why in trace:
        earlier = seen.get(unit)
        if earlier is not None and earlier["verdict"] == "kept":
            # a later stage changed its party, or dropped its document
            earlier["why"] += "; " + why
            earlier["verdict"] = verdict
            continue
        seen[unit] = {"verdict": verdict, "text": unit, "why": why}
        units.append(seen[unit])
    return units


# Control bytes other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL_BYTES = bytes(b for b in range(32) if not 9 <= b <= 13)


def _binary(body: bytes) -> bool:
    """pagetext.looks_binary (NUL bytes, or more than 5 % control bytes in the first
    4 kB), counted with bytes.translate in C instead of a Python loop per byte."""
    sample = body[:4096]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return bool(sample) and controls / len(sample) > 0.05


def sniff_format(body: bytes, content_type: str = "", url: str = "") -> str:
    """"pdf", "html" or "text", decided from the bytes; the content type and
    the URL only break a tie. A .pdf URL whose body is text (a saved
    extraction) is text; a body with the %PDF magic is a PDF whatever the URL."""
    if body.find(b"%PDF", 0, 1024) >= 0:
        return "pdf"
    head = body[:3000].lower()
    if re.search(rb"<(?:!doctype html|html|body|head|p|div|main|article|h[1-6]|ul|ol|li|table|br)\b",
                 head):
        return "html"
    if "html" in content_type.lower() and b"<" in head:
        return "html"
    return "text"


def _read(content: bytes | str, content_type: str, url: str) -> tuple[list, str, str]:
    """(blocks, their text, the HTML title) of a page, whatever its format."""
    body = content.encode("utf-8") if isinstance(content, str) else content
    if not body.strip():
        raise InputError("tom indata")
    ctype = content_type.lower()
    kind = sniff_format(body, ctype, url)
    if kind == "pdf":
        magic = body.find(b"%PDF", 0, 1024)
        try:
            text = pdf_text(body[magic:])
        except PageTextError as exc:
            if b"/Encrypt" in body:   # pdfplumber wraps the password error in its own type
                raise InputError("krypterad PDF (kräver lösenord)") from exc
            raise InputError(str(exc)) from exc
        return text_blocks(text, wrapped=True), text, ""  # PDF lines wrap mid-sentence
    if _binary(body):
        raise InputError("binär indata som varken är HTML, text eller PDF")
    charset = None
    if "charset=" in ctype:
        charset = ctype.split("charset=", 1)[1].split(";")[0].strip(" \"'")
    decoded = content if isinstance(content, str) else decode_html(body, charset)[0]
    title = ""
    if kind == "html":
        blocks, title = parse_html(decoded)
    else:
        # Text said to be a PDF (a .pdf URL or type) is a PDF's extracted text: wrapped.
        wrapped = "pdf" in ctype or url.lower().split("?")[0].endswith(".pdf") \
            or looks_wrapped(decoded)
        blocks = text_blocks(decoded, wrapped=wrapped)
    return blocks, "\n".join(b.text for b in blocks), title
