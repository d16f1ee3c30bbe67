"""``medborgarloften normalize``: derive promise tables and changes from snapshots.

Reads snapshots, runs the pure normalizer on each stored body, and writes
documents, commitments, themes and change events, then rebuilds the search
tables. Each snapshot is handled in its own savepoint and marked in
``normalized_snapshots`` with the normalizer version, so a run is idempotent
and one bad snapshot is recorded and skipped.

The whole run is ONE transaction: readers (the site, WAL) see the archive as
it was until the derived and search tables are all rebuilt, then the new
one. During ``normalize --all`` a search page never shows a half-derived
archive (hits whose commitments were deleted, totals that disagree with the
hits). A run that is killed leaves the archive as it was.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass

import click
import sqlite_utils

from crawler.store.archive import open_db, utcnow, write_transaction
from crawler.store.read import BodyError, read_body
from crawler.derive.changes import (Event, commitment_events, document_count_events, line_diff,
                             period_events, text_key)
from crawler.store.schema import ensure_derived_schema
from crawler.faultpoints import reached
from crawler.search.words import build_search_index
from crawler.derive.summaries import build_summaries
from crawler.search.disk import build_disk_indexes
import normalize
from normalize.police_areas import police_areas
from normalize.registry import load_municipalities

MUNICIPAL_CODE_LEN = 4


@dataclass
class NormalizeReport:
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    unreadable: int = 0   # stored body missing or damaged: earlier results were kept
    documents: int = 0
    commitments: int = 0
    changes: int = 0


def normalize_archive(db_path: str, reprocess_all: bool = False,
                      progress: bool | None = None) -> NormalizeReport:
    db = open_db(db_path)
    report = NormalizeReport()
    try:
        with write_transaction(db):
            ensure_derived_schema(db)
            _load_reference_tables(db, normalize)
        todo = _snapshots_to_process(db, normalize.NORMALIZER_VERSION, reprocess_all)
        # The normalizer runs before the write lock is taken: a crawl writing
        # beside a long normalize waits only for the writes, not the parsing.
        show = sys.stderr.isatty() if progress is None else progress
        with click.progressbar(todo, label="Normaliserar", file=sys.stderr,
                               show_pos=True) if show else _nullbar(todo) as bar:
            extracted = [_extract(db, snapshot) for snapshot in bar]
        with write_transaction(db):  # one transaction: readers never see a half-built archive
            _forget_repeated_texts(db)
            for snapshot, outcome in zip(todo, extracted):
                _process(db, snapshot, outcome, normalize, report)
            report.changes += _record_gone_pages(db)
            fill_police_areas(db)
            _build_search(db)
    finally:
        db.close()
    return report


class _nullbar:
    def __init__(self, items):
        self.items = items

    def __enter__(self):
        return self.items

    def __exit__(self, *exc):
        return False


def _load_reference_tables(db: sqlite_utils.Database, normalize) -> None:
    db["municipalities"].upsert_all(
        ({"code": m.code, "name": m.name, "short_name": m.short_name, "county": m.county,
          "county_code": m.county_code, "police_region": m.police_region,
          "website": m.website, "latitude": m.lat, "longitude": m.lon}
         for m in load_municipalities()), pk="code")
    themes = getattr(normalize, "THEMES", None) or {}
    rows = []
    for key, theme in (themes.items() if isinstance(themes, dict) else enumerate(themes)):
        rows.append(_theme_row(key, theme))
    if rows:
        db["themes"].upsert_all(rows, pk="theme")


def _theme_row(key, theme) -> dict:
    if isinstance(theme, dict):
        get = theme.get
    else:
        def get(name, default=None):
            return getattr(theme, name, default)
    keywords = get("keywords", ())
    return {"theme": get("key", None) or get("id", None) or str(key),
            "label": get("label", None) or str(key),
            "description": get("description", "") or "",
            "keywords": ", ".join(keywords) if not isinstance(keywords, str) else keywords}


def _snapshots_to_process(db, version: str, reprocess_all: bool) -> list[dict]:
    """Snapshots whose text is new (not boilerplate-only), not yet normalized."""
    sql = """
        select s.id, s.url, s.site, s.fetched_at, s.content_type, s.body_sha256,
               s.detected_encoding, s.text, s.text_sha256,
               p.municipalities as page_municipalities
        from snapshots s join pages p on p.url = s.url
        where s.text_changed = 1 and s.status = 200
    """
    if not reprocess_all:
        sql += """ and not exists (select 1 from normalized_snapshots n
                   where n.snapshot_id = s.id and n.normalizer_version = :version)"""
    # In time order: a backfilled 2017 capture comes before a 2025 crawl.
    return list(db.query(sql + " order by s.fetched_at, s.id", {"version": version}))


def _extract(db, snapshot: dict) -> tuple[str, object]:
    """("unreadable", message) when the stored body cannot be read, else
    ("extracted", result) or ("failed", message) from the normalizer."""
    try:
        body = read_body(db, snapshot["body_sha256"])
    except BodyError as exc:
        return "unreadable", f"{type(exc).__name__}: {exc}"
    try:
        return "extracted", normalize.extract(
            _as_archived(body, snapshot["detected_encoding"]), url=snapshot["url"],
            content_type=snapshot["content_type"])
    except Exception as exc:  # one bad snapshot must not stop the run
        return "failed", f"{type(exc).__name__}: {exc}"


def _process(db, snapshot: dict, outcome: tuple[str, object], normalize,
             report: NormalizeReport) -> None:
    kind, value = outcome
    if kind == "unreadable":
        _keep_earlier(db, snapshot, value, report)
        return
    error = value if kind == "failed" else None
    result = value if kind == "extracted" else {"documents": [], "municipalities": []}
    with write_transaction(db):
        _delete_derived(db, snapshot["id"])
        codes = _municipality_codes(result, snapshot)
        documents = [] if error else _store_documents(db, snapshot, result, codes,
                                                      normalize.NORMALIZER_VERSION)
        reached("normalize")
        db["normalized_snapshots"].upsert({
            "snapshot_id": snapshot["id"], "url": snapshot["url"],
            "text_sha256": snapshot["text_sha256"],
            "normalizer_version": normalize.NORMALIZER_VERSION, "processed_at": utcnow(),
            "documents": len(documents),
            "commitments": sum(len(d["commitments"]) for d in documents), "error": error,
        }, pk="snapshot_id")
        if error is None:
            report.changes += _record_changes(db, snapshot, documents, codes)
    if error:
        report.failed += 1
    else:
        report.processed += 1
        report.documents += len(documents)
        report.commitments += sum(len(d["commitments"]) for d in documents)


def _as_archived(body: bytes, encoding: str | None) -> bytes | str:
    """The body decoded as the crawl decoded it (no second guess); PDFs stay bytes."""
    if encoding:
        try:
            return body.decode("utf-8-sig" if encoding == "utf-8" else encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    return body


def _keep_earlier(db, snapshot: dict, error: str, report: NormalizeReport) -> None:
    """The body cannot be read: earlier derived rows stay, the failure is noted."""
    report.failed += 1
    report.unreadable += 1
    click.echo(f"fel: version {snapshot['id']} ({snapshot['url']}): {error}; "
               "tidigare resultat behålls", err=True)
    with write_transaction(db):
        if db["normalized_snapshots"].count_where("snapshot_id = ?", [snapshot["id"]]):
            db["normalized_snapshots"].update(snapshot["id"], {"error": error})
        else:
            db["normalized_snapshots"].insert({
                "snapshot_id": snapshot["id"], "url": snapshot["url"],
                "text_sha256": snapshot["text_sha256"], "normalizer_version": None,
                "processed_at": utcnow(), "documents": 0, "commitments": 0, "error": error})


def _delete_derived(db, snapshot_id: int) -> None:
    ids = [r["id"] for r in db.query("select id from documents where snapshot_id = ?",
                                     [snapshot_id])]
    for document_id in ids:
        db.execute("delete from commitment_themes where commitment_id in "
                   "(select id from commitments where document_id = ?)", [document_id])
        db.execute("delete from commitments where document_id = ?", [document_id])
        db.execute("delete from document_municipalities where document_id = ?", [document_id])
        db.execute("delete from documents where id = ?", [document_id])


def _municipality_codes(result: dict, snapshot: dict) -> list[str]:
    """From the page's text; else the spider's tags; else the municipal site."""
    codes = [m["code"] for m in result.get("municipalities") or []]
    if not codes:
        codes = json.loads(snapshot["page_municipalities"] or "[]")
    if not codes and len(snapshot["site"] or "") == MUNICIPAL_CODE_LEN \
            and snapshot["site"].isdigit():
        codes = [snapshot["site"]]
    return list(dict.fromkeys(codes))


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def _store_documents(db, snapshot, result, codes, version) -> list[dict]:
    stored = []
    known_codes = {r["code"] for r in db.query("select code from municipalities")}
    codes = [c for c in codes if c in known_codes]
    for position, doc in enumerate(result.get("documents") or []):
        period = doc.get("period") or {}
        keys = [text_key(c["text"]) for c in doc.get("commitments") or []]
        promise_key = hashlib.sha1(json.dumps(
            [sorted(codes), period.get("start"), period.get("end"), sorted(keys)]
        ).encode()).hexdigest()[:16]
        document_id = db["documents"].insert({
            "snapshot_id": snapshot["id"], "url": snapshot["url"], "site": snapshot["site"],
            "fetched_at": snapshot["fetched_at"], "normalizer_version": version,
            "position": position, "title": doc.get("title"),
            "municipality_codes": json.dumps(codes), "period_label": period.get("label"),
            "period_start": period.get("start"), "period_end": period.get("end"),
            "start_year": _year(period.get("start")), "end_year": _year(period.get("end")),
            "signed": doc.get("signed"),
            "signatories": json.dumps(doc.get("signatories") or [], ensure_ascii=False),
            "commitment_count": len(keys), "promise_key": promise_key,
        }).last_pk
        db["document_municipalities"].insert_all(
            ({"document_id": document_id, "municipality_code": c} for c in codes),
            pk=("document_id", "municipality_code"), ignore=True)
        _store_commitments(db, snapshot, doc, document_id, codes, period)
        stored.append({**doc, "id": document_id})
    return stored


def _store_commitments(db, snapshot, doc, document_id, codes, period) -> None:
    ids: list[int] = []
    for position, item in enumerate(doc.get("commitments") or []):
        parent = item.get("parent")
        themes = list(item.get("themes") or [])
        commitment_id = db["commitments"].insert({
            "document_id": document_id, "snapshot_id": snapshot["id"], "url": snapshot["url"],
            "site": snapshot["site"], "municipality_code": codes[0] if codes else None,
            "position": position, "text": item["text"], "responsible": item.get("responsible"),
            "kind": item.get("kind") or "promise",
            "parent_id": ids[parent] if isinstance(parent, int) and 0 <= parent < len(ids)
            else None,
            "themes": json.dumps(themes, ensure_ascii=False),
            "period_label": period.get("label"), "period_start": period.get("start"),
            "period_end": period.get("end"), "start_year": _year(period.get("start")),
            "end_year": _year(period.get("end")), "text_key": text_key(item["text"]),
        }).last_pk
        ids.append(commitment_id)
        db["commitment_themes"].insert_all(
            ({"commitment_id": commitment_id, "theme": t} for t in themes),
            pk=("commitment_id", "theme"), ignore=True)


def _previous_normalized(db, snapshot: dict) -> dict | None:
    """The page's latest normalized version before this one, by fetch time."""
    rows = list(db.query(
        """select s.id, s.text from snapshots s join normalized_snapshots n on n.snapshot_id = s.id
           where s.url = :url and n.error is null
             and (s.fetched_at < :at or (s.fetched_at = :at and s.id < :id))
           order by s.fetched_at desc, s.id desc limit 1""",
        {"url": snapshot["url"], "at": snapshot["fetched_at"], "id": snapshot["id"]}))
    return rows[0] if rows else None


