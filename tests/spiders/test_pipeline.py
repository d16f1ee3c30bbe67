"""Spider output through the real archive pipeline into a temporary archive."""

from __future__ import annotations

import json

import sqlite_utils
from scrapy.http import Response

from crawler.coverage import coverage_rows
from crawler.pipelines import ArchivePipeline
from frozen import BROKEN_PDF, CODE, ROOT, SOFT_404, response, split

TITLE_ONLY = ROOT + "kommun-och-politik/trygghet-och-sakerhet/tillsammans-for-ett-tryggare-hylte/"


def run(spider, outputs) -> None:
    pipeline = ArchivePipeline(spider.crawler)
    pipeline.open_spider(spider)
    for output in outputs:
        for item in [o for group in split(output)[1:] for o in group]:
            pipeline.process_item(item, spider)
    pipeline.spider_closed(spider, "finished")


def test_relevant_page_is_stored_with_its_score_and_reasons(kommuner, archive_path):
    run(kommuner, [kommuner.parse_page(response(TITLE_ONLY, "lofte_bara_titel.html"))])
    db = sqlite_utils.Database(archive_path)
    page = db["pages"].get(TITLE_ONLY)
    assert page["relevant"] == 1 and page["relevance_score"] >= 8
    assert "titel: medborgarloft" in json.loads(page["relevance_reasons"])
    [snapshot] = db["snapshots"].rows
    assert "Tillsammans för ett tryggare Hylte" in snapshot["text"]


def test_soft_404_and_broken_sitemap_become_fetch_errors(kommuner, archive_path):
    soft = kommuner.parse_page(response(ROOT + "finns-inte/", SOFT_404))
    sitemap = kommuner.parse_sitemap(response(ROOT + "karta.xml", "inte_en_sitemap.xml",
                                              content_type="text/html", sitemap_declared=True))
    run(kommuner, [soft, sitemap])
    kinds = {r["kind"] for r in sqlite_utils.Database(archive_path)["fetch_errors"].rows}
    assert kinds == {"soft_404", "decode"}


def test_known_page_that_disappears_is_marked_gone(kommuner, archive_path):
    run(kommuner, [kommuner.parse_page(response(TITLE_ONLY, "lofte_bara_titel.html"))])
    gone = response(TITLE_ONLY, status=404, body=b"", found_via="known")
    run(kommuner, [kommuner.parse_page(gone)])
    page = sqlite_utils.Database(archive_path)["pages"].get(TITLE_ONLY)
    assert page["gone_since"] and page["gone_status"] == 404


def test_unreadable_pdf_is_kept_with_a_pdf_error(kommuner, archive_path):
    pdf = response(ROOT + "trasig.pdf", BROKEN_PDF, content_type="application/pdf",
                   cls=Response)
    run(kommuner, [kommuner.parse_page(pdf)])
    db = sqlite_utils.Database(archive_path)
    assert [r["kind"] for r in db["fetch_errors"].rows] == ["pdf"]
    assert db["snapshots"].count == 1


def test_coverage_row_after_the_crawl_names_the_best_candidate(kommuner, archive_path):
    run(kommuner, [kommuner.parse_page(response(ROOT + "nyheter/enkat-om-trygghet/",
                                                "lockbete_enkat.html"))])
    kommuner.coverage.answered[CODE] += 1
    kommuner.run_id = None
    kommuner.coverage.spider_closed(kommuner, "finished")
    [row] = coverage_rows(archive_path)
    assert row["status"] == "none" and row["status_text"] == "Inget löfte hittat"
    assert row["best_candidate_url"] == ROOT + "nyheter/enkat-om-trygghet/"
    run(kommuner, [kommuner.parse_page(response(TITLE_ONLY, "lofte_bara_titel.html"))])
    [row] = coverage_rows(archive_path)
    assert (row["status"], row["promise_pages"]) == ("found", 1)


def test_unanswered_site_is_unreachable_with_its_error(kommuner, archive_path):
    failed = response(ROOT + "sitemap.xml", status=503, body=b"", sitemap_declared=True)
    run(kommuner, [[kommuner.sitemap_error(failed, CODE)]])
    kommuner.coverage.spider_closed(kommuner, "finished")
    [row] = coverage_rows(archive_path)
    assert row["status"] == "unreachable" and "503" in row["error"]
