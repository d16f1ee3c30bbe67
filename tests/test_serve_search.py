"""The Swedish search helpers: query stemming, FTS5 query building, the index."""

from __future__ import annotations

import sqlite3

import pytest

from crawler.search import fts_query, query_terms, similarity_query, stem


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


def test_short_and_empty_queries_match_nothing():
    assert fts_query("i på") == '""'
    assert fts_query("") == '""'
    assert fts_query(None) == '""'


@pytest.mark.parametrize("q", ['"Trygghet" OR (', "NEAR(a b)", "*", "a:b", "^x", "'; drop"])
def test_any_user_input_is_a_valid_fts5_query(q):
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(text, tokenize='trigram')")
    conn.execute("insert into t values ('Trygghetsvandringar i centrum')")
    conn.execute("select * from t where t match ?", [fts_query(q)]).fetchall()


def test_inflected_query_finds_base_form_and_compounds():
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table t using fts5(text, tokenize='trigram')")
    conn.executemany("insert into t(rowid, text) values (?, ?)", [
        (1, "Testlöfte: genomföra en trygghetsvandring"),
        (2, "Testlöfte: Grannsamverkansområden i norr"),
        (3, "Testlöfte: förebygga narkotikabrott"),
    ])

    def hits(q):
        return [r[0] for r in conn.execute(
            "select rowid from t where t match ? order by rank", [fts_query(q)])]
    assert hits("trygghetsvandringarna") == [1]
    assert hits("vandringar") == [1]
    assert hits("grannsamverkan") == [2]
    assert hits("narkotika") == [3]
    assert hits("narkotika vandring") == []   # all words must occur


def test_similarity_query_uses_longest_uncommon_words_on_the_text_column():
    query = similarity_query("Polisen och kommunen ska genomföra trygghetsvandringar i "
                             "Stadsparken.")
    assert query == 'text : ("trygghetsvandring" OR "stadspark")'
    assert similarity_query("Polisen ska") == '""'
