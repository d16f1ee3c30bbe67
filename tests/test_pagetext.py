"""Archived text: decoding, boilerplate removal, PDFs."""

import pytest

from normalize.pagetext import (PageTextError, decode_html, html_main_text, page_text,
                                repair_hyphenation)


def test_wrong_declared_charset_falls_back_to_windows_1252():
    body = "<p>Trygghetsvandring i Älvdalen och Åre</p>".encode("cp1252")
    text, encoding = decode_html(body, "utf-8")
    assert "Älvdalen och Åre" in text and encoding == "cp1252"


def test_missing_charset_latin1_page():
    text, _ = page_text("<html><body><p>Brottsförebyggande råd</p></body></html>"
                        .encode("iso-8859-1"), "text/html", None)
    assert text == "Brottsförebyggande råd"


def test_meta_charset_is_used():
    body = ('<html><head><meta charset="windows-1252"></head><body><p>Öppettider</p>'
            '</body></html>').encode("cp1252")
    assert page_text(body, "text/html")[0] == "Öppettider"


def test_chrome_and_volatile_lines_are_dropped():
    html = ("<body><header>Logga</header><nav>Meny</nav><main><h1>Medborgarlöfte</h1>"
            "<div class='breadcrumb'>Start / Trygghet</div><p>Vi lovar.</p>"
            "<p>Sidan uppdaterad: 2025-01-02</p></main><footer>Kontakt</footer></body>")
    assert html_main_text(html) == "Medborgarlöfte\nVi lovar."


def test_text_after_removed_element_is_kept():
    html = "<body><main><p>Före <button>Dela</button> efter</p></main></body>"
    assert html_main_text(html) == "Före efter"


def test_binary_body_is_an_error():
    with pytest.raises(PageTextError):
        page_text(b"\x00\x01\x02\x03binary" * 50, "application/octet-stream")


def test_broken_pdf_is_an_error():
    with pytest.raises(PageTextError):
        page_text(b"%PDF-1.4\n1 0 obj garbage", "application/pdf")


def test_hyphenation_across_lines_is_repaired():
    assert repair_hyphenation("genomföra trygghets-\nvandringar") == \
        "genomföra trygghetsvandringar"
    assert repair_hyphenation("Polis-\nOch") == "Polis-\nOch"


UTF8_DECLARING_1252 = ('<html><head><meta charset="windows-1252"><title>Medborgarlöfte för '
                       'Mölndal</title></head><body><main><h1>Medborgarlöfte för Mölndal</h1>'
                       '<p>Polisen lovar att öka närvaron vid Åbro torg.</p></main></body>'
                       '</html>').encode("utf-8")


@pytest.mark.parametrize("declared", [None, "windows-1252"])
def test_utf8_page_whose_meta_still_says_windows_1252_is_read_as_utf8(declared):
    """Common after a CMS migration: the bytes are UTF-8, the <meta> is stale."""
    text, encoding = page_text(UTF8_DECLARING_1252, "text/html", declared)
    assert "Medborgarlöfte för Mölndal" in text and "Ã" not in text
    assert encoding == "utf-8"


def test_archive_and_normalizer_decode_the_same_way():
    from normalize import extract

    result = extract(UTF8_DECLARING_1252, content_type="text/html; charset=windows-1252")
    assert result["municipalities"] == [{"code": "1481", "name": "Mölndal"}]
    assert decode_html(UTF8_DECLARING_1252, "windows-1252")[0] == \
        UTF8_DECLARING_1252.decode("utf-8")
