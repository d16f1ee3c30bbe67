"""Reading the archive: validators and known pages for the crawl, stored bodies."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import zlib
from pathlib import Path

import sqlite_utils

from crawler.store.archive import ArchiveError


def validators(path: str | os.PathLike) -> dict[str, tuple[str | None, str | None]]:
    """ETag / Last-Modified of every archived page, for conditional requests."""
    rows = _read(path, "select url, etag, last_modified from pages where gone_since is null")
    return {url: (etag, last_modified) for url, etag, last_modified in rows}


def known_pages(path: str | os.PathLike, site: str | None = None) -> list[str]:
    """URLs archived for a site (gone ones included: they may come back)."""
    sql, params = "select url from pages", []
    if site is not None:
        sql, params = sql + " where site = ?", [site]
    return [url for (url,) in _read(path, sql + " order by url", params)]


def _read(path: str | os.PathLike, sql: str, params=()) -> list[tuple]:
    """Rows from a read-only connection: the crawl's pipeline has already
    opened (and if needed created) the archive, and a read must not fail on
    a full disk. No archive or no table yet: no rows."""
    if not Path(path).exists():
        return []
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise ArchiveError(f"archive {path} cannot be read: {exc}") from exc
    finally:
        conn.close()


class BodyError(ValueError):
    """A stored body is missing, cannot be decompressed, or fails its sha256."""


def known_relevant_pages(path: str | os.PathLike, site: str | None = None) -> set[str]:
    """URLs of a site whose last judgement by the crawl was "promise page"."""
    sql, params = "select url from pages where relevant = 1", []
    if site is not None:
        sql, params = sql + " and site = ?", [site]
    return {url for (url,) in _read(path, sql, params)}


def read_body(db: sqlite_utils.Database, body_sha256: str) -> bytes:
    """A stored body, verified against its sha256 (bit rot inside a zlib
    stream is invisible to SQLite's integrity_check)."""
    row = next(db.query("select compression, body from bodies where sha256 = ?",
                        [body_sha256]), None)
    if row is None:
        raise BodyError(f"body {body_sha256[:12]}… is missing from the archive")
    return verified_body(body_sha256, row["compression"], row["body"])


def verified_body(body_sha256: str, compression: str | None, stored: bytes | None) -> bytes:
    try:
        body = zlib.decompress(stored) if compression == "zlib" else stored
    except (zlib.error, TypeError) as exc:
        raise BodyError(f"body {body_sha256[:12]}… cannot be decompressed: {exc}") from exc
    if body is None or hashlib.sha256(body).hexdigest() != body_sha256:
        raise BodyError(f"body {body_sha256[:12]}… does not match its sha256 (damaged)")
    return body
