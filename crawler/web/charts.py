"""Datasette plugin: the theme chart (inline SVG) and a coloured map.

  /-/diagram/teman   municipalities with commitments per theme and start year
  /-/karta           every municipality as a dot: green with a current
                     promise, grey without; the dot grows with the number of
                     commitments (Leaflet from datasette-leaflet)

No JavaScript charting library: the chart is server-rendered SVG
(templates/teman.html), and the map's data is embedded as JSON (``<``
escaped) and drawn by static/karta.js. Counts are of distinct commitments
(``distinct_commitments``).
"""

from __future__ import annotations

import json
from datetime import date

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from crawler.settings import MAP_TILE_ATTRIBUTION, MAP_TILE_URL

CURRENT_SQL = """
select distinct dm.municipality_code from document_municipalities dm
join documents d on d.id = dm.document_id
where d.start_year is not null and d.start_year <= :year
  and coalesce(d.end_year, 9999) >= :year"""


def theme_chart_layout(rows: list[dict]) -> dict | None:
    """Positions for the bar matrix: one row per theme, one column per year,
    bar length = municipalities (the template teman.html draws it)."""
    if not rows:
        return None
    years = sorted({r["year"] for r in rows})
    peak = max(r["n"] for r in rows)
    counts = {(r["label"], r["year"]): r["n"] for r in rows}
    cell, bar_w, left = 70, 40, 240
    theme_keys = {r["label"]: r.get("theme") for r in rows}
    themes = []
    for i, theme in enumerate(sorted({r["label"] for r in rows})):
        bars = []
        for j, year in enumerate(years):
            n = counts.get((theme, year), 0)
            bars.append({"x": left + cell * j, "year": int(year), "n": n,
                         "width": 0 if not n else max(2, round(bar_w * n / peak))})
        themes.append({"label": theme, "key": theme_keys.get(theme), "y": 30 + 22 * i,
                       "bars": bars})
    return {"width": left + cell * len(years), "height": 22 * len(themes) + 40,
            "years": [{"year": int(y), "x": left + cell * j} for j, y in enumerate(years)],
            "themes": themes}


async def theme_chart(datasette, request):
    db = datasette.get_database()
    result = await db.execute("""
        select t.label, min(t.theme) as theme, c.start_year as year,
               count(distinct c.municipality_code) as n
        from commitment_themes ct join distinct_commitments c on c.id = ct.commitment_id
        join themes t on t.theme = ct.theme where c.start_year is not null
        group by t.label, c.start_year order by t.label, c.start_year""")
    context = {"title": "Teman per år", "database": db.name,
               "chart": theme_chart_layout([dict(r) for r in result.rows])}
    return Response.html(await datasette.render_template("teman.html", context, request=request))


async def map_view(datasette, request):
    db = datasette.get_database()
    year = date.today().year
    current = {r[0] for r in (await db.execute(CURRENT_SQL, {"year": year})).rows}
    counts = dict((await db.execute(
        "select municipality_code, count(*) from distinct_commitments "
        "group by municipality_code")).rows)
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
    # JSON in a data island: "<" escaped so no text can close the script element.
    data = json.dumps({"database": db.name, "points": points,
                       "tiles": tiles.get("tile_url", tiles["url"]),
                       "attribution": tiles["attribution"]},
                      ensure_ascii=False).replace("<", "\\u003c")
    context = {
        "title": "Karta", "database": db.name, "year": year, "points": points,
        "with_current": sum(p["current"] for p in points), "data": Markup(data),
        "leaflet_js": datasette.urls.static_plugins("datasette-leaflet", "leaflet-v1.7.1.js"),
        "leaflet_css": datasette.urls.static_plugins("datasette-leaflet", "leaflet-v1.7.1.css"),
    }
    return Response.html(await datasette.render_template("karta.html", context, request=request))


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
