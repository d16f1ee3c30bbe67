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
from xml.sax.saxutils import escape as xml_escape

from datasette.utils.asgi import Response
from markupsafe import escape

from crawler.search.words import match_expression, query_groups
from crawler.web import queries
from crawler.web.wording import inline_html
from normalize.themes import themes_of

FEED_SIZE = 100
THEME_SCAN = 5000  # newest commitment changes looked at for a theme feed
COMMITMENT_KINDS = ("commitment_added", "commitment_removed", "commitment_reworded")


def entry_html(change: dict) -> str:
    old, new = change.get("old_text"), change.get("new_text")
    if change["kind"] == "commitment_reworded" and old and new:
        body = (f"<p>Tidigare: {escape(old)}</p><p>Nu: {escape(new)}</p>"
                f"<p>Ändrade ord: {inline_html(old, new)}</p>")
    elif change["kind"] == "period_changed":
        body = f"<p>Period: {escape(old or '?')} → {escape(new or '?')}</p>"
    elif new:
        body = f"<p>Nu: {escape(new)}</p>"
    elif old:
        body = f"<p>Tidigare: {escape(old)}</p>"
    else:
        body = f"<p>{escape(change['summary'])}</p>"
    if change.get("url"):
        body += f"<p>Källa: {escape(change['url'])}</p>"
    return body


def atom(base: str, path: str, title: str, changes: list[dict]) -> str:
    """An Atom 1.0 document (RFC 4287) for ``changes``."""
    updated = changes[0]["detected_at"] if changes else \
        datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    parts = ['<?xml version="1.0" encoding="utf-8"?>',
             '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="sv">',
             f"<title>{xml_escape(title)}</title>",
             f"<id>tag:medborgarloften,2024:{xml_escape(path)}</id>",
             f'<link rel="self" href="{xml_escape(base + path)}"/>',
             f"<updated>{xml_escape(updated)}</updated>",
             "<author><name>Medborgarlöften – arkiv</name></author>"]
    for change in changes:
        name = change.get("municipality") or "Okänd kommun"
        link = f"{base}/kommun/{change['municipality_code']}" if change.get(
            "municipality_code") else base + "/"
        if change.get("snapshot_id") and change.get("previous_snapshot_id"):
            link = f"{base}/-/versioner?a={change['previous_snapshot_id']}&b={change['snapshot_id']}"
        parts += ["<entry>",
                  f"<id>tag:medborgarloften,2024:change:{change['id']}</id>",
                  f"<title>{xml_escape(name + ': ' + change['summary'])}</title>",
                  f"<updated>{xml_escape(change['detected_at'])}</updated>",
                  f'<link href="{xml_escape(link)}"/>',
                  f'<content type="html">{xml_escape(entry_html(change))}</content>',
                  "</entry>"]
    parts.append("</feed>")
    return "\n".join(parts)


def feed_response(request, path: str, title: str, changes: list[dict]) -> Response:
    base = f"{request.scheme}://{request.host}"
    return Response(atom(base, path, title, changes),
                    content_type="application/atom+xml; charset=utf-8")


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
        return Response.text("Länet finns inte.", status=404)
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
        return Response.text("Temat finns inte.", status=404)
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
