"""The polisen.se spider on frozen responses: section pages, municipality tags, PDFs."""

from __future__ import annotations

from scrapy.http import Response

from frozen import COUNTY, POLISEN, SUNNE, response, split

SECTION = POLISEN + "om-polisen/medborgarloften-och-lokal-samverkan/medborgarloften/"


def test_county_page_follows_section_links_only(polisen):
    requests, items, _ = split(polisen.parse(response(SECTION + "varmland/", COUNTY)))
    urls = {r.url for r in requests}
    assert urls == {SECTION + "varmland/sunne/", SECTION + "varmland/kristinehamn/"}
    assert all(r.meta["site_code"] == "polisen" for r in requests)
    [item] = items   # a section page: archived, tagged with no code, but not a promise itself
    assert item.municipalities == [] and not item.relevant
    assert "hänvisning: nämner löftet men har inga åtaganden" in item.relevance_reasons


def test_municipality_page_is_archived_with_its_code_and_reasons(polisen):
    _, [item], _ = split(polisen.parse(response(SECTION + "varmland/sunne/",
                                                SUNNE)))
    assert item.site == "polisen" and item.municipalities == ["1766"]
    assert item.relevant and "titel: medborgarloft" in item.relevance_reasons


def test_pages_outside_the_section_are_not_archived(polisen):
    _, items, _ = split(polisen.parse(response(POLISEN + "om-polisen/", SUNNE)))
    assert items == []


def test_pdf_and_gone_pages_go_to_the_pipeline(polisen):
    pdf = response(SECTION + "varmland/sunne/lofte.pdf", "lofte_pdf_metadata.pdf",
                   content_type="application/pdf", cls=Response)
    requests, [item], _ = split(polisen.parse(pdf))
    assert requests == [] and item.municipalities == ["1766"]
    gone = response(SECTION + "varmland/sunne/", status=410, body=b"")
    _, [item], _ = split(polisen.parse(gone))
    assert item.status == 410


def test_budget_caps_requests(polisen):
    polisen.max_pages = 1
    requests, _, _ = split(polisen.parse(response(SECTION + "varmland/", COUNTY)))
    assert len(requests) == 1
