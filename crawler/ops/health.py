"""Health monitors for unattended re-crawls.

Each check reads the archive after a run and returns alerts that name the
site and the evidence. Thresholds come from settings (HEALTH_*), so an
operator tunes them without touching code. Alerts are stored in the
``alerts`` table (served by Datasette) and printed in the run report.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field

import sqlite_utils
from scrapy.settings import Settings

# Their values live in crawler/settings.py, like every other setting.
HEALTH_KEYS = ("HEALTH_SITE_ERROR_RATE", "HEALTH_SITE_MIN_REQUESTS", "HEALTH_RUN_ERROR_RATE",
               "HEALTH_DURATION_FACTOR", "HEALTH_MIN_HISTORY")


def thresholds(overrides: dict | None = None) -> dict[str, float]:
    """HEALTH_* from crawler.settings, with `-s KEY=VALUE` overrides on top."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(overrides or {}, priority="cmdline")
    return {key: settings.getfloat(key) for key in HEALTH_KEYS}


@dataclass
class Alert:
    kind: str
    severity: str          # "error" makes the run unhealthy; "warning" does not
    site: str | None
    message: str           # Swedish, shown to users
    evidence: dict = field(default_factory=dict)

    def row(self, run_id: int, created_at: str) -> dict:
        data = asdict(self)
        data["evidence"] = json.dumps(self.evidence, ensure_ascii=False)
        return {"run_id": run_id, "created_at": created_at, **data}


def check_run(db: sqlite_utils.Database, crawl_run_ids: list[int], started_at: str,
              overrides: dict | None = None) -> list[Alert]:
    """All alerts for the crawl runs of one re-crawl."""
    limits = {**thresholds(), **(overrides or {})}
    runs = [next(db.query("select * from crawl_runs where id = ?", [i])) for i in crawl_run_ids]
    alerts: list[Alert] = []
    alerts += _unfinished_runs(runs)
    alerts += _pages_gone(db, started_at)
    alerts += _sites_lost_promises(db, started_at)
    alerts += _robots_forbids(db, crawl_run_ids)
    alerts += _error_rates(db, runs, limits)
    alerts += _durations(db, runs, limits)
    return alerts


def _unfinished_runs(runs) -> list[Alert]:
    return [Alert("run_failed", "error", None,
                  f"Körningen {r['spider']} avslutades inte normalt ({r['status']}).",
                  {"run_id": r["id"], "status": r["status"]})
            for r in runs if r["status"] != "ok"]


def _pages_gone(db, started_at: str) -> list[Alert]:
    """Promise pages that now answer 404/410: gone, not merely unreachable."""
    return [Alert("page_gone", "warning", r["site"],
                  f"Sidan {r['url']} svarar nu HTTP {r['gone_status']} (borttagen).",
                  {"url": r["url"], "status": r["gone_status"], "since": r["gone_since"]})
            for r in db.query("select * from pages where gone_since >= ?", [started_at])]


def _sites_lost_promises(db, started_at: str) -> list[Alert]:
    """A site that had archived pages, none of which was reached this run."""
    alerts = []
    for r in db.query("""
            select site, count(*) as pages, max(last_seen) as last_seen,
                   sum(gone_since is not null) as gone
            from pages group by site
            having max(coalesce(last_seen, '')) < ? or count(*) = sum(gone_since is not null)
            """, [started_at]):
        errors = [e["kind"] for e in db.query(
            "select distinct kind from fetch_errors where site = ? and at >= ?",
            [r["site"], started_at])]
        alerts.append(Alert(
            "site_lost_promises", "error", r["site"],
            f"Webbplatsen {r['site']} hade {r['pages']} arkiverade löftessidor men ingen "
            f"nåddes i denna körning.",
            {"archived_pages": r["pages"], "gone": r["gone"], "last_seen": r["last_seen"],
             "error_kinds_this_run": errors}))
    return alerts


def _robots_forbids(db, run_ids: list[int]) -> list[Alert]:
    """robots.txt now forbids a page we archived before, or a site's start page.

    A disallowed link to a page we never had is ordinary politeness, not news.
    """
    marks = ",".join("?" * len(run_ids))
    return [Alert("robots_forbids", "error", r["site"],
                  f"robots.txt på webbplatsen {r['site']} förbjuder nu {r['n']} av våra "
                  "förfrågningar.", {"example_url": r["url"], "requests": r["n"]})
            for r in db.query(f"""select e.site, count(*) as n, min(e.url) as url
                                  from fetch_errors e
                                  where e.kind = 'robots' and e.run_id in ({marks})
                                    and e.message like 'IgnoreRequest%'
                                    and (e.url in (select url from pages)
                                         or e.url like '%://%/' and e.url not like '%://%/%/')
                                  group by e.site""", run_ids)]


def _error_rates(db, runs, limits) -> list[Alert]:
    alerts = []
    total_requests = sum(r["requests"] or 0 for r in runs)
    total_errors = sum(r["errors"] or 0 for r in runs)
    if total_requests and total_errors / total_requests > limits["HEALTH_RUN_ERROR_RATE"]:
        alerts.append(Alert("run_error_rate", "error", None,
                            f"{total_errors} av {total_requests} förfrågningar misslyckades.",
                            {"errors": total_errors, "requests": total_requests}))
    for run in runs:
        by_site = json.loads(run["summary"] or "{}").get("requests_by_site", {})
        for r in db.query("select site, count(*) as n, group_concat(distinct kind) as kinds "
                          "from fetch_errors where run_id = ? group by site", [run["id"]]):
            requests = by_site.get(r["site"], 0)
            if requests >= limits["HEALTH_SITE_MIN_REQUESTS"] and \
                    r["n"] / requests > limits["HEALTH_SITE_ERROR_RATE"]:
                alerts.append(Alert(
                    "site_error_rate", "warning", r["site"],
                    f"{r['n']} av {requests} förfrågningar till webbplatsen {r['site']} "
                    "misslyckades.", {"errors": r["n"], "requests": requests,
                                      "kinds": r["kinds"]}))
    return alerts


def _durations(db, runs, limits) -> list[Alert]:
    alerts = []
    for run in runs:
        history = [r["seconds"] for r in db.query("""
            select (julianday(ended_at) - julianday(started_at)) * 86400 as seconds
            from crawl_runs where spider = ? and status = 'ok' and id < ? and ended_at is not null
            order by id desc limit 20""", [run["spider"], run["id"]])]
        if len(history) < limits["HEALTH_MIN_HISTORY"] or not run["ended_at"]:
            continue
        seconds = next(db.query("select (julianday(?) - julianday(?)) * 86400 as s",
                                [run["ended_at"], run["started_at"]]))["s"]
        usual = max(statistics.median(history), 1.0)
        factor = limits["HEALTH_DURATION_FACTOR"]
        if seconds > usual * factor or seconds < usual / factor:
            alerts.append(Alert(
                "unusual_duration", "warning", None,
                f"Körningen {run['spider']} tog {seconds:.0f} s; vanligen {usual:.0f} s.",
                {"seconds": round(seconds, 1), "median_seconds": round(usual, 1)}))
    return alerts
