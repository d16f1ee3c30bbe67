"""WARC (ISO 28500) out and in, with warcio, the field's library.

``export_warc`` writes every selected version as a response record: the
stored headers, the original bytes, WARC-Date = fetch (or capture) time,
WARC-Target-URI and the payload digest warcio computes. ``import_warc``
reads response and revisit records written by other tools (Heritrix,
browsertrix, wget --warc-file, ArchiveBox, pywb) into the archive with
source = 'warc'; a version already archived is skipped, and a malformed
record is reported with its offset and skipped without stopping the import.
"""

from __future__ import annotations

import io
import json
import mmap
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.history.ingest import Capture, store_capture
from crawler.history.targets import SiteMap
from crawler.store.archive import Archive, open_db
from crawler.store.read import read_body

# Headers that describe the transfer, not the stored (decoded) body.
TRANSFER_HEADERS = ("content-length", "content-encoding", "transfer-encoding")
GZIP_MEMBER = b"\x1f\x8b\x08"
WARC_START = b"\nWARC/1."


class MalformedRecord(Exception):
    """A WARC record that cannot become a version of a page."""


# -- export -------------------------------------------------------------------
def export_warc(db_path: str, out: str, codes: list[str] | None = None,
                since: str | None = None) -> int:
    """Write the selected versions to ``out`` (gzipped per record if it ends in .gz)."""
    db = open_db(db_path)
    count = 0
    try:
        with open(out, "wb") as handle:
            writer = WARCWriter(handle, gzip=out.endswith(".gz"))
            writer.write_record(writer.create_warcinfo_record(Path(out).name, {
                "software": "medborgarloften", "format": "WARC File Format 1.1",
                "description": "Versions of medborgarlöften pages from a medborgarloften archive"}))
            for row in _selected(db, codes or [], since):
                writer.write_record(_response_record(writer, row, read_body(db, row["body_sha256"])))
                count += 1
    finally:
        db.close()
    return count


def _selected(db, codes: list[str], since: str | None):
    sql = ["select s.* from snapshots s join pages p on p.url = s.url where 1 = 1"]
    params: list = []
    if codes:
        sql.append("and (p.site in (%s) or exists (select 1 from json_each(p.municipalities) j"
                   " where j.value in (%s)))" % (",".join("?" * len(codes)),
                                                 ",".join("?" * len(codes))))
        params += codes + codes
    if since:
        sql.append("and s.fetched_at >= ?")
        params.append(since)
    return db.query(" ".join(sql) + " order by s.fetched_at, s.id", params)


def _response_record(writer: WARCWriter, row: dict, body: bytes):
    stored = json.loads(row["headers"] or "{}")
    headers = [(name.title(), value) for name, value in stored.items()
               if name not in TRANSFER_HEADERS]
    if not stored.get("content-type") and row["content_type"]:
        headers.append(("Content-Type", row["content_type"]))
    headers.append(("Content-Length", str(len(body))))
    status = row["status"] or 200
    http = StatusAndHeaders(f"{status} {_reason(status)}", headers, protocol="HTTP/1.1")
    return writer.create_warc_record(
        row["url"], "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
        warc_headers_dict={"WARC-Date": warc_date(row["fetched_at"])})


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def warc_date(iso: str) -> str:
    """'2017-03-01T10:00:00+00:00' → '2017-03-01T10:00:00Z'."""
    moment = datetime.fromisoformat(iso).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def archive_date(warc: str) -> str:
    """A WARC-Date (W3C-ISO8601, possibly with fractions) → the archive's time format."""
    text = (warc or "").strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?Z?", text):
        raise MalformedRecord(f"ogiltigt WARC-Date {warc!r}")
    moment = datetime.fromisoformat(text.rstrip("Z")).replace(tzinfo=timezone.utc)
    return moment.replace(microsecond=0).isoformat(timespec="seconds")


# -- import -------------------------------------------------------------------
@dataclass
class ImportReport:
    records: int = 0
    stored: int = 0
    new_pages: int = 0
    present: int = 0
    skipped: int = 0          # warcinfo, request, metadata, non-2xx responses
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"fel: {e}" for e in self.errors] + [
            f"import-warc: {self.records} poster lästa, {self.stored} nya versioner "
            f"({self.new_pages} nya sidor), {self.present} fanns redan i arkivet, "
            f"{self.skipped} andra poster överhoppade, {len(self.errors)} felaktiga"]


def import_warc(db_path: str, files: list[str]) -> ImportReport:
    archive = Archive(db_path)
    report = ImportReport()
    run_id = archive.start_run("import-warc", {"files": [str(f) for f in files]})
    status = "interrupted"
    try:
        importer = _Importer(archive, run_id, report)
        for path in files:
            importer.read_file(str(path))
        status = "ok"
    finally:
        archive.update_run(run_id, {"new_pages": report.new_pages, "new_versions": report.stored,
                                    "unchanged": report.present, "errors": len(report.errors)},
                           status=status)
        archive.close()
    return report


