"""The ``medborgarloften`` command line."""

from __future__ import annotations

import errno
import json
import mimetypes
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import click

from crawler.coverage import coverage_rows
from crawler.crawl import SPIDERS, SpiderRun, archiving, crawl_settings, fast_crawl_settings, run_crawl
from crawler.demo.server import FixtureWeb
from crawler.demo.wayback import WaybackFixture
from crawler.history.backfill import BackfillOptions, run_backfill
from crawler.derive.run import normalize_archive
from crawler.history.commands import backfill, export_warc_command, import_warc_command
from crawler.ops.health import thresholds
from crawler.ops.recrawl import EXIT_LOCKED, ArchiveLocked, recrawl as run_recrawl, write_report
from crawler.sites import SitesFileError, read_sites_csv, url_problem
from crawler.store.archive import EXIT_ARCHIVE, ArchiveError, archive_error, open_db
from crawler.store.check import check_archive, connect_readonly
from crawler.web.serving import PortInUse, check_port, serve_archive
from normalize import InputError, explain as explain_units, extract as extract_promises
from normalize.pagetext import as_utf8, truncation_notes
from normalize.registry import load_municipalities

DEFAULT_DB = "archive.db"
DEMO_DB = "demo.db"  # the demo never writes DEFAULT_DB: a real archive is not lost by trying it
EXIT_USAGE = 2
MAX_EXTRACT_BYTES = 50 * 1024 * 1024   # a promise page is kB; a big PDF a few MB
PAGES_PER_SITE_CEILING = 100_000  # a --max-pages-per-site above this is a typo


class _Commands(click.Group):
    """Every command's errors end as one line and an exit status (README,
    "Exit codes"); ``--debug`` shows the traceback instead."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:   # one line, not usage + hint + error
            hint = f"{exc.ctx.command_path}: " if exc.ctx else ""
            click.echo(f"error: {hint}{exc.format_message()}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            code, message = user_error(exc)
            click.echo(f"error: {message}", err=True)
            ctx.exit(code)


def user_error(exc: Exception) -> tuple[int, str]:
    """(exit status, one plain line) for an error that reached the top."""
    if isinstance(exc, ArchiveError):
        return EXIT_ARCHIVE, str(exc)
    if isinstance(exc, SitesFileError):
        return EXIT_USAGE, str(exc)
    if isinstance(exc, sqlite3.Error):
        return EXIT_ARCHIVE, str(archive_error("", exc)).replace("archive  ", "the archive ")
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return EXIT_ARCHIVE, f"the disk is full ({exc.filename or exc.strerror})"
        return 1, f"{exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}"
    return 1, (f"unexpected {type(exc).__name__}: {exc} "
               "(run with --debug for the traceback)")


@click.group(cls=_Commands)
@click.version_option(package_name="medborgarloften")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
def cli(debug):
    """Find, archive and compare Swedish medborgarlöften.

    \b
    Typical use:
      medborgarloften demo                 # offline demo: fixture web → demo.db → Datasette
      medborgarloften crawl                # polisen.se and all 290 municipal sites
      medborgarloften serve archive.db     # browse the archive
      medborgarloften check archive.db     # is the archive intact?

    Exit codes: 0 done; 1 finished with failures (see the lines printed);
    2 usage error or unusable input; 3 another re-crawl holds the archive;
    4 the archive cannot be used (read-only, corrupt, disk full).
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
              help="CSV of municipal sites (header code,name,url; comma, semicolon or tab) "
                   "instead of the registry. Bad rows are reported and skipped.")
@click.option("--municipality", "municipalities", multiple=True, metavar="CODE",
              help="Only these kommunkoder (repeatable, or comma-separated).")
@click.option("--max-pages-per-site", type=click.IntRange(1, PAGES_PER_SITE_CEILING),
              help="Request budget per municipal site.")
@click.option("--polisen-url", help="Root of the polisen.se site (for mirrors and tests).")
@click.option("--allow-private-hosts", is_flag=True,
              help="Also crawl loopback and private addresses (the fixture web of the demo "
                   "and the tests). Without it only public hosts are fetched.")
@click.option("-s", "--setting", "settings", multiple=True, metavar="KEY=VALUE",
              help="Override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=2.")
