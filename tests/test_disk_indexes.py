"""Search indexes built once by normalize on disk, opened by every worker, swapped by the commit."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
import sqlite_utils

from crawler.derive.run import build_serving_tables
from crawler.search.disk import current_directory, indexes_root
from crawler.search.facets import FacetIndex, FrequentWords
from crawler.search.ranking import RankIndex, Ranker, search_state
from crawler.search.words import query_groups
from serve_fixtures import build_serve_archive


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_serve_archive(tmp_path_factory.mktemp("disk") / "archive.db")


@pytest.fixture()
def path(built, tmp_path):
    copy = tmp_path / "archive.db"
    shutil.copy(built, copy)
    shutil.copytree(indexes_root(built), indexes_root(copy))
    return copy


def rebuild(path) -> None:
    db = sqlite_utils.Database(path)
    with db.atomic():
        build_serving_tables(db)
    db.close()


def test_normalize_leaves_indexes_beside_the_archive_that_match_the_tables(path):
    conn = sqlite3.connect(path)
    directory = current_directory(conn, str(path))
    assert directory is not None and directory.parent == indexes_root(path)
    on_disk, in_memory = RankIndex.open(str(directory / "rank")), RankIndex(conn)
    for q in ("trygghetsvandringar", "polisen", "kommunen belysning"):
        groups = query_groups(conn, q)
        assert on_disk.top(groups, {}, 50) == in_memory.top(groups, {}, 50) != [], q
    mapped, loaded = FacetIndex.open(directory / "facets"), FacetIndex.load(conn)
    ids = loaded.ids.tolist()
    for chosen in ({}, {"ansvarig": "polisen"}, {"version": "aldre"}, {"tema": "trygghet"}):
        assert mapped.counts(ids, chosen)[0] == loaded.counts(ids, chosen)[0], chosen
    conn.close()


def test_a_rebuild_swaps_indexes_at_its_commit_and_keeps_the_previous_for_readers(path):
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("begin")
    before = current_directory(reader, str(path))
    rebuild(path)
    assert current_directory(reader, str(path)) == before   # the reader's snapshot
    assert (before / "rank").is_dir()                        # still there for it
    reader.execute("commit")
    after = current_directory(reader, str(path))
    assert after != before and (after / "rank").is_dir()
    rebuild(path)
    assert not before.exists()                               # two rebuilds later: removed
    assert len([d for d in indexes_root(path).iterdir()]) == 2
    reader.close()


def test_workers_open_the_built_index_instead_of_building_one(path, monkeypatch):
    conn = sqlite3.connect(path)
    state = search_state(conn)
    conn.close()

    def no_building(self, conn):
        raise AssertionError("a worker built the index although one is on disk")

    monkeypatch.setattr(RankIndex, "_fill", no_building)
    index = Ranker(str(path)).wait(state, timeout=30)
    assert index is not None and index.searcher.num_docs > 0


def test_without_an_index_directory_a_worker_builds_in_memory(path):
    shutil.rmtree(indexes_root(path))
    conn = sqlite3.connect(path)
    state = search_state(conn)
    assert current_directory(conn, str(path)) is None
    conn.close()
    index = Ranker(str(path)).wait(state, timeout=30)
    assert index is not None and index.searcher.num_docs > 0


def test_frequent_word_bitmaps_match_the_same_rows_as_fts(path):
    from crawler.search.disk import open_facet_index
    from crawler.search.words import match_expression

    conn = sqlite3.connect(path)
    index = open_facet_index(conn, str(path))
    assert index.frequent is not None and index.frequent.words

    def fts_rows(groups):
        return index.positions([r[0] for r in conn.execute(
            "select rowid from search_words where search_words match ?",
            [match_expression(groups)])])

    asked = []

    def rows_of(words):   # FTS5 for the words without a bitmap, as search_page asks
        asked.append(words)
        return fts_rows([("words", words)])

    # Half of the words keep their bitmaps (this small archive has a bitmap for
    # every word); the others are asked of FTS5, as rare words are.
    full = index.frequent
    kept = full.words[::2]
    frequent = FrequentWords(kept, full.bitmaps[[full.row[w] for w in kept]], full.size)
    checked, mixed = 0, 0
    for q in ("polisen", "kommunen ska", "testlöfte", "polisen kommunen", "vandring",
              "trygghet centrum", "polisen narkotika", "kommunen grannsamverkan",
              "ska trygghetsvandringar", "polisen kommunen belysning"):
        groups = query_groups(conn, q)
        asked.clear()
        where = frequent.positions(groups, rows_of)
        if where is None:
            continue
        assert where.tolist() == sorted(fts_rows(groups).tolist()), q
        checked += 1
        mixed += bool(asked)
        if asked:   # without FTS5 for the rare words, no answer rather than a wrong one
            assert frequent.positions(groups) is None
        assert full.positions(groups).tolist() == where.tolist()
    assert checked >= 6 and mixed >= 2
    assert frequent.positions(query_groups(conn, '"polisen ska"'), rows_of) is None
    conn.close()
