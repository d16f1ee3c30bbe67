"""backfill over the loopback web archive: what it finds, stores, and how it resumes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from crawler.crawl import fast_crawl_settings
from crawler.demo.wayback import WaybackFixture
from crawler.derive.run import normalize_archive
from crawler.history.backfill import BackfillOptions, run_backfill
from crawler.history.report import history_reach
from crawler.store.archive import open_db
from tests.crawl_helpers import rows

pytestmark = pytest.mark.slow

SANDVIKEN_PAGE = "kommun-och-politik/trygghet-och-sakerhet/medborgarloften/"
OLD_POLISEN_SUNNE = "om-polisen/medborgarloften/varmland/sunne/"
NEW_POLISEN_SUNNE = "om-polisen/medborgarloften-och-lokal-samverkan/medborgarloften/varmland/sunne/"


def backfill(db, wayback, **options):
    return run_backfill(BackfillOptions(db=str(db), endpoint=wayback.endpoint, delay=0.0,
                                        **options))


def snapshot_rows(db) -> set[tuple]:
    return {(r["url"], r["fetched_at"], r["body_sha256"], r["source"], r["text_changed"])
            for r in rows(db, "select * from snapshots")}


def test_backfill_handles_every_capture_the_cdx_server_lists(archive_db, wayback):
    report = backfill(archive_db, wayback)
    handled = {(r["timestamp"], r["url"]) for r in rows(archive_db,
                                                        "select * from history_captures")}
    listed = {(c.timestamp, c.original) for c in wayback.listed("http://127.0.0.")}
    # Every listed capture is handled, the one reached only through another
    # capture's redirect included; only that one was not asked for by URL.
    assert handled == listed
    reached = rows(archive_db, "select url from history_captures where message like 'nådd via%'")
    assert [r["url"].split("/", 3)[3] for r in reached] == [
        "kommun-och-politik/trygghet/medborgarlofte-2018/"]
    assert report.listed == len(handled) - 1
    # The identical captures of 2015-10 and 2015-12 are one capture (collapse=digest);
    # the capture answering 404 in the CDX index is never asked for.
    assert not any(t.startswith("20151215") or t.startswith("20170101") for t, _ in handled)


def test_each_distinct_body_is_stored_once(archive_db, wayback):
    backfill(archive_db, wayback)
    assert rows(archive_db, "select count(*) as n from bodies")[0]["n"] == \
        rows(archive_db, "select count(distinct body_sha256) as n from snapshots")[0]["n"]
    assert rows(archive_db, "select url, fetched_at, body_sha256, count(*) from snapshots "
                            "group by 1, 2, 3 having count(*) > 1") == []
    old_sunne = rows(archive_db, "select * from snapshots where url like ?",
                     [f"%/{OLD_POLISEN_SUNNE}"])
    assert [(r["source"], r["fetched_at"][:10]) for r in old_sunne] == [("wayback", "2015-10-01")]


def test_captures_interleave_with_the_crawl_by_time(archive_db, wayback):
    db = open_db(archive_db)
    crawl_current = {r["url"]: r["current_snapshot_id"] for r in db.query("select * from pages")}
    db.close()
    backfill(archive_db, wayback)
    after = {r["url"]: r for r in rows(archive_db, "select * from pages")}
    for url, snapshot_id in crawl_current.items():
        assert after[url]["current_snapshot_id"] == snapshot_id   # an old capture is never current
    sunne = rows(archive_db, "select source, fetched_at, text_changed from snapshots "
                             "where url like ? order by fetched_at", [f"%/{NEW_POLISEN_SUNNE}"])
    # The 2016 capture has the text the crawl found: the crawl is no longer a text change.
    assert [(r["source"], r["text_changed"]) for r in sunne] == [("wayback", 1), ("crawl", 0)]
    sunne_url = next(u for u in after if u.endswith(NEW_POLISEN_SUNNE))
    assert after[sunne_url]["first_seen"].startswith("2016-06-01")


def test_boilerplate_only_capture_is_not_a_text_change(archive_db, wayback):
    backfill(archive_db, wayback)
    versions = rows(archive_db, "select fetched_at, text_changed, source from snapshots "
                                "where url like ? order by fetched_at", [f"%6:%/{SANDVIKEN_PAGE}"])
    assert [(v["fetched_at"][:4], v["text_changed"]) for v in versions][:3] == [
        ("2017", 1), ("2019", 1), ("2020", 0)]


def test_old_pdfs_old_paths_and_redirected_captures_are_discovered(archive_db, wayback):
    report = backfill(archive_db, wayback)
    new_pages = {r["url"].split("/", 3)[3]: r for r in rows(
        archive_db, "select * from pages where found_via = 'wayback'")}
    assert set(new_pages) == {OLD_POLISEN_SUNNE, "download/18.999/medborgarlofte-2017-sandviken.pdf",
                              "kommun-och-politik/trygghet/medborgarlofte-2018/"}
    assert new_pages["download/18.999/medborgarlofte-2017-sandviken.pdf"]["kind"] == "pdf"
    assert new_pages[OLD_POLISEN_SUNNE]["municipalities"] == '["1766"]'
    assert report.new_pages == 3
    failed = rows(archive_db, "select * from history_captures where outcome = 'failed'")
    assert len(failed) == 1 and "404" in failed[0]["message"]
    assert report.failed == 1


def test_charsets_and_gzip_are_decoded(archive_db, wayback):
    backfill(archive_db, wayback)
    texts = {r["fetched_at"][:4]: r for r in rows(
        archive_db, "select * from snapshots where source = 'wayback' and url like ?",
        ["%medborgarloften/"])}
    assert "trygghetsvandringar på Östermalm" in texts["2018"]["text"]   # iso-8859-1, gzip
    assert "förbättra belysningen i gångtunnlarna och parkerna" in texts["2019"]["text"]  # cp1252


def test_normalize_derives_older_periods_and_changes_between_them(archive_db, wayback):
    normalize_archive(str(archive_db))          # the crawl first, as in real use
    backfill(archive_db, wayback)
    normalize_archive(str(archive_db))
    periods = {r["period_label"] for r in rows(
        archive_db, "select period_label from documents where url like ?", [f"%6:%/{SANDVIKEN_PAGE}"])}
    assert {"2017", "2019–2020"} <= periods
    changed = rows(archive_db, "select detected_at, old_text, new_text from changes "
                               "where kind = 'period_changed' and url like ?",
                   [f"%6:%/{SANDVIKEN_PAGE}"])
    assert ("2019", "2017", "2019–2020") in {(c["detected_at"][:4], c["old_text"], c["new_text"])
                                             for c in changed}
    # The crawl of the Sunne page repeats the 2016 capture: its documents and its
    # 'page_new' moved to the capture.
    sunne = rows(archive_db, "select id, source from snapshots where url like ? "
                             "order by fetched_at", [f"%/{NEW_POLISEN_SUNNE}"])
    new_events = rows(archive_db, "select snapshot_id from changes where kind = 'page_new' "
                                  "and url like ?", [f"%/{NEW_POLISEN_SUNNE}"])
    assert [e["snapshot_id"] for e in new_events] == [sunne[0]["id"]]
    assert rows(archive_db, "select id from documents where snapshot_id = ?",
                [sunne[1]["id"]]) == []
    db = open_db(archive_db)
    reach = history_reach(db)
    db.close()
    assert reach["2181"].startswith("2017") and reach["1766"].startswith("2015")
    assert reach["1781"].startswith("2018")


def test_second_backfill_adds_nothing_and_fetches_no_capture(archive_db, wayback):
    backfill(archive_db, wayback)
    before = snapshot_rows(archive_db)
    wayback.requests.clear()
    report = backfill(archive_db, wayback)
    assert report.stored == 0 and report.already == report.listed > 0
    assert snapshot_rows(archive_db) == before
    assert not [path for path, _ in wayback.requests if path.startswith("/web/")]


def test_politeness_429_retry_after_and_user_agent(archive_db, crawled):
    web, _ = crawled
    with WaybackFixture(web, throttle={1: 1, 4: 1}) as archive:
        report = run_backfill(BackfillOptions(db=str(archive_db), endpoint=archive.endpoint,
                                              delay=0.05))
        statuses = [status for _, status in archive.requests]
        agents = archive.user_agents
    assert statuses.count(429) == 2
    assert report.politeness.throttled == 2 and report.politeness.waited >= 2.0
    assert report.politeness.requests == len(statuses)
    assert report.politeness.bytes > 0
    assert all(a.startswith("medborgarloften/") for a in agents)
    assert report.stored == 8


def test_municipality_option_limits_the_backfill(archive_db, wayback):
    report = backfill(archive_db, wayback, codes=["1781"])
    stored = rows(archive_db, "select url from snapshots where source = 'wayback'")
    assert len(stored) == 1 and "trygghet/medborgarloften/" in stored[0]["url"]
    assert [code for code, *_ in report.reach] == ["1781"]


def _run_cli(db, wayback, kill_at=None):
    env = dict(os.environ)
    env.pop("MEDBORGARLOFTEN_KILL_AT", None)
    if kill_at:
        env["MEDBORGARLOFTEN_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, "-m", "crawler.cli", "backfill", "--db", str(db),
                           "--cdx-endpoint", wayback.endpoint, "--delay", "0"],
                          capture_output=True, text=True, env=env, timeout=120)


def test_kill_mid_backfill_then_rerun_gives_the_same_archive(archive_db, wayback, tmp_path):
    reference = tmp_path / "reference.db"
    reference.write_bytes(archive_db.read_bytes())
    assert _run_cli(reference, wayback).returncode == 0
    killed = _run_cli(archive_db, wayback, kill_at="backfill:4")
    assert killed.returncode == -9
    partial = snapshot_rows(archive_db)
    assert len(partial) < len(snapshot_rows(reference))
    rerun = _run_cli(archive_db, wayback)
    assert rerun.returncode == 0, rerun.stderr
    assert "artighet:" in rerun.stderr
    assert snapshot_rows(archive_db) == snapshot_rows(reference)
    assert rows(archive_db, "pragma integrity_check")[0]["integrity_check"] == "ok"
    # no duplicates: as many rows as distinct versions, in pages and bodies too
    for table in ("snapshots", "pages", "bodies"):
        assert rows(archive_db, f"select count(*) as n from {table}") == \
            rows(reference, f"select count(*) as n from {table}")
    assert len(rows(archive_db, "select id from snapshots")) == len(snapshot_rows(archive_db))
    assert rows(archive_db, "select url, snapshot_count, current_snapshot_id is not null as c,"
                            " first_seen from pages order by url") == \
        rows(reference, "select url, snapshot_count, current_snapshot_id is not null as c,"
                        " first_seen from pages order by url")
    assert {r["capture_url"].split("/web/")[1] for r in rows(archive_db, "select * from history_captures")} \
        == {r["capture_url"].split("/web/")[1] for r in rows(reference, "select * from history_captures")}
    runs = rows(archive_db, "select status from crawl_runs where spider = 'backfill' order by id")
    assert [r["status"] for r in runs] == ["interrupted", "ok"]


def test_a_crawl_after_the_backfill_compares_with_the_newest_version(archive_db, wayback,
                                                                     crawled, tmp_path):
    web, _ = crawled
    backfill(archive_db, wayback)
    before = snapshot_rows(archive_db)
    with sqlite3.connect(archive_db) as conn:   # no conditional requests: full bodies compared
        conn.execute("update pages set etag = null, last_modified = null")
    sites = web.write_sites_csv(tmp_path / "sites.csv")
    result = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", "--db", str(archive_db), "--sites",
         str(sites), "--polisen-url", web.polisen_url, *fast_crawl_settings(),
         "-s", "HTTPCACHE_ENABLED=False"], capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    # Unchanged pages add nothing, although older captures were stored after the last crawl.
    assert snapshot_rows(archive_db) == before


def test_a_replay_still_throttled_after_the_retries_is_tried_again_next_run(archive_db,
                                                                            crawled):
    web, _ = crawled
    with WaybackFixture(web, throttle={}) as archive:
        archive.replay_answer = (429, {"Retry-After": "0"}, b"slow down (fixture)")
        first = run_backfill(BackfillOptions(db=str(archive_db), endpoint=archive.endpoint,
                                             delay=0.0))
        assert first.stored == 0 and first.failed == first.listed > 0
        assert rows(archive_db, "select * from history_captures") == []
        archive.replay_answer = None
        second = run_backfill(BackfillOptions(db=str(archive_db), endpoint=archive.endpoint,
                                              delay=0.0))
    assert second.stored == 8


def test_max_captures_per_url_keeps_the_first_and_the_last(archive_db, wayback):
    backfill(archive_db, wayback, max_per_url=2)
    years = [r["fetched_at"][:4] for r in rows(
        archive_db, "select fetched_at from snapshots where source = 'wayback' and url like ? "
                    "order by fetched_at", [f"%6:%/{SANDVIKEN_PAGE}"])]
    assert years == ["2017", "2020"]
