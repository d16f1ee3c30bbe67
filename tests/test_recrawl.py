"""The scheduled re-crawl: kills at chosen points, locking, reading while writing."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import pytest
from datasette.app import Datasette

from crawler.crawl import fast_crawl_settings
from crawler.demo.server import FixtureWeb
from tests.crawl_helpers import rows

pytestmark = pytest.mark.slow


def recrawl(db, web, sites, kill_at=None, extra=()):
    env = dict(os.environ)
    env.pop("MEDBORGARLOFTEN_KILL_AT", None)
    if kill_at:
        env["MEDBORGARLOFTEN_KILL_AT"] = kill_at
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "recrawl", "--db", str(db), "--sites", str(sites),
         "--polisen-url", web.polisen_url, *fast_crawl_settings(), *extra],
        capture_output=True, text=True, env=env, timeout=240)


def assert_consistent(db):
    assert rows(db, "pragma integrity_check")[0]["integrity_check"] == "ok"
    assert rows(db, "pragma foreign_key_check") == []
    # No version stored twice in a row for one URL.
    assert rows(db, """select a.id from snapshots a join snapshots b
                       on a.url = b.url and b.id = (select min(id) from snapshots
                                                    where url = a.url and id > a.id)
                       where a.body_sha256 = b.body_sha256""") == []
    assert rows(db, """select url, snapshot_id, kind, old_text, new_text, count(*) as n
                       from changes group by 1, 2, 3, 4, 5 having n > 1""") == []


@pytest.fixture
def web_and_sites(tmp_path):
    with FixtureWeb() as web:
        yield web, web.write_sites_csv(tmp_path / "sites.csv")


@pytest.mark.parametrize("kill_at", ["fetch:3", "normalize:2", "changes:2"])
def test_killed_recrawl_leaves_archive_consistent_and_next_run_completes(
        tmp_path, web_and_sites, kill_at):
    web, sites = web_and_sites
    db = tmp_path / "archive.db"
    if kill_at.startswith("changes"):
        assert recrawl(db, web, sites).returncode == 0  # so v2 produces change events
        web.set_version(2)
    killed = recrawl(db, web, sites, kill_at=kill_at)
    assert killed.returncode != 0
    assert_consistent(db)
    done = recrawl(db, web, sites)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    assert "Omgenomsökning" in done.stdout
    assert_consistent(db)
    assert rows(db, "select count(*) as n from normalized_snapshots")[0]["n"] == rows(
        db, "select count(*) as n from snapshots where text_changed = 1 and status = 200")[0]["n"]
    statuses = [r["status"] for r in rows(db, "select status from crawl_runs "
                                              "where spider = 'recrawl' order by id")]
    assert statuses[-1] in ("ok", "unhealthy") and statuses[-2] in ("interrupted", "unhealthy")


def test_unchanged_recrawl_is_healthy_and_adds_nothing(tmp_path, web_and_sites):
    web, sites = web_and_sites
    db = tmp_path / "archive.db"
    first = recrawl(db, web, sites)
    assert first.returncode == 0, first.stdout + first.stderr[-2000:]
    before = rows(db, "select count(*) as n from snapshots")[0]["n"]
    again = recrawl(db, web, sites)
    assert again.returncode == 0, again.stdout
    assert rows(db, "select count(*) as n from snapshots")[0]["n"] == before
    assert "Larm: inga" in again.stdout


def test_version2_recrawl_reports_changes_and_alerts(tmp_path, web_and_sites):
    web, sites = web_and_sites
    db = tmp_path / "archive.db"
    recrawl(db, web, sites)
    web.set_version(2)
    result = recrawl(db, web, sites)
    kinds = {r["kind"] for r in rows(db, "select kind from changes")}
    assert {"page_gone", "commitment_reworded"} & kinds
    assert "page_gone" in {r["kind"] for r in rows(db, "select kind from alerts")}
    assert "Ändringar:" in result.stdout


def test_second_recrawl_on_a_locked_archive_exits_3(tmp_path, web_and_sites):
    from crawler.ops.recrawl import archive_lock
    web, sites = web_and_sites
    db = tmp_path / "archive.db"
    with archive_lock(str(db)):
        assert recrawl(db, web, sites).returncode == 3


def test_datasette_reads_while_a_crawl_writes(tmp_path, web_and_sites):
    web, sites = web_and_sites
    db = tmp_path / "archive.db"
    recrawl(db, web, sites)  # create the archive
    web.set_version(2)
    crawl = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db), "--sites", str(sites),
         "--polisen-url", web.polisen_url, *fast_crawl_settings(), "-s", "DOWNLOAD_DELAY=0.05"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ds = Datasette([str(db)])

    async def read_until_done():
        statuses, counts = [], []
        while crawl.poll() is None:
            response = await ds.client.get("/archive/snapshots.json?_size=1&_shape=objects")
            statuses.append(response.status_code)
            counts.append(response.json().get("filtered_table_rows_count"))
            await asyncio.sleep(0.01)
        return statuses, counts

    statuses, counts = asyncio.run(read_until_done())
    assert crawl.wait() == 0
    assert statuses and set(statuses) == {200}
    assert counts == sorted(counts)  # never a torn or rolled-back view
