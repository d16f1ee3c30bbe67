"""Reads behind the journalist pages (/kommun, /atagande, feeds, search
additions); comparisons are in crawler.web.comparison, finding
municipalities by name in crawler.web.picker.

Plain functions over a read-only sqlite3 connection (run by Datasette with
``db.execute_fn``), returning dicts the templates and the JSON twins show.

Counting follows the archive's one definition of a *distinct commitment*
(``commitment_groups``, built by normalize from
crawler.store.schema.DISTINCT_COMMITMENT): one text in one period for one
municipality; the same promise archived from several pages or versions
counts once. ``DISTINCT_COMMITMENTS`` (crawler.store.read, shared with the
summaries normalize builds) applies it per municipality a promise names;
every count on these pages goes through it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import date
from urllib.parse import quote

from crawler.derive.changes import CHANGE_KINDS
from crawler.search.words import text_matches
# The count of distinct commitments per municipality these pages share with
# the summaries normalize builds (crawler.derive.summaries).
from crawler.store.read import distinct_commitments_sql
from crawler.web.picker import slug

RESPONSIBLE = {"polisen": "Polisen", "kommunen": "Kommunen", "gemensamt": "Gemensamt",
               "annan": "Annan aktör", None: "Okänd"}
KIND = {"promise": "Löfte", "activity": "Aktivitet", None: "Okänd"}
# Change kinds a visitor reads as changes to promises (not page bookkeeping).
PROMISE_CHANGE_KINDS = ("commitment_added", "commitment_removed", "commitment_reworded",
                        "period_changed", "document_added", "document_removed", "page_gone")
NEIGHBOURS = 6


def rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def period_label(start: int | None, end: int | None, label: str | None = None) -> str:
    if start is None:
        return label or "okänd period"
    if end is None:
        return f"{start}–tills vidare"
    return str(start) if start == end else f"{start}–{end}"


def swedish_time(iso: str | None) -> str:
    """'2024-01-15T08:00:00+00:00' -> '15 januari 2024 08:00' (UTC as stored)."""
    if not iso:
        return ""
    months = ("januari februari mars april maj juni juli augusti september oktober "
              "november december").split()
    match = re.match(r"(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d))?", iso)
    if not match:
        return iso
    year, month, day, hour, minute = match.groups()
    text = f"{int(day)} {months[int(month) - 1]} {year}"
    return f"{text} {hour}:{minute}" if hour else text


# -- a municipality ---------------------------------------------------------

def municipality_page(conn, code: str, theme: str | None = None,
                      query_ids: list[int] | None = None) -> dict:
    """Everything the municipality page shows (see pages.kommun_view)."""
    m = rows(conn, "select * from municipalities where code = ?", [code])[0]
    labels = theme_labels(conn)
    periods = _periods(conn, code, labels, theme, query_ids)
    today = date.today().year
    current = next((p for p in reversed(periods)
                    if p["start_year"] is not None and p["start_year"] <= today
                    and (p["end_year"] is None or p["end_year"] >= today)), None)
    # With none in force, the latest is the newest period that has years; a
    # document whose page states no period is shown, but never called the latest.
    latest = next((p for p in reversed(periods) if p["start_year"] is not None),
                  periods[-1] if periods else None)
    return {
        "municipality": m,
        "slug": slug(m["short_name"] or m["name"]),
        "periods": periods,
        "current": current or latest,
        "is_current": current is not None,
        "between": _between(periods, _reworded(conn, code)),
        "changes": municipality_changes(conn, code),
        "sources": _sources(conn, code),
        "neighbours": _neighbours(conn, m),
        **police_area(conn, code),
        "theme": theme, "theme_label": labels.get(theme, theme) if theme else None,
    }


def theme_labels(conn) -> dict[str, str]:
    return {r["theme"]: r["label"] for r in rows(conn, "select theme, label from themes")}


def _periods(conn, code: str, labels: dict, theme: str | None,
             query_ids: list[int] | None) -> list[dict]:
    where = "dm.municipality_code = ?"
    params: list = [code]
    if theme:
        where += " and c.id in (select commitment_id from commitment_themes where theme = ?)"
        params.append(theme)
    if query_ids is not None:
        where += f" and c.text_key in (select text_key from commitments where id in " \
                 f"({','.join(str(int(i)) for i in query_ids) or 'null'}))"
    distinct = rows(conn, f"""
        select d.id, d.start_year, d.end_year, c.text, c.responsible, c.kind, c.parent_id,
               c.period_label, c.themes, c.snapshot_id, c.url, d.copies, d.on_page, c.text_key,
               c.position,
               c.document_id
        from ({distinct_commitments_sql(where)}) d join commitments c on c.id = d.id
        order by d.start_year, c.document_id, c.position""", params)
    documents = rows(conn, """
        select d.id, d.start_year, d.end_year, d.period_label, d.title, d.url, d.snapshot_id,
               d.signed, d.signatories, d.promise_key, d.fetched_at
        from documents d join document_municipalities dm on dm.document_id = d.id
        where dm.municipality_code = ? order by d.start_year, d.id""", [code])
    periods: dict[tuple, dict] = {}
    for doc in documents:
        key = (doc["start_year"], doc["end_year"])
        period = periods.setdefault(key, _period(key, doc["period_label"]))
        period["sources"].setdefault(doc["url"], {"url": doc["url"], "title": doc["title"],
                                                  "snapshot_id": doc["snapshot_id"],
                                                  "fetched_at": swedish_time(doc["fetched_at"])})
        period["promise_keys"].add(doc["promise_key"])
    for c in distinct:
        key = (c["start_year"], c["end_year"])
        period = periods.setdefault(key, _period(key, c["period_label"]))
        period["commitments"].append(commitment_summary(c, labels))
    out = []
    for key in sorted(periods, key=lambda k: (k[0] is None, k[0] or 0, k[1] or 0)):
        period = periods[key]
        period["sources"] = list(period["sources"].values())
        period["promises"] = len(period.pop("promise_keys"))
        out.append(period)
    return out


def _period(key: tuple, label: str | None) -> dict:
    return {"start_year": key[0], "end_year": key[1], "label": period_label(*key, label),
            "commitments": [], "sources": {}, "promise_keys": set()}


def commitment_summary(c: dict, labels: dict) -> dict:
    themes = json.loads(c.get("themes") or "[]")
    return {"id": c["id"], "text": c["text"], "responsible": c["responsible"],
            "responsible_label": RESPONSIBLE.get(c["responsible"], c["responsible"]),
            "kind": c["kind"], "kind_label": KIND.get(c["kind"], c["kind"]),
            "parent_id": c.get("parent_id"),
            "themes": [{"theme": t, "label": labels.get(t, t)} for t in themes],
            "copies": c.get("copies", 1), "text_key": c.get("text_key"),
            "on_page": bool(c.get("on_page", 1)),
            "snapshot_id": c.get("snapshot_id"), "url": c.get("url")}


def _between(periods: list[dict], reworded: set[tuple[str, str]]) -> list[dict]:
    """Added, removed and reworded commitments from each period to the next.

    Added and removed compare text keys; a removed and an added text are a
    rewording when ``normalize`` recorded them as one (a commitment_reworded
    event, paired by crawler.derive.changes.commitment_events), so this page
    and the feeds agree, and a page view does no pairwise similarity work.
    """
    rewordings: dict[str, set[str]] = {}   # old text -> its recorded new texts
    for before, after in reworded:
        rewordings.setdefault(before, set()).add(after)
    out = []
    for old, new in zip(periods, periods[1:]):
        old_keys = {c["text_key"] for c in old["commitments"]}
        new_keys = {c["text_key"] for c in new["commitments"]}
        removed = [c["text"] for c in old["commitments"] if c["text_key"] not in new_keys]
        added = [c["text"] for c in new["commitments"] if c["text_key"] not in old_keys]
        events = []
        for before in list(removed):
            # the first added text recorded as its rewording (not every pair:
            # 345 removed x 345 added texts a year took 44 ms at 1M commitments)
            targets = rewordings.get(before)
            after = next((a for a in added if a in targets), None) if targets else None
            if after is not None:
                removed.remove(before)
                added.remove(after)
                events.append(_event("commitment_reworded", before, after))
        events += [_event("commitment_removed", t, None) for t in removed]
        events += [_event("commitment_added", None, t) for t in added]
        out.append({"from": old["label"], "to": new["label"], "events": events})
    return out


def _event(kind: str, old: str | None, new: str | None) -> dict:
    return {"kind": kind, "label": CHANGE_KINDS[kind], "old_text": old, "new_text": new}


def _reworded(conn, code: str) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in conn.execute(
        "select old_text, new_text from changes where municipality_code = ? "
        "and kind = 'commitment_reworded'", [code])}


def municipality_changes(conn, code: str | None, limit: int = 200, where: str = "",
                         params=()) -> list[dict]:
    """Recorded change events (the ``changes`` table), newest first."""
    kinds = ", ".join(f"'{k}'" for k in PROMISE_CHANGE_KINDS)
    condition = "ch.municipality_code = ?" if code else "1"
    args = [code] if code else []
    found = rows(conn, f"""
        select ch.id, ch.detected_at, ch.kind, ch.summary, ch.old_text, ch.new_text, ch.url,
               ch.snapshot_id, ch.previous_snapshot_id, ch.municipality_code,
               m.name as municipality
        from changes ch left join municipalities m on m.code = ch.municipality_code
        where {condition} and ch.kind in ({kinds}) {where}
        order by ch.detected_at desc, ch.id desc limit ?""", [*args, *params, limit])
    for change in found:
        change["when"] = swedish_time(change["detected_at"])
    return found


def _sources(conn, code: str) -> list[dict]:
    """The pages the municipality's promises were found on, with their status."""
    found = rows(conn, """
        select p.url, p.site, p.first_seen, p.last_seen, p.last_changed, p.snapshot_count,
               p.current_snapshot_id, p.last_status, p.gone_since, p.gone_status
        from pages p where p.url in (
            select d.url from documents d join document_municipalities dm
            on dm.document_id = d.id where dm.municipality_code = ?)
        order by p.first_seen""", [code])
    for page in found:
        page["first_seen_label"] = swedish_time(page["first_seen"])
        page["last_seen_label"] = swedish_time(page["last_seen"])
        page["status_label"] = (
            f"borttagen sedan {swedish_time(page['gone_since'])}"
            + (f" (HTTP {page['gone_status']})" if page["gone_status"] else "")
            if page["gone_since"] else "finns kvar")
    return found


