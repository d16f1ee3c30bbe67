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

from normalize.blocks import text_blocks
from normalize.htmlblocks import parse_html
from normalize.documents import build_documents
from normalize.municipalities import as_entries, find_municipalities
from normalize.pagetext import PageTextError, decode_html, looks_binary, pdf_text
from normalize.themes import THEMES, Theme

# Bump when the output for the same input changes: `normalize` re-processes.
NORMALIZER_VERSION = "3"

__all__ = ["extract", "InputError", "NORMALIZER_VERSION", "THEMES", "Theme"]


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


def _read(content: bytes | str, content_type: str, url: str) -> tuple[list, str, str]:
    """(blocks, their text, the HTML title) of a page, whatever its format."""
    body = content.encode("utf-8") if isinstance(content, str) else content
    if not body.strip():
        raise InputError("empty input")
    ctype = content_type.lower()
    magic = body.find(b"%PDF", 0, 1024)
    if magic >= 0 or "pdf" in ctype or url.lower().endswith(".pdf"):
        try:
            text = pdf_text(body[max(magic, 0):])
        except PageTextError as exc:
            if b"/Encrypt" in body:   # pdfplumber wraps the password error in its own type
                raise InputError("encrypted PDF (password required)") from exc
            raise InputError(str(exc)) from exc
        return text_blocks(text, wrapped=True), text, ""  # PDF lines wrap mid-sentence
    if looks_binary(body):
        raise InputError("binary input that is neither HTML, text nor PDF")
    charset = None
    if "charset=" in ctype:
        charset = ctype.split("charset=", 1)[1].split(";")[0].strip(" \"'")
    decoded = content if isinstance(content, str) else decode_html(body, charset)[0]
    head = decoded[:3000].lower()
    title = ""
    if "html" in ctype or "<html" in head or "<body" in head or "<p>" in head or "<div" in head:
        blocks, title = parse_html(decoded)
    else:
        blocks = text_blocks(decoded)
    return blocks, "\n".join(b.text for b in blocks), title
