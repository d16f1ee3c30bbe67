"""Every table of the archive and its migrations, in one place.

Raw tables (written by the crawl) keep every version of every page; derived
tables (written by ``normalize``) can be rebuilt from them at any time; the
search tables are rebuilt by ``normalize`` after deriving. Documented for
users in README.md.
"""

from __future__ import annotations

import sqlite_utils

# -- raw archive: written by the crawl, never changed by normalizing --------
RAW_TABLES: dict[str, dict] = {
    "crawl_runs": dict(columns={
        "id": int, "spider": str, "args": str, "started_at": str, "ended_at": str,
        "status": str, "pid": int, "requests": int, "bytes": int, "new_pages": int,
        "new_versions": int, "text_changes": int, "unchanged": int,
        "not_modified": int, "gone": int, "errors": int, "exit_status": int,
        "summary": str,
    }, pk="id"),
    "pages": dict(columns={
        "url": str, "site": str, "municipalities": str, "kind": str,
        "first_seen": str, "last_seen": str, "last_changed": str,
        "last_snapshot_at": str, "snapshot_count": int, "current_snapshot_id": int,
        "etag": str, "last_modified": str, "last_status": int, "gone_since": str,
        "gone_status": int, "found_via": str, "referrer": str,
        # The crawl's last judgement (crawler.relevance): promise page or not, score,
        # reasons (JSON list), so a missed or wrong page can be explained.
        "relevant": int, "relevance_score": float, "relevance_reasons": str,
    }, pk="url"),
    "bodies": dict(columns={"sha256": str, "size": int, "compression": str, "body": bytes},
                   pk="sha256"),
    "snapshots": dict(columns={
        "id": int, "url": str, "site": str, "run_id": int, "fetched_at": str,
        "status": int, "content_type": str, "declared_encoding": str,
        "detected_encoding": str, "headers": str, "body_sha256": str, "size": int,
        "text": str, "text_sha256": str, "text_changed": int, "text_error": str,
        # What was cut to stay within limits (PDF pages, deep HTML), else null.
        "text_truncated": str,
        # crawl, wayback or warc; capture_url: the Wayback replay or WARC record it came from
        "source": str, "capture_url": str,
    }, pk="id", defaults={"source": "crawl"}),
    "fetch_errors": dict(columns={
        "id": int, "run_id": int, "url": str, "site": str, "kind": str,
        "message": str, "http_status": int, "at": str,
    }, pk="id"),
    # Per municipality after each crawl of its site (crawler.coverage): was a promise found?
    "coverage": dict(columns={
        "code": str, "name": str, "status": str, "status_text": str, "site_url": str,
        "moved_to": str, "promise_pages": int, "polisen_pages": int, "requests": int,
        "errors": int, "error": str, "best_candidate_url": str,
        "best_candidate_score": float, "best_candidate_reasons": str, "run_id": int,
        "updated_at": str,
    }, pk="code"),
    # Navigation pages (crawled for their links, not archived): their validators
    # and latest body, so a re-crawl revalidates them and, on a 304, follows
    # their links without downloading them (crawler.middlewares). One row per
    # URL, overwritten; archived pages are revalidated from pages/bodies instead.
    "navigation_pages": dict(columns={
        "url": str, "site": str, "fetched_at": str, "etag": str, "last_modified": str,
        "content_type": str, "compression": str, "body": bytes,
    }, pk="url"),
    # Health alerts of scheduled re-crawls (crawler.ops.health).
    # Every Wayback capture a backfill handled, stored or not (crawler.history):
    # a rerun skips these, so a killed backfill continues where it stopped.
    "history_captures": dict(columns={
        "capture_url": str, "url": str, "timestamp": str, "digest": str, "run_id": int,
        "handled_at": str, "outcome": str, "snapshot_id": int, "final_url": str,
        "message": str,
    }, pk="capture_url"),
    "alerts": dict(columns={
        "id": int, "run_id": int, "created_at": str, "kind": str, "severity": str,
        "site": str, "message": str, "evidence": str,
    }, pk="id"),
}
RAW_FOREIGN_KEYS = {
    "snapshots": [("body_sha256", "bodies", "sha256"), ("url", "pages", "url"),
                  ("run_id", "crawl_runs", "id")],
    "fetch_errors": [("run_id", "crawl_runs", "id")],
}
RAW_INDEXES = {
    "snapshots": [["url", "id"], ["text_sha256"], ["url", "fetched_at"]],
    "pages": [["site"]],
    "fetch_errors": [["run_id", "kind"]],
    "alerts": [["run_id"]],
}