def police_area(conn, code: str) -> dict:
    """``police_area``: the local police areas (LPO) the municipality's newest
    promise naming one names, with its period and archived version (None when
    no promise names one); ``same_area``: the other municipalities whose
    promises name the same area, then those that signed one promise with it."""
    area = _newest_area(conn, code)
    names = area["names"] if area else []
    same = _named_by_others(conn, code, names) if names else []
    listed = {r["code"] for r in same}
    return {"police_area": area,
            "same_area": same + [r for r in _cosigners(conn, code) if r["code"] not in listed]}


def _newest_area(conn, code: str) -> dict | None:
    try:
        named = rows(conn, """
            select police_area, document_id, snapshot_id, period_label, start_year, end_year
            from summary_police_areas where municipality_code = ?
            order by coalesce(start_year, 0) desc, document_id desc""", [code])
    except sqlite3.OperationalError:   # an archive normalized before summary_police_areas
        return None
    if not named:
        return None
    newest = named[0]
    return {"names": [r["police_area"] for r in named
                      if r["document_id"] == newest["document_id"]],
            "document_id": newest["document_id"], "snapshot_id": newest["snapshot_id"],
            "period": period_label(newest["start_year"], newest["end_year"],
                                   newest["period_label"])}


def _named_by_others(conn, code: str, names: list[str]) -> list[dict]:
    return rows(conn, f"""
        select m.code, m.name, m.short_name, 'lpo' as via from municipalities m
        where m.code != ? and m.code in (select municipality_code from summary_police_areas
                                         where police_area in ({",".join("?" * len(names))}))
        order by m.name""", [code, *names])


