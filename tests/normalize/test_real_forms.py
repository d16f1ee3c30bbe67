"""The forms real promise pages take (issue 10), on invented pages.

Every page in fixtures/real_forms/ is a FIXTURE – invented for tests: the
wording is written for the form it exercises (prose, lead-in + infinitive
lines, hard-wrapped PDF text, titles, scheduled/passive forms, periods,
parties) and the places are the invented ones of the test registry.
"""

from pathlib import Path

import pytest

from normalize.registry import Municipality
from normalize import cues, explain, extract
from normalize.blocks import strip_page_chrome, text_blocks
from normalize.reasons import Form, Reason, say

# Invented places (as in test_pages.py), so no real municipality is shown promising anything.
REGISTRY = [Municipality(code, f"{name}{suffix}", name, "Fixturlän", "99", "Mitt",
                         f"https://www.{name.lower()}.se/", 0.0, 0.0)
            for code, name, suffix in [("9901", "Testby", " kommun"),
                                       ("9902", "Provinge", " kommun"),
                                       ("9903", "Exempelstad", "s kommun")]]

FORMS = Path(__file__).parent / "fixtures" / "real_forms"


def run(name: str, url: str | None = None) -> dict:
    path = FORMS / name
    content_type = "text/html" if path.suffix == ".html" else "text/plain"
    return extract(path.read_bytes(), url=url, content_type=content_type, municipalities=REGISTRY)


def rows(result: dict) -> list[tuple]:
    [doc] = result["documents"]
    return [(c["kind"], c["parent"], c["responsible"], c["text"]) for c in doc["commitments"]]


def test_every_page_is_marked_as_a_fixture():
    for path in FORMS.iterdir():
        assert "FIXTURE" in path.read_text("utf-8")[:300], path.name


# -- hard-wrapped PDF text --------------------------------------------------------
def test_wrapped_pdf_text_lead_ins_with_lowercase_lines_across_a_page_break():
    result = run("wrapped_pdf_text.txt", url="https://www.testby.se/download/lofte.pdf")
    [doc] = result["documents"]
    assert (doc["period"]["start"], doc["period"]["end"]) == ("2024-07-01", "2026-06-30")
    assert rows(result) == [
        ("promise", None, "polisen", "genomföra fotpatrullering på torget och vid busstationen "
         "minst tre kvällar i veckan"),
        # a full line ending on "det" ends the item: the next infinitive line is a new item
        ("promise", None, "polisen", "ha en kontaktpolis för varje skola och förening i "
         "kommunen som vill det"),
        ("promise", None, "polisen", "regelbundet kontrollera mopeder vid skolorna och längs "
         "den gamla landsvägen"),
        # the running header "… Sida 2 av 2" between the lists is gone
        ("promise", None, "kommunen", "via fritidsgården ha öppet för unga på fredagar och "
         "lördagar under hela skolåret"),
        ("promise", None, "kommunen", "åtgärda trasig belysning inom fem arbetsdagar"),
    ]


def test_running_headers_and_page_numbers_are_removed():
    lines = ["Rubrik för löftet", "Polisen ska genomföra kontroller vid", "Testby | Polisen    Sida 1 av 2",
             "", "skolorna varje vecka.", "Testby | Polisen    Sida 2 av 2", "3", "Mer text."]
    kept = strip_page_chrome(lines)
    assert "Testby | Polisen    Sida 1 av 2" not in kept and "3" not in kept
    # the sentence broken by the page break is one block again
    blocks = text_blocks("\n".join(lines), wrapped=True)
    assert "Polisen ska genomföra kontroller vid skolorna varje vecka." in [b.text for b in blocks]


def test_a_title_line_ending_in_a_number_is_not_a_page_number():
    assert strip_page_chrome(["LÖFTE 1", "Tryggare torg"]) == ["LÖFTE 1", "Tryggare torg"]


def test_wrapping_is_only_joined_in_pdf_text():
    text = "Polisen lovar att:\ngenomföra kontroller vid skolorna och\nvid torget\n"
    assert [b.text for b in text_blocks(text, wrapped=True)][-1] == \
        "genomföra kontroller vid skolorna och vid torget"
    assert [b.text for b in text_blocks(text)][-1] == "vid torget"


