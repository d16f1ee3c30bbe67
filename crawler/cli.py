"""The ``medborgarloften`` command line."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from crawler.crawl import SPIDERS

DEFAULT_DB = "archive.db"


@click.group()
@click.version_option(package_name="medborgarloften")
def cli():
    """Find, archive and compare Swedish medborgarlöften.

    \b
    Typical use:
      medborgarloften demo                 # offline demo: fixture web → archive → Datasette
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
    from crawler.crawl import run_crawl

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
    """Serve the archive with Datasette (read-only)."""
    from crawler.web.serving import serve_archive

    serve_archive(db, host=host, port=port, workers=workers)


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Archive to build (replaced if it exists).")
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Serve the archive with Datasette after building it.")
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--versions", default=2, show_default=True, type=click.IntRange(1, 2),
              help="Crawl version 1 of the fixture web, then (2) version 2 as a re-crawl.")
def demo(db, serve, port, versions):
    """Offline demo: crawl the bundled fixture web, then serve the archive.

    Starts a small fixture web on 127.0.0.x (municipal sites and a
    polisen.se-like site, all clearly marked as test pages), crawls it,
    re-crawls its second version (a reworded promise, a removed page, a
    footer-only change), normalizes, and serves the result.
    """
    from crawler.demo.server import FixtureWeb

    db_path = Path(db)
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
        from crawler.web.serving import serve_archive
        serve_archive(str(db_path), port=port)


def _after_crawl(db_path: Path) -> None:
    from crawler.derive.run import normalize_archive

    click.echo("Normalizing …", err=True)
    report = normalize_archive(str(db_path))
    click.echo(f"{report.documents} documents, {report.commitments} commitments, "
               f"{report.changes} change events", err=True)


def fast_crawl_settings() -> list[str]:
    """Settings for crawling the local fixture web: no politeness delays."""
    pairs = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False",
             "RETRY_BACKOFF_BASE": "0.1", "DOWNLOAD_TIMEOUT": "5", "LOG_LEVEL": "WARNING"}
    return [arg for k, v in pairs.items() for arg in ("-s", f"{k}={v}")]


def _register_commands() -> None:
    """Commands that live in their own modules."""
    from crawler.cli_extract import extract
    from crawler.cli_normalize import normalize
    from crawler.cli_recrawl import recrawl

    for command in (extract, normalize, recrawl):
        cli.add_command(command)


_register_commands()


if __name__ == "__main__":
    cli()
