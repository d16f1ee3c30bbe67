"""Datasette plugin: the journalist pages, each with a .json twin (and .csv for lists).

  /kommun                       every municipality, with its promise counts
  /kommun/KOD, /kommun/NAMN     a municipality: current promise and period,
                                earlier periods, what changed between them,
                                source pages, neighbours, feed (.atom), .json, .csv
  /atagande/ID                  a commitment: sources, archived versions,
                                history, similar commitments elsewhere
  /atagande/KOD/TEXTNYCKEL      the same at a URL that survives re-normalizing
  /jamfor?kommuner=2181,1781    themes x municipalities side by side
  /jamfor?lan=17, ?polisregion=Bergslagen   a county's or region's municipalities
  /-/sok.csv                    the current search result as CSV
  /-/versioner?a=ID&b=ID        two archived versions compared word by word
  /-/snapshot/ID/original       the archived bytes as a download

Counting uses the one definition in ``crawler.web.queries``. Templates are in
``web/templates`` (kommun.html, atagande.html, jamfor.html, kommuner.html).
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from urllib.parse import quote, unquote, urlencode

from datasette import hookimpl
from datasette.utils import to_css_class
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from crawler.search.filters import chosen_values
from crawler.search.ranking import ready_index, search_state
from crawler.search.words import match_expression, query_groups
from crawler.web import comparison, exports, feeds, picker, queries
from crawler.web.plain_jinja import PLAIN
from crawler.web.search_page import FACETS, ResultCache, filter_sql
from crawler.web.wording import inline_html, line_blocks, side_html

STATIC_URL = "/-/static-plugins/medborgarloften/"   # static/, served by archive_views
COMPARE_LIMIT = 60   # municipalities in one comparison (a police region has up to 49)
EXPORT_LIMIT = 20000
INLINE_LIMIT = 200   # commitments + changes shown at once on a municipality page


# Long lists and wide tables are rendered by the site's plain (non-async) Jinja
# environment (crawler.web.plain_jinja): Datasette's async one awaits every
# attribute lookup, about 3x slower for a municipality with hundreds of
# commitments. The page template (Datasette's, with the site chrome) then
# wraps the result as `content`.
def fragment(template: str, context: dict) -> Markup:
    return Markup(PLAIN.get_template(template).render(context))


def rows_table(display_columns, display_rows, sort, sort_desc, request, fix_path) -> Markup:
    """Datasette's table of rows (its _table.html, same markup) by the plain Jinja
    environment (_rader.html): a 50-row table page spent half its time rendering
    900 cells in Datasette's async environment. Each cell comes as (its class
    attribute, made once per column and type; its value): 1.1 ms for 900 cells
    instead of 2.2 with a filter and three lookups per cell."""
    rows = [[(_cell_class(cell["column"], cell["value_type"]), cell["value"]) for cell in row]
            for row in display_rows]
    return fragment("_rader.html", {
        "display_columns": display_columns, "rows": rows, "sort": sort,
        "sort_desc": sort_desc, "request": request, "fix_path": fix_path})


@lru_cache(maxsize=1024)
def _cell_class(column: str, value_type: str) -> Markup:
    return escape(f"col-{to_css_class(column)} type-{value_type}")


async def render(datasette, request, template: str, context: dict,
                 status: int = 200) -> Response:
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status)


async def not_found(datasette, request, text: str) -> Response:
    if request.url_vars.get("format") == "json":
        return Response.json({"fel": text}, status=404)
    return await render(datasette, request, "error.html",
                        {"title": "Hittades inte", "error": text, "status": 404}, 404)


def as_json(data: dict) -> Response:
    return Response.json(data, default=str)


# -- /kommun ----------------------------------------------------------------

LIST_CACHE: dict = {}   # (archive path, search_state) -> the municipality list


def municipality_list(conn, path) -> list[dict]:
    """Every municipality with its count of distinct commitments; counted
    once per process until normalize rebuilds the archive's tables."""
    key = (path, search_state(conn))
    if key not in LIST_CACHE:
        LIST_CACHE.clear()
        LIST_CACHE[key] = queries.municipality_counts(conn)
    return LIST_CACHE[key]


