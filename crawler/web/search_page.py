"""Datasette plugin: the Swedish search page ``/-/sok`` (and ``/-/sok.json``).

Commitments matching every query word (FTS5 word index ``search_words``;
query words stemmed and widened to every indexed word that contains them by
``crawler.search.words``, SQL function ``sokfraga``), the best first: picked by
this process's in-memory tantivy index (``crawler.search.ranking``), or by FTS5
bm25 while that is being built. Municipality, period and responsible party
beside each hit, and facets on municipality, county, police region, start
year, theme, responsible party, kind and version (still on the page, or only
in older versions), counted over the memory-mapped facet arrays of
``search_facets`` (``crawler.search.facets``); the Kommun facet's counts are
also the "kommuner som matchar" summary. Each text is shown once: the newest
archived copy. How the result is shown is ``crawler.web.search_lists``.
Results, facet counts and facet lists are cached (LRU, one `SearchState` per
Datasette instance) until `normalize` rebuilds the search tables. Every
parameter is bounded (``crawler.web.guards``): a page number past the last
page is a 404, one out of range a 400, as is a theme or municipality that
does not exist, all with a Swedish message."""

from __future__ import annotations

import asyncio
import math
import sqlite3
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

import numpy as np
from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import sqlite_timelimit
from datasette.utils.asgi import Response

from crawler.search.disk import open_facet_index
from crawler.search.filters import (FILTERS, INTEGER, NONE, VALUE, chosen_values,
                                    sql_conditions)
from crawler.search.ranking import ready_index, search_state
from crawler.search.words import (mark_matches, match_expression, query_groups, query_terms,
                                  query_words, suggestion)
from crawler.web.counts import PageCache, cache_table_counts
from crawler.web.guards import MAX_PAGE, BadParameter, bounded_int
from crawler.web.search_lists import (FACETS, facet_lists, facets_from_counts, label,
                                      page_numbers, read_labels, results_html, search_link,
                                      shown_hits)

PAGE_SIZE = 20   # hits per page ("visar 1–20 av 9 738", issue 12)
MAX_QUERY = 300   # characters of a query
MAX_TERMS = 8     # words of a query (each widens to up to 400 indexed words)
MAX_FILTER = 200  # characters of a filter value
SEARCH_STATEMENTS = 3  # a search's time budget, in units of the site's SQL time limit

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


class ResultCache:
    """A small LRU of what one archive state gives (search results, facet
    counts, comparisons), dropped whenever that state changes.

    Paging through a search or toggling a facet repeats the same FTS work;
    the search tables only change when ``normalize`` rebuilds them (a new
    ``crawler.search.ranking.search_state``), and then everything cached is dropped.
    """

    def __init__(self, size: int = 256):
        self.size, self.state, self.items = size, None, OrderedDict()
        self.lock = threading.Lock()   # used from Datasette's SQL threads too

    def get(self, state, key):
        with self.lock:
            if state != self.state:
                self.state, self.items = state, OrderedDict()
                return None
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
            return None

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def get_or_make(self, state, key, make):
        """The value kept for ``key`` in ``state``; else ``make()``, kept."""
        value = self.get(state, key)
        if value is None:
            value = make()
            self.put(key, value)
        return value


class SearchState:
    """One Datasette instance's search caches: results (LRU), the searches
    running now (a popular query arriving many times at once is computed
    once), and the facet index of the search tables as they are now."""

    def __init__(self):
        self.results = ResultCache()
        # the facet counts of (query, filters), and the page's lists made from
        # them (crawler.web.search_page.facet_lists): the same for every page
        self.counts = ResultCache(1024)
        self.lists = ResultCache(256)
        # documents and pages matching a query: the same for every filter and page
        self.others = ResultCache(1024)
        # rows matching a phrase query, before filters (matching_rows)
        self.matches = ResultCache(128)
        self.running: dict[tuple, asyncio.Future] = {}
        self.facets: tuple = (None, None)  # ((path, search state), FacetIndex)
        self.labels: tuple = (None, {})    # (search state, read_labels)

    def state(self, conn):
        """The search state this connection sees, its labels read once per state."""
        state = search_state(conn)
        if self.labels[0] != state:
            self.labels = (state, read_labels(conn))
        return state

    def facet_index(self, conn, key):
        """The facet index of (archive path, search state), opened from disk once."""
        if self.facets[0] != key:
            self.facets = (key, open_facet_index(conn, key[0]))
        return self.facets[1]


