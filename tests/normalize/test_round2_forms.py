"""Forms from issue 10's second round, on invented pages.

Every page in fixtures/round2/ is a FIXTURE – invented for tests, written for
the form it exercises: a heading naming several parties over items with their
own subjects, tags separated from their items by running page headers, a quote
paragraph opening with a dash, the family of promise verbs, and present tense
under a heading that says what is done in a period.
"""

from pathlib import Path

from normalize import extract
from test_real_forms import REGISTRY

ROUND2 = Path(__file__).parent / "fixtures" / "round2"


def rows(name: str, url: str | None = None) -> list[tuple[str, str]]:
    result = extract((ROUND2 / name).read_bytes(), url=url, municipalities=REGISTRY)
    return [(c["responsible"], c["text"]) for d in result["documents"] for c in d["commitments"]]


def test_every_page_is_marked_as_a_fixture():
    for path in ROUND2.iterdir():
        assert "FIXTURE" in path.read_text("utf-8")[:300], path.name


def test_an_items_own_subject_outranks_a_heading_naming_several_parties():
    assert rows("lead_names_parties.html") == [
        ("polisen", "Polisen genomför minst tio trafikkontroller vid skolorna under året."),
        ("kommunen", "Kommunerna rustar upp belysningen på gång- och cykelvägarna under hösten."),
        ("annan", "Exempelhem Bostäder AB byter ut låsen i trapphusen på Norrgärdet."),
        ("annan", "Region Fixturland erbjuder samtalsstöd till unga på ungdomsmottagningen."),
        ("gemensamt", "Tillsammans genomför vi två trygghetsvandringar i centrum."),
        ("kommunen", "Testby kommun förbinder sig dessutom att hålla fritidsgården öppen på "
                     "fredagskvällar."),
    ]


def test_responsibility_tags_survive_running_headers_between_them_and_their_items():
    expected = [
        ("kommunen", "fler vuxna ska finnas ute i centrum på fredagskvällar under sommarlovet"),
        ("polisen", "hastighetskontroller ska göras vid skolorna minst en gång i månaden"),
        ("gemensamt", "en trygghetsvandring ska hållas i centrum varje höst"),
        ("kommunen", "skolornas föräldraråd ska bjudas in till samtal om trafiken vid skolorna "
                     "varje termin"),
        ("polisen", "kontaktpolisen ska besöka varje skola en gång per termin"),
    ]
    assert rows("tag_across_page_header.txt", url="https://www.testby.se/lofte.pdf") == expected
    assert rows("tag_across_page_header.txt") == expected     # wrapped text without a PDF URL


def test_a_dash_paragraph_with_a_speech_verb_is_a_quote_not_a_list():
    assert rows("news_quote_dash.html") == [
        ("gemensamt", "Tillsammans ska kommunen och polisen öka vuxennärvaron i centrum under "
                      "helgerna."),
        ("kommunen", "Testby kommun förbinder sig också att förbättra belysningen vid "
                     "busstationen under våren."),
    ]
    assert rows("news_quote_dash.txt") == rows("news_quote_dash.html")


def test_the_family_of_promise_verbs_but_not_descriptions_or_reports():
    assert rows("promise_verbs.html") == [
        ("kommunen", "Kommunen tar på sig att ordna fler aktiviteter för unga på sportlovet."),
        ("polisen", "Polisen ansvarar för att hålla regelbundna öppna möten i biblioteket."),
        ("kommunen", "Fältgruppen har i uppdrag att finnas ute i centrum varje fredagskväll."),
        ("kommunen", "Kommunen garanterar att gatubelysningen lagas inom en vecka efter "
                     "felanmälan."),
        ("polisen", "Polisen ser till att skolorna får besök av kontaktpolisen varje termin."),
    ]


def test_present_tense_under_a_plan_heading_with_a_time_but_not_in_background():
    assert rows("plan_heading_present.html") == [
        ("gemensamt", "Polisen och Testby kommun lovar att arbeta för ett tryggare centrum."),
        ("kommunen", "Kommunens fältassistenter finns på plats vid busstationen på "
                     "fredagskvällar."),
        ("annan", "Exempelhem Bostäder AB byter under våren ut belysningen i trapphusen på "
                  "Norrgärdet."),
        ("annan", "Region Fixturland erbjuder samtalsstöd till unga på ungdomsmottagningen."),
    ]


def test_a_lead_in_with_tar_pa_sig_att_gives_its_party_to_the_lines_under_it():
    page = ("FIXTURE – invented for tests\nMedborgarlöfte Testby 2025\n\nKommunen tar på sig att:\n"
            "- ordna fler aktiviteter för unga på sportlovet\n- rusta upp belysningen i parken\n")
    result = extract(page.encode(), municipalities=REGISTRY)
    assert [(c["responsible"], c["text"]) for d in result["documents"] for c in d["commitments"]] \
        == [("kommunen", "ordna fler aktiviteter för unga på sportlovet"),
            ("kommunen", "rusta upp belysningen i parken")]
