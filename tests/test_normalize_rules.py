"""Period notations, responsibility forms, trap lists and pages that yield nothing.

Every page here is a FIXTURE – invented for tests, not a real municipality's promise.
"""

import io

import pytest

from normalize import InputError, extract
from normalize.periods import best_period
from normalize.responsibility import responsible, split_tags

FIXTURE = "<!-- FIXTURE – invented for tests -->"


def html(body: str) -> bytes:
    return (f"<html><body>{FIXTURE}<nav><ul><li>Start</li><li>Kontakt</li></ul></nav>"
            f"<main>{body}</main><footer>Testkommun, 000 00 Fixturstad</footer>"
            "</body></html>").encode()


def commitments(result):
    return [(c["text"], c["responsible"], c["kind"]) for d in result["documents"]
            for c in d["commitments"]]


@pytest.mark.parametrize("heading,body,start,end", [
    ("Medborgarlöfte 2016-2017", "", "2016-01-01", "2017-12-31"),
    ("Medborgarlöfte 2022/2023", "", "2022-01-01", "2023-12-31"),
    ("Medborgarlöfte 2022–23", "", "2022-01-01", "2023-12-31"),
    ("Medborgarlöfte för 2021", "", "2021-01-01", "2021-12-31"),
    ("", "Löftet gäller 1 april 2018 till 31 mars 2019.", "2018-04-01", "2019-03-31"),
    ("", "Period: 2024-03-01 – 2025-02-28", "2024-03-01", "2025-02-28"),
    ("", "Medborgarlöftet gäller från och med 2024.", "2024-01-01", None),
    ("", "Medborgarlöfte 2020. Löftet gäller tills nya löften tecknas.", "2020-01-01", None),
    ("Medborgarlöfte 2016", "Under 2016-2017 ska vi arbeta.", "2016-01-01", "2017-12-31"),
])
def test_period_notations(heading, body, start, end):
    period = best_period(heading, body)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("item,lead,expected", [
    ("Genomföra trygghetsvandringar.\nAnsvarig: Kommunen", None, "kommunen"),
    ("Genomföra trygghetsvandringar.\nAnsvarig: Polisen och kommunen", None, "gemensamt"),
    ("Genomföra trygghetsvandringar.\nAnsvarig: Räddningstjänsten Syd", None, "kommunen"),
    ("Genomföra trygghetsvandringar.\nAnsvarig: Bostadsbolaget", None, "annan"),
    ("Fotpatrullering i centrum/Polisen", None, "polisen"),
    ("Fotpatrullering i centrum (kommunen)", None, "kommunen"),
    ("Polisen ska synas vid skolorna.", None, "polisen"),
    ("Kommunen och polisen lovar att belysa gångvägar.", None, "gemensamt"),
    ("I centrum ska kommunen byta belysning.", None, "kommunen"),
    ("Synas vid skolorna.", "Polisen lovar att:", "polisen"),
    ("Synas vid skolorna.", "Polisen och kommunen lovar att:", "gemensamt"),
    ("Synas vid skolorna.", "Vi lovar att:", None),
    ("Bostadsbolaget ska rensa buskage.", "Vi lovar att:", "annan"),
])
def test_responsibility_forms(item, lead, expected):
    text, stated = split_tags(item)
    assert responsible(text, stated, lead) == expected
    assert "Ansvarig" not in text and "/Polisen" not in text


TRAPS = ["Syfte", "Mål", "Fokusområden", "Lägesbild", "Problembild", "Bakgrund",
         "Uppföljning", "Resultat", "Kontaktpersoner",
         "Gemensamt åtagande inom samverkansöverenskommelsen"]


@pytest.mark.parametrize("heading", TRAPS)
def test_lists_under_trap_headings_are_not_commitments(heading):
    page = html(f"<h1>Medborgarlöfte 2024</h1><h2>{heading}</h2><ul>"
                "<li>Polisen ska minska brottsligheten i centrum.</li>"
                "<li>Kommunen ska öka tryggheten för alla invånare.</li></ul>"
                "<h2>Löften</h2><p>Polisen och kommunen lovar att:</p>"
                "<ul><li>Genomföra två trygghetsvandringar per år.</li></ul>")
    assert commitments(extract(page)) == [
        ("Genomföra två trygghetsvandringar per år.", "gemensamt", "promise")]


def test_nested_list_items_are_activities_of_their_promise():
    page = html("<h1>Medborgarlöfte 2025</h1><p>Vi lovar att:</p><ul>"
                "<li>Öka tryggheten i centrum<ul><li>Polisen patrullerar fredagskvällar.</li>"
                "<li>Kommunen förbättrar belysningen vid torget.</li></ul></li>"
                "<li>Minska narkotikabrotten bland unga</li></ul>")
    [doc] = extract(page)["documents"]
    assert [(c["kind"], c["parent"], c["responsible"]) for c in doc["commitments"]] == [
        ("promise", None, None), ("activity", 0, "polisen"), ("activity", 0, "kommunen"),
        ("promise", None, None)]


