"""Swedish full-text search: SQLite FTS5 with the trigram tokenizer.

Why trigram: Swedish compounds and inflections ("trygghetsvandringarna",
"narkotikabrott", "Grannsamverkansområden") defeat word tokenizers, and no
well-kept Swedish stemmer/decompounder ships with SQLite. Trigrams match any
substring of three characters or more, case-insensitively and with å/ä/ö
intact, so "vandring" finds "trygghetsvandringar". bm25 ranks the hits.
Queries shorter than three characters find nothing (documented in the UI).

The index tables are rebuilt from the derived tables by ``normalize``
(inside its transaction), so serving stays read-only.
"""

from __future__ import annotations

import sqlite_utils

COMMITMENT_FIELDS = ("text", "municipality", "county", "police_region", "period",
                     "responsible", "themes")


def build_search_index(db: sqlite_utils.Database) -> None:
    """(Re)build ``search_commitments`` and ``search_pages`` (FTS5, trigram)."""
    db.execute("drop table if exists search_commitments")
    db.execute("drop table if exists search_pages")
    db.execute(f"""create virtual table search_commitments using fts5(
        {", ".join(COMMITMENT_FIELDS)}, tokenize = 'trigram')""")
    db.execute("""
        insert into search_commitments (rowid, text, municipality, county, police_region,
                                        period, responsible, themes)
        select c.id, c.text, coalesce(m.name, ''), coalesce(m.county, ''),
               coalesce(m.police_region, ''), coalesce(c.period_label, ''),
               coalesce(c.responsible, ''),
               coalesce((select group_concat(t.label, ', ') from commitment_themes ct
                         join themes t on t.theme = ct.theme where ct.commitment_id = c.id), '')
        from commitments c left join municipalities m on m.code = c.municipality_code""")
    db.execute("create virtual table search_pages using fts5(url, text, tokenize = 'trigram')")
    db.execute("""
        insert into search_pages (rowid, url, text)
        select s.id, s.url, coalesce(s.text, '') from snapshots s
        join pages p on p.current_snapshot_id = s.id""")
