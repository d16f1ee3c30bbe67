"""Facet counts for the search page, from an in-memory copy of ``search_facets``.

Counting facets in SQL means looking up every matching row's facet columns
and grouping seven times: 27 ms for a query matching 10,000 of 100,000
commitments, more than ranking them (``bench/serve.py``). Here each facet
column is held once per server process as a numpy array of small integer
codes, and a search's counts are one ``bincount`` per facet over the
positions of its matching rows: 1.4 ms for the same query, plus 3 ms to
read the matching ids. Columns holding a list per row (themes, the
municipalities of a joint promise) are (row, value) pairs, counted the same
way (``ListColumn``). The copy (0.4 s to load at 100,000 rows) is rebuilt
when ``normalize`` rebuilds the search tables (the caller passes
``crawler.search.ranking.search_state``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from crawler.search.filters import COLUMN_FILTERS, LIST_FILTERS, VERSIONS, numpy_mask

# search page parameter -> search_facets column (lists and version are special)
COLUMNS = {f.param: f.column for f in COLUMN_FILTERS}
LISTS = {f.param: f.column for f in LIST_FILTERS}


@dataclass
class Column:
    codes: np.ndarray    # per row: index into values
    values: list         # distinct values, None included


class ListColumn:
    """A column holding a list of values per row (themes, municipality codes),
    as (row, value) pairs grouped by value: a value's rows are one slice.

    Sparse, so 290 municipalities over a million rows stay a few MB, and a
    search's counts are one ``bincount`` over the pairs of its matching rows."""

    def __init__(self, rows: np.ndarray, codes: np.ndarray, values: list, size: int):
        self.rows, self.codes, self.values, self.size = rows, codes, values, size
        self.offsets = np.searchsorted(codes, np.arange(len(values) + 1))
        self.code = {v: i for i, v in enumerate(values)}

    @classmethod
    def build(cls, lists: list[list]) -> "ListColumn":
        values = sorted({v for row in lists for v in row})
        code = {v: i for i, v in enumerate(values)}
        pairs = sorted((code[v], j) for j, row in enumerate(lists) for v in set(row))
        return cls(np.fromiter((j for _, j in pairs), dtype=np.int32, count=len(pairs)),
                   np.fromiter((c for c, _ in pairs), dtype=np.int32, count=len(pairs)),
                   values, len(lists))

    def mask(self, value) -> np.ndarray:
        """Rows whose list holds ``value``."""
        found = np.zeros(self.size, dtype=bool)
        if value in self.code:
            i = self.code[value]
            found[self.rows[self.offsets[i]:self.offsets[i + 1]]] = True
        return found

    def counts(self, selected: np.ndarray) -> np.ndarray:
        """Per value, how many of the selected rows (a boolean mask) hold it."""
        return np.bincount(self.codes[selected[self.rows]], minlength=len(self.values))


