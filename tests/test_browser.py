"""A real browser (headless Debian Chromium) uses the served fixture archive.

The archive is served exactly as `medborgarloften serve` does (a `datasette`
subprocess on 127.0.0.1, read-only, our metadata and plugins). A researcher
searches "trygghetsvandring", opens a commitment, follows it to its archived
version, opens the map and the change feed. Screenshots go to
test-output/browser/. Also checks that no archived script runs in the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from serve_fixtures import build_serve_archive
from server_helpers import datasette_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
OUT = Path(__file__).resolve().parents[1] / "test-output" / "browser"
PREFIX = "arkiv-"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    archive = build_serve_archive(tmp_path_factory.mktemp("browser") / "archive.db")
    with datasette_server(archive) as base:
        yield base


def test_search_commitment_snapshot_map_and_feed(server):
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob(f"{PREFIX}*.png"):  # only ours: other browser tests share the folder
        old.unlink()
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15000)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        # The site's CSP forbids inline script: no page of ours may need one.
        # (The archived page's own <img src=x> is blocked by its sandbox CSP: "img-src data:".)
        blocked: list[str] = []
        page.on("console", lambda m: blocked.append(m.text)
                if "Content Security Policy" in m.text and '"img-src data:"' not in m.text
                else None)
        # Nothing may leave the loopback interface.
        page.route("**/*", lambda route: route.continue_()
                   if route.request.url.startswith(server) else route.abort())

        page.goto(server + "/")
        assert "Medborgarlöften – arkiv" in page.inner_text("body")
        page.screenshot(path=str(OUT / f"{PREFIX}0-start.png"), full_page=True)

        page.goto(server + "/archive/sok")
        page.fill("input[name=q]", "trygghetsvandring")
        page.keyboard.press("Enter")
        page.wait_for_selector("table.rows-and-columns")
        page.screenshot(path=str(OUT / f"{PREFIX}1-sok.png"), full_page=True)
        table = page.inner_text("table.rows-and-columns")
        assert "trygghetsvandringar" in table.lower() and "Sandvikens kommun" in table
        assert "Gävleborgs län" in table and "Mitt" in table

        page.click("table.rows-and-columns tbody tr:first-child a[href^='/atagande/']")
        page.wait_for_load_state()
        page.screenshot(path=str(OUT / f"{PREFIX}2-atagande.png"), full_page=True)
        assert "trygghetsvandring" in page.inner_text("body").lower()

        page.click("a[href^='/-/snapshot/']")
        page.wait_for_load_state()
        page.screenshot(path=str(OUT / f"{PREFIX}3-arkiverad-version.png"), full_page=True)
        body = page.inner_text("body")
        assert "trygghetsvandringar" in body.lower()

        # The archived XSS page: shown as text, its script never runs.
        page.goto(server + "/-/snapshot/3")
        page.screenshot(path=str(OUT / f"{PREFIX}4-xss-version.png"), full_page=True)
        assert "<script>alert(1)</script>" in page.inner_text("body")
        page.goto(server + "/archive/commitments/7")
        assert "<script>alert(1)</script>" in page.inner_text("body")

        page.goto(server + "/archive/karta")
        page.wait_for_selector(".leaflet-container")
        page.wait_for_timeout(500)
        page.screenshot(path=str(OUT / f"{PREFIX}5-karta.png"))
        assert page.locator(".leaflet-container").count() == 1

        feed = page.goto(server + "/archive/andringsflode.atom")
        assert feed.status == 200
        text = feed.text()
        assert "<feed" in text and "Åtagande omformulerat" in text
        page.goto(server + "/archive/senaste_andringar")
        page.screenshot(path=str(OUT / f"{PREFIX}6-andringar.png"), full_page=True)
        assert "Åtagande omformulerat" in page.inner_text("body")

        # The search page with facets, and narrowing by one of them.
        page.goto(server + "/-/sok?q=trygghetsvandring")
        assert "Sandvikens kommun" in page.inner_text(".sok-hits")
        page.click(".sok-facets a:has-text('Gävleborgs län')")
        page.wait_for_load_state()
        assert "Län: Gävleborgs län" in page.inner_text("body")
        assert "Kristinehamns kommun" not in page.inner_text(".sok-hits")
        page.screenshot(path=str(OUT / f"{PREFIX}8-sokfilter.png"), full_page=True)

        # The archived page as it looked, in a sandboxed iframe: its script never runs.
        page.goto(server + "/-/snapshot/3")
        frame = page.frame_locator("iframe.arkiv-html")
        frame.locator("body").wait_for()
        assert page.locator("iframe.arkiv-html").get_attribute("sandbox") == ""

        # The coloured map: one dot per municipality.
        page.goto(server + "/-/karta")
        page.wait_for_selector("path.kommun-gallande")
        assert page.locator("path.kommun-gallande, path.kommun-utan").count() == 290
        page.screenshot(path=str(OUT / f"{PREFIX}9-fargkarta.png"))

        page.goto(server + "/-/diagram/teman")
        page.screenshot(path=str(OUT / f"{PREFIX}7-teman.png"), full_page=True)
        assert page.locator("svg").count() >= 1
        browser.close()
    assert dialogs == []  # no alert() ever ran
    assert blocked == []
    assert len(list(OUT.glob(f"{PREFIX}*.png"))) == 10