# -- prose ------------------------------------------------------------------------
def test_news_item_prose_promises_scheduled_and_passive_forms():
    assert rows(run("news_prose.txt")) == [
        ("promise", None, "polisen",
         "Polisen lovar att under året genomföra minst åtta trafikinsatser vid skolorna."),
        ("promise", None, "kommunen",
         "Kommunen ska samtidigt se över belysningen längs gångvägen till idrottshallen."),
        # no party named: the page is signed by both, so its voice is joint
        ("promise", None, "gemensamt",
         "Under hösten ska två föräldrakvällar om droger hållas på högstadieskolan."),
        ("promise", None, "gemensamt", "En trygghetsenkät skickas ut till alla hushåll under våren."),
        # the agent of the passive names the party
        ("promise", None, "polisen",
         "Kontroller av mopeder genomförs av polisen vid minst sex tillfällen under sommaren."),
    ]


@pytest.mark.parametrize("sentence,expected", [
    ("Polisen lovar att öka närvaron vid torget.", Form.PROMISE_VERB),
    ("Testby stad förbinder sig att anställa två fältassistenter.", Form.PROMISE_VERB),
    ("Gemensamt lovar vi att genomföra två trygghetsvandringar.", Form.PROMISE_VERB),
    ("Kommunen och polisen kommer tillsammans med handlarna att arbeta för ett tryggare torg.",
     Form.MODAL),
    ("Grannsamverkan ska startas i fem nya områden.", Form.MODAL),
    ("Trygghetsvandringar genomförs i två bostadsområden under hösten.", Form.SCHEDULED),
    ("Arbetet med ny belysning påbörjas under våren.", Form.SCHEDULED),
    ("Arbetet med ny belysning i parken startar under hösten.", Form.SCHEDULED),
    # a party acting at a planned or recurring time
    ("Kommunen ser över belysningen vid skolan under våren.", Form.PRESENT),
    ("Vi genomför två trygghetsvandringar per år.", Form.PRESENT),
    ("Polisen ser en ökning av narkotikabrott under 2023.", None),      # an observation
    ("Butikerna öppnar klockan tio på lördagar.", None),               # no party, no plan
    # reports, descriptions and the promise's own follow-up
    ("Under 2023 genomfördes fyra trygghetsvandringar.", None),
    ("Polisen har genomfört fler kontroller än året innan.", None),
    ("Många upplever att torget är otryggt på kvällarna.", None),
    ("Ett löfte kan till exempel innebära att polisen lovar att synas mer.", None),
    ("Löftet följs upp i december 2025.", None),
    ("Fältgruppen består i dag av två fältsekreterare.", None),
    ("Vad gör polisen och kommunen?", None),
])
def test_sentence_forms(sentence, expected):
    assert cues.sentence_evidence(sentence) == expected


def test_present_tense_counts_only_under_a_promise_heading():
    sentence = "Fritidsgården håller öppet till klockan 23 på fredagar."
    assert cues.sentence_evidence(sentence) is None
    assert cues.sentence_evidence(sentence, promise_section=True) is Form.PRESENT


def test_future_tense_in_news_before_any_promise_is_not_a_commitment():
    # "Polisen kommer att finnas på plats …" with no promise heading, lead-in or "lovar"
    assert run("dialogue_news.txt")["documents"] == []


# -- titles, numbers and activities ---------------------------------------------------
def test_numbered_titles_give_way_to_their_promise_sentences_and_activities():
    assert rows(run("titles_and_numbers.txt")) == [
        ("promise", None, "gemensamt",
         "Polisen och Exempelstads kommun lovar att minska stöket på torget under helgkvällar."),
        ("activity", 0, "polisen", "Fotpatrullering på torget fredag och lördag kväll."),
        ("activity", 0, "kommunen", "Översyn av belysningen i parken vid torget."),
        ("promise", None, "gemensamt",
         "Kommunen och polisen lovar att arbeta förebyggande mot narkotika bland unga."),
        # a subject naming both parties (a municipal unit and the police) is joint
        ("activity", 3, "gemensamt",
         "Kommunens fältare och kommunpolisen besöker alla niondeklasser under våren."),
        # "Ansvarig: –" says nobody yet: it stays unknown
        ("activity", 3, None, "Information till vårdnadshavare inför skolavslutningen."),
    ]


