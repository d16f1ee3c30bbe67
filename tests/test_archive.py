"""The archive keeps every version, dedupes bodies and never deletes."""

import json
import zlib

import pytest

from crawler.store.archive import Archive
from crawler.store.read import Validators, known_pages, read_body, validators
from crawler.items import PageItem

PAGE = ("<html><body><nav>Meny</nav><div id='cookie-banner'>Vi använder kakor {cookie}</div>"
        "<main><h1>Medborgarlöfte 2024</h1><ul><li>{promise}</li></ul></main>"
        "<footer>Sidan uppdaterad: {date}</footer></body></html>")


def page(promise="Polisen lovar att genomföra trygghetsvandringar.", date="2024-01-01",
         cookie="", status=200, url="http://127.0.0.2/medborgarloften/"):
    body = PAGE.format(promise=promise, date=date, cookie=cookie).encode("utf-8")
    return PageItem(url=url, site="2181", status=status, body=body if status == 200 else b"",
                    content_type="text/html; charset=utf-8", declared_encoding="utf-8",
                    headers={"etag": '"v1"', "last-modified": "Mon, 03 Nov 2025 08:00:00 GMT"},
                    municipalities=["2181"])


@pytest.fixture
def archive(tmp_path):
    archive = Archive(tmp_path / "archive.db")
    archive.run_id = archive.start_run("test", {})
    yield archive
    archive.close()


def snapshots(archive):
    return list(archive.db.query("select * from snapshots order by id"))


def test_first_fetch_creates_page_and_snapshot(archive):
    outcome = archive.record_response(archive.run_id, page())
    assert outcome.kind == "new_page" and outcome.text_changed
    [snap] = snapshots(archive)
    assert "trygghetsvandringar" in snap["text"]
    assert "Meny" not in snap["text"] and "kakor" not in snap["text"]
    assert snap["declared_encoding"] == "utf-8" and snap["detected_encoding"] == "utf-8"
    assert json.loads(snap["headers"])["etag"] == '"v1"'


def test_identical_body_adds_no_snapshot(archive):
    archive.record_response(archive.run_id, page())
    outcome = archive.record_response(archive.run_id, page())
    assert outcome.kind == "unchanged"
    assert len(snapshots(archive)) == 1


def test_not_modified_only_touches_last_seen(archive):
    archive.record_response(archive.run_id, page())
    outcome = archive.record_response(archive.run_id, page(status=304))
    assert outcome.kind == "not_modified"
    assert len(snapshots(archive)) == 1


def test_boilerplate_change_is_a_raw_version_but_not_a_text_change(archive):
    archive.record_response(archive.run_id, page())
    outcome = archive.record_response(archive.run_id, page(date="2025-06-01", cookie="v2"))
    assert outcome.kind == "new_version" and not outcome.text_changed
    first, second = snapshots(archive)
    assert first["text_sha256"] == second["text_sha256"]
    assert first["body_sha256"] != second["body_sha256"]


def test_reworded_promise_is_a_text_change(archive):
    archive.record_response(archive.run_id, page())
    outcome = archive.record_response(archive.run_id, page(promise="Polisen lovar mer."))
    assert outcome.kind == "new_version" and outcome.text_changed


def test_gone_page_keeps_its_versions(archive):
    archive.record_response(archive.run_id, page())
    assert archive.record_response(archive.run_id, page(status=410)).kind == "gone"
    row = next(archive.db.query("select * from pages"))
    assert row["gone_since"] and row["gone_status"] == 410
    assert len(snapshots(archive)) == 1
    archive.record_response(archive.run_id, page())
    assert next(archive.db.query("select gone_since from pages"))["gone_since"] is None


def test_bodies_are_stored_once_and_compressed(archive):
    archive.record_response(archive.run_id, page())
    archive.record_response(archive.run_id, page(url="http://127.0.0.2/kopia/"))
    [body] = list(archive.db.query("select * from bodies"))
    assert body["compression"] == "zlib"
    assert zlib.decompress(body["body"]) == page().body == read_body(archive.db, body["sha256"])


def test_unknown_page_404_is_ignored(archive):
    assert archive.record_response(archive.run_id, page(status=404)).kind == "ignored"
    assert archive.db["pages"].count == 0


def test_validators_and_known_pages_read_back(archive):
    archive.record_response(archive.run_id, page())
    path = archive.path
    assert validators(path) == {page().url: Validators('"v1"', "Mon, 03 Nov 2025 08:00:00 GMT",
                                                       "archive")}
    assert known_pages(path, "2181") == [page().url]
    assert known_pages(path, "0180") == []


def test_wal_mode(archive):
    assert next(archive.db.query("pragma journal_mode"))["journal_mode"] == "wal"


def test_stale_running_run_is_marked_interrupted(tmp_path):
    first = Archive(tmp_path / "a.db")
    run = first.start_run("x", {})
    first.db.execute("update crawl_runs set pid = 999999999 where id = ?", [run])
    first.close()
    second = Archive(tmp_path / "a.db")
    second.start_run("x", {})
    status = next(second.db.query("select status from crawl_runs where id = ?", [run]))
    assert status["status"] == "interrupted"
    second.close()
