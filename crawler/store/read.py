"""Reading the archive: validators and known pages for the crawl, stored bodies."""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from crawler.store.archive import open_db

@dataclass(frozen=True)
class Validators:
    """What a conditional request for a URL sends, and where its body is kept."""

    etag: str | None
    last_modified: str | None
    source: str   # "archive" (pages/bodies) or "navigation" (navigation_pages)


VALIDATORS_SQL = """
    select url, etag, last_modified, last_seen as seen, 'archive' as source from pages
    where gone_since is null and coalesce(etag, last_modified) is not null
    union all
    select url, etag, last_modified, fetched_at, 'navigation' from navigation_pages
    where coalesce(etag, last_modified) is not null
    order by seen"""


def validators(path: str | os.PathLike) -> dict[str, Validators]:
    """ETag / Last-Modified of every archived and navigation page (the newest
    of the two when a URL is in both), for conditional requests."""
    if not Path(path).exists():
        return {}
    db = open_db(path)
    try:
        return {r["url"]: Validators(r["etag"], r["last_modified"], r["source"])
                for r in db.query(VALIDATORS_SQL)}
    finally:
        db.close()


def stored_page(db: sqlite_utils.Database, url: str, source: str) -> tuple[str, bytes] | None:
    """(content type, body) of a page as last fetched: the current snapshot of an
    archived page, or a navigation page's stored body."""
    if source == "archive":
        sql = """select s.content_type, b.compression, b.body from pages p
                 join snapshots s on s.id = p.current_snapshot_id
                 join bodies b on b.sha256 = s.body_sha256 where p.url = ?"""
    else:
        sql = "select content_type, compression, body from navigation_pages where url = ?"
    row = db.execute(sql, [url]).fetchone()
    if row is None:
        return None
    content_type, compression, body = row
    return content_type or "", zlib.decompress(body) if compression == "zlib" else body


def known_pages(path: str | os.PathLike, site: str | None = None) -> list[str]:
    """URLs archived for a site (gone ones included: they may come back)."""
    if not Path(path).exists():
        return []
    db = open_db(path)
    try:
        sql, params = "select url from pages", []
        if site is not None:
            sql, params = sql + " where site = ?", [site]
        return [r["url"] for r in db.query(sql + " order by url", params)]
    finally:
        db.close()


def read_body(db: sqlite_utils.Database, body_sha256: str) -> bytes:
    row = next(db.query("select compression, body from bodies where sha256 = ?",
                        [body_sha256]))
    return zlib.decompress(row["body"]) if row["compression"] == "zlib" else row["body"]
