"""Frozen responses for the spiders: saved files (tests/files/spiders/) fed to parse methods.

Real Scrapy objects throughout: a Crawler with the project's settings, the
spiders made by ``from_crawler``, ``scrapy.http`` responses carrying their
Request, and the real archive pipeline writing a temporary archive.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from frozen import CODE, POLISEN, ROOT, settings
from spiders.kommuner import KommunerSpider
from spiders.polisen import PolisenSpider


@pytest.fixture
def archive_path(tmp_path) -> Path:
    return tmp_path / "archive.db"


@pytest.fixture
def kommuner(tmp_path, archive_path) -> KommunerSpider:
    sites = tmp_path / "sites.csv"
    sites.write_text(f"code,name,url\n{CODE},Hylte kommun,{ROOT}\n", "utf-8")
    crawler = get_crawler(KommunerSpider, settings(archive_path))
    return KommunerSpider.from_crawler(crawler, sites=str(sites))


@pytest.fixture
def polisen(archive_path) -> PolisenSpider:
    crawler = get_crawler(PolisenSpider, settings(archive_path))
    return PolisenSpider.from_crawler(crawler, base_url=POLISEN)


