"""The Datasette archive over the demo archive, through Datasette's own test client."""

from __future__ import annotations

import asyncio

import pytest

from crawler.serving import datasette_instance

RAW_SCRIPT = "<script>alert(1)</script>"
RAW_IMG = '"><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def get(demo_archive):
    ds = datasette_instance(demo_archive)

    def fetch(path):
        return asyncio.run(ds.client.get(path))
    return fetch


def rows(get, path):
    response = get(path + ("&" if "?" in path else "?") + "_shape=objects&_size=max")
    assert response.status_code == 200, response.text[:500]
    return response.json()["rows"]


@pytest.mark.parametrize("query,expected", [
    ("vandring", "trygghetsvandringar"),
    ("narkotika", "narkotika"),
    ("grannsamverkan", "Grannsamverkansområden"),
])
def test_search_finds_compounds_and_inflections(get, query, expected):
    hits = rows(get, f"/archive/sok.json?q={query}")
    assert hits and expected.lower() in hits[0]["åtagande"].lower()
    assert {"kommun", "län", "polisregion", "period", "ansvarig"} <= set(hits[0])


def test_search_view_has_facets(get):
    data = get("/archive/commitments_overview.json?_search=vandring&_facet=county"
               "&_facet=responsible&_facet_array=themes").json()
    assert data["filtered_table_rows_count"] > 0
    assert {"county", "responsible", "themes"} <= set(data["facet_results"])
    counties = {f["value"] for f in data["facet_results"]["county"]["results"]}
    assert "Gävleborgs län" in counties


def test_compare_municipalities_side_by_side(get):
    result = rows(get, "/archive/jamfor_kommuner.json?kommuner=2181,Kristinehamn&ar=2016")
    assert {r["kommun"] for r in result} == {"Sandvikens kommun", "Kristinehamns kommun"}
    kristinehamn = [r for r in result if r["kommun"] == "Kristinehamns kommun"]
    assert max(r["källor"] for r in kristinehamn) == 2  # municipal site + polisen, counted once


def test_theme_prevalence_queries(get):
    per_year = rows(get, "/archive/teman_per_ar.json")
    assert any(r["tema"] == "Trygghetsvandringar" and r["år"] == 2016 for r in per_year)
    per_county = rows(get, "/archive/teman_per_lan.json")
    assert {r["polisregion"] for r in per_county} >= {"Mitt", "Bergslagen"}


def test_coverage_lists_municipalities_without_a_current_promise(get):
    missing = rows(get, "/archive/kommuner_utan_lofte.json")
    codes = {r["kommunkod"] for r in missing}
    # The demo's promises are from 2015–2025, so in 2026 no municipality has a current one,
    # and the list covers the whole registry.
    assert len(codes) == 290 and "2181" in codes


def test_similar_commitments_in_other_municipalities(get):
    [first] = rows(get, "/archive/sok.json?q=Årligen genomföra trygghetsvandringar")[:1]
    similar = rows(get, f"/archive/liknande_ataganden.json?id={first['åtagande_nr']}")
    assert similar and all(r["kommun"] != "Sandvikens kommun" for r in similar)
    assert "trygghets" in similar[0]["åtagande"].lower()


def test_responsible_share(get):
    shares = {r["kommun"]: r for r in rows(get, "/archive/ansvar_per_kommun.json")}
    kristinehamn = shares["Kristinehamns kommun"]
    assert kristinehamn["kommunen_procent"] + kristinehamn["polisen_procent"] + \
        kristinehamn["gemensamt_procent"] + kristinehamn["annan_procent"] + \
        kristinehamn["okänd_procent"] == pytest.approx(100, abs=0.5)


