"""Atom feeds of the canned queries that return ``atom_*`` columns
(``/DB/QUERY.atom``), e.g. ``andringsflode`` and ``andringsflode_kommun``.

datasette-atom renders the same columns but fails (HTTP 500) on a query with
no rows: ``max()`` of no ``atom_updated``. Most municipalities have no change
events yet, so most per-municipality feeds were errors. Here an empty result
is a valid, empty feed, entry links are only http(s) (a ``javascript:`` URL
in the archive is dropped), and the HTML content is cleaned with
datasette-atom's own allow-list (bleach). The XML is the site's one Atom
template (``atom.xml``, crawler.web.feeds.atom), as for the journalist feeds.
"""

from __future__ import annotations

from datetime import datetime, timezone

from datasette.utils import derive_named_parameters
from datasette.utils.asgi import Response
from datasette_atom import clean

from crawler.web.feeds import atom
from crawler.web.guards import error_page

REQUIRED = {"atom_id", "atom_updated", "atom_title"}
MAX_PARAMETER = 200  # characters of a feed parameter (kod, q, …)


def _http_link(url) -> str | None:
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def _updated(value) -> datetime:
    """An atom_updated value (ISO 8601) as an aware datetime; now if unreadable."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def atom_xml(url: str, title: str, rows: list[dict]) -> str:
    """The feed for ``rows`` (possibly none), newest entry's time as its own."""
    times = [_updated(r["atom_updated"]) for r in rows]
    entries = [{"id": str(row["atom_id"]), "title": str(row["atom_title"]),
                "updated": moment.isoformat(), "link": _http_link(row.get("atom_link")),
                "content": clean(str(row["atom_content_html"]))
                if row.get("atom_content_html") else None}
               for row, moment in zip(rows, times)]
    return atom(url, url, title, entries, max(times).isoformat() if times else None)


async def feed_view(datasette, request):
    database, name = request.url_vars["database"], request.url_vars["query"]
    canned = None
    if database in datasette.databases:
        canned = await datasette.get_canned_query(database, name, request.actor)
    if canned is None:
        return await error_page(datasette, request, 404, "Flödet finns inte.")
    db = datasette.databases[database]
    names = await derive_named_parameters(db, canned["sql"])
    params = {n: request.args.get(n, "") for n in names}
    if any(len(v) > MAX_PARAMETER for v in params.values()):
        return await error_page(datasette, request, 400, "Ett värde i adressen är för långt.")
    result = await db.execute(canned["sql"], params)
    if not REQUIRED.issubset(result.columns):
        return await error_page(datasette, request, 404, "Frågan är inget flöde.")
    rows = [dict(r) for r in result.rows]
    xml = atom_xml(request.url, canned.get("title") or name, rows)
    return Response(xml, content_type="application/xml; charset=utf-8")
