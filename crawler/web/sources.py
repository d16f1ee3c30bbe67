"""Where an archived version came from (crawl, Wayback capture, WARC record), for the pages.

Used by crawler.web.archive_views: a line on the version page and links in
the tables. A Wayback capture links to the Wayback Machine's own page for it.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from crawler.history.cdx import view_url

SOURCE_LABELS = {
    "crawl": "hämtad av arkivets egen sökrobot",
    "wayback": "ögonblicksbild från Internet Archives Wayback Machine",
    "warc": "importerad från en WARC-fil",
}


def source_note(snapshot: dict) -> str:
    """'<p>Källa: …</p>' for a version (escaped HTML)."""
    source = snapshot.get("source") or "crawl"
    label = escape(SOURCE_LABELS.get(source, source))
    capture = snapshot.get("capture_url") or ""
    if source == "wayback" and capture.startswith(("http://", "https://")):
        link = escape(view_url(capture))
        return (f'<p>Källa: {label} – <a href="{link}" rel="nofollow noopener">'
                "visa ögonblicksbilden i Wayback Machine</a></p>")
    if capture:
        return f"<p>Källa: {label} ({escape(capture)})</p>"
    return f"<p>Källa: {label}</p>"


def capture_link(value, column: str):
    """A snapshot's capture_url as a link to the Wayback page; None for other cells."""
    if column in ("capture_url", "ögonblicksbild") and isinstance(value, str) \
            and value.startswith(("http://", "https://")) and "/web/" in value:
        return Markup(f'<a href="{escape(view_url(value))}" rel="nofollow noopener">'
                      "Wayback Machine</a>")
    return None
