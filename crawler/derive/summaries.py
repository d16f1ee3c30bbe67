"""Summary tables built by ``normalize``: aggregates read by canned queries, charts and pages.

Themes per year, per county and police region, responsible parties per
municipality and the years each municipality's promises cover were grouped
over every commitment on every request (2 s and time-outs at 100,000
commitments, issue 17). They are rebuilt here after each normalize, inside
its transaction, so readers switch from the old to the new summaries at once.

Every count is of *distinct commitments* as ``commitment_groups`` defines them
(crawler.store.schema.DISTINCT_COMMITMENT: one definition, one place). The
pages' per-municipality counts (themes and parties for /jamfor and /kommun)
count them per municipality a promise names, as the pages do
(crawler.store.read.DISTINCT_COMMITMENTS). The local police areas each
municipality's documents name feed the municipality page.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils

# The pages' count of distinct commitments per municipality a promise names
# (one definition, used by the pages and by these summaries of them).
from crawler.store.read import distinct_commitments_sql
from crawler.store.schema import PARTIES, create_summary_tables

# Periods with no end are counted as covering this many years past the build.
OPEN_ENDED_YEARS = 10


def build_distinct_commitments(db: sqlite_utils.Database) -> None:
    """Temp tables ``summary_distinct`` (one row per distinct commitment as
    ``commitment_groups`` defines it — crawler.store.schema.DISTINCT_COMMITMENT,
    the one definition —: its municipality, start/end year, responsible party:
    the first of its copies' in alphabetical order) and ``summary_distinct_themes``
    (every theme of any copy). Needs commitment_groups (built by the search index)."""
    db.execute("drop table if exists temp.summary_distinct")
    db.execute("drop table if exists temp.summary_distinct_themes")
    db.execute("""
        create temp table summary_distinct as
        select g.distinct_id as id, min(c.municipality_code) as municipality_code,
               min(c.start_year) as start_year, max(c.end_year) as end_year,
               min(c.responsible) as responsible
        from commitments c join commitment_groups g on g.id = c.id group by g.distinct_id""")
    db.execute("""
        create temp table summary_distinct_themes as
        select distinct g.distinct_id as id, ct.theme from commitment_themes ct
        join commitment_groups g on g.id = ct.commitment_id""")
    db.execute("create index temp.summary_distinct_themes_id on summary_distinct_themes (id)")


def build_summaries(db: sqlite_utils.Database, today: date | None = None) -> None:
    """(Re)build every summary table. Call it inside the caller's transaction."""
    create_summary_tables(db)
    build_distinct_commitments(db)
    last_year = (today or date.today()).year + OPEN_ENDED_YEARS
    _theme_years(db)
    _years(db, last_year)
    _theme_counties(db)
    _municipalities(db)
    _coverage(db, last_year)
    _police_areas(db)
    _comparison(db)
    for table in ("years", "summary_distinct", "summary_distinct_themes"):
        db.execute(f"drop table temp.{table}")


def _theme_years(db) -> None:
    db.execute("""
        insert into summary_theme_years
        select t.theme, t.label, d.start_year, count(distinct d.municipality_code), count(*)
        from temp.summary_distinct_themes dt
        join temp.summary_distinct d on d.id = dt.id
        join themes t on t.theme = dt.theme
        where d.start_year is not null
        group by t.theme, d.start_year""")


def _years(db, last_year: int) -> None:
    """temp.years: every year from the earliest period start to the latest end
    (at least last_year)."""
    db.execute("drop table if exists temp.years")
    db.execute("""
        create temp table years as
        with recursive y(year) as (
          select min(start_year) from documents
          union all select year + 1 from y
          where year < max(:last, coalesce((select max(end_year) from documents), 0)))
        select year from y where year is not null""", {"last": last_year})


def _theme_counties(db) -> None:
    common = """
        from temp.summary_distinct_themes dt
        join temp.summary_distinct d on d.id = dt.id
        join themes t on t.theme = dt.theme
        join municipalities m on m.code = d.municipality_code"""
    db.execute(f"""
        insert into summary_theme_counties
        select m.police_region, m.county, t.theme, t.label, null,
               count(distinct m.code), count(*) {common}
        group by m.county, t.theme""")
    db.execute(f"""
        insert into summary_theme_counties
        select m.police_region, m.county, t.theme, t.label, y.year,
               count(distinct m.code), count(*) {common}
        join temp.years y on d.start_year <= y.year and coalesce(d.end_year, 9999) >= y.year
        group by m.county, t.theme, y.year""")


def _municipalities(db) -> None:
    db.execute("""
        insert into summary_municipalities
        select m.code, m.name, m.county, count(*),
               sum(d.responsible = 'polisen'), sum(d.responsible = 'kommunen'),
               sum(d.responsible = 'gemensamt'), sum(d.responsible = 'annan'),
               sum(d.responsible is null)
        from temp.summary_distinct d join municipalities m on m.code = d.municipality_code
        group by m.code""")


def _coverage(db, last_year: int) -> None:
    db.execute("""
        insert or ignore into summary_coverage
        select dm.municipality_code, y.year
        from documents d join document_municipalities dm on dm.document_id = d.id
        join temp.years y on d.start_year <= y.year
                         and coalesce(d.end_year, :last) >= y.year
        where d.start_year is not null""", {"last": last_year})


def _police_areas(db) -> None:
    """Each (local police area, municipality) pair the documents name, with the
    newest such document (SQLite takes the bare columns from the max() row)."""
    db.execute("""
        insert into summary_police_areas
        select police_area, municipality_code, document_id, snapshot_id, period_label,
               start_year, end_year from (
          select j.value as police_area, dm.municipality_code, d.id as document_id,
                 d.snapshot_id, d.period_label, d.start_year, d.end_year,
                 max(coalesce(d.start_year, 0) * 100000000 + d.id)
          from documents d join document_municipalities dm on dm.document_id = d.id,
               json_each(coalesce(d.police_areas, '[]')) j
          group by j.value, dm.municipality_code)""")


def _comparison(db) -> None:
    """Per municipality: distinct commitments per theme and per party, counted as
    the pages count them (a promise counts for every municipality it names), so
    /jamfor over a county or police region reads rows instead of grouping
    thousands of commitments (250 ms for Stockholms län at 100,000)."""
    db.execute("drop table if exists temp.summary_page_distinct")
    db.execute(f"""
        create temp table summary_page_distinct as
        select d.municipality_code, c.responsible, c.themes
        from ({distinct_commitments_sql('1')}) d join commitments c on c.id = d.id""")
    db.execute("""
        insert into summary_municipality_themes
        select t.municipality_code, j.value, count(*)
        from temp.summary_page_distinct t, json_each(coalesce(t.themes, '[]')) j
        group by t.municipality_code, j.value""")
    parties = ", ".join(f"'{p}'" for p in PARTIES)
    db.execute(f"""
        insert into summary_municipality_parties
        select municipality_code,
               case when responsible in ({parties}) then responsible else 'okand' end as party,
               count(*)
        from temp.summary_page_distinct group by municipality_code, party""")
    db.execute("drop table temp.summary_page_distinct")