async def municipalities_view(datasette, request):
    """Every municipality; ?tema=T&ar=YYYY: only those with commitments in
    theme T whose period starts in YYYY (the theme chart's bars link here)."""
    db = datasette.get_database()
    theme = request.args.get("tema") or None
    try:
        year = int(request.args.get("ar") or 0) or None
    except ValueError:
        year = None
    if theme or year:
        found = await db.execute_fn(lambda conn: queries.municipalities_with(conn, theme, year))
    else:
        found = await db.execute_fn(lambda conn: municipality_list(conn, db.path))
    labels = await db.execute_fn(queries.theme_labels)
    context = {"municipalities": found, "tema": theme, "tema_label": labels.get(theme, theme),
               "ar": year}
    if request.url_vars.get("format") == "json":
        return as_json({"kommuner": found, "tema": theme, "ar": year})
    return await render(datasette, request, "kommuner.html", context)


async def municipality_view(datasette, request):
    db = datasette.get_database()
    key = unquote(request.url_vars["key"])
    m = await db.execute_fn(lambda conn: picker.find_municipality(conn, key))
    if m is None:
        return await not_found(datasette, request,
                               f"Ingen kommun heter eller har koden ”{key}”.")
    fmt = request.url_vars.get("format")
    if fmt == "atom":
        return await feeds.municipality_feed(datasette, request, m)
    theme = request.args.get("tema") or None
    q = (request.args.get("q") or "").strip()[:200]

    def read(conn):
        ids = None
        if q:
            groups = query_groups(conn, q)
            ids = queries.matching_ids(conn, groups, m["code"]) \
                if groups else []
        return queries.municipality_page(conn, m["code"], theme, ids)

    data = await db.execute_fn(read)
    data["q"] = q
    if fmt == "json":
        return as_json(data)
    if fmt == "csv":
        return exports.csv_response(request, f"kommun-{m['code']}.csv", COMMITMENT_HEADER, [
            commitment_record(m, period, c) for period in data["periods"]
            for c in period["commitments"]])
    for item in data["between"]:
        for event in item["events"]:
            if event["kind"] == "commitment_reworded":
                event["old_html"], event["new_html"] = side_html(event["old_text"],
                                                                 event["new_text"])
    for change in data["changes"]:
        change["inline_html"] = inline_html(change["old_text"], change["new_text"]) \
            if change["old_text"] and change["new_text"] and \
            change["kind"] == "commitment_reworded" else None
    data["filter_query"] = urlencode({k: v for k, v in (("tema", theme), ("q", q)) if v})
    # Earlier periods and every step between them inline when the page stays
    # readable (any real municipality); else behind one click (?alla=1).
    earlier = sum(len(p["commitments"]) for p in data["periods"]) + sum(
        len(step["events"]) for step in data["between"])
    data["opened"] = bool(request.args.get("alla"))
    data["show_all"] = data["opened"] or earlier <= INLINE_LIMIT
    data["content"] = fragment("_kommun_innehall.html", data)
    return await render(datasette, request, "kommun.html", data)


COMMITMENT_HEADER = ["kommunkod", "kommun", "period", "åtagande", "ansvarig", "typ", "teman",
                     "kopior_i_arkivet", "adress", "åtagande_nr"]


def commitment_record(m: dict, period: dict, c: dict) -> list:
    return [m["code"], m["name"], period["label"], c["text"], c["responsible_label"],
            c["kind_label"], ", ".join(t["label"] for t in c["themes"]), c["copies"],
            f"/atagande/{c['id']}", c["id"]]


# -- /atagande --------------------------------------------------------------

async def commitment_view(datasette, request):
    db = datasette.get_database()
    if "code" in request.url_vars:
        code, key = request.url_vars["code"], unquote(request.url_vars["key"])
        commitment_id = await db.execute_fn(lambda conn: queries.commitment_by_key(conn, code,
                                                                                  key))
    else:
        commitment_id = int(request.url_vars["id"])
    data = await db.execute_fn(lambda conn: queries.commitment_page(conn, commitment_id)) \
        if commitment_id else None
    if data is None:
        return await not_found(datasette, request, "Åtagandet finns inte i arkivet.")
    c = data["commitment"]
    data["similar"] = await db.execute_fn(
        lambda conn: queries.similar_commitments(conn, c["text"], c["municipality_code"]))
    if request.url_vars.get("format") == "json":
        return as_json(data)
    mode = "rad" if request.args.get("visning") == "rad" else "sida"
    for change in data["history"]:
        if change["old_text"] and change["new_text"]:
            change["old_html"], change["new_html"] = side_html(change["old_text"],
                                                               change["new_text"])
            change["inline_html"] = inline_html(change["old_text"], change["new_text"])
    return await render(datasette, request, "atagande.html", {**data, "mode": mode})


