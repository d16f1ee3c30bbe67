"""Reading the archive: validators and known pages for the crawl, stored bodies."""

from __future__ import annotations

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


def known_relevant_pages(path: str | os.PathLike, site: str | None = None) -> set[str]:
    """URLs of a site whose last judgement by the crawl was "promise page"."""
    if not Path(path).exists():
        return set()
    db = open_db(path)
    try:
        sql, params = "select url from pages where relevant = 1", []
        if site is not None:
            sql, params = sql + " and site = ?", [site]
        return {r["url"] for r in db.query(sql, params)}
    finally:
        db.close()


def read_body(db: sqlite_utils.Database, body_sha256: str) -> bytes:
    row = next(db.query("select compression, body from bodies where sha256 = ?",
                        [body_sha256]))
    return zlib.decompress(row["body"]) if row["compression"] == "zlib" else row["body"]
