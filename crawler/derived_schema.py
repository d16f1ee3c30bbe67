"""Schema of the tables that ``medborgarloften normalize`` derives.

The raw archive (pages, snapshots, bodies, crawl_runs, fetch_errors) is
never changed by normalizing; these tables can be rebuilt from it at any
time. Documented for users in README.md.
"""

from __future__ import annotations

import sqlite_utils

# Column order is the order Datasette shows.
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

# Change kinds (summaries shown to users are in Swedish).
CHANGE_KINDS = {
    "page_new": "Ny sida arkiverad",
    "text_changed": "Sidans text ändrad",
    "page_gone": "Sidan borttagen",
    "page_returned": "Sidan tillbaka",
    "commitment_added": "Nytt åtagande",
    "commitment_removed": "Åtagande borttaget",
    "commitment_reworded": "Åtagande omformulerat",
    "period_changed": "Period ändrad",
    "document_added": "Nytt medborgarlöfte",
    "document_removed": "Medborgarlöfte borttaget",
}


def ensure_derived_schema(db: sqlite_utils.Database) -> None:
    """Create the derived tables (idempotent), then the promise_sources view."""
    for name, spec in DERIVED_TABLES.items():
        db[name].create(spec["columns"], pk=spec["pk"], if_not_exists=True,
                        foreign_keys=[fk for fk in FOREIGN_KEYS.get(name, [])
                                      if fk[1] in db.table_names() or fk[1] == name])
        for columns in INDEXES.get(name, []):
            db[name].create_index(columns, if_not_exists=True)
    db["changes"].create_index(["event_key"], unique=True, if_not_exists=True)
    # commitments_overview was a view; it is now a table that
    # crawler.search.build_search_index fills after every normalize.
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