def matching_rows(conn, index, groups, fts: str, known: "ResultCache", state) -> np.ndarray:
    """Positions in the facet index of the rows the query matches, before any
    filter. A query of words (no phrase) is matched on the bitmaps of the
    frequent words, FTS5 asked only for the others. Otherwise (a phrase, or no
    word with a bitmap) FTS5 hands over every matching id: 40 ms for a phrase
    in every row at 100,000 commitments, so those rows are kept per query (a
    bitmap, 1 bit a row) and each filter the visitor then picks costs only
    the counting."""

    def rows_of(words: list[str]):
        return index.positions([r[0] for r in conn.execute(
            MATCHING_IDS, {"fts": match_expression([("words", words)])})])

    where = index.frequent.positions(groups, rows_of) if index.frequent else None
    if where is not None:
        return where

    def all_rows():
        found = np.zeros(len(index.ids), dtype=bool)
        found[index.positions([r[0] for r in conn.execute(MATCHING_IDS, {"fts": fts})])] = True
        return np.packbits(found)

    packed = known.get_or_make(state, fts, all_rows)
    return np.flatnonzero(np.unpackbits(packed, count=len(index.ids)))


_STATES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def state_for(datasette) -> SearchState:
    """The SearchState of a Datasette instance (made on first use)."""
    if datasette not in _STATES:
        _STATES[datasette] = SearchState()
    return _STATES[datasette]


# One page of hits, by id (the ranking's order is restored in Python).
HITS_BY_ID_SQL = """
select c.id, c.text, c.municipality_code, m.name as municipality, m.county,
       m.police_region, c.period_label, c.start_year, c.end_year, c.responsible, c.kind,
       c.themes, c.url, c.snapshot_id, c.document_id, c.parent_id, f.current
from commitments c
join search_facets f on f.id = c.id
left join municipalities m on m.code = c.municipality_code
where c.id in ({ids})"""


def ranked_hits(conn, path, state, groups, fts: str, chosen: dict[str, str], values: dict,
                page: int) -> tuple[list[dict], str]:
    """One page of hits: ranked by tantivy when this process has its index
    for the search tables as they are in this read (crawler.search.ranking), else
    by FTS5 bm25. Returns (hits, ranking used). ``page`` is bounded by the caller."""
    index = ready_index(path, state)
    offset = (page - 1) * PAGE_SIZE
    if index is None:
        filters, params = filter_sql(chosen)
        params = {**params, "fts": fts, "limit": PAGE_SIZE, "offset": offset}
        cursor = conn.execute(HITS_SQL.format(filters=filters), params)
        return _dicts(cursor), "fts5"
    ids = index.top(groups or [], values, PAGE_SIZE, offset)
    if not ids:
        return [], "tantivy"
    order = {i: n for n, i in enumerate(ids)}
    cursor = conn.execute(HITS_BY_ID_SQL.format(ids=", ".join(str(int(i)) for i in ids)))
    hits = sorted(_dicts(cursor), key=lambda r: order[r["id"]])
    for hit in hits:
        hit["marked"] = mark_matches(hit["text"] or "", groups)
    return hits, "tantivy"


