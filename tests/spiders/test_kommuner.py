"""The municipal spider's parse paths on frozen responses: relevance, links, sitemaps, robots,
PDFs, soft 404, moved sites, known pages."""

from __future__ import annotations

from scrapy.http import Response, TextResponse, XmlResponse

from frozen import BROKEN_PDF, CODE, FILES, ROOT, SOFT_404, response, split

TRYGGHET = ROOT + "kommun-och-politik/trygghet-och-sakerhet/"
TITLE_ONLY = TRYGGHET + "tillsammans-for-ett-tryggare-hylte/"


def test_start_page_asks_the_site_search_and_follows_relevant_menu_links(kommuner):
    requests, items, errors = split(kommuner.parse_page(response(
        ROOT, "kommun_start.html", found_via="start")))
    urls = {r.url for r in requests}
    assert ROOT + "sok?q=medborgarl%C3%B6fte" in urls
    assert ROOT + "kommun-och-politik/" in urls
    assert ROOT + "bygga-och-bo/" not in urls           # scores nothing: not followed
    assert items == [] and errors == []                  # the home page is not a promise


def test_links_carry_their_text_and_context_and_the_best_go_first(kommuner):
    requests, items, _ = split(kommuner.parse_page(response(
        TRYGGHET, "kommun_trygghet.html", site_depth=2)))
    by_url = {r.url: r for r in requests}
    promise = by_url[TITLE_ONLY]
    assert promise.meta["link_text"] == "Tillsammans för ett tryggare Hylte"
    assert promise.meta["site_depth"] == 3 and promise.meta["found_via"] == "link"
    others = [r.priority for r in requests if "medborgarlofte" not in r.url and r is not promise]
    assert others and promise.priority > max(others)
    assert items == []   # a list of links to promises is not a promise page


def test_robots_disallowed_link_is_requested_but_the_budget_and_depth_hold(kommuner):
    kommuner._max_pages_arg = 3
    requests, _, _ = split(kommuner.parse_page(response(
        TRYGGHET, "kommun_trygghet.html", site_depth=2)))
    assert len(requests) <= 3
    deep, _, _ = split(kommuner.parse_page(response(
        TRYGGHET + "x/", "kommun_trygghet.html", site_depth=5)))
    assert deep == []   # links from depth 5 would be depth 6


def test_page_named_only_in_its_title_is_archived_with_reasons(kommuner):
    _, [item], _ = split(kommuner.parse_page(response(TITLE_ONLY, "lofte_bara_titel.html")))
    assert item.relevant and item.relevance_score >= 8
    assert "titel: medborgarloft" in item.relevance_reasons
    assert item.site == CODE and item.municipalities == [CODE]


def test_page_named_only_by_the_link_that_led_there_is_archived(kommuner):
    _, [item], _ = split(kommuner.parse_page(response(
        ROOT + "sida/4455/", "lofte_bara_lanktext.html", link_text="Medborgarlöfte 2025")))
    assert "länktext: medborgarloft" in item.relevance_reasons
    _, none, _ = split(kommuner.parse_page(response(
        ROOT + "sida/4455/", "lofte_bara_lanktext.html", link_text="Läs mer")))
    assert none == []


def test_survey_and_method_pages_are_not_archived_and_become_candidates(kommuner):
    for name, path in (("lockbete_enkat.html", "nyheter/enkat-om-trygghet/"),
                       ("lockbete_metod.html", "trygghet/polisens-arbetsmetod/")):
        _, items, _ = split(kommuner.parse_page(response(ROOT + path, name)))
        assert items == [], name
    score, url, reasons = kommuner.best[CODE]
    assert url.startswith(ROOT) and any(r.startswith("lockbete") for r in reasons)


def test_utf8_page_declaring_windows_1252_is_found_by_its_address_and_link(kommuner):
    page = response(TRYGGHET + "medborgarloften/", "utf8_deklarerad_cp1252.html",
                    content_type="text/html", link_text="Medborgarlöften")
    _, [item], _ = split(kommuner.parse_page(page))
    assert "adress: medborgarloft" in item.relevance_reasons
    assert "länktext: medborgarloft" in item.relevance_reasons


def test_pdf_named_only_in_its_metadata_is_archived_and_not_parsed_for_links(kommuner):
    page = response(ROOT + "download/18.77/dokument-4711.pdf", "lofte_pdf_metadata.pdf",
                    content_type="application/pdf", cls=Response, link_text="Läs dokumentet")
    requests, [item], _ = split(kommuner.parse_page(page))
    assert requests == []
    assert "pdf-metadata: medborgarloft" in item.relevance_reasons


def test_unreadable_pdf_goes_to_the_pipeline_to_be_recorded(kommuner):
    page = response(ROOT + "trasig.pdf", BROKEN_PDF, content_type="application/pdf",
                    cls=Response)
    _, [item], _ = split(kommuner.parse_page(page))
    assert item.relevance_reasons[0].startswith("pdf oläslig")


def test_soft_404_and_gone_pages_go_to_the_pipeline_unjudged(kommuner):
    for status, name in ((200, SOFT_404), (404, SOFT_404), (304, None)):
        requests, [item], _ = split(kommuner.parse_page(response(
            ROOT + "borta/", name, status=status, body=b"" if name is None else None)))
        assert requests == [] and item.status == status and item.relevance_score is None