def _cosigners(conn, code: str) -> list[dict]:
    return rows(conn, """
        select m.code, m.name, m.short_name, 'löfte' as via from document_municipalities a
        join document_municipalities b on b.document_id = a.document_id
        join municipalities m on m.code = b.municipality_code
        where a.municipality_code = ? and b.municipality_code != ?
        group by m.code order by m.name""", [code, code])


def _neighbours(conn, m: dict) -> list[dict]:
    """The nearest municipalities in the same county, by distance (a grouping
    that needs no promise; local police areas come from the promises, see
    police_area)."""
    return rows(conn, """
        select code, name, short_name from municipalities
        where county_code = ? and code != ? and latitude is not null
        order by (latitude - ?) * (latitude - ?) + (longitude - ?) * (longitude - ?) * 0.3
        limit ?""", [m["county_code"], m["code"], m["latitude"] or 0, m["latitude"] or 0,
                     m["longitude"] or 0, m["longitude"] or 0, NEIGHBOURS])


def municipality_counts(conn) -> list[dict]:
    """Every municipality with its count of distinct commitments, by name: from
    the per-party summary normalize builds (300 ms counted live at 100,000)."""
    try:
        return rows(conn, """
            select m.code, m.name, m.county, m.police_region,
                   coalesce(sum(s.commitments), 0) as commitments
            from municipalities m
            left join summary_municipality_parties s on s.municipality_code = m.code
            group by m.code order by m.name""")
    except sqlite3.OperationalError:   # an archive normalized before the summary
        return _municipality_counts_live(conn)


