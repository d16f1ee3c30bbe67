"""Top-k ranking for search: an in-memory tantivy index beside SQLite FTS5.

FTS5 finds the matching commitments quickly (0.3–3 ms for 10,000–70,000
matches on the 100,000-commitment benchmark), but ``order by rank`` scores
every match with bm25 before it can return the best 50: about 1 µs a row,
38 ms for a common word. It has no top-k shortcut, and that ranking was
most of a search's cost (docs/archive-ui.md). tantivy (Rust, BM25 with
block-max WAND) returns the best 50 of the same matches in 0.1–1.3 ms.

So each server process builds a tantivy index *in memory* from the
archive's ``search_words`` table (about 1 s for 100,000 commitments) and
rebuilds it when the archive file changes. Nothing is written next to the
archive: ``archive.db`` stays the one source, and serving stays read-only.
The archive's FTS5 tables remain the search index for everything else
(matching, the vocabulary that widens query words, facet counts, Datasette's
own search), and the fallback ranking when tantivy is not ready.

Same words, same matches: the tokenizer splits on what is not a letter or
digit and lowercases, as FTS5's ``unicode61 remove_diacritics 0`` does, and
the query words come from the archive's vocabulary (``crawler.search``).
The fields and their weights are the FTS5 index's; the BM25 variants differ
in detail (tantivy scores each field on its own length), so a tie may break
differently from the fallback.
"""

from __future__ import annotations

import json
import sqlite3
import threading

import tantivy

from crawler.search import COMMITMENT_COLUMNS

NONE = "(saknas)"  # the search page's value for a missing facet value
# search page filter parameter -> (search_facets column or expression)
FILTER_FIELDS = {"lan": "f.county", "polisregion": "f.police_region", "ar": "f.start_year",
                 "ansvarig": "f.responsible", "typ": "f.kind"}


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=False)
    for field in COMMITMENT_COLUMNS:
        builder.add_text_field(field, tokenizer_name="sv")
    for param in (*FILTER_FIELDS, "tema", "version"):
        builder.add_text_field(param, tokenizer_name="raw", index_option="basic")
    return builder.build()


def _analyzer():
    # unicode61 remove_diacritics 0: split on non-letters/digits, lowercase.
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase()).build())


class RankIndex:
    """The newest copy of each commitment text, ranked by tantivy."""

    def __init__(self, conn: sqlite3.Connection):
        self.schema = _schema()
        self.index = tantivy.Index(self.schema)  # in memory
        self.index.register_tokenizer("sv", _analyzer())
        writer = self.index.writer(heap_size=64_000_000, num_threads=1)
        columns = ", ".join(f"s.{c}" for c in COMMITMENT_COLUMNS)
        filters = ", ".join(FILTER_FIELDS.values())
        for row in conn.execute(f"""
                select s.rowid, {columns}, {filters}, f.themes, f.current
                from search_words s join search_facets f on f.id = s.rowid"""):
            values = list(row)
            document = {"id": values[0]}
            document.update(zip(COMMITMENT_COLUMNS, values[1:1 + len(COMMITMENT_COLUMNS)]))
            rest = values[1 + len(COMMITMENT_COLUMNS):]
            for param, value in zip(FILTER_FIELDS, rest):
                document[param] = NONE if value is None else str(value)
            document["tema"] = json.loads(rest[-2] or "[]")
            document["version"] = "senaste" if rest[-1] else "aldre"
            writer.add_document(tantivy.Document(**document))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def _group(self, kind: str, words: list[str]) -> tantivy.Query:
        alternatives = []
        for field, weight in COMMITMENT_COLUMNS.items():
            if kind == "phrase":
                queries = [tantivy.Query.phrase_query(self.schema, field, words)]
            else:
                queries = [tantivy.Query.term_query(self.schema, field, w) for w in words]
            alternatives += [(tantivy.Occur.Should, tantivy.Query.boost_query(q, weight))
                             for q in queries]
        return tantivy.Query.boolean_query(alternatives)

    def query(self, groups: list[tuple[str, list[str]]], chosen: dict) -> tantivy.Query:
        clauses = [(tantivy.Occur.Must, self._group(kind, words)) for kind, words in groups]
        for param, value in chosen.items():
            clauses.append((tantivy.Occur.Must, tantivy.Query.term_query(
                self.schema, param, NONE if value is None else str(value))))
        return tantivy.Query.boolean_query(clauses)

    def top(self, groups: list[tuple[str, list[str]]], chosen: dict, limit: int,
            offset: int = 0) -> list[int]:
        """Ids of the best matches of the query groups (crawler.search.query_groups),
        narrowed by the chosen search-page filters, best first."""
        if not groups:
            return []
        result = self.searcher.search(self.query(groups, chosen), limit=limit, count=False,
                                      offset=offset)
        return [self.searcher.doc(address)["id"][0] for _, address in result.hits]


    def similar(self, words: list[str], limit: int) -> list[int]:
        """Ids of the commitments whose text shares the most, and the rarest,
        of ``words`` (BM25 over their OR): the candidates for "similar
        commitments", which are then ordered by letter-trigram overlap."""
        if not words:
            return []
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "text", w))
             for w in words])
        result = self.searcher.search(query, limit=limit, count=False)
        return [self.searcher.doc(address)["id"][0] for _, address in result.hits]


