"""Summary tables built by normalize agree with the per-request aggregates they replace."""

from __future__ import annotations

import shutil

import pytest
import sqlite_utils

from crawler.derive.summaries import build_summaries
from crawler.search.words import build_search_index
from serve_fixtures import CURRENT, TRYGGHET, build_serve_archive

YEARS = range(CURRENT - 5, CURRENT + 3)

# The canned query teman_per_lan before summaries (one year), counting the
# distinct commitments of that year.
THEMES_PER_COUNTY_SQL = """
    select m.police_region, m.county, t.label, count(distinct m.code) as municipalities,
           count(distinct m.code || c.text_key) as commitments
    from commitment_themes ct join commitments c on c.id = ct.commitment_id
    join themes t on t.theme = ct.theme join municipalities m on m.code = c.municipality_code
    where c.start_year <= :year and coalesce(c.end_year, 9999) >= :year
    group by m.police_region, m.county, t.label"""
COVERED_SQL = """
    select distinct dm.municipality_code from document_municipalities dm
    join documents d on d.id = dm.document_id
    where d.start_year <= :year and coalesce(d.end_year, 9999) >= :year"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_serve_archive(tmp_path_factory.mktemp("summaries") / "archive.db")


@pytest.fixture()
def db(built, tmp_path):
    path = tmp_path / "archive.db"
    shutil.copy(built, path)
    database = sqlite_utils.Database(path)
    yield database
    database.close()


def rows(db, sql, params=None) -> set[tuple]:
    return {tuple(r) for r in db.execute(sql, params or {}).fetchall()}


def test_themes_per_county_for_each_year_match_counting_per_request(db):
    for year in YEARS:
        summary = rows(db, "select police_region, county, label, municipalities, commitments "
                           "from summary_theme_counties where year = ?", [year])
        assert summary == rows(db, THEMES_PER_COUNTY_SQL, {"year": year}), year
    assert rows(db, "select 1 from summary_theme_counties where year = ?", [CURRENT])


def test_themes_per_start_year_count_municipalities_and_distinct_commitments(db):
    summary = rows(db, "select label, year, municipalities, commitments "
                       "from summary_theme_years")
    assert summary == rows(db, """
        select t.label, c.start_year, count(distinct c.municipality_code),
               count(distinct c.municipality_code || c.text_key)
        from commitment_themes ct join commitments c on c.id = ct.commitment_id
        join themes t on t.theme = ct.theme where c.start_year is not null
        group by t.label, c.start_year""")


def test_coverage_holds_every_year_a_municipality_has_a_promise_for(db):
    for year in YEARS:
        covered = rows(db, "select municipality_code from summary_coverage where year = ?",
                       [year])
        assert covered == rows(db, COVERED_SQL, {"year": year}), year
    assert ("2181",) in rows(db, "select municipality_code from summary_coverage "
                                 "where year = ?", [CURRENT])


def test_a_promise_copied_to_another_page_counts_once_but_each_period_counts(db, tmp_path):
    def sandviken():
        return db.execute("select commitments, gemensamt from summary_municipalities "
                          "where code = '2181'").fetchone()

    # TRYGGHET is in both of Sandviken's periods: two distinct commitments.
    assert db.execute("select count(*) from commitments where text = ?",
                      [TRYGGHET]).fetchone()[0] == 2
    before = sandviken()
    assert before == (6, 2)  # three commitments in each of two periods
    original = db.execute("select * from commitments where text = ? order by id limit 1",
                          [TRYGGHET]).fetchone()
    columns = [d[0] for d in db.execute("select * from commitments limit 0").description]
    copy = dict(zip(columns, original), id=None, url="https://example.invalid/kopia")
    with db.atomic():
        copy_id = db["commitments"].insert(copy).last_pk
        db["commitment_themes"].insert_all(
            {"commitment_id": copy_id, "theme": r[0]} for r in db.execute(
                "select theme from commitment_themes where commitment_id = ?", [original[0]]))
        build_search_index(db)  # commitment_groups: which rows are one commitment
        build_summaries(db)
    assert sandviken() == before
    with db.atomic():
        db["commitments"].update(copy_id, {"period_start": "1999-01-01", "start_year": 1999})
        build_search_index(db)
        build_summaries(db)
    assert sandviken() == (7, 3)


def test_rebuilding_summaries_is_idempotent(db):
    first = [rows(db, f"select * from {t}") for t in
             ("summary_theme_years", "summary_theme_counties", "summary_municipalities",
              "summary_coverage")]
    with db.atomic():
        build_summaries(db)
    again = [rows(db, f"select * from {t}") for t in
             ("summary_theme_years", "summary_theme_counties", "summary_municipalities",
              "summary_coverage")]
    assert first == again and all(first)
