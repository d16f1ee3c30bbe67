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

from crawler.swedish_cli import (HELP_TEXT, OPTIONS_METAVAR, SUBCOMMAND_METAVAR, VERSION_HELP,
                                 SwedishCommand, swedish)
from crawler import oserrors
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
# click >= 8.2 raises this for a bare `medborgarloften`; 8.1 prints the help itself.
NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())
VERDICTS = {"kept": "behållen", "dropped": "bortvald"}   # extract --explain
RUN_STATUS = {"ok": "klar", "interrupted": "avbruten", "store_failed": "kunde inte spara allt",
              "running": "pågår", "failed": "misslyckades", "unhealthy": "ohälsosam"}


class _Commands(click.Group):
    """Every command's errors end as one line and an exit status (README,
    "Exit codes"); ``--debug`` shows the traceback instead. Everything is
    said in Swedish, click's own words too (crawler/swedish_cli.py)."""

    command_class = SwedishCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR)
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        with swedish():
            if not standalone_mode:
                return super().main(*args, standalone_mode=False, **kwargs)
            sys.exit(self._main_one_line(*args, **kwargs))

    def _main_one_line(self, *args, **kwargs) -> int:
        """click's main, with its errors and Ctrl-C as one Swedish line each."""
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except NO_ARGS_IS_HELP as exc:   # plain `medborgarloften`: the help, not an error
            exc.show()
            return exc.exit_code
        except click.UsageError as exc:   # one line, not usage + hint + error
            hint = f"{exc.ctx.command_path}: " if exc.ctx else ""
            click.echo(f"fel: {hint}{exc.format_message()}", err=True)
            return exc.exit_code
        except click.ClickException as exc:
            click.echo(f"fel: {exc.format_message()}", err=True)
            return exc.exit_code
        except click.Abort:
            click.echo("Avbrutet (Ctrl-C).", err=True)
            return 1
        return code if isinstance(code, int) else 0

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            code, message = user_error(exc)
            click.echo(f"fel: {message}", err=True)
            ctx.exit(code)


def user_error(exc: Exception) -> tuple[int, str]:
    """(exit status, one plain line) for an error that reached the top."""
    if isinstance(exc, ArchiveError):
        return EXIT_ARCHIVE, str(exc)
    if isinstance(exc, SitesFileError):
        return EXIT_USAGE, str(exc)
    if isinstance(exc, sqlite3.Error):
        return EXIT_ARCHIVE, str(archive_error("", exc)).replace("arkivet  ", "arkivet ")
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return EXIT_ARCHIVE, oserrors.describe(exc)
        return 1, oserrors.describe(exc)
    return 1, (f"oväntat fel, {type(exc).__name__}: {exc} "
               "(kör med --debug för att se var i koden)")


@click.group(cls=_Commands)
@click.version_option(package_name="medborgarloften", help=VERSION_HELP,
                      message="%(prog)s, version %(version)s")
@click.help_option(help=HELP_TEXT)
@click.option("--debug", is_flag=True,
              help="Visa Pythons felspårning (traceback) i stället för en rad per fel.")
def cli(debug):
    """Hitta, arkivera och jämför svenska medborgarlöften.

    \b
    Vanlig användning:
      medborgarloften demo                 # demo utan internet: testwebb → demo.db → Datasette
      medborgarloften crawl                # polisen.se och alla 290 kommuners webbplatser
      medborgarloften serve archive.db     # bläddra i arkivet
      medborgarloften check archive.db     # är arkivet helt?

    Kommandon och flaggor heter som de alltid gjort (på engelska), så att
    skript som använder dem fortsätter att fungera.

    Slutstatus: 0 klart; 1 klart men med fel (se raderna som skrevs ut);
    2 felaktig användning eller oanvändbar indata; 3 en annan omkörning
    håller arkivet; 4 arkivet går inte att använda (skrivskyddat, trasigt,
    full disk).
    """


def _parse_settings(pairs: tuple[str, ...]) -> dict:
    overrides = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"väntade NYCKEL=VÄRDE, fick {pair!r}",
                                     param_hint="--setting")
        overrides[key.strip()] = value
    return overrides


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              metavar="ARKIV", help="Arkivet (SQLite-fil) att skriva till.")
@click.option("--spider", "spiders", multiple=True, type=click.Choice(SPIDERS),
              help="Bara dessa spindlar (kan upprepas). Standard: alla; med --sites bara "
                   "kommuner, om inte --polisen-url anges.")
