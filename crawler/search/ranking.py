"""Top-k ranking for search: an in-memory tantivy index beside SQLite FTS5.

FTS5 finds the matching commitments quickly (0.3–3 ms for 10,000–70,000
matches on the 100,000-commitment benchmark), but ``order by rank`` scores
every match with bm25 before it can return the best 50: about 1 µs a row,
38 ms for a common word. It has no top-k shortcut, and that ranking was
most of a search's cost (docs/archive-ui.md). tantivy (Rust, BM25 with
block-max WAND) returns the best 50 of the same matches in 0.1–1.3 ms.

So each server process builds a tantivy index *in memory* from the
archive's ``search_words`` table (about 1 s for 100,000 commitments) and
rebuilds it when ``normalize`` rebuilds the search tables. Nothing is
written next to the archive: ``archive.db`` stays the one source, and
serving stays read-only.
The archive's FTS5 tables remain the search index for everything else
(matching, the vocabulary that widens query words, facet counts, Datasette's
own search), and the fallback ranking when tantivy is not ready.

Same words, same matches: the tokenizer splits on what is not a letter or
digit and lowercases, as FTS5's ``unicode61 remove_diacritics 0`` does, and
the query words come from the archive's vocabulary (``crawler.search.words``).
The fields and their weights are the FTS5 index's; the BM25 variants differ
in detail (tantivy scores each field on its own length), so a tie may break
differently from the fallback.
"""

from __future__ import annotations

import sqlite3
import threading

import tantivy

from crawler.search.filters import FILTERS, tantivy_term, tantivy_terms
from crawler.store.schema import COMMITMENT_COLUMNS


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=False)
    for field in COMMITMENT_COLUMNS:
        builder.add_text_field(field, tokenizer_name="sv")
    for spec in FILTERS:
        builder.add_text_field(spec.param, tokenizer_name="raw", index_option="basic")
    return builder.build()


def _analyzer():
    # unicode61 remove_diacritics 0: split on non-letters/digits, lowercase.
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase()).build())