def _municipality_counts_live(conn) -> list[dict]:
    return rows(conn, f"""
        select m.code, m.name, m.county, m.police_region, count(d.id) as commitments
        from municipalities m left join ({distinct_commitments_sql('1')}) d
        on d.municipality_code = m.code group by m.code order by m.name""")


def municipalities_with(conn, theme: str | None, year: int | None) -> list[dict]:
    """Municipalities with distinct commitments in ``theme`` (if given) whose
    period starts in ``year`` (if given), most first. A theme over all years
    is read from the summary normalize builds (summary_municipality_themes)."""
    if theme and not year:
        try:
            return rows(conn, """
                select m.code, m.name, m.county, m.police_region, s.commitments
                from summary_municipality_themes s
                join municipalities m on m.code = s.municipality_code
                where s.theme = ? order by s.commitments desc, m.name""", [theme])
        except sqlite3.OperationalError:   # an archive normalized before the summary
            pass
    return _municipalities_counted(conn, theme, year)


def _municipalities_counted(conn, theme: str | None, year: int | None) -> list[dict]:
    where, params = "1", []
    if theme:
        where += " and c.id in (select commitment_id from commitment_themes where theme = ?)"
        params.append(theme)
    if year:
        where += " and c.start_year = ?"
        params.append(year)
    return rows(conn, f"""
        select m.code, m.name, m.county, m.police_region, count(*) as commitments
        from ({distinct_commitments_sql(where)}) d
        join municipalities m on m.code = d.municipality_code
        group by m.code order by commitments desc, m.name""", params)


# -- a commitment -----------------------------------------------------------

def commitment_by_key(conn, code: str, key: str) -> int | None:
    """The newest commitment with text_key ``key`` in municipality ``code``:
    the id behind the stable URL /atagande/KOD/NYCKEL."""
    found = conn.execute("""
        select max(c.id) from commitments c
        join document_municipalities dm on dm.document_id = c.document_id
        where dm.municipality_code = ? and c.text_key = ?""", [code, key]).fetchone()
    return found[0] if found else None