def test_known_page_is_passed_on_even_when_it_is_no_longer_a_promise(kommuner):
    _, [item], _ = split(kommuner.parse_page(response(
        ROOT + "nyheter/enkat-om-trygghet/", "lockbete_enkat.html", found_via="known")))
    assert item.found_via == "known" and not item.relevant


def test_redirect_off_site_is_an_offsite_error_but_a_moved_home_page_is_followed(kommuner):
    elsewhere = response("https://annan.invalid/x/", "kommun_start.html",
                         redirect_urls=[ROOT + "x/"])
    _, items, [error] = split(kommuner.parse_page(elsewhere))
    assert error.kind == "offsite" and items == []
    moved = response("https://ny.kommun2.invalid/", "kommun_start.html", found_via="start",
                     redirect_urls=[ROOT])
    requests, _, errors = split(kommuner.parse_page(moved))
    assert errors == [] and kommuner.moves[CODE] == "https://ny.kommun2.invalid/"
    assert any(r.url.startswith("https://ny.kommun2.invalid/") for r in requests)


def test_robots_sitemap_lines_become_sitemap_requests_with_an_errback(kommuner):
    robots = response(ROOT + "robots.txt", "robots.txt", content_type="text/plain",
                      cls=TextResponse, found_via="robots")
    requests, _, _ = split(kommuner.parse_robots(robots))
    assert [r.url for r in requests] == [ROOT + "sitemap_index.xml.gz",
                                         ROOT + "karta/webbkarta.xml"]
    assert all(r.errback == kommuner.on_sitemap_error and r.meta["sitemap_declared"]
               for r in requests)


def test_robots_without_sitemap_lines_guesses_sitemap_xml(kommuner):
    robots = response(ROOT + "robots.txt", body=b"User-agent: *\nDisallow:\n",
                      content_type="text/plain", cls=TextResponse)
    [request], _, _ = split(kommuner.parse_robots(robots))
    assert request.url == ROOT + "sitemap.xml" and not request.meta["sitemap_declared"]


def test_gzipped_sitemap_index_leads_to_gzipped_sitemaps_and_the_promise(kommuner):
    index = response(ROOT + "sitemap_index.xml.gz", "sitemap_index.xml.gz",
                     content_type="application/x-gzip", cls=Response, found_via="sitemap")
    requests, _, errors = split(kommuner.parse_sitemap(index))
    assert errors == []
    # lastmod orders the index: the news sitemap (2025-11-01) comes first.
    assert [r.url for r in requests] == [ROOT + "sitemap-nyheter.xml.gz",
                                         ROOT + "sitemap-sidor.xml.gz"]
    news = response(ROOT + "sitemap-nyheter.xml.gz", "sitemap-nyheter.xml.gz",
                    content_type="application/x-gzip", cls=Response)
    [page], _, _ = split(kommuner.parse_sitemap(news))
    assert page.url == ROOT + "nyheter/2025/medborgarlofte-undertecknat/"
    assert page.callback == kommuner.parse_page


def test_sitemap_follows_relevant_paths_newest_first(kommuner):
    sitemap = response(ROOT + "sitemap.xml", "sitemap.xml", content_type="application/xml",
                       cls=XmlResponse)
    requests, _, _ = split(kommuner.parse_sitemap(sitemap))
    urls = [r.url for r in sorted(requests, key=lambda r: -r.priority)]
    assert urls[0] == ROOT + "nyheter/2025/nytt-avtal-med-polisen-for-tryggheten/"
    assert ROOT + "bygga-och-bo/bygglov/" not in urls


def test_unreadable_or_failing_sitemap_is_a_fetch_error(kommuner):
    html = response(ROOT + "karta/webbkarta.xml", "inte_en_sitemap.xml",
                    content_type="text/html", sitemap_declared=True)
    _, _, [error] = split(kommuner.parse_sitemap(html))
    assert error.kind == "decode" and "sitemap" in error.message
    broken = response(ROOT + "sitemap.xml.gz", body=b"\x1f\x8b\x08\x00" + b"trasig" * 5,
                      content_type="application/x-gzip", cls=Response, sitemap_declared=True)
    _, _, [error] = split(kommuner.parse_sitemap(broken))
    assert error.site == CODE
    missing = response(ROOT + "sitemap.xml", status=404, body=b"", sitemap_declared=True)
    _, _, [error] = split(kommuner.parse_sitemap(missing))
    assert error.kind == "http_4xx" and error.http_status == 404
    guessed = response(ROOT + "sitemap.xml", status=404, body=b"", sitemap_declared=False)
    assert split(kommuner.parse_sitemap(guessed)) == ([], [], [])


def test_files_under_tests_files_are_fixtures():
    for path in FILES.glob("*.html"):
        assert b"FIXTURE" in path.read_bytes(), path


def test_utf8_page_declaring_windows_1252_keeps_its_title_for_relevance(kommuner):
    page = response(TRYGGHET + "medborgarloften/", "utf8_deklarerad_cp1252.html",
                    content_type="text/html")
    _, [item], _ = split(kommuner.parse_page(page))
    assert "titel: medborgarloft" in item.relevance_reasons
    assert "Medborgarlöfte för Mölndal och Åre" in item.text
