"""The search page's in-memory facet counts agree with counting in SQL."""

from __future__ import annotations

import sqlite3
from collections import Counter

import pytest

import numpy as np

from crawler.search.facets import COLUMNS, LISTS, FacetIndex
from crawler.search.filters import CURRENT
from crawler.search.words import word_query
from serve_fixtures import build_serve_archive

SQL_COLUMNS = {"lan": "county", "polisregion": "police_region", "ar": "start_year",
               "ansvarig": "responsible", "typ": "kind"}


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path = build_serve_archive(tmp_path_factory.mktemp("facets") / "archive.db")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    yield connection
    connection.close()


def sql_counts(conn, q, chosen):
    """The same counts the slow way: every matching row's facets, in Python."""
    rows = conn.execute(
        "select f.* from search_words s join search_facets f on f.id = s.rowid "
        "where search_words match ?", [word_query(conn, q)]).fetchall()
    names = [d[0] for d in conn.execute("select * from search_facets limit 0").description]
    rows = [dict(zip(names, r)) for r in rows]
    import json

    def municipalities(row) -> set[str]:
        """The municipalities of the commitment's document, from the archive itself."""
        return {r[0] for r in conn.execute(
            "select dm.municipality_code from commitments c join document_municipalities dm "
            "on dm.document_id = c.document_id where c.id = ?", [row["id"]])}

    def keep(row):
        for param, value in chosen.items():
            if param == "kommun" and value not in municipalities(row):
                return False
            if param == "tema" and value not in json.loads(row["themes"]):
                return False
            if param == "version" and row["current"] != (value == "senaste"):
                return False
            if param in SQL_COLUMNS and str(row[SQL_COLUMNS[param]]) != str(value):
                return False
        return True

    counts = Counter()
    for row in filter(keep, rows):
        for param, column in SQL_COLUMNS.items():
            counts[(param, row[column])] += 1
        counts[("version", "senaste" if row["current"] else "aldre")] += 1
        for theme in json.loads(row["themes"]):
            counts[("tema", theme)] += 1
        for code in municipalities(row):
            counts[("kommun", code)] += 1
    return counts


@pytest.mark.parametrize("q,chosen", [
    ("testlöfte", {}),
    ("vandring", {}),
    ("testlöfte", {"lan": "Gävleborgs län"}),
    ("testlöfte", {"ansvarig": "kommunen", "version": "senaste"}),
    ("testlöfte", {"tema": "trygghetsvandringar"}),
    ("testlöfte", {"ar": "1999"}),
    ("testlöfte", {"kommun": "2181"}),
    ("vandring", {"kommun": "1781"}),
    ("finnsintealls", {}),
])
def test_facet_counts_match_counting_every_row(conn, q, chosen):
    index = FacetIndex.load(conn)
    ids = [r[0] for r in conn.execute(
        "select rowid from search_words where search_words match ?", [word_query(conn, q)])]
    counts, where = index.counts(ids, chosen)
    assert Counter({(p, v): n for p, v, n in counts}) == sql_counts(conn, q, chosen)
    assert bool(counts) == (q != "finnsintealls" and chosen.get("ar") != "1999")
    if q == "testlöfte" and not chosen:
        assert len(where) == len(ids) > 0


def test_unknown_ids_and_values_count_nothing(conn):
    index = FacetIndex.load(conn)
    assert index.counts([10**9], {})[0] == []
    assert index.counts([int(index.ids[0])], {"tema": "finns-inte"})[0] == []
    assert index.counts([int(index.ids[0])], {"kommun": "9999"})[0] == []
    assert index.counts([int(index.ids[0])], {"ar": "inte-ett-år"})[0] == []


def test_no_matching_rows_count_nothing():
    index = FacetIndex([(1, *(["x"] * len(COLUMNS)), *(['["a"]'] * len(LISTS)), 1)])
    counts, where = index.counts_at(np.array([], dtype=np.int64), {})
    assert counts == [] and len(where) == 0
    counts, _ = index.counts([1], {})
    assert ("version", CURRENT, 1) in counts and all(n == 1 for _, _, n in counts)
