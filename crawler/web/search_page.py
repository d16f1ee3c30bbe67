"""Datasette plugin: the Swedish search page ``/-/sok`` (and ``/-/sok.json``).

Commitments matching every query word (FTS5 word index ``search_words``;
query words stemmed and widened to every indexed word that contains them by
``crawler.search.words``, SQL function ``sokfraga``), the best first: picked by
this process's in-memory tantivy index (``crawler.search.ranking``), or by FTS5
bm25 while that is being built. Municipality, period and responsible party
beside each hit, and facets on county, police region, start year, theme,
responsible party, kind and version (still on the page, or only in older
versions), counted over an in-memory copy of ``search_facets``
(``crawler.search.facets``). Each text is shown once: the newest archived copy.
Results are cached (LRU) until `normalize` rebuilds the search tables."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import OrderedDict
from urllib.parse import parse_qs, urlencode

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from crawler.search.disk import open_facet_index
from crawler.web.counts import PageCache, cache_table_counts
from crawler.search.filters import (CURRENT, FILTERS, INTEGER, NONE, OLDER, VALUE,
                                    sql_conditions, version_of)
from crawler.search.ranking import ready_index, search_state
from crawler.search.words import mark_matches, match_expression, query_groups, query_terms

PAGE_SIZE = 50
# (query parameter, column in the match rows, Swedish heading)
FACETS = tuple((f.param, "version" if f.param == "version" else f.column, f.heading)
               for f in FILTERS)
VERSION = {CURRENT: "Finns på sidan i dag", OLDER: "Bara i äldre versioner"}
RESPONSIBLE = {"polisen": "Polisen", "kommunen": "Kommunen", "gemensamt": "Gemensamt",
               "annan": "Annan aktör", None: "Okänd"}
KIND = {"promise": "Löfte", "activity": "Aktivitet", None: "Okänd"}

# The matching rows' ids; their facets are counted by crawler.search.facets.FacetIndex.
MATCHING_IDS = "select rowid from search_words where search_words match :fts"

HITS_SQL = """
select c.id, c.text, highlight(search_words, 0, char(1), char(2)) as marked,
       c.municipality_code, m.name as municipality, m.county, m.police_region,
       c.period_label, c.start_year, c.end_year, c.responsible, c.kind, c.themes, c.url,
       c.snapshot_id, c.document_id, c.parent_id, f.current
from search_words s
join search_facets f on f.id = s.rowid
join commitments c on c.id = s.rowid
left join municipalities m on m.code = c.municipality_code
where search_words match :fts and f.newest = 1{filters}
order by s.rank limit :limit offset :offset"""

COUNT_SQL = "select count(*) from {table} where {table} match :fts"

def filter_sql(chosen: dict[str, str]) -> tuple[str, dict]:
    """SQL conditions and parameters for the chosen facet values (crawler.search.filters)."""
    return sql_conditions(chosen)


def _label(column: str, value: str, theme_labels: dict) -> str:
    if column == "themes":
        return theme_labels.get(value, value)
    if column == "responsible":
        return RESPONSIBLE.get(None if value == NONE else value, value)
    if column == "kind":
        return KIND.get(None if value == NONE else value, value)
    if column == "version":
        return VERSION.get(value, value)
    return value


def marked_html(marked: str | None, text: str | None) -> Markup:
    """Escape a highlighted text, then turn the \\x01…\\x02 marks into <mark>."""
    source = marked if marked and "\x01" in marked else (text or "")
    return Markup(str(escape(source)).replace("\x01", "<mark>").replace("\x02", "</mark>"))


def facets_from_counts(rows, chosen: dict[str, str], theme_labels: dict) -> tuple[int, dict]:
    """The facet counts as facets (years newest first, the rest by count)."""
    counts: dict[str, dict[str, int]] = {param: {} for param, _, _ in FACETS}
    for param, value, n in rows:
        counts[param][NONE if value is None else str(value)] = n
    total = sum(counts["version"].values())
    facets = {}
    for param, column, heading in FACETS:
        if column == "start_year":
            order = sorted(counts[param].items(), key=lambda kv: kv[0], reverse=True)
        else:
            order = sorted(counts[param].items(), key=lambda kv: (-kv[1], kv[0]))
        facets[param] = {"heading": heading, "chosen": chosen.get(param),
                         "values": [{"value": v, "label": _label(column, v, theme_labels),
                                     "count": n} for v, n in order]}
    return total, facets


class ResultCache:
    """A small LRU of search results, dropped whenever the search tables change.

    Paging through a search or toggling a facet repeats the same FTS work;
    the search tables only change when ``normalize`` rebuilds them (a new
    ``crawler.search.ranking.search_state``), and then everything cached is dropped.
    """

    def __init__(self, size: int = 256):
        self.size, self.state, self.items = size, None, OrderedDict()

    def get(self, state, key):
        if state != self.state:
            self.state, self.items = state, OrderedDict()
            return None
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        return None

    def put(self, key, value) -> None:
        self.items[key] = value
        while len(self.items) > self.size:
            self.items.popitem(last=False)


CACHE = ResultCache()
RUNNING: dict[tuple, asyncio.Future] = {}  # searches being run, by cache key
FACET_INDEX: tuple = (None, None)  # ((path, search state), FacetIndex) of this process


async def facet_rows(db, fts: str, values: dict, state, groups=None) -> list[tuple]:
    """(parameter, value, count) for every facet, over the matching rows that
    have the chosen ``values`` (None: the value is missing). A query of
    frequent words only is matched on the facet index's word bitmaps
    instead of reading every matching id from FTS5."""

    def count(conn):
        global FACET_INDEX
        if FACET_INDEX[0] != (db.path, state):
            FACET_INDEX = ((db.path, state), open_facet_index(conn, db.path))
        index = FACET_INDEX[1]
        where = index.frequent.positions(groups) if index.frequent else None
        if where is not None:
            return index.counts_at(where, values)[0]
        ids = [r[0] for r in conn.execute(MATCHING_IDS, {"fts": fts})]
        return index.counts(ids, values)[0]

    return await db.execute_fn(count)


# One page of hits, by id (the ranking's order is restored in Python).
HITS_BY_ID_SQL = """
select c.id, c.text, c.municipality_code, m.name as municipality, m.county,
       m.police_region, c.period_label, c.start_year, c.end_year, c.responsible, c.kind,
       c.themes, c.url, c.snapshot_id, c.document_id, c.parent_id, f.current
