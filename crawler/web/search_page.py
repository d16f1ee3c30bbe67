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
Results are cached (LRU, one `SearchState` per Datasette instance) until
`normalize` rebuilds the search tables. Every parameter is bounded
(``crawler.web.guards``): a page number past the last page is a 404, one out
of range a 400, both with a Swedish message."""

from __future__ import annotations

import asyncio
import json
import math
import sqlite3
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, quote_plus, urlencode

import jinja2
from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import sqlite_timelimit
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from crawler.search.disk import open_facet_index
from crawler.search.filters import (CURRENT, FILTERS, INTEGER, NONE, OLDER, VALUE,
                                    sql_conditions, version_of)
from crawler.search.ranking import ready_index, search_state
from crawler.search.words import (mark_matches, match_expression, query_groups, query_terms,
                                  query_words, suggestion)
from crawler.web.counts import PageCache, cache_table_counts
from crawler.web.guards import MAX_PAGE, BadParameter, bounded_int
from crawler.web.queries import KIND, RESPONSIBLE

PAGE_SIZE = 20   # hits per page ("visar 1–20 av 9 738", issue 12)
MAX_QUERY = 300   # characters of a query
MAX_TERMS = 8     # words of a query (each widens to up to 400 indexed words)
MAX_FILTER = 200  # characters of a filter value
SEARCH_STATEMENTS = 3  # a search's time budget, in units of the site's SQL time limit
# (query parameter, column in the match rows, Swedish heading)
FACETS = tuple((f.param, "version" if f.param == "version" else f.column, f.heading)
               for f in FILTERS)
VERSION = {CURRENT: "Finns på sidan i dag", OLDER: "Bara i äldre versioner"}

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


# Swedish names of the list filters' values, read once per search state
LABELS_SQL = {"themes": "select theme, label from themes",
              "municipality_codes": "select code, name from municipalities"}


def read_labels(conn) -> dict[str, dict]:
    """search_facets column -> {value: Swedish label} (themes, municipality names)."""
    return {column: dict(conn.execute(sql).fetchall()) for column, sql in LABELS_SQL.items()}


def _label(column: str, value: str, labels: dict) -> str:
    if column in labels:
        return labels[column].get(value, value)
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


def facets_from_counts(rows, chosen: dict[str, str], labels: dict) -> tuple[int, dict]:
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
                         "values": [{"value": v, "label": _label(column, v, labels),
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


def facet_counts(conn, index, groups, fts: str, values: dict) -> list[tuple]:
    """(parameter, value, count) for every facet over the matching rows that have
    the chosen ``values``. A query of frequent words only is matched on the facet
    index's word bitmaps instead of reading every matching id from FTS5."""
    where = index.frequent.positions(groups) if index.frequent else None
    if where is not None:
        return index.counts_at(where, values)[0]
    ids = [r[0] for r in conn.execute(MATCHING_IDS, {"fts": fts})]
    return index.counts(ids, values)[0]


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
        values = {param: None if value == NONE else value for param, value in chosen.items()}
        key = (q.lower(), tuple(sorted(chosen.items())))
        counts = search.counts.get(state, key)
        if counts is None:
            counts = facet_counts(conn, search.facet_index(conn, (path, state)), groups, fts,
                                  values)
            search.counts.put(key, counts)
        hits, ranking = ranked_hits(conn, path, state, groups, fts, chosen, values, page)
        others = {table: conn.execute(COUNT_SQL.format(table=table), {"fts": fts}).fetchone()[0]
                  for table in ("search_documents", "search_pages")}
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


def shown_hits(result: dict, labels: dict) -> list[dict]:
    hits = []
    for row in result["hits"]:
        hit = dict(row)
        hit["version"] = version_of(hit.pop("current"))
        hit["responsible_label"] = RESPONSIBLE.get(hit["responsible"], hit["responsible"])
        hit["kind_label"] = KIND.get(hit["kind"], hit["kind"])
        hit["theme_labels"] = [labels["themes"].get(t, t)
                               for t in json.loads(hit["themes"] or "[]")]
        hit["html"] = marked_html(hit.pop("marked"), hit["text"])
        hits.append(hit)
    return hits


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


def search_link(req: SearchRequest, **changes) -> str:
    """/-/sok with the request's query and filters, ``changes`` applied (None: left out)."""
    args = {"q": req.q, **req.chosen, **changes}
    return "/-/sok?" + urlencode({k: v for k, v in args.items() if v})


