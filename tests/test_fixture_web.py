"""The fixture web behaves like the real web the crawler meets."""

from __future__ import annotations

import http.client
import io
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pdfplumber
import pytest

from crawler.demo.server import DEFAULT_ROOT, FixtureWeb

PROMISE = "kommun-och-politik/trygghet-och-sakerhet/medborgarloften/"


@pytest.fixture(scope="module")
def web():
    with FixtureWeb() as web:
        yield web


def get(url, headers=None, timeout=5):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_every_site_has_its_own_address(web):
    hosts = {urlsplit(web.url(key)).hostname for key in web.sites}
    assert len(hosts) == len(web.sites)
    assert {s["code"] for s in web.municipal_sites} == {"2181", "1766", "2061", "1781"}


def test_robots_and_sitemap_use_absolute_urls(web):
    _, _, robots = get(web.url("smedjebacken") + "robots.txt")
    assert f"Sitemap: {web.url('smedjebacken')}sitemap.xml".encode() in robots
    _, _, sitemap = get(web.url("smedjebacken") + "sitemap.xml")
    assert b"signerade-ett-medborgarlofte" in sitemap


def test_conditional_requests_get_304(web):
    status, headers, _ = get(web.url("sandviken") + PROMISE)
    assert status == 200
    assert get(web.url("sandviken") + PROMISE, {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(web.url("sandviken") + PROMISE,
               {"If-Modified-Since": headers["Last-Modified"]})[0] == 304


def test_version2_overlay(web):
    promise = web.url("kristinehamn") + "kommun-och-politik/trygghet/medborgarloften/"
    news = web.url("smedjebacken") + \
        "nyheter/2018/kommunen-och-polisen-signerade-ett-medborgarlofte/"
    v1_promise, v1_footer = get(promise)[2], get(web.url("sandviken") + PROMISE)[2]
    assert get(news)[0] == 200
    web.set_version(2)
    try:
        assert get(promise)[2] != v1_promise and "resecentrum".encode() in get(promise)[2]
        assert get(news)[0] == 404
        assert get(web.url("faults") + "forsvinner/")[0] == 410
        v2_footer = get(web.url("sandviken") + PROMISE)[2]
        main = lambda body: body.split(b"<main>")[1].split(b"</main>")[0]  # noqa: E731
        assert v2_footer != v1_footer and main(v2_footer) == main(v1_footer)
    finally:
        web.set_version(1)


def test_faults(web):
    base = web.url("faults")
    assert get(base + "fel-500")[0] == 500
    status, headers, _ = get(base + "fel-503")
    assert status == 503 and headers["Retry-After"] == "1"
    assert get(base + "tom")[2] == b""
    host, port = urlsplit(base).hostname, urlsplit(base).port
    conn = http.client.HTTPConnection(host, port, timeout=5)
    conn.request("GET", "/loop-a")
    response = conn.getresponse()
    assert response.status == 302 and response.getheader("Location") == "/loop-b"
    conn.close()
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, OSError)):
        conn = http.client.HTTPConnection(host, port, timeout=5)
        conn.request("GET", "/aterstalld")
        conn.getresponse()
    with pytest.raises(OSError):
        get(base + "langsam", timeout=0.5)
    first, second = get(base + "andras/")[2], get(base + "andras/")[2]
    assert first != second


def test_search_finds_the_promise_page(web):
    _, _, body = get(web.url("kristinehamn") + "sok?q=medborgarl%C3%B6fte")
    assert b"/kommun-och-politik/trygghet/medborgarloften/" in body
    assert b"Inga tr" in get(web.url("kristinehamn") + "sok?q=bygglov")[2]


def test_wrong_charset_page_is_really_windows_1252(web):
    status, headers, body = get(web.url("faults") + "cp1252-fel-charset/")
    assert "utf-8" in headers["Content-Type"]
    assert "Åre och Älvdalen".encode("cp1252") in body


def test_pdf_has_the_promises_with_a_hyphen_break(web):
    _, _, body = get(web.url("sandviken") + "download/10-medborgarloften-sandviken.pdf")
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        text = pdf.pages[0].extract_text()
    assert "trygghets-\n" in text and "Årligen genomföra trygghetsvandringar" in text


def test_every_html_file_is_marked_as_a_fixture():
    for path in Path(DEFAULT_ROOT).rglob("*.html"):
        head = path.read_bytes()[:400].decode("utf-8", errors="replace")
        assert "FIXTURE" in head, path