def test_title_like_promises_under_a_promise_heading_and_their_tags():
    assert rows(run("titles_under_heading.html")) == [
        ("promise", None, "polisen", "Synlig polis vid stationen"),
        ("promise", None, "kommunen", "Fler vuxna ute på kvällarna"),    # the Ansvarig line
        ("promise", None, "annan", "Kameror vid busstationen"),           # a region, not Gotland
        ("promise", None, "gemensamt", "Trygg skolväg"),                  # the page's voice
    ]


def test_layout_table_page_and_br_wrapped_bullet_paragraph():
    assert rows(run("layout_table.html")) == [
        ("promise", None, "gemensamt", "Genomföra trygghetsvandringar i tre bostadsområden"),
        ("promise", None, "gemensamt", "Åtgärda klotter inom 48 timmar på kommunens byggnader"),
        ("promise", None, "polisen",
         "bjuda in alla elever i årskurs 8 till öppet hus på polisstationen"),
        ("promise", None, "annan", "byta lås i trapphusen i centrum"),   # a housing company
    ]


# -- periods --------------------------------------------------------------------------
def test_period_from_verksamhetsaret_not_from_reports_or_follow_up():
    result = run("periods_report.txt", url="https://www.provinge.se/lofte.pdf")
    [doc] = result["documents"]
    # not 2020 (a report), not 2022 (the final report), not open-ended ("följs upp löpande")
    assert doc["period"] == {"label": "2021", "start": "2021-01-01", "end": "2021-12-31"}
    assert [t for _, _, _, t in rows(result)] == [
        "Under 2021 ska fyra trygghetsvandringar genomföras i Provinge.",
        "Fritidsgården håller öppet till klockan 23 på fredagar under hela skolåret."]


# -- explain --------------------------------------------------------------------------
def test_explain_says_why_units_were_kept_or_dropped():
    units = explain((FORMS / "news_prose.txt").read_bytes(), content_type="text/plain",
                    municipalities=REGISTRY)
    verdicts = {u["text"]: (u["verdict"], u["why"]) for u in units}
    assert verdicts["Under 2024 genomfördes fem trygghetsvandringar i centrum."][0] == "dropped"
    kept = verdicts["En trygghetsenkät skickas ut till alla hushåll under våren."]
    assert kept[0] == "kept" and say(Form.SCHEDULED) in kept[1]
    assert say(Form.PROMISE_VERB) in verdicts[
        "Polisen lovar att under året genomföra minst åtta trafikinsatser vid skolorna."][1]
    # the dialogue page: modal sentences dropped because nothing on it promises
    units = explain((FORMS / "dialogue_news.txt").read_bytes(), content_type="text/plain",
                    municipalities=REGISTRY)
    assert any(u["verdict"] == "dropped" and say(Reason.WEAK_DOCUMENT) in u["why"]
               and "Polisen kommer" in u["text"] for u in units)


def test_extract_cli_explain(tmp_path):
    from click.testing import CliRunner

    from crawler.cli import extract as command
    path = tmp_path / "lofte.txt"
    path.write_bytes((FORMS / "titles_and_numbers.txt").read_bytes())
    result = CliRunner().invoke(command, ["--explain", str(path)])
    assert result.exit_code == 0, result.output
    assert "behållen  löfte" in result.output and "bortvald " in result.output
    assert "Torget är den plats som flest nämner som otrygg." in result.output


def test_extract_cli_reads_a_pdfs_text_given_the_pdfs_url(tmp_path):
    import json

    from click.testing import CliRunner

    from crawler.cli import extract as command
    path = tmp_path / "page.txt"
    path.write_bytes((FORMS / "wrapped_pdf_text.txt").read_bytes())
    result = CliRunner().invoke(command, ["--url", "https://www.testby.se/download/lofte.pdf",
                                          str(path)])
    assert result.exit_code == 0, result.output     # used to be "error: not a PDF"
    assert json.loads(result.output)["url"] == "https://www.testby.se/download/lofte.pdf"


