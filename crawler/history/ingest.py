"""Storing a version from the past (a Wayback capture, a WARC record) in the archive.

A capture becomes a snapshot of the page it captured, with ``fetched_at`` =
capture time and ``source`` = wayback/warc, interleaved by time with the
crawl's snapshots: it is skipped when the page's version just before it has
the same body, its ``text_changed`` is computed against that version, and
the version just after it is re-judged against it. ``pages`` keeps pointing
at the newest version (an older capture never becomes "current").

Callers hold the transaction (``with db.atomic():``) so the capture and
their own bookkeeping are written together.
"""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass, field

import sqlite_utils

from crawler.store.archive import kept_headers, sha256
from normalize.pagetext import PageTextError, page_text, text_fingerprint

_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.I)


@dataclass
class Capture:
    url: str
    site: str
    fetched_at: str
    body: bytes
    source: str                      # wayback or warc
    capture_url: str | None = None   # the replay URL / WARC record it came from
    status: int = 200
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    municipalities: list[str] = field(default_factory=list)

    @property
    def declared_encoding(self) -> str | None:
        found = _CHARSET.search(self.content_type or "")
        return found.group(1).lower() if found else None


@dataclass
class Stored:
    kind: str                # new_page, new_version, present
    snapshot_id: int | None
    text_changed: bool = False


def store_capture(db: sqlite_utils.Database, run_id: int, capture: Capture) -> Stored:
    """Insert one capture (call inside a transaction)."""
    body_hash = sha256(capture.body)
    before = _one(db, "select id, body_sha256, text_sha256 from snapshots where url = ?"
                  " and fetched_at <= ? order by fetched_at desc, id desc limit 1",
                  [capture.url, capture.fetched_at])
    if before and before["body_sha256"] == body_hash:
        return Stored("present", before["id"])
    text, encoding, error = _text(capture)
    text_hash = sha256(text_fingerprint(text).encode("utf-8")) if text is not None else None
    changed = before is None or before["text_sha256"] != text_hash
    db.execute("insert or ignore into bodies (sha256, size, compression, body)"
               " values (?, ?, ?, ?)",
               [body_hash, len(capture.body), "zlib", zlib.compress(capture.body, 6)])
    is_new_page = _ensure_page(db, capture)
    snapshot_id = db["snapshots"].insert({
        "url": capture.url, "site": capture.site, "run_id": run_id,
        "fetched_at": capture.fetched_at, "status": capture.status,
        "content_type": capture.content_type, "declared_encoding": capture.declared_encoding,
        "detected_encoding": encoding,
        "headers": json.dumps(kept_headers(capture.headers), ensure_ascii=False),
        "body_sha256": body_hash, "size": len(capture.body), "text": text,
        "text_sha256": text_hash, "text_changed": int(changed), "text_error": error,
        "source": capture.source, "capture_url": capture.capture_url,
    }).last_pk
    _rejudge_following(db, capture, text_hash)
    _refresh_page(db, capture.url, capture.fetched_at)
    return Stored("new_page" if is_new_page else "new_version", snapshot_id, changed)


def _text(capture: Capture) -> tuple[str | None, str | None, str | None]:
    try:
        text, encoding = page_text(capture.body, capture.content_type,
                                   capture.declared_encoding)
        return text, encoding, None
    except PageTextError as exc:
        return None, None, str(exc)


def _ensure_page(db, capture: Capture) -> bool:
    if _one(db, "select url from pages where url = ?", [capture.url]):
        return False
    is_pdf = capture.body.startswith(b"%PDF") or "pdf" in capture.content_type.lower()
    db["pages"].insert({
        "url": capture.url, "site": capture.site, "kind": "pdf" if is_pdf else "html",
        "municipalities": json.dumps(sorted(set(capture.municipalities))),
        "first_seen": capture.fetched_at, "last_seen": capture.fetched_at,
        "last_changed": capture.fetched_at, "last_snapshot_at": capture.fetched_at,
        "snapshot_count": 0, "last_status": capture.status, "found_via": capture.source,
    })
    return True


def _rejudge_following(db, capture: Capture, text_hash: str | None) -> None:
    """The next version is now compared with this one; its derived rows are redone."""
    after = _one(db, "select id, text_sha256, text_changed from snapshots where url = ?"
                 " and fetched_at > ? order by fetched_at, id limit 1",
                 [capture.url, capture.fetched_at])
    if after is None:
        return
    changed = int(after["text_sha256"] != text_hash)
    if changed != after["text_changed"]:
        db.execute("update snapshots set text_changed = ? where id = ?", [changed, after["id"]])
    following = _one(db, "select id from snapshots where url = ? and text_changed = 1"
                     " and fetched_at > ? order by fetched_at, id limit 1",
                     [capture.url, capture.fetched_at])
    if following and "normalized_snapshots" in db.table_names():
        # normalize derives it again, against its new predecessor
        db.execute("delete from normalized_snapshots where snapshot_id = ?", [following["id"]])


def _refresh_page(db, url: str, at: str) -> None:
    db.execute("""
        update pages set
          first_seen = min(first_seen, :at), last_seen = max(last_seen, :at),
          snapshot_count = (select count(*) from snapshots where url = :url),
          current_snapshot_id = (select id from snapshots where url = :url
                                 order by fetched_at desc, id desc limit 1),
          last_snapshot_at = (select max(fetched_at) from snapshots where url = :url),
          last_changed = (select max(fetched_at) from snapshots
                          where url = :url and text_changed = 1)
        where url = :url""", {"url": url, "at": at})


def _one(db, sql: str, params: list) -> dict | None:
    rows = list(db.query(sql, params))
    return rows[0] if rows else None