class RankIndex:
    """The newest copy of each commitment text, ranked by tantivy."""

    def __init__(self, conn: sqlite3.Connection | None, directory: str | None = None):
        """Build the index from the archive's search tables, in memory or in
        ``directory`` (an empty directory); with ``conn`` None, open the
        index already built in ``directory``."""
        self.schema = _schema()
        if conn is None:
            self.index = tantivy.Index.open(directory)
        else:
            self.index = tantivy.Index(self.schema, path=directory)
        self.index.register_tokenizer("sv", _analyzer())
        if conn is not None:
            self._fill(conn)
        self.index.reload()
        self.searcher = self.index.searcher()

    @classmethod
    def open(cls, directory: str) -> "RankIndex":
        return cls(None, directory)

    def _fill(self, conn: sqlite3.Connection) -> None:
        writer = self.index.writer(heap_size=64_000_000, num_threads=1)
        columns = ", ".join(f"s.{c}" for c in COMMITMENT_COLUMNS)
        filters = ", ".join(f"f.{spec.column}" for spec in FILTERS)
        for row in conn.execute(f"""
                select s.rowid, {columns}, {filters}
                from search_words s join search_facets f on f.id = s.rowid"""):
            document = {"id": row[0]}
            document.update(zip(COMMITMENT_COLUMNS, row[1:1 + len(COMMITMENT_COLUMNS)]))
            for spec, stored in zip(FILTERS, row[1 + len(COMMITMENT_COLUMNS):]):
                document[spec.param] = tantivy_terms(spec, stored)
            writer.add_document(tantivy.Document(**document))
        writer.commit()
        writer.wait_merging_threads()

    def _group(self, kind: str, words: list[str]) -> tantivy.Query:
        # The commitment text is what is searched; filters cover the metadata
        # (crawler.search.words.match_expression does the same for FTS5).
        if kind == "phrase":
            return tantivy.Query.phrase_query(self.schema, "text", words)
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "text", w))
             for w in words])

    def query(self, groups: list[tuple[str, list[str]]], chosen: dict) -> tantivy.Query:
        clauses = [(tantivy.Occur.Must, self._group(kind, words)) for kind, words in groups]
        for param, value in chosen.items():
            term = tantivy_term(param, value)
            clauses.append((tantivy.Occur.Must, tantivy.Query.empty_query() if term is None
                            else tantivy.Query.term_query(self.schema, param, term)))
        return tantivy.Query.boolean_query(clauses)

    def top(self, groups: list[tuple[str, list[str]]], chosen: dict, limit: int,
            offset: int = 0) -> list[int]:
        """Ids of the best matches of the query groups (crawler.search.words.query_groups),
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


def search_state(conn: sqlite3.Connection) -> int:
    """Changes when ``normalize`` rebuilds the search tables, and only then.

    The schema version: rebuilding drops and creates the search tables, while
    a crawl writing pages and snapshots leaves the schema alone. (The file's
    mtime and size change with every write, and readers create and remove an
    empty WAL: keyed on those, the indexes were rebuilt over and over.)
    """
    return conn.execute("pragma schema_version").fetchone()[0]


def open_rank_index(conn: sqlite3.Connection, path: str) -> "RankIndex":
    # crawler.search.disk imports this module: imported here to break the cycle
    from crawler.search.disk import open_rank_index as open_index  # noqa: PLC0415
    return open_index(conn, path)


class Ranker:
    """This process's RankIndex for one archive file, rebuilt when its search
    tables are.

    ``get(state)`` returns the index built for that ``search_state``, or None
    while it is being built (callers then rank with FTS5). One build at a
    time, in a thread of its own on its own read-only connection; a build
    asked for while one runs starts when that one ends.
    """

    def __init__(self, path: str):
        self.path = path
        self.changed = threading.Condition()  # guards the fields below
        self.ready: RankIndex | None = None
        self.ready_state = None
        self.wanted = None
        self.building = False
        self.failed = None  # the state whose build failed (not retried)

    def get(self, state) -> RankIndex | None:
        with self.changed:
            if self.ready is not None and self.ready_state == state:
                return self.ready
            self.wanted = state
            if not self.building and self.failed != state:
                self.building = True
                threading.Thread(target=self._build, daemon=True).start()
            return None

    def wait(self, state, timeout: float = 60.0) -> RankIndex | None:
        """Build (or wait for) the index for ``state``; used at startup."""
        self.get(state)
        with self.changed:
            self.changed.wait_for(lambda: not self.building, timeout)
            return self.ready if self.ready_state == state else None

    def _build(self) -> None:
        while True:
            with self.changed:
                asked = self.wanted
            try:
                conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
                try:
                    conn.execute("begin")  # one snapshot: the state read is the data read
                    state = search_state(conn)
                    index = open_rank_index(conn, self.path)
                finally:
                    conn.close()
            except (sqlite3.Error, ValueError):
                # No search tables (an archive never normalized) or a broken
                # one: searches keep ranking with FTS5, which reports it.
                with self.changed:
                    self.failed, self.building = asked, False
                    self.changed.notify_all()
                return
            with self.changed:
                self.ready, self.ready_state = index, state
                if self.wanted in (asked, state):
                    self.building = False
                    self.changed.notify_all()
                    return
            # Asked for another state while building: build again.


def ready_index(path: str | None, state) -> RankIndex | None:
    """The ranking index of an archive file for ``state``, if this process
    has it ready (a build is started if not); None for in-memory databases."""
    return ranker_for(path).get(state) if path else None


RANKERS: dict[str, Ranker] = {}
_RANKERS_LOCK = threading.Lock()


def ranker_for(path: str) -> Ranker:
    """The process-wide Ranker of an archive file."""
    with _RANKERS_LOCK:
        if path not in RANKERS:
            RANKERS[path] = Ranker(path)
        return RANKERS[path]
