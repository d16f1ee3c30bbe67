"""The ``recrawl`` command: the scheduled job."""

from __future__ import annotations

import sys

import click


@click.command(context_settings={"ignore_unknown_options": True})
@click.option("--db", default="archive.db", show_default=True,
              type=click.Path(dir_okay=False), help="Archive to update.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False),
              help="Also write the readable run report to this file.")
@click.argument("crawl_args", nargs=-1, type=click.UNPROCESSED)
def recrawl(db, report_path, crawl_args):
    """Crawl (conditional requests), normalize, compute changes, check health.

    Extra arguments are passed to `crawl` (e.g. --sites, --municipality, -s).
    Prints a report, stores it in crawl_runs.summary and alerts in the
    `alerts` table. Exit status: 0 healthy, 1 unhealthy (see the alerts),
    3 another re-crawl holds the archive's lock.

    \b
    Examples:
      medborgarloften recrawl --db /srv/medborgarloften/archive.db
      medborgarloften recrawl --db archive.db --report last-run.txt --municipality 2181
    """
    from crawler.recrawl import EXIT_LOCKED, ArchiveLocked, recrawl as run, write_report
    from crawler.settings_health import thresholds

    try:
        result = run(db, list(crawl_args), thresholds())
    except ArchiveLocked as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_LOCKED)
    click.echo(result.report)
    write_report(report_path, result.report)
    sys.exit(result.exit_code)
