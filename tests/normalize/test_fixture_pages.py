"""Rules of the normalizer on invented pages.

Every page built or read here is a FIXTURE – invented for tests (see
fixtures/README.md); the real seed pages are in crawler/demo/seeds/.
"""

import io
from pathlib import Path

import pytest

from normalize import NORMALIZER_VERSION, THEMES, InputError, extract
from normalize.periods import best_period
from normalize.responsibility import responsible, split_tags

FIXTURES = Path(__file__).parent / "fixtures"
MARK = "<!-- FIXTURE – invented for tests -->"


def page(body: str) -> bytes:
    return (f"<html><body>{MARK}<nav><ul><li>Start</li><li>Polisen lovar att hjälpa dig "
            f"dygnet runt</li></ul></nav><div class='cookie-notice'><p>Vi använder kakor.</p>"
            f"</div><main>{body}</main><footer>Testkommun, 000 00 Fixturstad</footer>"
            "</body></html>").encode()


def fixture(name: str) -> dict:
    path = FIXTURES / name
    ctype = "text/html" if name.endswith(".html") else "text/plain"
    return extract(path.read_bytes(), content_type=ctype)


def rows(result):
    return [(c["kind"], c["parent"], c["responsible"], c["text"])
            for d in result["documents"] for c in d["commitments"]]


# -- periods -------------------------------------------------------------------
@pytest.mark.parametrize("heading,body,start,end", [
    ("Medborgarlöfte 2016-2017", "", "2016-01-01", "2017-12-31"),
    ("Medborgarlöfte 2022/2023", "", "2022-01-01", "2023-12-31"),
    ("Medborgarlöfte 2022–23", "", "2022-01-01", "2023-12-31"),
    ("Medborgarlöfte för 2021", "", "2021-01-01", "2021-12-31"),
    ("Medborgarlöften för 2023 och 2024", "", "2023-01-01", "2024-12-31"),
    ("", "Löftet gäller 1 april 2018 till 31 mars 2019.", "2018-04-01", "2019-03-31"),
    ("", "Period: 1 juli 2023 – 30 juni 2024", "2023-07-01", "2024-06-30"),
    ("", "Period: 2024-03-01 – 2025-02-28", "2024-03-01", "2025-02-28"),
    ("", "Gäller januari 2024 till december 2025.", "2024-01-01", "2025-12-31"),
    ("", "Medborgarlöftet gäller från och med 2024.", "2024-01-01", None),
    ("", "Medborgarlöftet gäller från och med 1 mars 2024.", "2024-03-01", None),
    ("", "Löftet gäller från 2024-03-01 tills vidare.", "2024-03-01", None),
    ("", "Medborgarlöfte 2020. Löftet gäller tills nya löften tecknas.", "2020-01-01", None),
    ("Medborgarlöfte 2016", "Under 2016-2017 ska vi arbeta.", "2016-01-01", "2017-12-31"),
    ("", "Löftet gäller 1/4 2018–31/3 2019", "2018-04-01", "2019-03-31"),
    ("Medborgarlöfte 2023-2025", "", "2023-01-01", "2025-12-31"),
    ("Medborgarlöfte 2024", "Löftet gäller under perioden 1 mars 2024 – 28 februari 2025.",
     "2024-03-01", "2025-02-28"),
    ("Medborgarlöften 2024", "Tidigare löften för 2022-2023 finns i arkivet.",
     "2024-01-01", "2024-12-31"),
    ("", "Under hösten 2014 genomfördes dialoger. Medborgarlöfte för 2015.",
     "2015-01-01", "2015-12-31"),
])
def test_period_notations(heading, body, start, end):
    period = best_period(heading, body)
    assert (period.start, period.end) == (start, end)


def test_year_label_closes_an_open_ended_period():
    """'gäller tills nya…' keeps the end a year label states (Kristinehamn's rule)."""
    period = best_period("Medborgarlöfte 2024-2025", "Löftet gäller tills nya löften tecknas.")
    assert (period.start, period.end) == ("2024-01-01", "2025-12-31")


