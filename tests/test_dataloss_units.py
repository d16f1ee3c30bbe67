"""No data lost, no false success (issue 16): the pieces, without a crawl.

Write locks taken up front, stored bodies verified, normalize keeping its
earlier results, the `check` command, the sites CSV, deep HTML, PDF caps,
wide encodings, recrawl locks by resolved path, error kinds.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
import threading
import time
import warnings
import zlib
from pathlib import Path

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

import normalize
from crawler.demo.build_pdf import long_pdf
from crawler.derive.run import normalize_archive
from crawler.errors import classify_failure
from crawler.items import PageItem
from crawler.ops.recrawl import ArchiveLocked, archive_lock
from crawler.sites import SitesFileError, read_sites_csv, url_problem
from crawler.store.archive import Archive, open_db, write_transaction
from crawler.store.check import check_archive
from crawler.store.read import BodyError, read_body
from normalize.pagetext import (PageTextError, as_utf8, html_main_text, pdf_text,
                                truncation_notes, wide_encoding)

URL = "https://polisen.se/om-polisen/medborgarloften/varmland/sunne/"
# Fixture page, invented for tests.
PROMISE = ("<html><body><main><h1>Medborgarlöfte för Sunne kommun 2024</h1>"
           "<p>Polisen och Sunne kommun lovar att:</p><ul>"
           "<li>Polisen ska genomföra trygghetsvandringar i centrum.</li>"
           "<li>Kommunen ska förbättra belysningen i parken.</li></ul></main></body></html>")


def item(url=URL, body=PROMISE.encode(), status=200):
    return PageItem(url=url, site="polisen", status=status, body=body,
                    content_type="text/html; charset=utf-8", declared_encoding="utf-8",
                    headers={}, municipalities=["1785"], found_via="start", referrer=None)


# -- 1. writers take the lock up front ----------------------------------------------------
def _hold_write_lock(path, ready, release):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("begin immediate")
    conn.execute("insert into crawl_runs (spider, status) values ('other', 'running')")
    ready.set()
    release.wait(10)
    conn.execute("commit")
    conn.close()


def test_a_write_waits_for_another_writer_instead_of_failing(tmp_path):
    """A deferred transaction that read first failed at once with "database is
    locked" when another process committed in between; BEGIN IMMEDIATE waits."""
    db_path = tmp_path / "archive.db"
    archive = Archive(db_path)
    run_id = archive.start_run("test", {})
    archive.db.execute("PRAGMA busy_timeout = 2000")
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_write_lock, args=(str(db_path), ready, release))
    holder.start()
    assert ready.wait(20)
    # Read in a deferred transaction first, as record_response used to.
    stale = archive.db.conn
    stale.execute("begin")
    stale.execute("select count(*) from pages").fetchone()
    release.set()
    holder.join(20)
    with pytest.raises(sqlite3.OperationalError):   # what the old code did
        stale.execute("insert into fetch_errors (run_id, kind) values (?, 'x')", [run_id])
    stale.rollback()
    outcome = archive.record_response(run_id, item())   # takes the lock first: stored
    assert outcome.kind == "new_page"
    archive.close()


def test_write_transaction_retries_after_the_busy_timeout(tmp_path, monkeypatch):
    """Another connection holds the write lock longer than the busy timeout:
    BEGIN IMMEDIATE is retried with backoff and the write then succeeds."""
    db = open_db(tmp_path / "a.db")
    db.execute("PRAGMA busy_timeout = 50")
    monkeypatch.setattr("crawler.store.archive.WRITE_BACKOFF_BASE", 0.1)
    other = sqlite3.connect(tmp_path / "a.db", isolation_level=None, check_same_thread=False)
    other.execute("begin immediate")
    threading.Timer(0.5, lambda: other.execute("commit")).start()
    started = time.monotonic()
    with write_transaction(db):
        db.execute("insert into crawl_runs (spider) values ('x')")
    assert time.monotonic() - started >= 0.4   # it did wait for the other writer
    assert db.execute("select count(*) from crawl_runs").fetchone()[0] == 1
    other.close()


# -- 3. damaged bodies ------------------------------------------------------------------
def _archive_with_promise(tmp_path) -> Path:
    db_path = tmp_path / "archive.db"
    archive = Archive(db_path)
    run_id = archive.start_run("test", {})
    archive.record_response(run_id, item())
    archive.update_run(run_id, {}, "ok")
    archive.close()
    return db_path


