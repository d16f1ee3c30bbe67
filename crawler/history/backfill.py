"""``medborgarloften backfill``: versions from before the first crawl, from a web archive.

Asks the CDX server which captures of the targets exist (crawler.history.targets),
fetches each distinct capture once with the ``id_`` replay form, politely
(crawler.history.polite), and stores it as a snapshot of the page it captured
(crawler.history.ingest). Every handled capture is recorded in
``history_captures`` in the same transaction as its snapshot, so a killed
backfill continues where it stopped and a second run fetches nothing again.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

import requests

from crawler import settings
from crawler.faultpoints import reached
from crawler.history.cdx import (CdxCapture, CdxError, list_captures, parse_replay_url,
                                 replay_origin, replay_url, spread, timestamp_iso)
from crawler.history.ingest import Capture, store_capture
from crawler.history.polite import RETRIED_STATUSES, PoliteClient
from crawler.history.report import BackfillReport, history_reach
from crawler.history.targets import SiteMap, Target, host_key, initial_targets, pdf_links
from crawler.crawl import crawl_settings
from crawler.relevance import mentions_promise
from crawler.store.archive import Archive, utcnow
from crawler.store.read import read_body
from normalize.pagetext import PageTextError, page_text
from normalize.registry import by_code
from spiders.polisen import SECTION_PATHS

REDIRECTS = (301, 302, 303, 307, 308)


class Handled(NamedTuple):
    """What became of one capture; ``body``/``url`` for looking for PDF links."""

    outcome: str            # stored, failed, not_relevant
    message: str | None = None
    url: str | None = None
    body: bytes | None = None
MAX_REPLAY_REDIRECTS = 5


@dataclass
class BackfillOptions:
    db: str
    url: str | None = None
    codes: list[str] = field(default_factory=list)
    since: str | None = None            # CDX 'from' (e.g. "2015")
    until: str | None = None            # CDX 'to'
    endpoint: str = settings.BACKFILL_CDX_ENDPOINT
    max_per_url: int | None = None
    delay: float = settings.BACKFILL_DELAY


class Backfill:
    def __init__(self, options: BackfillOptions):
        self.options = options
        self.archive = Archive(options.db)
        self.db = self.archive.db
        self.sites = SiteMap(self.db)
        self.origin = replay_origin(options.endpoint)
        scrapy_settings = crawl_settings(options.db)   # USER_AGENT with MEDBORGARLOFTEN_CONTACT
        self.client = PoliteClient(scrapy_settings.get("USER_AGENT"), options.delay,
                                   settings.BACKFILL_MAX_WAIT, settings.BACKFILL_RETRIES,
                                   settings.BACKFILL_TIMEOUT,
                                   scrapy_settings.getint("DOWNLOAD_MAXSIZE"))
        if options.url:   # an explicit URL may be on a site the archive does not know
            self.sites.sites.setdefault(host_key(options.url), urlsplit(options.url).hostname)
        self.report = BackfillReport(politeness=self.client.stats)
        self.touched: set[str] = set()
        self.run_id: int | None = None
        self.seen: set[tuple[str, str]] = set()   # captures listed by an earlier target
        self.urls_done: set[str] = set()

    def run(self) -> BackfillReport:
        before = history_reach(self.db)
        run_id = self.run_id = self.archive.start_run("backfill", {
            "url": self.options.url, "codes": self.options.codes, "from": self.options.since,
            "to": self.options.until, "endpoint": self.options.endpoint})
        status = "interrupted"
        try:
            self._walk(run_id, initial_targets(self.db, self.sites, self.options.url,
                                               self.options.codes))
            status = "ok"
        finally:
            self._finish(run_id, status, before)
        return self.report

    def _walk(self, run_id: int, targets: list[Target]) -> None:
        queue, asked = deque(targets), set()
        while queue and len(asked) < settings.BACKFILL_MAX_TARGETS:
            target = queue.popleft()
            if target.url in asked:
                continue
            asked.add(target.url)
            for capture in self._captures(target):
                for link in self._handle(run_id, capture):
                    queue.append(Target(link, "exact"))

    def _captures(self, target: Target) -> list[CdxCapture]:
        try:
            listed = list(list_captures(
                self.client, self.options.endpoint, target.url, target.match_type,
                self.options.since, self.options.until, settings.BACKFILL_PAGE_SIZE,
                settings.BACKFILL_MAX_PAGES))
        except (CdxError, requests.RequestException) as exc:
            self.report.failed += 1
            self.report.cdx_failed += 1
            self.archive.record_error(self.run_id, target.url, "wayback", "other", f"CDX: {exc}")
            return []
        # A URL listed by an earlier target (a prefix above it) had all its
        # captures listed then: they were chosen (and spread) once.
        wanted = [c for c in listed if self._wanted(c, target)
                  and c.original not in self.urls_done
                  and (c.timestamp, c.original) not in self.seen]
        chosen = spread(wanted, self.options.max_per_url)
        self.urls_done.update(c.original for c in wanted)
        self.seen.update((c.timestamp, c.original) for c in chosen)
        self.report.listed += len(chosen)
        return chosen

    def _wanted(self, capture: CdxCapture, target: Target) -> bool:
        site = self.sites.site_for(capture.original)
        if site is None or (capture.statuscode and capture.statuscode != "200"):
            return False
        if target.only_codes:
            return bool(set(self.sites.municipalities_for(capture.original, site))
                        & set(target.only_codes))
        return True

    # -- one capture ---------------------------------------------------------
    def _handle(self, run_id: int, capture: CdxCapture) -> list[str]:
        """Fetch and store one capture; returns PDF links found in it."""
        key = replay_url(self.origin, capture.timestamp, capture.original)
        done = _one(self.db, "select h.snapshot_id, s.body_sha256, s.url, s.content_type "
                    "from history_captures h left join snapshots s on s.id = h.snapshot_id "
                    "where h.capture_url = ?", [key])
        if done is not None:
            self.report.already += 1
            if done["body_sha256"] and "html" in (done["content_type"] or ""):
                return self._links(read_body(self.db, done["body_sha256"]), done["url"])
            return []
        handled = self._fetch_and_store(run_id, capture, key)
        if handled.outcome == "failed":
            self.archive.record_error(run_id, capture.original, "wayback", "other",
                                      handled.message)
        return self._links(handled.body, handled.url) if handled.body is not None else []

    def _fetch_and_store(self, run_id: int, capture: CdxCapture, key: str) -> Handled:
        try:
            response, final = self._replay(key)
        except requests.RequestException as exc:   # not recorded: the next run tries again
            self.report.failed += 1
            return Handled("failed", f"uppspelning: {type(exc).__name__}: {exc}")
        if response is not None and response.status_code in RETRIED_STATUSES:
            # still throttled or failing after the retries: the next run tries again
            self.report.failed += 1
            return Handled("failed", f"uppspelningen svarade {response.status_code}: {final}")
        if response is None or response.status_code != 200:
            status = response.status_code if response is not None else "redirect"
            return self._record(run_id, key, capture, "failed", final,
                                f"uppspelningen svarade {status}: {final}")
        timestamp, captured = parse_replay_url(final)
        original = self.sites.archived_url(captured)
        site = self.sites.site_for(original)
        item = site and _capture_item(response, original, site, timestamp, final, self.sites)
        if not item or not self._relevant(item):
            return self._record(run_id, key, capture, "not_relevant", final, original)
        with self.db.atomic():
            stored = store_capture(self.db, run_id, item)
            reached("backfill")  # interruption tests: a kill here is mid-transaction
            self._mark(run_id, key, capture, stored.kind, final, None, stored.snapshot_id)
            if (timestamp, captured) != (capture.timestamp, capture.original):
                # the capture the archive redirected to is handled as well
                self._mark(run_id, replay_url(self.origin, timestamp, captured),
                           CdxCapture(timestamp, captured), stored.kind, final,
                           f"nådd via {key}", stored.snapshot_id)
                self.seen.add((timestamp, captured))
        self._count(stored, item)
        return Handled("stored", url=original, body=item.body)

    def _replay(self, url: str):
        """Follow the archive's own redirects (to the nearest capture, or to the
        capture of the URL the page redirected to); returns (response, final URL)."""
        for _ in range(MAX_REPLAY_REDIRECTS):
            response = self.client.get(url)
            if response.status_code not in REDIRECTS:
                return response, url
            location = urljoin(url, response.headers.get("Location", ""))
            if urlsplit(location).netloc != urlsplit(self.origin).netloc \
                    or parse_replay_url(location) is None:
                return None, location
            url = location
        return None, url

    def _relevant(self, item: Capture) -> bool:
        if item.body.startswith(b"%PDF") or "pdf" in item.content_type.lower():
            return True
        if urlsplit(item.url).path in SECTION_PATHS:
            return False   # the section's list page itself, as the crawl skips it
        try:
            text, _ = page_text(item.body, item.content_type, item.declared_encoding)
        except PageTextError:
            return False
        return mentions_promise(text)

    def _record(self, run_id, key, capture, outcome, final, message) -> Handled:
        with self.db.atomic():
            self._mark(run_id, key, capture, outcome, final, message, None)
        if outcome == "failed":
            self.report.failed += 1
        else:
            self.report.not_relevant += 1
        return Handled(outcome, message)

    def _mark(self, run_id, key, capture, outcome, final, message, snapshot_id) -> None:
        self.db["history_captures"].insert({
            "capture_url": key, "url": capture.original, "timestamp": capture.timestamp,
            "digest": capture.digest, "run_id": run_id, "handled_at": utcnow(),
            "outcome": outcome, "snapshot_id": snapshot_id, "final_url": final,
            "message": message}, ignore=True)

    def _count(self, stored, item: Capture) -> None:
        if stored.kind == "present":
            self.report.present += 1
            return
        self.report.stored += 1
        self.report.new_pages += stored.kind == "new_page"
        self.report.text_changes += stored.text_changed
        self.touched.update(item.municipalities or [item.site])

    def _links(self, body: bytes, base_url: str) -> list[str]:
        return pdf_links(body, base_url, self.sites, settings.BACKFILL_MAX_LINKS_PER_PAGE)

    # -- the end -------------------------------------------------------------
    def _finish(self, run_id: int, status: str, before: dict) -> None:
        after = history_reach(self.db)
        names = by_code()
        codes = set(self.options.codes) or self.touched
        self.report.reach = [(c, names[c].name if c in names else c, after[c], before.get(c))
                             for c in sorted(codes) if c in after]
        stats = self.report.politeness
        self.archive.update_run(run_id, {
            "requests": stats.requests, "bytes": stats.bytes, "new_pages": self.report.new_pages,
            "new_versions": self.report.stored, "text_changes": self.report.text_changes,
            "unchanged": self.report.present + self.report.already,
            "errors": self.report.failed,
        }, status=status, summary=json.dumps({
            "listed": self.report.listed, "waited_seconds": round(stats.waited, 2),
            "throttled": stats.throttled, "reach": {c: e for c, _, e, _ in self.report.reach},
        }))
        self.client.close()
        self.archive.close()


def run_backfill(options: BackfillOptions) -> BackfillReport:
    return Backfill(options).run()


def _capture_item(response, original: str, site: str, timestamp: str, final: str,
                  sites: SiteMap) -> Capture:
    headers = {k.lower(): v for k, v in response.headers.items()}
    for name in ("etag", "last-modified", "date"):   # the page's own, as archived
        if f"x-archive-orig-{name}" in headers:
            headers[name] = headers[f"x-archive-orig-{name}"]
    return Capture(url=original, site=site, fetched_at=timestamp_iso(timestamp),
                   body=response.content, source="wayback", capture_url=final,
                   content_type=headers.get("content-type", ""), headers=headers,
                   municipalities=sites.municipalities_for(original, site))


def _one(db, sql: str, params: list) -> dict | None:
    rows = list(db.query(sql, params))
    return rows[0] if rows else None