class FacetIndex:
    """The facet columns of the newest copy of each commitment text."""

    def __init__(self, rows: list[tuple]):
        # rows: (id, *COLUMNS values, *LISTS values (JSON), current)
        rows.sort(key=lambda r: r[0])
        self.ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        self.columns = {param: self._column([r[i] for r in rows])
                        for i, param in enumerate(COLUMNS, start=1)}
        first_list = 1 + len(COLUMNS)
        self.lists = {param: ListColumn.build([json.loads(r[i] or "[]") for r in rows])
                      for i, param in enumerate(LISTS, start=first_list)}
        self.current = np.fromiter((bool(r[-1]) for r in rows), dtype=bool, count=len(rows))

    @staticmethod
    def _column(values: list) -> Column:
        distinct = sorted(set(values), key=lambda v: (v is None, str(v)))
        code = {v: i for i, v in enumerate(distinct)}
        return Column(np.fromiter((code[v] for v in values), dtype=np.int32,
                                  count=len(values)), distinct)

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> "FacetIndex":
        return cls(conn.execute(
            f"select id, {', '.join([*COLUMNS.values(), *LISTS.values()])}, current "
            "from search_facets where newest = 1").fetchall())

    def save(self, directory: Path) -> None:
        """Write the arrays as .npy files (memory-mapped by ``open``) and the values as JSON."""
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / "ids.npy", self.ids)
        np.save(directory / "current.npy", self.current)
        for param, column in self.columns.items():
            np.save(directory / f"{param}.npy", column.codes)
        for param, column in self.lists.items():
            np.save(directory / f"{param}.rows.npy", column.rows)
            np.save(directory / f"{param}.codes.npy", column.codes)
        (directory / "values.json").write_text(json.dumps(
            {"columns": {p: c.values for p, c in self.columns.items()},
             "lists": {p: c.values for p, c in self.lists.items()}}, ensure_ascii=False))

    @classmethod
    def open(cls, directory: Path) -> "FacetIndex":
        """A saved index, its arrays memory-mapped (shared by every process)."""
        index = cls.__new__(cls)
        values = json.loads((directory / "values.json").read_text())
        if "lists" not in values:   # built before list columns: normalize rebuilds it
            raise ValueError(f"{directory}: an older facet index")
        index.ids = np.load(directory / "ids.npy", mmap_mode="r")
        index.current = np.load(directory / "current.npy", mmap_mode="r")
        index.columns = {param: Column(np.load(directory / f"{param}.npy", mmap_mode="r"),
                                       column_values)
                         for param, column_values in values["columns"].items()}
        index.lists = {param: ListColumn(np.load(directory / f"{param}.rows.npy", mmap_mode="r"),
                                         np.load(directory / f"{param}.codes.npy", mmap_mode="r"),
                                         list_values, len(index.ids))
                       for param, list_values in values["lists"].items()}
        return index

    def positions(self, row_ids: list[int]) -> np.ndarray:
        """Positions of the given commitment ids (ids not in the index dropped)."""
        wanted = np.asarray(row_ids, dtype=np.int64)
        found = np.searchsorted(self.ids, wanted)
        found = np.minimum(found, len(self.ids) - 1) if len(self.ids) else found
        return found[self.ids[found] == wanted] if len(self.ids) else found[:0]

    def mask(self, param: str, value) -> np.ndarray:
        """Rows whose facet ``param`` is ``value`` (crawler.search.filters)."""
        return numpy_mask(self, param, value)

    def counts(self, row_ids: list[int], chosen: dict) -> tuple[list[tuple], np.ndarray]:
        """(facet parameter, value, count) for the matching rows that pass the
        chosen facet values, and those rows' positions."""
        return self.counts_at(self.positions(row_ids), chosen)

    def counts_at(self, where: np.ndarray, chosen: dict) -> tuple[list[tuple], np.ndarray]:
        """As ``counts``, for the matching rows given by their positions."""
        for param, value in chosen.items():
            where = where[self.mask(param, value)[where]]
        if not len(where):   # nothing matches: every count is 0 (and is left out)
            return [], where
        out = []
        for param, column in self.columns.items():
            out += _nonzero(param, column.values,
                            np.bincount(column.codes[where], minlength=len(column.values)))
        out += _nonzero("version", VERSIONS,
                        np.bincount(self.current[where].astype(np.int8), minlength=2))
        selected = np.zeros(len(self.ids), dtype=bool)
        selected[where] = True
        for param, column in self.lists.items():
            out += _nonzero(param, column.values, column.counts(selected))
        return out, where


# Words in at least this share of the rows get a bitmap (at most MAX_FREQUENT of them).
FREQUENT_SHARE = 0.05
MAX_FREQUENT = 200


