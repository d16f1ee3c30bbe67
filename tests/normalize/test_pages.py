"""Invented promise pages in the forms real pages use (tests/normalize/fixtures/pages/).

Every page there is a FIXTURE – invented for tests, not a real municipality's
promise. The places are invented too and resolved through a test registry,
so no real municipality is shown as promising anything.
"""

from pathlib import Path

import pytest

from normalize.registry import Municipality
from normalize import extract

PAGES = Path(__file__).parent / "fixtures" / "pages"
REGISTRY = [Municipality(code, f"{name}{suffix}", name, "Fixturlän", "99", "Mitt",
                         f"https://www.{name.lower()}.se/", 0.0, 0.0)
            for code, name, suffix in [("9901", "Testby", " kommun"),
                                       ("9902", "Provinge", " kommun"),
                                       ("9903", "Exempelstad", "s kommun")]]


def run(name: str, url: str | None = None) -> dict:
    path = PAGES / name
    content_type = "text/html" if path.suffix == ".html" else "text/plain"
    return extract(path.read_bytes(), url=url, content_type=content_type,
                   municipalities=REGISTRY)


def table(result: dict) -> list[tuple]:
    [doc] = result["documents"]
    return [(c["kind"], c["parent"], c["responsible"], c["text"]) for c in doc["commitments"]]


def test_every_page_is_marked_as_a_fixture():
    for path in PAGES.iterdir():
        assert "FIXTURE" in path.read_text("utf-8")[:300], path.name


@pytest.mark.parametrize("name", ["about.txt", "explainer.txt", "followup.txt", "links_only.txt",
                                  "samverkan_only.txt", "survey.txt", "safety_page.txt",
                                  "hub_page.txt", "followup_chrome.txt"])
def test_pages_that_are_not_a_promise_yield_no_document(name):
    assert run(name)["documents"] == []


def test_party_lead_ins_without_colons():
    result = run("party_sections.txt")
    assert result["municipalities"] == [{"code": "9901", "name": "Testby"}]  # not the LPO town
    assert [(r, t[:20]) for _, _, r, t in table(result)] == [
        ("polisen", "genomföra minst två "), ("polisen", "besöka alla högstadi"),
        ("kommunen", "förbättra belysninge"), ("kommunen", "hålla fritidsgården "),
        ("gemensamt", "genomföra en trygghe")]  # "Tillsammans lovar vi att"
    assert result["documents"][0]["period"]["start"] == "2024-01-01"


def test_numbered_promise_headings_with_sentences_as_activities():
    result = run("numbered_headings.txt")
    [doc] = result["documents"]
    assert doc["signed"] == "2023-02-15"
    assert doc["signatories"] == ["Anna Testsson", "Bo Fixtursson"]
    assert [(k, p, r) for k, p, r, _ in table(result)] == [
        ("promise", None, "gemensamt"), ("activity", 0, "polisen"), ("activity", 0, "kommunen"),
        ("promise", None, "gemensamt"), ("activity", 3, "gemensamt"), ("activity", 3, "kommunen")]
    assert table(result)[0][3] == "Ökad trygghet i centrum"


def test_labelled_lines_promise_and_activity_with_inline_ansvarig():
    result = run("activity_lines.txt")
    assert result["documents"][0]["period"] == {
        "label": "2025-01-01 – 2025-12-31", "start": "2025-01-01", "end": "2025-12-31"}
    assert table(result) == [
        ("promise", None, "gemensamt", "Tryggare trafikmiljö kring skolorna"),
        ("activity", 0, "polisen", "Hastighetskontroller vid skolor under skolstarten."),
        ("activity", 0, "kommunen", "Information om EPA-traktorer till elever i årskurs 9."),
        ("promise", None, "gemensamt", "Färre bedrägerier mot äldre"),
        ("activity", 3, "gemensamt", "Informationsträffar om bedrägerier på seniorboenden."),
    ]


