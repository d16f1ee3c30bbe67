"""The Wayback CDX server API: which captures of a URL exist, and how to replay them.

Queries use the API's JSON form (first row = field names), ``collapse=digest``
so identical consecutive captures count once, ``filter=statuscode:200``,
``from``/``to`` and ``showResumeKey``/``resumeKey`` paging. Replays use the
``id_`` form, which returns the original bytes without the archive's banner
or rewritten links.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import urlencode, urlsplit

from crawler.history.polite import PoliteClient

_REPLAY = re.compile(r"/web/(\d{4,14})(?:[a-z]{2}_)?/(.+)$")


class CdxError(Exception):
    """The CDX server answered something other than a capture list."""


@dataclass(frozen=True)
class CdxCapture:
    timestamp: str          # 14 digits, UTC
    original: str           # the URL as captured
    mimetype: str = ""
    statuscode: str = ""
    digest: str = ""
    length: str = ""

    @property
    def fetched_at(self) -> str:
        return timestamp_iso(self.timestamp)


def timestamp_iso(timestamp: str) -> str:
    """'20170412093000' → '2017-04-12T09:30:00+00:00' (the archive's time format)."""
    t = timestamp.ljust(14, "0")
    return f"{t[:4]}-{t[4:6]}-{t[6:8]}T{t[8:10]}:{t[10:12]}:{t[12:14]}+00:00"


def replay_origin(endpoint: str) -> str:
    """Scheme and host of the replay server beside a CDX endpoint."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def replay_url(origin: str, timestamp: str, original: str) -> str:
    return f"{origin}/web/{timestamp}id_/{original}"


def parse_replay_url(url: str) -> tuple[str, str] | None:
    """(timestamp, original URL) of a replay URL, or None."""
    found = _REPLAY.search(urlsplit(url).path + (
        "?" + urlsplit(url).query if urlsplit(url).query else ""))
    return (found.group(1), found.group(2)) if found else None


def view_url(capture_url: str) -> str:
    """The archive's own page for a capture (with its banner), for people."""
    return re.sub(r"(/web/\d{4,14})id_/", r"\1/", capture_url, count=1)


def list_captures(client: PoliteClient, endpoint: str, url: str, match_type: str = "prefix",
                  since: str | None = None, until: str | None = None,
                  page_size: int = 500, max_pages: int = 200) -> Iterator[CdxCapture]:
    """Every distinct 200 capture of ``url`` (or below it), page by page."""
    resume = None
    for _ in range(max_pages):
        params = {"url": url, "output": "json", "matchType": match_type,
                  "collapse": "digest", "filter": "statuscode:200", "limit": page_size,
                  "showResumeKey": "true"}
        params.update({k: v for k, v in (("from", since), ("to", until)) if v})
        if resume:
            params["resumeKey"] = resume
        rows, resume = _page(client, f"{endpoint}?{urlencode(params)}")
        yield from rows
        if not resume:
            return


def _page(client: PoliteClient, query: str) -> tuple[list[CdxCapture], str | None]:
    response = client.get(query)
    if response.status_code != 200:
        raise CdxError(f"CDX-servern svarade HTTP {response.status_code} på {query}")
    if not response.content.strip():
        return [], None
    try:
        rows = json.loads(response.content)
    except ValueError as exc:
        raise CdxError(f"CDX-svaret är inte JSON: {exc}") from exc
    if not rows:
        return [], None
    header, rows = rows[0], rows[1:]
    resume = None
    if len(rows) >= 2 and rows[-2] == []:
        resume, rows = rows[-1][0], rows[:-2]
    captures = []
    for row in rows:
        fields = dict(zip(header, row))
        if fields.get("timestamp") and fields.get("original"):
            captures.append(CdxCapture(**{k: fields.get(k, "") for k in (
                "timestamp", "original", "mimetype", "statuscode", "digest", "length")}))
    return captures, resume


def spread(captures: list[CdxCapture], limit: int | None) -> list[CdxCapture]:
    """At most ``limit`` captures per URL, spread evenly over time (first and last kept)."""
    by_url: dict[str, list[CdxCapture]] = {}
    for capture in sorted(captures, key=lambda c: c.timestamp):
        by_url.setdefault(capture.original, []).append(capture)
    chosen = []
    for items in by_url.values():
        if limit and len(items) > limit:
            step = (len(items) - 1) / max(limit - 1, 1)
            items = [items[round(i * step)] for i in range(limit)] if limit > 1 else items[:1]
        chosen += items
    return chosen