# -- responsibility ------------------------------------------------------------
@pytest.mark.parametrize("item,lead,expected", [
    ("Genomföra trygghetsvandringar.\nAnsvarig: Kommunen", None, "kommunen"),
    ("Genomföra trygghetsvandringar.\nAnsvarig: Polisen och kommunen", None, "gemensamt"),
    ("Genomföra trygghetsvandringar.\nAnsvarig: Polisen i samverkan med kommunen", None,
     "gemensamt"),
    ("Genomföra trygghetsvandringar.\nAnsvarig: Bostadsbolaget", None, "annan"),
    ("Polisen ska vandra.\nAnsvarig: Kommunen", "Polisen lovar att:", "kommunen"),
    ("Fotpatrullering i centrum/Polisen", None, "polisen"),
    ("Samverkan med skolan/ Polis och Kommun", None, "gemensamt"),
    ("Fotpatrullering i centrum (kommunen)", None, "kommunen"),
    ("Polisen ska synas vid skolorna.", None, "polisen"),
    ("Polismyndigheten fullföljer uppdraget mot narkotika.", None, "polisen"),
    ("Kommunen och polisen lovar att belysa gångvägar.", None, "gemensamt"),
    ("I centrum ska kommunen byta belysning.", None, "kommunen"),
    ("För att minska brotten ska polisen tillsammans med kommunen vandra.", None, "gemensamt"),
    ("Synas vid skolorna.", "Polisen lovar att:", "polisen"),
    ("Synas vid skolorna.", "Polisen och kommunen lovar att:", "gemensamt"),
    ("Vaktbolag ska synas vid stationen.", "Polisen och kommunen lovar att:", "gemensamt"),
    ("Synas vid skolorna.", "Kommunen åtar sig att:", "kommunen"),
    ("Synas vid skolorna.", "Vi lovar att:", None),
    ("Bostadsbolaget ska rensa buskage.", "Vi lovar att:", "annan"),
    ("Polis och kommun genomför gemensamma trygghetsvandringar.", None, "gemensamt"),
    ("Lokalpolisområdet genomför riktade insatser mot narkotika.", None, "polisen"),
    ("Kommunpolisen ska besöka skolorna.", None, "polisen"),
    ("Arvika kommun ska utveckla fritidsgårdarna.", None, "kommunen"),
    ("Räddningstjänsten håller brandutbildning i skolorna.", None, "kommunen"),
    ("Socialtjänsten och polisen samverkar kring unga.", None, "gemensamt"),
    ("Skolan ska arbeta med värdegrundsfrågor.", None, "annan"),
    ("Ökad närvaro i centrum (Polisen och kommunen)", None, "gemensamt"),
    ("Ökad närvaro i centrum. Ansvar: Polisen", None, "polisen"),
    ("Ökad närvaro i centrum.\nAnsvarig part: Kommunen", None, "kommunen"),
    ("Ökad närvaro i centrum.\nHuvudansvarig: Polisen", None, "polisen"),
])
def test_responsibility_forms(item, lead, expected):
    text, stated = split_tags(item)
    assert responsible(text, stated, lead) == expected
    assert "Ansvarig" not in text and "/Polis" not in text and "(kommunen)" not in text


# -- traps and pages without promises -----------------------------------------
TRAPS = ["Syfte", "Mål", "Fokusområden", "Lägesbild", "Problembild", "Bakgrund",
         "Uppföljning", "Utvärdering", "Resultat", "Kontaktpersoner",
         "Gemensamt åtagande inom samverkansöverenskommelsen"]


@pytest.mark.parametrize("heading", TRAPS)
def test_lists_under_trap_headings_are_not_commitments(heading):
    body = (f"<h1>Medborgarlöfte 2024</h1><h2>{heading}</h2><ul>"
            "<li>Polisen ska minska brottsligheten i centrum.</li>"
            "<li>Kommunen ska öka tryggheten för alla invånare.</li></ul>"
            "<h2>Löften</h2><p>Polisen och kommunen lovar att:</p>"
            "<ul><li>Genomföra två trygghetsvandringar per år.</li></ul>")
    assert rows(extract(page(body))) == [
        ("promise", None, "gemensamt", "Genomföra två trygghetsvandringar per år.")]


@pytest.mark.parametrize("name", ["fixture_general.html", "fixture_links.html",
                                  "fixture_news.html"])
def test_pages_without_promises_yield_no_documents(name):
    assert fixture(name)["documents"] == []


@pytest.mark.parametrize("body", [
    "<h1>Uppföljning av medborgarlöfte 2022</h1><ul><li>Polisen har genomfört 40 "
    "trygghetsvandringar.</li></ul>",
    "<h1>Bygglov</h1><p>Så söker du bygglov.</p><p>Vi lovar att:</p><ul><li>Svara på din "
    "ansökan inom tio veckor.</li></ul>",
    "<h1>Medborgarlöften 2025</h1><p>Nu påbörjas arbetet med nya medborgarlöften för 2025. "
    "Svara gärna på vår enkät.</p>",
])
def test_more_pages_without_promises(body):
    assert extract(page(body))["documents"] == []