def shown_facets(search: SearchState, req: SearchRequest, result: dict, labels: dict) -> dict:
    """{"total", "facets"} of a search, and once an HTML page is asked for, its
    lists (``facet_lists``): the same on every page of a search, so kept per
    query and filters until the search tables change (SearchState.lists)."""
    key = (req.q, tuple(sorted(req.chosen.items())))
    shown = search.lists.get(result["state"], key)
    if shown is None:
        total, facets = facets_from_counts(result["facet_rows"], req.chosen, labels)
        shown = {"total": total, "facets": facets}
        search.lists.put(key, shown)
    return shown


def facet_lists(req: SearchRequest, facets: dict) -> dict:
    """The facet lists and "kommuner som matchar" as HTML."""
    html = {}
    for param, facet in facets.items():
        clear = search_link(req, **{param: None, "sida": None})  # each value adds itself
        html[param] = facet_html(param, facet, {
            value["value"]: clear if facet["chosen"] == value["value"]
            else f"{clear}&{param}={quote_plus(value['value'])}" for value in facet["values"]})
    municipalities = matching_municipalities(facets.get("kommun"), req.q)
    return {"facet_html": html, "matching_municipalities": municipalities,
            "matching_html": matching_html(municipalities)}


async def search_html(datasette, request, db, req: SearchRequest, result: dict, shown: dict,
                      hits: list, labels: dict):
    def link(**changes) -> str:
        return search_link(req, **changes)

    if "facet_html" not in shown:
        shown.update(facet_lists(req, shown["facets"]))
    total, facets = shown["total"], shown["facets"]
    columns = {param: column for param, column, _ in FACETS}
    others, page = result["others"], req.page
    context = {
        "q": req.q, "terms": query_words(req.q), "hits": hits, "facets": facets,
        "total": total, "page": page, "page_size": PAGE_SIZE, "database": db.name,
        "documents": others.get("search_documents", 0), "pages": others.get("search_pages", 0),
        "chosen": [{"heading": facets.get(p, {}).get("heading", p),
                    "value": _label(columns[p], value, labels),
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


# -- the long lists of the page ------------------------------------------------
# Datasette renders templates with Jinja's async mode, which awaits every
# output piece: at 100,000 commitments the facets (290 municipalities), the
# summary and 50 hits took 8 ms of a 20 ms request. The hits are rendered by
# a plain Jinja environment (0.9 ms; crawler.web.pages does the same for its
# long lists), the facet lists are built here (1 ms, against 3 ms in plain
# Jinja) and kept with the facet counts, as they do not change with the page.
RESULTS = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=True, auto_reload=False)
VISIBLE_VALUES = 12   # facet values shown before "N till" (the rest one click away)


def results_html(context: dict) -> Markup:
    """The facets and hits of a search page (``_sok_resultat.html``)."""
    return Markup(RESULTS.get_template("_sok_resultat.html").render(context))


def facet_html(param: str, facet: dict, hrefs: dict) -> Markup:
    """A facet's values as <li> items, every one a link that sets (or clears) the
    filter (``hrefs``, by value); each municipality also links to its page."""
    items = []
    for value in facet["values"]:
        chosen = ' class="vald"' if facet["chosen"] == value["value"] else ""
        page = ""
        if param == "kommun" and value["value"] != NONE:
            page = (f' <a class="kommunsida" href="/kommun/{escape(value["value"])}" '
                    f'title="Kommunsidan för {escape(value["label"])}">kommunsida</a>')
        items.append(f'<li{chosen}><a href="{escape(hrefs[value["value"]])}">'
                     f'{escape(value["label"])}</a> {value["count"]}{page}</li>')
    html = "<ul>" + "".join(items[:VISIBLE_VALUES]) + "</ul>"
    if len(items) > VISIBLE_VALUES:
        html += (f'<details class="fler"><summary>{len(items) - VISIBLE_VALUES} till</summary>'
                 f'<ul>{"".join(items[VISIBLE_VALUES:])}</ul></details>')
    return Markup(html)


def matching_municipalities(facet: dict | None, q: str) -> list[dict]:
    """"Kommuner som matchar": every municipality with hits and how many (the
    Kommun facet's counts: distinct commitments, the filters applied), most first."""
    if not facet:
        return []
    return [{"code": v["value"], "name": v["label"], "n": v["count"],
             "href": f"/kommun/{quote(v['value'])}?q={quote(q)}"}
            for v in facet["values"] if v["value"] != NONE]


def matching_html(municipalities: list[dict]) -> Markup:
    return Markup("".join(f'<li><a href="{escape(m["href"])}">{escape(m["name"])}</a> '
                          f'{m["n"]}</li>' for m in municipalities))


def page_numbers(page: int, last: int) -> list[int | None]:
    """The page numbers to link: the first two, the last two and two either
    side of ``page``; None where numbers are left out."""
    shown = sorted({n for n in (1, 2, last - 1, last, *range(page - 2, page + 3))
                    if 1 <= n <= last})
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers if last > 1 else []


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