@click.option("--sites", type=click.Path(exists=True, dir_okay=False), metavar="CSV",
              help="CSV med kommunernas webbplatser (rubrikrad code,name,url; komma, semikolon "
                   "eller tabb) i stället för registret. Felaktiga rader rapporteras och "
                   "hoppas över.")
@click.option("--municipality", "municipalities", multiple=True, metavar="KOD",
              help="Bara dessa kommunkoder (kan upprepas, eller kommaseparerade).")
@click.option("--max-pages-per-site", type=click.IntRange(1, PAGES_PER_SITE_CEILING),
              metavar="ANTAL", help="Högsta antal förfrågningar per kommunwebbplats.")
@click.option("--polisen-url", metavar="URL",
              help="Startadress för polisen.se (för speglar och tester).")
@click.option("--allow-private-hosts", is_flag=True,
              help="Hämta även från loopback- och privata adresser (demons och testernas "
                   "testwebb). Utan flaggan hämtas bara från publika värdar.")
@click.option("-s", "--setting", "settings", multiple=True, metavar="NYCKEL=VÄRDE",
              help="Ändra en Scrapy-inställning, t.ex. -s DOWNLOAD_DELAY=2.")
def crawl(db, spiders, sites, municipalities, max_pages_per_site, polisen_url,
          allow_private_hosts, settings):
    """Hämta sidor från polisen.se och kommunernas webbplatser till arkivet.

    Villkorliga förfrågningar gör en omkörning billig: oförändrade sidor
    svarar 304 och lägger inte till något. Bara http(s)-adresser på publika
    värdar hämtas, om inte --allow-private-hosts anges.

    \b
    Slutstatus: 0 varje körning blev klar och varje sida sparades;
    1 en körning blev inte klar, en sida kunde inte sparas eller en rad
    i sites-filen avvisades; 2 felaktig användning (okänd kod, felaktigt
    tal, oanvändbar sites-fil); 4 arkivet går inte att skriva till
    (skrivskyddat, trasigt, full disk).

    \b
    Exempel:
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
        click.echo(f"fel: {rejected} rad(er) i {sites} avvisades (se ovan)", err=True)
    sys.exit(code or (1 if rejected else 0))


def _archiving(db: str, overrides: dict) -> bool:
    return archiving(crawl_settings(db, overrides))


def _check_setting_values(db: str, overrides: dict) -> None:
    """-s values of numeric or yes/no settings must parse (else Scrapy dies mid-start)."""
    defaults = crawl_settings(db)
    for key, value in overrides.items():
        default = defaults.get(key)
        kind = "true eller false" if isinstance(default, bool) else \
            "ett tal" if isinstance(default, (int, float)) else None
        if kind is None:
            continue
        try:
            if isinstance(default, bool):
                if str(value).lower() not in ("1", "0", "true", "false", "yes", "no"):
                    raise ValueError(value)
            else:
                float(value)   # Scrapy reads some int settings with getfloat
        except ValueError:
            raise click.BadParameter(f"{key}={value}: väntade {kind}",
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
            click.echo(f"fel: {line}", err=True)
        rejected = len(problems)
        if not good:
            raise SitesFileError(f"{sites}: inga användbara rader (rubrikraden code,name,url, "
                                 "sedan en rad per webbplats)")
        known = {s.code for s in good}
    elif codes:
        known = {m.code for m in load_municipalities()}
    unknown = [c for c in codes if known is not None and c not in known]
    if unknown:
        where = sites if sites else "kommunregistret"
        raise click.BadParameter(f"okänd kod {', '.join(unknown)} (finns inte i {where})",
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
            reason = outcome.archive_error or "den stannade innan körningen började (se loggen)"
            click.echo(f"fel: spindeln {outcome.spider} sparade ingenting: {reason}", err=True)
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
        click.echo(f"fel: körning {run_id} saknas i arkivet", err=True)
        return 1
    status = RUN_STATUS.get(row["status"], row["status"])
    click.echo(f"körning {row['id']} {row['spider']}: {status}; förfrågningar "
               f"{row['requests']}, nya sidor {row['new_pages']}, nya versioner "
               f"{row['new_versions']}, textändringar {row['text_changes']}, oförändrade "
               f"{(row['unchanged'] or 0) + (row['not_modified'] or 0)}, borttagna "
               f"{row['gone']}, fel {row['errors']}", err=True)
    summary = json.loads(row["summary"] or "{}")
    if summary.get("store_failures"):
        click.echo(f"fel: körning {row['id']}: {summary['store_failures']} hämtad(e) sida(or) "
                   "kunde inte sparas i arkivet (fetch_errors, kind 'store')", err=True)
    elif row["status"] == "running":
        click.echo(f"fel: körning {row['id']} kunde inte registrera sitt slut (går arkivet "
                   "inte att skriva till?)", err=True)
    return int(row["status"] != "ok")


@cli.command()
@click.argument("db", default=DEFAULT_DB, type=click.Path(exists=True, dir_okay=False),
                metavar="[ARKIV]")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="VÄRD",
              help="Adress att lyssna på.")
@click.option("--port", default=8001, show_default=True, type=int, metavar="PORT",
              help="Port att lyssna på.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, metavar="ANTAL",
              help="Serverprocesser (standard: MEDBORGARLOFTEN_SERVE_WORKERS, annars 1). "
                   "En per kärna passar många läsare (crawler/web/workers.py).")
def serve(db, host, port, workers):
    """Visa arkivet med Datasette (bara läsning). Avslutas med felstatus när
    porten är upptagen; en serverprocess som dör startas om.

    Slutstatus 4 när filen inte är ett läsbart arkiv.
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
              metavar="ARKIV",
              help="Demoarkivet att bygga (ersätts om det finns och gjordes av demon).")
