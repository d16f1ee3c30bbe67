"""Top-k ranking with the in-memory tantivy index (crawler.ranking) agrees
with FTS5 on what matches, and is used once it is ready."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from crawler.ranking import RankIndex, Ranker, database_state, ranker_for
from crawler.search import query_groups, word_query
from crawler.serving import datasette_instance
from serve_fixtures import build_serve_archive

QUERIES = ["vandring", "trygghetsvandringarna", "narkotika", "grannsamverkan", "testlöfte",
           "testlöfte kommunen", '"resecentrum på kvällar"', "sandviken", "belysning parken"]


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    return str(build_serve_archive(tmp_path_factory.mktemp("ranking") / "archive.db"))


@pytest.fixture(scope="module")
def conn(path):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def index(conn):
    return RankIndex(conn)


def fts5_ids(conn, q, extra=""):
    return [r[0] for r in conn.execute(
        "select s.rowid from search_words s join search_facets f on f.id = s.rowid "
        f"where search_words match ? {extra} order by s.rank", [word_query(conn, q)])]


@pytest.mark.parametrize("q", QUERIES)
def test_tantivy_finds_exactly_what_fts5_finds(conn, index, q):
    found = index.top(query_groups(conn, q), {}, 1000)
    assert sorted(found) == sorted(fts5_ids(conn, q))
    assert found  # every query above matches something in the fixture archive


def test_text_matches_rank_above_matches_in_the_municipality_name(conn, index):
    # "Sandviken" is in the text of none, but in the municipality column of the
    # Sandviken rows; a commitment *about* trygghetsvandringar ranks first.
    top = index.top(query_groups(conn, "trygghetsvandringar sandviken"), {}, 10)
    text = conn.execute("select text from commitments where id = ?", [top[0]]).fetchone()[0]
    assert "trygghetsvandringar" in text.lower()


@pytest.mark.parametrize("chosen,extra", [
    ({"lan": "Gävleborgs län"}, "and f.county = 'Gävleborgs län'"),
    ({"ansvarig": "kommunen"}, "and f.responsible = 'kommunen'"),
    ({"ansvarig": None}, "and f.responsible is null"),
    ({"tema": "grannsamverkan"}, "and 'grannsamverkan' in (select value from json_each(f.themes))"),
    ({"version": "aldre"}, "and f.current = 0"),
    ({"ar": "1999"}, "and 0"),
])
def test_filters_narrow_like_the_sql_filters(conn, index, chosen, extra):
    found = index.top(query_groups(conn, "testlöfte"), chosen, 1000)
    assert sorted(found) == sorted(fts5_ids(conn, "testlöfte", extra))


def test_pages_of_hits_do_not_overlap(conn, index):
    groups = query_groups(conn, "testlöfte")
    first, second = index.top(groups, {}, 3), index.top(groups, {}, 3, offset=3)
    assert len(first) == len(second) == 3 and not set(first) & set(second)


def test_no_terms_or_unknown_words_find_nothing(conn, index):
    assert query_groups(conn, "i på") == []
    assert query_groups(conn, "finnsintealls") is None
    assert index.top([], {}, 10) == []


def test_ranker_builds_once_per_archive_state_and_fails_quietly(tmp_path, path):
    ranker = Ranker(path)
    state = database_state(path)
    assert ranker.wait(state) is ranker.get(state) is not None
    broken = tmp_path / "inte-ett-arkiv.db"
    broken.write_bytes(b"not a database")
    assert Ranker(str(broken)).wait(database_state(str(broken)), timeout=10) is None


def test_search_page_and_canned_query_use_tantivy_once_it_is_ready(path, conn):
    ranker_for(path).wait(database_state(path))
    ds = datasette_instance(path)
    page = asyncio.run(ds.client.get("/-/sok.json?q=testl%C3%B6fte&ansvarig=kommunen")).json()
    assert page["ranking"] == "tantivy"
    assert sorted(h["id"] for h in page["hits"]) == sorted(
        fts5_ids(conn, "testlöfte", "and f.responsible = 'kommunen'"))
    assert all("<mark>" in h["html"].lower() for h in page["hits"])
    canned = asyncio.run(ds.client.get("/archive/sok.json?q=vandring&_shape=array")).json()
    assert sorted(r["åtagande_nr"] for r in canned) == sorted(fts5_ids(conn, "vandring"))


def test_until_the_index_is_ready_fts5_ranks_the_same_hits(path, conn, monkeypatch):
    monkeypatch.setattr(Ranker, "get", lambda self, state: None)  # still building
    ds = datasette_instance(path)
    page = asyncio.run(ds.client.get("/-/sok.json?q=vandring")).json()
    assert page["ranking"] == "fts5"
    assert [h["id"] for h in page["hits"]] == fts5_ids(conn, "vandring")
    canned = asyncio.run(ds.client.get("/archive/sok.json?q=vandring&_shape=array")).json()
    assert [r["åtagande_nr"] for r in canned] == fts5_ids(conn, "vandring")


def test_readers_opening_and_closing_do_not_change_the_archive_state(tmp_path):
    path = str(build_serve_archive(tmp_path / "archive.db"))
    assert sqlite3.connect(path).execute("pragma journal_mode").fetchone()[0] == "wal"
    before = database_state(path)
    for _ in range(3):  # readers create an empty WAL; the last to close removes it
        reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        reader.execute("select count(*) from commitments").fetchone()
        ranker_state = database_state(path)
        reader.close()
        assert ranker_state == before == database_state(path)
    writer = sqlite3.connect(path)
    writer.execute("insert into alerts (kind) values ('test')")
    writer.commit()
    assert database_state(path) != before
    writer.close()


def test_similar_candidates_share_the_rarest_words_first(conn, index):
    from crawler.search import expansions, similarity_terms
    from serve_fixtures import BUSS, RESE, TRYGGHET

    def candidates(text):
        words = {w for t in similarity_terms(text) for w in expansions(conn, t, 50)}
        texts = dict(conn.execute("select id, text from commitments"))
        return [texts[i] for i in index.similar(sorted(words), 50)]

    # BUSS and RESE share "närvaron", "kvällar"; every fixture text has
    # "testlöfte", which BM25's idf makes worth next to nothing.
    assert set(candidates(BUSS)[:2]) == {BUSS, RESE}
    # The stem finds the inflected compound in another municipality's text.
    assert any("Trygghetsvandringarna" in t for t in candidates(TRYGGHET)[:3])
    assert index.similar([], 50) == []


def test_similar_commitments_query_with_the_ranking_index(path):
    ranker_for(path).wait(database_state(path))
    ds = datasette_instance(path)
    similar = asyncio.run(ds.client.get(
        "/archive/liknande_ataganden.json?id=1&_shape=array")).json()
    assert [r["kommun"] for r in similar] == ["Kristinehamns kommun"]
    assert "Trygghetsvandringarna" in similar[0]["åtagande"]
