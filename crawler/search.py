"""Swedish full-text search: SQLite FTS5 trigram index plus a light stemmer.

The approach (measured in docs/archive-ui.md and ``bench/serve.py --search``):

* The index is FTS5 with the ``trigram`` tokenizer: every term matches as a
  case-insensitive *substring* of three characters or more, with å/ä/ö kept
  as the distinct letters they are in Swedish. So a word inside a compound is
  found: "vandring" finds "trygghetsvandringar", "narkotika" finds
  "narkotikabrott", "grannsamverkan" finds "Grannsamverkansområden". A word
  tokenizer (unicode61, even with prefix queries) finds none of these, and no
  well-kept Swedish stemmer/decompounder ships with SQLite.
* Substrings handle compounds and *longer* inflected forms, but not a query
  that is itself inflected: "trygghetsvandringarna" does not occur in
  "trygghetsvandring". :func:`fts_query` therefore strips Swedish inflection
  suffixes from each query word (-arna, -erna, -orna, -ar, -er, -or, -en,
  -et, -na, -s …), keeping at least four letters, and searches the stem as a
  substring. Stripping only ever shortens a term, so it can only add hits.
* All words must occur (AND); a "quoted phrase" is searched as written.
  Ranking is FTS5's bm25 with the commitment text weighted above its
  municipality, county and theme columns.

The index tables are rebuilt from the derived tables by ``normalize`` (inside
its transaction), so serving stays read-only.
"""

from __future__ import annotations

import re

import sqlite_utils

# Columns of the commitment index, and their bm25 weights (text counts most).
COMMITMENT_COLUMNS = {"text": 10.0, "municipality": 2.0, "county": 1.0, "police_region": 1.0,
                      "period": 1.0, "responsible": 1.0, "themes": 2.0}
DOCUMENT_COLUMNS = {"title": 5.0, "municipalities": 2.0, "period": 1.0, "text": 3.0}
PAGE_COLUMNS = {"url": 1.0, "text": 5.0}
SEARCH_TABLES = ("search_commitments", "search_facets", "search_documents", "search_pages")

# Swedish inflection (and compound-linking -s) suffixes, longest first.
SUFFIXES = ("arnas", "ernas", "ornas", "arna", "erna", "orna", "ande", "ende", "ens", "ets",
            "ar", "er", "or", "en", "et", "na", "an", "as", "es", "s", "a", "e")
MIN_STEM = 4     # never strip a word below four letters
MIN_TERM = 3     # the trigram tokenizer cannot match shorter terms
_TOKEN = re.compile(r'"([^"]*)"|([^\s"]+)')
_WORD_EDGE = re.compile(r"^[^\wåäöÅÄÖ]+|[^\wåäöÅÄÖ]+$")


def build_search_index(db: sqlite_utils.Database) -> None:
    """(Re)build the FTS5 trigram tables for commitments, documents and pages.

    Also ``search_facets``: one narrow row per commitment with the columns the
    search page counts (county, police region, year, responsible, kind,
    themes, newest/current version), so facets need no join to the wide
    commitments table.

    Idempotent: the tables are dropped and filled again from the derived
    tables. Call it inside the caller's transaction (``normalize`` does).
    """
    for table in SEARCH_TABLES:
        db.execute(f"drop table if exists {table}")
    _create(db, "search_commitments", COMMITMENT_COLUMNS)
    db.execute("""
        insert into search_commitments (rowid, text, municipality, county, police_region,
                                        period, responsible, themes)
        select c.id, c.text, coalesce(m.name, ''), coalesce(m.county, ''),
               coalesce(m.police_region, ''), coalesce(c.period_label, ''),
               coalesce(c.responsible, ''),
               coalesce((select group_concat(t.label, ', ') from commitment_themes ct
                         join themes t on t.theme = ct.theme where ct.commitment_id = c.id), '')
        from commitments c left join municipalities m on m.code = c.municipality_code""")
    db.execute("""
        create table search_facets (
            id integer primary key, county text, police_region text, start_year integer,
            responsible text, kind text, themes text, newest integer, current integer)""")
    # newest: this row is the newest archived copy of its text on its page (every
    # version of a page keeps its commitments; search shows each text once);
    # current: it is on the page's latest version and the page is not gone.
    db.execute("""
        insert into search_facets
        select c.id, m.county, m.police_region, c.start_year, c.responsible, c.kind,
               coalesce(c.themes, '[]'),
               c.snapshot_id is (select max(o.snapshot_id) from commitments o
                                 where o.url is c.url and o.text_key is c.text_key),
               coalesce(c.snapshot_id in (select current_snapshot_id from pages
                                          where gone_since is null), 0)
        from commitments c left join municipalities m on m.code = c.municipality_code""")
    _create(db, "search_documents", DOCUMENT_COLUMNS)
    db.execute("""
        insert into search_documents (rowid, title, municipalities, period, text)
        select d.id, coalesce(d.title, ''),
               coalesce((select group_concat(m.name, ', ') from document_municipalities dm
                         join municipalities m on m.code = dm.municipality_code
                         where dm.document_id = d.id), ''),
               coalesce(d.period_label, ''),
               coalesce((select group_concat(c.text, char(10)) from commitments c
                         where c.document_id = d.id), '')
        from documents d""")
    _create(db, "search_pages", PAGE_COLUMNS)
    db.execute("""
        insert into search_pages (rowid, url, text)
        select s.id, s.url, coalesce(s.text, '') from snapshots s
        join pages p on p.current_snapshot_id = s.id""")


