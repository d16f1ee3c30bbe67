"""Reading the archive: validators and known pages for the crawl, stored bodies,
and the count of distinct commitments per municipality that the pages
(crawler.web) and the summaries normalize builds (crawler.derive) share."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from crawler.store.archive import ArchiveError


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
    return {url: Validators(etag, last_modified, source)
            for url, etag, last_modified, _seen, source in _read(path, VALIDATORS_SQL)}


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
    sql, params = "select url from pages", []
    if site is not None:
        sql, params = sql + " where site = ?", [site]
    return [url for (url,) in _read(path, sql + " order by url", params)]


def connect(path: str | os.PathLike) -> sqlite3.Connection:
    """A read-only connection to the archive (reads work on a full disk too)."""
    return sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)


def _read(path: str | os.PathLike, sql: str, params=()) -> list[tuple]:
    """Rows from a read-only connection: the crawl's pipeline has already
    opened (and if needed created) the archive, and a read must not fail on
    a full disk. No archive or no table yet: no rows."""
    if not Path(path).exists():
        return []
    conn = connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise ArchiveError(f"arkivet {path} går inte att läsa: {exc}") from exc
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
        raise BodyError(f"innehållet {body_sha256[:12]}… saknas i arkivet")
    return verified_body(body_sha256, row["compression"], row["body"])


def verified_body(body_sha256: str, compression: str | None, stored: bytes | None) -> bytes:
    try:
        body = zlib.decompress(stored) if compression == "zlib" else stored
    except (zlib.error, TypeError) as exc:
        raise BodyError(f"innehållet {body_sha256[:12]}… går inte att packa upp: {exc}") \
            from exc
    if body is None or hashlib.sha256(body).hexdigest() != body_sha256:
        raise BodyError(f"innehållet {body_sha256[:12]}… stämmer inte med sin sha256 (skadat)")
    return body


# One row per distinct commitment per municipality the promise names: the
# archive's one definition (commitment_groups, crawler.store.schema.DISTINCT_COMMITMENT:
# same text key, period and municipality), with the newest archived copy's id,
# how many copies the archive holds, and whether it is current (on_page: its
# page still shows the same text; 0 = only in older versions).
DISTINCT_COMMITMENTS = """
select dm.municipality_code, c.start_year, c.end_year, c.text_key,
       max(c.id) as id, count(*) as copies, max(g.current) as on_page
from commitments c
join commitment_groups g on g.id = c.id
join document_municipalities dm on dm.document_id = c.document_id
where {where}
group by dm.municipality_code, g.distinct_id"""


def distinct_commitments_sql(where: str) -> str:
    """DISTINCT_COMMITMENTS restricted by a condition on ``c`` and ``dm``."""
    return DISTINCT_COMMITMENTS.format(where=where or "1")
