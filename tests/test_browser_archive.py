"""A real browser (headless Chromium) uses the served demo archive.

The archive is the one `medborgarloften demo` builds: the fixture web crawled
twice over loopback and normalized. The researcher starts on the front page,
uses its search form, opens a commitment, follows it to the archived version
it came from, opens the map and the change feed. Screenshots (prefix
``demo-``) go to test-output/browser/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from server_helpers import datasette_server

CHROMIUM = "/usr/bin/chromium"
OUT = Path(__file__).resolve().parents[1] / "test-output" / "browser"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")]


@pytest.fixture(scope="module")
def server(demo_archive):
    with datasette_server(demo_archive) as base:
        yield base


def test_researcher_searches_follows_a_commitment_to_its_snapshot_map_and_feed(server):
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("demo-*.png"):  # only ours: test_browser.py shares the folder
        old.unlink()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server + "/")
        assert "Medborgarlöften – arkiv" in page.content()
        page.fill("form[role=search] input[name=q]", "trygghetsvandring")
        page.keyboard.press("Enter")
        page.wait_for_selector(".sok-hits")
        page.screenshot(path=str(OUT / "demo-1-sok.png"), full_page=True)
        hits = page.inner_text(".sok-hits")
        assert "trygghetsvandringar" in hits.lower() and "Sandvikens kommun" in hits

        page.click(".sok-hits a[href^='/atagande/']")  # the commitment page (crawler.web.pages)
        page.wait_for_load_state()
        page.screenshot(path=str(OUT / "demo-2-atagande.png"), full_page=True)
        assert "trygghetsvandring" in page.inner_text("body").lower()

        page.click("a[href^='/-/snapshot/']")
        page.wait_for_load_state()
        page.screenshot(path=str(OUT / "demo-3-arkiverad-version.png"), full_page=True)
        body = page.inner_text("body")
        assert "Arkiverad version" in body and "Hämtad" in body

        page.goto(server + "/demo/karta")
        page.wait_for_selector(".leaflet-container", timeout=15000)
        page.screenshot(path=str(OUT / "demo-4-karta.png"))
        assert page.locator(".leaflet-container").count() == 1

        feed = page.goto(server + "/demo/andringsflode.atom")
        assert feed.status == 200
        assert "Åtagande omformulerat" in feed.text()
        page.goto(server + "/demo/senaste_andringar")
        page.screenshot(path=str(OUT / "demo-5-andringar.png"), full_page=True)
        assert "Sidan borttagen" in page.inner_text("body")
        browser.close()
    assert len(list(OUT.glob("demo-*.png"))) == 5
