"""A fixture web served over real HTTP on loopback addresses.

Every site gets its own address (127.0.0.2, 127.0.0.3, …) on one shared
port, so a crawler sees distinct hosts: robots.txt per host, per-host
concurrency, off-site filtering. Files come from ``web/<site>/v1`` with
``v2`` as an overlay; ``_faults.json`` makes paths misbehave (see
crawler/demo/README.md). Every page is a test page, marked as such.

    python -m crawler.demo.server [--version 2]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_ROOT = Path(__file__).resolve().parent / "web"
VERSION_DATES = {1: "Mon, 03 Nov 2025 08:00:00 GMT", 2: "Mon, 17 Nov 2025 08:00:00 GMT"}
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".pdf": "application/pdf",
                 ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
                 ".bin": "application/octet-stream"}
FIXTURE = "<!-- FIXTURE: test page for medborgarloften; not a real page -->"
FOOTER = ("<footer><p>Testsida (fixture) för medborgarloften – inte en riktig webbplats</p>"
          "</footer>")
NOT_FOUND = (f"<!DOCTYPE html>{FIXTURE}<html lang='sv'><head><meta charset='utf-8'>"
             "<title>Sidan kunde inte hittas</title></head><body><main><h1>Sidan kunde inte "
             f"hittas</h1><p>Kontrollera adressen.</p></main>{FOOTER}</body></html>")


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    fault: dict | None = None
    # Streamed bodies (the ``huge`` fault): an iterable of chunks and its total length.
    chunks: object = None
    length: int = 0


@dataclass
class RequestRecord:
    host: str
    path: str
    method: str
    status: int
    bytes_sent: int
    headers: dict
    time: float


class Site:
    """One fixture site: answers a path for the current web version."""

    def __init__(self, key: str, root: Path, web: "FixtureWeb"):
        self.key, self.root, self.web = key, root, web
        self.meta = json.loads((root / "site.json").read_text("utf-8"))

    def _version_dirs(self) -> list[Path]:
        dirs = [self.root / "v1"]
        if self.web.version >= 2 and (self.root / "v2").is_dir():
            dirs.append(self.root / "v2")
        return dirs

    def _listed(self, name: str, path: str) -> bool:
        if self.web.version < 2:
            return False
        listing = self.root / "v2" / name
        return listing.exists() and path in listing.read_text("utf-8").split()

    def _json(self, name: str) -> dict:
        merged: dict = {}
        for directory in self._version_dirs():
            if (directory / name).exists():
                merged.update(json.loads((directory / name).read_text("utf-8")))
        return merged

    def control_file(self, name: str) -> tuple[Path | None, int]:
        """A file named in _faults.json (may start with "_"; no "..")."""
        if ".." in name.split("/") or name.startswith("/"):
            return None, 1
        found, version = None, 1
        for number, directory in enumerate(self._version_dirs(), start=1):
            candidate = directory / name
            if candidate.is_file() and not (
                    found is not None and found.read_bytes() == candidate.read_bytes()):
                found, version = candidate, number
        return found, version

    def _file(self, path: str) -> tuple[Path | None, int]:
        """The file for a path (last overlay wins) and the version it comes from.

        The version is 2 only when the v2 file really differs from v1's, so an
        unchanged page keeps its v1 Last-Modified date and answers 304.
        """
        relative = unquote(path).lstrip("/")
        parts = relative.split("/")
        if any(p in ("..", ".") or p.startswith("_") for p in parts if p) or "\\" in relative:
            return None, 1   # no escaping the site directory, no control files
        candidates = [relative + "index.html"] if relative.endswith("/") or not relative \
            else [relative, relative + "/index.html"]
        found, version = None, 1
        for number, directory in enumerate(self._version_dirs(), start=1):
            for candidate in candidates:
                if (directory / candidate).is_file():
                    if number > 1 and found is not None and found.name == candidate.rsplit(
                            "/", 1)[-1] and found.read_bytes() == (directory / candidate).read_bytes():
                        break   # v2 copy identical to v1: keep the v1 file and date
                    found, version = directory / candidate, number
                    break
        return found, version

    def respond(self, path: str, query: str) -> Response:
        fault = self._json("_faults.json").get(path)
        if fault:
            return Response(0, fault=fault)
        if self._listed("_gone410.txt", path):
            return Response(410, NOT_FOUND.encode(), {"Content-Type": CONTENT_TYPES[".html"]})
        if self._listed("_removed.txt", path):
            return Response(404, NOT_FOUND.encode(), {"Content-Type": CONTENT_TYPES[".html"]})
        file, version = self._file(path)
        if file is None:
            return Response(404, NOT_FOUND.encode(), {"Content-Type": CONTENT_TYPES[".html"]})
        if file.name == "index.html" and not path.endswith("/") and path:
            return Response(301, b"", {"Location": path + "/"})
        body = file.read_bytes()
        if file.suffix in (".html", ".xml", ".txt"):
            # Absolute URLs depend on the addresses chosen at start.
            body = body.replace(b"{ROOT}", self.web.url(self.key).encode()).replace(
                b"{POLISEN}", self.web.polisen_url.encode())
        headers = {"Content-Type": CONTENT_TYPES.get(file.suffix, "application/octet-stream"),
                   "Last-Modified": VERSION_DATES[version]}
        headers.update(self._json("_headers.json").get(path, {}))
        return Response(200, body, headers)


class FixtureWeb:
    """The fixture web: start(), url(site), set_version(n), stop()."""

    def __init__(self, root: Path = DEFAULT_ROOT, version: int = 1, latency: float = 0.0,
                 first_ip: int = 2):
        self.root = Path(root) if root is not None else None
        self.version, self.latency, self.first_ip = version, latency, first_ip
        self.sites = self._make_sites()
        self.requests: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []
        self._hosts: dict[str, str] = {}
        self._by_host: dict[str, str] = {}
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self.port = 0

    def _make_sites(self) -> dict:
        """Site key → object with ``meta`` and ``respond(path, query) -> Response``."""
        return {p.name: Site(p.name, p, self) for p in sorted(self.root.iterdir())
                if (p / "site.json").exists()}

    # -- lifecycle ----------------------------------------------------------
    def start(self) -> "FixtureWeb":
        for _attempt in range(20):
            try:
                self._bind_all()
                break
            except OSError:
                self._close_servers()
        else:
            raise RuntimeError("could not bind the fixture web on loopback")
        self._stopping.clear()
        for server in self._servers:
            thread = threading.Thread(target=server.serve_forever, name=f"fixture-{server.server_address[0]}",
                                      kwargs={"poll_interval": 0.1}, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _bind_all(self) -> None:
        handler = _handler_for(self)
        port = 0
        for offset, key in enumerate(self.sites):
            ip = f"127.0.{(self.first_ip + offset) // 250}.{(self.first_ip + offset) % 250 + 2}" \
                if self.first_ip + offset >= 250 else f"127.0.0.{self.first_ip + offset}"
            server = _Server((ip, port), handler, self._stopping)
            port = server.server_address[1]
            self._servers.append(server)
            self._hosts[key] = ip
        self._by_host = {ip: key for key, ip in self._hosts.items()}
        self.port = port

    def _close_servers(self) -> None:
        for server in self._servers:
            server.server_close()
        self._servers, self._hosts, self._by_host = [], {}, {}

    def stop(self) -> None:
        """Stop accepting, end open connections and sleeping faults, join all threads."""
        self._stopping.set()
        for server in self._servers:
            server.shutdown()          # returns once serve_forever has left its loop
        for server in self._servers:
            server.close_connections()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []
        self._close_servers()
        self.port = 0

    def __enter__(self) -> "FixtureWeb":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what tests and the demo use ----------------------------------------
    def set_version(self, n: int) -> None:
        self.version = n

    def url(self, site_key: str) -> str:
        if not self._hosts:
            raise RuntimeError("the fixture web is not started")
        return f"http://{self._hosts[site_key]}:{self.port}/"

    @property
    def polisen_url(self) -> str:
        """Root URL of the polisen-like site ("" if this web has none)."""
        key = next((k for k, s in self.sites.items() if s.meta["kind"] == "polisen"), None)
        return self.url(key) if key and self._hosts else ""

    @property
    def municipal_sites(self) -> list[dict]:
        return [{"key": k, "code": s.meta["code"], "name": s.meta["name"], "url": self.url(k)}
                for k, s in self.sites.items() if s.meta["kind"] == "kommun"]

    def write_sites_csv(self, path, include_faults: bool = False) -> Path:
        lines = ["code,name,url"] + [f"{s['code']},{s['name']},{s['url']}"
                                     for s in self.municipal_sites]
        if include_faults:
            lines += [f"{k},{s.meta['name']},{self.url(k)}" for k, s in self.sites.items()
                      if s.meta["kind"] == "other"]
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
        return Path(path)

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def site_for_host(self, host: str) -> Site | None:
        key = self._by_host.get(host)
        return self.sites[key] if key else None

    def log(self, record: RequestRecord) -> None:
        with self._lock:
            self.requests.append(record)


class _Server(ThreadingHTTPServer):
    """Threading server that can close its open connections and join its handlers."""

    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, address, handler, stopping: threading.Event):
        self.stopping = stopping
        self._active: dict[threading.Thread, socket.socket] = {}
        self._active_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request_thread(self, request, client_address) -> None:
        with self._active_lock:
            self._active[threading.current_thread()] = request
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._active_lock:
                self._active.pop(threading.current_thread(), None)

    def close_connections(self, timeout: float = 5.0) -> None:
        """Shut down open connections (idle keep-alives, slow faults) and join handlers."""
        with self._active_lock:
            active = list(self._active.items())
        for _thread, connection in active:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        for thread, _connection in active:
            thread.join(max(0.0, deadline - time.monotonic()))

    def handle_error(self, request, client_address) -> None:
        """A client hanging up (timeouts, resets, capped downloads) is expected here."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)) or (
                self.stopping.is_set() and isinstance(error, OSError)):
            return
        super().handle_error(request, client_address)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest() + '"'


