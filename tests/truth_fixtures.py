"""A synthetic archive with several versions per page, for the "what the
archive says is true" tests. Built on ``serve_fixtures`` (invented
"Testlöfte …" rows under example.invalid), plus:

* Sandviken's polisen page re-crawled with only a footer change (snapshot 5:
  new body, same text hash, not normalized): its promises stay current.
* A second source for Kristinehamn's promises (the polisen page, snapshot 6,
  same period): counted once; current although the municipal page is gone.
* Sandviken's municipal page (snapshot 7) still showing the old period's
  wording that the polisen page reworded: "omformulerat", never "nytt".
* A change event whose URL is ``javascript:…`` (Sundsvall, 2281): feeds must
  not link it.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from pathlib import Path

import sqlite_utils

from crawler.search.words import build_search_index
from normalize.themes import themes_of
from serve_fixtures import (BUSS, CURRENT, GRANN, KRIS_VANDRING, NARKOTIKA, SANDVIKEN_URL,
                            TRYGGHET, build_serve_archive)

KRISTINEHAMN_POLISEN_URL = "https://example.invalid/polisen/varmland/kristinehamn"
SANDVIKEN_KOMMUN_URL = "https://example.invalid/sandviken/trygghet"
JAVASCRIPT_URL = "javascript:alert(1)"


def _key(text: str) -> str:
    return " ".join(text.lower().replace(".", "").split())


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def add_snapshot(db, sid: int, url: str, site: str, fetched: str, text: str, body: bytes,
                 *, text_changed: int = 1) -> None:
    db["bodies"].insert({"sha256": _sha(body), "size": len(body), "compression": "zlib",
                         "body": zlib.compress(body)}, ignore=True)
    db["snapshots"].insert({
        "id": sid, "url": url, "site": site, "run_id": 1, "fetched_at": fetched, "status": 200,
        "content_type": "text/html; charset=utf-8", "declared_encoding": "utf-8",
        "detected_encoding": "utf-8", "headers": "{}", "body_sha256": _sha(body),
        "size": len(body), "text": text, "text_sha256": _sha(text.encode()),
        "text_changed": text_changed})


def add_page(db, url: str, site: str, code: str, fetched: str, current: int,
             count: int = 1) -> None:
    db["pages"].upsert({"url": url, "site": site, "municipalities": json.dumps([code]),
                        "kind": "promise", "first_seen": fetched, "last_seen": fetched,
                        "last_changed": fetched, "last_snapshot_at": fetched,
                        "current_snapshot_id": current, "snapshot_count": count,
                        "last_status": 200}, pk="url")


def add_document(db, sid: int, url: str, site: str, fetched: str, code: str,
                 period: tuple[int, int], texts: list[tuple[str, str | None]]) -> None:
    start, end = period
    label = f"{start}–{end}" if start != end else str(start)
    db["documents"].insert({
        "id": sid, "snapshot_id": sid, "url": url, "site": site, "fetched_at": fetched,
        "normalizer_version": "test", "position": 0, "title": f"Testlöfte {label}",
        "municipality_codes": json.dumps([code]), "period_label": label,
        "period_start": f"{start}-01-01", "period_end": f"{end}-12-31", "start_year": start,
        "end_year": end, "commitment_count": len(texts), "promise_key": f"{code}-{start}"})
    db["document_municipalities"].insert({"document_id": sid, "municipality_code": code})
    first = (db.execute("select max(id) from commitments").fetchone()[0] or 0) + 1
    for position, (text, responsible) in enumerate(texts):
        themes = themes_of(text)
        db["commitments"].insert({
            "id": first + position, "document_id": sid, "snapshot_id": sid, "url": url,
            "site": site, "municipality_code": code, "position": position, "text": text,
            "responsible": responsible, "kind": "promise", "themes": json.dumps(themes),
            "period_label": label, "period_start": f"{start}-01-01",
            "period_end": f"{end}-12-31", "start_year": start, "end_year": end,
            "text_key": _key(text)})
        db["commitment_themes"].insert_all(
            {"commitment_id": first + position, "theme": t} for t in themes)
    db["normalized_snapshots"].insert({"snapshot_id": sid, "url": url,
                                       "normalizer_version": "test", "processed_at": fetched,
                                       "documents": 1, "commitments": len(texts)})


def build_truth_archive(path: str | Path) -> Path:
    path = build_serve_archive(path)
    db = sqlite_utils.Database(path)
    with db.atomic():
        _footer_only_recrawl(db)
        _second_sources(db)
        db["changes"].insert({
            "detected_at": f"{CURRENT}-02-01T08:00:00+00:00", "kind": "commitment_added",
            "url": JAVASCRIPT_URL, "site": "sundsvall.se", "municipality_code": "2281",
            "summary": "Nytt åtagande", "new_text": "Testlöfte: en länk som inte är http.",
            "event_key": "javascript-link"})
        build_search_index(db)
    db.close()
    return path


def _footer_only_recrawl(db) -> None:
    text = db.execute("select text from snapshots where id = 4").fetchone()[0]
    body = ("<html><body><main>" + text + "</main><footer>Uppdaterad "
            f"{CURRENT}-03-01</footer></body></html>").encode()
    add_snapshot(db, 5, SANDVIKEN_URL, "polisen.se", f"{CURRENT}-03-01T08:00:00+00:00", text,
                 body, text_changed=0)
    db["pages"].update(SANDVIKEN_URL, {"current_snapshot_id": 5, "snapshot_count": 3})


def _second_sources(db) -> None:
    fetched = f"{CURRENT}-02-01T10:00:00+00:00"
    texts = [(NARKOTIKA, "polisen"), (GRANN, "kommunen"), (KRIS_VANDRING, None)]
    text = "Testlöfte Kristinehamn\n" + "\n".join(t for t, _ in texts)
    add_snapshot(db, 6, KRISTINEHAMN_POLISEN_URL, "polisen.se", fetched, text,
                 f"<html><body>{text}</body></html>".encode())
    add_page(db, KRISTINEHAMN_POLISEN_URL, "polisen.se", "1781", fetched, 6)
    add_document(db, 6, KRISTINEHAMN_POLISEN_URL, "polisen.se", fetched, "1781",
                 (CURRENT - 3, CURRENT - 3), texts)
    texts = [(TRYGGHET, "gemensamt"), (BUSS, "polisen")]
    text = "Testlöfte Sandviken kommun\n" + "\n".join(t for t, _ in texts)
    add_snapshot(db, 7, SANDVIKEN_KOMMUN_URL, "sandviken.se", fetched, text,
                 f"<html><body>{text}</body></html>".encode())
    add_page(db, SANDVIKEN_KOMMUN_URL, "sandviken.se", "2181", fetched, 7)
    add_document(db, 7, SANDVIKEN_KOMMUN_URL, "sandviken.se", fetched, "2181",
                 (CURRENT - 2, CURRENT - 1), texts)
