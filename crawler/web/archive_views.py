"""Datasette plugin: archived versions as stored, version diffs, SQL helpers, headers.

Routes
  /-/snapshot/ID        one archived version: metadata, its text, the
                        commitments taken from it, the page's other versions
  /-/snapshot/ID/raw    the raw body as text/plain (CSP sandbox, nosniff)
  /-/snapshot/ID/html   the raw HTML for a sandboxed iframe: CSP ``sandbox``
                        gives it an opaque origin and no scripts run
  /-/diff?a=ID&b=ID     side-by-side HTML diff of two versions' text
  /-/om                 about the archive: how the data was collected
  /DB/QUERY.atom        Atom feeds of canned queries (crawler.web.canned_feeds)
  /-/static-plugins/medborgarloften/…   the site's scripts and CSS (static/)

Everything user-supplied or archived is HTML-escaped; archived HTML is never
rendered in the archive's own origin.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response, asgi_static

from crawler.search.ranking import ranker_for, ready_index, search_state
from crawler.search.similarity import trigram_overlaps, trigram_similarity
from crawler.web.canned_feeds import feed_view
from crawler.web.memory import settle_after_startup
from crawler.web.guards import MAX_ID, BadParameter, bounded_int, error_page
# The site-wide hooks live in crawler.web.protect; importing them here
# registers them through this module's entry point.
from crawler.web.protect import asgi_wrapper as protect_wrapper
from crawler.web.protect import (extra_js_urls, extra_template_vars, forbidden,  # noqa: F401
                                  handle_exception, permission_allowed)
from crawler.web.sources import LINKED_COLUMNS, cell_link, source_note
from crawler.web.textdiff import side_by_side, text_diff
from crawler.search.words import (expansions, match_expression, query_groups, similarity_query,
                                  similarity_terms, word_query)

STATIC = Path(__file__).resolve().parent / "static"
# For archived bodies: no scripts, no network, own opaque origin.
SANDBOX_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; "
                               "img-src data:",
    "X-Content-Type-Options": "nosniff",
}


@hookimpl
def prepare_connection(conn, database, datasette):

    conn.create_function("ordlikhet", 2, trigram_similarity, deterministic=True)
    conn.create_function("textdiff", 2, text_diff, deterministic=True)
    # These read the archive on the same connection, so not deterministic.
    conn.create_function("sokfraga", 1, lambda q: word_query(conn, q))
    path = datasette.databases[database].path if database in datasette.databases else None
    conn.create_function("sokrangordning", 1, lambda q: ranked_ids(conn, path, q))
    conn.create_function("likhetsfraga", 1, similarity_query, deterministic=True)
    conn.create_function("likhetskandidater", 1, lambda text: similar_ids(conn, path, text))
    conn.create_function("likhetstal", 2,
                         lambda text, limit: similarity_counts(conn, path, text, limit))


RANKED_LIMIT = 100


def ranked_ids(conn, path: str | None, q: str | None) -> str:
    """JSON list of the best commitment ids for a query (the canned `sok`):
    ranked by this process's tantivy index when it is ready, else by FTS5."""

    groups = query_groups(conn, q)
    if not groups:
        return "[]"
    index = ready_index(path, search_state(conn))
    if index is not None:
        return json.dumps(index.top(groups, {}, RANKED_LIMIT))
    return json.dumps([r[0] for r in conn.execute(
        "select rowid from search_words where search_words match ? order by rank limit ?",
        [match_expression(groups), RANKED_LIMIT])])


SIMILAR_CANDIDATES = 500


def similar_ids(conn, path: str | None, text: str | None) -> str:
    """JSON list of candidate ids for "similar commitments"."""
    return json.dumps(candidate_ids(conn, path, text))


