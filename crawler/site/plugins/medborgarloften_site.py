"""Datasette plugin: archived versions, version diffs, a theme chart, SQL helpers.

Everything user-supplied or archived is HTML-escaped; raw archived HTML is
only ever served as text/plain with a sandbox CSP, never rendered in the
archive's origin.
"""

from __future__ import annotations

import difflib
import html
import re
import zlib

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

PAGE = """<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">
<title>{title}</title><link rel="stylesheet" href="/-/static/app.css">
<style>pre{{white-space:pre-wrap}} table.diff{{font-family:monospace;font-size:0.85em}}
.diff_add{{background:#cfc}} .diff_sub{{background:#fcc}} .diff_chg{{background:#ffc}}</style>
</head><body><section class="content"><p><a href="/">Medborgarlöften – arkiv</a></p>
{body}</section></body></html>"""
SAFE_HEADERS = {"Content-Security-Policy": "default-src 'none'; sandbox",
                "X-Content-Type-Options": "nosniff"}
_WORD = re.compile(r"[a-zåäöéü]{4,}")


def _trigrams(text: str | None) -> set[str]:
    grams = set()
    for word in _WORD.findall((text or "").lower()):
        grams.update(word[i:i + 3] for i in range(len(word) - 2))
    return grams


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
def prepare_connection(conn):
    conn.create_function("ordlikhet", 2, trigram_similarity, deterministic=True)
    conn.create_function("textdiff", 2, text_diff, deterministic=True)


def _page(title: str, body: str, status: int = 200) -> Response:
    return Response.html(PAGE.format(title=str(escape(title)), body=str(body)), status=status)


async def _snapshot(datasette, snapshot_id: int) -> dict | None:
    db = datasette.get_database()
    result = await db.execute(
        "select s.*, b.body, b.compression from snapshots s left join bodies b "
        "on b.sha256 = s.body_sha256 where s.id = ?", [snapshot_id])
    rows = result.rows
    return dict(rows[0]) if rows else None


async def snapshot_view(datasette, request):
    snapshot = await _snapshot(datasette, int(request.url_vars["id"]))
    if snapshot is None:
        return _page("Saknas", "<h1>Versionen finns inte</h1>", 404)
    body = (
        f"<h1>Arkiverad version {snapshot['id']}</h1>"
        f"<p>Adress: <a href=\"{escape(snapshot['url'])}\" rel=\"nofollow noopener\">"
        f"{escape(snapshot['url'])}</a><br>Hämtad: {escape(snapshot['fetched_at'])} · "
        f"HTTP {escape(snapshot['status'])} · {escape(snapshot['content_type'] or '')}</p>"
        f"<p><a href=\"/-/snapshot/{snapshot['id']}/raw\">Rå fil som text</a> · "
        f"<a href=\"/{escape(datasette.get_database().name)}/snapshots/{snapshot['id']}\">"
        "Alla fält</a></p><h2>Sidans text</h2>"
        f"<pre>{escape(snapshot['text'] or snapshot['text_error'] or '')}</pre>")
    return _page(f"Version {snapshot['id']}", body)


async def snapshot_raw(datasette, request):
    snapshot = await _snapshot(datasette, int(request.url_vars["id"]))
    if snapshot is None or snapshot["body"] is None:
        return Response.text("Versionen finns inte", status=404)
    raw = snapshot["body"]
    if snapshot["compression"] == "zlib":
        raw = zlib.decompress(raw)
    text = raw.decode(snapshot["detected_encoding"] or "utf-8", errors="replace") \
        if not raw.startswith(b"%PDF") else (snapshot["text"] or "")
    return Response.text(text, headers=SAFE_HEADERS)


async def diff_view(datasette, request):
    try:
        a, b = int(request.args.get("a", "")), int(request.args.get("b", ""))
    except ValueError:
        return _page("Jämför", "<h1>Ange två versioner: /-/diff?a=ID&amp;b=ID</h1>", 400)
    first, second = await _snapshot(datasette, a), await _snapshot(datasette, b)
    if first is None or second is None:
        return _page("Saknas", "<h1>En av versionerna finns inte</h1>", 404)
    table = difflib.HtmlDiff(wrapcolumn=80).make_table(
        (first["text"] or "").splitlines(), (second["text"] or "").splitlines(),
        f"Version {a} ({first['fetched_at']})", f"Version {b} ({second['fetched_at']})",
        context=True, numlines=2)
    body = f"<h1>Jämförelse av versioner</h1><p>{escape(first['url'])}</p>{table}"
    return _page("Jämförelse", body)


async def theme_chart(datasette, request):
    db = datasette.get_database()
    result = await db.execute("""
        select t.label, c.start_year as year, count(distinct c.municipality_code) as n
        from commitment_themes ct join commitments c on c.id = ct.commitment_id
        join themes t on t.theme = ct.theme where c.start_year is not null
        group by t.label, c.start_year order by t.label, c.start_year""")
    rows = [dict(r) for r in result.rows]
    if not rows:
        return _page("Teman per år", "<h1>Teman per år</h1><p>Inga data ännu.</p>")
    years = sorted({r["year"] for r in rows})
    themes = sorted({r["label"] for r in rows})
    peak = max(r["n"] for r in rows)
    counts = {(r["label"], r["year"]): r["n"] for r in rows}
    cell, bar_w = 46, 40
    height = 22 * len(themes) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{220 + cell * len(years)}" '
             f'height="{height}" role="img" aria-label="Teman per år">']
    for j, year in enumerate(years):
        parts.append(f'<text x="{220 + cell * j}" y="14" font-size="12">{year}</text>')
    for i, theme in enumerate(themes):
        y = 30 + 22 * i
        parts.append(f'<text x="0" y="{y + 12}" font-size="12">{html.escape(theme)}</text>')
        for j, year in enumerate(years):
            n = counts.get((theme, year), 0)
            width = 0 if not n else max(2, round(bar_w * n / peak))
            parts.append(f'<rect x="{220 + cell * j}" y="{y}" width="{width}" height="16" '
                         f'fill="#3b6ea5"><title>{html.escape(theme)} {year}: {n} kommuner'
                         f"</title></rect>")
    parts.append("</svg>")
    body = ("<h1>Teman per år</h1><p>Antal kommuner med åtaganden inom varje tema, per "
            "startår. Data: <a href=\"/" + str(escape(db.name)) + "/teman_per_ar\">teman_per_ar</a>."
            "</p>" + "".join(parts))
    return _page("Teman per år", body)


@hookimpl
def register_routes():
    return [
        (r"^/-/snapshot/(?P<id>\d+)$", snapshot_view),
        (r"^/-/snapshot/(?P<id>\d+)/raw$", snapshot_raw),
        (r"^/-/diff$", diff_view),
        (r"^/-/diagram/teman$", theme_chart),
    ]


@hookimpl
def render_cell(value, column, database):
    """Snapshot ids link to the archived version, commitment numbers to the
    commitment, diff links become links."""
    if column == "åtagande_nr" and isinstance(value, int):
        return Markup(f'<a href="/{escape(database)}/commitments/{value}">{value}</a>')
    if column in ("snapshot_id", "previous_snapshot_id", "current_snapshot_id") \
            and isinstance(value, int):
        return Markup(f'<a href="/-/snapshot/{value}">version {value}</a>')
    if column == "jämförelse" and isinstance(value, str) and value.startswith("/-/diff?"):
        return Markup(f'<a href="{escape(value)}">jämför versionerna</a>')
    return None