from commitments c
join search_facets f on f.id = c.id
left join municipalities m on m.code = c.municipality_code
where c.id in ({ids})"""


async def ranked_hits(db, groups, fts: str, chosen: dict[str, str], values: dict, page: int,
                      state):
    """One page of hits: ranked by tantivy when this process has its index
    for the search tables as they are now (crawler.search.ranking), else by FTS5
    bm25. Returns (hits, ranking used)."""
    index = ready_index(db.path, state)
    offset = (page - 1) * PAGE_SIZE
    if index is None:
        filters, params = filter_sql(chosen)
        params = {**params, "fts": fts, "limit": PAGE_SIZE, "offset": offset}
        rows = (await db.execute(HITS_SQL.format(filters=filters), params)).rows
        return [dict(r) for r in rows], "fts5"
    ids = index.top(groups or [], values, PAGE_SIZE, offset)
    if not ids:
        return [], "tantivy"
    rows = (await db.execute(HITS_BY_ID_SQL.format(
        ids=", ".join(str(int(i)) for i in ids)))).rows
    order = {i: n for n, i in enumerate(ids)}
    hits = sorted((dict(r) for r in rows), key=lambda r: order[r["id"]])
    for hit in hits:
        hit["marked"] = mark_matches(hit["text"] or "", groups)
    return hits, "tantivy"


async def run_search(db, q: str, chosen: dict[str, str], page: int, state) -> dict:
    """Facet counts, total, one page of hits, and document/page hit counts."""
    groups = await db.execute_fn(lambda conn: query_groups(conn, q))
    fts = match_expression(groups)
    values = {param: None if value == NONE else value for param, value in chosen.items()}
    counts = await facet_rows(db, fts, values, state, groups)
    hits, ranking = await ranked_hits(db, groups, fts, chosen, values, page, state)
    others = {table: (await db.execute(COUNT_SQL.format(table=table), {"fts": fts})).rows[0][0]
              for table in ("search_documents", "search_pages")}
    return {"fts": fts, "facet_rows": counts, "hits": hits, "others": others,
            "ranking": ranking}


async def message(datasette, request, q: str, status: int, text: str) -> Response:
    if request.url_vars.get("format") == "json":
        return Response.json({"q": q, "error": text}, status=status)
    context = {"q": q, "terms": query_terms(q), "error": text, "examples": [],
               "database": datasette.get_database().name}
    return Response.html(await datasette.render_template("sok.html", context, request=request),
                         status=status)


async def search_view(datasette, request):
    db = datasette.get_database()
    q = (request.args.get("q") or "").strip()
    chosen = {param: request.args.get(param) for param, _, _ in FACETS
              if request.args.get(param)}
    try:
        page = max(1, int(request.args.get("sida", "1")))
    except ValueError:
        page = 1
    theme_labels = {r["theme"]: r["label"] for r in
                    (await db.execute("select theme, label from themes")).rows}
    result = {"fts": '""', "facet_rows": [], "hits": [], "others": {}, "ranking": None}
    if q:
        key = (tuple(query_terms(q)), tuple(sorted(chosen.items())), page)
        state = await db.execute_fn(search_state)
        result = CACHE.get(state, key)
        if result is None and key in RUNNING:
            # The same search is being run for another request: share its result
            # (a popular query arriving many times at once is computed once).
            result = await asyncio.shield(RUNNING[key])
        if result is None:
            pending = RUNNING[key] = asyncio.get_running_loop().create_future()
            try:
                result = await run_search(db, q, chosen, page, state)
            except QueryInterrupted:
                return await message(datasette, request, q, 503,
                                     "Sökningen tog för lång tid. Prova ett mer specifikt ord.")
            except sqlite3.OperationalError as exc:
                if "no such table" not in str(exc):
                    raise
                return await message(datasette, request, q, 503,
                                     "Sökindexet saknas eller är från en äldre version. Kör "
                                     "`medborgarloften normalize` på arkivet.")
            finally:
                if RUNNING.get(key) is pending:
                    del RUNNING[key]
                pending.set_result(result)  # None on failure: the waiters run it themselves
            CACHE.put(key, result)
    total, facets = facets_from_counts(result["facet_rows"], chosen, theme_labels) \
        if q else (0, {})
    hits = []
    for row in result["hits"]:
        hit = dict(row)
        hit["version"] = version_of(hit.pop("current"))
        hit["responsible_label"] = RESPONSIBLE.get(hit["responsible"], hit["responsible"])
        hit["kind_label"] = KIND.get(hit["kind"], hit["kind"])
        hit["theme_labels"] = [theme_labels.get(t, t) for t in json.loads(hit["themes"] or "[]")]
        hit["html"] = marked_html(hit.pop("marked"), hit["text"])
        hits.append(hit)
    others = result["others"]
    if request.url_vars.get("format") == "json":
        for hit in hits:
            hit["html"] = str(hit["html"])
        return Response.json({"q": q, "terms": query_terms(q), "fts": result["fts"],
                              "ranking": result["ranking"],
                              "total": total, "page": page, "hits": hits, "facets": facets,
                              "documents": others.get("search_documents", 0),
                              "pages": others.get("search_pages", 0)},
                             default=str)

    def link(**changes) -> str:
        args = {"q": q, **chosen, **changes}
        return "/-/sok?" + urlencode({k: v for k, v in args.items() if v})

    for param, facet in facets.items():
        for value in facet["values"]:
            value["href"] = link(**{param: None if facet["chosen"] == value["value"]
                                    else value["value"], "sida": None})
    columns = {param: column for param, column, _ in FACETS}
    context = {
        "q": q, "terms": query_terms(q), "hits": hits, "facets": facets, "total": total,
        "page": page, "page_size": PAGE_SIZE, "database": db.name,
        "documents": others.get("search_documents", 0), "pages": others.get("search_pages", 0),
        "chosen": [{"heading": facets.get(p, {}).get("heading", p),
                    "value": _label(columns[p], value, theme_labels),
                    "href": link(**{p: None, "sida": None})}
                   for p, value in chosen.items()],
        "next_href": link(sida=page + 1) if page * PAGE_SIZE < total else None,
        "prev_href": link(sida=page - 1) if page > 1 else None,
        "examples": ["trygghetsvandring", "narkotika", "grannsamverkan", "belysning",
                     "fotpatrullering"],
    }
    return Response.html(await datasette.render_template("sok.html", context, request=request))


SEARCHED_TABLE = "commitments_overview"


def search_redirect(path: str, query: str) -> str | None:
    """The /-/sok address for a full-text search on the browsing table's HTML page.

    Datasette's table page counts its facets over every match with SQL (p95
    3 s at 100,000 commitments); /-/sok answers the same search from the
    precomputed indexes. Filters on facet columns carry over."""
    if not path.endswith("/" + SEARCHED_TABLE):
        return None
    args = parse_qs(query)
    q = (args.get("_search") or [""])[0].strip()
    if not q:
        return None
    params = {"q": q}
    for spec in FILTERS:
        value = (args.get(spec.column) or [""])[0]
        if value and spec.kind in (VALUE, INTEGER):
            params[spec.param] = value
    return "/-/sok?" + urlencode(params)


@hookimpl
def asgi_wrapper(datasette):
    """Send full-text searches on the browsing table's page to /-/sok; serve the
    index and database pages from a copy kept until the archive changes."""
    def wrap(app):
        app = PageCache(app, datasette)
        async def redirecting(scope, receive, send):
            if scope["type"] == "http" and scope.get("method") == "GET":
                target = search_redirect(scope["path"], scope.get("query_string", b"").decode())
                if target:
                    await send({"type": "http.response.start", "status": 302,
                                "headers": [(b"location", target.encode()),
                                            (b"content-length", b"0")]})
                    await send({"type": "http.response.body", "body": b""})
                    return
            await app(scope, receive, send)
        return redirecting
    return wrap


@hookimpl
def startup(datasette):
    """Table counts on the index and database pages: once per archive change."""
    cache_table_counts(datasette)


@hookimpl
def register_routes():
    return [(r"^/-/sok(\.(?P<format>json))?$", search_view)]


@hookimpl
def menu_links(datasette):
    return [{"href": "/-/sok", "label": "Sök åtaganden"},
            {"href": "/-/karta", "label": "Karta"},
            {"href": "/-/diagram/teman", "label": "Teman per år"}]
