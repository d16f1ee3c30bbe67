"""WARC out and in: a round trip, WARCs from other tools, malformed records."""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import subprocess
import sys

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.history.backfill import BackfillOptions, run_backfill
from crawler.history.warc import export_warc, import_warc
from tests.crawl_helpers import rows

pytestmark = pytest.mark.slow

PAGE = "<!-- FIXTURE: test page --><html><body><main><h1>Medborgarlöfte 2021</h1>" \
       "<p>Polisen och kommunen lovar att: öka tryggheten (fixturtext)</p></main></body></html>"


def versions(db) -> list[tuple]:
    """Every version of every page, in time order; a row repeating the body of the
    row before it (a crawl that found what an older capture, backfilled later,
    already had) is the same version."""
    found, last = [], {}
    for r in rows(db, "select * from snapshots order by url, fetched_at, id"):
        if last.get(r["url"]) != r["body_sha256"]:
            found.append((r["url"], r["fetched_at"], r["body_sha256"], r["text"], r["status"]))
        last[r["url"]] = r["body_sha256"]
    return found


@pytest.fixture
def backfilled(archive_db, wayback):
    run_backfill(BackfillOptions(db=str(archive_db), endpoint=wayback.endpoint, delay=0.0))
    return archive_db


def test_export_is_read_by_warcio_with_dates_uris_and_digests(backfilled, tmp_path):
    out = tmp_path / "export.warc.gz"
    count = export_warc(str(backfilled), str(out))
    expected = {(r["url"], r["fetched_at"]) for r in rows(backfilled, "select * from snapshots")}
    records = []
    with open(out, "rb") as handle:
        for record in ArchiveIterator(handle, check_digests="raise"):
            if record.rec_type == "response":
                body = record.content_stream().read()
                records.append((record.rec_headers.get_header("WARC-Target-URI"),
                                record.rec_headers.get_header("WARC-Date"),
                                record.rec_headers.get_header("WARC-Payload-Digest"), body))
    assert count == len(records) == len(expected)
    assert {(uri, date.replace("Z", "+00:00")) for uri, date, _, _ in records} == expected
    assert all(digest.startswith("sha1:") for _, _, digest, _ in records)
    stored = {r["url"] + r["fetched_at"]: r["body_sha256"] for r in rows(backfilled,
                                                                        "select * from snapshots")}
    assert all(hashlib.sha256(body).hexdigest() == stored[uri + date.replace("Z", "+00:00")]
               for uri, date, _, body in records)


def test_round_trip_into_an_empty_archive_gives_the_same_bodies_and_texts(backfilled, tmp_path):
    out = tmp_path / "export.warc.gz"
    export_warc(str(backfilled), str(out))
    empty = tmp_path / "empty.db"
    report = import_warc(str(empty), [str(out)])
    assert report.errors == [] and report.stored == len(versions(backfilled))
    assert versions(empty) == versions(backfilled)
    assert rows(empty, "select count(*) as n from bodies") == \
        rows(backfilled, "select count(*) as n from bodies")
    assert {r["source"] for r in rows(empty, "select source from snapshots")} == {"warc"}
    again = import_warc(str(empty), [str(out)])
    assert again.stored == 0 and again.present == report.records - report.skipped


def test_export_selects_by_municipality_and_date(backfilled, tmp_path):
    out = tmp_path / "sandviken.warc"
    count = export_warc(str(backfilled), str(out), ["2181"], "2019-01-01")
    assert count == len(rows(backfilled, """select s.id from snapshots s join pages p
        on p.url = s.url where (p.site = '2181' or p.municipalities like '%2181%')
        and s.fetched_at >= '2019-01-01'""")) > 0


def _foreign_warc(path, records):
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=str(path).endswith(".gz"))
        for write in records:
            write(writer)


def _response(uri, date, body, content_type="text/html; charset=utf-8"):
    def write(writer):
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            uri, "response", payload=io.BytesIO(body), http_headers=headers,
            warc_headers_dict={"WARC-Date": date}))
    return write


