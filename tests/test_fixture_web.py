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
SANDVIKEN_PDF = "download/18.1234/10-medborgarloften-sandviken.pdf"
FOOTER_LINE = "Testsida (fixture) för medborgarloften – inte en riktig webbplats"


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
    first, second = get(base + "andras/"), get(base + "andras/")
    assert first[2] != second[2] and first[1]["ETag"] != second[1]["ETag"]
    assert "Last-Modified" not in first[1]   # a dynamic page: no date validator
    status, headers, body = get(base + "dokument/medborgarlofte-2024")
    assert status == 200 and headers["Content-Type"] == "application/octet-stream"
    assert body.startswith(b"%PDF") and b"%%EOF" in body
    assert get(base + "dokument/medborgarlofte-2024", {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(base + "_raw/medborgarlofte-2024.bin")[0] == 404   # control files stay hidden


def test_search_finds_the_promise_page(web):
    _, _, body = get(web.url("kristinehamn") + "sok?q=medborgarl%C3%B6fte")
    assert b"/kommun-och-politik/trygghet/medborgarloften/" in body
    assert b"Inga tr" in get(web.url("kristinehamn") + "sok?q=bygglov")[2]


def test_wrong_charset_page_is_really_windows_1252(web):
    status, headers, body = get(web.url("faults") + "cp1252-fel-charset/")
    assert "utf-8" in headers["Content-Type"]
    assert "Åre och Älvdalen".encode("cp1252") in body


def test_pdf_has_the_promises_with_a_hyphen_break(web):
    assert ("/" + SANDVIKEN_PDF).encode() in get(web.url("sandviken") + PROMISE)[2]
    status, headers, body = get(web.url("sandviken") + SANDVIKEN_PDF)
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        text = pdf.pages[0].extract_text()
    assert text.startswith("10 medborgarlöften – Sandviken")
    assert "trygghets-\nvandringar i Stadsparken" in text
    assert "Årligen genomföra trygghetsvandringar" in text and "10. Erbjuda" in text
    assert "Testdokument (fixture)" in text


def test_pdfs_are_rebuilt_byte_for_byte():
    from crawler.demo.build_pdf import pdf_files

    for (site, name), body in pdf_files().items():
        assert (Path(DEFAULT_ROOT) / site / "v1" / name).read_bytes() == body, name


def test_every_html_file_is_marked_as_a_fixture():
    files = list(Path(DEFAULT_ROOT).rglob("*.html"))
    assert len(files) > 150
    for path in files:
        data = path.read_bytes()
        assert b"<!-- FIXTURE: test page for medborgarloften; not a real page -->" in data[:400], path
        assert b"Testsida (fixture) f" in data, path   # the visible footer line (any charset)


def test_served_extras_are_marked_too(web):
    for url in (web.url("sunne") + "finns-inte/", web.url("kristinehamn") + "sok?q=x"):
        body = get(url)[2].decode()
        assert "FIXTURE" in body and FOOTER_LINE in body


# -- more of the API, faults and the synthetic web ---------------------------------

def head(url, headers=None, timeout=5):
    request = urllib.request.Request(url, headers=headers or {}, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def raw(url, method="GET", headers=None, timeout=5):
    """One request without following redirects."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""),
                     headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_start_and_stop_release_the_addresses(tmp_path):
    import threading
    import time

    before = threading.active_count()
    web = FixtureWeb().start()
    url = web.url("sunne")
    assert get(url)[0] == 200
    # An idle keep-alive connection and a request stuck in the 30 s "slow" fault.
    idle = http.client.HTTPConnection(urlsplit(url).hostname, web.port, timeout=5)
    idle.request("GET", "/")
    idle.getresponse().read()
    stuck = threading.Thread(target=lambda: get(web.url("faults") + "langsam", timeout=10))
    stuck.start()
    time.sleep(0.2)
    started = time.monotonic()
    web.stop()
    stuck.join()
    idle.close()
    assert time.monotonic() - started < 3
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=1)
    time.sleep(0.1)
    assert threading.active_count() <= before
    # The same object starts again (fresh addresses and port).
    with web:
        assert get(web.url("sunne"))[0] == 200


def test_sites_csv_and_metadata(web, tmp_path):
    csv = web.write_sites_csv(tmp_path / "sites.csv").read_text("utf-8").splitlines()
    assert csv[0] == "code,name,url" and len(csv) == 5
    assert f"2181,Sandvikens kommun,{web.url('sandviken')}" in csv
    with_faults = web.write_sites_csv(tmp_path / "all.csv", include_faults=True)
    assert web.url("faults") in with_faults.read_text("utf-8")
    assert all(s["url"].startswith("http://127.0.0.") for s in web.municipal_sites)
    assert web.polisen_url == web.url("polisen")


def test_head_redirect_404_and_request_log(web):
    base = web.url("sandviken")
    web.clear_log()
    status, headers, body = head(base + PROMISE)
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000
    status, headers, _ = raw(base + PROMISE.rstrip("/"))
    assert status == 301 and headers["Location"] == "/" + PROMISE
    status, _, body = get(base + "finns-inte/")
    assert status == 404 and "Sidan kunde inte hittas".encode() in body
    assert get(base + "_faults.json")[0] == 404
    methods = [(r.method, r.status) for r in web.requests if r.host == urlsplit(base).hostname]
    assert ("HEAD", 200) in methods and ("GET", 301) in methods and ("GET", 404) in methods


def test_robots_rules(web):
    assert b"Disallow: /intern/" in get(web.url("kristinehamn") + "robots.txt")[2]
    trygghet = get(web.url("kristinehamn") + "kommun-och-politik/trygghet/")[2]
    assert b"/intern/medborgarloften-utkast/" in trygghet
    assert get(web.url("robotsfel") + "robots.txt")[0] == 500
    assert b"Disallow: /\n" in get(web.url("stangd") + "robots.txt")[2]


def test_site_structure(web):
    home = get(web.url("sandviken"))[2].decode()
    for item in ("Barn och utbildning", "Omsorg och stöd", "Bygga och bo", "Kultur och fritid",
                 "Kommun och politik", "Trafik och infrastruktur"):
        assert item in home
    assert 'id="cookie-banner"' in home and "Sidan uppdaterad: 2025-10-01" in home
    politik = get(web.url("sandviken") + "kommun-och-politik/")[2].decode()
    assert "/kommun-och-politik/trygghet-och-sakerhet/" in politik
    assert "/" + PROMISE in get(web.url("sandviken") + "kommun-och-politik/trygghet-och-sakerhet/")[2].decode()
    # Smedjebacken's article is only in the sitemap.
    for html_file in (Path(DEFAULT_ROOT) / "smedjebacken" / "v1").rglob("*.html"):
        assert "signerade-ett-medborgarlofte" not in html_file.read_text("utf-8"), html_file
    # Sunne links off-site to the polisen page.
    sunne = get(web.url("sunne") + "kommun-och-politik/trygghet-och-sakerhet/medborgarloften/")[2]
    polisen_sunne = (web.polisen_url + "om-polisen/medborgarloften-och-lokal-samverkan/"
                     "medborgarloften/varmland/sunne/")
    assert polisen_sunne.encode() in sunne
    assert "Medborgarlöften i Sunne".encode() in get(polisen_sunne)[2]
    assert get(polisen_sunne + "uppfoljning-2016/")[0] == 200


def test_the_demo_web_shows_no_hostile_test_strings():
    # A newcomer's demo archive shows promises, not XSS probes: those live in
    # the tests' own fixtures (tests/serve_fixtures.py).
    for path in Path(DEFAULT_ROOT).rglob("*.html"):
        text = path.read_text("utf-8", errors="replace")
        assert "alert(1)" not in text and "onerror" not in text, path


def test_unchanged_pages_answer_304_in_version2(web):
    url = web.url("sunne") + "kommun-och-politik/trygghet-och-sakerhet/bra/"
    _, headers, _ = get(url)
    web.set_version(2)
    try:
        assert get(url, {"If-None-Match": headers["ETag"]})[0] == 304
        assert get(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
        changed = web.url("kristinehamn") + "kommun-och-politik/trygghet/medborgarloften/"
        status, v2_headers, _ = get(changed)
        assert v2_headers["Last-Modified"] == "Mon, 17 Nov 2025 08:00:00 GMT"
        assert get(changed, {"If-Modified-Since": "Mon, 03 Nov 2025 08:00:00 GMT"})[0] == 200
    finally:
        web.set_version(1)


def test_more_faults(web):
    base = web.url("faults")
    index = get(base)[2].decode()
    assert index.count("Medborgarlöfte") >= 10
    status, headers, _ = raw(base + "loop-b")
    assert status == 302 and headers["Location"] == "/loop-a"
    status, headers, _ = raw(base + "till-annan-sajt")
    assert status == 302 and headers["Location"] == web.url("sandviken")
    status, headers, _ = head(base + "jattestor")
    assert status == 200 and int(headers["Content-Length"]) == 20 * 1024 * 1024
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    conn.request("GET", "/jattestor")
    response = conn.getresponse()
    assert response.read(1000).startswith(b"<!DOCTYPE html>")
    conn.close()
    status, headers, body = get(base + "tom")
    assert status == 200 and body == b"" and headers["Content-Length"] == "0"
    changing = get(base + "andras/")
    assert "{{" not in changing[2].decode() and 'name="token"' in changing[2].decode().replace("'", '"')
    assert get(base + "andras/", {"If-None-Match": changing[1]["ETag"]})[0] == 200
    status, _, body = get(base + "mjuk-404/")
    assert status == 200 and "Sidan kunde inte hittas".encode() in body
    assert "Kontrollerar att du inte är en robot".encode() in get(base + "waf/")[2]
    assert "Medborgarlöfte".encode() in get(base + "trasig-html/")[2]
    status, headers, body = get(base + "latin1-utan-charset/")
    assert headers["Content-Type"] == "text/html" and "Hörby".encode("latin-1") in body
    assert b"charset" not in body.lower()
    truncated = get(base + "trasig.pdf")[2]
    assert truncated.startswith(b"%PDF") and b"%%EOF" not in truncated
    encrypted = get(base + "krypterad.pdf")[2]
    assert encrypted.startswith(b"%PDF") and b"/Encrypt" in encrypted
    assert "Medborgarlöfte".encode() in get(base + "forsvinner/")[2]


def test_synthetic_web_is_deterministic_and_conditional():
    from crawler.demo.synthetic import PROMISE as SYN_PROMISE, SyntheticWeb

    with SyntheticWeb(n_sites=11, pages_per_site=60, latency=0) as one, \
            SyntheticWeb(n_sites=11, pages_per_site=60, latency=0) as two:
        assert len({urlsplit(one.url(k)).hostname for k in one.sites}) == 11
        assert [s["code"] for s in one.municipal_sites][:3] == ["0114", "0115", "0117"]
        site = "kommun-0114"
        sitemap = get(one.url(site) + "sitemap.xml")[2].decode()
        assert sitemap.count("<loc>") == 60 and SYN_PROMISE in sitemap
        assert f"Sitemap: {one.url(site)}sitemap.xml" in get(one.url(site) + "robots.txt")[2].decode()
        paths = [urlsplit(loc.split("</loc>")[0]).path for loc in sitemap.split("<loc>")[1:]]
        for path in paths[:20] + [SYN_PROMISE]:
            a, b = get(one.url(site) + path.lstrip("/")), get(two.url(site) + path.lstrip("/"))
            assert a[0] == 200 and a[2] == b[2] and b"FIXTURE" in a[2]
        status, headers, body = get(one.url(site) + SYN_PROMISE.lstrip("/"))
        assert "Polisen och kommunen lovar att:".encode() in body
        assert b"/download/medborgarloften.pdf" in body
        assert get(one.url(site) + "download/medborgarloften.pdf")[2].startswith(b"%PDF")
        assert get(one.url(site) + SYN_PROMISE.lstrip("/"), {"If-None-Match": headers["ETag"]})[0] == 304
        other = get(one.url("kommun-0115") + SYN_PROMISE.lstrip("/"))
        one.set_version(2)
        assert get(one.url(site) + SYN_PROMISE.lstrip("/"), {"If-None-Match": headers["ETag"]})[0] == 200
        assert get(one.url("kommun-0115") + SYN_PROMISE.lstrip("/"),
                   {"If-None-Match": other[1]["ETag"]})[0] == 304
        # Every 10th site (index 0, 10, …) is reworded: kommun-0138 is index 10.
        assert b"version 2" in get(one.url("kommun-0138") + SYN_PROMISE.lstrip("/"))[2]
        assert b"version 2" not in get(one.url("kommun-0115") + SYN_PROMISE.lstrip("/"))[2]
        assert len(one.requests) > 0


def test_seed_pages_say_so_and_invented_promises_are_marked(web):
    polisen = web.polisen_url + "om-polisen/medborgarloften-och-lokal-samverkan/medborgarloften/"
    for url, n in ((web.url("sandviken") + PROMISE, "000"),
                   (polisen + "varmland/sunne/", "001"),
                   (web.url("smedjebacken") + "nyheter/2018/kommunen-och-polisen-signerade-ett-"
                    "medborgarlofte/", "002"),
                   (web.url("kristinehamn") + "kommun-och-politik/trygghet/medborgarloften/", "003"),
                   (web.url("sandviken") + "kommun-och-politik/trygghet-och-sakerhet/"
                    "samverkan-med-polisen/", "004")):
        body = get(url)[2].decode()
        assert f"content copied from a real page (seed {n}), chrome invented" in body, url
    assert "(Fixturtext, påhittad för test)" in get(polisen + "varmland/sunne/uppfoljning-2016/")[2].decode()
    web.set_version(2)
    try:
        reworded = get(web.url("kristinehamn") + "kommun-och-politik/trygghet/medborgarloften/")[2]
        assert "resecentrum. (Fixturtext, påhittad för test)".encode() in reworded
    finally:
        web.set_version(1)


def test_polisen_chrome_menu_and_search(web):
    home = get(web.polisen_url)[2].decode()
    assert "Sök på polisen.se" in home
    for item, path in (("Kontakta polisen", "kontakta-polisen/"), ("Om polisen", "om-polisen/"),
                       ("Aktuellt", "aktuellt/"), ("Utsatt för brott", "utsatt-for-brott/")):
        assert item in home and get(web.polisen_url + path)[0] == 200, path
    listing = get(web.polisen_url + "om-polisen/medborgarloften-och-lokal-samverkan/"
                  "medborgarloften/")[2].decode()
    assert "varmland/" in listing and "gavleborg/" in listing
    hits = get(web.polisen_url + "sok?q=medborgarl%C3%B6ften")[2].decode()
    assert "/om-polisen/medborgarloften-och-lokal-samverkan/medborgarloften/" in hits
