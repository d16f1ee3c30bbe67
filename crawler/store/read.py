"""Reading the archive: validators and known pages for the crawl, stored bodies."""

from __future__ import annotations

import hashlib
import os
import zlib
from pathlib import Path

import sqlite_utils

from crawler.store.archive import open_db

def validators(path: str | os.PathLike) -> dict[str, tuple[str | None, str | None]]:
    """ETag / Last-Modified of every archived page, for conditional requests."""
    if not Path(path).exists():
        return {}
    db = open_db(path)
    try:
        return {r["url"]: (r["etag"], r["last_modified"]) for r in db.query(
            "select url, etag, last_modified from pages where gone_since is null")}
    finally:
        db.close()


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


class BodyError(ValueError):
    """A stored body is missing, cannot be decompressed, or fails its sha256."""


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