def crawl(db, spiders, sites, municipalities, max_pages_per_site, polisen_url,
          allow_private_hosts, settings):
    """Crawl polisen.se and municipal sites into the archive.

    Conditional requests make a re-crawl cheap: unchanged pages answer 304
    and add nothing. Only http(s) URLs to public hosts are fetched unless
    --allow-private-hosts.

    \b
    Exit status: 0 every run finished and every page was stored;
    1 a run did not finish, a page could not be stored, or a sites row
    was rejected; 2 usage error (unknown code, bad number, unusable sites
    file); 4 the archive cannot be written (read-only, corrupt, disk full).

    \b
    Examples:
      medborgarloften crawl --municipality 2181 --municipality 1766
      medborgarloften crawl --spider polisen --db polisen.db
    """
    overrides = _parse_settings(settings)
    if allow_private_hosts:
        overrides["ALLOW_PRIVATE_HOSTS"] = "True"
    allow_private = str(overrides.get("ALLOW_PRIVATE_HOSTS", "")).lower() in ("1", "true", "yes")
    if not spiders:
        spiders = SPIDERS if (not sites or polisen_url) else ("kommuner",)
    codes = [c.strip() for m in municipalities for c in m.split(",") if c.strip()]
    _check_setting_values(db, overrides)
    rejected = _check_crawl_input(spiders, sites, codes, polisen_url, allow_private)
    open_db(db).close()   # fails early, in one line, on an unusable archive
    outcomes = run_crawl(db, spiders, sites=sites, municipalities=codes or None,
                         max_pages_per_site=max_pages_per_site, polisen_url=polisen_url,
                         overrides=overrides)
    code = _report_runs(db, outcomes, archiving=_archiving(db, overrides))
    if rejected:
        click.echo(f"error: {rejected} row(s) of {sites} were rejected (listed above)", err=True)
    sys.exit(code or (1 if rejected else 0))


def _archiving(db: str, overrides: dict) -> bool:
    return archiving(crawl_settings(db, overrides))


def _check_setting_values(db: str, overrides: dict) -> None:
    """-s values of numeric or yes/no settings must parse (else Scrapy dies mid-start)."""
    defaults = crawl_settings(db)
    for key, value in overrides.items():
        default = defaults.get(key)
        kind = "true or false" if isinstance(default, bool) else \
            "a number" if isinstance(default, (int, float)) else None
        if kind is None:
            continue
        try:
            if isinstance(default, bool):
                if str(value).lower() not in ("1", "0", "true", "false", "yes", "no"):
                    raise ValueError(value)
            else:
                float(value)   # Scrapy reads some int settings with getfloat
        except ValueError:
            raise click.BadParameter(f"{key}={value}: expected {kind}",
                                     param_hint="--setting") from None


def _check_crawl_input(spiders, sites, codes, polisen_url, allow_private) -> int:
    """Usage errors before anything is fetched; returns the rejected CSV rows."""
    if polisen_url and "polisen" in spiders:
        problem = url_problem(polisen_url, allow_private)
        if problem:
            raise click.BadParameter(problem, param_hint="--polisen-url")
    rejected, known = 0, None
    if sites and "kommuner" in spiders:
        good, problems = read_sites_csv(sites, allow_private)
        for line in problems:
            click.echo(f"error: {line}", err=True)
        rejected = len(problems)
        if not good:
            raise SitesFileError(f"{sites}: no usable rows (header code,name,url, then one "
                                 "row per site)")
        known = {s.code for s in good}
    elif codes:
        known = {m.code for m in load_municipalities()}
    unknown = [c for c in codes if known is not None and c not in known]
    if unknown:
        where = sites if sites else "the municipality registry"
        raise click.BadParameter(f"unknown code(s) {', '.join(unknown)} (not in {where})",
                                 param_hint="--municipality")
    return rejected


def _report_runs(db: str, outcomes: list[SpiderRun], archiving: bool = True) -> int:
    """Print one line per run; 0 when every run finished and stored everything."""
    if not archiving:   # archive pipeline switched off (benchmarks)
        return 0
    failed = 0
    conn = None
    for outcome in outcomes:
        if outcome.run_id is None:
            failed += 1
            reason = outcome.archive_error or "it stopped before its run started (see the log)"
            click.echo(f"error: spider {outcome.spider} stored nothing: {reason}", err=True)
            continue
        conn = conn or connect_readonly(db)
        failed += _report_run(conn, outcome.run_id)
    if conn is not None:
        conn.close()
    return 1 if failed else 0


def _report_run(conn: sqlite3.Connection, run_id: int) -> int:
    conn.row_factory = sqlite3.Row
    row = conn.execute("select * from crawl_runs where id = ?", [run_id]).fetchone()
    if row is None:
        click.echo(f"error: run {run_id} is missing from the archive", err=True)
        return 1
    click.echo(f"run {row['id']} {row['spider']}: {row['status']}; requests {row['requests']}, "
               f"new pages {row['new_pages']}, new versions {row['new_versions']}, "
               f"text changes {row['text_changes']}, unchanged "
               f"{(row['unchanged'] or 0) + (row['not_modified'] or 0)}, gone {row['gone']}, "
               f"errors {row['errors']}", err=True)
    summary = json.loads(row["summary"] or "{}")
    if summary.get("store_failures"):
        click.echo(f"error: run {row['id']}: {summary['store_failures']} fetched page(s) "
                   "could not be stored in the archive (fetch_errors kind 'store')", err=True)
    elif row["status"] == "running":
        click.echo(f"error: run {row['id']} could not record its end (archive not writable?)",
                   err=True)
    return int(row["status"] != "ok")


@cli.command()
@click.argument("db", default=DEFAULT_DB, type=click.Path(exists=True, dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Server processes (default: MEDBORGARLOFTEN_SERVE_WORKERS, else 1). "
                   "One per core suits many readers (crawler/web/workers.py).")
def serve(db, host, port, workers):
    """Serve the archive with Datasette (read-only). Exits non-zero when the
    port is taken; a server process that dies is restarted.

    Exit status 4 when the file is not a readable archive.
    """
    connect_readonly(db).close()
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
    footer-only change), backfills older versions from a fixture web archive
    (history back to 2015), normalizes, and serves the result. Writes demo.db
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
        _demo_backfill(db_path, web)
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


def _demo_backfill(db_path: Path, web: FixtureWeb) -> None:
    """History back to 2015 from the fixture web archive (crawler/demo/wayback.py)."""
    click.echo("Backfilling from the fixture web archive …", err=True)
    with WaybackFixture(web) as archive:
        report = run_backfill(BackfillOptions(db=str(db_path), endpoint=archive.endpoint,
                                              delay=0.0))
    for line in report.lines():
        click.echo(line, err=True)


def _after_crawl(db_path: Path) -> None:
    click.echo("Normalizing …", err=True)
    report = normalize_archive(str(db_path))
    click.echo(f"{report.documents} documents, {report.commitments} commitments, "
               f"{report.changes} change events", err=True)


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


def _check_url(ctx, param, value):
    if value is None:
        return None
    problem = url_problem(value, allow_private=True)   # only a label here, never fetched
    if problem:
        raise click.BadParameter(problem)
    return value


@cli.command()
@click.option("--url", metavar="URL", callback=_check_url,
              help="The page's address. Helps find the municipality (polisen.se slug or the "
                   "municipality's own domain) and is echoed in the output.")
@click.option("--explain", is_flag=True,
              help="Instead of the JSON, print every candidate unit (list item, sentence, "
                   "title) with whether it was kept as a commitment or dropped, and why.")
