"""Two writers and a reader at once lose nothing (issue 16, item 1).

A crawl of the fixture web runs while `normalize --all` loops over the same
archive and Datasette answers queries from it. Afterwards the archive holds
every page a quiet crawl of the same web archives, no item failed to be
stored, every command exited 0, and `check` (integrity, foreign keys,
orphans, body hashes) finds nothing. Three repetitions, each bounded.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time

import pytest
from datasette.app import Datasette

from crawler.demo.server import FixtureWeb
from crawler.store.check import check_archive
from tests.crawl_helpers import rows, run_crawl
from crawler.crawl import fast_crawl_settings

pytestmark = pytest.mark.slow

REPETITIONS = 3
CRAWL_TIMEOUT = 300   # seconds, per repetition


@pytest.fixture(scope="module")
def web_and_baseline(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("baseline")
    with FixtureWeb() as web:
        sites = web.write_sites_csv(tmp / "sites.csv")
        quiet = run_crawl(tmp / "quiet.db", web, sites)
        assert quiet.returncode == 0, quiet.stderr[-3000:]
        archived = {r["url"] for r in rows(tmp / "quiet.db", "select url from snapshots")}
        assert len(archived) >= 10
        yield web, sites, archived


def normalize_loop(db, crawl: subprocess.Popen, codes: list[int]) -> None:
    """`normalize --all` again and again until the crawl ends (and once after)."""
    while not db.exists() and crawl.poll() is None:
        time.sleep(0.05)
    while True:
        finished = crawl.poll() is not None
        result = subprocess.run([sys.executable, "-m", "crawler.cli", "normalize", "--db",
                                 str(db), "--all"], capture_output=True, text=True, timeout=120)
        codes.append(result.returncode)
        if result.returncode != 0:
            print(result.stderr[-2000:], file=sys.stderr)
        if finished:
            return


async def read_until(crawl: subprocess.Popen, db) -> list[int]:
    while not db.exists() and crawl.poll() is None:
        await asyncio.sleep(0.05)
    datasette = Datasette([str(db)])
    statuses = []
    while crawl.poll() is None:
        for path in ("/archive/snapshots.json?_size=5", "/archive/pages.json?_size=5"):
            statuses.append((await datasette.client.get(path)).status_code)
        await asyncio.sleep(0.02)
    return statuses


@pytest.mark.parametrize("repetition", range(REPETITIONS))
def test_crawl_beside_normalize_and_a_reader_loses_nothing(tmp_path, web_and_baseline,
                                                           repetition):
    web, sites, archived = web_and_baseline
    db = tmp_path / "archive.db"
    crawl = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db), "--sites", str(sites),
         "--polisen-url", web.polisen_url, *fast_crawl_settings()],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    normalize_codes: list[int] = []
    normalizer = threading.Thread(target=normalize_loop, args=(db, crawl, normalize_codes))
    normalizer.start()
    try:
        statuses = asyncio.run(asyncio.wait_for(read_until(crawl, db), CRAWL_TIMEOUT))
        _, stderr = crawl.communicate(timeout=60)
    finally:
        if crawl.poll() is None:
            crawl.kill()
        normalizer.join(timeout=240)
    assert crawl.returncode == 0, stderr[-3000:]
    assert normalize_codes and set(normalize_codes) == {0}, normalize_codes
    assert statuses and set(statuses) == {200}
    stored = {r["url"] for r in rows(db, "select url from snapshots")}
    assert stored == archived, sorted(archived - stored)
    assert rows(db, "select * from fetch_errors where kind = 'store'") == []
    assert check_archive(db) == []


def test_recrawl_beside_a_crawl_both_finish(tmp_path, web_and_baseline):
    """A recrawl started beside a plain crawl of the same archive used to die
    with a traceback, its run left 'running' and normalize half done; and,
    both creating the new archive, one found it still empty and exited 4
    (tests/test_archive_creation.py)."""
    web, sites, archived = web_and_baseline
    db = tmp_path / "archive.db"
    args = ["--sites", str(sites), "--polisen-url", web.polisen_url, *fast_crawl_settings()]
    crawl = subprocess.Popen([sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db),
                              *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    recrawl = subprocess.Popen([sys.executable, "-m", "crawler.cli", "recrawl", "--db", str(db),
                                *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, crawl_err = crawl.communicate(timeout=CRAWL_TIMEOUT)
    _, recrawl_err = recrawl.communicate(timeout=CRAWL_TIMEOUT)
    assert crawl.returncode == 0, crawl_err[-3000:]
    assert recrawl.returncode in (0, 1), recrawl_err[-3000:]   # 1: an alert, not a crash
    assert "Traceback" not in crawl_err + recrawl_err
    runs = rows(db, "select spider, status from crawl_runs order by id")
    assert [r for r in runs if r["status"] in ("running", "failed", "store_failed")] == []
    assert {r["url"] for r in rows(db, "select url from snapshots")} >= archived
    assert rows(db, "select count(*) as n from normalized_snapshots")[0]["n"] > 0
    assert check_archive(db) == []
