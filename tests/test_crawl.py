"""End-to-end crawls of the fixture web over real HTTP on 127.0.0.x.

One module-scoped scenario: crawl version 1, re-crawl it unchanged, switch
to version 2 and re-crawl. Each test asserts one behaviour of that history.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.crawl import fast_crawl_settings
from crawler.demo.server import FixtureWeb
from tests.crawl_helpers import rows, run_crawl

pytestmark = pytest.mark.slow

SECTION = "/om-polisen/medborgarloften-och-lokal-samverkan/medborgarloften/"


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crawl")
    db = tmp / "archive.db"
    with FixtureWeb() as web:
        sites = web.write_sites_csv(tmp / "sites.csv")
        first = run_crawl(db, web, sites)
        assert first.returncode == 0, first.stderr[-3000:]
        log_v1 = list(web.requests)
        snapshots_v1 = rows(db, "select count(*) as n from snapshots")[0]["n"]
        web.clear_log()
        again = run_crawl(db, web, sites)
        assert again.returncode == 0, again.stderr[-3000:]
        log_again = list(web.requests)
        snapshots_again = rows(db, "select count(*) as n from snapshots")[0]["n"]
        web.set_version(2)
        v2 = run_crawl(db, web, sites)
        assert v2.returncode == 0, v2.stderr[-3000:]
        yield {"db": db, "web": web, "log_v1": log_v1, "log_again": log_again,
               "snapshots_v1": snapshots_v1, "snapshots_again": snapshots_again}


def page(db, fragment):
    found = rows(db, "select * from pages where url like ?", [f"%{fragment}%"])
    assert found, f"no archived page matching {fragment}"
    return found[0]


def test_promise_pages_on_every_municipal_site_are_found(history):
    db = history["db"]
    texts = [r["text"] for r in rows(db, """
        select s.text from snapshots s join pages p on p.url = s.url
        where p.site = '2181' and p.url like '%/trygghet-och-sakerhet/medborgarloften/'
        order by s.id""")]
    # Every archived version of Sandviken's page (v1, v2) has the heading.
    assert texts and all("Medborgarlöften 2015/2016" in (t or "") for t in texts), texts
    for site in ("2181", "2061", "1781"):
        assert rows(db, "select count(*) as n from pages where site = ?", [site])[0]["n"] >= 1


def test_municipal_page_that_only_points_to_polisen_is_not_a_promise(history):
    """Sunne's own page only links to the promise on polisen.se: coverage says so."""
    assert rows(history["db"], "select count(*) as n from pages where site = '1766'")[0]["n"] == 0
    [row] = rows(history["db"], "select * from coverage where code = '1766'")
    assert row["status"] == "polisen_only" and row["polisen_pages"] >= 1
    assert "hänvisning" in row["best_candidate_reasons"]


def test_page_listed_only_in_sitemap_is_found(history):
    assert page(history["db"], "signerade-ett-medborgarlofte")["found_via"] == "sitemap"


def test_linked_pdf_is_archived_with_text(history):
    pdf = page(history["db"], "10-medborgarloften-sandviken.pdf")
    assert pdf["kind"] == "pdf"
    text = rows(history["db"], "select text from snapshots where url = ?", [pdf["url"]])[0]["text"]
    assert "trygghetsvandringar" in text


def test_polisen_pages_are_tagged_with_municipality_codes(history):
    sunne = page(history["db"], SECTION + "varmland/sunne/")
    assert sunne["site"] == "polisen" and json.loads(sunne["municipalities"]) == ["1766"]


def test_focused_crawl_skips_most_unrelated_pages(history):
    web = history["web"]
    for key in ("sandviken", "sunne", "smedjebacken", "kristinehamn"):
        host = web.url(key).split("//")[1].split(":")[0]
        fetched = {r.path for r in history["log_v1"] if r.host.startswith(host)}
        site_root = Path(__file__).resolve().parents[1] / "crawler/demo/web" / key / "v1"
        html_pages = list(site_root.rglob("*.html"))
        assert len(fetched) < 0.6 * len(html_pages), (key, len(fetched), len(html_pages))


def test_robots_disallowed_page_is_never_fetched(history):
    assert not any("/intern/" in r.path for r in history["log_v1"])


def test_off_site_links_are_not_followed_by_the_municipal_spider(history):
    db = history["db"]
    assert rows(db, "select count(*) as n from pages where site = '1766' and url like ?",
                [f"%{SECTION}%"])[0]["n"] == 0


