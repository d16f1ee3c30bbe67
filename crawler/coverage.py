"""Coverage per municipality after each crawl: was its promise found, where, and if not, why?

The municipal spider records, for every site it crawled, how many requests
were answered, the first error, a move to a new host and the best page it
judged but did not archive; ``refresh`` then derives each municipality's
status from the archive (promise pages on its own site, pages on polisen.se
tagged with its code). The ``coverage`` table, the Datasette page
(``tackning_per_kommun`` in crawler/web/metadata.yml) and
``medborgarloften coverage`` all read the same rows.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections import Counter

import sqlite_utils
from scrapy import signals

from crawler.store.archive import ArchiveError, open_db, utcnow, write_transaction

logger = logging.getLogger(__name__)

STATUS_TEXT = {
    "found": "Löfte hittat på kommunens webbplats",
    "polisen_only": "Löfte hittat bara på polisen.se",
    "none": "Inget löfte hittat",
    "unreachable": "Webbplatsen gick inte att nå",
}
# Pages archived before relevance was stored were archived as promise pages.
PROMISE_PAGES = ("select count(*) from pages where site = ? and gone_since is null"
                 " and coalesce(relevant, 1) = 1")
POLISEN_PAGES = ("select count(*) from pages where site = 'polisen' and gone_since is null"
                 " and coalesce(relevant, 1) = 1 and municipalities like ?")


class CoverageRecorder:
    """Listens to one municipal crawl and writes its coverage rows when it closes."""

    def __init__(self, crawler, spider):
        self.crawler, self.spider = crawler, spider
        self.requests: Counter = Counter()
        self.answered: Counter = Counter()   # responses that were not server errors
        crawler.signals.connect(self.request_reached, signal=signals.request_reached_downloader)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def request_reached(self, request, spider=None) -> None:
        self.requests[request.meta.get("site_code", "")] += 1

    def response_received(self, response, request, spider=None) -> None:
        if response.status < 500:
            self.answered[request.meta.get("site_code", "")] += 1

    def spider_closed(self, spider, reason) -> None:
        path = self.crawler.settings.get("ARCHIVE_PATH")
        run_id = getattr(spider, "run_id", None)
        try:
            db = open_db(path)
        except (sqlite3.Error, OSError, ArchiveError) as exc:
            # The archive cannot be written (full disk, corrupt): the pipeline has
            # already counted and reported that; the coverage rows wait for the next run.
            logger.error("täckningen registrerades inte: %s", exc)
            return
        try:
            with write_transaction(db):
                for site in spider.sites.values():
                    db["coverage"].upsert(self._row(db, site, run_id), pk="code")
            refresh(db)
        except (sqlite3.Error, OSError) as exc:
            logger.error("täckningen registrerades inte: %s", exc)
        finally:
            db.close()

    def _row(self, db: sqlite_utils.Database, site, run_id) -> dict:
        best = self.spider.best.get(site.code)
        error = _first_error(db, site.code, run_id)
        return {
            "code": site.code, "name": site.name, "site_url": site.url,
            "moved_to": self.spider.moves.get(site.code),
            "requests": self.requests[site.code],
            "errors": _count(db, "select count(*) from fetch_errors where site = ? and run_id = ?",
                             [site.code, run_id]),
            "error": error if not self.answered[site.code] else None,
            "best_candidate_url": best[1] if best else None,
            "best_candidate_score": best[0] if best else None,
            "best_candidate_reasons": json.dumps(best[2], ensure_ascii=False) if best else None,
            "run_id": run_id, "updated_at": utcnow(),
        }


def refresh(db: sqlite_utils.Database) -> None:
    """Recount promise pages (own site and polisen.se) and set every row's status."""
    with write_transaction(db):
        for row in list(db.query("select code, status, error from coverage")):
            own = _count(db, PROMISE_PAGES, [row["code"]])
            polisen = _count(db, POLISEN_PAGES, [f'%"{row["code"]}"%'])
            status = status_of(own, polisen, unreachable=bool(row["error"]))
            db["coverage"].update(row["code"], {
                "promise_pages": own, "polisen_pages": polisen, "status": status,
                "status_text": STATUS_TEXT[status]})


def status_of(own: int, polisen: int, unreachable: bool) -> str:
    if own:
        return "found"
    if unreachable:
        return "unreachable"
    return "polisen_only" if polisen else "none"


def coverage_rows(path: str | os.PathLike) -> list[dict]:
    """The coverage table, refreshed from the archive, in kommunkod order."""
    db = open_db(path)
    try:
        refresh(db)
        return list(db.query("select * from coverage order by code"))
    finally:
        db.close()


def _first_error(db, site: str, run_id) -> str | None:
    rows = list(db.query("select kind, message from fetch_errors where site = ? and run_id = ?"
                         " order by id limit 1", [site, run_id]))
    return f"{rows[0]['kind']}: {rows[0]['message']}" if rows else "inget svar"


def _count(db, sql: str, params: list) -> int:
    return db.execute(sql, params).fetchone()[0]