def _create(db: sqlite_utils.Database, table: str, columns: dict[str, float]) -> None:
    db.execute(f"create virtual table {table} using fts5({', '.join(columns)}, "
               "tokenize = 'trigram')")
    weights = ", ".join(str(w) for w in columns.values())
    db.execute(f"insert into {table} ({table}, rank) values ('rank', 'bm25({weights})')")


def stem(word: str) -> str:
    """Strip one Swedish inflection suffix, keeping at least MIN_STEM letters.

    >>> stem("trygghetsvandringarna"), stem("kommunen"), stem("skolorna"), stem("unga")
    ('trygghetsvandring', 'kommun', 'skol', 'unga')
    """
    lower = word.lower()
    for suffix in SUFFIXES:
        if lower.endswith(suffix) and len(lower) - len(suffix) >= MIN_STEM:
            return lower[: -len(suffix)]
    return lower


def query_terms(q: str | None) -> list[str]:
    """The substrings a query searches for: stemmed words and quoted phrases."""
    terms = []
    for phrase, word in _TOKEN.findall(q or ""):
        term = phrase.strip().lower() if phrase else stem(_WORD_EDGE.sub("", word))
        if len(term) >= MIN_TERM and term not in terms:
            terms.append(term)
    return terms


def fts_query(q: str | None) -> str:
    """An FTS5 MATCH expression for a user's query: every term, as a substring.

    Returns '""' (matches nothing) when no term is three characters or more.
    Registered as the SQL function ``sokfraga`` for the canned queries.

    >>> fts_query('Trygghetsvandringarna i "Gamla stan"')
    '"trygghetsvandring" "gamla stan"'
    """
    terms = query_terms(q)
    if not terms:
        return '""'
    return " ".join('"' + term.replace('"', '') + '"' for term in terms)


# Words too common in promises to say what a commitment is about.
COMMON_WORDS = frozenset((
    "polisen", "kommunen", "kommun", "tillsammans", "genomföra", "genom", "arbeta", "arbetet",
    "kommunens", "polisens", "medborgarlöfte", "medborgarlöften", "under", "eller", "andra",
    "skall", "kommer", "mellan", "utifrån", "detta", "samt", "också"))
SIMILAR_TERMS = 6


def similarity_query(text: str | None) -> str:
    """An FTS5 OR-query of a commitment's longest, less common words (stemmed),
    on the text column only. Long Swedish words are the specific ones
    (compounds such as "trygghetsvandringar"); at most SIMILAR_TERMS of them.

    Used to pick candidates for "similar commitments": bm25 over this query
    ranks texts sharing rare words first. Registered as ``likhetsfraga``.
    """
    terms: list[str] = []
    for word in re.findall(r"[\wåäöÅÄÖ-]+", (text or "").lower()):
        if len(word) < 5 or word in COMMON_WORDS or word.isdigit():
            continue
        term = stem(word)
        if len(term) >= MIN_TERM and term not in terms:
            terms.append(term)
    terms.sort(key=len, reverse=True)
    if not terms:
        return '""'
    return "text : (" + " OR ".join('"' + t.replace('"', "") + '"'
                                    for t in terms[:SIMILAR_TERMS]) + ")"