class Ranker:
    """This process's RankIndex for one archive file, rebuilt when it changes.

    ``get(state)`` returns the index for that archive state, or None while it
    is being built (callers then rank with FTS5). The build runs in a thread
    of its own on its own read-only connection.
    """

    def __init__(self, path: str):
        self.path = path
        self.lock = threading.Lock()
        self.state = None
        self.ready: RankIndex | None = None
        self.building = None
        self.failed = None  # the state whose build failed (not retried)

    def get(self, state) -> RankIndex | None:
        with self.lock:
            if self.state == state and self.ready is not None:
                return self.ready
            if self.building != state and self.failed != state:
                self.building = state
                threading.Thread(target=self._build, args=(state,), daemon=True).start()
            return None

    def wait(self, state, timeout: float = 60.0) -> RankIndex | None:
        """Build (or wait for) the index for ``state``; used at startup."""
        self.get(state)
        event = threading.Event()
        for _ in range(int(timeout / 0.05)):
            with self.lock:
                if self.state == state and self.ready is not None:
                    return self.ready
                if self.failed == state:
                    return None
            event.wait(0.05)
        return None

    def _build(self, state) -> None:
        try:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                index = RankIndex(conn)
            finally:
                conn.close()
        except (sqlite3.Error, ValueError):
            # No search tables (an archive never normalized) or a broken one:
            # searches keep ranking with FTS5, which reports the problem.
            with self.lock:
                if self.building == state:
                    self.building, self.failed = None, state
            return
        with self.lock:
            if self.building == state:
                self.state, self.ready, self.building = state, index, None


RANKERS: dict[str, Ranker] = {}


def ranker_for(path: str) -> Ranker:
    """The process-wide Ranker of an archive file."""
    with _RANKERS_LOCK:
        if path not in RANKERS:
            RANKERS[path] = Ranker(path)
        return RANKERS[path]


_RANKERS_LOCK = threading.Lock()


def database_state(path: str | None) -> tuple:
    """Changes whenever the archive is written: the file's mtime and size, and
    those of its WAL while the WAL holds anything.

    An empty or missing WAL count the same: readers create an empty one when
    they open a WAL-mode archive and the last one to close removes it, and
    neither is a change (counting it rebuilt the indexes in a loop).
    """
    import os

    state = []
    for suffix in ("", "-wal"):
        try:
            stat = os.stat(f"{path}{suffix}")
            state.append((stat.st_mtime_ns, stat.st_size) if stat.st_size else None)
        except (OSError, TypeError):
            state.append(None)
    return tuple(state)
