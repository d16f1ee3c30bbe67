"""Hostile inputs for `extract` and the crawl, each within a time and memory bound.

Every command runs in a child process whose address space is capped with
``resource.setrlimit`` (a runaway parser dies instead of swapping the
machine), and the test asserts its wall time and peak RSS. The crawl runs
against a small hostile site on 127.0.0.1 (fixture pages, invented): a
redirect to file:, a decompression bomb, a promise under 100,000 unclosed
<div>s and a 2,000-page PDF. Bounds are generous: the machine is shared.
"""

from __future__ import annotations

import gzip
import http.server
import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from crawler.crawl import fast_crawl_settings
from crawler.demo.build_pdf import long_pdf

pytestmark = pytest.mark.slow

MB = 1024 * 1024
# Runs a command under an address-space limit and reports its peak RSS.
BOUNDED = """
import resource, subprocess, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
code = subprocess.call(sys.argv[2:])
print(f"maxrss_kb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""
# Fixture promise (invented for tests).
PROMISE = ("<h1>Medborgarlöfte för Sunne kommun 2024</h1><p>Polisen och Sunne kommun lovar "
           "att:</p><ul><li>Polisen ska genomföra trygghetsvandringar i centrum.</li>"
           "<li>Kommunen ska förbättra belysningen i parken.</li></ul>")


def bounded(args: list[str], seconds: float, megabytes: int, address_space_mb: int = 3000,
            stdin=None):
    """(result, wall seconds, peak RSS MB) of ``args`` under the limits."""
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", BOUNDED, str(address_space_mb * MB), *args],
                            capture_output=True, timeout=seconds * 2, stdin=stdin)
    elapsed = time.monotonic() - started
    stderr = result.stderr.decode("utf-8", "replace")
    peak = int(stderr.rsplit("maxrss_kb=", 1)[1].split()[0]) / 1024
    assert elapsed <= seconds, f"took {elapsed:.1f} s (bound {seconds} s)"
    assert peak <= megabytes, f"peak RSS {peak:.0f} MB (bound {megabytes} MB)"
    return result, stderr, elapsed, peak


def extract(*args, stdin=None, seconds=90, megabytes=400):
    return bounded([sys.executable, "-m", "crawler.cli", "extract", *args], seconds, megabytes,
                   stdin=stdin)


@pytest.fixture(scope="module")
def long_pdf_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "lofte.pdf"
    path.write_bytes(long_pdf(2000))
    return path


def deep_page(levels: int = 100_000) -> bytes:
    return ("<html><body>" + "<div>" * levels + PROMISE + "</body></html>").encode()


# -- extract -----------------------------------------------------------------------------
def test_extract_2000_page_pdf_is_capped(long_pdf_file):
    result, stderr, elapsed, peak = extract(str(long_pdf_file))
    assert result.returncode == 0, stderr[-2000:]
    assert "varning:" in stderr and "behölls" in stderr   # page cap (or time cap)
    documents = json.loads(result.stdout)["documents"]
    assert documents and documents[0]["commitments"]


def test_extract_deep_nesting_keeps_the_promise(tmp_path):
    page = tmp_path / "djup.html"
    page.write_bytes(deep_page())
    result, stderr, *_ = extract(str(page))
    assert result.returncode == 0, stderr[-2000:]
    assert len(json.loads(result.stdout)["documents"]) == 1
    assert "plattade" in stderr


def test_extract_endless_input_is_refused():
    with open("/dev/zero", "rb") as zero:
        result, stderr, *_ = extract("-", stdin=zero, megabytes=300)
    assert result.returncode == 2
    assert "större än 50 MB" in stderr and "Traceback" not in stderr


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_extract_reads_utf16_and_utf32_text(tmp_path, encoding):
    page = tmp_path / "sunne.html"
    page.write_bytes(f"<html><body>{PROMISE}</body></html>".encode(encoding))
    result, stderr, *_ = extract(str(page))
    assert result.returncode == 0, stderr[-2000:]
    assert len(json.loads(result.stdout)["documents"]) == 1


def test_extract_bad_url_is_a_url_error_not_a_file_error(tmp_path):
    page = tmp_path / "sunne.html"
    page.write_text(f"<html><body>{PROMISE}</body></html>", encoding="utf-8")
    result, stderr, *_ = extract("--url", "http://[::1", str(page))
    assert result.returncode == 2
    lines = [line for line in stderr.splitlines() if line.startswith("fel:")]
    assert len(lines) == 1 and "--url" in lines[0] and "IPv6" in lines[0]


def test_extract_binary_is_still_refused(tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 64)
    result, stderr, *_ = extract(str(junk))
    assert result.returncode == 2 and "binär" in stderr


# -- crawl -------------------------------------------------------------------------------
class HostileSite(http.server.BaseHTTPRequestHandler):
    """A municipal fixture site whose promise section is full of traps."""

    pdf = b""
    home = ("<html><body><main><h1>Medborgarlöften (fixture)</h1>"
            "<p>Påhittad testsida.</p><ul>"
            '<li><a href="/medborgarloften/flytt">Medborgarlöften flyttat</a></li>'
            '<li><a href="/medborgarloften/data">Medborgarlöften data</a></li>'
            '<li><a href="/medborgarloften/bomb">Medborgarlöften arkiv</a></li>'
            '<li><a href="/medborgarloften/djup">Medborgarlöfte 2024</a></li>'
            '<li><a href="/medborgarloften/lofte.pdf">Medborgarlöfte (pdf)</a></li>'
            "</ul></main></body></html>").encode()

    def do_GET(self):  # noqa: N802 (http.server's name)
        routes = {
            "/": lambda: self._send(200, self.home),
            "/medborgarloften/flytt": lambda: self._send(
                302, b"", {"Location": "file:///etc/passwd"}),
            "/medborgarloften/data": lambda: self._send(
                302, b"", {"Location": "data:text/html,hej"}),
            "/medborgarloften/bomb": lambda: self._send(
                200, gzip.compress(b"\0" * (40 * MB), 9), {"Content-Encoding": "gzip"}),
            "/medborgarloften/djup": lambda: self._send(200, deep_page()),
            "/medborgarloften/lofte.pdf": lambda: self._send(
                200, self.pdf, {"Content-Type": "application/pdf"}),
        }
        routes.get(self.path, lambda: self._send(404, b"not found"))()

    def _send(self, status: int, body: bytes, headers: dict | None = None):
        self.send_response(status)
        headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def hostile_site(long_pdf_file):
    HostileSite.pdf = long_pdf_file.read_bytes()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HostileSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def query(db: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_crawl_of_a_hostile_site_and_csv(tmp_path, hostile_site):
    sites = tmp_path / "sites.csv"
    sites.write_text("code;name;url\n"
                     f"1785;Sunne (fixture);{hostile_site}\n"
                     "1766;Kil (fixture);file:///etc/passwd\n"
                     "1780;Karlstad (fixture);ftp://127.0.0.1/\n", encoding="utf-8")
    db = tmp_path / "archive.db"
    result, stderr, *_ = bounded(
        [sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db), "--sites", str(sites),
         *fast_crawl_settings()], seconds=240, megabytes=700)
    # Rejected rows: reported by line, the good row still crawled, exit non-zero.
    assert result.returncode == 1, stderr[-3000:]
    assert "rad 3" in stderr and "rad 4" in stderr and "Traceback" not in stderr
    assert query(db, "select count(*) from snapshots where url not like 'http%'") == [(0,)]
    assert not any("root:" in (text or "") for (text,) in query(db, "select text from snapshots"))
    errors = dict(query(db, "select url, kind || ' ' || message from fetch_errors"))
    flytt, data = hostile_site + "medborgarloften/flytt", hostile_site + "medborgarloften/data"
    assert errors[flytt].startswith("redirect") and "file:///etc/passwd" in errors[flytt]
    assert errors[data].startswith("redirect") and "data:text/html" in errors[data]
    assert errors[hostile_site + "medborgarloften/bomb"].startswith("too_large")
    deep = query(db, "select text, text_truncated from snapshots where url like '%djup'")
    assert deep and "trygghetsvandringar" in deep[0][0] and "plattade" in deep[0][1]
    pdf = query(db, "select text, text_truncated from snapshots where url like '%.pdf'")
    # Cut by the page cap, or by the time cap on a loaded machine: either way said.
    assert pdf and "trygghetsvandringar" in pdf[0][0] and "behölls" in pdf[0][1]


def test_crawl_refuses_loopback_without_the_flag(tmp_path, hostile_site):
    sites = tmp_path / "sites.csv"
    sites.write_text(f"code,name,url\n1785,Sunne (fixture),{hostile_site}\n", encoding="utf-8")
    pairs = fast_crawl_settings()
    settings = [arg for flag, value in zip(pairs[::2], pairs[1::2])
                if not value.startswith("ALLOW_PRIVATE_HOSTS") for arg in (flag, value)]
    result, stderr, *_ = bounded(
        [sys.executable, "-m", "crawler.cli", "crawl", "--db", str(tmp_path / "a.db"),
         "--sites", str(sites), *settings],
        seconds=60, megabytes=400)
    assert result.returncode == 2
    assert "privat värd eller loopback" in stderr and "--allow-private-hosts" in stderr
    assert not (tmp_path / "a.db").exists() or query(
        tmp_path / "a.db", "select count(*) from snapshots") == [(0,)]
