"""Top-k ranking with the in-memory tantivy index (crawler.search.ranking) agrees
with FTS5 on what matches, and is used once it is ready."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from crawler.search.ranking import RankIndex, Ranker, ranker_for, search_state
from crawler.search.words import query_groups, word_query
from crawler.web.serving import datasette_instance
from serve_fixtures import build_serve_archive

QUERIES = ["vandring", "trygghetsvandringarna", "narkotika", "grannsamverkan", "testlöfte",
           "testlöfte kommunen", '"resecentrum på kvällar"', "kvällar", "belysning parken"]


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


def test_only_the_commitment_text_is_searched_not_its_metadata(conn, index):
    # "Sandviken" is in the text of none, only in the municipality column of the
    # Sandviken rows: the municipality is a filter, not a search word.
    assert fts5_ids(conn, "sandviken") == []
    assert index.top(query_groups(conn, "sandviken"), {}, 10) == []
    assert fts5_ids(conn, "trygghetsvandringar") and \
        index.top(query_groups(conn, "trygghetsvandringar"), {}, 10)


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


def state_of(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return search_state(conn)
    finally:
        conn.close()


def test_ranker_builds_once_per_search_state_and_fails_quietly(tmp_path, path):
    ranker = Ranker(path)
    state = state_of(path)
    assert ranker.wait(state) is ranker.get(state) is not None
    empty = tmp_path / "aldrig-normaliserat.db"
    sqlite3.connect(empty).execute("create table pages (url text)").connection.commit()
    never = Ranker(str(empty))
    assert never.wait(state_of(empty), timeout=10) is None
    assert never.failed == state_of(empty) and not never.building  # not retried


def test_search_page_and_canned_query_use_tantivy_once_it_is_ready(path, conn):
    ranker_for(path).wait(state_of(path))
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


def test_only_rebuilding_the_search_tables_changes_the_search_state(tmp_path):
    import sqlite_utils

    from crawler.search.words import build_search_index

    path = str(build_serve_archive(tmp_path / "archive.db"))
    before = state_of(path)
    for _ in range(3):  # readers create an empty WAL; the last to close removes it
        reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        reader.execute("select count(*) from commitments").fetchone()
        assert search_state(reader) == before
        reader.close()
    writer = sqlite_utils.Database(path)
    writer["alerts"].insert({"kind": "test"})  # a crawl writing rows
    assert state_of(path) == before
    with writer.atomic():
        build_search_index(writer)  # what normalize does at the end
    assert state_of(path) != before


def test_a_build_asked_for_while_one_runs_follows_it(tmp_path):
    import sqlite_utils

    from crawler.search.words import build_search_index

    path = str(build_serve_archive(tmp_path / "archive.db"))
    ranker = Ranker(path)
    first = state_of(path)
    ranker.get(first)  # starts building
    db = sqlite_utils.Database(path)
    with db.atomic():
        build_search_index(db)
    second = state_of(path)
    assert second != first
    assert ranker.wait(second) is not None and ranker.ready_state == second


def test_similar_candidates_share_the_rarest_words_first(conn, index):
    from crawler.search.words import expansions, similarity_terms
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
    ranker_for(path).wait(state_of(path))
    ds = datasette_instance(path)
    similar = asyncio.run(ds.client.get(
        "/archive/liknande_ataganden.json?id=1&_shape=array")).json()
    assert [r["kommun"] for r in similar] == ["Kristinehamns kommun"]
    assert "Trygghetsvandringarna" in similar[0]["åtagande"]


def test_the_search_page_sees_a_normalize_that_ran_while_it_served(tmp_path):
    import sqlite_utils

    from crawler.search.words import build_search_index

    path = str(build_serve_archive(tmp_path / "archive.db"))
    ds = datasette_instance(path)

    def search(q):
        return asyncio.run(ds.client.get(f"/-/sok.json?q={q}")).json()

    assert search("hundpatrull")["total"] == 0  # computed and cached
    db = sqlite_utils.Database(path)
    with db.atomic():  # what a re-crawl's normalize does, while the archive is served
        first = db.execute("select * from commitments where id = 1").fetchone()
        columns = [d[0] for d in db.execute("select * from commitments limit 0").description]
        row = dict(zip(columns, first), id=999, text="Testlöfte: hundpatrullen går i parken.",
                   text_key="testlöfte hundpatrullen går i parken")
        db["commitments"].insert(row)
        build_search_index(db)
    ranker_for(path).wait(state_of(path))
    found = search("hundpatrull")
    assert found["total"] == 1 and found["hits"][0]["id"] == 999
    assert found["ranking"] == "tantivy"