# -- structure -----------------------------------------------------------------
def test_nested_lists_are_activities_of_their_promise():
    result = fixture("fixture_nested.html")
    assert result["municipalities"] == [{"code": "1784", "name": "Arvika"}]
    [doc] = result["documents"]
    assert doc["period"] == {"label": "2024–2025", "start": "2024-01-01", "end": "2025-12-31"}
    assert [(c["kind"], c["parent"], c["responsible"]) for c in doc["commitments"]] == [
        ("promise", None, "gemensamt"), ("activity", 0, "polisen"), ("activity", 0, "kommunen"),
        ("activity", 0, "gemensamt"), ("promise", None, "gemensamt"), ("activity", 4, "gemensamt")]
    texts = " ".join(c["text"] for c in doc["commitments"])
    assert "kakor" not in texts and "e-post" not in texts and "45 fotpatruller" not in texts


def test_party_headings_signing_and_contacts():
    result = fixture("fixture_party_headings.html")
    assert result["municipalities"] == [{"code": "2081", "name": "Borlänge"}]
    [doc] = result["documents"]
    assert doc["signed"] == "2023-02-15"
    assert doc["signatories"] == ["Berit Bergström", "Carl Carlsson"]
    assert [(c["responsible"], c["text"][:20]) for c in doc["commitments"]] == [
        ("polisen", "Finnas synliga på St"), ("polisen", "Kommunpolisen ska be"),
        ("kommunen", "Se över belysningen "), ("kommunen", "Hålla fritidsgårdarn"),
        ("gemensamt", "Genomföra två tryggh")]


def test_bullets_written_as_paragraphs_and_tags():
    result = fixture("fixture_bullet_paragraphs.html")
    [doc] = result["documents"]
    assert doc["period"]["start"] == "2022-01-01" and doc["period"]["end"] == "2023-12-31"
    assert rows(result) == [
        ("promise", None, "polisen", "Polisen ska genomföra trafikkontroller vid skolorna."),
        ("promise", None, "kommunen", "Kommunen ska sätta upp farthinder på Storgatan."),
        ("promise", None, "gemensamt", "Starta grannsamverkan i två nya bostadsområden"),
    ]
    assert "trafik" in doc["commitments"][0]["themes"]


def make_pdf(lines):
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pdf.setFont("Helvetica", 10)
    for y, line in zip(range(800, 40, -14), lines):
        pdf.drawString(40, y, line)
    pdf.save()
    return buffer.getvalue()


def test_wrapped_lines_of_a_pdf():
    lines = (FIXTURES / "fixture_pdf_like.txt").read_text("utf-8").splitlines()
    result = extract(make_pdf(lines), url="https://www.mora.se/medborgarlofte.pdf")
    assert result["municipalities"] == [{"code": "2062", "name": "Mora"}]
    [doc] = result["documents"]
    assert doc["period"]["start"] == "2023-07-01" and doc["period"]["end"] == "2024-06-30"
    assert rows(result) == [
        ("promise", None, "kommunen", "Genomföra minst fyra trygghetsvandringar i centrum "
         "under perioden tillsammans med boende och näringsidkare."),
        ("promise", None, "polisen", "Genomföra riktade hastighetskontroller på Kyrkogatan "
         "under sommarhalvåret."),
        ("promise", None, "gemensamt", "Informera äldre om bedrägerier vid träffar på "
         "pensionärsföreningarna."),
    ]


def test_prose_promises_in_a_news_item_but_not_quotes():
    result = fixture("fixture_news_prose.html")
    assert rows(result) == [
        ("promise", None, "polisen",
         "Polisen lovar att öka närvaron i Mora centrum under helgkvällar."),
        ("promise", None, "kommunen",
         "Kommunen lovar att sätta upp fler belysningsstolpar vid Vasaparken."),
    ]


def test_plain_text_bullets_and_quoted_speech():
    text = ("FIXTURE – invented for tests\nMedborgarlöfte 2024\nPolisen lovar att:\n"
            "• Synas i centrum varje helg.\n* Besöka skolorna en gång i månaden.\n"
            "2) Hålla öppet hus på polisstationen varje vår.\n"
            "- Det här är viktigt för oss, säger Anna Andersson, kommunpolis.\n")
    assert [r[3] for r in rows(extract(text))] == [
        "Synas i centrum varje helg.", "Besöka skolorna en gång i månaden.",
        "Hålla öppet hus på polisstationen varje vår."]


