"""normalize.police_areas: the local police areas (LPO) a promise text names.

The seed pages are real; the other sentences are invented fixture wording
(place names like Testby and Exempelstad do not exist).
"""

from pathlib import Path

import pytest

from normalize.police_areas import police_areas

SEEDS = Path(__file__).resolve().parents[2] / "crawler" / "demo" / "seeds"


def seed(name: str) -> str:
    return next(SEEDS.glob(f"{name}_*.txt")).read_text("utf-8")


def test_real_seed_sunne_is_signed_by_lpo_torsby():
    assert police_areas(seed("001")) == ["Torsby"]


def test_real_seed_kristinehamn_names_its_own_lpo():
    assert police_areas(seed("003")) == ["Kristinehamn"]


@pytest.mark.parametrize("name", ["000", "002", "004"])
def test_real_seeds_that_only_say_lokalpolisomradet_or_lpo_chief_name_no_area(name):
    # "inom lokalpolisområdet", "lokalpolisområdeschef": no named area
    assert police_areas(seed(name)) == []


@pytest.mark.parametrize("text, expected", [
    ("Testby kommun och lokalpolisområde Exempelstad har tecknat ett medborgarlöfte.",
     ["Exempelstad"]),
    ("Lokalpolisområdet Exempelstad och Testby kommun lovar att:", ["Exempelstad"]),
    ("Medborgarlöfte mellan LPO Exempelstad och Provinge kommun", ["Exempelstad"]),
    ("Lokalpolisområde (LPO) Exempelstad", ["Exempelstad"]),
    ("Lokalpolisområde Testby-Provinge har tecknat", ["Testby-Provinge"]),
    ("lokalpolisområde Testby – Provinge har tecknat", ["Testby-Provinge"]),
    ("lokalpolisområde Testby/Provinge har tecknat", ["Testby/Provinge"]),
    ("Polisen, lokalpolisområde Exempelstad, och kommunen", ["Exempelstad"]),
    ("LPO Exempelstad Norr och Testby kommun", ["Exempelstad Norr"]),
    ("lokalpolisområde Södra Exempelstad har tecknat", ["Södra Exempelstad"]),
    ("lokalpolisområde Upplands Väsby och kommunen", ["Upplands Väsby"]),
])
def test_invented_wordings_name_the_area(text, expected):
    assert police_areas(text) == expected


@pytest.mark.parametrize("text", [
    "Medborgarlöftet gäller i hela lokalpolisområdet.",
    "i lokalpolisområdet. Medborgarlöftet bygger på dialoger",
    "Bo Fixtursson, lokalpolisområdeschef, skrev under.",
    "LPO-chefen Bo Fixtursson",
    "lokalpolisområde exempelstad",        # not a name: no capital letter
    "",
])
def test_wordings_that_name_no_area(text):
    assert police_areas(text) == []


def test_a_name_stays_on_its_line_and_a_second_word_must_belong_to_it():
    assert police_areas("Lokalpolisområde Exempelstad\nVi arbetar med") == ["Exempelstad"]
    assert police_areas("lokalpolisområde Exempelstad Polisen ska") == ["Exempelstad"]


def test_several_areas_in_first_mention_order_once_each():
    text = ("Lokalpolisområde Testby och lokalpolisområde Exempelstad har tecknat. "
            "Lokalpolisområde Testby ansvarar för uppföljningen.")
    assert police_areas(text) == ["Testby", "Exempelstad"]
    assert police_areas(None) == []