def similarity_counts(conn, path: str | None, text: str | None, limit: int | None) -> str:
    """JSON list of [id, shared, union] for the first ``limit`` candidates
    (candidate_ids; NULL: all), in their order: the candidate's trigram
    similarity to ``text`` is 1.0 * shared / union, what ``ordlikhet`` gives,
    computed for all candidates at once (crawler.search.similarity)."""
    ids = candidate_ids(conn, path, text)
    if limit is not None:
        ids = ids[:max(0, limit)]
    texts = dict(conn.execute(
        "select id, text from commitments where id in (select value from json_each(?))",
        [json.dumps(ids)]))
    overlaps = trigram_overlaps(text, [texts.get(i) for i in ids])
    return json.dumps([[i, shared, union] for i, (shared, union) in zip(ids, overlaps)])


def candidate_ids(conn, path: str | None, text: str | None) -> list[int]:
    """Candidate ids for "similar commitments", best first.

    With the ranking index: the best SIMILAR_CANDIDATES by BM25 over every
    indexed word that contains one of the text's less common words (stemmed,
    so "trygghetsvandringar" also finds "trygghetsvandringarna"). Without
    it: up to 2,000 trigram-index matches of the six longest of them.
    """

    index = ready_index(path, search_state(conn))
    if index is not None:
        words = {w for term in similarity_terms(text) for w in expansions(conn, term, 50)}
        return index.similar(sorted(words), SIMILAR_CANDIDATES)
    return [r[0] for r in conn.execute(
        "select rowid from search_commitments where search_commitments match ? limit 2000",
        [similarity_query(text)])]


@hookimpl
def startup(datasette):
    """Build each archive's ranking index before the server takes requests
    (about 1 s per 100,000 commitments); later rebuilds, after the archive
    changes, run in the background while FTS5 ranks."""

    async def build():
        for db in datasette.databases.values():
            if db.path:
                state = await db.execute_fn(search_state)
                await asyncio.to_thread(ranker_for(db.path).wait, state)
        settle_after_startup()

    return build


@hookimpl
def asgi_wrapper(datasette):
    return protect_wrapper(datasette)


async def page(datasette, request, template: str, context: dict, status: int = 200) -> Response:
    html = await datasette.render_template(template, context, request=request)
    return Response.html(html, status=status)


async def _snapshot(datasette, snapshot_id: int) -> dict | None:
    db = datasette.get_database()
    result = await db.execute(
        "select s.*, b.body, b.compression from snapshots s left join bodies b "
        "on b.sha256 = s.body_sha256 where s.id = ?", [snapshot_id])
    return dict(result.rows[0]) if result.rows else None


def _body_text(snapshot: dict) -> str | None:
    """The stored body decoded as text (PDFs: their extracted text); None if
    there is none or it cannot be read (a corrupted stored body)."""
    raw = snapshot["body"]
    if raw is None:
        return None
    try:
        if snapshot["compression"] == "zlib":
            raw = zlib.decompress(raw)
        if raw.startswith(b"%PDF"):
            return snapshot["text"] or ""
        return raw.decode(snapshot["detected_encoding"] or "utf-8", errors="replace")
    except (zlib.error, LookupError, TypeError, AttributeError):
        return None


def _snapshot_id(request) -> int:
    return bounded_int(request.url_vars["id"], "id", high=MAX_ID)


async def snapshot_view(datasette, request):
    try:
        snapshot_id = _snapshot_id(request)
    except BadParameter as exc:
        return await error_page(datasette, request, 400, str(exc))
    snapshot = await _snapshot(datasette, snapshot_id)
    if snapshot is None:
        return await error_page(datasette, request, 404, "Versionen finns inte.")
    db = datasette.get_database()
    versions = (await db.execute(
        "select id, fetched_at, text_changed from snapshots where url = ?"
        " order by fetched_at, id",  # backfilled captures are older than later ids
        [snapshot["url"]])).rows
    # Through documents (indexed on snapshot_id; commitments.snapshot_id is not):
    # a commitment's snapshot is its document's.
    commitments = (await db.execute(
        "select c.id, c.text from documents d join commitments c on c.document_id = d.id "
        "where d.snapshot_id = ? order by c.document_id, c.position", [snapshot_id])).rows
    html_kind = "html" in (snapshot["content_type"] or "") and snapshot["body"] is not None
    return await page(datasette, request, "snapshot.html", {
        "title": f"Version {snapshot_id}", "s": snapshot, "database": db.name,
        "versions": [dict(v) for v in versions], "commitments": [dict(c) for c in commitments],
        "html_kind": html_kind, "source_note": source_note(snapshot)})


