"""The search page's Kommun filter, its "kommuner som matchar" summary, page
numbers and Swedish answers to filter values that do not exist; through
Datasette's own test client on the invented fixture archive of serve_fixtures."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote

import pytest

from crawler.web.search_lists import page_numbers
from crawler.web.serving import datasette_instance
from serve_fixtures import build_serve_archive

Q = quote("testlöfte")   # a word in every commitment of the fixture archive


@pytest.fixture(scope="module")
def get(tmp_path_factory):
    ds = datasette_instance(build_serve_archive(tmp_path_factory.mktemp("sok") / "archive.db"))

    def fetch(path):
        return asyncio.run(ds.client.get(path))
    return fetch


def kommun_counts(result: dict) -> dict[str, int]:
    return {v["value"]: v["count"] for v in result["facets"]["kommun"]["values"]}


def summary(html: str) -> list[str]:
    """The municipality names listed under "kommuner som matchar"."""
    block = re.search(r'<details class="sok-kommuner".*?</details>', html, re.S).group(0)
    return re.findall(r"<li><a [^>]*>([^<]+)</a>", block)


def test_the_kommun_filter_keeps_only_that_municipalitys_commitments(get):
    counts = kommun_counts(get(f"/-/sok.json?q={Q}").json())
    assert set(counts) == {"2181", "1781", "0180"}
    narrowed = get(f"/-/sok.json?q={Q}&kommun=1781").json()
    assert narrowed["total"] == counts["1781"] < sum(counts.values())
    assert {h["municipality_code"] for h in narrowed["hits"]} == {"1781"}
    assert kommun_counts(narrowed) == {"1781": counts["1781"]}


def test_each_kommun_facet_value_filters_and_links_to_the_municipality_page(get):
    html = get(f"/-/sok?q={Q}").text
    nav = re.search(r'<nav class="sok-facets".*?</nav>', html, re.S).group(0)
    assert f'href="/-/sok?q={Q}&amp;kommun=2181"' in nav
    assert '<a class="kommunsida" href="/kommun/2181"' in nav
    assert nav.count('class="kommunsida"') == 3


def test_a_chosen_kommun_is_shown_and_can_be_removed(get):
    html = get(f"/-/sok?q={Q}&kommun=2181").text
    assert "Kommun: <strong>Sandvikens kommun</strong>" in html
    assert f'<a href="/-/sok?q={Q}">ta bort</a>' in html


def test_kommuner_som_matchar_follows_the_chosen_filters(get):
    assert sorted(summary(get(f"/-/sok?q={Q}").text)) == [
        "Kristinehamns kommun", "Sandvikens kommun", "Stockholms stad"]
    assert summary(get(f"/-/sok?q={Q}&kommun=1781").text) == ["Kristinehamns kommun"]
    assert summary(get(f"/-/sok?q={Q}&ansvarig=annan").text) == ["Stockholms stad"]


@pytest.mark.parametrize("param,value,words", [
    ("tema", "trygghet", "inget tema som heter"),
    ("kommun", "9999", "ingen kommun med koden"),
    ("kommun", "sandviken", "ingen kommun med koden"),
])
def test_a_theme_or_municipality_that_does_not_exist_is_a_swedish_400(get, param, value,
                                                                     words):
    for path in (f"/-/sok?q={Q}&{param}={value}", f"/-/sok?q={Q}&{param}={value}&sida=2"):
        response = get(path)
        assert response.status_code == 400 and words in response.text, path
    assert words in get(f"/-/sok.json?q={Q}&{param}={value}").json()["error"]


def test_existing_themes_are_accepted(get):
    assert get(f"/-/sok?q={Q}&tema=trygghetsvandringar").status_code == 200


@pytest.mark.parametrize("page,last,expected", [
    (1, 1, []),
    (2, 3, [1, 2, 3]),
    (1, 9, [1, 2, 3, None, 8, 9]),
    (50, 200, [1, 2, None, 48, 49, 50, 51, 52, None, 199, 200]),
    (200, 200, [1, 2, None, 198, 199, 200]),
])
def test_page_numbers_are_the_ends_and_the_neighbours_of_the_current_page(page, last,
                                                                         expected):
    assert page_numbers(page, last) == expected


def test_a_phrase_counted_once_gives_every_filter_the_same_counts(tmp_path):
    # The rows a phrase matches are kept per query; each filter then only counts.
    archive = build_serve_archive(tmp_path / "archive.db")
    warm, cold = datasette_instance(archive), datasette_instance(archive)
    phrase = quote('"polisen ska"')
    first = asyncio.run(warm.client.get(f"/-/sok.json?q={phrase}")).json()
    assert first["total"] > 1
    for param, value in first["facets"].items():
        for choice in value["values"][:2]:
            path = f"/-/sok.json?q={phrase}&{param}={quote(str(choice['value']))}"
            kept = asyncio.run(warm.client.get(path)).json()
            fresh = asyncio.run(cold.client.get(path)).json()
            assert kept["total"] == fresh["total"] == choice["count"], path
            assert kept["facets"] == fresh["facets"], path
