"""The ``backfill``, ``export-warc`` and ``import-warc`` commands (registered in crawler/cli.py)."""

from __future__ import annotations

import sys

import click

from crawler import settings
from crawler.history.backfill import BackfillOptions, run_backfill
from crawler.history.warc import export_warc, import_warc


@click.command()
@click.option("--db", default="archive.db", show_default=True, type=click.Path(dir_okay=False),
              help="Archive to add the old versions to.")
@click.option("--from", "since", default="2015", show_default=True, metavar="YYYY[MMDD…]",
              help="Earliest capture time (a timestamp prefix).")
@click.option("--to", "until", metavar="YYYY[MMDD…]", help="Latest capture time.")
@click.option("--url", help="Only captures of this URL and the pages below it.")
@click.option("--municipality", "municipalities", multiple=True, metavar="KOD",
              help="Only this municipality's archived pages and polisen.se pages about it "
                   "(repeatable, or comma-separated).")
@click.option("--all-known", is_flag=True,
              help="polisen.se's section and every archived page (the default).")
@click.option("--cdx-endpoint", default=settings.BACKFILL_CDX_ENDPOINT, show_default=True,
              help="CDX server; captures are replayed from the same host (/web/…id_/URL).")
@click.option("--max-captures-per-url", type=click.IntRange(1), metavar="N",
              help="At most N captures per URL, spread evenly over time.")
@click.option("--delay", type=click.FloatRange(0), default=settings.BACKFILL_DELAY,
              show_default=True, help="Seconds between two requests to the archive.")
def backfill(db, since, until, url, municipalities, all_known, cdx_endpoint,
             max_captures_per_url, delay):
    """Add versions from before the first crawl, from the Wayback Machine.

    Asks the CDX server which captures of polisen.se's medborgarlöften
    section (old paths too) and of the archived pages exist, fetches each
    distinct capture once (politely: one request at a time, a pause between
    requests, Retry-After honoured) and stores it as a version of the page
    it captured, dated by the capture. Old PDFs linked from captured pages
    are looked up too. Resumable: a second run fetches only what is new.
    Run `normalize` afterwards.

    \b
    Examples:
      medborgarloften backfill --municipality 2181
      medborgarloften backfill --from 2016 --to 2019 --max-captures-per-url 10
    """
    codes = [c.strip() for m in municipalities for c in m.split(",") if c.strip()]
    if url and (codes or all_known):
        raise click.UsageError("--url cannot be combined with --municipality/--all-known")
    report = run_backfill(BackfillOptions(
        db=db, url=url, codes=codes, since=since, until=until, endpoint=cdx_endpoint,
        max_per_url=max_captures_per_url, delay=delay))
    for line in report.lines():
        click.echo(line, err=True)
    if report.stored:
        click.echo(f"next: medborgarloften normalize --db {db}", err=True)
    if report.cdx_failed:
        click.echo(f"error: {report.cdx_failed} CDX queries failed (see fetch_errors); "
                   "the history found is incomplete", err=True)
        sys.exit(1)


@click.command("export-warc")
@click.option("--db", default="archive.db", show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="Archive to export.")
@click.option("--municipality", "municipalities", multiple=True, metavar="KOD",
              help="Only pages of these municipalities (repeatable, or comma-separated).")
@click.option("--since", metavar="DATE", help="Only versions fetched on or after DATE (YYYY-MM-DD).")
@click.argument("out", type=click.Path(dir_okay=False))
def export_warc_command(db, municipalities, since, out):
    """Write archived versions as WARC response records (OUT.warc.gz).

    Each version becomes a response record with its stored headers and
    original bytes, WARC-Date = when it was fetched (or captured) and a
    payload digest; pywb, warcio and other WARC tools read the file.
    """
    codes = [c.strip() for m in municipalities for c in m.split(",") if c.strip()]
    count = export_warc(db, out, codes, since)
    click.echo(f"export-warc: {count} records written to {out}", err=True)


@click.command("import-warc")
@click.option("--db", default="archive.db", show_default=True, type=click.Path(dir_okay=False),
              help="Archive to import into.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def import_warc_command(db, files):
    """Read response and revisit records from WARC files into the archive.

    Versions already present (same page, same body at that time) are
    skipped; a malformed record is reported with its offset and skipped.
    Exits 1 when any record could not be read. Run `normalize` afterwards.
    """
    report = import_warc(db, list(files))
    for line in report.lines():
        click.echo(line, err=True)
    sys.exit(1 if report.errors else 0)