# -- derived: written by normalize (column order is the order Datasette shows) --
DERIVED_TABLES: dict[str, dict] = {
    "municipalities": dict(columns={
        "code": str, "name": str, "short_name": str, "county": str, "county_code": str,
        "police_region": str, "website": str, "latitude": float, "longitude": float,
    }, pk="code"),
    "themes": dict(columns={"theme": str, "label": str, "description": str,
                            "keywords": str}, pk="theme"),
    "normalized_snapshots": dict(columns={
        "snapshot_id": int, "url": str, "text_sha256": str, "normalizer_version": str,
        "processed_at": str, "documents": int, "commitments": int, "error": str,
    }, pk="snapshot_id"),
    "documents": dict(columns={
        "id": int, "snapshot_id": int, "url": str, "site": str, "fetched_at": str,
        "normalizer_version": str, "position": int, "title": str,
        "municipality_codes": str, "period_label": str, "period_start": str,
        "period_end": str, "start_year": int, "end_year": int, "signed": str,
        "signatories": str, "commitment_count": int, "promise_key": str,
        # JSON list: the local police areas (LPO) the page's text names
        # (normalize.police_areas; filled by crawler.derive.run)
        "police_areas": str,
    }, pk="id"),
    "document_municipalities": dict(columns={"document_id": int, "municipality_code": str},
                                    pk=("document_id", "municipality_code")),
    "commitments": dict(columns={
        "id": int, "document_id": int, "snapshot_id": int, "url": str, "site": str,
        "municipality_code": str, "position": int, "text": str, "responsible": str,
        "kind": str, "parent_id": int, "themes": str, "period_label": str,
        "period_start": str, "period_end": str, "start_year": int, "end_year": int,
        "text_key": str,
    }, pk="id"),
    "commitment_themes": dict(columns={"commitment_id": int, "theme": str},
                              pk=("commitment_id", "theme")),
    # One row per change event; never deleted (removals are events too).
    "changes": dict(columns={
        "id": int, "detected_at": str, "kind": str, "url": str, "site": str,
        "municipality_code": str, "snapshot_id": int, "previous_snapshot_id": int,
        "document_id": int, "summary": str, "old_text": str, "new_text": str,
        "diff": str, "event_key": str,
    }, pk="id"),
}

FOREIGN_KEYS = {
    "documents": [("snapshot_id", "snapshots", "id")],
    "document_municipalities": [("document_id", "documents", "id"),
                                ("municipality_code", "municipalities", "code")],
    "commitments": [("document_id", "documents", "id"), ("snapshot_id", "snapshots", "id"),
                    ("municipality_code", "municipalities", "code"),
                    ("parent_id", "commitments", "id")],
    "commitment_themes": [("commitment_id", "commitments", "id"), ("theme", "themes", "theme")],
    "changes": [("snapshot_id", "snapshots", "id"), ("document_id", "documents", "id"),
                ("municipality_code", "municipalities", "code")],
    "normalized_snapshots": [("snapshot_id", "snapshots", "id")],
}

INDEXES = {
    "documents": [["snapshot_id"], ["promise_key"], ["start_year"]],
    "document_municipalities": [["municipality_code"]],
    "commitments": [["document_id"], ["municipality_code"], ["start_year"], ["text_key"]],
    "commitment_themes": [["theme"]],
    "changes": [["detected_at"], ["municipality_code"], ["url"]],
}

