"""A loopback web archive speaking the Wayback Machine's CDX API and ``id_`` replay.

FIXTURE: every capture is invented (``crawler/demo/wayback/captures.json``,
pages marked as fixtures) or a copy of the fixture web's own page. Captured
URLs are the running FixtureWeb's URLs, so a backfill interleaves them with a
crawl of that web. What it imitates, for the tests and the demo:

- ``/cdx/search/cdx``: ``url`` (``*`` suffix or ``matchType=prefix``),
  ``output=json`` (first row = field names), ``collapse=digest`` (adjacent
  identical captures once), ``filter=statuscode:200`` / ``!statuscode:…``,
  ``from``/``to`` (timestamp prefixes), ``limit`` and ``showResumeKey`` →
  a ``[]`` row and a ``[resumeKey]`` row; ``resumeKey`` continues.
- ``/web/{timestamp}id_/{url}``: the original bytes (gzip when the capture
  says so and the client accepts it; charsets as captured); a timestamp
  without a capture redirects to the nearest one; a capture marked
  ``redirect`` redirects to the capture of another URL; ``replay: 404``
  answers 404.
- ``throttle``: request numbers answered 429 with ``Retry-After``;
  ``replay_answer``: one answer for every replay (an archive in trouble).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from crawler.demo.server import FixtureWeb

HERE = Path(__file__).resolve().parent / "wayback"
FIELDS = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


@dataclass
class FixtureCapture:
    original: str
    timestamp: str
    body: bytes
    content_type: str
    statuscode: str = "200"
    gzip: bool = False
    replay: int = 200
    redirect_to: tuple[str, str] | None = None   # (timestamp, original)

    @property
    def digest(self) -> str:
        return base64.b32encode(hashlib.sha1(self.body).digest()).decode()

    @property
    def urlkey(self) -> str:
        parts = urlsplit(self.original)
        return f"{parts.netloc.lower()}){parts.path}" + (f"?{parts.query}" if parts.query else "")

    def row(self) -> list[str]:
        return [self.urlkey, self.timestamp, self.original,
                self.content_type.split(";")[0], self.statuscode, self.digest,
                str(len(self.body))]


def load_captures(web: FixtureWeb) -> list[FixtureCapture]:
    """The fixture captures, with URLs of the running fixture web."""
    spec = json.loads((HERE / "captures.json").read_text("utf-8"))["captures"]
    captures = []
    for entry in spec:
        root = web.url(entry["site"]).rstrip("/")
        body = _body(web, entry, root)
        redirect = entry.get("redirect")
        captures.append(FixtureCapture(
            original=root + entry["path"], timestamp=entry["timestamp"], body=body,
            content_type=entry.get("content_type", "text/html; charset=utf-8"),
            statuscode=entry.get("statuscode", "200"), gzip=entry.get("gzip", False),
            replay=entry.get("replay", 200),
            redirect_to=(redirect["timestamp"], root + redirect["path"]) if redirect else None))
    return sorted(captures, key=lambda c: (c.urlkey, c.timestamp))


def _body(web: FixtureWeb, entry: dict, root: str) -> bytes:
    if entry["file"] == "current":
        return web.sites[entry["site"]].respond(entry["path"], "").body
    data = (HERE / entry["file"]).read_bytes()
    if entry["file"].endswith(".html"):
        text = data.decode("utf-8").replace("{ROOT}", root + "/")
        data = text.encode(entry.get("encoding", "utf-8"))
    return data


class WaybackFixture:
    """start() / stop(); ``endpoint`` is the CDX URL, ``requests`` the log."""

    def __init__(self, web: FixtureWeb, throttle: dict[int, int] | None = None,
                 host: str = "127.0.0.1"):
        self.web, self.host = web, host
        self.throttle = {2: 1} if throttle is None else throttle   # request n → Retry-After
        self.captures: list[FixtureCapture] = []
        self.requests: list[tuple[str, int]] = []     # (path?query, status)
        self.user_agents: set[str] = set()
        # When set, every replay gets this (status, headers, body): an archive in trouble.
        self.replay_answer: tuple[int, dict, bytes] | None = None
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "WaybackFixture":
        self.captures = load_captures(self.web)
        self._server = ThreadingHTTPServer((self.host, 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> "WaybackFixture":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self._server.server_address[1]}"

    @property
    def endpoint(self) -> str:
        return f"{self.origin}/cdx/search/cdx"

    def listed(self, url: str, prefix: bool = True) -> list[FixtureCapture]:
        """Distinct 200 captures the CDX API lists for a URL (what a backfill should find)."""
        return _collapse([c for c in self.captures if c.statuscode == "200"
                          and _matches(c, _strip(url), prefix)])

    # -- answering ------------------------------------------------------------
    def answer(self, path: str, query: str, accepts_gzip: bool) -> tuple[int, dict, bytes]:
        with self._lock:
            number = len(self.requests) + 1
            retry_after = self.throttle.get(number)
        if retry_after is not None:
            return 429, {"Retry-After": str(retry_after), "Content-Type": "text/plain"}, \
                b"Too Many Requests (fixture)"
        if path == "/cdx/search/cdx":
            status, headers, body = self._cdx(parse_qs(query))
        elif path.startswith("/web/") and self.replay_answer:
            status, headers, body = self.replay_answer[0], dict(self.replay_answer[1]), \
                self.replay_answer[2]
        elif path.startswith("/web/"):
            status, headers, body = self._replay(path + (f"?{query}" if query else ""))
        else:
            status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found (fixture)"
        if accepts_gzip and (headers.pop("X-Fixture-Gzip", None) or path.startswith("/cdx")):
            body, headers["Content-Encoding"] = gzip.compress(body, mtime=0), "gzip"
        headers.pop("X-Fixture-Gzip", None)
        return status, headers, body

    def _cdx(self, params: dict) -> tuple[int, dict, bytes]:
        get = lambda name, default="": params.get(name, [default])[0]  # noqa: E731
        url = get("url")
        if not url:
            return 400, {"Content-Type": "text/plain"}, b"url parameter required"
        prefix = get("matchType") == "prefix" or url.endswith("*")
        rows = [c for c in self.captures if _matches(c, _strip(url.rstrip("*")), prefix)
                and _in_range(c.timestamp, get("from"), get("to"))]
        for expression in params.get("filter", []):
            rows = _filter(rows, expression)
        if get("collapse") == "digest":
            rows = _collapse(rows)
        start = get("resumeKey")
        if start:
            rows = [c for c in rows if f"{c.urlkey} {c.timestamp}" > _unkey(start)]
        limit = int(get("limit") or 0) or len(rows)
        page, more = rows[:limit], len(rows) > limit
        table = [FIELDS] + [c.row() for c in page] if page else []
        if more and get("showResumeKey") == "true":
            last = page[-1]
            table += [[], [base64.urlsafe_b64encode(
                f"{last.urlkey} {last.timestamp}".encode()).decode()]]
        return 200, {"Content-Type": "application/json"}, json.dumps(table).encode()

    def _replay(self, target: str) -> tuple[int, dict, bytes]:
        head, _, original = target[len("/web/"):].partition("/")
        timestamp = head.removesuffix("id_")
        same_url = [c for c in self.captures if c.original == original and c.statuscode == "200"]
        if not same_url:
            return 404, {"Content-Type": "text/plain"}, b"not in the fixture archive"
        exact = next((c for c in same_url if c.timestamp == timestamp), None)
        if exact is None:
            nearest = min(same_url, key=lambda c: abs(int(c.timestamp) - int(timestamp.ljust(14, "0"))))
            return 302, {"Location": f"/web/{nearest.timestamp}id_/{original}"}, b""
        if exact.redirect_to:
            return 302, {"Location": f"/web/{exact.redirect_to[0]}id_/{exact.redirect_to[1]}"}, b""
        if exact.replay != 200:
            return exact.replay, {"Content-Type": "text/plain"}, b"replay failed (fixture)"
        headers = {"Content-Type": exact.content_type,
                   "Memento-Datetime": exact.timestamp,
                   "X-Archive-Orig-Last-Modified": "Mon, 01 Jan 2001 00:00:00 GMT"}
        if exact.gzip:
            headers["X-Fixture-Gzip"] = "1"
        return 200, headers, exact.body

    def log(self, target: str, status: int) -> None:
        with self._lock:
            self.requests.append((target, status))


def _strip(url: str) -> str:
    return url.split("://", 1)[-1]


def _matches(capture: FixtureCapture, url: str, prefix: bool) -> bool:
    original = _strip(capture.original)
    return original.startswith(url) if prefix else original == url


def _in_range(timestamp: str, since: str, until: str) -> bool:
    return (not since or timestamp >= since) and (not until or timestamp[:len(until)] <= until)


def _filter(rows: list[FixtureCapture], expression: str) -> list[FixtureCapture]:
    negate = expression.startswith("!")
    field, _, value = expression.lstrip("!").partition(":")
    if field != "statuscode":
        return rows
    return [c for c in rows if (c.statuscode == value) != negate]


def _collapse(rows: list[FixtureCapture]) -> list[FixtureCapture]:
    kept: list[FixtureCapture] = []
    for capture in rows:
        if kept and kept[-1].original == capture.original and kept[-1].digest == capture.digest:
            continue
        kept.append(capture)
    return kept


def _unkey(key: str) -> str:
    return base64.urlsafe_b64decode(key.encode()).decode()


def _handler_for(archive: WaybackFixture):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 (http.server's naming)
            parts = urlsplit(self.path)
            accepts = "gzip" in (self.headers.get("Accept-Encoding") or "")
            status, headers, body = archive.answer(parts.path, parts.query, accepts)
            archive.log(self.path, status)
            archive.user_agents.add(self.headers.get("User-Agent") or "")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler
