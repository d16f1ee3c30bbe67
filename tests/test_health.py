"""Health monitors name the site and the evidence."""

import json

import pytest

from crawler.store.archive import Archive
from crawler.ops.health import check_run
from crawler.items import PageItem
from crawler.ops.recrawl import ArchiveLocked, archive_lock


def item(url, status=200, site="2181"):
    body = b"<html><body><main><p>Medborgarl\xc3\xb6fte</p></main></body></html>"
    return PageItem(url=url, site=site, status=status, body=body if status == 200 else b"",
                    content_type="text/html; charset=utf-8")


@pytest.fixture
def archive(tmp_path):
    archive = Archive(tmp_path / "a.db")
    yield archive
    archive.close()


def finish(archive, run_id, requests=10, errors=0, by_site=None):
    archive.update_run(run_id, {"requests": requests, "errors": errors}, "ok",
                       json.dumps({"requests_by_site": by_site or {}}))


def kinds(alerts):
    return sorted(a.kind for a in alerts)


def test_healthy_run_has_no_alerts(archive):
    first = archive.start_run("kommuner", {})
    archive.record_response(first, item("http://a/1"))
    finish(archive, first)
    started = next(archive.db.query("select started_at from crawl_runs where id = ?",
                                    [first]))["started_at"]
    assert check_run(archive.db, [first], started) == []


def test_gone_page_and_site_without_promises_are_reported(archive):
    first = archive.start_run("kommuner", {})
    archive.record_response(first, item("http://a/1"))
    finish(archive, first)
    archive.db.execute("update pages set last_seen = '2000-01-01', first_seen = '2000-01-01'")
    second = archive.start_run("kommuner", {})
    archive.record_response(second, item("http://a/1", status=410))
    finish(archive, second)
    alerts = check_run(archive.db, [second], "2001-01-01")
    assert kinds(alerts) == ["page_gone", "site_lost_promises"]
    gone = next(a for a in alerts if a.kind == "page_gone")
    assert gone.site == "2181" and gone.evidence["status"] == 410


def test_robots_forbidding_and_error_rate_are_reported(archive):
    run = archive.start_run("kommuner", {})
    for n in range(6):
        archive.record_error(run, "http://a/" if n == 0 else f"http://a/{n}/x", "2181", "robots",
                             "IgnoreRequest: Forbidden by robots.txt")
    finish(archive, run, requests=6, errors=6, by_site={"2181": 6})
    alerts = check_run(archive.db, [run], "2000-01-01")
    assert {"robots_forbids", "site_error_rate", "run_error_rate"} <= set(kinds(alerts))
    forbids = next(a for a in alerts if a.kind == "robots_forbids")
    assert forbids.site == "2181" and forbids.evidence == {"example_url": "http://a/",
                                                             "requests": 1}


def test_unfinished_run_is_an_error(archive):
    run = archive.start_run("kommuner", {})
    archive.update_run(run, {"requests": 1}, "interrupted")
    [alert] = [a for a in check_run(archive.db, [run], "2000-01-01") if a.kind == "run_failed"]
    assert alert.severity == "error"


def test_lock_excludes_a_second_holder(tmp_path):
    db = str(tmp_path / "a.db")
    with archive_lock(db):
        with pytest.raises(ArchiveLocked):
            with archive_lock(db):
                pass
    with archive_lock(db):  # released on exit
        pass


def test_health_thresholds_come_from_settings_and_recrawl_overrides():
    from crawler import settings
    from crawler.cli import _settings_in
    from crawler.ops.health import thresholds

    assert thresholds()["HEALTH_SITE_ERROR_RATE"] == settings.HEALTH_SITE_ERROR_RATE
    args = ("--municipality", "2181", "-s", "HEALTH_SITE_ERROR_RATE=0.9",
            "--setting=HEALTH_MIN_HISTORY=7", "-s", "DOWNLOAD_DELAY=2")
    limits = thresholds(_settings_in(args))
    assert limits["HEALTH_SITE_ERROR_RATE"] == 0.9 and limits["HEALTH_MIN_HISTORY"] == 7