def fill_police_areas(db) -> None:
    """documents.police_areas: the local police areas (LPO) the text of the
    document's page names, for every document without it: new documents, and
    all of them in an archive from before the column existed."""
    for document_id, text in db.execute("""
            select d.id, s.text from documents d join snapshots s on s.id = d.snapshot_id
            where d.police_areas is null""").fetchall():
        db.execute("update documents set police_areas = ? where id = ?",
                   [json.dumps(police_areas(text), ensure_ascii=False), document_id])


def _forget_repeated_texts(db) -> None:
    """A version whose text turned out to repeat an older one loses its derived rows.

    This happens when a backfill inserts an older capture before it
    (crawler.history): the older version now carries the documents and events.
    """
    stale = [r["snapshot_id"] for r in db.query(
        "select n.snapshot_id from normalized_snapshots n join snapshots s"
        " on s.id = n.snapshot_id where s.text_changed = 0")]
    for snapshot_id in stale:
        with db.atomic():
            _delete_derived(db, snapshot_id)
            db.execute("delete from changes where snapshot_id = ? and kind != 'page_gone'",
                       [snapshot_id])
            db.execute("delete from normalized_snapshots where snapshot_id = ?", [snapshot_id])


def _record_changes(db, snapshot: dict, documents: list[dict], codes: list[str]) -> int:
    previous = _previous_normalized(db, snapshot)
    # Events computed against another predecessor (an older capture was
    # backfilled in between since) are replaced.
    db.execute("delete from changes where snapshot_id = ? and kind != 'page_gone'"
               " and previous_snapshot_id is not ?",
               [snapshot["id"], previous["id"] if previous else None])
    if previous is None:
        events = [Event("page_new")]
    else:
        old_docs = list(db.query(
            "select id, title, period_label from documents where snapshot_id = ? "
            "order by position", [previous["id"]]))
        old_texts = [r["text"] for r in db.query(
            "select text from commitments where snapshot_id = ? order by document_id, position",
            [previous["id"]])]
        new_texts = [c["text"] for d in documents for c in d.get("commitments") or []]
        events = [Event("text_changed", diff=line_diff(previous["text"], snapshot["text"]))]
        events += document_count_events([d["title"] or "" for d in old_docs],
                                        [d.get("title") or "" for d in documents])
        events += period_events([d["period_label"] for d in old_docs],
                                [(d.get("period") or {}).get("label") for d in documents])
        events += commitment_events(old_texts, new_texts)
    return _insert_events(db, snapshot, events, codes,
                          previous["id"] if previous else None,
                          documents[0]["id"] if documents else None)


def _insert_events(db, snapshot, events: list[Event], codes, previous_id, document_id) -> int:
    rows = []
    for event in events:
        key = hashlib.sha1(json.dumps([snapshot["url"], snapshot["id"], event.kind,
                                       event.old_text, event.new_text]).encode()).hexdigest()
        rows.append({
            "detected_at": snapshot["fetched_at"], "kind": event.kind, "url": snapshot["url"],
            "site": snapshot["site"], "municipality_code": codes[0] if codes else None,
            "snapshot_id": snapshot["id"], "previous_snapshot_id": previous_id,
            "document_id": document_id, "summary": event.summary, "old_text": event.old_text,
            "new_text": event.new_text, "diff": event.diff, "event_key": key,
        })
    reached("changes")
    before = db["changes"].count
    db["changes"].insert_all(rows, ignore=True)
    return db["changes"].count - before


def _record_gone_pages(db) -> int:
    """A page marked gone by the crawl becomes one 'page_gone' event."""
    rows = []
    for page in db.query("select url, site, gone_since, gone_status, current_snapshot_id,"
                         " municipalities from pages where gone_since is not null"):
        codes = json.loads(page["municipalities"] or "[]")
        key = hashlib.sha1(json.dumps([page["url"], "page_gone", page["gone_since"]])
                           .encode()).hexdigest()
        rows.append({
            "detected_at": page["gone_since"], "kind": "page_gone", "url": page["url"],
            "site": page["site"], "municipality_code": codes[0] if codes else None,
            "snapshot_id": page["current_snapshot_id"],
            "summary": Event("page_gone", detail=f"HTTP {page['gone_status']}").summary,
            "event_key": key,
        })
    if not rows:
        return 0
    with write_transaction(db):
        before = db["changes"].count
        db["changes"].insert_all(rows, ignore=True)
        return db["changes"].count - before


def _build_search(db) -> None:
    with write_transaction(db):
        build_serving_tables(db)


def build_serving_tables(db: sqlite_utils.Database) -> None:
    """Everything serving reads besides the derived tables: the search tables,
    the summary tables and the on-disk search indexes beside the archive.
    Call it inside the caller's transaction."""
    build_search_index(db)
    build_summaries(db)
    build_disk_indexes(db)