def test_unchanged_recrawl_adds_no_snapshot_and_uses_conditional_requests(history):
    assert history["snapshots_again"] == history["snapshots_v1"], rows(
        history["db"], "select url, run_id from snapshots where run_id in (3, 4)")
    conditional = [r for r in history["log_again"]
                   if "If-None-Match" in r.headers or "if-none-match" in r.headers]
    assert conditional and all(r.status == 304 for r in conditional)
    bytes_v1 = sum(r.bytes_sent for r in history["log_v1"])
    bytes_again = sum(r.bytes_sent for r in history["log_again"])
    # Navigation pages are revalidated through the HTTP cache too: almost nothing is resent.
    assert bytes_again < 0.05 * bytes_v1


def test_unchanged_recrawl_follows_links_of_304_pages_from_the_archive(history):
    # Every page of the first crawl is reached again, although the menu pages
    # that link to them answered 304: their links came from navigation_pages.
    first = {(r.host, r.path) for r in history["log_v1"]}
    again = {(r.host, r.path) for r in history["log_again"]}
    assert first <= again, first - again
    menus = rows(history["db"], """select count(*) as n from navigation_pages
                                   where url not in (select url from pages)""")[0]["n"]
    assert menus > 10
    assert not Path(f"{history['db']}.httpcache").exists()


def test_version2_reworded_page_gets_a_new_text_version(history):
    url = page(history["db"], "kristinehamn")["url"]
    snaps = rows(history["db"], """select s.text_changed from snapshots s join pages p
        on p.url = s.url where p.site = '1781' and s.url like '%/trygghet/medborgarloften/'
        order by s.id""")
    assert [s["text_changed"] for s in snaps] == [1, 1], url


def test_version2_removed_page_is_marked_gone_and_kept(history):
    gone = page(history["db"], "signerade-ett-medborgarlofte")
    assert gone["gone_since"] and gone["gone_status"] == 404
    assert gone["snapshot_count"] >= 1


def test_version2_footer_only_change_is_not_a_text_change(history):
    snaps = rows(history["db"], """select text_changed, body_sha256 from snapshots
        where site = '2181' and url like '%/trygghet-och-sakerhet/medborgarloften/'
        order by id""")
    assert len(snaps) == 2 and snaps[1]["text_changed"] == 0
    assert snaps[0]["body_sha256"] != snaps[1]["body_sha256"]


def test_every_run_is_recorded_ok(history):
    runs = rows(history["db"], "select spider, status, requests from crawl_runs")
    assert len(runs) == 6 and {r["status"] for r in runs} == {"ok"}
    assert all(r["requests"] > 0 for r in runs)


def test_killed_crawl_leaves_a_consistent_archive(tmp_path):
    db = tmp_path / "archive.db"
    with FixtureWeb(latency=0.05) as web:
        sites = web.write_sites_csv(tmp_path / "sites.csv")
        child = subprocess.Popen([sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db),
                                  "--sites", str(sites), "--polisen-url", web.polisen_url,
                                  *fast_crawl_settings()],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if rows(db, "select count(*) as n from snapshots")[0]["n"] >= 2:
                    break
            except sqlite3.OperationalError:  # not created yet
                pass
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert rows(db, "pragma integrity_check")[0]["integrity_check"] == "ok"
        dangling = rows(db, """select count(*) as n from snapshots s
                               left join bodies b on b.sha256 = s.body_sha256
                               left join pages p on p.url = s.url
                               where b.sha256 is null or p.url is null""")
        assert dangling[0]["n"] == 0
        again = run_crawl(db, web, sites)
        assert again.returncode == 0, again.stderr[-2000:]
        statuses = [r["status"] for r in rows(db, "select status from crawl_runs order by id")]
        assert statuses[0] == "interrupted" and statuses[-1] == "ok"
        duplicates = rows(db, """select url, body_sha256, count(*) as n from snapshots
                                 group by url, body_sha256 having n > 1""")
        assert duplicates == []


def test_progress_line_shows_pages_sites_and_errors(tmp_path):
    with FixtureWeb() as web:
        sites = web.write_sites_csv(tmp_path / "sites.csv")
        result = run_crawl(tmp_path / "archive.db", web, sites, polisen=False,
                           extra=["-s", "PROGRESS_FORCE=True", "-s", "PROGRESS_INTERVAL=0.2"])
    assert result.returncode == 0
    final = [line for line in result.stderr.replace("\r", "\n").splitlines()
             if line.startswith("[kommuner]")][-1]
    assert "svar" in final and "arkiverade" in final and "webbplatser 4/4" in final
    assert "fel" in final
