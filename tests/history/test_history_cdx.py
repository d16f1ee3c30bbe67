"""The CDX client against the loopback web archive: parameters, paging, replay forms."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.demo.server import FixtureWeb
from crawler.demo.wayback import WaybackFixture
from crawler.history.cdx import (CdxCapture, list_captures, parse_replay_url, spread,
                                 timestamp_iso, view_url)
from crawler.history.polite import PoliteClient
from crawler.history.targets import SiteMap
from crawler.store.archive import open_db


@pytest.fixture(scope="module")
def archive():
    with FixtureWeb() as web, WaybackFixture(web, throttle={}) as wayback:
        yield wayback


def client(delay=0.0):
    return PoliteClient("medborgarloften-test", delay, max_wait=5, retries=2, timeout=5)


def test_paging_with_resume_keys_returns_every_capture_once(archive):
    archive.requests.clear()
    root = archive.web.url("sandviken")
    paged = list(list_captures(client(), archive.endpoint, root, page_size=1))
    whole = list(list_captures(client(), archive.endpoint, root, page_size=100))
    assert [c.timestamp for c in paged] == [c.timestamp for c in whole]
    assert {(c.timestamp, c.original) for c in whole} == {
        (c.timestamp, c.original) for c in archive.listed(root)}
    queries = [parse_qs(urlsplit(path).query) for path, _ in archive.requests]
    assert len(whole) == 4
    assert sum("resumeKey" in q for q in queries) == 3          # one capture per page
    first = queries[0]
    assert first["output"] == ["json"] and first["matchType"] == ["prefix"]
    assert first["collapse"] == ["digest"] and first["filter"] == ["statuscode:200"]
    assert first["showResumeKey"] == ["true"]


def test_from_to_and_collapse(archive):
    polisen = archive.web.polisen_url
    found = list(list_captures(client(), archive.endpoint, polisen, since="2015", until="2015"))
    assert [c.timestamp for c in found] == ["20151001120000"]   # 2015-12 repeats its digest
    assert list(list_captures(client(), archive.endpoint, polisen, since="2030")) == []


def test_exact_match_lists_only_that_url(archive):
    pdf = archive.web.url("sandviken") + "download/18.999/medborgarlofte-2017-sandviken.pdf"
    found = list(list_captures(client(), archive.endpoint, pdf, match_type="exact"))
    assert [(c.original, c.mimetype) for c in found] == [(pdf, "application/pdf")]


def test_429_is_retried_after_retry_after(archive):
    archive.throttle = {len(archive.requests) + 1: 1}
    polite = client()
    found = list(list_captures(polite, archive.endpoint, archive.web.url("kristinehamn")))
    archive.throttle = {}
    assert len(found) == 1
    assert polite.stats.throttled == 1 and polite.stats.waited >= 1.0 and polite.stats.requests == 2


def test_delay_between_requests_to_one_host_is_kept(archive):
    polite = client(delay=0.2)
    for _ in range(3):
        polite.get(archive.endpoint + "?url=none&output=json")
    assert polite.stats.waited >= 0.35


def test_replay_and_timestamp_forms():
    url = "https://web.archive.org/web/20170301100000id_/https://www.sandviken.se/a/?x=1"
    assert parse_replay_url(url) == ("20170301100000", "https://www.sandviken.se/a/?x=1")
    assert view_url(url) == "https://web.archive.org/web/20170301100000/https://www.sandviken.se/a/?x=1"
    assert timestamp_iso("2017030110") == "2017-03-01T10:00:00+00:00"
    captures = [CdxCapture(f"20{y}0101000000", "u") for y in range(10, 20)]
    assert [c.timestamp[:4] for c in spread(captures, 3)] == ["2010", "2014", "2019"]
    assert spread(captures, None) == captures


def test_archives_from_before_backfill_get_source_crawl(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("create table snapshots (id integer primary key, url text, fetched_at text)")
    conn.execute("insert into snapshots (url, fetched_at) values ('https://x.se/', '2024-01-01')")
    conn.commit()
    conn.close()
    db = open_db(path)
    assert [tuple(r.values()) for r in db.query("select source, capture_url from snapshots")] \
        == [("crawl", None)]
    db["snapshots"].insert({"url": "https://x.se/", "fetched_at": "2025-01-01"})
    assert db.execute("select source from snapshots where id = 2").fetchone()[0] == "crawl"


def test_backfill_exits_non_zero_when_the_cdx_server_fails(archive, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "backfill", "--db", str(tmp_path / "a.db"),
         "--cdx-endpoint", archive.origin + "/no-cdx-here", "--delay", "0"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "2 CDX-frågor misslyckades" in result.stderr      # both polisen.se section roots
    errors = sqlite3.connect(tmp_path / "a.db").execute(
        "select count(*) from fetch_errors where message like 'CDX:%'").fetchone()[0]
    assert errors == 2


def test_a_capture_of_a_url_variant_is_a_version_of_the_archived_page(tmp_path):
    db = open_db(tmp_path / "a.db")
    db["pages"].insert({"url": "https://polisen.se/om-polisen/medborgarloften/varmland/sunne/",
                        "site": "polisen", "first_seen": "2025-01-01"})
    sites = SiteMap(db)
    for variant in ("http://www.polisen.se:80/om-polisen/medborgarloften/varmland/sunne/",
                    "http://polisen.se/om-polisen/medborgarloften/varmland/sunne/",
                    "https://www.polisen.se/om-polisen/medborgarloften/varmland/sunne/"):
        assert sites.archived_url(variant) == \
            "https://polisen.se/om-polisen/medborgarloften/varmland/sunne/"
        assert sites.site_for(variant) == "polisen"
    old = "http://www.polisen.se:80/om-polisen/medborgarloften/dalarna/falun/"
    assert sites.archived_url(old) == old          # a page the archive did not know
    assert sites.municipalities_for(old, "polisen") == ["2080"]
    assert sites.site_for("https://www.sandviken.se/x.pdf") == "2181"   # from the registry
    assert sites.site_for("https://example.org/") is None