@click.argument("path", type=click.Path(allow_dash=True, dir_okay=False))
def extract(url, explain, path):
    """Print the promises found in one HTML page, PDF or text file as JSON.

    PATH is a saved page: .html, .pdf, or .txt (the page's text as a browser
    shows it; UTF-8, or UTF-16/32 with or without BOM). PATH '-' reads
    standard input. The output is one JSON object:
    {"url", "municipalities": [{"code", "name"}], "documents": [{"title",
    "period", "signed", "signatories", "commitments": [...]}]}.

    A page that is simply not a promise prints an empty "documents" list.
    --explain prints one line per candidate instead: "kept" or "dropped", the
    reason, and the text, to see why a promise was missed or a line was taken.
    Input that is not a page at all (empty, binary, a broken or encrypted
    PDF, over 50 MB) or a bad --url prints "error: …" on stderr and exits
    with status 2. A page cut to stay within limits (PDF pages, deep HTML
    nesting) prints "warning: …" on stderr.

    \b
    Examples:
      medborgarloften extract --url https://polisen.se/om-polisen/medborgarloften/varmland/sunne/ sunne.txt
      medborgarloften extract medborgarlofte-2024.pdf
      medborgarloften extract --explain --url https://www.example.se/lofte.pdf lofte.txt
      curl -s https://www.example.se/trygghet/ | medborgarloften extract -
    """
    try:
        content = as_utf8(_read_input(path))
        if explain:
            for unit in explain_units(content, url=url, content_type=guess_content_type(path)):
                text = " ".join(unit["text"].split())
                click.echo(f"{unit['verdict']:<8}{unit['why']}\n        {text}")
            return
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = extract_promises(content, url=url, content_type=guess_content_type(path))
    except (InputError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # a normalizer bug must still end in a clear message
        click.echo(f"error: could not normalize {path}: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    cut = truncation_notes(caught)
    if cut:
        click.echo(f"warning: {path}: {cut}", err=True)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


def _read_input(path: str) -> bytes:
    """At most MAX_EXTRACT_BYTES of the file (or stdin); InputError beyond."""
    if path == "-":
        content = sys.stdin.buffer.read(MAX_EXTRACT_BYTES + 1)
    else:
        with open(path, "rb") as handle:
            content = handle.read(MAX_EXTRACT_BYTES + 1)
    if len(content) > MAX_EXTRACT_BYTES:
        raise InputError(f"{path} is larger than {MAX_EXTRACT_BYTES // (1024 * 1024)} MB; "
                         "a promise page is far smaller")
    return content


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
    normalized_snapshots.error and skipped; a snapshot whose stored body
    cannot be read (missing, damaged) keeps its earlier results.

    \b
    Exit status: 0 done (pages that are not promises included); 1 a stored
    body could not be read (see `medborgarloften check`); 4 the archive
    cannot be used (read-only, corrupt, disk full).

    \b
    Example:
      medborgarloften normalize --db archive.db
    """
    report = normalize_archive(db, reprocess_all=reprocess_all)
    click.echo(f"normalized {report.processed} snapshots ({report.failed} failed): "
               f"{report.documents} documents, {report.commitments} commitments, "
               f"{report.changes} new change events", err=True)
    if report.unreadable:
        click.echo(f"error: {report.unreadable} snapshot(s) had an unreadable stored body; "
                   "their earlier results were kept", err=True)
        sys.exit(1)


@cli.command()
@click.argument("db", default=DEFAULT_DB, type=click.Path(dir_okay=False))
def check(db):
    """Check that the archive is intact; one line per finding.

    Runs SQLite's integrity_check and foreign_key_check, looks for orphan
    rows (snapshots without page or body, documents without snapshot, …)
    and decompresses every stored body to compare it with its sha256 (bit
    rot inside a compressed body is invisible to integrity_check). Opens
    the archive read-only.

    \b
    Exit status: 0 intact; 1 findings (printed); 4 not a readable archive.

    \b
    Example:
      medborgarloften check archive.db
    """
    findings = check_archive(db)
    for finding in findings:
        click.echo(finding)
    if findings:
        click.echo(f"error: {len(findings)} finding(s) in {db}", err=True)
        sys.exit(1)
    click.echo(f"{db}: intact", err=True)


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True,
              type=click.Path(exists=True, dir_okay=False), help="Archive to read.")
@click.option("--status", type=click.Choice(["found", "polisen_only", "none", "unreachable"]),
              help="Only municipalities with this status.")
def coverage(db, status):
    """Per municipality: was a promise page found, where, and if not, why.

    Reads the `coverage` table that each municipal crawl writes (the same
    rows as the Datasette page "Täckning per kommun"): found on the
    municipal site, only on polisen.se, none found (with the best candidate
    page and its score), or site unreachable (with the error).
    """
    rows = [r for r in coverage_rows(db) if status in (None, r["status"])]
    for row in rows:
        click.echo(_coverage_line(row))
    counts = {}
    for row in rows:
        counts[row["status_text"]] = counts.get(row["status_text"], 0) + 1
    click.echo("; ".join(f"{text}: {n}" for text, n in sorted(counts.items())) or
               "inga kommuner i täckningstabellen", err=True)


def _coverage_line(row: dict) -> str:
    line = (f"{row['code']} {row['name']}: {row['status_text']} (egna sidor "
            f"{row['promise_pages']}, polisen.se {row['polisen_pages']}, förfrågningar "
            f"{row['requests']})")
    if row["moved_to"]:
        line += f"; flyttad till {row['moved_to']}"
    if row["status"] == "unreachable":
        line += f"; fel: {row['error']}"
    elif row["status"] != "found" and row["best_candidate_url"]:
        line += (f"; bästa kandidat {row['best_candidate_url']} "
                 f"(poäng {row['best_candidate_score']})")
    return line


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
    2 usage error (e.g. a --report path that cannot be written), 3 another
    re-crawl holds the archive's lock, 4 the archive cannot be used.

    \b
    Examples:
      medborgarloften recrawl --db /srv/medborgarloften/archive.db
      medborgarloften recrawl --db archive.db --report last-run.txt --municipality 2181
    """
    _check_writable(report_path, "--report")
    try:
        result = run_recrawl(db, list(crawl_args), thresholds(_settings_in(crawl_args)))
    except ArchiveLocked as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_LOCKED)
    click.echo(result.report)
    write_report(report_path, result.report)
    sys.exit(result.exit_code)


def _check_writable(path: str | None, option: str) -> None:
    """A file we will write at the end: its directory must exist and be writable."""
    if path is None:
        return
    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise click.BadParameter(f"directory {parent} does not exist", param_hint=option)
    if not os.access(target if target.exists() else parent, os.W_OK):
        raise click.BadParameter(f"{path} is not writable", param_hint=option)


def _settings_in(args: tuple[str, ...]) -> dict:
    """The -s/--setting KEY=VALUE pairs among arguments passed on to `crawl`."""
    pairs = [value for flag, value in zip(args, args[1:]) if flag in ("-s", "--setting")]
    pairs += [a.split("=", 1)[1] for a in args if a.startswith("--setting=")]
    return _parse_settings(tuple(pairs))


for _command in (backfill, export_warc_command, import_warc_command):
    cli.add_command(_command)


if __name__ == "__main__":
    cli()