def test_a_warc_written_by_warcio_imports_response_and_revisit_records(tmp_path):
    body = PAGE.encode()
    path = tmp_path / "foreign.warc.gz"
    digest = "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()

    def revisit(writer):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                   protocol="HTTP/1.1")
        writer.write_record(writer.create_revisit_record(
            "https://www.example.se/kopia/", digest, "https://www.example.se/lofte/",
            "2021-03-01T10:00:00Z", http_headers=headers,
            warc_headers_dict={"WARC-Date": "2022-05-01T10:00:00Z"}))

    def request(writer):
        writer.write_record(writer.create_warc_record("https://www.example.se/lofte/", "request",
                                                      payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))

    _foreign_warc(path, [request, _response("https://www.example.se/lofte/",
                                            "2021-03-01T10:00:00Z", body), revisit])
    db = tmp_path / "a.db"
    report = import_warc(str(db), [str(path)])
    assert report.errors == [] and report.stored == 2 and report.skipped == 1
    got = rows(db, "select url, fetched_at, text, source from snapshots order by url")
    assert [(r["url"], r["fetched_at"]) for r in got] == [
        ("https://www.example.se/kopia/", "2022-05-01T10:00:00+00:00"),
        ("https://www.example.se/lofte/", "2021-03-01T10:00:00+00:00")]
    assert all("öka tryggheten" in r["text"] for r in got)


def test_malformed_records_are_reported_one_by_one_and_do_not_stop_the_import(tmp_path):
    good = tmp_path / "good.warc"
    _foreign_warc(good, [_response("https://www.example.se/a/", "2020-01-01T00:00:00Z",
                                   PAGE.encode())])
    bad_date = tmp_path / "bad_date.warc"
    _foreign_warc(bad_date, [_response("https://www.example.se/b/", "2020-01-01T00:00:00Z",
                                       PAGE.encode())])
    bad_date.write_bytes(bad_date.read_bytes().replace(b"2020-01-01T00:00:00Z", b"not-a-date"))
    tampered = tmp_path / "tampered.warc"
    _foreign_warc(tampered, [_response("https://www.example.se/c/", "2020-01-01T00:00:00Z",
                                       PAGE.encode())])
    tampered.write_bytes(tampered.read_bytes().replace(b"2021", b"2031"))
    no_uri = tmp_path / "no_uri.warc"
    _foreign_warc(no_uri, [_response("mailto:someone", "2020-01-01T00:00:00Z", PAGE.encode())])
    last = tmp_path / "last.warc"
    _foreign_warc(last, [_response("https://www.example.se/d/", "2020-02-01T00:00:00Z",
                                   PAGE.replace("2021", "2022").encode())])
    combined = tmp_path / "combined.warc"
    combined.write_bytes(good.read_bytes() + b"this is not a WARC record\r\n\r\n"
                         + bad_date.read_bytes() + tampered.read_bytes() + no_uri.read_bytes()
                         + last.read_bytes())
    db = tmp_path / "m.db"
    result = subprocess.run([sys.executable, "-m", "crawler.cli", "import-warc", "--db", str(db),
                             str(combined)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("fel:")]
    assert len(errors) == 4, result.stderr
    assert any("oläslig post" in e for e in errors)
    assert any("ogiltigt WARC-Date" in e for e in errors)
    assert any("kontrollsumman stämmer inte" in e for e in errors)
    assert any("WARC-Target-URI" in e for e in errors)
    assert all("vid position" in e for e in errors)
    assert [r["url"] for r in rows(db, "select url from snapshots order by url")] == [
        "https://www.example.se/a/", "https://www.example.se/d/"]


@pytest.mark.skipif(shutil.which("wget") is None, reason="wget is not installed")
def test_a_warc_written_by_wget_imports_with_the_crawled_text(crawled, archive_db, tmp_path):
    web, _ = crawled
    url = web.url("sandviken") + "kommun-och-politik/trygghet-och-sakerhet/medborgarloften/"
    prefix = tmp_path / "wget"
    done = subprocess.run(["wget", "-q", "--no-config", f"--warc-file={prefix}", "-O",
                           str(tmp_path / "page.html"), url], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    report = import_warc(str(archive_db), [f"{prefix}.warc.gz"])
    assert report.errors == []
    crawled_text, *rest = [r for r in rows(archive_db, "select source, text, body_sha256 "
                                                       "from snapshots where url = ? order by fetched_at", [url])]
    # same bytes as the crawl: nothing new; the version stays the crawl's
    assert report.present == 1 and rest == []
    assert crawled_text["source"] == "crawl"