def test_two_periods_on_one_page_give_two_documents():
    body = ("<h1>Medborgarlöften i Testkommun</h1>"
            "<h2>Medborgarlöfte 2024-2025</h2><p>Polisen och kommunen lovar att:</p>"
            "<ul><li>Genomföra trygghetsvandringar i centrum.</li></ul>"
            "<h2>Medborgarlöfte 2022-2023</h2><p>Polisen lovar att:</p>"
            "<ul><li>Synas vid skolorna varje vecka.</li></ul>")
    docs = extract(page(body))["documents"]
    assert [d["period"]["label"] for d in docs] == ["2024-2025", "2022-2023"]
    assert [d["commitments"][0]["responsible"] for d in docs] == ["gemensamt", "polisen"]


# -- municipalities ------------------------------------------------------------
def test_municipalities_from_names_url_and_not_from_contacts():
    assert extract(page("<p>Region Gotland och polisen</p>"))["municipalities"] == [
        {"code": "0980", "name": "Gotland"}]
    body = ("<p>Medborgarlöfte för Falu kommun och Borlänge kommun.</p>"
            "<p>Kontakt: Region Gävleborg, tfn 026-15 00 00, Gävle kommun 801 84 Gävle</p>")
    assert [m["code"] for m in extract(page(body))["municipalities"]] == ["2080", "2081"]
    assert extract(page("<p>Malmö stad och polisen</p>"))["municipalities"][0]["code"] == "1280"
    url = "https://polisen.se/om-polisen/medborgarloften/varmland/arvika/"
    assert extract(page("<p>Medborgarlöfte</p>"), url=url)["municipalities"] == [
        {"code": "1784", "name": "Arvika"}]
    assert extract(page("<p>Medborgarlöfte</p>"), url="https://www.sandviken.se/trygghet")[
        "municipalities"] == [{"code": "2181", "name": "Sandviken"}]
    assert extract(page("<p>Lokalpolisområde Torsby och Sunne kommun</p>"))[
        "municipalities"] == [{"code": "1766", "name": "Sunne"}]
    assert extract(page("<p>Medborgarlöfte för lokalpolisområde Torsby</p>"))[
        "municipalities"] == [{"code": "1737", "name": "Torsby"}]


def test_own_municipality_list_can_be_passed():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class M:
        code: str
        name: str
        short_name: str
        website: str = "https://www.fiktiva.se/"

    result = extract(page("<p>Fiktiva kommun och polisen</p>"),
                     municipalities=[M("9999", "Fiktiva kommun", "Fiktiva")])
    assert result["municipalities"] == [{"code": "9999", "name": "Fiktiva"}]


# -- themes, formats, errors, output shape ------------------------------------
def test_theme_table():
    assert 12 <= len(THEMES) <= 15
    for key, theme in THEMES.items():
        assert theme.key == key and theme.label and theme.description and theme.keywords


def test_output_shape_and_version():
    result = fixture("fixture_nested.html")
    assert set(result) == {"url", "municipalities", "documents"}
    doc = result["documents"][0]
    assert set(doc) == {"title", "period", "signed", "signatories", "commitments"}
    assert set(doc["commitments"][0]) == {"text", "responsible", "kind", "parent", "themes"}
    assert isinstance(NORMALIZER_VERSION, str)


def test_pdf_with_hyphenation_is_read():
    result = extract(make_pdf([
        "Medborgarlöfte 2023 för Mora kommun (FIXTURE)", "Polisen och kommunen lovar att:",
        "1. Genomföra trygghets-", "vandringar i centrum varje vår.",
        "2. Polisen ska synas vid resecentrum", "varje fredagskväll."]))
    [doc] = result["documents"]
    assert [c["text"] for c in doc["commitments"]] == [
        "Genomföra trygghetsvandringar i centrum varje vår.",
        "Polisen ska synas vid resecentrum varje fredagskväll."]
    assert doc["period"]["start"] == "2023-01-01"
    assert result["municipalities"] == [{"code": "2062", "name": "Mora"}]


@pytest.mark.parametrize("content,kwargs,message", [
    (b"", {}, "tom indata"), (b"   \n", {}, "tom indata"), ("", {}, "tom indata"),
    (b"\x00\x01\x02\x03" * 100, {}, "binär"),
    (b"%PDF-1.4 trasig", {}, "PDF"),
    # the bytes decide: a PDF's magic wins over a type or URL that says otherwise
    (b"%PDF-1.4 trasig", {"content_type": "text/html", "url": "https://x.se/a.html"}, "PDF"),
])
def test_bad_input_is_a_clear_error(content, kwargs, message):
    with pytest.raises(InputError, match=message):
        extract(content, **kwargs)


@pytest.mark.parametrize("kwargs", [{"content_type": "application/pdf"},
                                    {"url": "https://www.mora.se/download/lofte.pdf"}])