def test_list_whose_bullets_the_text_copy_lost():
    assert [t for _, _, _, t in table(run("bulletless.txt"))] == [
        "Genomföra trygghetsvandringar i alla stadsdelar under hösten.",
        "Öka polisens närvaro vid skolor och fritidsgårdar.",
        "Informera äldre om bedrägerier via kommunens träffpunkter."]


def test_goal_and_focus_lists_are_skipped_promises_kept():
    assert [(r, t[:24]) for _, _, r, t in table(run("goals_focus.txt"))] == [
        ("polisen", "Polisen ska genomföra ha"), ("kommunen", "Kommunen ska erbjuda all"),
        ("gemensamt", "Polisen och kommunen ska")]


def test_announced_new_period_without_promises_gives_no_document():
    result = run("two_periods.txt")
    [doc] = result["documents"]
    assert doc["period"]["label"] == "2023–2024"
    # the lead-in names both parties; the third item's own subject outranks it
    assert [r for _, _, r, _ in table(result)] == ["gemensamt", "gemensamt", "polisen"]


def test_news_item_prose_promises_and_signing_without_av():
    result = run("news_prose.txt")
    [doc] = result["documents"]
    assert (doc["signed"], doc["signatories"]) == ("2022-02-02", ["Anna Testsson", "Bo Fixtursson"])
    assert doc["period"]["start"] == "2022-01-01"
    assert [(r, t) for _, _, r, t in table(result)] == [
        ("polisen", "Polisen lovar att genomföra regelbundna trafikkontroller vid skolorna."),
        ("kommunen", "Kommunen lovar att starta grannsamverkan i tre nya bostadsområden.")]


def test_promise_under_heading_with_activities_as_paragraphs():
    assert [(k, p, r) for k, p, r, _ in table(run("promise_with_activities_heading.txt"))] == [
        ("promise", None, "gemensamt"), ("activity", 0, "polisen"), ("activity", 0, "kommunen"),
        ("activity", 0, "gemensamt")]


def test_question_headings_and_party_lead_ins_under_them():
    assert [(k, p, r) for k, p, r, _ in table(run("questions.txt"))] == [
        ("promise", None, "gemensamt"), ("activity", 0, "polisen"), ("activity", 0, "polisen"),
        ("activity", 0, "kommunen")]


def test_undertakings_as_paragraphs_under_topic_headings():
    assert [r for _, _, r, _ in table(run("area_paragraphs.txt"))] == [
        "polisen", "kommunen", "gemensamt"]


def test_dash_and_parenthesis_responsibility_tags_are_removed():
    assert [(r, t) for _, _, r, t in table(run("dash_suffixes.txt"))] == [
        ("polisen", "Fotpatruller i centrum varje fredag och lördag"),
        ("kommunen", "Trygghetsvandring i varje bostadsområde"),
        ("gemensamt", "Föräldravandringar under helger")]


def test_html_nested_items_and_parenthesised_parties():
    result = run("nested.html")
    assert result["municipalities"] == [{"code": "9903", "name": "Exempelstad"}]
    assert [(k, p, r) for k, p, r, _ in table(result)] == [
        ("promise", None, "gemensamt"), ("activity", 0, "polisen"), ("activity", 0, "kommunen"),
        ("promise", None, "gemensamt"), ("activity", 3, "gemensamt")]


def test_html_party_headings_under_a_lead_heading():
    result = run("party_headings.html")
    [doc] = result["documents"]
    assert doc["period"] == {"label": "från och med 2025", "start": "2025-01-01", "end": None}
    assert [r for _, _, r, _ in table(result)] == [
        "polisen", "polisen", "kommunen", "kommunen", "gemensamt"]


def test_municipality_from_url_host_when_text_names_none():
    result = run("party_sections.txt", url="https://www.provinge.se/trygghet/medborgarlofte/")
    assert [m["code"] for m in result["municipalities"]] == ["9901", "9902"]


def _pdf(lines: list[str]) -> bytes:
    import io

    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    for number, line in enumerate(lines):
        pdf.drawString(40, 800 - 18 * number, line)
    pdf.save()
    return buffer.getvalue()


