"""Faults a re-crawl must survive, each recorded and none stopping the run.

The fixture web's `faults` site serves one page per fault (see
crawler/demo/README.md); two more sites break robots.txt, and one site's
host name does not resolve.
"""

from __future__ import annotations

import pytest

from crawler.demo.server import FixtureWeb
from tests.crawl_helpers import rows, run_crawl

pytestmark = pytest.mark.slow

FAST_FAILURES = ["-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1",
                 "-s", "RETRY_BACKOFF_BASE=0.1", "-s", "RETRY_BACKOFF_MAX=2"]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    db = tmp / "archive.db"
    with FixtureWeb() as web:
        sites = tmp / "sites.csv"
        sites.write_text(
            "code,name,url\n"
            f"faults,Felsajt (fixture),{web.url('faults')}\n"
            f"robotsfel,Robotsfel (fixture),{web.url('robotsfel')}\n"
            f"stangd,Stängd (fixture),{web.url('stangd')}\n"
            "dns,Finns inte (fixture),http://medborgarloften-fixture.invalid/\n",
            encoding="utf-8")
        first = run_crawl(db, web, sites, polisen=False, extra=FAST_FAILURES)
        web.set_version(2)
        second = run_crawl(db, web, sites, polisen=False, extra=FAST_FAILURES)
        yield {"db": db, "first": first, "second": second}


def errors(db, fragment: str) -> set[str]:
    return {r["kind"] for r in rows(db, "select kind from fetch_errors where url like ?",
                                    [f"%{fragment}%"])}


def test_both_runs_finish(crawled):
    assert crawled["first"].returncode == 0, crawled["first"].stderr[-3000:]
    assert crawled["second"].returncode == 0, crawled["second"].stderr[-3000:]


@pytest.mark.parametrize("path,kind", [
    ("/fel-500", "http_5xx"),
    ("/fel-503", "http_5xx"),
    ("/langsam", "timeout"),
    ("/aterstalld", "connection"),
    ("/loop-", "redirect"),
    ("/till-annan-sajt", "offsite"),
    ("/jattestor", "too_large"),
    ("/tom", "empty"),
    ("/mjuk-404", "soft_404"),
    ("/waf", "blocked"),
    ("/trasig.pdf", "pdf"),
])
def test_fault_is_recorded_with_its_kind(crawled, path, kind):
    assert kind in errors(crawled["db"], path)


def test_unresolvable_host_is_a_dns_error(crawled):
    assert "dns" in errors(crawled["db"], "medborgarloften-fixture.invalid")


def test_robots_disallow_all_is_obeyed_and_recorded(crawled):
    assert "robots" in errors(crawled["db"], crawled_url(crawled, "stangd"))
    assert rows(crawled["db"], "select count(*) as n from pages where site = 'stangd'")[0]["n"] == 0


def test_robots_500_is_recorded(crawled):
    assert "robots" in {r["kind"] for r in rows(
        crawled["db"], "select kind from fetch_errors where site = 'robotsfel'")}


def crawled_url(crawled, site):
    [row] = rows(crawled["db"], "select min(url) as url from fetch_errors where site = ?", [site])
    return row["url"] or "<none>"


@pytest.mark.parametrize("path,needle", [
    ("/cp1252-fel-charset", "Medborgarlöfte för Åre och Älvdalen"),
    ("/latin1-utan-charset", "Medborgarlöfte"),
    ("/trasig-html", "Medborgarlöfte"),
])
def test_bad_markup_and_charsets_come_out_right(crawled, path, needle):
    [snap] = rows(crawled["db"], "select text, detected_encoding from snapshots "
                                 "where url like ? order by id limit 1", [f"%{path}%"])
    assert needle in snap["text"] and "\ufffd" not in snap["text"]


def test_encrypted_pdf_keeps_raw_body_and_is_recorded(crawled):
    [snap] = rows(crawled["db"], "select * from snapshots where url like '%krypterad.pdf'")
    assert snap["size"] > 0
    assert snap["text_error"] is None or "pdf" in errors(crawled["db"], "krypterad.pdf")


def test_page_changing_on_every_fetch_is_not_a_new_text_version(crawled):
    snaps = rows(crawled["db"], "select text_changed from snapshots where url like '%/andras%'"
                                " order by id")
    assert len(snaps) == 2 and [s["text_changed"] for s in snaps] == [1, 0]


def test_page_answering_410_is_kept_and_marked_gone(crawled):
    [page] = rows(crawled["db"], "select * from pages where url like '%/forsvinner%'")
    assert page["gone_status"] == 410 and page["snapshot_count"] == 1


def test_utf8_page_with_stale_windows_1252_meta_keeps_its_letters_to_search(crawled, tmp_path):
    """Crawl → archive → normalize → search: one decoder, so "Mölndal" never becomes "MÃ¶lndal"."""
    import shutil

    from crawler.derive.run import normalize_archive

    [snap] = rows(crawled["db"], "select text, detected_encoding from snapshots "
                                 "where url like '%/utf8-med-gammal-meta/%' order by id limit 1")
    assert "Medborgarlöfte för Mölndal" in snap["text"] and "Ã" not in snap["text"]
    assert snap["detected_encoding"] == "utf-8"
    db = tmp_path / "copy.db"
    shutil.copy(crawled["db"], db)
    normalize_archive(str(db), progress=False)
    texts = [r["text"] for r in rows(db, "select c.text from commitments c "
                                         "where c.url like '%/utf8-med-gammal-meta/%'")]
    assert any("Åbro torg" in t for t in texts) and not any("Ã" in t for t in texts)
    hits = rows(db, "select text from search_words where search_words match ?", ['"Mölndalsån"'])
    assert hits and "Mölndalsån" in hits[0]["text"]
