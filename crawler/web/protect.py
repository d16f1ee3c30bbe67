"""The site's protective layer: safety headers (a CSP with no inline script),
read-only methods, internal pages and tables kept out of reach, bad sort
columns refused, and heavy requests limited so light pages stay fast.

Its hooks are exported through ``crawler.web.archive_views`` (an installed
entry point), so no new entry point is needed for them.
"""

from __future__ import annotations

import re
import sys
import traceback
from urllib.parse import parse_qsl, urlsplit

from datasette import hookimpl
from datasette.utils.asgi import Base400, Request
from datasette.views.base import DatasetteError

from crawler.settings import MAP_TILE_URL
from crawler.web.guards import HeavyLimiter, Overloaded, error_page

# Every script is a file of the site (script-src 'self'); Datasette's and its
# plugins' inline scripts are replaced by static files (see extra_template_vars
# and the templates _close_open_menus.html, _codemirror_foot.html, table.html).
# Inline style stays allowed: Datasette's own pages use style attributes.
def _tile_origin(template: str) -> str:
    """The map tile server as a CSP source: "https://{s}.tile.x.org/…" → "https://*.tile.x.org"."""
    parts = urlsplit(template.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""


CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       f"img-src 'self' data: {_tile_origin(MAP_TILE_URL)}; connect-src 'self'; "
       "font-src 'self'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; "
       "base-uri 'none'; object-src 'none'")
SITE_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "content-security-policy": CSP,
}
READ_METHODS = {"GET", "HEAD"}
# Datasette's introspection pages: file paths, settings, threads, plugins.
INTERNAL = re.compile(r"^/-/(databases|threads|plugins|settings|config|metadata|actor|"
                      r"permissions|allow-debug|messages|patterns|auth-token|logout|"
                      r"create-token|api)(\.json)?/?$")
# Tables a visitor has no use for: stored bodies (served via /-/snapshot/ID/raw)
# and the search machinery (FTS5 tables and their shadow tables).
HIDDEN_TABLE = re.compile(r"^(bodies|commitment_groups|search_\w+|sqlite_\w+|"
                          r"\w+_(data|idx|docsize|config|content))$")
# Requests that cost CPU or many rows: search, diffs, charts, table and query
# views, feeds. Everything else (static files, one archived version, the
# about page, row pages) is light and never waits behind them.
LIGHT = re.compile(r"^/(-/(static|static-plugins|versions|om|snapshot)\b.*)?$|^/favicon")


def is_heavy(path: str) -> bool:
    return not LIGHT.match(path)


def _headers(event: dict) -> dict:
    present = {k.lower() for k, _ in event.get("headers", [])}
    extra = [(k.encode(), v.encode()) for k, v in SITE_HEADERS.items()
             if k.encode() not in present]
    return {**event, "headers": list(event.get("headers", [])) + extra}


async def _send_error(datasette, scope, send, status: int,
                      extra_headers: dict | None = None) -> None:
    request = Request(scope, None)
    response = await error_page(datasette, request, status,
                                headers={**SITE_HEADERS, **(extra_headers or {})})
    await response.asgi_send(send)


async def _bad_sort(datasette, path: str, query: str) -> bool:
    """A table view asked to sort by a column the table does not have."""
    sort = [v for k, v in parse_qsl(query) if k in ("_sort", "_sort_desc")]
    parts = path.strip("/").split("/")
    if not sort or len(parts) != 2 or parts[0] not in datasette.databases:
        return False
    table = parts[1].split(".")[0]
    db = datasette.databases[parts[0]]
    if not await db.table_exists(table):
        return False
    columns = set(await db.table_columns(table)) | {"rowid"}
    return any(column not in columns for column in sort)


def protect(app, datasette, limiter: HeavyLimiter):
    async def guarded(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        path = scope.get("path", "")
        if scope.get("method", "GET") not in READ_METHODS:
            return await _send_error(datasette, scope, send, 405, {"allow": "GET, HEAD"})
        if INTERNAL.match(path):
            return await _send_error(datasette, scope, send, 404)
        query = scope.get("query_string", b"").decode("utf-8", "replace")
        if await _bad_sort(datasette, path, query):
            return await _send_error(datasette, scope, send, 400)
        started = False

        async def send_with_headers(event):
            nonlocal started
            if event["type"] == "http.response.start":
                started = True
                event = _headers(event)
            await send(event)

        try:
            if is_heavy(path):
                async with limiter.slot():
                    return await app(scope, receive, send_with_headers)
            return await app(scope, receive, send_with_headers)
        except Overloaded:
            return await _send_error(datasette, scope, send, 503, {"retry-after": "5"})
        except Exception:
            if started:
                raise
            traceback.print_exc()  # logged for the operator, never shown
            return await _send_error(datasette, scope, send, 500)
    return guarded


@hookimpl
def asgi_wrapper(datasette):
    """Headers, methods, hidden paths and load shedding around the whole site."""
    # Half the SQL threads for heavy requests: the rest, and the event loop's
    # share of the GIL, stay with light pages (measured with bench/flood.py).
    threads = int(datasette.setting("num_sql_threads") or 3)
    limiter = HeavyLimiter(running=max(1, threads // 2), queued=4 * threads, wait=5.0)
    return lambda app: protect(app, datasette, limiter)


@hookimpl
def handle_exception(datasette, request, exception):
    """Every error Datasette raises becomes a Swedish page with a generic
    message for its status: Datasette's English messages name tables, SQL
    and files; a 500 is logged, never shown."""
    async def render():
        status = getattr(exception, "status", 500)
        if not isinstance(exception, (Base400, DatasetteError)) or not 400 <= status < 600:
            status = 500
            traceback.print_exception(exception, file=sys.stderr)
        message = None
        if "interrupted" in str(getattr(exception, "title", "") or exception).lower():
            status, message = 503, "Frågan tog för lång tid. Gör urvalet mindre."
        return await error_page(datasette, request, status, message)
    return render


@hookimpl
def forbidden(datasette, request, message):
    async def render():
        return await error_page(datasette, request, 403)
    return render


@hookimpl
def permission_allowed(action, resource):
    """Hidden tables cannot be opened by URL either."""
    if action in ("view-table", "view-row") and isinstance(resource, tuple) \
            and len(resource) == 2 and HIDDEN_TABLE.match(str(resource[1])):
        return False
    return None


@hookimpl
def extra_template_vars(datasette):
    """No inline scripts: the map plugins' inline configuration comes from
    static/sidkonfig.js (see extra_js_urls) instead of ``body_scripts``."""
    return {"body_scripts": []}


@hookimpl
def extra_js_urls(datasette):
    return [datasette.urls.static_plugins("medborgarloften", "sidkonfig.js")]
