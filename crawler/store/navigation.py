"""Writes ``navigation_pages``: validators and body of pages crawled only for their links.

The crawl's own revalidation cache, in the archive instead of a second copy
of every body in Scrapy's filesystem HTTP cache: archived pages are
revalidated from ``pages``/``bodies``, the rest from here. Rows are written
in batches on the archive writer thread (crawler.store.writer); a lost batch
only costs a full download next time.
"""

from __future__ import annotations

import os
import zlib

from crawler.store.archive import open_db, utcnow
from crawler.store.writer import WRITER

COMPRESSION_LEVEL = 1   # navigation bodies are read back once per re-crawl: favour speed
BATCH = 200


class NavigationPages:
    """Buffers navigation pages seen by a crawl and writes them in batches."""

    def __init__(self, path: str | os.PathLike):
        self.path = path
        self.db = None   # opened on the writer thread
        self.pending: list[tuple] = []

    def add(self, url: str, site: str, etag: str | None, last_modified: str | None,
            content_type: str, body: bytes) -> None:
        self.pending.append((url, site, utcnow(), etag, last_modified, content_type, "zlib",
                             zlib.compress(body, COMPRESSION_LEVEL)))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self):
        """Hand the buffered rows to the writer thread; returns its future."""
        rows, self.pending = self.pending, []
        return WRITER.submit(self._write, rows)

    def close(self) -> None:
        self.flush().result()
        WRITER.submit(self._close).result()

    def _write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        if self.db is None:
            self.db = open_db(self.path)
        with self.db.atomic():
            self.db.conn.executemany(
                "insert or replace into navigation_pages (url, site, fetched_at, etag,"
                " last_modified, content_type, compression, body)"
                " values (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def _close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
