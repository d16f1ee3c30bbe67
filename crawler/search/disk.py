"""Search indexes on disk beside the archive: built once by ``normalize``, shared by workers.

Each serving process used to build its own tantivy ranking index and numpy
facet arrays from the archive at start and after every archive change
(6–31 s cold start with 2 workers at 100,000 commitments, issue 17). Now
``normalize`` builds them once, in the transaction that rebuilds the search
tables, into ``<archive>.indexes/<token>/`` (``rank/``: tantivy's own files;
``facets/``: .npy arrays that workers memory-map, so every worker shares
one copy in the page cache), and records ``token`` in the ``search_indexes``
table of that same transaction. A reader takes the token from the snapshot
it reads the search tables from, so index and tables always match; a new
build goes to a new directory, renamed into place before the commit, and
the swap is the commit. The previous directory is kept for readers still on
it; older ones are removed. With no directory (an archive copied without
it, an in-memory database), processes build the indexes in memory as before.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import sqlite_utils

from crawler.search.facets import FacetIndex, FrequentWords
from crawler.search.ranking import RankIndex

KEEP = 2   # index directories kept: the new one and the one readers may still use


def indexes_root(archive_path: str | os.PathLike) -> Path:
    return Path(f"{archive_path}.indexes")


def archive_path(conn: sqlite3.Connection) -> str | None:
    """The file of a connection's main database (None: in memory)."""
    for _, name, file in conn.execute("pragma database_list"):
        if name == "main":
            return file or None
    return None


def build_disk_indexes(db: sqlite_utils.Database) -> Path | None:
    """Build the ranking and facet indexes of the search tables as the
    caller's transaction sees them, and point ``search_indexes`` at them."""
    path = archive_path(db.conn)
    db.execute("delete from search_indexes")
    if path is None:
        return None
    root = indexes_root(path)
    token = uuid.uuid4().hex
    building = root / f"{token}.building"
    (building / "rank").mkdir(parents=True)
    RankIndex(db.conn, str(building / "rank"))
    facets = FacetIndex.load(db.conn)
    facets.save(building / "facets")
    FrequentWords.build(db.conn, facets).save(building / "facets")
    directory = root / token
    os.replace(building, directory)
    db.execute("insert into search_indexes (token) values (?)", [token])
    _prune(root, keep={token})
    return directory


def _prune(root: Path, keep: set[str]) -> None:
    """Remove all but the newest KEEP index directories (and failed builds)."""
    built = sorted((d for d in root.iterdir() if d.is_dir() and "." not in d.name),
                   key=lambda d: d.stat().st_mtime, reverse=True)
    for directory in built[KEEP:]:
        if directory.name not in keep:
            shutil.rmtree(directory, ignore_errors=True)
    for directory in root.glob("*.building"):
        if directory.name.split(".")[0] not in keep:
            shutil.rmtree(directory, ignore_errors=True)


def current_directory(conn: sqlite3.Connection, path: str | None) -> Path | None:
    """The index directory for the search tables this connection sees, if built."""
    if not path:
        return None
    try:
        row = conn.execute("select token from search_indexes").fetchone()
    except sqlite3.OperationalError:   # an archive from before on-disk indexes
        return None
    if row is None:
        return None
    directory = indexes_root(path) / row[0]
    return directory if (directory / "facets").is_dir() else None


def open_rank_index(conn: sqlite3.Connection, path: str | None) -> RankIndex:
    directory = current_directory(conn, path)
    return RankIndex.open(str(directory / "rank")) if directory else RankIndex(conn)


def open_facet_index(conn: sqlite3.Connection, path: str | None) -> FacetIndex:
    """The facet index (with ``frequent``: its FrequentWords, or None)."""
    directory = current_directory(conn, path)
    try:
        index = FacetIndex.open(directory / "facets") if directory else None
    except ValueError:   # an index from an older version: read the tables instead
        directory = index = None
    if directory is None:
        index = FacetIndex.load(conn)
        index.frequent = None
        return index
    index.frequent = FrequentWords.open(directory / "facets")
    return index