def commitment_page(conn, commitment_id: int) -> dict | None:
    found = rows(conn, """
        select c.*, m.name as municipality, m.short_name, m.county, m.police_region
        from commitments c left join municipalities m on m.code = c.municipality_code
        where c.id = ?""", [commitment_id])
    if not found:
        return None
    c = found[0]
    labels = theme_labels(conn)
    summary = commitment_summary(c, labels)
    parent = rows(conn, "select id, text, kind, responsible from commitments where id = ?",
                  [c["parent_id"]]) if c["parent_id"] else []
    # Activities sit in their promise's document (document_id is indexed, parent_id not).
    activities = rows(conn, "select id, text, kind, responsible from commitments "
                            "where document_id = ? and parent_id = ? order by position",
                      [c["document_id"], commitment_id])
    copies = rows(conn, """
        select c.id, c.snapshot_id, c.url, c.period_label, c.start_year, c.end_year,
               s.fetched_at, s.content_type, p.gone_since, p.current_snapshot_id
        from commitments c join document_municipalities dm on dm.document_id = c.document_id
        left join snapshots s on s.id = c.snapshot_id
        left join pages p on p.url = c.url
        where dm.municipality_code = ? and c.text_key = ?
        group by c.snapshot_id order by s.fetched_at, c.id""",
                  [c["municipality_code"], c["text_key"]])
    for copy in copies:
        copy["when"] = swedish_time(copy["fetched_at"])
        copy["period"] = period_label(copy["start_year"], copy["end_year"], copy["period_label"])
        copy["is_pdf"] = "pdf" in (copy["content_type"] or "")
    history = rows(conn, """
        select ch.id, ch.detected_at, ch.kind, ch.summary, ch.old_text, ch.new_text,
               ch.snapshot_id, ch.previous_snapshot_id, ch.url
        from changes ch where ch.municipality_code = ?
          and (ch.old_text in (select text from commitments where text_key = ?)
               or ch.new_text in (select text from commitments where text_key = ?))
        order by ch.detected_at, ch.id""",
                   [c["municipality_code"], c["text_key"], c["text_key"]])
    for change in history:
        change["when"] = swedish_time(change["detected_at"])
    return {"commitment": {**summary, "municipality_code": c["municipality_code"],
                           "municipality": c["municipality"], "county": c["county"],
                           "police_region": c["police_region"],
                           "municipality_slug": slug(c["short_name"] or c["municipality"] or ""),
                           "period": period_label(c["start_year"], c["end_year"],
                                                  c["period_label"]),
                           "text_key": c["text_key"],
                           "stable_path": f"/atagande/{c['municipality_code']}/"
                                          f"{quote(c['text_key'] or '', safe='')}"},
            "parent": parent[0] if parent else None, "activities": activities,
            "copies": copies, "history": history}


SIMILAR_SQL = """
with candidates as (   -- ordlikhet(c.text, :text) of each, computed at once
  select value ->> 0 as id, 1.0 * (value ->> 1) / (value ->> 2) as similarity
  from json_each(likhetstal(:text, :candidates))),
scored as materialized (
  select c.id, c.text, c.municipality_code, c.period_label, c.start_year, c.end_year,
         c.text_key, k.similarity
  from candidates k join commitments c on c.id = k.id
  where coalesce(c.municipality_code, '') != :code)
select s.id, s.text, s.municipality_code, m.name as municipality, s.period_label,
       s.start_year, s.end_year, round(s.similarity, 2) as similarity
from scored s left join municipalities m on m.code = s.municipality_code
where s.similarity > 0.2
group by s.municipality_code, s.text_key
order by similarity desc limit 15"""


SIMILAR_CANDIDATES = 120  # best BM25 candidates re-ranked by trigram similarity


def similar_commitments(conn, text: str, code: str | None) -> list[dict]:
    """Similar commitments in other municipalities (the SQL function
    likhetstal comes from crawler.web.archive_views): the
    SIMILAR_CANDIDATES best candidates of the search index (ranked), re-ranked
    by trigram similarity. (The canned query liknande_ataganden takes 500;
    the page keeps to fewer so it answers quickly.)"""
    found = rows(conn, SIMILAR_SQL, {"text": text, "code": code or "",
                                     "candidates": SIMILAR_CANDIDATES})
    for c in found:
        c["period"] = period_label(c["start_year"], c["end_year"], c["period_label"])
    return found


# -- search additions -------------------------------------------------------

def matching_ids(conn, groups: list[tuple[str, list[str]]], code: str) -> list[int]:
    """Ids of one municipality's commitments whose text matches the search's
    query groups (crawler.search.words.query_groups), as FTS5 matches
    ``text : …``. Matched here over the municipality's few hundred texts: asking
    FTS5 meant reading every match in the archive first (130 ms for a word in
    every row at 100,000 commitments)."""
    return [commitment_id for commitment_id, text in conn.execute("""
        select c.id, c.text from commitments c
        join document_municipalities dm on dm.document_id = c.document_id
        where dm.municipality_code = ?""", [code]) if text_matches(text, groups)]
