"""The Swedish search helpers: query stemming, vocabulary expansion, the word index."""

from __future__ import annotations

import sqlite3

import pytest

from crawler.search.words import (build_search_index, expansions, mark_matches, query_terms,
                            similarity_query, stem, word_query)
from serve_fixtures import build_serve_archive


@pytest.mark.parametrize("word,expected", [
    ("trygghetsvandringarna", "trygghetsvandring"),
    ("trygghetsvandringar", "trygghetsvandring"),
    ("kommunen", "kommun"),
    ("polisens", "polis"),
    ("skolorna", "skol"),
    ("bedrägerier", "bedrägeri"),
    ("tryggheten", "trygghet"),
    ("vandring", "vandring"),      # no inflection suffix
    ("unga", "unga"),              # would leave fewer than four letters
    ("Gävle", "gävl"),
])
def test_stem_strips_one_swedish_inflection_suffix(word, expected):
    assert stem(word) == expected


def test_query_words_are_stemmed_and_phrases_kept():
    assert query_terms('Trygghetsvandringarna i "Gamla stan"') == ["trygghetsvandring",
                                                                  "gamla stan"]
    assert query_terms("e-post, (narkotika)") == ["post", "narkotik"]  # split like the index


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    """The fixture archive's search tables, read-only, as `serve` opens them."""
    path = build_serve_archive(tmp_path_factory.mktemp("search") / "archive.db")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    yield connection
    connection.close()


def hits(conn, q):
    return [r[0] for r in conn.execute(
        "select c.text from search_words s join commitments c on c.id = s.rowid "
        "where search_words match ? order by s.rank", [word_query(conn, q)])]


def test_short_and_empty_queries_match_nothing(conn):
    for q in ("i på", "", None, "a b"):
        assert word_query(conn, q) == '""'
        assert hits(conn, q) == []


@pytest.mark.parametrize("q", ['"Trygghet" OR (', "NEAR(a b)", "*", "a:b", "^x", "'; drop",
                               '"""', "trygghet*", "-narkotika"])
def test_any_user_input_is_a_valid_fts5_query(conn, q):
    hits(conn, q)  # raises sqlite3.OperationalError on a malformed MATCH expression


def test_a_query_word_stands_for_the_indexed_words_containing_it(conn):
    assert "trygghetsvandringar" in expansions(conn, "vandring")
    assert "grannsamverkansområden" in expansions(conn, "grannsamverkan")
    assert all("vandring" in word for word in expansions(conn, "vandring"))
    assert expansions(conn, "finnsintealls") == []


def test_inflected_query_finds_base_form_and_compounds(conn):
    assert any("trygghetsvandringar" in t for t in hits(conn, "trygghetsvandringarna"))
    assert any("Trygghetsvandringarna" in t for t in hits(conn, "vandring"))
    assert any("Grannsamverkansområden" in t for t in hits(conn, "grannsamverkan"))
    assert any("narkotikabrott" in t for t in hits(conn, "narkotika"))
    assert hits(conn, "narkotika vandring") == []   # all words must occur
    assert hits(conn, "narkotika finnsintealls") == []


def test_a_quoted_phrase_must_occur_as_written(conn):
    assert any("resecentrum på kvällar" in t for t in hits(conn, '"resecentrum på kvällar"'))
    assert hits(conn, '"kvällar på resecentrum"') == []


def test_swedish_letters_are_not_folded(conn):
    # "äldre" must not match "aldre", nor "bedrägerier" "bedragerier".
    assert any("äldre" in t for t in hits(conn, "äldre"))
    assert hits(conn, "aldre") == []


def test_the_word_index_holds_each_distinct_commitment_once_and_the_vocabulary_its_words(conn):
    # distinct: same text key, same period, same municipality
    keys = [tuple(r) for r in conn.execute(
        "select c.text_key, c.period_start, c.period_end, c.municipality_code "
        "from search_words s join commitments c on c.id = s.rowid")]
    assert len(keys) == len(set(keys))
    texts = keys
    newest = conn.execute("select count(*) from search_facets where newest = 1").fetchone()[0]
    assert len(texts) == newest
    assert conn.execute("select rows from search_vocabulary where term = 'testlöfte'"
                        ).fetchone()[0] >= len(texts)


def test_similarity_query_uses_longest_uncommon_words_on_the_text_column():
    query = similarity_query("Polisen och kommunen ska genomföra trygghetsvandringar i "
                             "Stadsparken.")
    assert query == 'text : ("trygghetsvandring" OR "stadspark")'
    assert similarity_query("Polisen ska") == '""'


def test_matched_words_are_marked_as_highlight_would():
    groups = [("words", ["trygghetsvandringar", "trygghetsvandring"]), ("phrase", ["gamla", "stan"])]
    assert mark_matches("Trygghetsvandringar i Gamla stan, trygghetsvandringens dag.", groups,
                        "[", "]") == ("[Trygghetsvandringar] i [Gamla] [stan], "
                                      "trygghetsvandringens dag.")


def test_an_older_archive_with_the_overview_view_gets_the_table(tmp_path):
    import sqlite_utils

    from crawler.store.schema import ensure_derived_schema

    db = sqlite_utils.Database(build_serve_archive(tmp_path / "archive.db"))
    db.execute("drop table commitments_overview")
    db.execute("create view commitments_overview as select id, text from commitments")
    for _ in range(2):  # the next normalize, and the one after
        with db.atomic():
            ensure_derived_schema(db)
            build_search_index(db)
    kind = db.execute("select type from sqlite_master where name = 'commitments_overview'")
    assert kind.fetchone()[0] == "table"
    assert db["commitments_overview"].count == db["commitments"].count > 0
    assert db.execute("select count(*) from commitments_overview where county is not null"
                      ).fetchone()[0] > 0
