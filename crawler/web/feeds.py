"""Atom feeds of changes: per municipality, county, theme and search.

  /kommun/KOD.atom             one municipality's changes
  /-/flode/lan/LANSKOD.atom    a county's
  /-/flode/tema/TEMA.atom      changes to commitments in a theme
  /-/flode/sok.atom?q=…        changes to commitments matching a search

Entries are in Swedish: title "Sandvikens kommun: Åtagande omformulerat",
content "Tidigare: … / Nu: …" with the changed words marked (escaped HTML
inside the Atom ``content``; never raw page HTML or diff syntax). A feed
with no changes is still a valid feed.
"""

from __future__ import annotations

from datetime import datetime, timezone

from datasette.utils.asgi import Response
from markupsafe import Markup

from crawler.search.words import match_expression, query_groups
from crawler.web import queries
from crawler.web.guards import error_page
from crawler.web.plain_jinja import PLAIN
from crawler.web.wording import inline_html
from normalize.themes import themes_of

FEED_SIZE = 100
THEME_SCAN = 5000  # newest commitment changes looked at for a theme feed
COMMITMENT_KINDS = ("commitment_added", "commitment_removed", "commitment_reworded")


# A feed is one template rendered outside Datasette's page machinery; autoescaped,
# which is XML-safe (& < > " ' as entities).
ATOM = PLAIN.get_template("atom.xml")
ENTRY = PLAIN.get_template("_atom_andring.html")


def entry_html(change: dict) -> Markup:
    """An entry's HTML body (``_atom_andring.html``): earlier and current
    wording with the changed words marked, or what else changed; the source."""
    old, new = change.get("old_text"), change.get("new_text")
    words = inline_html(old, new) if change["kind"] == "commitment_reworded" and old and new \
        else ""
    return Markup(ENTRY.render(kind=change["kind"], old=old, new=new, words=words,
                               summary=change["summary"], url=change.get("url")))


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def atom(self_url: str, feed_id: str, title: str, entries: list[dict],
         updated: str | None = None) -> str:
    """An Atom 1.0 document (RFC 4287, ``atom.xml``). Each entry: id, title,
    updated, and optionally link and content (HTML, escaped into the XML)."""
    return ATOM.render(self_url=self_url, id=feed_id, title=title, entries=entries,
                       updated=updated or (entries[0]["updated"] if entries else now()))


def change_link(base: str, change: dict) -> str:
    """Where an entry links: the versions compared, else the municipality's page."""
    if change.get("snapshot_id") and change.get("previous_snapshot_id"):
        return f"{base}/-/versioner?a={change['previous_snapshot_id']}&b={change['snapshot_id']}"
    if change.get("municipality_code"):
        return f"{base}/kommun/{change['municipality_code']}"
    return base + "/"


def change_entry(base: str, change: dict) -> dict:
    name = change.get("municipality") or "Okänd kommun"
    return {"id": f"tag:medborgarloften,2024:change:{change['id']}",
            "title": f"{name}: {change['summary']}", "updated": change["detected_at"],
            "link": change_link(base, change), "content": entry_html(change)}


def feed_response(request, path: str, title: str, changes: list[dict]) -> Response:
    base = f"{request.scheme}://{request.host}"
    xml = atom(base + path, f"tag:medborgarloften,2024:{path}", title,
               [change_entry(base, c) for c in changes])
    return Response(xml, content_type="application/atom+xml; charset=utf-8")


async def municipality_feed(datasette, request, m: dict) -> Response:
    db = datasette.get_database()
    changes = await db.execute_fn(
        lambda conn: queries.municipality_changes(conn, m["code"], FEED_SIZE))
    return feed_response(request, f"/kommun/{m['code']}.atom",
                         f"Ändringar i medborgarlöften: {m['name']}", changes)


async def county_feed(datasette, request):
    db = datasette.get_database()
    code = request.url_vars["key"]
    found = (await db.execute("select min(county) from municipalities where county_code = ?",
                              [code])).rows
    if not found or found[0][0] is None:
        return await error_page(datasette, request, 404,
                                f"Det finns inget län med koden ”{code}”.")
    changes = await db.execute_fn(lambda conn: queries.municipality_changes(
        conn, None, FEED_SIZE, "and ch.municipality_code in "
        "(select code from municipalities where county_code = ?)", [code]))
    return feed_response(request, f"/-/flode/lan/{code}.atom",
                         f"Ändringar i medborgarlöften: {found[0][0]}", changes)


async def theme_feed(datasette, request):
    db = datasette.get_database()
    theme = request.url_vars["key"]
    labels = await db.execute_fn(queries.theme_labels)
    if theme not in labels:
        return await error_page(datasette, request, 404,
                                f"Det finns inget tema som heter ”{theme}”.")
    kinds = ", ".join(f"'{k}'" for k in COMMITMENT_KINDS)
    recent = await db.execute_fn(lambda conn: queries.municipality_changes(
        conn, None, THEME_SCAN, f"and ch.kind in ({kinds})"))
    changes = [c for c in recent
               if theme in themes_of(c["new_text"] or "") + themes_of(c["old_text"] or "")]
    return feed_response(request, f"/-/flode/tema/{theme}.atom",
                         f"Ändringar i medborgarlöften: {labels[theme]}", changes[:FEED_SIZE])


async def search_feed(datasette, request):
    db = datasette.get_database()
    q = (request.args.get("q") or "").strip()[:200]

    def read(conn):
        groups = query_groups(conn, q)
        if not groups:
            return []
        return queries.municipality_changes(conn, None, FEED_SIZE, """
            and ch.kind in ('commitment_added', 'commitment_removed', 'commitment_reworded')
            and exists (select 1 from commitments c where c.id in
                (select rowid from search_words where search_words match ?)
                and (c.text = ch.new_text or c.text = ch.old_text))""",
            [match_expression(groups)])

    changes = await db.execute_fn(read)
    return feed_response(request, "/-/flode/sok.atom?q=" + q,
                         f"Ändringar i medborgarlöften som matchar ”{q}”", changes)