def test_text_said_to_be_a_pdf_is_read_as_wrapped_text(kwargs):
    # A PDF's text saved to a file, passed with the PDF's URL or type: no "not a PDF"
    # error, and its hard-wrapped lines are joined as in a PDF.
    text = ("Medborgarlöfte 2023 för Mora kommun (FIXTURE)\nPolisen och kommunen lovar att:\n"
            "1. Genomföra trygghetsvandringar i centrum\nvarje vår och höst.\n")
    [doc] = extract(text.encode(), **kwargs)["documents"]
    assert [c["text"] for c in doc["commitments"]] == [
        "Genomföra trygghetsvandringar i centrum varje vår och höst."]


@pytest.mark.parametrize("body,expected", [
    (b"%PDF-1.7 ...", "pdf"), (b"junk\n%PDF-1.4", "pdf"),
    (b"<!DOCTYPE html><title>x</title>", "html"), (b"<p>Vi lovar</p>", "html"),
    (b"Medborgarl\xc3\xb6fte 2024\nVi lovar att:", "text"),
])
def test_format_is_sniffed_from_the_bytes(body, expected):
    from normalize import sniff_format
    assert sniff_format(body, "application/pdf", "https://x.se/a.pdf") == expected
    assert sniff_format(body, "text/plain", "https://x.se/a.txt") == expected


def test_encrypted_pdf_is_a_clear_error():
    # The fixture web's encrypted PDF (reportlab, crawler/demo/build_pdf.py).
    encrypted = (Path(__file__).resolve().parents[2] / "crawler" / "demo" / "web" / "faults"
                 / "v1" / "krypterad.pdf").read_bytes()
    with pytest.raises(InputError, match="(?i)krypterad"):
        extract(encrypted)


def test_str_input_and_legacy_encoding():
    text = "Medborgarlöfte 2024\nPolisen lovar att:\n• Synas vid torget varje lördag.\n"
    assert rows(extract(text))[0][3] == "Synas vid torget varje lördag."
    html = ("<html><head><meta charset='windows-1252'></head><body>" + MARK +
            "<h1>Medborgarlöfte 2024 i Växjö kommun</h1><p>Polisen lovar att:</p>"
            "<ul><li>Synas vid torget varje lördag.</li></ul></body></html>").encode("cp1252")
    result = extract(html)
    assert result["municipalities"] == [{"code": "0780", "name": "Växjö"}]
    assert result["documents"][0]["title"] == "Medborgarlöfte 2024 i Växjö kommun"


