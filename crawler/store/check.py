"""``medborgarloften check``: is the archive intact? One finding per line.

SQLite's ``integrity_check`` sees damaged pages but not bit rot inside a
zlib-compressed body, so every body is also decompressed and compared with
its sha256. Foreign keys and orphan rows (rows pointing at rows that are
gone) are checked too. Read-only: the archive is opened with ``mode=ro``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from crawler.store.archive import (ArchiveError, archive_error, header_problem,
                                   truncation_problem)
from crawler.store.read import BodyError, verified_body

# (description, query returning one row per orphan) — references the
# declared foreign keys do not cover, or that older archives lack.
ORPHANS = {
    "version utan sin sida": "select s.id from snapshots s "
    "left join pages p on p.url = s.url where p.url is null",
    "version utan sitt innehåll": "select s.id from snapshots s "
    "left join bodies b on b.sha256 = s.body_sha256 where b.sha256 is null",
    "sida vars aktuella version saknas": "select p.url from pages p "
    "left join snapshots s on s.id = p.current_snapshot_id "
    "where p.current_snapshot_id is not null and s.id is null",
    "dokument utan sin version": "select d.id from documents d "
    "left join snapshots s on s.id = d.snapshot_id where s.id is null",
    "åtagande utan sitt dokument": "select c.id from commitments c "
    "left join documents d on d.id = c.document_id where d.id is null",
}
# Change events keep the id of the document they were computed from; a
# re-normalization replaces documents, so a dangling changes.document_id is
# history, not damage.
IGNORED_FOREIGN_KEYS = {("changes", "documents")}
MAX_REPORTED = 20   # findings of one kind printed before "… and N more"


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only connection; ArchiveError when the file is not an archive."""
    if not Path(path).is_file():
        raise ArchiveError(f"arkivet {path} finns inte")
    problem = header_problem(path)
    if problem:
        raise ArchiveError(f"arkivet {path} går inte att använda: {problem}")
    try:
        conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
        conn.execute("select count(*) from sqlite_master").fetchone()
        problem = truncation_problem(conn, path)
    except sqlite3.Error as exc:
        raise archive_error(path, exc) from exc
    if problem:
        conn.close()
        raise ArchiveError(f"arkivet {path} går inte att använda: {problem}")
    return conn


def check_archive(path: str | Path) -> list[str]:
    """Every finding, one plain line each; empty when the archive is intact."""
    conn = connect_readonly(path)
    try:
        findings = _integrity(conn)
        if findings:   # a damaged file: the other checks would only add noise
            return findings
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        findings += _foreign_keys(conn)
        findings += _orphans(conn, tables)
        if "bodies" in tables:
            findings += _limited(_bad_bodies(conn), "skadat innehåll")
        return findings
    except sqlite3.Error as exc:
        return [f"arkivet gick inte att läsa till slutet: {exc}"]
    finally:
        conn.close()


def _integrity(conn) -> list[str]:
    rows = [r[0] for r in conn.execute("pragma integrity_check")]
    return [] if rows == ["ok"] else [f"integrity_check: {r}" for r in rows]


def _foreign_keys(conn) -> list[str]:
    found = [f"främmande nyckel: {table} rad {rowid} pekar på en rad i {parent} som saknas"
             for table, rowid, parent, _ in conn.execute("pragma foreign_key_check")
             if (table, parent) not in IGNORED_FOREIGN_KEYS]
    return _limited(iter(found), "främmande nyckel")


def _orphans(conn, tables: set[str]) -> list[str]:
    findings = []
    for description, sql in ORPHANS.items():
        needed = {w for w in ("snapshots", "pages", "bodies", "documents", "commitments")
                  if f" {w} " in f" {sql} "}
        if not needed <= tables:
            continue
        ids = (f"föräldralös rad: {description} ({r[0]})" for r in conn.execute(sql))
        findings += _limited(ids, description)
    return findings


def _bad_bodies(conn) -> Iterator[str]:
    for sha, compression, stored in conn.execute(
            "select sha256, compression, body from bodies"):
        try:
            verified_body(sha, compression, stored)
        except BodyError as exc:
            yield f"skadat innehåll: {exc}"


def _limited(lines: Iterator[str], what: str) -> list[str]:
    kept, extra = [], 0
    for line in lines:
        if len(kept) < MAX_REPORTED:
            kept.append(line)
        else:
            extra += 1
    if extra:
        kept.append(f"… och {extra} till ({what})")
    return kept