PDF_LINES = [
    "FIXTURE – invented for tests", "Medborgarlöfte 2023–2024",
    "Polisen i lokalpolisområde Exempelstad och Testby kommun har tagit fram",
    "detta medborgarlöfte utifrån en gemensam lägesbild.",
    "Polisen och kommunen lovar att:",
    "1. Genomföra gemensamma trygghetsvandringar i centrum minst två gånger",
    "per år tillsammans med fastighetsägare.", "Ansvarig: Kommunen",
    "2. Öka polisens närvaro vid skolorna under skoltid och på fredagskvällar i",
    "centrum.", "Ansvarig: Polisen",
    "Uppföljning", "Löftet följs upp i brottsförebyggande rådet två gånger per år.",
    "Undertecknat i Testby den 12 januari 2023",
    "Anna Testsson, kommunstyrelsens ordförande   Bo Fixtursson, lokalpolisområdeschef",
]


def test_pdf_wrapped_items_ansvarig_lines_and_signatures_below_the_date():
    result = extract(_pdf(PDF_LINES), municipalities=REGISTRY)
    assert result["municipalities"] == [{"code": "9901", "name": "Testby"}]
    [doc] = result["documents"]
    assert (doc["signed"], doc["signatories"]) == ("2023-01-12", ["Anna Testsson", "Bo Fixtursson"])
    assert table(result) == [
        ("promise", None, "kommunen", "Genomföra gemensamma trygghetsvandringar i centrum minst "
         "två gånger per år tillsammans med fastighetsägare."),
        ("promise", None, "polisen", "Öka polisens närvaro vid skolorna under skoltid och på "
         "fredagskvällar i centrum."),
    ]


def test_cli_reads_stdin_and_guesses_pdf_from_the_extension(tmp_path):
    import json

    from click.testing import CliRunner

    from crawler.cli import extract as command
    text = (PAGES / "two_periods.txt").read_bytes()
    result = CliRunner().invoke(command, ["--url", "https://example.se/x", "-"], input=text)
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    assert output["url"] == "https://example.se/x"
    assert len(output["documents"][0]["commitments"]) == 3
    pdf = tmp_path / "mbl.pdf"
    pdf.write_bytes(_pdf(PDF_LINES))
    assert CliRunner().invoke(command, [str(pdf)]).exit_code == 0
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj <<>>")
    result = CliRunner().invoke(command, [str(broken)])
    assert result.exit_code == 2 and "fel:" in result.output


def test_polisen_style_text_copy_with_chrome_and_bulletless_party_lists():
    result = run("polisen_chrome.txt")
    assert result["municipalities"] == [{"code": "9902", "name": "Provinge"}]
    [doc] = result["documents"]
    assert doc["title"] == "Medborgarlöfte Provinge"   # not the breadcrumb line
    assert doc["period"] == {"label": "2024 och 2025", "start": "2024-01-01", "end": "2025-12-31"}
    # the bullet-less list ends at "Så följer vi upp löftet"
    assert [(r, t[:18]) for _, _, r, t in table(result)] == [
        ("polisen", "genomföra minst fy"), ("polisen", "genomföra trafikko"),
        ("kommunen", "utbilda personal p"), ("kommunen", "erbjuda föräldrar "),
        ("gemensamt", "genomföra en trygg")]


def test_municipal_text_copy_menu_bullets_goal_and_related_links_are_skipped():
    assert [(r, t[:30]) for _, _, r, t in table(run("kommun_chrome.txt"))] == [
        ("polisen", "Polisen genomför regelbundna n"),
        ("kommunen", "Kommunens fältassistenter finn"),
        ("gemensamt", "Polisen och kommunen genomför ")]