def _damage_body(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    sha, stored = conn.execute("select sha256, body from bodies").fetchone()
    body = bytearray(zlib.decompress(stored))
    body[body.index(b"trygghetsvandringar")] ^= 0x20   # one flipped bit inside the promise
    conn.execute("update bodies set body = ? where sha256 = ?", [zlib.compress(bytes(body)), sha])
    conn.commit()
    conn.close()


def test_read_body_verifies_the_sha256(tmp_path):
    db_path = _archive_with_promise(tmp_path)
    _damage_body(db_path)
    db = open_db(db_path)
    sha = next(db.query("select body_sha256 from snapshots"))["body_sha256"]
    with pytest.raises(BodyError, match="sha256"):
        read_body(db, sha)
    with pytest.raises(BodyError, match="saknas"):
        read_body(db, "0" * 64)


def test_renormalizing_an_unreadable_body_keeps_earlier_results(tmp_path):
    db_path = _archive_with_promise(tmp_path)
    first = normalize_archive(str(db_path), progress=False)
    assert first.commitments == 2
    _damage_body(db_path)
    again = normalize_archive(str(db_path), reprocess_all=True, progress=False)
    assert again.unreadable == 1 and again.failed == 1
    conn = sqlite3.connect(db_path)
    assert conn.execute("select count(*) from commitments").fetchone()[0] == 2
    assert "sha256" in conn.execute("select error from normalized_snapshots").fetchone()[0]


def test_normalize_command_exits_1_when_a_body_is_unreadable(tmp_path):
    db_path = _archive_with_promise(tmp_path)
    _damage_body(db_path)
    result = subprocess.run([sys.executable, "-m", "crawler.cli", "normalize", "--db",
                             str(db_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "tidigare resultat behölls" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_finds_bit_rot_that_integrity_check_misses(tmp_path):
    db_path = _archive_with_promise(tmp_path)
    assert check_archive(db_path) == []
    _damage_body(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    conn.close()
    findings = check_archive(db_path)
    assert len(findings) == 1 and "skadat innehåll" in findings[0]
    result = subprocess.run([sys.executable, "-m", "crawler.cli", "check", str(db_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "skadat innehåll" in result.stdout


def test_check_finds_orphan_rows(tmp_path):
    db_path = _archive_with_promise(tmp_path)
    conn = sqlite3.connect(db_path)
    conn.execute("pragma foreign_keys = off")
    conn.execute("delete from pages")
    conn.commit()
    conn.close()
    findings = check_archive(db_path)
    assert any("version utan sin sida" in f for f in findings)


# -- 4. deep nesting --------------------------------------------------------------------
def deep(levels: int) -> str:
    return ("<html><body>" + "<div>" * levels + PROMISE.split("<body>")[1].split("</body>")[0]
            + "</body></html>")


@pytest.mark.parametrize("levels", [300, 100_000])
def test_deeply_nested_promise_is_kept_and_the_cut_is_said(levels):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = html_main_text(deep(levels))
        result = normalize.extract(deep(levels).encode(), url=URL)
    assert "trygghetsvandringar" in text
    assert len(result["documents"]) == 1
    assert len(result["documents"][0]["commitments"]) == 2
    assert "plattade" in truncation_notes(caught)


def test_shallow_page_is_not_reported_as_cut():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        html_main_text(deep(50))
    assert truncation_notes(caught) is None


def test_archive_records_what_was_cut(tmp_path):
    archive = Archive(tmp_path / "a.db")
    run_id = archive.start_run("test", {})
    archive.record_response(run_id, item(body=deep(1000).encode()))
    row = next(archive.db.query("select text, text_truncated from snapshots"))
    assert "trygghetsvandringar" in row["text"]
    assert "plattade" in row["text_truncated"]


# -- 7. PDF caps ------------------------------------------------------------------------
def test_pdf_keeps_the_first_pages_and_says_so():
    body = long_pdf(12)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = pdf_text(body, max_pages=3)
    assert "trygghetsvandringar" in text
    assert "sida 3" in text and "sida 4" not in text
    assert "de första 3" in truncation_notes(caught)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf_text(body, max_pages=12)
    assert truncation_notes(caught) is None


def test_pdf_time_cap():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf_text(long_pdf(5), max_seconds=0)
    assert "tog över" in truncation_notes(caught)


def test_broken_pdf_is_still_an_error():
    with pytest.raises(PageTextError):
        pdf_text(long_pdf(2)[:500])


# -- 5-6. sites CSV ---------------------------------------------------------------------
def write(tmp_path, content: bytes | str, name="sites.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.mark.parametrize("url, words", [
    ("file:///etc/passwd", "inte http"), ("ftp://ftp.example.se/", "inte http"),
    ("htp:/x", "inte http"), ("www.sunne.se", "inte http"), ("javascript:alert(1)", "inte http"),
    ("data:text/html,hej", "inte http"), ("", "tom adress"), ("http://[::1", "ogiltig adress"),
    ("http://www.sunne.se:99999/", "ogiltig adress"), ("http://127.0.0.1/", "privat"),
    ("http://10.1.2.3/", "private"), ("http://localhost:8000/", "private"),
    ("http://[::1]/", "private"), ("http://2130706433/", "private"),
])
def test_url_problems(url, words):
    assert words in url_problem(url)


def test_public_and_allowed_loopback_urls_pass():
    assert url_problem("https://www.sunne.se/trygghet/") is None
    assert url_problem("http://127.0.0.5:8123/", allow_private=True) is None


def test_each_bad_row_is_reported_by_line_and_good_rows_kept(tmp_path):
    path = write(tmp_path, "\ufeffcode;name;url\n"
                 "1785;Sunne;https://www.sunne.se/\n"
                 "2181;Sandviken;file:///etc/passwd\n"
                 "1766;Kil\n"
                 "1785;Sunne igen;https://sunne.se/\n"
                 "\n"
                 "2061;Smedjebacken;https://www.smedjebacken.se/\n")
    sites, problems = read_sites_csv(path)
    assert [s.code for s in sites] == ["1785", "2061"]
    assert [p.split(": ")[1] for p in problems] == ["rad 3", "rad 4", "rad 5"]
    assert "finns redan på rad 2" in problems[2]


def test_tab_separated_csv(tmp_path):
    sites, problems = read_sites_csv(write(tmp_path, "code\tname\turl\n1785\tSunne\t"
                                                     "https://www.sunne.se/\n"))
    assert [s.url for s in sites] == ["https://www.sunne.se/"] and problems == []


@pytest.mark.parametrize("content, words", [
    (b"code,name,url\n1785,S\xf6nne,https://www.sunne.se/\n", "inte UTF-8"),
    ("1785,Sunne,https://www.sunne.se/\n", "rubrikrad"),
    ("", "filen är tom"),
])
def test_unusable_sites_file(tmp_path, content, words):
    with pytest.raises(SitesFileError, match=words):
        read_sites_csv(write(tmp_path, content))


# -- 10. recrawl lock -------------------------------------------------------------------
def test_recrawl_lock_holds_through_a_symlink(tmp_path):
    real = tmp_path / "archive.db"
    real.touch()
    link = tmp_path / "alias.db"
    link.symlink_to(real)
    with archive_lock(str(real)):
        with pytest.raises(ArchiveLocked):
            with archive_lock(str(link)):
                pass
        cwd = os.getcwd()
        os.chdir(tmp_path)
        try:
            with pytest.raises(ArchiveLocked):
                with archive_lock("archive.db"):
                    pass
        finally:
            os.chdir(cwd)


# -- 11. wide encodings -----------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32",
                                      "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_are_recognised(encoding):
    text = "Medborgarlöfte för Sunne kommun: Polisen lovar att synas."
    body = text.encode(encoding)
    assert wide_encoding(body) is not None
    assert as_utf8(body).decode("utf-8") == text


def test_utf8_and_binary_are_not_wide():
    assert wide_encoding("Medborgarlöfte".encode()) is None
    assert wide_encoding(bytes(range(256)) * 10) is None


# -- 12. error kinds --------------------------------------------------------------------
def test_refused_redirect_is_a_redirect_with_its_target():
    request = Request("https://www.sunne.se/lofte")
    response = Response(request.url, status=302, request=request,
                        headers={"Location": "file:///etc/passwd"})
    failure = Failure(HttpError(response, "Ignoring non-200 response"))
    failure.request = request
    kind, message, status = classify_failure(failure)
    assert (kind, status) == ("redirect", 302)
    assert "file:///etc/passwd" in message


def test_decompression_bomb_is_too_large():
    class _DecompressionMaxSizeExceeded(ValueError):
        pass

    try:
        try:
            raise _DecompressionMaxSizeExceeded("too big")
        except ValueError as inner:
            raise IgnoreRequest("Ignored <200 https://www.sunne.se/> because its body "
                                "(1 B compressed, 2 B decompressed so far) exceeded "
                                "DOWNLOAD_MAXSIZE (1 B) during decompression.") from inner
    except IgnoreRequest as exc:
        failure = Failure(exc)
    failure.request = Request("https://www.sunne.se/")
    assert classify_failure(failure)[0] == "too_large"


def test_host_guard_refusal_is_offsite_or_redirect():
    request = Request("http://127.0.0.1/", meta={"redirect_urls": ["https://www.sunne.se/"]})
    failure = Failure(IgnoreRequest("refused: URL points to a private or loopback host"))
    failure.request = request
    assert classify_failure(failure)[0] == "redirect"
    failure.request = Request("http://127.0.0.1/")
    assert classify_failure(failure)[0] == "offsite"
