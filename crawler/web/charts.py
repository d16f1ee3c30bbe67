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

from crawler.settings import MAP_TILE_ATTRIBUTION, MAP_TILE_URL

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
    cell, bar_w, left = 70, 40, 240
    theme_keys = {r["label"]: r.get("theme") for r in rows}
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
            bar = (f'<rect x="{left + cell * j}" y="{y}" width="{width}" height="16" '
                   f'fill="#3b6ea5"><title>{escape(theme)} {int(year)}: {n} kommuner'
                   f"</title></rect>")
            if n:  # the number beside the bar; both link to the municipalities
                bar += (f'<text x="{left + cell * j + width + 3}" y="{y + 12}" '
                        f'font-size="11">{n}</text>')
                if theme_keys.get(theme):
                    bar = (f'<a href="/kommun?tema={escape(theme_keys[theme])}&amp;ar={int(year)}">'
                           f"{bar}</a>")
            parts.append(bar)
    parts.append("</svg>")
    return "".join(parts)


async def theme_chart(datasette, request):
    db = datasette.get_database()
    result = await db.execute("""
        select t.label, min(t.theme) as theme, c.start_year as year,
               count(distinct c.municipality_code) as n
        from commitment_themes ct join commitments c on c.id = ct.commitment_id
        join themes t on t.theme = ct.theme where c.start_year is not null
        group by t.label, c.start_year order by t.label, c.start_year""")
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
        "select municipality_code, count(*) from commitments group by municipality_code")).rows)
    promises = dict((await db.execute(
        "select dm.municipality_code, count(distinct d.promise_key) from documents d "
        "join document_municipalities dm on dm.document_id = d.id "
        "group by dm.municipality_code")).rows)
    points = [{"code": r["code"], "name": r["name"], "lat": r["latitude"],
               "lon": r["longitude"], "current": r["code"] in current,
               "commitments": counts.get(r["code"], 0), "promises": promises.get(r["code"], 0)}
              for r in (await db.execute(
                  "select code, name, latitude, longitude from municipalities "
                  "where latitude is not null order by code")).rows]
    tiles = {"url": MAP_TILE_URL, "attribution": MAP_TILE_ATTRIBUTION,
             **(datasette.plugin_config("medborgarloften-karta") or {})}
    data = json.dumps({"database": db.name, "points": points,
                       "tiles": tiles.get("tile_url", tiles["url"]),
                       "attribution": tiles["attribution"]},
                      ensure_ascii=False).replace("<", "\\u003c")
    leaflet_js = datasette.urls.static_plugins("datasette-leaflet", "leaflet-v1.7.1.js")
    leaflet_css = datasette.urls.static_plugins("datasette-leaflet", "leaflet-v1.7.1.css")
    with_current = sum(p["current"] for p in points)
    head = (f'<link rel="stylesheet" href="{escape(leaflet_css)}">'
            "<style>#karta{height:40em} .karta-antal{background:none;border:0;box-shadow:none;"
            "font-weight:bold;padding:0} .karta-antal::before{display:none} .karta-nyckel span{display:inline-block;width:1em;"
            "height:1em;border-radius:50%;vertical-align:middle}</style>")
    body = f"""<h1>Karta</h1>
<p>{with_current} av {len(points)} kommuner har ett medborgarlöfte som gäller {year}.
Större prick = fler arkiverade åtaganden; talet i pricken = antal arkiverade löften. Listor:
<a href="/{escape(db.name)}/kommuner_utan_lofte">kommuner utan gällande löfte</a> ·
<a href="/{escape(db.name)}/karta">klusterkarta</a>.</p>
<p class="karta-nyckel"><span style="background:#2a8a3e"></span> gällande löfte
<span style="background:#999"></span> inget gällande löfte</p>
<p id="karta-utan-bilder" class="message-warning" hidden>Kartbilderna kunde inte
laddas (ingen kontakt med kartservern). Prickarna och talen – antal arkiverade löften –
stämmer ändå; listorna ovan har samma uppgifter.</p>
<div id="karta"></div>
<script type="application/json" id="kartdata">{data}</script>
<script type="module">
import * as L from '{escape(leaflet_js)}';
(function () {{
  var data = JSON.parse(document.getElementById('kartdata').textContent);
  var points = data.points;
  var map = L.map('karta').setView([62.5, 16.5], 5);
  var tiles = L.tileLayer(data.tiles, {{maxZoom: 12, attribution: data.attribution}});
  tiles.on('tileerror', function () {{
    document.getElementById('karta-utan-bilder').hidden = false; }});
  tiles.addTo(map);
  points.forEach(function (p) {{
    var marker = L.circleMarker([p.lat, p.lon], {{
      radius: 4 + Math.sqrt(p.commitments), weight: 1,
      color: p.current ? '#1d5e2b' : '#666', fillColor: p.current ? '#2a8a3e' : '#999',
      fillOpacity: 0.7, className: p.current ? 'kommun-gallande' : 'kommun-utan'}}).addTo(map);
    if (p.promises) {{
      marker.bindTooltip(String(p.promises), {{permanent: true, direction: 'center',
        className: 'karta-antal'}});
    }}
    var div = document.createElement('div');
    var a = document.createElement('a');
    a.href = '/kommun/' + p.code;
    a.textContent = p.name;
    div.appendChild(a);
    div.appendChild(document.createTextNode(
      ': ' + p.promises + ' löften, ' + p.commitments + ' åtaganden' +
      (p.current ? ', gällande löfte' : '')));
    marker.bindPopup(div);
  }});
}})();
</script>"""
    return await _render(datasette, request, "Karta", body, head)


@hookimpl
def register_routes():
    return [(r"^/-/diagram/teman$", theme_chart), (r"^/-/karta$", map_view)]


# crawler.web.pages has its own `datasette` entry point (pyproject.toml); an
# install made before it existed lacks it, so register it here under the same
# name (the entry-point loader then skips it, and this skips if it ran first).
from datasette.plugins import pm  # noqa: E402
from crawler.web import pages  # noqa: E402

if not pm.is_registered(pages) and pm.get_plugin("medborgarloften_pages") is None:
    pm.register(pages, name="medborgarloften_pages")
