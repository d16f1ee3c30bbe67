"""The ``normalize`` command."""

from __future__ import annotations

import click


@click.command()
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
    from crawler.derive.run import normalize_archive

    report = normalize_archive(db, reprocess_all=reprocess_all)
    click.echo(f"normalized {report.processed} snapshots ({report.failed} failed): "
               f"{report.documents} documents, {report.commitments} commitments, "
               f"{report.changes} new change events", err=True)