def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the raw archive tables (idempotent); older archives get new columns."""
    _add_missing_columns(db, RAW_TABLES)   # first: new indexes may name new columns
    _create_tables(db, RAW_TABLES, RAW_FOREIGN_KEYS, RAW_INDEXES)


def _add_missing_columns(db: sqlite_utils.Database, tables: dict) -> None:
    """Migration: columns added to a table spec since an archive was made. A
    column with a default gets it on every existing row (snapshots.source =
    'crawl' in archives from before backfill)."""
    names = set(db.table_names())
    for name, spec in tables.items():
        if name not in names:
            continue
        existing = {c.name for c in db[name].columns}
        defaults = spec.get("defaults") or {}
        for column, kind in spec["columns"].items():
            if column not in existing:
                db[name].add_column(column, kind, not_null_default=defaults.get(column))


def _create_tables(db: sqlite_utils.Database, tables: dict, foreign_keys: dict,
                   indexes: dict) -> None:
    for name, spec in tables.items():
        db[name].create(spec["columns"], pk=spec["pk"], if_not_exists=True,
                        defaults=spec.get("defaults"),
                        foreign_keys=[fk for fk in foreign_keys.get(name, [])
                                      if fk[1] in db.table_names() or fk[1] == name])
        for columns in indexes.get(name, []):
            db[name].create_index(columns, if_not_exists=True)


def ensure_derived_schema(db: sqlite_utils.Database) -> None:
    """Create the derived tables (idempotent), then the promise_sources view;
    older archives get new columns (documents.police_areas)."""
    _add_missing_columns(db, DERIVED_TABLES)
    _create_tables(db, DERIVED_TABLES, FOREIGN_KEYS, INDEXES)
    db["changes"].create_index(["event_key"], unique=True, if_not_exists=True)
    # commitments_overview was a view; it is now a table that
    # crawler.search.words.build_search_index fills after every normalize.
    if "commitments_overview" in db.view_names():
        db.execute("drop view commitments_overview")
    db.execute("drop view if exists promise_sources")
    db.execute("""
        create view promise_sources as
        select promise_key,
               min(title) as title,
               min(period_label) as period_label,
               group_concat(distinct site) as sites,
               group_concat(distinct url) as urls,
               count(distinct url) as source_count,
               max(commitment_count) as commitment_count
        from documents
        group by promise_key
    """)


# -- search tables: rebuilt by normalize (crawler.search.words fills them) -----
# Columns of the commitment indexes, and their bm25 weights (text counts most).
COMMITMENT_COLUMNS = {"text": 10.0, "municipality": 2.0, "county": 1.0, "police_region": 1.0,
                      "period": 1.0, "responsible": 1.0, "themes": 2.0}
DOCUMENT_COLUMNS = {"title": 5.0, "municipalities": 2.0, "period": 1.0, "text": 3.0}
PAGE_COLUMNS = {"url": 1.0, "text": 5.0}
WORDS = "unicode61 remove_diacritics 0"
TRIGRAMS = "trigram"
WORD_TABLES = ("search_words", "search_documents", "search_pages")
SEARCH_TABLES = ("distinct_commitments", "commitment_groups", "search_commitments",
                 "search_facets", *WORD_TABLES, "search_vocabulary", "commitments_overview",
                 "search_indexes")

# -- one distinct commitment: the ONE definition every count uses ------------
# Two commitment rows are the same commitment when they have the same text key,
# the same period and the same municipality, whichever page version or source
# they were taken from. A row is current while its page is not gone and the
# page's current version has the same text as the version the row was taken
# from (a re-crawl that changed only a footer keeps it current).
DISTINCT_COMMITMENT = ("municipality_code", "text_key", "period_start", "period_end")
COMMITMENT_GROUPS_SQL = f"""
insert into commitment_groups (id, distinct_id, current, copies)
select id, first_value(id) over w, max(current) over w, count(*) over w
from (select c.id, {", ".join("c." + k for k in DISTINCT_COMMITMENT)}, c.snapshot_id,
             exists (select 1 from pages p
                     join snapshots cur on cur.id = p.current_snapshot_id
                     join snapshots own on own.id = c.snapshot_id
                     where p.url = c.url and p.gone_since is null
                       and (cur.id = own.id or cur.text_sha256 = own.text_sha256)) as current
      from commitments c)
window w as (partition by {", ".join(DISTINCT_COMMITMENT)}
             order by current desc, snapshot_id desc, id desc
             rows between unbounded preceding and unbounded following)"""
# The browsing table's facet columns, indexed (Datasette counts facets with
# one query each; over a view every count joined all rows again).
OVERVIEW_FACETS = ("county", "police_region", "start_year", "responsible", "kind")



def create_search_tables(db: sqlite_utils.Database) -> None:
    """Drop and create the (empty) search tables; see crawler.search.words."""
    for table in SEARCH_TABLES:
        found = db.execute("select type from sqlite_master where name = ?", [table]).fetchone()
        if found:  # a table, or (commitments_overview in older archives) a view
            db.execute(f"drop {found[0]} {table}")
    # Every commitment row: the id of its distinct commitment's representative
    # (a current copy first, then the newest), whether that commitment is
    # current, and how many rows (versions, sources) it has.
    db.execute("""
        create table commitment_groups (
            id integer primary key, distinct_id integer, current integer, copies integer)""")
    db.execute("create index commitment_groups_distinct_id on commitment_groups (distinct_id)")
    # One row per distinct commitment: what every count and list counts.
    db.execute("""
        create view distinct_commitments as
        select c.*, g.current, g.copies from commitments c
        join commitment_groups g on g.id = c.id where g.distinct_id = c.id""")
    db.execute("""
        create table search_facets (
            id integer primary key, county text, police_region text, start_year integer,
            responsible text, kind text, themes text, newest integer, current integer,
            municipality_codes text)""")
    # the on-disk ranking and facet indexes built for these tables (crawler.search.disk)
    db.execute("create table search_indexes (token text)")
    _create_fts(db, "search_commitments", COMMITMENT_COLUMNS, TRIGRAMS)
    _create_fts(db, "search_words", COMMITMENT_COLUMNS, WORDS)
    _create_fts(db, "search_documents", DOCUMENT_COLUMNS, WORDS)
    _create_fts(db, "search_pages", PAGE_COLUMNS, WORDS)
    db.execute("create virtual table search_vocabulary using fts5("
               f"term, rows unindexed, tokenize = '{TRIGRAMS}')")
    db.execute("""
        create table commitments_overview (
            id integer primary key, text text, municipality_code text, municipality text,
            county text, police_region text, period_label text, start_year integer,
            end_year integer, responsible text, kind text, themes text, url text,
            snapshot_id integer, document_id integer, current integer, copies integer)""")


def create_overview_indexes(db: sqlite_utils.Database) -> None:
    """Indexes on the browsing table's facet columns (after it is filled: faster).

    The year's index also holds the other facet columns: the overview of one
    year with its facets (region, party, county, kind) is then counted from
    the index alone, 1 ms a facet instead of 5 at 100,000 commitments, where
    each of a year's 10,000 rows was read from the table."""
    for column in OVERVIEW_FACETS:
        others = [c for c in OVERVIEW_FACETS if c != column] if column == "start_year" else []
        db.execute(f"create index commitments_overview_{column} "
                   f"on commitments_overview ({', '.join([column, *others])})")


def _create_fts(db: sqlite_utils.Database, table: str, columns: dict[str, float],
                tokenizer: str) -> None:
    db.execute(f"create virtual table {table} using fts5({', '.join(columns)}, "
               f"tokenize = '{tokenizer}')")
    weights = ", ".join(str(w) for w in columns.values())
    db.execute(f"insert into {table} ({table}, rank) values ('rank', 'bm25({weights})')")


# -- summary tables: rebuilt by normalize (crawler.derive.summaries fills them) --
# Aggregates the canned queries and charts read instead of grouping every
# commitment on every request. Counts are of distinct commitments
# (DISTINCT_COMMITMENT, through commitment_groups).
# The responsible parties a commitment can name (commitments.responsible, set
# by normalize.responsibility); any other value or none counts as 'okand'.
# Each a column of summary_municipalities; counted by /jamfor alike.
PARTIES = ("polisen", "kommunen", "gemensamt", "annan")
SUMMARY_TABLES: dict[str, dict] = {
    # themes per start year (teman_per_ar, /-/diagram/teman)
    "summary_theme_years": dict(columns={
        "theme": str, "label": str, "year": int, "municipalities": int, "commitments": int,
    }, pk=("theme", "year")),
    # themes per police region and county; year: a year the periods cover, or
    # null for all years (teman_per_lan)
    "summary_theme_counties": dict(columns={
        "police_region": str, "county": str, "theme": str, "label": str, "year": int,
        "municipalities": int, "commitments": int,
    }, pk=("county", "theme", "year")),
    # distinct commitments per municipality and responsible party (ansvar_per_kommun, karta)
    "summary_municipalities": dict(columns={
        "code": str, "name": str, "county": str, "commitments": int, "polisen": int,
        "kommunen": int, "gemensamt": int, "annan": int, "unknown": int,
    }, pk="code"),
    # the local police areas (LPO) each municipality's documents name, with the
    # newest document naming it (municipality page: "Samma lokalpolisområde")
    "summary_police_areas": dict(columns={
        "police_area": str, "municipality_code": str, "document_id": int,
        "snapshot_id": int, "period_label": str, "start_year": int, "end_year": int,
    }, pk=("police_area", "municipality_code")),
    # distinct commitments per municipality (every municipality a promise names)
    # and theme, and per party (polisen/kommunen/gemensamt/annan/okand): /jamfor
    "summary_municipality_themes": dict(columns={
        "municipality_code": str, "theme": str, "commitments": int,
    }, pk=("municipality_code", "theme")),
    "summary_municipality_parties": dict(columns={
        "municipality_code": str, "responsible": str, "commitments": int,
    }, pk=("municipality_code", "responsible")),
    # every year a municipality's documents cover (open-ended periods: up to
    # summaries.OPEN_ENDED_YEARS past the build year) (coverage: utan löfte, täckning)
    "summary_coverage": dict(columns={"municipality_code": str, "year": int},
                             pk=("municipality_code", "year")),
}


def create_summary_tables(db: sqlite_utils.Database) -> None:
    """Drop and create the (empty) summary tables; see crawler.derive.summaries."""
    for name, spec in SUMMARY_TABLES.items():
        db.execute(f"drop table if exists {name}")
        db[name].create(spec["columns"], pk=spec["pk"])
    db["summary_coverage"].create_index(["year"])
    db["summary_police_areas"].create_index(["municipality_code"])
