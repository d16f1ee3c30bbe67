"""Helpers for frozen-response tests: saved files (tests/files/spiders/) as Scrapy responses."""

from __future__ import annotations

from pathlib import Path

from scrapy.http import HtmlResponse, Request, Response

import crawler.settings as project_settings
from crawler.items import FetchErrorItem, PageItem

FILES = Path(__file__).resolve().parents[1] / "files" / "spiders"
# Pages of the fixture web are read where they live ("demo/…"), not copied.
DEMO = Path(__file__).resolve().parents[2] / "crawler" / "demo" / "web"
POLISEN_SECTION = "demo/polisen/v1/om-polisen/medborgarloften-och-lokal-samverkan/medborgarloften/"
SOFT_404 = "demo/faults/v1/mjuk-404/index.html"
BROKEN_PDF = "demo/faults/v1/trasig.pdf"
COUNTY = POLISEN_SECTION + "varmland/index.html"
SUNNE = POLISEN_SECTION + "varmland/sunne/index.html"
ROOT = "https://www.kommun.invalid/"
POLISEN = "https://polisen.invalid/"
CODE = "1315"


def settings(archive: Path) -> dict:
    values = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    values["ARCHIVE_PATH"] = str(archive)
    return values


def response(url: str, name: str | None = None, *, body: bytes | None = None,
             content_type: str = "text/html; charset=utf-8", status: int = 200,
             cls=HtmlResponse, **meta) -> Response:
    """A response as Scrapy hands it to a callback: with its Request and meta."""
    if body is None:
        body = frozen_file(name).read_bytes() if name else b""
    request = Request(url, meta={"site_code": CODE, "site_depth": 0, "found_via": "link", **meta})
    return cls(url=url, body=body, status=status, request=request,
               headers={"Content-Type": content_type})


def frozen_file(name: str) -> Path:
    return DEMO / name.removeprefix("demo/") if name.startswith("demo/") else FILES / name


def split(output) -> tuple[list[Request], list[PageItem], list[FetchErrorItem]]:
    out = list(output or [])
    return ([o for o in out if isinstance(o, Request)], [o for o in out if isinstance(o, PageItem)],
            [o for o in out if isinstance(o, FetchErrorItem)])