class _Importer:
    def __init__(self, archive: Archive, run_id: int, report: ImportReport):
        self.archive, self.db, self.run_id, self.report = archive, archive.db, run_id, report
        self.sites = SiteMap(self.db)
        self.bodies: dict[str, tuple[bytes, str]] = {}   # payload digest → (body, content type)

    def read_file(self, path: str) -> None:
        """Every record of one file; after a malformed stretch, go on at the next record."""
        with open(path, "rb") as handle:
            size = Path(path).stat().st_size
            start = 0
            while start is not None and start < size:
                start = self._read_from(handle, path, start)

    def _read_from(self, handle, path: str, start: int) -> int | None:
        handle.seek(start)
        records = ArchiveIterator(handle, check_digests=True)
        position = start      # where the next record starts
        try:
            for record in records:
                error = self._one(record)
                # (the offset is known once the record has been read to its end)
                offset = start + records.get_record_offset()
                position = offset + records.get_record_length()
                if error:
                    self.report.errors.append(f"{path} vid position {offset}: {error}")
            return None
        except (ArchiveLoadFailed, ValueError, OSError, EOFError) as exc:
            self.report.errors.append(f"{path} vid position {position}: oläslig post "
                                      f"({type(exc).__name__}: {_short(exc)}); "
                                      "hoppade fram till nästa post")
            return _next_record(path, position + 1)

    def _one(self, record) -> str | None:
        """Import one record; the reason it is malformed, or None."""
        self.report.records += 1
        try:
            capture = self._capture(record)
        except MalformedRecord as exc:
            return str(exc)
        if capture is None:
            self.report.skipped += 1
            return None
        with self.db.atomic():
            stored = store_capture(self.db, self.run_id, capture)
        if stored.kind == "present":
            self.report.present += 1
        else:
            self.report.stored += 1
            self.report.new_pages += stored.kind == "new_page"
        return None

    def _capture(self, record) -> Capture | None:
        if record.rec_type not in ("response", "revisit"):
            return None
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        if urlsplit(uri).scheme not in ("http", "https") or not urlsplit(uri).netloc:
            raise MalformedRecord(f"{record.rec_type}-post utan http(s)-adress i "
                                  f"WARC-Target-URI ({uri!r})")
        fetched_at = archive_date(record.rec_headers.get_header("WARC-Date"))
        if record.http_headers is None or not record.http_headers.get_statuscode():
            raise MalformedRecord(f"{uri}: posten saknar HTTP-svarets rubriker")
        try:
            status = int(record.http_headers.get_statuscode())
        except ValueError:
            raise MalformedRecord(f"{uri}: ogiltig HTTP-statusrad "
                                  f"{record.http_headers.statusline!r}") from None
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        if record.rec_type == "revisit":
            body, content_type = self._revisited(uri, digest)
        else:
            body = self._payload(record, uri)
            content_type = record.http_headers.get_header("Content-Type") or ""
            if digest:
                self.bodies[digest] = (body, content_type)
        if not 200 <= status < 300:
            return None
        return self._as_capture(record, uri, fetched_at, status, body, content_type)

    def _payload(self, record, uri: str) -> bytes:
        try:
            body = record.content_stream().read()
        except Exception as exc:  # zlib/brotli/chunked errors in one record's payload
            raise MalformedRecord(f"{uri}: oläsligt innehåll ({type(exc).__name__}: {exc})") \
                from exc
        problems = getattr(record.digest_checker, "problems", None)
        if problems:
            raise MalformedRecord(f"{uri}: kontrollsumman stämmer inte ({'; '.join(problems)})")
        return body

    def _revisited(self, uri: str, digest: str | None) -> tuple[bytes, str]:
        if digest in self.bodies:
            return self.bodies[digest]
        raise MalformedRecord(f"{uri}: revisit av ett innehåll ({digest}) som inte finns i "
                              "denna import")

    def _as_capture(self, record, uri, fetched_at, status, body, content_type) -> Capture:
        uri = self.sites.archived_url(uri)
        site = self.sites.site_for(uri) or urlsplit(uri).hostname
        headers = {k.lower(): v for k, v in record.http_headers.headers}
        return Capture(url=uri, site=site, fetched_at=fetched_at, body=body, source="warc",
                       capture_url=record.rec_headers.get_header("WARC-Record-ID"),
                       status=status, content_type=content_type, headers=headers,
                       municipalities=self.sites.municipalities_for(uri, site))


def _short(exc: Exception, limit: int = 120) -> str:
    """An error message fit for a terminal: printable, one line, bounded."""
    text = "".join(c if c.isprintable() else "?" for c in str(exc).replace("\n", " "))
    return text[:limit] + ("…" if len(text) > limit else "")


def _next_record(path: str, after: int) -> int | None:
    """Offset of the next gzip member or 'WARC/1.' line after ``after``; None at the end."""
    with open(path, "rb") as handle:
        if Path(path).stat().st_size <= after:
            return None
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            gzipped = data[:3] == GZIP_MEMBER
            found = data.find(GZIP_MEMBER if gzipped else WARC_START, after)
            if found < 0:
                return None
            return found if gzipped else found + 1