@pytest.mark.parametrize("body", [b"", b"text\n", b"\x00abc", b"\x01" * 10 + b"a" * 100,
                                  b"\x01" * 3 + b"a" * 100, b"\t\r\n\x0b\x0c" * 50,
                                  bytes(range(256)) * 20])
def test_fast_binary_check_agrees_with_pagetext(body):
    from normalize import _binary
    from normalize.pagetext import looks_binary
    assert _binary(body) == looks_binary(body)


def test_a_promise_without_a_stated_period_is_still_a_document():
    [doc] = run("no_period.txt")["documents"]
    assert doc["period"] is None
    assert [c["text"] for c in doc["commitments"]] == [
        "Genomföra trygghetsvandringar i alla bostadsområden.",
        "Öka närvaron vid skolorna när terminen börjar."]


def test_an_undertaking_list_without_a_promise_or_period_is_not_a_document():
    # "Det gör vi genom att:" on a safety page: no "lovar", no promise heading, no period
    assert run("no_period_safety.txt")["documents"] == []


def test_bulletless_lines_under_party_headings_including_noun_phrases():
    result = run("party_headings_text.txt")
    assert result["documents"][0]["period"]["end"] == "2025-12-31"   # "2023" + "2023–2025"
    assert rows(result) == [
        ("promise", None, "polisen", "Vara synliga på torget på helgkvällar."),
        ("promise", None, "polisen", "Genomföra trafikkontroller vid skolorna."),
        ("promise", None, "kommunen", "Ordna fler aktiviteter för unga på loven."),
        ("promise", None, "gemensamt", "Fler vuxna ute på helgkvällar."),   # a noun phrase
        # "Löftena bygger på …" is about the promise, not one of its lines
    ]


def test_one_paragraph_per_item_after_a_lead_in_and_a_quote_after_them():
    assert rows(run("paragraph_items.html")) == [
        # each item's own subject outranks the lead-in that names both parties
        ("promise", None, "polisen", "Polisen patrullerar på torget varje fredagskväll."),
        ("promise", None, "kommunen", "Kommunen sätter upp ny belysning i stadsparken."),
        # "– …, säger kommunalrådet X" is a quote, not an item
    ]


def test_hard_wrapped_text_is_recognised_without_a_pdf_url():
    text = (FORMS / "wrapped_pdf_text.txt").read_bytes()
    without_url = extract(text, url="https://www.testby.se/trygghet/", municipalities=REGISTRY)
    with_url = extract(text, url="https://www.testby.se/lofte.pdf", municipalities=REGISTRY)
    assert without_url["documents"] == with_url["documents"]
    # a browser's copy (one line per paragraph) is not taken for wrapped text
    from normalize.blocks import looks_wrapped
    assert not looks_wrapped((Path(__file__).parent / "fixtures" / "pages" / "two_periods.txt")
                             .read_text("utf-8"))


@pytest.mark.parametrize("name", ["about.txt", "explainer.txt"])
def test_explaining_medborgarloften_on_a_municipal_site_is_no_promise(name):
    # "Medborgarlöften är … Polisen och kommunen lovar att arbeta med …" with a place
    # (the URL's) and no period: an explanation, not a document.
    page = (Path(__file__).parent / "fixtures" / "pages" / name).read_bytes()
    assert extract(page, url="https://www.testby.se/trygghet/", content_type="text/plain",
                   municipalities=REGISTRY)["documents"] == []


def test_a_note_after_a_numbered_list_is_not_one_of_its_lines():
    text = ("Medborgarlöfte för Testby kommun (FIXTURE)\nPolisen och kommunen lovar att:\n"
            "1. Öka polisens närvaro vid torget.\n2. Genomföra trygghetsvandringar i parken.\n"
            "Dokumentet är en kopia av det undertecknade originalet.\n")
    [doc] = extract(text.encode(), url="https://www.testby.se/lofte.pdf",
                    municipalities=REGISTRY)["documents"]
    assert [c["text"] for c in doc["commitments"]] == [
        "Öka polisens närvaro vid torget.", "Genomföra trygghetsvandringar i parken."]
