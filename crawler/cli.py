"""The ``medborgarloften`` command line."""

from __future__ import annotations

import json
import mimetypes
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from crawler.crawl import SPIDERS, run_crawl
from crawler.demo.server import FixtureWeb
from crawler.derive.run import normalize_archive
from crawler.ops.health import thresholds
from crawler.ops.recrawl import EXIT_LOCKED, ArchiveLocked, recrawl as run_recrawl, write_report
from crawler.web.serving import PortInUse, check_port, serve_archive
from normalize import InputError, extract as extract_promises

DEFAULT_DB = "archive.db"
DEMO_DB = "demo.db"  # the demo never writes DEFAULT_DB: a real archive is not lost by trying it


@click.group()
@click.version_option(package_name="medborgarloften")
def cli():
    """Find, archive and compare Swedish medborgarlöften.

    \b
    Typical use:
      medborgarloften demo                 # offline demo: fixture web → demo.db → Datasette
      medborgarloften crawl                # polisen.se and all 290 municipal sites
      medborgarloften serve archive.db     # browse the archive
    """


def _parse_settings(pairs: tuple[str, ...]) -> dict:
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--setting")
        overrides[key.strip()] = value
    return overrides


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Archive database to write.")
@click.option("--spider", "spiders", multiple=True, type=click.Choice(SPIDERS),
              help="Only these spiders (repeatable). Default: all; with --sites only kommuner "
                   "unless --polisen-url is given.")
@click.option("--sites", type=click.Path(exists=True, dir_okay=False),
              help="CSV of municipal sites (header code,name,url) instead of the registry.")
@click.option("--municipality", "municipalities", multiple=True, metavar="CODE",
              help="Only these kommunkoder (repeatable, or comma-separated).")
@click.option("--max-pages-per-site", type=int, help="Request budget per municipal site.")
@click.option("--polisen-url", help="Root of the polisen.se site (for mirrors and tests).")
@click.option("-s", "--setting", "settings", multiple=True, metavar="KEY=VALUE",
              help="Override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=2.")
def crawl(db, spiders, sites, municipalities, max_pages_per_site, polisen_url, settings):
    """Crawl polisen.se and municipal sites into the archive.

    Conditional requests make a re-crawl cheap: unchanged pages answer 304
    and add nothing. Exits non-zero when a crawl run did not finish cleanly.

    \b
    Examples:
      medborgarloften crawl --municipality 2181 --municipality 1766
      medborgarloften crawl --spider polisen --db polisen.db
    """
    if not spiders:
        spiders = SPIDERS if (not sites or polisen_url) else ("kommuner",)
    codes = [c.strip() for m in municipalities for c in m.split(",") if c.strip()]
    run_ids = run_crawl(db, spiders, sites=sites, municipalities=codes or None,
                        max_pages_per_site=max_pages_per_site, polisen_url=polisen_url,
                        overrides=_parse_settings(settings))
    sys.exit(_report_runs(db, run_ids))


