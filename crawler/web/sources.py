"""Where an archived version came from (crawl, Wayback capture, WARC record), for the pages,
and the links of the archive's table cells.

Used by crawler.web.archive_views: a line on the version page and links in
the tables (its render_cell). A Wayback capture links to the Wayback Machine's
own page for it. The markup is in templates/_lankar.html.
"""

from __future__ import annotations

from markupsafe import Markup

from crawler.history.cdx import view_url
from crawler.web.plain_jinja import PLAIN

SOURCE_LABELS = {
    "crawl": "hämtad av arkivets egen sökrobot",
    "wayback": "ögonblicksbild från Internet Archives Wayback Machine",
    "warc": "importerad från en WARC-fil",
}
LINKS = PLAIN.get_template("_lankar.html").module   # its macros, called as functions
SNAPSHOT_COLUMNS = frozenset({"snapshot_id", "previous_snapshot_id", "current_snapshot_id"})
CAPTURE_COLUMNS = frozenset({"capture_url", "ögonblicksbild"})
# every column render_cell links; any other cell returns at once
LINKED_COLUMNS = SNAPSHOT_COLUMNS | CAPTURE_COLUMNS | {"åtagande_nr", "jämförelse"}


def source_note(snapshot: dict) -> Markup:
    """'<p>Källa: …</p>' for a version."""
    source = snapshot.get("source") or "crawl"
    capture = snapshot.get("capture_url") or ""
    wayback = source == "wayback" and capture.startswith(("http://", "https://"))
    return LINKS.kalla(SOURCE_LABELS.get(source, source), view_url(capture) if wayback else "",
                       capture)


def capture_link(value, column: str) -> Markup | None:
    """A snapshot's capture_url as a link to the Wayback page; None for other cells."""
    if column in CAPTURE_COLUMNS and isinstance(value, str) \
            and value.startswith(("http://", "https://")) and "/web/" in value:
        return LINKS.wayback(view_url(value))
    return None


def cell_link(value, column: str) -> Markup | None:
    """A table cell of a linked column as a link (render_cell): a commitment
    number to the commitment's page, a snapshot id to the archived version, a
    capture URL to the Wayback Machine, a comparison to the diff; else None."""
    if column == "åtagande_nr" and isinstance(value, int):
        return LINKS.atagande(value)
    if column in SNAPSHOT_COLUMNS and isinstance(value, int):
        return LINKS.version(value)
    if column == "jämförelse" and isinstance(value, str) and value.startswith("/-/diff?"):
        return LINKS.jamforelse(value)
    return capture_link(value, column)
