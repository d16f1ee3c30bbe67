"""A small archive for the serving tests, built with the real schema functions.

Every promise text is invented and starts with "Testlöfte"; URLs are under
example.invalid. The municipality registry (all 290) and the theme taxonomy
are the real ones, so coverage, map and theme queries see real shapes.

Layout (CURRENT = this year, so "current promise" is stable whenever tests run):

* Sandviken (2181): one polisen page, version 1 (period CURRENT-2–CURRENT-1) and
  version 2 (period CURRENT–CURRENT+1): one commitment continued, one
  reworded (busstationen -> resecentrum), one dropped, one new.
* Kristinehamn (1781): the municipality's page, period CURRENT-3 (one version);
  then the page disappears (page_gone).
* Stockholm (0180): a page whose text, commitment and URL carry XSS payloads.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from datetime import date
from pathlib import Path

import sqlite_utils

from crawler.store.archive import ensure_schema
from crawler.derive.changes import CHANGE_KINDS
from crawler.store.schema import ensure_derived_schema
from normalize.registry import load_municipalities
from crawler.derive.run import build_serving_tables
from normalize.themes import THEMES, themes_of

CURRENT = date.today().year
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
XSS_TEXT = f"Testlöfte {SCRIPT} {IMG} om trygghet i parken."
XSS_URL = "https://example.invalid/stockholm?q=" + IMG

SANDVIKEN_URL = "https://example.invalid/polisen/gavleborg/sandviken"
KRISTINEHAMN_URL = "https://example.invalid/kristinehamn/medborgarlofte"

TRYGGHET = "Testlöfte: Polisen och kommunen ska årligen genomföra trygghetsvandringar i centrum."
BELYSNING = "Testlöfte: Kommunen ska förbättra belysningen i stadsparken."
BUSS = "Testlöfte: Polisen ska öka närvaron vid busstationen på kvällar."
RESE = "Testlöfte: Polisen ska öka närvaron vid resecentrum på kvällar."
AELDRE = "Testlöfte: Kommunen ska informera äldre om bedrägerier."
NARKOTIKA = "Testlöfte: Polisen ska arbeta mot narkotikabrott bland unga."
GRANN = "Testlöfte: Kommunen ska starta fler Grannsamverkansområden."
KRIS_VANDRING = "Testlöfte: Trygghetsvandringarna i Kristinehamn genomförs varje höst."

# (id, url, site, fetched_at, codes, period (start, end), [(text, responsible)], body extra)
SNAPSHOTS = [
    (1, SANDVIKEN_URL, "polisen.se", f"{CURRENT - 2}-02-01T08:00:00+00:00", ["2181"],
     (CURRENT - 2, CURRENT - 1),
     [(TRYGGHET, "gemensamt"), (BELYSNING, "kommunen"), (BUSS, "polisen")], ""),
    (2, KRISTINEHAMN_URL, "kristinehamn.se", f"{CURRENT - 2}-02-01T09:00:00+00:00", ["1781"],
     (CURRENT - 3, CURRENT - 3),
     [(NARKOTIKA, "polisen"), (GRANN, "kommunen"), (KRIS_VANDRING, None)], ""),
    (3, XSS_URL, "stockholm.se", f"{CURRENT - 1}-03-01T10:00:00+00:00", ["0180"],
     (CURRENT - 1, CURRENT - 1), [(XSS_TEXT, "annan")], SCRIPT + IMG),
    (4, SANDVIKEN_URL, "polisen.se", f"{CURRENT}-01-15T08:00:00+00:00", ["2181"],
     (CURRENT, CURRENT + 1),
     [(TRYGGHET, "gemensamt"), (RESE, "polisen"), (AELDRE, "kommunen")], ""),
]


def _text_key(text: str) -> str:
    return " ".join(text.lower().replace(".", "").split())


def _page_text(title: str, commitments) -> str:
    return "\n".join([title, "Vi lovar:"] + [text for text, _ in commitments])


def build_serve_archive(path: str | Path) -> Path:
    """Create the fixture archive at `path` (a new file) and return the path."""
    path = Path(path)
    db = sqlite_utils.Database(path)
    db.enable_wal()
    ensure_schema(db)
    ensure_derived_schema(db)
    registry = {m.code: m for m in load_municipalities()}
    with db.atomic():
        db["municipalities"].insert_all(
            {"code": m.code, "name": m.name, "short_name": m.short_name, "county": m.county,
             "county_code": m.county_code, "police_region": m.police_region,
             "website": m.website, "latitude": m.lat, "longitude": m.lon}
            for m in registry.values())
        db["themes"].insert_all({"theme": t.key, "label": t.label,
                                 "description": t.description,
                                 "keywords": ", ".join(t.keywords)} for t in THEMES.values())
        db["crawl_runs"].insert({"id": 1, "spider": "testspindel", "args": "{}",
                                 "started_at": f"{CURRENT - 2}-02-01T07:59:00+00:00",
                                 "status": "ok", "exit_status": 0})
        _insert_snapshots(db, registry)
        _insert_changes(db)
        db["alerts"].insert({"run_id": 1, "created_at": f"{CURRENT}-01-15T09:00:00+00:00",
                             "kind": "page_gone", "severity": "warning",
                             "site": "kristinehamn.se",
                             "message": f"Sidan {KRISTINEHAMN_URL} svarar nu HTTP 404.",
                             "evidence": json.dumps({"url": KRISTINEHAMN_URL})})
        build_serving_tables(db)
    db.execute("pragma wal_checkpoint(truncate)")
    db.close()
    return path


def _insert_snapshots(db, registry) -> None:
    commitment_id = 0
    for sid, url, site, fetched, codes, (start, end), commitments, extra in SNAPSHOTS:
        name = registry[codes[0]].name
        title = f"Testlöfte – medborgarlöfte för {name} {start}–{end}"
        text = _page_text(title, commitments)
        body = (f"<html><head><title>{title}</title></head><body>{extra}<main><h1>{title}</h1>"
                + "".join(f"<li>{t}</li>" for t, _ in commitments)
                + "</main></body></html>").encode("utf-8")
        sha = hashlib.sha256(body).hexdigest()
        db["bodies"].insert({"sha256": sha, "size": len(body), "compression": "zlib",
                             "body": zlib.compress(body)}, ignore=True)
        db["pages"].upsert({"url": url, "site": site, "municipalities": json.dumps(codes),
                            "kind": "promise", "first_seen": fetched, "last_seen": fetched,
                            "last_changed": fetched, "last_snapshot_at": fetched,
                            "current_snapshot_id": sid, "last_status": 200}, pk="url")
        db["snapshots"].insert({
            "id": sid, "url": url, "site": site, "run_id": 1, "fetched_at": fetched,
            "status": 200, "content_type": "text/html; charset=utf-8",
            "declared_encoding": "utf-8", "detected_encoding": "utf-8", "headers": "{}",
            "body_sha256": sha, "size": len(body), "text": text,
            "text_sha256": hashlib.sha256(text.encode()).hexdigest(), "text_changed": 1})
        period = f"{start}–{end}" if start != end else str(start)
        db["documents"].insert({
            "id": sid, "snapshot_id": sid, "url": url, "site": site, "fetched_at": fetched,
            "normalizer_version": "test", "position": 0, "title": title,
            "municipality_codes": json.dumps(codes), "period_label": period,
            "period_start": f"{start}-01-01", "period_end": f"{end}-12-31",
            "start_year": start, "end_year": end, "commitment_count": len(commitments),
            "promise_key": f"{codes[0]}-{start}"})
        db["document_municipalities"].insert_all(
            {"document_id": sid, "municipality_code": c} for c in codes)
        for position, (ctext, responsible) in enumerate(commitments):
            commitment_id += 1
            themes = themes_of(ctext)
            db["commitments"].insert({
                "id": commitment_id, "document_id": sid, "snapshot_id": sid, "url": url,
                "site": site, "municipality_code": codes[0], "position": position,
                "text": ctext, "responsible": responsible, "kind": "promise",
                "themes": json.dumps(themes), "period_label": period,
                "period_start": f"{start}-01-01", "period_end": f"{end}-12-31",
                "start_year": start, "end_year": end, "text_key": _text_key(ctext)})
            db["commitment_themes"].insert_all(
                {"commitment_id": commitment_id, "theme": t} for t in themes)
        db["normalized_snapshots"].insert({
            "snapshot_id": sid, "url": url, "normalizer_version": "test",
            "processed_at": fetched, "documents": 1, "commitments": len(commitments)})
    db["pages"].update(KRISTINEHAMN_URL, {"gone_since": f"{CURRENT}-01-15T08:00:00+00:00",
                                          "gone_status": 404})
    db["pages"].update(SANDVIKEN_URL, {"snapshot_count": 2})


def _insert_changes(db) -> None:
    rows = [
        (f"{CURRENT - 2}-02-01T08:00:00+00:00", "page_new", SANDVIKEN_URL, "2181", 1, None,
         None, None),
        (f"{CURRENT - 2}-02-01T09:00:00+00:00", "page_new", KRISTINEHAMN_URL, "1781", 2, None,
         None, None),
        (f"{CURRENT - 1}-03-01T10:00:00+00:00", "commitment_added", XSS_URL, "0180", 3, None,
         None, XSS_TEXT),
        (f"{CURRENT}-01-15T08:00:00+00:00", "commitment_reworded", SANDVIKEN_URL, "2181", 4, 1,
         BUSS, RESE),
        (f"{CURRENT}-01-15T08:00:00+00:00", "commitment_removed", SANDVIKEN_URL, "2181", 4, 1,
         BELYSNING, None),
        (f"{CURRENT}-01-15T08:00:00+00:00", "commitment_added", SANDVIKEN_URL, "2181", 4, 1,
         None, AELDRE),
        (f"{CURRENT}-01-15T08:00:00+00:00", "period_changed", SANDVIKEN_URL, "2181", 4, 1,
         f"{CURRENT - 2}–{CURRENT - 1}", f"{CURRENT}–{CURRENT + 1}"),
        (f"{CURRENT}-01-15T08:00:00+00:00", "page_gone", KRISTINEHAMN_URL, "1781", 2, None,
         None, None),
    ]
    db["changes"].insert_all({
        "detected_at": at, "kind": kind, "url": url, "site": url.split("/")[2],
        "municipality_code": code, "snapshot_id": sid, "previous_snapshot_id": prev,
        "summary": CHANGE_KINDS[kind] + (" (HTTP 404)" if kind == "page_gone" else ""),
        "old_text": old, "new_text": new,
        "diff": "\n".join(x for x in (f"-{old}" if old else "", f"+{new}" if new else "") if x)
        or None,
        "event_key": hashlib.sha1(f"{url}{sid}{kind}{old}{new}".encode()).hexdigest(),
    } for at, kind, url, code, sid, prev, old, new in rows)