def _dicts(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def run_search(conn, path, q: str, chosen: dict[str, str], page: int,
               search: SearchState) -> dict:
    """Facet counts, total, one page of hits, document/page hit counts, and a
    "menade du" suggestion when nothing matched; all read in ONE read
    transaction, so counts and hits agree even while `normalize` commits."""
    conn.execute("begin")
    try:
        state = search_state(conn)
        groups = query_groups(conn, q)
        fts = match_expression(groups)
        values = chosen_values(chosen)

        def count_facets():
            index = search.facet_index(conn, (path, state))
            return index.counts_at(matching_rows(conn, index, groups, fts, search.matches,
                                                 state), values)[0]

        def count_others():
            return {table: conn.execute(COUNT_SQL.format(table=table), {"fts": fts}).fetchone()[0]
                    for table in ("search_documents", "search_pages")}

        counts = search.counts.get_or_make(state, (q.lower(), tuple(sorted(chosen.items()))),
                                           count_facets)
        hits, ranking = ranked_hits(conn, path, state, groups, fts, chosen, values, page)
        others = search.others.get_or_make(state, fts, count_others)
        suggested = None if counts else suggestion(conn, q)
    finally:
        conn.execute("rollback")  # read only
    return {"fts": fts, "facet_rows": counts, "hits": hits, "others": others,
            "ranking": ranking, "suggestion": suggested, "state": state}


EMPTY = {"fts": '""', "facet_rows": [], "hits": [], "others": {}, "ranking": None,
         "suggestion": None}


async def message(datasette, request, q: str, status: int, text: str) -> Response:
    """The search page with a Swedish message instead of hits."""
    if request.url_vars.get("format") == "json":
        return Response.json({"q": q, "error": text}, status=status)
    context = {"q": q[:MAX_QUERY], "terms": [], "error": text, "examples": [],
               "database": datasette.get_database().name}
    return Response.html(await datasette.render_template("sok.html", context, request=request),
                         status=status)


@dataclass(frozen=True)
class SearchRequest:
    q: str
    chosen: dict
    page: int
    json: bool

    @property
    def key(self) -> tuple:
        return (self.q.lower(), tuple(sorted(self.chosen.items())), self.page)


def parse_request(request) -> SearchRequest:
    """The search parameters, bounded; `BadParameter` (Swedish) if not usable."""
    q = (request.args.get("q") or "").strip()
    if len(q) > MAX_QUERY or len(query_terms(q)) > MAX_TERMS:
        raise BadParameter(f"Sökfrågan är för lång (högst {MAX_QUERY} tecken och "
                           f"{MAX_TERMS} ord).")
    chosen = {param: request.args.get(param) for param, _, _ in FACETS
              if request.args.get(param)}
    if any(len(value) > MAX_FILTER for value in chosen.values()):
        raise BadParameter("Ett filtervärde är för långt.")
    if chosen.get("ar", NONE) != NONE:
        bounded_int(chosen["ar"], "ar", low=1900, high=2200)
    page = bounded_int(request.args.get("sida"), "sida", default=1, high=MAX_PAGE)
    return SearchRequest(q, chosen, page, request.url_vars.get("format") == "json")


async def cached_search(datasette, db, search: SearchState, req: SearchRequest,
                        state) -> dict:
    """`run_search`, through the instance's result cache and shared with
    identical searches running now; stopped after the site's SQL time limit.
    ``state``: the search state just read (``SearchState.state``)."""
    result = search.results.get(state, req.key)
    if result is None and req.key in search.running:
        result = await asyncio.shield(search.running[req.key])
    if result is not None:
        return result
    pending = search.running[req.key] = asyncio.get_running_loop().create_future()
    try:
        # The site's limit is per SQL statement; a search is several (facets,
        # hits, documents, pages) read in one transaction.
        limit = SEARCH_STATEMENTS * datasette.setting("sql_time_limit_ms")

        def searched(conn):
            with sqlite_timelimit(conn, limit):
                return run_search(conn, db.path, req.q, req.chosen, req.page, search)
        result = await db.execute_fn(searched)
    finally:
        if search.running.get(req.key) is pending:
            del search.running[req.key]
        pending.set_result(result)  # None on failure: the waiters run it themselves
    if result["state"] == state:
        search.results.put(req.key, result)
    return result


def unknown_value(chosen: dict[str, str], labels: dict) -> str | None:
    """A Swedish message when a theme or municipality filter names none that exists."""
    theme, code = chosen.get("tema"), chosen.get("kommun")
    if theme and theme != NONE and theme not in labels["themes"]:
        return (f"Det finns inget tema som heter ”{theme}”. Välj ett tema bland filtren, "
                f"till exempel {', '.join(sorted(labels['themes'])[:3])}.")
    if code and code != NONE and code not in labels["municipality_codes"]:
        return (f"Det finns ingen kommun med koden ”{code}”. Välj en kommun bland filtren "
                "(kommunkoder har fyra siffror, till exempel 2181 för Sandviken).")
    return None


async def search_view(datasette, request):
    db = datasette.get_database()
    try:
        req = parse_request(request)
    except BadParameter as exc:
        return await message(datasette, request, request.args.get("q") or "", 400, str(exc))
    search = state_for(datasette)
    result = EMPTY
    try:
        state = await db.execute_fn(search.state)
        labels = search.labels[1]
        unknown = unknown_value(req.chosen, labels)
        if unknown:
            return await message(datasette, request, req.q, 400, unknown)
        if req.q:
            result = await cached_search(datasette, db, search, req, state)
    except (QueryInterrupted, sqlite3.OperationalError) as exc:
        if "no such table" in str(exc) or "no such column" in str(exc):
            return await message(datasette, request, req.q, 503,
                                 "Sökindexet saknas eller är från en äldre version. Kör "
                                 "`medborgarloften normalize` på arkivet.")
        if not isinstance(exc, QueryInterrupted) and "interrupted" not in str(exc):
            raise
        return await message(datasette, request, req.q, 503,
                             "Sökningen tog för lång tid. Prova ett mer specifikt ord.")
    shown = shown_facets(search, req, result, labels) if req.q else \
        {"total": 0, "facets": {}}
    total, facets = shown["total"], shown["facets"]
    last = max(1, math.ceil(total / PAGE_SIZE))
    if req.page > last:
        return await message(datasette, request, req.q, 404,
                             f"Sökningen har {last} {'sida' if last == 1 else 'sidor'} "
                             f"med träffar; sidan {req.page} finns inte.")
    hits = shown_hits(result, labels)
    if req.json:
        return search_json(req, result, total, hits, facets)
    return await search_html(datasette, request, db, req, result, shown, hits, labels)


def search_json(req: SearchRequest, result: dict, total: int, hits: list, facets: dict):
    for hit in hits:
        hit["html"] = str(hit["html"])
    others = result["others"]
    return Response.json({"q": req.q, "terms": query_words(req.q),
                          "ranking": result["ranking"], "total": total, "page": req.page,
                          "hits": hits, "facets": facets, "suggestion": result["suggestion"],
                          "documents": others.get("search_documents", 0),
                          "pages": others.get("search_pages", 0)}, default=str)


def shown_facets(search: SearchState, req: SearchRequest, result: dict, labels: dict) -> dict:
    """{"total", "facets"} of a search, and once an HTML page is asked for, its
    lists (``facet_lists``): the same on every page of a search, so kept per
    query and filters until the search tables change (SearchState.lists)."""

    def made():
        total, facets = facets_from_counts(result["facet_rows"], req.chosen, labels)
        return {"total": total, "facets": facets}

    return search.lists.get_or_make(result["state"], (req.q, tuple(sorted(req.chosen.items()))),
                                    made)


async def search_html(datasette, request, db, req: SearchRequest, result: dict, shown: dict,
                      hits: list, labels: dict):
    def link(**changes) -> str:
        return search_link({"q": req.q, **req.chosen}, **changes)

    if "facet_html" not in shown:
        shown.update(facet_lists(req.q, req.chosen, shown["facets"]))
    total, facets = shown["total"], shown["facets"]
    columns = {param: column for param, column, _ in FACETS}
    others, page = result["others"], req.page
    context = {
        "q": req.q, "terms": query_words(req.q), "hits": hits, "facets": facets,
        "total": total, "page": page, "page_size": PAGE_SIZE, "database": db.name,
        "documents": others.get("search_documents", 0), "pages": others.get("search_pages", 0),
        "chosen": [{"heading": facets.get(p, {}).get("heading", p),
                    "value": label(columns[p], value, labels),
                    "href": link(**{p: None, "sida": None})}
                   for p, value in req.chosen.items()],
        "suggestion": result["suggestion"],
        "suggestion_href": link(q=result["suggestion"], sida=None)
        if result["suggestion"] else None,
        "next_href": link(sida=page + 1) if page * PAGE_SIZE < total else None,
        "prev_href": link(sida=page - 1) if page > 1 else None,
        "page_links": [{"n": n, "href": link(sida=n)} if n else None
                       for n in page_numbers(page, math.ceil(total / PAGE_SIZE))],
        "facet_html": shown["facet_html"],
        "matching_municipalities": shown["matching_municipalities"],
        "matching_html": shown["matching_html"],
        "examples": ["trygghetsvandring", "narkotika", "grannsamverkan", "belysning",
                     "fotpatrullering"],
    }
    context["results"] = results_html(context)
    return Response.html(await datasette.render_template("sok.html", context, request=request))


SEARCHED_TABLE = "commitments_overview"
# the browsing table's column for a list filter of the search page
OVERVIEW_COLUMNS = {"kommun": "municipality_code"}


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
        value = (args.get(OVERVIEW_COLUMNS.get(spec.param, spec.column)) or [""])[0]
        if value and (spec.kind in (VALUE, INTEGER) or spec.param in OVERVIEW_COLUMNS):
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
