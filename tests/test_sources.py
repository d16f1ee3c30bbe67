"""The "Källa: …" line of an archived version and the links of the archive's
table cells (crawler.web.sources, render_cell): markup from templates/_lankar.html,
every value escaped."""

from __future__ import annotations

from crawler.web.archive_views import render_cell
from crawler.web.sources import source_note

CAPTURE = "https://web.archive.org/web/20200101000000id_/http://example.se/?a=1&b=2"


def test_a_wayback_version_links_to_the_wayback_machines_own_page():
    note = source_note({"source": "wayback", "capture_url": CAPTURE})
    assert note == ('<p>Källa: ögonblicksbild från Internet Archives Wayback Machine – '
                    '<a href="https://web.archive.org/web/20200101000000/http://example.se/'
                    '?a=1&amp;b=2" rel="nofollow noopener">visa ögonblicksbilden i Wayback '
                    'Machine</a></p>')


def test_other_sources_are_named_and_their_capture_shown_as_escaped_text():
    assert source_note({"source": "warc", "capture_url": "x.warc.gz#<1>"}) == \
        "<p>Källa: importerad från en WARC-fil (x.warc.gz#&lt;1&gt;)</p>"
    assert source_note({}) == "<p>Källa: hämtad av arkivets egen sökrobot</p>"
    assert source_note({"source": "wayback", "capture_url": "javascript:x"}) == \
        "<p>Källa: ögonblicksbild från Internet Archives Wayback Machine (javascript:x)</p>"


def cell(value, column):
    return render_cell(value=value, column=column, table="t", database="archive")


def test_table_cells_of_linked_columns_become_links():
    assert cell(7, "åtagande_nr") == '<a href="/atagande/7">7</a>'
    assert cell(12, "previous_snapshot_id") == \
        '<a href="/-/snapshot/12">arkiverad version 12</a>'
    assert cell("/-/diff?a=1&b=2", "jämförelse") == \
        '<a href="/-/diff?a=1&amp;b=2">jämför versionerna</a>'
    assert cell(CAPTURE, "capture_url") == (
        '<a href="https://web.archive.org/web/20200101000000/http://example.se/?a=1&amp;b=2" '
        'rel="nofollow noopener">Wayback Machine</a>')


def test_other_cells_and_unexpected_values_are_left_to_datasette():
    assert cell(7, "id") is None and cell("<b>", "text") is None
    assert cell("7", "åtagande_nr") is None and cell(None, "snapshot_id") is None
    assert cell("javascript:alert(1)", "jämförelse") is None
    assert cell("javascript:x/web/", "capture_url") is None