def test_sub_numbering_letter_tags_and_a_tab_separated_table():
    assert table(run("subnumbers_table.txt")) == [
        ("promise", None, "gemensamt", "Öka tryggheten i centrum"),
        ("activity", 0, "polisen", "Fotpatruller varje fredag och lördag"),
        ("activity", 0, "kommunen", "Bättre belysning i parken"),
        ("promise", None, "gemensamt", "Minska narkotikan bland unga"),
        ("activity", 3, "gemensamt", "Föräldravandringar under helger"),
        # "Aktiviteter" after promises: activities of the last promise; the
        # Ansvarig column of the copied table gives the party
        ("activity", 3, "kommunen", "Trygghetsvandring i centrum"),
        ("activity", 3, "polisen", "Hastighetskontroller vid skolor"),
    ]


def test_topic_labels_open_sections_and_a_promise_title_gives_way_to_its_list():
    assert table(run("topics.txt")) == [
        ("promise", None, "polisen", "Polisen genomför fotpatruller varje helg."),
        ("promise", None, "kommunen", "Kommunen förbättrar belysningen i parken."),
        # "Mål: …" opens a new topic: "Det gör vi genom att:" lists its promises
        ("promise", None, "gemensamt", "Genomföra föräldravandringar under helger."),
        # "Löfte 3 – Tryggare trafik" is the title of the "Vi lovar att:" list
        ("promise", None, "gemensamt", "Genomföra hastighetskontroller vid skolor."),
        ("promise", None, "gemensamt", "Informera om EPA-traktorer på skolorna."),
        ("activity", 4, "gemensamt", "Bjuda in till föräldramöten om trafik."),
    ]


def test_never_crashes_on_mangled_pages():
    """Mutated fixture pages (cut, spliced, control bytes): a result or InputError."""
    import random

    from normalize import InputError
    rng = random.Random(7)
    pages = [p.read_bytes() for p in sorted(PAGES.iterdir())]
    extras = [b"<div>" * 3000, b"\x00\x01<p>x</p>", b"<?xml version='1.0' encoding='utf-8'?><p>Polisen</p>",
              b"\xff\xfe" + "Medborgarlöfte".encode("utf-16-le"), b"%PDF-1.4\n%%EOF"]
    for number in range(150):
        body = bytearray(rng.choice(pages))
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(body) + 1)
            if rng.random() < 0.5:
                del body[at:at + rng.randint(1, 40)]
            else:
                body[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
        for content in (bytes(body), extras[number % len(extras)]):
            try:
                assert isinstance(extract(content, content_type=rng.choice(
                    [None, "text/html", "text/plain"])), dict)
            except InputError:
                pass


def test_lovar_lead_in_ending_in_genom_att_with_bulletless_lines_and_iso_signing():
    result = run("genom_att_lead.txt")
    [doc] = result["documents"]
    assert (doc["signed"], doc["signatories"]) == ("2021-02-10", ["Anna Testsson", "Bo Fixtursson"])
    assert [(k, r, t[:20]) for k, _, r, t in table(result)] == [
        ("promise", "gemensamt", "genomföra regelbundn"), ("promise", "gemensamt", "öka den synliga poli"),
        ("promise", "gemensamt", "utveckla samarbetet ")]


def test_plain_lines_right_under_a_numbered_promise_are_its_activities():
    assert [(k, p, r) for k, p, r, _ in table(run("numbered_with_lines.txt"))] == [
        ("promise", None, "gemensamt"), ("activity", 0, "polisen"), ("activity", 0, "kommunen"),
        ("promise", None, "gemensamt"), ("activity", 3, "polisen")]


def test_news_item_with_innebar_att_lead_and_a_quote():
    result = run("news_innebar.txt")
    [doc] = result["documents"]
    assert doc["period"]["label"] == "2023" and doc["signed"] is None  # 2023-01-25 is the news date
    assert [r for _, _, r, _ in table(result)] == ["polisen", "kommunen", "gemensamt"]


def test_party_lines_without_colons_and_older_pdf_links_are_not_documents():
    result = run("party_lines_and_old_pdfs.txt")
    [doc] = result["documents"]
    assert doc["period"] == {"label": "2024–2025", "start": "2024-01-01", "end": "2025-12-31"}
    assert "pdf" not in doc["title"]
    assert [r for _, _, r, _ in table(result)] == ["kommunen", "kommunen", "polisen", "polisen"]