@click.option("--force", is_flag=True,
              help="Ersätt --db även om det inte är ett demoarkiv (ett riktigt arkiv går "
                   "förlorat).")
@click.option("--serve/--no-serve", default=True, show_default=True,
              help="Visa arkivet med Datasette när det är byggt.")
@click.option("--port", default=8001, show_default=True, type=int, metavar="PORT",
              help="Port att visa arkivet på.")
@click.option("--versions", default=2, show_default=True, type=click.IntRange(1, 2),
              metavar="1|2",
              help="Hämta version 1 av testwebben, sedan (2) version 2 som en omkörning.")
def demo(db, serve, port, versions, force):
    """Demo utan internet: hämta den medföljande testwebben och visa arkivet.

    Startar en liten testwebb på 127.0.0.x (kommunwebbplatser och en
    webbplats som liknar polisen.se, alla tydligt märkta som testsidor),
    hämtar den, hämtar om dess version 2 (ett omformulerat löfte, en
    borttagen sida, en ändring bara i sidfoten), fyller på äldre versioner
    från ett testwebbarkiv (historik tillbaka till 2015), normaliserar och
    visar resultatet. Skriver demo.db (aldrig archive.db, det riktiga
    arkivets standardnamn).
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
            click.echo(f"Hämtar testwebbens version {version} …", err=True)
            code = subprocess.call([
                sys.executable, "-m", "crawler.cli", "crawl", "--db", str(db_path),
                "--sites", str(sites_csv), "--polisen-url", web.polisen_url,
                *fast_crawl_settings()])
            if code != 0:
                raise click.ClickException(f"hämtningen av version {version} misslyckades "
                                           f"(slutstatus {code})")
        _demo_backfill(db_path, web)
    _after_crawl(db_path)
    click.echo(f"Arkivet är skrivet till {db_path}", err=True)
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
    click.echo("Fyller på äldre versioner från testwebbarkivet …", err=True)
    with WaybackFixture(web) as archive:
        report = run_backfill(BackfillOptions(db=str(db_path), endpoint=archive.endpoint,
                                              delay=0.0))
    for line in report.lines():
        click.echo(line, err=True)


def _after_crawl(db_path: Path) -> None:
    click.echo("Normaliserar …", err=True)
    report = normalize_archive(str(db_path))
    click.echo(f"{report.documents} dokument, {report.commitments} åtaganden, "
               f"{report.changes} ändringar", err=True)


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
              help="Sidans adress. Hjälper till att hitta kommunen (polisen.se-sökvägen eller "
                   "kommunens egen domän) och skrivs med i utdata.")
@click.option("--explain", is_flag=True,
              help="Skriv i stället för JSON ut varje kandidat (listpunkt, mening, rubrik), "
                   "om den behölls som åtagande eller valdes bort, och varför.")
@click.argument("path", type=click.Path(allow_dash=True, dir_okay=False), metavar="FIL")
def extract(url, explain, path):
    """Skriv ut löftena i en HTML-sida, PDF eller textfil som JSON.

    FIL är en sparad sida: .html, .pdf eller .txt (sidans text så som en
    webbläsare visar den; UTF-8, eller UTF-16/32 med eller utan BOM). FIL '-'
    läser standard in. Utdata är ett JSON-objekt:
    {"url", "municipalities": [{"code", "name"}], "documents": [{"title",
    "period", "signed", "signatories", "commitments": [...]}]}.

    En sida som helt enkelt inte är ett löfte ger en tom lista "documents".
    --explain skriver i stället en rad per kandidat: "behållen" eller
    "bortvald", skälet och texten, för att se varför ett löfte missades eller
    en rad togs med. Indata som inte alls är en sida (tom, binär, en trasig
    eller krypterad PDF, över 50 MB) eller en felaktig --url ger "fel: …" på
    stderr och slutstatus 2. En sida som kortats för att hålla sig inom
    gränserna (PDF-sidor, djup HTML-nästling) ger "varning: …" på stderr.

    \b
    Exempel:
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
                verdict = VERDICTS.get(unit["verdict"], unit["verdict"])
                click.echo(f"{verdict:<10}{unit['why']}\n          {text}")
            return
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = extract_promises(content, url=url, content_type=guess_content_type(path))
    except (InputError, OSError) as exc:
        message = oserrors.describe(exc) if isinstance(exc, OSError) else exc
        click.echo(f"fel: {message}", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as exc:  # a normalizer bug must still end in a clear message
        click.echo(f"fel: kunde inte normalisera {path}: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    cut = truncation_notes(caught)
    if cut:
        click.echo(f"varning: {path}: {cut}", err=True)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


def _read_input(path: str) -> bytes:
    """At most MAX_EXTRACT_BYTES of the file (or stdin); InputError beyond."""
    if path == "-":
        content = sys.stdin.buffer.read(MAX_EXTRACT_BYTES + 1)
    else:
        with open(path, "rb") as handle:
            content = handle.read(MAX_EXTRACT_BYTES + 1)
    if len(content) > MAX_EXTRACT_BYTES:
        raise InputError(f"{path} är större än {MAX_EXTRACT_BYTES // (1024 * 1024)} MB; "
                         "en löftessida är mycket mindre")
    return content


@cli.command()
@click.option("--db", default="archive.db", show_default=True, metavar="ARKIV",
              type=click.Path(exists=True, dir_okay=False), help="Arkivet att normalisera.")
@click.option("--all", "reprocess_all", is_flag=True,
              help="Normalisera om varje version, inte bara de med ny text.")
def normalize(db, reprocess_all):
    """Ta fram dokument, åtaganden, teman och ändringar ur arkiverade versioner.

    Idempotent: att köra det två gånger ändrar ingenting. Bara versioner
    (ögonblicksbilder) vars text är ny, eller som normaliserats av en äldre
    normaliserare, bearbetas, om inte --all anges. En version som inte går
    att normalisera noteras i normalized_snapshots.error och hoppas över; en
    version vars sparade innehåll inte går att läsa (saknas, skadat) behåller
    sina tidigare resultat.

    \b
    Slutstatus: 0 klart (sidor som inte är löften inräknade); 1 ett sparat
    innehåll gick inte att läsa (se `medborgarloften check`); 4 arkivet går
    inte att använda (skrivskyddat, trasigt, full disk).

    \b
    Exempel:
      medborgarloften normalize --db archive.db
    """
    report = normalize_archive(db, reprocess_all=reprocess_all)
    click.echo(f"normaliserade {report.processed} versioner ({report.failed} misslyckades): "
               f"{report.documents} dokument, {report.commitments} åtaganden, "
               f"{report.changes} nya ändringar", err=True)
    if report.unreadable:
        click.echo(f"fel: {report.unreadable} version(er) hade ett sparat innehåll som inte "
                   "gick att läsa; deras tidigare resultat behölls", err=True)
        sys.exit(1)


@cli.command()
@click.argument("db", default=DEFAULT_DB, type=click.Path(dir_okay=False), metavar="[ARKIV]")
def check(db):
    """Kontrollera att arkivet är helt; en rad per fynd.

    Kör SQLites integrity_check och foreign_key_check, letar efter
    föräldralösa rader (versioner utan sida eller innehåll, dokument utan
    version, …) och packar upp varje sparat innehåll för att jämföra det med
    dess sha256 (bitröta inuti ett komprimerat innehåll syns inte för
    integrity_check). Öppnar arkivet skrivskyddat.

    \b
    Slutstatus: 0 helt; 1 fynd (utskrivna); 4 inte ett läsbart arkiv.

    \b
    Exempel:
      medborgarloften check archive.db
    """
    findings = check_archive(db)
    for finding in findings:
        click.echo(finding)
    if findings:
        click.echo(f"fel: {len(findings)} fynd i {db}", err=True)
        sys.exit(1)
    click.echo(f"{db}: helt, inga fel hittades", err=True)


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, metavar="ARKIV",
              type=click.Path(exists=True, dir_okay=False), help="Arkivet att läsa.")
@click.option("--status", type=click.Choice(["found", "polisen_only", "none", "unreachable"]),
              help="Bara kommuner med denna status: found (hittat på kommunens webbplats), "
                   "polisen_only (bara på polisen.se), none (inget hittat), unreachable "
                   "(webbplatsen gick inte att nå).")
def coverage(db, status):
    """Per kommun: hittades en löftessida, var, och om inte, varför.

    Läser tabellen `coverage` som varje hämtning av kommunerna skriver
    (samma rader som Datasette-sidan "Täckning per kommun"): hittat på
    kommunens webbplats, bara på polisen.se, inget hittat (med den bästa
    kandidatsidan och dess poäng), eller webbplatsen gick inte att nå (med
    felet).
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
@click.option("--db", default="archive.db", show_default=True, metavar="ARKIV",
              type=click.Path(dir_okay=False), help="Arkivet att uppdatera.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), metavar="FIL",
              help="Skriv också körningens rapport till denna fil.")
@click.argument("crawl_args", nargs=-1, type=click.UNPROCESSED, metavar="[CRAWL-FLAGGOR]...")
def recrawl(db, report_path, crawl_args):
    """Hämta om (villkorligt), normalisera, räkna ändringar, kontrollera hälsan.

    Övriga argument skickas vidare till `crawl` (t.ex. --sites,
    --municipality, -s). Skriver ut en rapport, sparar den i
    crawl_runs.summary och larmen i tabellen `alerts`. Slutstatus: 0 frisk,
    1 ohälsosam (se larmen), 2 felaktig användning (t.ex. en --report-sökväg
    som inte går att skriva), 3 en annan omkörning håller arkivets lås,
    4 arkivet går inte att använda.

    \b
    Exempel:
      medborgarloften recrawl --db /srv/medborgarloften/archive.db
      medborgarloften recrawl --db archive.db --report last-run.txt --municipality 2181
    """
    _check_writable(report_path, "--report")
    try:
        result = run_recrawl(db, list(crawl_args), thresholds(_settings_in(crawl_args)))
    except ArchiveLocked as exc:
        click.echo(f"fel: {exc}", err=True)
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
        raise click.BadParameter(f"katalogen {parent} finns inte", param_hint=option)
    if not os.access(target if target.exists() else parent, os.W_OK):
        raise click.BadParameter(f"{path} går inte att skriva till", param_hint=option)


def _settings_in(args: tuple[str, ...]) -> dict:
    """The -s/--setting KEY=VALUE pairs among arguments passed on to `crawl`."""
    pairs = [value for flag, value in zip(args, args[1:]) if flag in ("-s", "--setting")]
    pairs += [a.split("=", 1)[1] for a in args if a.startswith("--setting=")]
    return _parse_settings(tuple(pairs))


for _command in (backfill, export_warc_command, import_warc_command):
    cli.add_command(_command)


if __name__ == "__main__":
    cli()