async def _archived_body(datasette, request):
    """(snapshot, text) of /-/snapshot/ID/…, or an error Response."""
    try:
        snapshot = await _snapshot(datasette, _snapshot_id(request))
    except BadParameter as exc:
        return None, Response.text(str(exc), status=400)
    text = _body_text(snapshot) if snapshot else None
    if snapshot is None:
        return None, Response.text("Versionen finns inte", status=404)
    if text is None:
        return None, Response.text("Den sparade filen saknas eller går inte att läsa",
                                   status=404)
    return (snapshot, text), None


async def snapshot_raw(datasette, request):
    found, error = await _archived_body(datasette, request)
    if error:
        return error
    return Response.text(found[1], headers=SANDBOX_HEADERS)


async def snapshot_html(datasette, request):
    found, error = await _archived_body(datasette, request)
    if error:
        return error
    snapshot, text = found
    if "html" not in (snapshot["content_type"] or ""):
        return Response.text(text, headers=SANDBOX_HEADERS)
    return Response.html(text, headers=SANDBOX_HEADERS)


async def diff_view(datasette, request):
    try:
        a = bounded_int(request.args.get("a"), "a", high=MAX_ID)
        b = bounded_int(request.args.get("b"), "b", high=MAX_ID)
    except BadParameter as exc:
        return await error_page(datasette, request, 400,
                                f"{exc} Ange två versioner: /-/diff?a=ID&b=ID")
    first, second = await _snapshot(datasette, a), await _snapshot(datasette, b)
    if first is None or second is None:
        return await error_page(datasette, request, 404, "En av versionerna finns inte.")
    # CPU-bound and bounded (crawler.web.textdiff): off the event loop.
    diff = await asyncio.to_thread(side_by_side, first["text"], second["text"])
    for snapshot in (first, second):
        snapshot.pop("body", None)
    return await page(datasette, request, "diff.html", {
        "title": "Jämförelse", "first": first, "second": second, "diff": diff})


async def about_view(datasette, request):
    return await page(datasette, request, "om.html", {"database": datasette.get_database().name})


@hookimpl
def register_routes():
    return [
        (r"^/-/om$", about_view),
        (r"^/-/snapshot/(?P<id>\d+)$", snapshot_view),
        (r"^/-/snapshot/(?P<id>\d+)/raw$", snapshot_raw),
        (r"^/-/snapshot/(?P<id>\d+)/html$", snapshot_html),
        (r"^/-/diff$", diff_view),
        # not the journalist pages' own feeds (/kommun/KOD.atom: crawler.web.pages)
        (r"^/(?P<database>(?!(?:kommun|atagande|jamfor|-)/)[^/]+)/(?P<query>[^/]+)\.atom$",
         feed_view),
        # The site's own scripts and CSS (crawler/web/static). Datasette finds a
        # plugin's static/ only for a package entry point; ours are modules.
        (r"^/-/static-plugins/medborgarloften/(?P<path>.*)$", asgi_static(str(STATIC))),
    ]


@hookimpl
def render_cell(value, column, table, database):
    """Snapshot ids link to the archived version, commitment numbers to the
    commitment's page (/atagande/ID, not Datasette's raw row), diff links
    become links (crawler.web.sources.cell_link). Runs for every cell of every
    table page: any other column returns None first thing."""
    if column not in LINKED_COLUMNS:
        return None
    return cell_link(value, column)