def not_modified(headers, etag: str, last_modified: str | None) -> bool:
    if headers.get("If-None-Match"):
        return etag in [t.strip() for t in headers["If-None-Match"].split(",")]
    since = headers.get("If-Modified-Since")
    if since and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _handler_for(web):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "FixtureWeb/1.0"
        timeout = 120   # idle keep-alive connections end after this many seconds

        def log_message(self, *args):  # quiet: tests read web.requests instead
            pass

        def do_HEAD(self):
            self._serve(head=True)

        def do_GET(self):
            self._serve(head=False)

        def _serve(self, head: bool) -> None:
            if web.latency:
                time.sleep(web.latency)
            host = self.server.server_address[0]
            parts = urlsplit(self.path)
            site = web.site_for_host(host)
            response = site.respond(parts.path or "/", parts.query) if site else Response(404)
            if response.fault:
                response = self._fault(response.fault, site, parts)
                if response is None:
                    return self._record(host, parts.path, 0, 0)
            self._send(response, head, host, parts.path)

        def _send(self, response: Response, head: bool, host: str, path: str) -> None:
            headers = dict(response.headers)
            status, body = response.status, response.body
            length = response.length if response.chunks is not None else len(body)
            if status == 200:
                headers.setdefault("ETag", etag_of(body))
                headers.setdefault("Last-Modified", VERSION_DATES[1])
                if not_modified(self.headers, headers["ETag"], headers.get("Last-Modified")):
                    status, body, length = 304, b"", 0
            headers = {name: value for name, value in headers.items() if value is not None}
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(length))
            self.end_headers()
            sent = 0
            if not head and status != 304:
                try:
                    if response.chunks is not None:
                        for chunk in response.chunks:
                            self.wfile.write(chunk)
                            sent += len(chunk)
                    else:
                        self.wfile.write(body)
                        sent = len(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True   # the client gave up (e.g. size limit)
            self._record(host, path, status, sent)

        def _record(self, host, path, status, sent) -> None:
            web.log(RequestRecord(host, path, self.command, status, sent,
                                  dict(self.headers.items()), time.time()))

        def _fault(self, fault: dict, site: Site, parts) -> Response | None:
            kind = fault["kind"]
            html = {"Content-Type": CONTENT_TYPES[".html"]}
            if kind == "status":
                headers = dict(html)
                if "retry_after" in fault:
                    headers["Retry-After"] = str(fault["retry_after"])
                return Response(fault["status"], f"<h1>Fel {fault['status']}</h1>".encode(),
                                headers)
            if kind == "slow":
                web._stopping.wait(fault.get("seconds", 30))   # stop() cuts it short
                return Response(200, b"<html><body>sent</body></html>", html)
            if kind == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return None
            if kind == "redirect":
                location = fault["location"]
                if location.startswith("@"):
                    key, _, rest = location[1:].partition("/")
                    location = web.url(key) + rest
                return Response(fault.get("status", 302), b"", {"Location": location})
            if kind == "huge":
                size, digest = _huge_info(fault.get("megabytes", 20))
                return Response(200, b"", {**html, "ETag": digest},
                                chunks=_huge_chunks(size), length=size)
            if kind == "empty":
                return Response(200, b"", html)
            if kind == "changing":
                file, _ = site._file(parts.path)
                text = file.read_text("utf-8").replace(
                    "{{NOW}}", time.strftime("%Y-%m-%d %H:%M:%S")).replace(
                    "{{TOKEN}}", "%032x" % random.getrandbits(128))
                # A dynamic page: a fresh ETag every time and no Last-Modified.
                return Response(200, text.encode(), {**html, "Last-Modified": None})
            if kind == "bytes":
                file, version = site.control_file(fault["file"])
                if file is None:
                    return Response(404, NOT_FOUND.encode(), html)
                return Response(200, file.read_bytes(), {
                    "Content-Type": fault.get("content_type", "application/octet-stream"),
                    "Last-Modified": VERSION_DATES[version]})
            if kind == "search":
                query = " ".join(parse_qs(parts.query).get(fault.get("param", "q"), [""])).lower()
                links = [p for key, paths in fault["results"].items() if key in query
                         for p in paths]
                items = "".join(f'<li><a href="{p}">Medborgarlöften – träff</a></li>'
                                for p in links) or "<li>Inga träffar</li>"
                body = (f"<!DOCTYPE html>{FIXTURE}<html lang='sv'><head><meta charset='utf-8'>"
                        "<title>Sökresultat</title></head><body><main><h1>Sökresultat</h1>"
                        f"<ul>{items}</ul></main>{FOOTER}</body></html>")
                return Response(200, body.encode(), html)
            raise ValueError(f"unknown fault kind {kind!r}")

    return Handler


_HUGE_CHUNK = b"<p>Medborgarl\xc3\xb6fte utfyllnad (fixture).</p>\n" * 2048
_HUGE_HEAD = (b"<!DOCTYPE html><!-- FIXTURE: test page for medborgarloften; not a real page -->"
              b"<html lang='sv'><body>")
_HUGE_TAIL = FOOTER.encode("utf-8") + b"</body></html>"
_huge_cache: dict[int, tuple[int, str]] = {}


def _huge_chunks(size: int):
    """A streamed HTML page of exactly ``size`` bytes."""
    yield _HUGE_HEAD
    left = size - len(_HUGE_HEAD) - len(_HUGE_TAIL)
    while left > 0:
        piece = _HUGE_CHUNK[:left]
        left -= len(piece)
        yield piece
    yield _HUGE_TAIL


def _huge_info(megabytes: float) -> tuple[int, str]:
    """Size and ETag of the huge page (hashed once per size)."""
    size = int(megabytes * 1024 * 1024)
    if size not in _huge_cache:
        digest = hashlib.sha1()
        for chunk in _huge_chunks(size):
            digest.update(chunk)
        _huge_cache[size] = (size, '"' + digest.hexdigest() + '"')
    return _huge_cache[size]


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the fixture web until Ctrl-C.")
    parser.add_argument("--version", type=int, default=1)
    args = parser.parse_args()
    with FixtureWeb(version=args.version) as web:
        for key in web.sites:
            print(f"{key:14} {web.url(key)}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
