"""Comparing municipalities side by side (/jamfor): themes x municipalities
counted as distinct commitments (crawler.store.read.DISTINCT_COMMITMENTS),
promises, periods and responsible parties; and the county and police-region
groups."""

from __future__ import annotations

import json
import sqlite3

from crawler.store.read import distinct_commitments_sql
from crawler.store.schema import PARTIES
from crawler.web.queries import period_label, rows, theme_labels


def comparison(conn, codes: list[str], year: int | None = None) -> dict:
    """Themes x municipalities (distinct commitments), periods, promises and
    party split for the municipalities ``codes`` (in that order)."""
    marks = ",".join("?" * len(codes))
    cells, totals = _counts(conn, codes, year)
    doc_where = f"dm.municipality_code in ({marks})"
    doc_params: list = list(codes)
    if year:
        doc_where += " and d.start_year <= ? and coalesce(d.end_year, 9999) >= ?"
        doc_params += [year, year]
    promises = rows(conn, f"""
        select dm.municipality_code as code, count(distinct d.promise_key) as promises,
               group_concat(distinct d.start_year || '/' || coalesce(d.end_year, '')) as periods
        from documents d join document_municipalities dm on dm.document_id = d.id
        where {doc_where} group by dm.municipality_code""", doc_params)
    labels = theme_labels(conn)
    themes = [{"theme": t, "label": labels[t],
               "counts": [cells.get((code, t), 0) for code in codes]}
              for t in labels if any(cells.get((code, t)) for code in codes)]
    promise = {r["code"]: r for r in promises}
    columns = []
    for code in codes:
        t, p = totals[code], promise.get(code, {})
        columns.append({"code": code, "commitments": t.get("n", 0),
                        "promises": p.get("promises", 0),
                        "periods": sorted(_period_text(x) for x in
                                          (p.get("periods") or "").split(",") if x),
                        "parties": {label: t.get(key) or 0 for key, label in (
                            ("polisen", "Polisen"), ("kommunen", "Kommunen"),
                            ("gemensamt", "Gemensamt"), ("annan", "Annan aktör"),
                            ("okand", "Okänd"))}})
    return {"themes": themes, "columns": columns}


def _counts(conn, codes: list[str], year: int | None) -> tuple[dict, dict]:
    """Distinct commitments per (municipality, theme), and per municipality in
    total ("n") and per party: over all years from the summary tables normalize
    builds (crawler.derive.summaries), for one year counted here."""
    if year is None:
        try:
            return _summary_counts(conn, codes)
        except sqlite3.OperationalError:   # an archive normalized before these summaries
            pass
    marks = ",".join("?" * len(codes))
    where = f"dm.municipality_code in ({marks})"
    params: list = list(codes)
    if year:
        where += " and c.start_year <= ? and coalesce(c.end_year, 9999) >= ?"
        params += [year, year]
    # One pass over the distinct commitments (one query, not one per measure).
    cells: dict[tuple[str, str], int] = {}
    totals: dict[str, dict[str, int]] = {code: {} for code in codes}
    for code, responsible, themes in conn.execute(f"""
            select d.municipality_code, c.responsible, c.themes
            from ({distinct_commitments_sql(where)}) d join commitments c on c.id = d.id""",
            params):
        counts = totals[code]
        counts["n"] = counts.get("n", 0) + 1
        party = party_of(responsible)
        counts[party] = counts.get(party, 0) + 1
        for theme in json.loads(themes or "[]"):
            cells[(code, theme)] = cells.get((code, theme), 0) + 1
    return cells, totals


def party_of(responsible: str | None) -> str:
    return responsible if responsible in PARTIES else "okand"


def _summary_counts(conn, codes: list[str]) -> tuple[dict, dict]:
    marks = ",".join("?" * len(codes))
    cells = {(code, theme): n for code, theme, n in conn.execute(
        "select municipality_code, theme, commitments from summary_municipality_themes "
        f"where municipality_code in ({marks})", codes)}
    totals: dict[str, dict[str, int]] = {code: {} for code in codes}
    for code, party, n in conn.execute(
            "select municipality_code, responsible, commitments from summary_municipality_parties "
            f"where municipality_code in ({marks})", codes):
        totals[code][party] = n
        totals[code]["n"] = totals[code].get("n", 0) + n
    return cells, totals


def _period_text(pair: str) -> str:
    start, _, end = pair.partition("/")
    return period_label(int(start), int(end) if end else None)


def group_members(conn, county_code: str | None = None,
                  police_region: str | None = None) -> list[dict]:
    """The municipalities of a county or a police region, by code."""
    if county_code:
        return rows(conn, "select * from municipalities where county_code = ? order by code",
                    [county_code])
    return rows(conn, "select * from municipalities where police_region = ? order by code",
                [police_region])


def counties(conn) -> list[dict]:
    return rows(conn, "select county_code, min(county) as county, count(*) as n "
                      "from municipalities group by county_code order by county")


def police_regions(conn) -> list[dict]:
    return rows(conn, "select police_region, count(*) as n from municipalities "
                      "group by police_region order by police_region")
