"""Fixtures for the history tests: a crawled fixture web, kept running, and its web archive."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest

from crawler.cli import fast_crawl_settings
from crawler.demo.server import FixtureWeb
from crawler.demo.wayback import WaybackFixture


@pytest.fixture(scope="session")
def crawled(tmp_path_factory):
    """The fixture web (running: captures use its URLs) and an archive of its version 1."""
    tmp = tmp_path_factory.mktemp("history")
    with FixtureWeb() as web:
        sites = web.write_sites_csv(tmp / "sites.csv")
        db = tmp / "crawled.db"
        result = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db), "--sites",
             str(sites), "--polisen-url", web.polisen_url, *fast_crawl_settings()],
            capture_output=True, text=True, timeout=240)
        assert result.returncode == 0, result.stderr[-3000:]
        shutil.rmtree(f"{db}.httpcache", ignore_errors=True)
        yield web, db


@pytest.fixture
def archive_db(crawled, tmp_path):
    """A private copy of the crawled archive."""
    _, source = crawled
    target = tmp_path / "archive.db"
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


@pytest.fixture
def wayback(crawled):
    """The fixture web archive, without throttling (tests that need a 429 ask for it)."""
    web, _ = crawled
    with WaybackFixture(web, throttle={}) as archive:
        yield archive