def test_numbered_promise_headings():
    page = html("<h1>Medborgarlöfte 2024</h1><h2>Löfte 1: Polisen ska synas mer i centrum</h2>"
                "<p>Det gör vi genom att:</p><ul><li>Patrullera till fots varje helg.</li></ul>"
                "<h2>Löfte 2: Kommunen ska förbättra belysningen</h2>")
    [doc] = extract(page)["documents"]
    assert [(c["kind"], c["parent"]) for c in doc["commitments"]] == [
        ("promise", None), ("activity", 0), ("promise", None)]


def test_two_periods_on_one_page_give_two_documents():
    page = html("<h1>Medborgarlöften i Testkommun</h1>"
                "<h2>Medborgarlöfte 2024-2025</h2><p>Polisen och kommunen lovar att:</p>"
                "<ul><li>Genomföra trygghetsvandringar i centrum.</li></ul>"
                "<h2>Medborgarlöfte 2022-2023</h2><p>Polisen lovar att:</p>"
                "<ul><li>Synas vid skolorna varje vecka.</li></ul>")
    docs = extract(page)["documents"]
    assert [d["period"]["label"] for d in docs] == ["2024-2025", "2022-2023"]
    assert [d["commitments"][0]["responsible"] for d in docs] == ["gemensamt", "polisen"]


@pytest.mark.parametrize("body", [
    "<h1>Vad är ett medborgarlöfte?</h1><p>Ett medborgarlöfte är ett åtagande som polisen och "
    "kommunen gör till medborgarna.</p><ul><li>Polisen och kommunen tar fram en lägesbild.</li>"
    "<li>Medborgarna får tycka till i dialoger.</li></ul>",
    "<h1>Medborgarlöften</h1><ul><li><a href='/a.pdf'>Medborgarlöfte 2023 (pdf, 120 kB)</a></li>"
    "<li><a href='/b/'>Medborgarlöfte för Testkommun 2022</a></li></ul>",
    "<h1>Nyheter</h1><ul><li><a href='/n1'>Polisen lovar att synas mer i sommar</a></li></ul>",
    "<h1>Uppföljning av medborgarlöfte 2022</h1><ul><li>Polisen har genomfört 40 "
    "trygghetsvandringar.</li></ul>",
    "<h1>Bygglov</h1><p>Så söker du bygglov.</p><p>Vi lovar att:</p><ul><li>Svara på din "
    "ansökan inom tio veckor.</li></ul>",
])
def test_pages_without_promises_yield_no_documents(body):
    assert extract(html(body))["documents"] == []


def test_quoted_speech_is_not_a_commitment():
    text = ("Medborgarlöfte 2024\nPolisen lovar att:\n• Synas i centrum varje helg.\n"
            "- Det här är viktigt för oss, säger Anna Andersson, kommunpolis.\n")
    assert [c[0] for c in commitments(extract(text))] == ["Synas i centrum varje helg."]


def test_municipalities_from_genitive_region_url_and_not_from_contacts():
    assert extract(html("<p>Region Gotland och polisen</p>"))["municipalities"] == [
        {"code": "0980", "name": "Gotland"}]
    page = html("<p>Medborgarlöfte för Falu kommun och Borlänge kommun.</p>"
                "<p>Kontakt: Region Gävleborg, tfn 026-15 00 00, Gävle kommun 801 84 Gävle</p>")
    assert [m["code"] for m in extract(page)["municipalities"]] == ["2080", "2081"]
    url = "https://polisen.se/om-polisen/medborgarloften/varmland/arvika/"
    assert extract(html("<p>Medborgarlöfte</p>"), url=url)["municipalities"] == [
        {"code": "1784", "name": "Arvika"}]
    assert extract(html("<p>Lokalpolisområde Torsby och Sunne kommun</p>"))[
        "municipalities"] == [{"code": "1766", "name": "Sunne"}]


def test_pdf_with_hyphenation_is_read():
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    for y, line in zip(range(800, 600, -20), [
            "Medborgarlöfte 2023 (FIXTURE)", "Polisen och kommunen lovar att:",
            "1. Genomföra trygghets-", "vandringar i centrum varje vår."]):
        pdf.drawString(50, y, line)
    pdf.save()
    [doc] = extract(buffer.getvalue())["documents"]
    assert doc["commitments"][0]["text"] == \
        "Genomföra trygghetsvandringar i centrum varje vår."
    assert doc["period"]["start"] == "2023-01-01"


@pytest.mark.parametrize("content,message", [
    (b"", "empty"), (b"   \n", "empty"), (b"\x00\x01\x02\x03" * 100, "binary"),
    (b"%PDF-1.4 trasig", "PDF"),
])
def test_bad_input_is_a_clear_error(content, message):
    with pytest.raises(InputError, match=message):
        extract(content)


def test_extract_cli(tmp_path):
    from click.testing import CliRunner
    from crawler.cli import cli
    page = tmp_path / "page.html"
    page.write_bytes(html("<h1>Medborgarlöfte 2024 i Arvika kommun</h1><p>Vi lovar att:</p>"
                          "<ul><li>Polisen ska synas vid skolorna.</li></ul>"))
    result = CliRunner().invoke(cli, ["extract", str(page)])
    assert result.exit_code == 0 and '"code": "1784"' in result.output
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(cli, ["extract", str(empty)])
    assert result.exit_code == 2 and "error: empty input" in result.output