class FrequentWords:
    """The rows of the most frequent indexed words, as bitmaps over a FacetIndex's rows.

    A word in every row makes FTS5 hand over every matching id before the
    facets can be counted (100,000 ids through Python for one search). For a
    query made only of frequent words the matching rows are computed here
    instead, exactly: each group is the OR of its words' bitmaps, the query
    the AND of its groups (crawler.search.words.match_expression's logic).
    Built by ``normalize`` beside the facet arrays (crawler.search.disk).
    """

    def __init__(self, words: list[str], bitmaps: np.ndarray, size: int):
        self.row = {w: i for i, w in enumerate(words)}
        self.words, self.bitmaps, self.size = words, bitmaps, size

    @classmethod
    def build(cls, conn: sqlite3.Connection, index: FacetIndex) -> "FrequentWords":
        conn.execute("drop table if exists temp.frequent_vocabulary")
        conn.execute("create virtual table temp.frequent_vocabulary"
                     " using fts5vocab(main, search_words, row)")
        words = [r[0] for r in conn.execute(
            "select term from temp.frequent_vocabulary where doc >= ? order by doc desc limit ?",
            [max(1, int(FREQUENT_SHARE * len(index.ids))), MAX_FREQUENT])]
        conn.execute("drop table temp.frequent_vocabulary")
        bitmaps = np.zeros((len(words), (len(index.ids) + 7) // 8), dtype=np.uint8)
        for i, word in enumerate(words):
            ids = np.fromiter((r[0] for r in conn.execute(
                "select rowid from search_words where search_words match ?",
                ['text : "' + word.replace('"', '""') + '"'])), dtype=np.int64)  # as searched
            mask = np.zeros(len(index.ids), dtype=bool)
            mask[index.positions(ids)] = True
            bitmaps[i] = np.packbits(mask)
        return cls(words, bitmaps, len(index.ids))

    def save(self, directory: Path) -> None:
        np.save(directory / "frequent.npy", self.bitmaps)
        (directory / "frequent.json").write_text(json.dumps(
            {"words": self.words, "size": self.size}, ensure_ascii=False))

    @classmethod
    def open(cls, directory: Path) -> "FrequentWords | None":
        if not (directory / "frequent.json").exists():
            return None
        meta = json.loads((directory / "frequent.json").read_text())
        return cls(meta["words"], np.load(directory / "frequent.npy", mmap_mode="r"),
                   meta["size"])

    def positions(self, groups: list[tuple[str, list[str]]] | None,
                  rows_of: Callable[[list[str]], np.ndarray] | None = None) -> np.ndarray | None:
        """Positions of the rows matching the query groups, exactly as FTS5 would
        match them. A group's words without a bitmap are looked up with
        ``rows_of(words)`` (positions of the rows holding any of them: the
        caller asks FTS5, cheap for words outside the most frequent; "polisen"
        also finds "lokalpolisområde"). None (ask FTS5 for the whole query)
        for a phrase, when no query word has a bitmap, or when some word lacks
        one and there is no ``rows_of``."""
        if not groups or any(kind == "phrase" for kind, _ in groups):
            return None
        frequent = [[w for w in words if w in self.row] for _, words in groups]
        rare = [[w for w in words if w not in self.row] for _, words in groups]
        if not any(frequent) or (any(rare) and rows_of is None):
            return None
        matching = None
        for known, unknown in zip(frequent, rare):
            group = np.zeros(self.bitmaps.shape[1], dtype=np.uint8)
            if known:
                group = np.bitwise_or.reduce(self.bitmaps[[self.row[w] for w in known]], axis=0)
            if unknown:
                found = np.zeros(self.size, dtype=bool)
                found[rows_of(unknown)] = True
                group = group | np.packbits(found)
            matching = group if matching is None else matching & group
        return np.flatnonzero(np.unpackbits(matching, count=self.size))


def _nonzero(param: str, values, counts: np.ndarray) -> list[tuple]:
    """(param, value, count) for each value counted at least once, in value order."""
    codes = np.flatnonzero(counts)
    return [(param, values[code], n) for code, n in zip(codes.tolist(), counts[codes].tolist())]