def test_recent_changes_show_rewording_and_removed_page(get):
    changes = rows(get, "/archive/senaste_andringar.json")
    kinds = {r["ändring"] for r in changes}
    assert "Åtagande omformulerat" in kinds and any(k.startswith("Sidan borttagen") for k in kinds)
    reworded = next(r for r in changes if r["ändring"] == "Åtagande omformulerat")
    assert "resecentrum" in reworded["nu"] and "resecentrum" not in reworded["tidigare"]


def test_history_of_one_municipality(get):
    history = rows(get, "/archive/kommunens_historik.json?kod=1781")
    assert history and {r["status"] for r in history} <= {"fortsatt", "nytt", "borttaget"}
    assert any(r["omformuleringar"] for r in history)


def test_two_versions_can_be_compared(get):
    changed = rows(get, "/archive/senaste_andringar.json")
    reworded = next(r for r in changed if r["ändring"] == "Åtagande omformulerat")
    a, b = reworded["previous_snapshot_id"], reworded["snapshot_id"]
    [diff] = rows(get, f"/archive/jamfor_versioner.json?a={a}&b={b}")
    assert "+" in diff["ändrade_rader"] and "resecentrum" in diff["ändrade_rader"]
    page = get(f"/-/diff?a={a}&b={b}")
    assert page.status_code == 200 and "diff_add" in page.text or "diff_chg" in page.text


def test_atom_feeds_overall_and_per_municipality(get):
    overall = get("/archive/andringsflode.atom")
    assert overall.status_code == 200 and "<feed" in overall.text
    assert "Åtagande omformulerat" in overall.text
    local = get("/archive/andringsflode_kommun.atom?kod=1781")
    assert "Kristinehamns kommun" in local.text and "Smedjebacken" not in local.text


def test_map_query_has_coordinates_for_all_municipalities(get):
    points = rows(get, "/archive/karta.json")
    assert len(points) == 290 and all(p["latitude"] and p["longitude"] for p in points)
    assert get("/archive/karta").text.count("datasette-cluster-map") >= 1


def test_theme_chart(get):
    page = get("/-/diagram/teman")
    assert page.status_code == 200 and "<svg" in page.text and "Trygghetsvandringar" in page.text


def test_commitment_links_to_source_and_archived_snapshot(get):
    [hit] = rows(get, "/archive/sok.json?q=Fotpatrullering")[:1]
    assert hit["källa"].startswith("http") and hit["snapshot_id"]
    html = get("/archive/sok?q=Fotpatrullering").text
    assert f'href="/-/snapshot/{hit["snapshot_id"]}"' in html
    snapshot = get(f"/-/snapshot/{hit['snapshot_id']}")
    assert "Fotpatrullering" in snapshot.text


def test_raw_html_is_served_as_sandboxed_text(get):
    raw = get("/-/snapshot/1/raw")
    assert raw.headers["content-type"].startswith("text/plain")
    assert "sandbox" in raw.headers["content-security-policy"]
    assert raw.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", [
    "/archive/sok?q=alert", "/archive/commitments_overview?_search=alert",
    "/archive/commitments?text__contains=alert", "/archive/andringsflode.atom",
    "/archive/snapshots?text__contains=alert",
])
def test_script_text_is_escaped_everywhere(get, path):
    page = get(path)
    assert page.status_code == 200
    assert RAW_SCRIPT not in page.text and "<img src=x" not in page.text


def test_script_text_is_found_and_shown_escaped(get):
    html = get("/archive/sok?q=alert").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    [hit] = [r for r in rows(get, "/archive/sok.json?q=alert") if "script" in r["åtagande"]][:1]
    snapshot = get(f"/-/snapshot/{hit['snapshot_id']}").text
    assert RAW_SCRIPT not in snapshot and "&lt;script&gt;" in snapshot


def test_read_only_and_no_arbitrary_sql(get, demo_archive):
    assert get("/archive?sql=select+1").status_code == 403
    db = datasette_instance(demo_archive).get_database()
    with pytest.raises(Exception, match="readonly"):
        asyncio.run(db.execute("insert into themes (theme) values ('x')"))
