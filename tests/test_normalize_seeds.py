"""Expected output for the five real seed pages, written by reading them."""

from pathlib import Path

import pytest

from normalize import extract

SEEDS = Path(__file__).resolve().parents[1] / "crawler" / "demo" / "seeds"


def run(name):
    return extract(next(SEEDS.glob(f"{name}*.txt")).read_bytes(), content_type="text/plain")


def table(document):
    return [(c["kind"], c["parent"], c["responsible"], c["text"]) for c in document["commitments"]]


def test_sandviken_2015_2016_ten_joint_promises():
    result = run("000")
    assert result["municipalities"] == [{"code": "2181", "name": "Sandviken"}]
    [doc] = result["documents"]  # the 2018/2019 section lists no promises
    assert doc["period"] == {"label": "2015/2016", "start": "2015-01-01", "end": "2016-12-31"}
    texts = [c["text"] for c in doc["commitments"]]
    assert len(texts) == 10
    assert texts[0] == "Öka polisens närvaro i Stadsparken."
    assert texts[9] == "Erbjuda varje skola deltagande i projektet ”Skolan förebygger”."
    assert all(c["kind"] == "promise" for c in doc["commitments"])
    responsible = [c["responsible"] for c in doc["commitments"]]
    # The lead-in "Polisen och kommunen lovar att:" makes them joint, except where
    # the item's own subject names one party ("Områdespoliserna ska besöka…").
    assert responsible == ["gemensamt"] * 5 + ["polisen"] + ["gemensamt"] * 4
    assert "trygghetsvandringar" in doc["commitments"][4]["themes"]


def test_sunne_promises_with_activities_and_party_suffixes():
    result = run("001")
    assert result["municipalities"] == [{"code": "1766", "name": "Sunne"}]  # not LPO Torsby
    [doc] = result["documents"]
    assert doc["period"] == {"label": "2016-2017", "start": "2016-01-01", "end": "2017-12-31"}
    assert table(doc) == [
        ("promise", None, "gemensamt", "Polis och kommun lovar att tillsammans arbeta för att "
         "minska risken för unga att hamna i ett drogberoende."),
        ("promise", None, "gemensamt", "Polis och kommun lovar att tillsammans arbeta med att "
         "öka känslan och upplevelsen av trygghet i Sunne centrum."),
        ("activity", 1, "polisen", "Fotpatrullering i centrum av Sunne"),
        ("activity", 1, "polisen", "Besök utanför Sunne tätort hos handlare och företag i "
         "trygghetsskapande syfte"),
        ("activity", 1, "polisen", "Insats mot ungdomar gällande ANDT (Alkohol, Narkotika, "
         "Doping, Tobak)"),
        ("activity", 1, "gemensamt", "Samverkan med skola och socialtjänsten gällande ungdomar "
         "i riskzonen"),
        ("activity", 1, "gemensamt", "Trygghetsvandringar genomförs och följs upp, beslutade "
         "åtgärder utförs"),
    ]


def test_smedjebacken_exact_period_signing_and_subjects():
    result = run("002")
    assert result["municipalities"] == [{"code": "2061", "name": "Smedjebacken"}]
    [doc] = result["documents"]
    assert doc["period"] == {"label": "1 april 2018 till 31 mars 2019",
                             "start": "2018-04-01", "end": "2019-03-31"}
    assert doc["signed"] == "2018-03-28"
    assert doc["signatories"] == ["Fredrik Rönning", "Mats Lagerblad"]
    assert [c["responsible"] for c in doc["commitments"]] == [
        "polisen", "polisen", "polisen", "polisen", "gemensamt", "kommunen"]
    assert doc["commitments"][1]["text"] == \
        "Polisen ska starta upp flera Grannsamverkansområden efter önskemål."
    assert not any("säger" in c["text"] for c in doc["commitments"])


def test_kristinehamn_ansvarig_lines_win():
    result = run("003")
    assert result["municipalities"] == [{"code": "1781", "name": "Kristinehamn"}]
    [doc] = result["documents"]
    assert doc["period"] == {"label": "2016-2017", "start": "2016-01-01", "end": "2017-12-31"}
    assert [c["responsible"] for c in doc["commitments"]] == [
        "kommunen", "polisen", "kommunen", "kommunen", "gemensamt"]
    assert doc["commitments"][0]["text"] == \
        "Kommunen och polisen lovar att verka för inkludering av nyanlända."
    assert not any("Ansvarig" in c["text"] for c in doc["commitments"])


def test_sandviken_cooperation_agreement_is_not_a_promise():
    result = run("004")
    [doc] = result["documents"]
    assert doc["title"] == "Medborgarlöfte 2022-2023"
    assert doc["period"]["start"] == "2022-01-01" and doc["period"]["end"] == "2023-12-31"
    assert [(c["kind"], c["responsible"]) for c in doc["commitments"]] == [
        ("promise", "polisen"), ("promise", "kommunen"), ("promise", "gemensamt"),
        ("promise", "gemensamt")]
    assert not any("lägesbild" in c["text"].lower() for c in doc["commitments"])


@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_seed_as_html_gives_the_same_commitments(name):
    """The fixture web wraps the seeds in HTML chrome; the result must not change."""
    from crawler.demo.build_web import page, text_to_html, seed
    text_result = run(name)
    html = page("Testkommun", "Test", text_to_html(seed(name)))
    html_result = extract(html.encode(), content_type="text/html")
    assert [[c["text"] for c in d["commitments"]] for d in html_result["documents"]] == \
        [[c["text"] for c in d["commitments"]] for d in text_result["documents"]]
