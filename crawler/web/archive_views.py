"""Datasette plugin: archived versions as stored, version diffs, SQL helpers, headers.

Routes
  /-/snapshot/ID        one archived version: metadata, its text, the
                        commitments taken from it, the page's other versions
  /-/snapshot/ID/raw    the raw body as text/plain (CSP sandbox, nosniff)
  /-/snapshot/ID/html   the raw HTML for a sandboxed iframe: CSP ``sandbox``
                        gives it an opaque origin and no scripts run
  /-/diff?a=ID&b=ID     side-by-side HTML diff of two versions' text
  /-/om                 about the archive: how the data was collected

Everything user-supplied or archived is HTML-escaped; archived HTML is never
rendered in the archive's own origin.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import re
from functools import lru_cache
import zlib

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from crawler.search.ranking import ranker_for, ready_index, search_state
from crawler.web.sources import capture_link, source_note
from crawler.search.words import (expansions, match_expression, query_groups, similarity_query,
                                  similarity_terms, word_query)

# For archived bodies: no scripts, no network, own opaque origin.
SANDBOX_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; "
                               "img-src data:",
    "X-Content-Type-Options": "nosniff",
}
# For every other response.
SITE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "object-src 'none'; base-uri 'self'; form-action 'self'; "
                               "frame-ancestors 'self'",
}
_WORD = re.compile(r"[a-zåäöéü]{4,}")


@lru_cache(maxsize=4096)
def _trigrams(text: str | None) -> frozenset[str]:
    grams = set()
    for word in _WORD.findall((text or "").lower()):
        grams.update(word[i:i + 3] for i in range(len(word) - 2))
    return frozenset(grams)


def trigram_similarity(a: str | None, b: str | None) -> float:
    """Jaccard overlap of letter trigrams of words of four letters or more.

    Trigrams, not words: Swedish compounds share parts ("trygghetsvandringar"
    and "trygghets-vandringar", "grannsamverkan" and "grannsamverkansområden").
    """
    grams_a, grams_b = _trigrams(a), _trigrams(b)
    if not grams_a or not grams_b:
        return 0.0
    return len(grams_a & grams_b) / len(grams_a | grams_b)


def text_diff(a: str | None, b: str | None) -> str:
    lines = difflib.unified_diff((a or "").splitlines(), (b or "").splitlines(), lineterm="", n=0)
    return "\n".join(line for line in lines if not line.startswith(("---", "+++")))


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
    """JSON list of candidate ids for "similar commitments".

    With the ranking index: the best SIMILAR_CANDIDATES by BM25 over every
    indexed word that contains one of the text's less common words (stemmed,
    so "trygghetsvandringar" also finds "trygghetsvandringarna"). Without
    it: up to 2,000 trigram-index matches of the six longest of them.
    """

    index = ready_index(path, search_state(conn))
    if index is not None:
        words = {w for term in similarity_terms(text) for w in expansions(conn, term, 50)}
        return json.dumps(index.similar(sorted(words), SIMILAR_CANDIDATES))
    return json.dumps([r[0] for r in conn.execute(
        "select rowid from search_commitments where search_commitments match ? limit 2000",
        [similarity_query(text)])])


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

    return build


@hookimpl
def asgi_wrapper():
    """Safety headers on every response (archived bodies bring their own)."""
    def wrap(app):
        async def with_headers(scope, receive, send):
            async def send_with_headers(event):
                if event["type"] == "http.response.start":
                    present = {k.lower() for k, _ in event.get("headers", [])}
                    extra = [(k.lower().encode(), v.encode()) for k, v in SITE_HEADERS.items()
                             if k.lower().encode() not in present]
                    event = {**event, "headers": list(event.get("headers", [])) + extra}
                await send(event)
            await app(scope, receive, send_with_headers)
        return with_headers
    return wrap


async def page(datasette, request, title: str, body: str, status: int = 200) -> Response:
    html = await datasette.render_template(
        "arkiv.html", {"title": title, "body": Markup(body), "head": Markup("")},
        request=request)
    return Response.html(html, status=status)


async def _snapshot(datasette, snapshot_id: int) -> dict | None:
    db = datasette.get_database()
    result = await db.execute(
        "select s.*, b.body, b.compression from snapshots s left join bodies b "
        "on b.sha256 = s.body_sha256 where s.id = ?", [snapshot_id])
    return dict(result.rows[0]) if result.rows else None


def _body_text(snapshot: dict) -> str | None:
    """The stored body decoded as text (PDFs: their extracted text)."""
    raw = snapshot["body"]
    if raw is None:
        return None
    if snapshot["compression"] == "zlib":
        raw = zlib.decompress(raw)
    if raw.startswith(b"%PDF"):
        return snapshot["text"] or ""
    return raw.decode(snapshot["detected_encoding"] or "utf-8", errors="replace")


def _link(url: str | None) -> str:
    """An external link only for http(s) URLs; otherwise escaped text."""
    if url and url.startswith(("http://", "https://")):
        return f'<a href="{escape(url)}" rel="nofollow noopener">{escape(url)}</a>'
    return str(escape(url or ""))


async def snapshot_view(datasette, request):
    snapshot_id = int(request.url_vars["id"])
    snapshot = await _snapshot(datasette, snapshot_id)
    if snapshot is None:
        return await page(datasette, request, "Saknas", "<h1>Versionen finns inte</h1>", 404)
    db = datasette.get_database()
    versions = (await db.execute(
        "select id, fetched_at, text_changed from snapshots where url = ?"
        " order by fetched_at, id",  # backfilled captures are older than later ids
        [snapshot["url"]])).rows
    commitments = (await db.execute(
        "select id, text from commitments where snapshot_id = ? order by document_id, position",
        [snapshot_id])).rows
    html_kind = "html" in (snapshot["content_type"] or "") and snapshot["body"] is not None
    parts = [
        f"<h1>Arkiverad version {snapshot_id}</h1>",
        f"<p>Adress: {_link(snapshot['url'])}<br>Hämtad: {escape(snapshot['fetched_at'])} · "
        f"HTTP {escape(snapshot['status'])} · {escape(snapshot['content_type'] or '')} · "
        f"{escape(snapshot['size'])} byte</p>",
        source_note(snapshot),
        f'<p><a href="/-/snapshot/{snapshot_id}/raw">Rå fil som text</a>'
        + (f' · <a href="#som-sidan">Sidan som den såg ut (utan skript)</a>' if html_kind else "")
        + f' · <a href="/{escape(db.name)}/snapshots/{snapshot_id}">Alla fält</a></p>',
    ]
    if len(versions) > 1:
        items = []
        previous = None
        for v in versions:
            label = f"version {v['id']} ({escape(v['fetched_at'])})"
            item = label if v["id"] == snapshot_id else \
                f'<a href="/-/snapshot/{v["id"]}">{label}</a>'
            if previous is not None:
                item += f' – <a href="/-/diff?a={previous}&amp;b={v["id"]}">jämför med föregående</a>'
            items.append(f"<li>{item}</li>")
            previous = v["id"]
        parts.append(f"<h2>Alla versioner av sidan</h2><ul>{''.join(items)}</ul>")
    if commitments:
        items = "".join(f'<li><a href="/{escape(db.name)}/commitments/{c["id"]}">'
                        f'{escape(c["text"])}</a></li>' for c in commitments)
        parts.append(f"<h2>Åtaganden hämtade ur versionen</h2><ol>{items}</ol>")
    parts.append('<h2>Sidans text</h2><pre class="arkiv-text">'
                 f"{escape(snapshot['text'] or snapshot['text_error'] or '')}</pre>")
    if html_kind:
        parts.append(
            '<h2 id="som-sidan">Sidan som den arkiverades</h2><p>Visas i en sandlåda: inga '
            "skript körs och inga bilder eller stilmallar hämtas från webben.</p>"
            f'<iframe class="arkiv-html" sandbox="" referrerpolicy="no-referrer" '
            f'src="/-/snapshot/{snapshot_id}/html" title="Arkiverad sida"></iframe>')
    return await page(datasette, request, f"Version {snapshot_id}", "".join(parts))


async def snapshot_raw(datasette, request):
    snapshot = await _snapshot(datasette, int(request.url_vars["id"]))
    text = _body_text(snapshot) if snapshot else None
    if text is None:
        return Response.text("Versionen finns inte", status=404)
    return Response.text(text, headers=SANDBOX_HEADERS)


async def snapshot_html(datasette, request):
    snapshot = await _snapshot(datasette, int(request.url_vars["id"]))
    text = _body_text(snapshot) if snapshot else None
    if text is None:
        return Response.text("Versionen finns inte", status=404)
    if "html" not in (snapshot["content_type"] or ""):
        return Response.text(text, headers=SANDBOX_HEADERS)
    return Response.html(text, headers=SANDBOX_HEADERS)


async def diff_view(datasette, request):
    try:
        a, b = int(request.args.get("a", "")), int(request.args.get("b", ""))
    except ValueError:
        return await page(datasette, request, "Jämför",
                          "<h1>Ange två versioner: /-/diff?a=ID&amp;b=ID</h1>", 400)
    first, second = await _snapshot(datasette, a), await _snapshot(datasette, b)
    if first is None or second is None:
        return await page(datasette, request, "Saknas",
                          "<h1>En av versionerna finns inte</h1>", 404)
    # HtmlDiff escapes the lines it shows (&, <, >).
    table = difflib.HtmlDiff(wrapcolumn=80).make_table(
        (first["text"] or "").splitlines(), (second["text"] or "").splitlines(),
        f"Version {a} ({first['fetched_at']})", f"Version {b} ({second['fetched_at']})",
        context=True, numlines=2)
    same = first["text"] == second["text"]
    body = (f"<h1>Jämförelse av versioner</h1><p>{_link(first['url'])}"
            + (f"<br>jämförd med {_link(second['url'])}" if second["url"] != first["url"] else "")
            + f'</p><p><a href="/-/snapshot/{a}">version {a}</a> · '
            f'<a href="/-/snapshot/{b}">version {b}</a></p>'
            + ("<p>Texterna är lika.</p>" if same else table))
    return await page(datasette, request, "Jämförelse", body)


async def about_view(datasette, request):
    context = {"database": datasette.get_database().name}
    return Response.html(await datasette.render_template("om.html", context, request=request))


@hookimpl
def register_routes():
    return [
        (r"^/-/om$", about_view),
        (r"^/-/snapshot/(?P<id>\d+)$", snapshot_view),
        (r"^/-/snapshot/(?P<id>\d+)/raw$", snapshot_raw),
        (r"^/-/snapshot/(?P<id>\d+)/html$", snapshot_html),
        (r"^/-/diff$", diff_view),
    ]


@hookimpl
def render_cell(value, column, table, database):
    """Snapshot ids link to the archived version, commitment numbers to the
    commitment, diff links become links."""
    if column == "åtagande_nr" and isinstance(value, int):
        return Markup(f'<a href="/{escape(database)}/commitments/{value}">{value}</a>')
    if column in ("snapshot_id", "previous_snapshot_id", "current_snapshot_id") \
            and isinstance(value, int):
        return Markup(f'<a href="/-/snapshot/{value}">arkiverad version {value}</a>')
    if capture_link(value, column):
        return capture_link(value, column)
    if column == "jämförelse" and isinstance(value, str) and value.startswith("/-/diff?"):
        return Markup(f'<a href="{escape(value)}">jämför versionerna</a>')
    return None