# -- CLI -----------------------------------------------------------------------
def test_extract_cli(tmp_path):
    import json

    from click.testing import CliRunner

    from crawler.cli import extract as command
    path = tmp_path / "page.html"
    path.write_bytes(page("<h1>Medborgarlöfte 2024 i Arvika kommun</h1><p>Vi lovar att:</p>"
                          "<ul><li>Polisen ska synas vid skolorna.</li></ul>"))
    result = CliRunner().invoke(command, ["--url", "https://www.arvika.se/x", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["url"] == "https://www.arvika.se/x"
    assert data["municipalities"][0]["code"] == "1784" and "Medborgarlöfte" in result.output
    result = CliRunner().invoke(command, ["-"], input=b"Medborgarl\xc3\xb6fte 2024\n")
    assert result.exit_code == 0 and json.loads(result.output)["documents"] == []
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = CliRunner().invoke(command, [str(empty)])
    assert result.exit_code == 2 and "fel: tom indata" in result.output
    assert "Exempel" in CliRunner().invoke(command, ["--help"]).output


@pytest.mark.parametrize("text,theme", [
    ("Genomföra trygghetsvandringarna i Sätra.", "trygghetsvandringar"),
    ("Polisen ska öka närvaron med fotpatruller.", "synlig_polis"),
    ("Starta grannsamverkansområden.", "grannsamverkan"),
    ("Förebygga narkotikabrott bland unga.", "narkotika_andt"),
    ("Besöka högstadieskolorna.", "unga_skola"),
    ("Kontrollera EPA-traktorer och mopeder.", "trafik"),
    ("Öka tryggheten vid resecentrum.", "centrummiljo"),
    ("Minska ordningsstörningarna i nattlivet.", "ordning_alkohol"),
    ("Förbättra belysningen i parken.", "fysisk_miljo"),
    ("Arbeta mot våld i nära relationer.", "vald_nara_relation"),
    ("Besöka seniorträffar.", "brott_mot_aldre"),
    ("Informera om telefonbedrägerier.", "bedrageri"),
    ("Motverka rekrytering till kriminella nätverk.", "gangkriminalitet"),
    ("Hålla medborgardialoger varje höst.", "samverkan_dialog"),
    ("Verka för inkludering av nyanlända.", "inkludering"),
])
def test_each_theme_matches_compounds(text, theme):
    from normalize.themes import themes_of
    assert theme in themes_of(text)


def test_polisen_style_page_with_party_activity_sections():
    url = ("https://polisen.se/om-polisen/medborgarloften-och-lokal-samverkan/medborgarloften/"
           "orebro-lan/hallsberg/")
    result = extract((FIXTURES / "fixture_polisen_style.html").read_bytes(), url=url,
                     content_type="text/html")
    assert result["municipalities"] == [{"code": "1861", "name": "Hallsberg"}]
    [doc] = result["documents"]
    assert doc["title"] == "Medborgarlöfte för Hallsbergs kommun 2023–2024"
    assert doc["period"] == {"label": "2023–2024", "start": "2023-01-01", "end": "2024-12-31"}
    assert rows(result) == [
        ("promise", None, "gemensamt", "Öka tryggheten vid stationsområdet."),
        ("promise", None, "gemensamt", "Minska buskörningen i centrum."),
        ("activity", 1, "polisen",
         "Riktade trafikkontroller mot mopeder och EPA-traktorer under sommaren."),
        ("activity", 1, "polisen", "Synas vid stationen fredag och lördag kväll."),
        ("activity", 1, "kommunen", "Ny belysning i gångtunneln under järnvägen."),
        ("activity", 1, "kommunen", "Fältassistenter finns i centrum på helgkvällar."),
    ]
    themes = [c["themes"] for c in doc["commitments"]]
    assert "trafik" in themes[2] and "synlig_polis" in themes[3] and "fysisk_miljo" in themes[4]


@pytest.mark.parametrize("body,url,expected", [
    ("<h1>Medborgarlöfte för Ljusnarsbergs och Lindesbergs kommuner 2024</h1>", None,
     ["Ljusnarsberg", "Lindesberg"]),
    ("<p>Polisen och kommunerna Hofors, Ockelbo och Sandviken lovar</p>", None,
     ["Hofors", "Ockelbo", "Sandviken"]),
    ("<h1>Medborgarlöfte Göteborgs Stad 2024</h1>", None, ["Göteborg"]),
    ("<h1>Medborgarlöfte för Malung-Sälens kommun</h1>", None, ["Malung-Sälen"]),
    ("<h1>Medborgarlöften i Västerås</h1>", None, ["Västerås"]),
    ("<p>Många kommuner har medborgarlöften</p>", None, []),
    ("<p>Medborgarlöfte</p>", "https://polisen.se/om-polisen/medborgarloften/dalarna/falu/",
     ["Falun"]),
    ("<p>Medborgarlöfte</p>", "https://polisen.se/om-polisen/medborgarloften-och-lokal-samverkan/"
     "medborgarloften/vastra-gotaland/goteborg-hisingen/", ["Göteborg"]),
    ("<p>Medborgarlöfte</p>", "https://polisen.se/aktuellt/nyheter/2024/mars/varmland/"
     "nytt-medborgarlofte-i-arvika/", ["Arvika"]),
    ("<p>Medborgarlöfte</p>", "https://polisen.se/aktuellt/nyheter/2024/mars/dalarna/"
     "trafikolycka-i-mora/", []),
    ("<p>Medborgarlöfte</p>", "https://www.malung-salen.se/trygghet/", ["Malung-Sälen"]),
])
def test_municipality_forms(body, url, expected):
    result = extract(page(body), url=url, content_type="text/html")
    assert [m["name"] for m in result["municipalities"]] == expected


def test_cooperation_agreement_section_after_the_promises():
    body = ("<h1>Medborgarlöfte 2024 för Arvika kommun</h1><h3>Polisen lovar att</h3><ul>"
            "<li>Synas i centrum varje helg.</li></ul><h3>Kommunen lovar att</h3><ul>"
            "<li>Laga belysningen vid torget.</li></ul><h2>Samverkansöverenskommelse</h2>"
            "<p>Kommunen ska:</p><ul><li>Ta fram en gemensam lägesbild varje år.</li></ul>")
    assert rows(extract(page(body))) == [
        ("promise", None, "polisen", "Synas i centrum varje helg."),
        ("promise", None, "kommunen", "Laga belysningen vid torget.")]


def test_focus_list_is_not_but_the_following_lead_in_is():
    body = ("<h1>Medborgarlöfte 2024 i Arvika kommun</h1><p>Vi har valt att fokusera på:</p>"
            "<ul><li>Narkotika bland unga i kommunen.</li><li>Otrygghet i centrum på kvällstid.</li>"
            "</ul><p>Polisen och kommunen ska under 2024:</p><ul><li>Genomföra föräldramöten om "
            "narkotika.</li><li>Öka närvaron i centrum på kvällar.</li></ul>")
    assert rows(extract(page(body))) == [
        ("promise", None, "gemensamt", "Genomföra föräldramöten om narkotika."),
        ("promise", None, "gemensamt", "Öka närvaron i centrum på kvällar.")]


def test_follow_up_page_and_older_promise_links_give_nothing_extra():
    follow_up = ("<h1>Uppföljning av medborgarlöfte 2023 i Arvika kommun</h1><p>Löfte: Polisen "
                 "lovar att synas i centrum.</p><p>Resultat: Polisen har varit i centrum 40 "
                 "helger.</p><ul><li>Polisen lovar att fortsätta med fotpatruller.</li></ul>")
    assert extract(page(follow_up))["documents"] == []
    current = ("<h1>Medborgarlöfte 2024 i Arvika kommun</h1><p>Polisen och kommunen lovar att:"
               "</p><ul><li>Genomföra trygghetsvandringar i centrum.</li></ul>"
               "<h2>Tidigare medborgarlöften</h2><ul><li><a href='/a'>Medborgarlöfte 2022-2023"
               "</a></li><li><a href='/b'>Medborgarlöfte 2020 (pdf, 300 kB)</a></li></ul>")
    docs = extract(page(current))["documents"]
    assert len(docs) == 1 and len(docs[0]["commitments"]) == 1


def test_promise_table_rows_with_responsible_column():
    body = ("<h1>Medborgarlöfte 2024 Arvika kommun</h1><p>Polisen och kommunen lovar att:</p>"
            "<table><tr><th>Aktivitet</th><th>Ansvarig</th></tr>"
            "<tr><td>Trygghetsvandring i centrum två gånger per år</td><td>Kommunen</td></tr>"
            "<tr><td>Fotpatrull vid resecentrum på fredagar</td><td>Polisen</td></tr></table>")
    assert [(r[2], r[3]) for r in rows(extract(page(body)))] == [
        ("kommunen", "Trygghetsvandring i centrum två gånger per år"),
        ("polisen", "Fotpatrull vid resecentrum på fredagar")]


def test_browser_text_copy_without_bullets():
    """A page copied as text loses its bullets; blank lines may separate the lines."""
    text = ("FIXTURE – invented for tests\n\nMedborgarlöfte för Arvika kommun 2024\n\n"
            "Polisen och Arvika kommun lovar att:\n\nSynas mer i centrum på helgerna\n"
            "Genomföra trygghetsvandringar i Ingestrand\nInformera äldre om bedrägerier\n\n"
            "Uppföljning\n\nLöftet följs upp i BRÅ två gånger per år.\n")
    assert rows(extract(text, content_type="text/plain")) == [
        ("promise", None, "gemensamt", "Synas mer i centrum på helgerna"),
        ("promise", None, "gemensamt", "Genomföra trygghetsvandringar i Ingestrand"),
        ("promise", None, "gemensamt", "Informera äldre om bedrägerier")]


@pytest.mark.parametrize("content", [
    ("<html><body>" + "<div>" * 3000 + "<p>Medborgarlöfte 2024</p>" + "</div>" * 3000
     + "</body></html>").encode(),
    ("<ul><li>Polisen lovar att synas" * 600 + "</li></ul>" * 600).encode(),
    b"<<<>>><p><p><li>Polisen lovar att</ul></ol>&&&;",
    "Medborgarlöfte 2024 i Arvika kommun\nPolisen lovar att:\n- Synas på torget.\n".encode("cp1252"),
])
def test_odd_input_does_not_crash(content):
    result = extract(content)
    assert isinstance(result["documents"], list)


# Pages that mention the police, the municipality, promises or lists but hold no promise.
NO_PROMISE_PAGES = [
    "<h1>Trygghet och säkerhet</h1><p>Arvika kommun arbetar för att alla ska känna sig trygga.</p><h2>Så kan du bidra</h2><ul><li>Gå med i grannsamverkan i ditt område.</li><li>Anmäl alltid brott till polisen.</li><li>Tipsa kommunen om trasig belysning.</li></ul><h2>Medborgarlöften</h2><p>Kommunen och polisen tecknar varje år medborgarlöften. <a href='/ml'>Läs medborgarlöftet för 2024</a>.</p>",
    "<h1>Inbrott i Arvika under helgen</h1><p>Publicerad 2024-03-04</p><p>Polisen i Arvika utreder tre inbrott. Polisen lovar att återkomma med mer information.</p><p>Polisen vill ha tips från allmänheten:</p><ul><li>Har du sett okända bilar i området?</li><li>Ring 114 14 om du har information.</li></ul>",
    "<h1>Brottsförebyggande rådet i Arvika kommun</h1><p>BRÅ samordnar det brottsförebyggande arbetet. Rådet ska:</p><ul><li>Ta fram en lägesbild varje år.</li><li>Föreslå åtgärder för ökad trygghet.</li><li>Följa upp medborgarlöftet mellan polisen och kommunen.</li></ul>",
    "<h1>Tyck till om tryggheten i Arvika kommun</h1><p>Inför nya medborgarlöften 2025 vill polisen och kommunen veta vad du tycker.</p><ul><li>Var känner du dig otrygg?</li><li>Vad skulle göra dig tryggare?</li></ul><p>Enkäten är öppen till 31 mars 2025.</p>",
    "<h1>Lokalpolisområde Arvika</h1><p>Lokalpolisområde Arvika omfattar Arvika och Eda kommuner.</p><h2>Vi arbetar med</h2><ul><li>Synlig polis i centrum och på landsbygden.</li><li>Brott mot äldre och bedrägerier.</li></ul><p>Läs våra medborgarlöften för Arvika kommun och Eda kommun.</p>",
]


@pytest.mark.parametrize("body", NO_PROMISE_PAGES)
def test_safety_pages_without_a_promise(body):
    assert extract(page(body))["documents"] == []


TEXT_PAGES = {  # FIXTURE – invented for tests: page text as a browser copy gives it
    "blank_between": (
        "Medborgarlöfte för Arvika kommun 2024\n\nPolisen och kommunen lovar att:\n\n"
        "Synas mer i centrum på helgerna.\n\nGenomföra trygghetsvandringar i Ingestrand.\n\n"
        "Informera äldre om bedrägerier.\n\nUppföljning\n\nLöftet följs upp i BRÅ.\n",
        [("promise", None, "gemensamt", "Synas mer i centrum på helgerna."),
         ("promise", None, "gemensamt", "Genomföra trygghetsvandringar i Ingestrand."),
         ("promise", None, "gemensamt", "Informera äldre om bedrägerier.")]),
    "party_headings": (
        "Medborgarlöfte 2024 Arvika kommun\n\nPolisen lovar att\n\nSynas mer i centrum på "
        "helgerna.\nBesöka skolorna varje termin.\n\nKommunen lovar att\n\nLaga belysningen i "
        "parken.\n\nKontakt\n\nAnna Berg, 0570-123 45\n",
        [("promise", None, "polisen", "Synas mer i centrum på helgerna."),
         ("promise", None, "polisen", "Besöka skolorna varje termin."),
         ("promise", None, "kommunen", "Laga belysningen i parken.")]),
    "numbered_promises": (
        "Medborgarlöften i Arvika 2023–2024\n\nLöfte 1: Ökad trygghet i centrum\n"
        "Polisen genomför fotpatruller varje fredag.\nKommunen förbättrar belysningen vid "
        "torget.\n\nLöfte 2: Minskad narkotikaanvändning bland unga\nPolisen och skolan håller "
        "föräldramöten.\n\nUppföljning sker varje halvår.\n",
        [("promise", None, "gemensamt", "Ökad trygghet i centrum"),
         ("activity", 0, "polisen", "Polisen genomför fotpatruller varje fredag."),
         ("activity", 0, "kommunen", "Kommunen förbättrar belysningen vid torget."),
         ("promise", None, "gemensamt", "Minskad narkotikaanvändning bland unga"),
         ("activity", 3, "polisen", "Polisen och skolan håller föräldramöten.")]),
    "activity_heading": (
        "Medborgarlöfte 2025 för Arvika kommun\n\nLöfte\nPolisen och kommunen lovar att öka "
        "tryggheten vid resecentrum.\n\nAktiviteter\n• Polisen patrullerar vid resecentrum "
        "fredag och lördag kväll.\n• Kommunen sätter upp kameror vid busshållplatserna.\n",
        [("promise", None, "gemensamt",
          "Polisen och kommunen lovar att öka tryggheten vid resecentrum."),
         ("activity", 0, "polisen", "Polisen patrullerar vid resecentrum fredag och lördag kväll."),
         ("activity", 0, "kommunen", "Kommunen sätter upp kameror vid busshållplatserna.")]),
}


@pytest.mark.parametrize("name", sorted(TEXT_PAGES))
def test_plain_text_page_forms(name):
    text, expected = TEXT_PAGES[name]
    result = extract(text.encode(), content_type="text/plain")
    assert result["municipalities"] == [{"code": "1784", "name": "Arvika"}]
    assert rows(result) == expected
