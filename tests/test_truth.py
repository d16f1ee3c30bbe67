"""What the archive says is true: every status, count and feed a visitor sees
agrees with a direct computation from the snapshots.

Property-style: for the synthetic archive (tests/truth_fixtures.py: several
versions per page, a footer-only re-crawl, a reworded promise, a removed
page, two sources for the same promise) and for the demo archive, every
municipality's statuses and counts are checked against Python computed from
the raw tables, and every municipality's feed must be a valid Atom feed.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import xml.etree.ElementTree as ET
from collections import defaultdict

import pytest

from crawler.web.serving import datasette_instance
from normalize.registry import load_municipalities
from serve_fixtures import AELDRE, BUSS, KRIS_VANDRING, RESE
from truth_fixtures import JAVASCRIPT_URL, build_truth_archive

ATOM = "{http://www.w3.org/2005/Atom}"
CODES = [m.code for m in load_municipalities()]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return build_truth_archive(tmp_path_factory.mktemp("truth") / "archive.db")


@pytest.fixture(scope="module", params=["synthetic", pytest.param("demo", marks=pytest.mark.slow)])
def site(request):
    path = request.getfixturevalue("synthetic" if request.param == "synthetic"
                                   else "demo_archive")
    ds = datasette_instance(path)
    return Site(path, ds)


class Site:
    def __init__(self, path, ds):
        self.path, self.ds, self.name = path, ds, path.stem

    def get(self, path: str):
        return asyncio.run(self.ds.client.get(path))

    def rows(self, path: str) -> list[dict]:
        response = self.get(path + ("&" if "?" in path else "?") + "_shape=objects&_size=max")
        assert response.status_code == 200, (path, response.text[:300])
        return response.json()["rows"]

    def truth(self) -> "Truth":
        return Truth(self.path)


class Truth:
    """Statuses and distinct counts computed in Python from the raw tables."""

    def __init__(self, path):
        conn = sqlite3.connect(path)
        conn.row_factory = sqlite3.Row
        snapshots = {r["id"]: r for r in conn.execute("select id, text_sha256 from snapshots")}
        pages = {r["url"]: r for r in conn.execute(
            "select url, current_snapshot_id, gone_since from pages")}
        self.rows = [dict(r) for r in conn.execute("select * from commitments")]
        self.document_codes: dict[int, set] = defaultdict(set)
        for r in conn.execute("select document_id, municipality_code from document_municipalities"):
            self.document_codes[r[0]].add(r[1])
        conn.close()
        self.groups: dict[tuple, list[dict]] = defaultdict(list)
        for row in self.rows:
            page = pages.get(row["url"])
            own = snapshots[row["snapshot_id"]]
            row["current"] = bool(page and page["gone_since"] is None and (
                page["current_snapshot_id"] == own["id"] or
                snapshots[page["current_snapshot_id"]]["text_sha256"] == own["text_sha256"]))
            self.groups[self.key(row)].append(row)

    @staticmethod
    def key(row: dict) -> tuple:
        return (row["municipality_code"], row["text_key"], row["period_start"],
                row["period_end"])

    def current(self, row: dict) -> bool:
        return any(r["current"] for r in self.groups[self.key(row)])

    def distinct_count(self, code: str) -> int:
        return sum(1 for key in self.groups if key[0] == code)

    def history_current(self, code: str, text: str) -> bool:
        """Whether the promise with this text, on the municipality's history
        page (documents of the municipality), is on some page today."""
        promises = [r for r in self.rows if r["kind"] == "promise"
                    and code in self.document_codes[r["document_id"]]]
        keys = {r["text_key"] for r in promises if r["text"] == text}
        assert keys, (code, text)
        return any(self.current(r) for r in promises if r["text_key"] in keys)


def codes_with_commitments(truth: Truth) -> list[str]:
    return sorted({key[0] for key in truth.groups if key[0]}
                  | {c for codes in truth.document_codes.values() for c in codes})


def test_history_statuses_agree_with_the_snapshots(site):
    truth = site.truth()
    for code in codes_with_commitments(truth):
        for row in site.rows(f"/{site.name}/kommunens_historik.json?kod={code}"):
            current = truth.history_current(code, row["åtagande"])
            reworded = bool(row["omformuleringar"])
            assert row["status"].startswith("omformulerat") == reworded, (code, row)
            assert (row["status"] == "borttaget") == (not current and not reworded), (code, row)
            if row["status"] == "omformulerat (tidigare lydelse)":
                assert not current, (code, row)


def test_search_version_labels_agree_with_the_snapshots(site):
    truth = site.truth()
    by_id = {r["id"]: r for r in truth.rows}
    for word in ("testlöfte", "trygghetsvandring", "polisen", "kommunen"):
        result = site.get(f"/-/sok.json?q={word}").json()
        for hit in result.get("hits", []):
            expected = "senaste" if truth.current(by_id[hit["id"]]) else "aldre"
            assert hit["version"] == expected, hit


def test_every_count_shown_is_the_distinct_count(site):
    truth = site.truth()
    responsibility = {r["kommun"]: r["åtaganden"]
                      for r in site.rows(f"/{site.name}/ansvar_per_kommun.json")}
    names = {m.code: m.name for m in load_municipalities()}
    cluster = {r["kommunkod"]: r["åtaganden"]
               for r in site.rows(f"/{site.name}/karta.json?gallande=")}
    page = site.get("/-/karta").text
    data = page.split('id="kartdata">', 1)[1].split("</script>", 1)[0]
    dots = {p["code"]: p["commitments"] for p in json.loads(data)["points"]}
    for code in sorted({key[0] for key in truth.groups if key[0]}):
        expected = truth.distinct_count(code)
        assert responsibility[names[code]] == expected, code
        assert cluster[code] == expected, code
        assert dots[code] == expected, code
        overview = site.rows(f"/{site.name}/commitments_overview.json?municipality_code={code}")
        assert len(overview) == expected, code
    assert sum(cluster.values()) == len(truth.groups)


def test_search_counts_each_distinct_commitment_once(site):
    truth = site.truth()
    result = site.get("/-/sok.json?q=testl%C3%B6fte").json() if site.name != "demo" else \
        site.get("/-/sok.json?q=polisen").json()
    ids = [h["id"] for h in result["hits"]]
    keys = [Truth.key(next(r for r in truth.rows if r["id"] == i)) for i in ids]
    assert len(keys) == len(set(keys))
    version_total = sum(v["count"] for v in result["facets"]["version"]["values"])
    assert result["total"] == version_total
    if site.name != "demo":  # every fixture text contains "Testlöfte"
        assert result["total"] == len([k for k in truth.groups
                                       if any("testlöfte" in r["text"].lower()
                                              for r in truth.groups[k])])


def test_every_municipality_feed_is_a_valid_atom_feed(site):
    for code in CODES:
        response = site.get(f"/{site.name}/andringsflode_kommun.atom?kod={code}")
        assert response.status_code == 200, (code, response.text[:300])
        root = ET.fromstring(response.content)
        assert root.tag == f"{ATOM}feed"
        for link in root.iter(f"{ATOM}link"):
            assert link.get("href", "").startswith(("http://", "https://")), (code, link.attrib)


# -- the items one by one, on the synthetic archive --------------------------
@pytest.fixture(scope="module")
def synthetic_site(synthetic):
    return Site(synthetic, datasette_instance(synthetic))


def status_of(site, code: str, text: str) -> str:
    [row] = [r for r in site.rows(f"/{site.name}/kommunens_historik.json?kod={code}")
             if r["åtagande"] == text]
    return row["status"]


def test_a_footer_only_recrawl_keeps_promises_current(synthetic_site):
    # Snapshot 5 has the same text as snapshot 4, from which RESE and AELDRE came.
    assert status_of(synthetic_site, "2181", RESE) == "omformulerat (ny lydelse)"
    assert status_of(synthetic_site, "2181", AELDRE) == "nytt"
    hits = synthetic_site.get("/-/sok.json?q=bedr%C3%A4gerier").json()["hits"]
    assert [h["version"] for h in hits] == ["senaste"]


def test_an_old_wording_still_shown_elsewhere_is_not_called_new(synthetic_site):
    # BUSS was reworded on the polisen page but is still on the municipal page.
    assert status_of(synthetic_site, "2181", BUSS) == "omformulerat (tidigare lydelse, finns kvar)"


def test_a_promise_from_two_sources_counts_once(synthetic_site):
    [row] = [r for r in synthetic_site.rows(f"/{synthetic_site.name}/ansvar_per_kommun.json")
             if r["kommun"] == "Kristinehamns kommun"]
    assert row["åtaganden"] == 3
    hits = synthetic_site.get("/-/sok.json?q=h%C3%B6st").json()["hits"]
    assert [h["text"] for h in hits] == [KRIS_VANDRING]
    # current through the polisen page, although the municipal page is gone
    assert hits[0]["version"] == "senaste"


def test_a_feed_without_events_is_empty_and_valid(synthetic_site):
    response = synthetic_site.get(f"/{synthetic_site.name}/andringsflode_kommun.atom?kod=1766")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.findall(f"{ATOM}entry") == []


def test_feeds_link_only_http_urls(synthetic_site):
    response = synthetic_site.get(f"/{synthetic_site.name}/andringsflode_kommun.atom?kod=2281")
    assert response.status_code == 200 and "javascript:" not in response.text
    assert len(ET.fromstring(response.content).findall(f"{ATOM}entry")) == 1
    whole = synthetic_site.get(f"/{synthetic_site.name}/andringsflode.atom").text
    assert JAVASCRIPT_URL not in whole