COMPARISONS = ResultCache(128)   # (codes, year) -> table, for one (path, search state)


def cached_comparison(conn, path, codes: list[str], year: int | None) -> dict:
    """comparison.comparison, kept per process until normalize rebuilds the
    archive (a county or police region compares up to 49 municipalities:
    thousands of distinct commitments counted on every view otherwise)."""
    state, key = (path, search_state(conn)), (tuple(codes), year)
    table = COMPARISONS.get_or_make(state, key, lambda: comparison.comparison(conn, codes, year))
    return copy.deepcopy(table)   # the caller adds links to the rows


# -- /jamfor ----------------------------------------------------------------

async def compare_view(datasette, request):
    db = datasette.get_database()
    # Several fields may be named kommuner (the municipality page's "Jämför med …"
    # sends its own code and what the visitor typed).
    picked = ", ".join(v for v in request.args.getlist("kommuner") if v.strip())
    county, region = request.args.get("lan") or "", request.args.get("polisregion") or ""
    try:
        year = int(request.args.get("ar") or 0) or None
    except ValueError:
        year = None

    def read(conn):
        if county or region:
            members = comparison.group_members(conn, county or None, region or None)
            unknown = [] if members else [county or region]
        else:
            members, unknown = picker.parse_picker(conn, picked)
        members = members[:COMPARE_LIMIT]
        table = cached_comparison(conn, db.path, [m["code"] for m in members], year) \
            if members else {"themes": [], "columns": []}
        return {"members": members, "unknown": unknown, **table,
                "counties": comparison.counties(conn), "regions": comparison.police_regions(conn)}

    data = await db.execute_fn(read)
    for m, column in zip(data["members"], data["columns"]):
        column.update(name=m["name"], slug=picker.slug(m["short_name"] or m["name"]))
    group = next((c["county"] for c in data["counties"] if c["county_code"] == county),
                 None) if county else region or None
    data.update(kommuner=picked, lan=county, polisregion=region, ar=year or "", group=group)
    fmt = request.url_vars.get("format")
    if fmt == "json":
        return as_json({k: v for k, v in data.items() if k not in ("counties", "regions")})
    if fmt == "csv":
        header = ["tema"] + [c["name"] for c in data["columns"]]
        records = [[t["label"], *t["counts"]] for t in data["themes"]]
        records.append(["åtaganden totalt", *(c["commitments"] for c in data["columns"])])
        records.append(["löften", *(c["promises"] for c in data["columns"])])
        return exports.csv_response(request, "jamforelse.csv", header, records)
    data["query"] = request.query_string
    data["content"] = fragment("_jamfor_innehall.html", data)
    return await render(datasette, request, "jamfor.html", data)


# -- two versions of a page, for reading -------------------------------------

async def versions_view(datasette, request):
    """/-/versioner?a=ID&b=ID: what changed between two archived versions,
    word by word; side by side (stacked on phones) or inline (?visning=rad)."""
    try:
        a, b = int(request.args.get("a", "")), int(request.args.get("b", ""))
    except ValueError:
        return await render(datasette, request, "error.html", {
            "title": "Ange två versioner", "status": 400,
            "error": "Adressen ska vara /-/versioner?a=NUMMER&b=NUMMER."}, 400)
    db = datasette.get_database()
    found = {r["id"]: dict(r) for r in (await db.execute(
        "select id, url, fetched_at, text from snapshots where id in (?, ?)", [a, b])).rows}
    if a not in found or b not in found:
        return await not_found(datasette, request, "En av versionerna finns inte i arkivet.")
    first, second = found[a], found[b]
    blocks = line_blocks(first["text"], second["text"])
    mode = "rad" if request.args.get("visning") == "rad" else "sida"
    return await render(datasette, request, "versioner.html", {
        "a": first, "b": second, "mode": mode,
        "a_when": queries.swedish_time(first["fetched_at"]),
        "b_when": queries.swedish_time(second["fetched_at"]),
        "changed": sum(1 for x in blocks if x["kind"] == "changed"),
        "content": fragment("_versioner_innehall.html", {"blocks": blocks, "mode": mode})})


# -- search export, static files --------------------------------------------

EXPORT_COLUMNS = """
select c.id as åtagande_nr, m.name as kommun, c.municipality_code as kommunkod, m.county as län,
       c.period_label as period, c.text as åtagande, c.responsible as ansvarig, c.kind as typ,
       c.url as adress, c.snapshot_id as arkiverad_version"""
