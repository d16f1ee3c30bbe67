"""The demo's history reaches back before its crawl, and the archive site shows each source."""

from __future__ import annotations

import asyncio
import re

import pytest

from crawler.web.serving import datasette_instance
from tests.crawl_helpers import rows

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def get(demo_archive):
    ds = datasette_instance(demo_archive)
    return lambda path: asyncio.run(ds.client.get(path))


def test_the_demo_has_history_back_to_2016(demo_archive):
    sources = {r["source"] for r in rows(demo_archive, "select distinct source from snapshots")}
    assert sources == {"crawl", "wayback"}
    years = {r["start_year"] for r in rows(demo_archive, "select start_year from documents")}
    assert {2015, 2017, 2018, 2019} <= years
    oldest = rows(demo_archive, "select min(fetched_at) as t from snapshots")[0]["t"]
    assert oldest <= "2016"


def test_a_wayback_version_links_to_the_wayback_page(demo_archive, get):
    capture = rows(demo_archive, "select id, capture_url, fetched_at from snapshots "
                                 "where source = 'wayback' order by fetched_at limit 1")[0]
    page = get(f"/-/snapshot/{capture['id']}")
    assert page.status_code == 200
    assert "Wayback Machine" in page.text
    timestamp = re.sub(r"\D", "", capture["fetched_at"])[:14]
    assert f"/web/{timestamp}/http" in page.text and "id_/" not in page.text
    crawl = rows(demo_archive, "select id from snapshots where source = 'crawl' limit 1")[0]
    assert "egen sökrobot" in get(f"/-/snapshot/{crawl['id']}").text


def test_versions_are_listed_in_time_order(demo_archive, get):
    url = rows(demo_archive, "select url from snapshots where source = 'wayback' "
                             "group by url having count(*) > 1 limit 1")[0]["url"]
    ordered = [r["id"] for r in rows(demo_archive, "select id from snapshots where url = ? "
                                                   "order by fetched_at, id", [url])]
    newest = ordered[-1]
    text = get(f"/-/snapshot/{newest}").text
    listed = [int(n) for n in re.findall(r"version (\d+) \(", text)]
    assert listed == ordered
    versions = get("/demo/sidans_versioner.json?_shape=objects&url=" + url).json()["rows"]
    assert [v["snapshot_id"] for v in versions] == ordered
    assert versions[0]["källa"] == "wayback"


def test_how_far_back_history_reaches_per_municipality(get):
    found = {r["kommunkod"]: r for r in get(
        "/demo/historikens_djup.json?_shape=objects").json()["rows"]}
    assert found["2181"]["äldsta_version"].startswith("2017")
    assert found["1766"]["äldsta_version"].startswith("2015")
    assert found["2181"]["från_wayback"] >= 3 and found["2181"]["äldsta_löftesår"] <= 2017
