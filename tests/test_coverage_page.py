"""The coverage pages of the Datasette site: "Täckning per kommun" and kommuner_utan_lofte's "läge"."""

from __future__ import annotations

import asyncio

import pytest
import sqlite_utils

from crawler.coverage import STATUS_TEXT, coverage_rows
from crawler.web.serving import datasette_instance
from serve_fixtures import build_serve_archive


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("coverage_page") / "archive.db"
    build_serve_archive(path)
    db = sqlite_utils.Database(path)
    db["pages"].insert_all([   # what a crawl would have archived (invented URLs)
        {"url": "https://sandviken.invalid/medborgarloften/", "site": "2181",
         "municipalities": '["2181"]', "relevant": 1},
        {"url": "https://polisen.invalid/varmland/kristinehamn/", "site": "polisen",
         "municipalities": '["1781"]', "relevant": 1}], pk="url")
    db["coverage"].insert_all([
        {"code": "1781", "name": "Kristinehamns kommun", "requests": 12, "error": None},
        {"code": "2181", "name": "Sandvikens kommun", "requests": 9, "error": None},
        {"code": "0180", "name": "Stockholms stad", "requests": 3,
         "error": "timeout: no answer"},
        {"code": "0114", "name": "Upplands Väsby kommun", "requests": 30, "error": None,
         "best_candidate_url": "https://z.invalid/trygghet/", "best_candidate_score": 5.0}],
        pk="code")
    return path


@pytest.fixture(scope="module")
def ds(archive):
    return datasette_instance(archive)


def get_rows(ds, path):
    response = asyncio.run(ds.client.get(path + "&_shape=objects&_size=max"))
    assert response.status_code == 200, response.text[:500]
    return response.json()["rows"]


def test_coverage_page_shows_the_table_the_command_prints(archive, ds):
    table = coverage_rows(archive)   # refreshes statuses from the archive, as `coverage` does
    page = get_rows(ds, "/archive/tackning_per_kommun.json?lage=")
    assert [(r["kommunkod"], r["läge"]) for r in page] == \
        [(r["code"], r["status_text"]) for r in table]
    assert {r["code"]: r["status"] for r in table} == {
        "0114": "none", "0180": "unreachable", "1781": "polisen_only", "2181": "found"}
    assert [r["egna_sidor"] for r in page] == [0, 0, 0, 1]
    assert [r["sidor_på_polisen"] for r in page] == [0, 0, 1, 0]


def test_coverage_page_filters_by_status(archive, ds):
    coverage_rows(archive)
    page = get_rows(ds, "/archive/tackning_per_kommun.json?lage=none")
    assert [r["kommunkod"] for r in page] == ["0114"]
    assert (page[0]["bästa_kandidat"], page[0]["poäng"]) == ("https://z.invalid/trygghet/", 5.0)


def test_municipalities_without_promise_tell_expired_from_never_found(ds):
    rows = {r["kommunkod"]: r for r in get_rows(ds, "/archive/kommuner_utan_lofte.json?")}
    assert rows["1781"]["läge"] == "löfte hittat, men perioden har gått ut"
    assert rows["0114"]["läge"] == "inget löfte hittat"
    assert "2181" not in rows   # Sandviken's promise is current
