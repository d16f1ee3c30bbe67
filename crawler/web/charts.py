"""Datasette plugin: the theme chart (inline SVG) and a coloured map.

  /-/diagram/teman   municipalities with commitments per theme and start year
  /-/karta           every municipality as a dot: green with a current
                     promise, grey without; the dot grows with the number of
                     commitments (Leaflet from datasette-leaflet)

No JavaScript charting library: the chart is server-rendered SVG, and the
map's data is embedded as JSON (``<`` escaped) and drawn by a few lines of JS.
"""

from __future__ import annotations

import json
from datetime import date

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

CURRENT_SQL = """
select distinct dm.municipality_code from document_municipalities dm
join documents d on d.id = dm.document_id
where d.start_year is not null and d.start_year <= :year
  and coalesce(d.end_year, 9999) >= :year"""


async def _render(datasette, request, title: str, body: str, head: str = "") -> Response:
    html = await datasette.render_template(
        "arkiv.html", {"title": title, "body": Markup(body), "head": Markup(head)},
        request=request)
    return Response.html(html)


def theme_svg(rows: list[dict]) -> str:
    """A bar matrix: one row per theme, one column per year, bar = municipalities."""
    years = sorted({r["year"] for r in rows})
    themes = sorted({r["label"] for r in rows})
    peak = max(r["n"] for r in rows)
    counts = {(r["label"], r["year"]): r["n"] for r in rows}
    cell, bar_w, left = 46, 40, 240
    height = 22 * len(themes) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + cell * len(years)}" '
             f'height="{height}" role="img" aria-label="Teman per år">']
    for j, year in enumerate(years):
        parts.append(f'<text x="{left + cell * j}" y="14" font-size="12">{int(year)}</text>')
    for i, theme in enumerate(themes):
        y = 30 + 22 * i
        parts.append(f'<text x="0" y="{y + 12}" font-size="12">{escape(theme)}</text>')
        for j, year in enumerate(years):
            n = counts.get((theme, year), 0)
            width = 0 if not n else max(2, round(bar_w * n / peak))
            parts.append(f'<rect x="{left + cell * j}" y="{y}" width="{width}" height="16" '
                         f'fill="#3b6ea5"><title>{escape(theme)} {int(year)}: {n} kommuner'
                         f"</title></rect>")
    parts.append("</svg>")
    return "".join(parts)


async def theme_chart(datasette, request):
    db = datasette.get_database()
    result = await db.execute("""
        select label, year, municipalities as n from summary_theme_years
        order by label, year""")  # built by normalize (crawler.derive.summaries)
    rows = [dict(r) for r in result.rows]
    body = ["<h1>Teman per år</h1>"]
    if not rows:
        body.append("<p>Inga data ännu.</p>")
    else:
        body.append(
            "<p>Antal kommuner med åtaganden inom varje tema, per startår (stapelns längd; "
            "håll musen över en stapel för antalet). Siffrorna: "
            f'<a href="/{escape(db.name)}/teman_per_ar">Teman per år</a>, per län: '
            f'<a href="/{escape(db.name)}/teman_per_lan">Teman per län och polisregion</a>.</p>'
            + theme_svg(rows))
    return await _render(datasette, request, "Teman per år", "".join(body))


async def map_view(datasette, request):
    db = datasette.get_database()
    year = date.today().year
    current = {r[0] for r in (await db.execute(CURRENT_SQL, {"year": year})).rows}
    counts = dict((await db.execute(
        "select code, commitments from summary_municipalities")).rows)
    points = [{"code": r["code"], "name": r["name"], "lat": r["latitude"],
               "lon": r["longitude"], "current": r["code"] in current,
               "commitments": counts.get(r["code"], 0)}
              for r in (await db.execute(
                  "select code, name, latitude, longitude from municipalities "
                  "where latitude is not null order by code")).rows]
    data = json.dumps({"database": db.name, "points": points},
                      ensure_ascii=False).replace("<", "\\u003c")
    leaflet_js = datasette.urls.static_plugins("datasette-leaflet", "leaflet-v1.7.1.js")
    leaflet_css = datasette.urls.static_plugins("datasette-leaflet", "leaflet-v1.7.1.css")
    with_current = sum(p["current"] for p in points)
    head = (f'<link rel="stylesheet" href="{escape(leaflet_css)}">'
            "<style>#karta{height:40em} .karta-nyckel span{display:inline-block;width:1em;"
            "height:1em;border-radius:50%;vertical-align:middle}</style>")
    body = f"""<h1>Karta</h1>
<p>{with_current} av {len(points)} kommuner har ett medborgarlöfte som gäller {year}.
Större prick = fler arkiverade åtaganden. Listor:
<a href="/{escape(db.name)}/kommuner_utan_lofte">kommuner utan gällande löfte</a> ·
<a href="/{escape(db.name)}/karta">klusterkarta</a>.</p>
<p class="karta-nyckel"><span style="background:#2a8a3e"></span> gällande löfte
<span style="background:#999"></span> inget gällande löfte</p>
<div id="karta"></div>
<script type="application/json" id="kartdata">{data}</script>
<script type="module">
import * as L from '{escape(leaflet_js)}';
(function () {{
  var data = JSON.parse(document.getElementById('kartdata').textContent);
  var points = data.points;
  var map = L.map('karta').setView([62.5, 16.5], 5);
  L.tileLayer('https://{{s}}.tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png', {{
    maxZoom: 12, attribution: '&copy; OpenStreetMap'}}).addTo(map);
  points.forEach(function (p) {{
    var marker = L.circleMarker([p.lat, p.lon], {{
      radius: 4 + Math.sqrt(p.commitments), weight: 1,
      color: p.current ? '#1d5e2b' : '#666', fillColor: p.current ? '#2a8a3e' : '#999',
      fillOpacity: 0.7, className: p.current ? 'kommun-gallande' : 'kommun-utan'}}).addTo(map);
    var div = document.createElement('div');
    var a = document.createElement('a');
    a.href = '/' + encodeURIComponent(data.database) + '/kommunens_historik?kod=' + p.code;
    a.textContent = p.name;
    div.appendChild(a);
    div.appendChild(document.createTextNode(
      ': ' + p.commitments + ' åtaganden' + (p.current ? ', gällande löfte' : '')));
    marker.bindPopup(div);
  }});
}})();
</script>"""
    return await _render(datasette, request, "Karta", body, head)


@hookimpl
def register_routes():
    return [(r"^/-/diagram/teman$", theme_chart), (r"^/-/karta$", map_view)]