# The ranked ids come from the same tantivy index as /-/sok's pages, so the
# file lists the hits in the pages' order; FTS5 bm25 only while it is built.
EXPORT_BY_ID_SQL = EXPORT_COLUMNS + """
from commitments c left join municipalities m on m.code = c.municipality_code
where c.id in (select value from json_each(:ids))"""
EXPORT_SQL = EXPORT_COLUMNS + """
from search_words s join search_facets f on f.id = s.rowid
join commitments c on c.id = s.rowid
left join municipalities m on m.code = c.municipality_code
where search_words match :fts and f.newest = 1{filters}
order by s.rank limit :limit"""


async def search_export(datasette, request):
    """Every hit of the search as it is on /-/sok (same words and facets)."""
    db = datasette.get_database()
    q = (request.args.get("q") or "").strip()[:200]
    chosen = {param: request.args.get(param) for param, _, _ in FACETS
              if request.args.get(param)}

    def read(conn):
        groups = query_groups(conn, q)
        if not groups:
            return []
        index = ready_index(db.path, search_state(conn))
        if index is not None:
            ids = index.top(groups, chosen_values(chosen), EXPORT_LIMIT)
            found = {row["åtagande_nr"]: row for row in queries.rows(
                conn, EXPORT_BY_ID_SQL, {"ids": json.dumps(ids)})}
            return [found[i] for i in ids if i in found]
        filters, params = filter_sql(chosen)
        return queries.rows(conn, EXPORT_SQL.format(filters=filters), {
            **params, "fts": match_expression(groups), "limit": EXPORT_LIMIT})

    found = await db.execute_fn(read)
    header = list(found[0]) if found else ["åtagande_nr", "kommun", "åtagande"]
    responsible = {k: v for k, v in queries.RESPONSIBLE.items() if k}
    records = [[responsible.get(v, v) if k == "ansvarig" else
                queries.KIND.get(v, v) if k == "typ" else v for k, v in row.items()]
               for row in found]
    return exports.csv_response(request, "sokresultat.csv", header, records)


@hookimpl
def register_routes():
    return [
        (r"^/kommun/?(\.(?P<format>json))?$", municipalities_view),
        (r"^/kommun/(?P<key>[^/.]+)(\.(?P<format>json|csv|atom))?$", municipality_view),
        (r"^/atagande/(?P<id>\d+)(\.(?P<format>json))?$", commitment_view),
        (r"^/atagande/(?P<code>\d{4})/(?P<key>[^/]+?)(\.(?P<format>json))?$",
         commitment_view),
        (r"^/jamfor(\.(?P<format>json|csv))?$", compare_view),
        (r"^/-/flode/lan/(?P<key>\d{2})\.atom$", feeds.county_feed),
        (r"^/-/flode/tema/(?P<key>[a-z_]+)\.atom$", feeds.theme_feed),
        (r"^/-/flode/sok\.atom$", feeds.search_feed),
        (r"^/-/sok\.csv$", search_export),
        (r"^/-/snapshot/(?P<id>\d+)/original$", exports.original_view),
        (r"^/-/avancerat$", advanced_view),
        (r"^/-/versioner$", versions_view),
    ]


async def advanced_view(datasette, request):
    """The "Avancerat" link: Datasette's own pages for the archive database."""
    return Response.redirect("/" + datasette.get_database().name)


@hookimpl
def asgi_wrapper():
    return exports.bom_for_csv


@hookimpl
def extra_css_urls():
    return [STATIC_URL + "sidor.css"]


@hookimpl
def extra_template_vars(template, request, datasette):
    """Datasette's table and row pages: ``rows_table`` (templates/_table.html).
    For the search page: the export and subscription links. (Its "kommuner som
    matchar" comes from the search's own Kommun facet, crawler.web.search_page.)"""
    if template != "sok.html" or request is None:
        return {"rows_table": rows_table}
    q = (request.args.get("q") or "").strip()[:200]
    if not q:
        return {}
    return {"export_query": request.query_string, "export_limit": EXPORT_LIMIT,
            "feed_href": "/-/flode/sok.atom?q=" + quote(q)}


@hookimpl
def menu_links(datasette):
    return [{"href": "/kommun", "label": "Kommuner"},
            {"href": "/jamfor", "label": "Jämför kommuner"},
            {"href": "/-/avancerat", "label": "Avancerat (tabeller)"}]

