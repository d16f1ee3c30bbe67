"""The fixture web's PDFs, generated with reportlab (deterministic; output is committed).

    python -m crawler.demo.build_pdf      # rewrite only the PDFs under web/

``invariant=1`` fixes reportlab's timestamps and document ID, so the same
input gives the same bytes (the encrypted PDF too: its keys derive from the
fixed ID). ``python -m crawler.demo.build_web`` calls these as part of the
whole web; this module exists so the PDFs can be rebuilt on their own.

Every PDF carries a last line saying it is a test document.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
WEB = HERE / "web"
SEEDS = HERE / "seeds"
INVENTED = "(Fixturtext, påhittad för test)"
PDF_NOTE = "Testdokument (fixture) för medborgarloften – inte ett riktigt dokument."

# Where each PDF lives (site/version/path) — build_web links them from these paths.
SANDVIKEN_PDF = "/download/18.1234/10-medborgarloften-sandviken.pdf"
BROKEN_PDF = "/trasig.pdf"
ENCRYPTED_PDF = "/krypterad.pdf"
# Served through the ``bytes`` fault (no .pdf suffix, wrong content type).
OCTET_PDF_FILE = "_raw/medborgarlofte-2024.bin"


def promise_pdf(title: str, lines: list[str], encrypt: str | None = None,
                note: str = PDF_NOTE, meta_title: str | None = None) -> bytes:
    """A small one-page A4 PDF: a bold title, one text line per entry, the fixture note.

    ``meta_title`` sets the document-information title when it should differ
    from the printed one (a PDF named only in its metadata).
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1, encrypt=encrypt)
    pdf.setTitle(meta_title or title)
    y = 800
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(60, y, title)
    pdf.setFont("Helvetica", 11)
    for line in lines:
        y -= 18
        pdf.drawString(60, y, line)
    if note:
        pdf.setFont("Helvetica-Oblique", 8)
        pdf.drawString(60, 40, note)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def seed_text(name: str) -> str:
    return next(SEEDS.glob(f"{name}*.txt")).read_text("utf-8")


def sandviken_pdf() -> bytes:
    """Seed 000's ten promises; "trygghets-" / "vandringar" is broken across two lines."""
    text = seed_text("000")
    promises = [re.sub(r"^\d+\.\s*", "", line.strip()) for line in text.splitlines()
                if re.match(r"^\s*\d+\.", line)]
    lines = ["Polisen och kommunen lovar att:"]
    for n, promise in enumerate(promises, start=1):
        if "trygghetsvandringar" in promise and "Stadsparken" in promise:
            before, _, after = promise.partition("trygghetsvandringar")
            lines += [f"{n}. {before}trygghets-", f"    vandringar{after}"]
        else:
            lines.append(f"{n}. {promise}")
    return promise_pdf("10 medborgarlöften – Sandviken", lines, note=(
        "Testdokument (fixture) för medborgarloften – löftestexten kopierad från en "
        "riktig sida (seed 000)."))


def broken_pdf() -> bytes:
    """A PDF cut after a third of its bytes (no xref, no %%EOF)."""
    good = promise_pdf(f"Medborgarlöfte (fixture) {INVENTED}", ["Polisen lovar att synas."])
    return good[: len(good) // 3]


def encrypted_pdf() -> bytes:
    """An encrypted PDF (user password "hemligt")."""
    return promise_pdf(f"Medborgarlöfte (fixture) {INVENTED}", ["Hemligt."], encrypt="hemligt")


def octet_pdf() -> bytes:
    """A valid PDF the faults site serves without suffix as application/octet-stream."""
    return promise_pdf(f"Medborgarlöfte 2024 {INVENTED}", [
        "Polisen och kommunen lovar att:",
        "1. Genomföra trygghetsvandringar i centrum två gånger per år.",
        "2. Öka polisens närvaro vid skolorna."])


def long_pdf(pages: int) -> bytes:
    """A promise PDF of ``pages`` pages (the promise on page 1, filler after):
    a hostile-size input for the PDF limits (bench/pdf.py, tests). Not committed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    lines = ["Medborgarlöfte 2024 för Sunne kommun", "Polisen och kommunen lovar att:",
             "1. Genomföra trygghetsvandringar i centrum två gånger per år.",
             "2. Öka polisens närvaro vid skolorna."]
    for number in range(1, pages + 1):
        pdf.setFont("Helvetica", 10)
        for row, line in enumerate(lines if number == 1 else
                                   [f"Bilaga sida {number}: uppföljning av lägesbilden."] * 40):
            pdf.drawString(60, 800 - 18 * row, line)
        pdf.drawString(60, 40, PDF_NOTE)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pdf_files() -> dict[tuple[str, str], bytes]:
    """(site key, file path below v1/) → PDF bytes, for every PDF of the fixture web."""
    return {("sandviken", SANDVIKEN_PDF.lstrip("/")): sandviken_pdf(),
            ("faults", BROKEN_PDF.lstrip("/")): broken_pdf(),
            ("faults", ENCRYPTED_PDF.lstrip("/")): encrypted_pdf(),
            ("faults", OCTET_PDF_FILE): octet_pdf()}


def main() -> None:
    for (site, name), body in pdf_files().items():
        target = WEB / site / "v1" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        print(f"{len(body):7d} bytes  {target.relative_to(HERE)}")


if __name__ == "__main__":
    main()