def _report_runs(db: str, run_ids: list) -> int:
    """Print one line per run; 0 when every run finished."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    failed = 0
    for run_id in run_ids:
        if run_id is None:  # archive pipeline switched off (benchmarks)
            continue
        row = conn.execute("select * from crawl_runs where id = ?", [run_id]).fetchone()
        if row is None:
            failed += 1
            continue
        click.echo(f"run {row['id']} {row['spider']}: {row['status']}; requests {row['requests']}, "
                   f"new pages {row['new_pages']}, new versions {row['new_versions']}, "
                   f"text changes {row['text_changes']}, unchanged "
                   f"{(row['unchanged'] or 0) + (row['not_modified'] or 0)}, gone {row['gone']}, "
                   f"errors {row['errors']}", err=True)
        failed += row["status"] != "ok"
    conn.close()
    return 1 if failed else 0


@cli.command()
@click.argument("db", default=DEFAULT_DB, type=click.Path(exists=True, dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Server processes (default: MEDBORGARLOFTEN_SERVE_WORKERS, else 1). "
                   "One per core suits many readers (crawler/web/workers.py).")
def serve(db, host, port, workers):
    """Serve the archive with Datasette (read-only). Exits non-zero when the
    port is taken; a server process that dies is restarted."""
    sys.exit(_serve(db, host, port, workers))


def _serve(db: str, host: str, port: int, workers: int | None = None) -> int:
    try:
        return serve_archive(db, host=host, port=port, workers=workers)
    except PortInUse as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@click.option("--db", default=DEMO_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Demo archive to build (replaced if it exists and was made by the demo).")
@click.option("--force", is_flag=True,
              help="Replace --db even if it is not a demo archive (a real archive is lost).")
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Serve the archive with Datasette after building it.")
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--versions", default=2, show_default=True, type=click.IntRange(1, 2),
              help="Crawl version 1 of the fixture web, then (2) version 2 as a re-crawl.")
def demo(db, serve, port, versions, force):
    """Offline demo: crawl the bundled fixture web, then serve the archive.

    Starts a small fixture web on 127.0.0.x (municipal sites and a
    polisen.se-like site, all clearly marked as test pages), crawls it,
    re-crawls its second version (a reworded promise, a removed page, a
    footer-only change), normalizes, and serves the result. Writes demo.db
    (never archive.db, the real archive's default).
    """
    db_path = Path(db)
    _check_demo_target(db_path, force, port if serve else None)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    shutil.rmtree(f"{db_path}.httpcache", ignore_errors=True)
    with FixtureWeb() as web, tempfile.TemporaryDirectory() as tmp:
        sites_csv = web.write_sites_csv(Path(tmp) / "sites.csv")
        for version in range(1, versions + 1):
            web.set_version(version)
            click.echo(f"Crawling fixture web version {version} …", err=True)
            code = subprocess.call([
                sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db_path),
                "--sites", str(sites_csv), "--polisen-url", web.polisen_url,
                *fast_crawl_settings()])
            if code != 0:
                raise click.ClickException(f"crawl of version {version} failed (exit {code})")
    _after_crawl(db_path)
    click.echo(f"Archive written to {db_path}", err=True)
    if serve:
        sys.exit(_serve(str(db_path), "127.0.0.1", port))


def _check_demo_target(db_path: Path, force: bool, port: int | None) -> None:
    """Refuse, before anything is written, to replace an archive the demo did
    not make, or to build a demo it cannot serve (the port is taken)."""
    if db_path.exists() and not force and not is_demo_archive(db_path):
        raise click.ClickException(
            f"{db_path} finns och är inte ett demoarkiv; den skrivs inte över. Välj en annan "
            "fil med --db, eller --force för att ersätta den.")
    if port is not None:
        try:
            check_port("127.0.0.1", port)
        except PortInUse as exc:
            raise click.ClickException(str(exc)) from None


def is_demo_archive(path: Path) -> bool:
    """Whether ``path`` is an archive the demo made: every page it holds is on
    the loopback fixture web (127.0.0.x). Anything else, including a file
    that is not an archive, is not replaced without --force."""
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        try:
            foreign = conn.execute("select count(*) from pages where url not like 'http://127.%'"
                                   ).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return foreign == 0


def _after_crawl(db_path: Path) -> None:
    click.echo("Normalizing …", err=True)
    report = normalize_archive(str(db_path))
    click.echo(f"{report.documents} documents, {report.commitments} commitments, "
               f"{report.changes} change events", err=True)


def fast_crawl_settings() -> list[str]:
    """Settings for crawling the local fixture web: no politeness delays."""
    pairs = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False",
             "RETRY_BACKOFF_BASE": "0.1", "DOWNLOAD_TIMEOUT": "5", "LOG_LEVEL": "WARNING"}
    return [arg for k, v in pairs.items() for arg in ("-s", f"{k}={v}")]


# Extensions mimetypes may not know on every system.
_TYPES = {".txt": "text/plain", ".text": "text/plain", ".html": "text/html",
          ".htm": "text/html", ".xhtml": "text/html", ".pdf": "application/pdf"}


def guess_content_type(path: str) -> str | None:
    """Content type from the file name; None for stdin and unknown extensions
    (the normalizer then sniffs: %PDF magic, HTML markup, else plain text)."""
    if path == "-":
        return None
    lowered = path.lower()
    for extension, content_type in _TYPES.items():
        if lowered.endswith(extension):
            return content_type
    return mimetypes.guess_type(path)[0]


@cli.command()
@click.option("--url", metavar="URL",
              help="The page's address. Helps find the municipality (polisen.se slug or the "
                   "municipality's own domain) and is echoed in the output.")
@click.argument("path", type=click.Path(allow_dash=True, dir_okay=False))
def extract(url, path):
    """Print the promises found in one HTML page, PDF or text file as JSON.

    PATH is a saved page: .html, .pdf, or .txt (the page's text as a browser
    shows it). PATH '-' reads standard input. The output is one JSON object:
    {"url", "municipalities": [{"code", "name"}], "documents": [{"title",
    "period", "signed", "signatories", "commitments": [...]}]}.

    A page that is simply not a promise prints an empty "documents" list.
    Input that is not a page at all (empty, binary, a broken or encrypted PDF)
    prints "error: …" on stderr and exits with status 2.

    \b
    Examples:
      medborgarloften extract --url https://polisen.se/om-polisen/medborgarloften/varmland/sunne/ sunne.txt
      medborgarloften extract medborgarlofte-2024.pdf
      curl -s https://www.example.se/trygghet/ | medborgarloften extract -
    """
    try:
        if path == "-":
            content = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as handle:
                content = handle.read()
        result = extract_promises(content, url=url, content_type=guess_content_type(path))
    except (InputError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:  # a normalizer bug must still end in a clear message
        click.echo(f"error: could not normalize {path}: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@cli.command()
@click.option("--db", default="archive.db", show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="Archive to normalize.")
@click.option("--all", "reprocess_all", is_flag=True,
              help="Re-normalize every snapshot, not only those with new text.")
def normalize(db, reprocess_all):
    """Derive documents, commitments, themes and changes from archived snapshots.

    Idempotent: running it twice changes nothing. Only snapshots whose text
    is new (or normalized by an older normalizer version) are processed
    unless --all. A snapshot that cannot be normalized is recorded in
    normalized_snapshots.error and skipped.

    \b
    Example:
      medborgarloften normalize --db archive.db
    """
    report = normalize_archive(db, reprocess_all=reprocess_all)
    click.echo(f"normalized {report.processed} snapshots ({report.failed} failed): "
               f"{report.documents} documents, {report.commitments} commitments, "
               f"{report.changes} new change events", err=True)


@cli.command(context_settings={"ignore_unknown_options": True})
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
    try:
        result = run_recrawl(db, list(crawl_args), thresholds(_settings_in(crawl_args)))
    except ArchiveLocked as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_LOCKED)
    click.echo(result.report)
    write_report(report_path, result.report)
    sys.exit(result.exit_code)


def _settings_in(args: tuple[str, ...]) -> dict:
    """The -s/--setting KEY=VALUE pairs among arguments passed on to `crawl`."""
    pairs = [value for flag, value in zip(args, args[1:]) if flag in ("-s", "--setting")]
    pairs += [a.split("=", 1)[1] for a in args if a.startswith("--setting=")]
    return _parse_settings(tuple(pairs))


if __name__ == "__main__":
    cli()
