"""The ``backfill``, ``export-warc`` and ``import-warc`` commands (registered in crawler/cli.py)."""

from __future__ import annotations

import sys

import click

from crawler import settings
from crawler.swedish_cli import SwedishCommand
from crawler.history.backfill import BackfillOptions, run_backfill
from crawler.history.warc import export_warc, import_warc


@click.command(cls=SwedishCommand)
@click.option("--db", default="archive.db", show_default=True, type=click.Path(dir_okay=False),
              metavar="ARKIV", help="Arkivet att lägga till de gamla versionerna i.")
@click.option("--from", "since", default="2015", show_default=True, metavar="ÅÅÅÅ[MMDD…]",
              help="Tidigaste tid för en ögonblicksbild i webbarkivet (början av en "
                   "tidsstämpel).")
@click.option("--to", "until", metavar="ÅÅÅÅ[MMDD…]",
              help="Senaste tid för en ögonblicksbild i webbarkivet.")
@click.option("--url", metavar="URL",
              help="Bara ögonblicksbilder av denna adress och sidorna under den.")
@click.option("--municipality", "municipalities", multiple=True, metavar="KOD",
              help="Bara kommunens arkiverade sidor och polisen.se:s sidor om den "
                   "(kan upprepas, eller kommaseparerade).")
@click.option("--all-known", is_flag=True,
              help="polisen.se:s avsnitt och varje arkiverad sida (standard).")
@click.option("--cdx-endpoint", default=settings.BACKFILL_CDX_ENDPOINT, show_default=True,
              metavar="URL", help="CDX-server; ögonblicksbilderna spelas upp från samma värd "
                                  "(/web/…id_/URL).")
@click.option("--max-captures-per-url", type=click.IntRange(1), metavar="N",
              help="Högst N ögonblicksbilder per adress, jämnt fördelade över tiden.")
@click.option("--delay", type=click.FloatRange(0), default=settings.BACKFILL_DELAY,
              show_default=True, metavar="SEKUNDER",
              help="Sekunder mellan två förfrågningar till webbarkivet.")
def backfill(db, since, until, url, municipalities, all_known, cdx_endpoint,
             max_captures_per_url, delay):
    """Lägg till versioner från tiden före den första hämtningen, från Wayback Machine.

    Frågar CDX-servern vilka ögonblicksbilder som finns av polisen.se:s
    avsnitt om medborgarlöften (även gamla sökvägar) och av de arkiverade
    sidorna, hämtar varje ögonblicksbild en gång (artigt: en förfrågan i
    taget, en paus mellan förfrågningarna, Retry-After respekteras) och
    sparar den som en version av sidan den visar, daterad efter när den
    togs. Gamla PDF:er som länkas från sådana sidor letas också upp. Kan
    återupptas: en andra körning hämtar bara det som är nytt. Kör
    `normalize` efteråt.

    \b
    Exempel:
      medborgarloften backfill --municipality 2181
      medborgarloften backfill --from 2016 --to 2019 --max-captures-per-url 10
    """
    codes = [c.strip() for m in municipalities for c in m.split(",") if c.strip()]
    if url and (codes or all_known):
        raise click.UsageError("--url går inte att kombinera med --municipality/--all-known")
    report = run_backfill(BackfillOptions(
        db=db, url=url, codes=codes, since=since, until=until, endpoint=cdx_endpoint,
        max_per_url=max_captures_per_url, delay=delay))
    for line in report.lines():
        click.echo(line, err=True)
    if report.stored:
        click.echo(f"nästa steg: medborgarloften normalize --db {db}", err=True)
    if report.cdx_failed:
        click.echo(f"fel: {report.cdx_failed} CDX-frågor misslyckades (se fetch_errors); "
                   "historiken som hittades är ofullständig", err=True)
        sys.exit(1)


@click.command("export-warc", cls=SwedishCommand)
@click.option("--db", default="archive.db", show_default=True, metavar="ARKIV",
              type=click.Path(exists=True, dir_okay=False), help="Arkivet att exportera.")
@click.option("--municipality", "municipalities", multiple=True, metavar="KOD",
              help="Bara dessa kommuners sidor (kan upprepas, eller kommaseparerade).")
@click.option("--since", metavar="DATUM",
              help="Bara versioner hämtade på eller efter DATUM (ÅÅÅÅ-MM-DD).")
@click.argument("out", type=click.Path(dir_okay=False), metavar="UTFIL")
def export_warc_command(db, municipalities, since, out):
    """Skriv arkiverade versioner som WARC-poster av typen response (UTFIL.warc.gz).

    Varje version blir en response-post med sina sparade rubriker och
    ursprungliga bytes, WARC-Date = när den hämtades (eller togs i
    webbarkivet) och en kontrollsumma för innehållet; pywb, warcio och
    andra WARC-verktyg läser filen.
    """
    codes = [c.strip() for m in municipalities for c in m.split(",") if c.strip()]
    count = export_warc(db, out, codes, since)
    click.echo(f"export-warc: {count} poster skrivna till {out}", err=True)


@click.command("import-warc", cls=SwedishCommand)
@click.option("--db", default="archive.db", show_default=True, type=click.Path(dir_okay=False),
              metavar="ARKIV", help="Arkivet att importera till.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False),
                metavar="FIL...")
def import_warc_command(db, files):
    """Läs in poster av typen response och revisit från WARC-filer till arkivet.

    Versioner som redan finns (samma sida, samma innehåll vid den tiden)
    hoppas över; en felaktig post rapporteras med sin position och hoppas
    över. Slutstatus 1 när någon post inte gick att läsa. Kör `normalize`
    efteråt.
    """
    report = import_warc(db, list(files))
    for line in report.lines():
        click.echo(line, err=True)
    sys.exit(1 if report.errors else 0)
