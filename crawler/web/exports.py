"""Downloads: CSV that Swedish Excel opens, and the original archived bytes.

CSV from the journalist pages starts with a UTF-8 byte order mark (Excel
then reads å, ä, ö right); ``?_dialect=excel-sv`` separates fields with
``;`` and ends lines with CRLF, which Excel with Swedish settings expects
(its list separator is ";" because "," is the decimal sign). Original
bodies (PDF, HTML, …) are sent as attachments with their stored content
type and the sandbox headers, so archived HTML is never rendered live.
``bom_for_csv`` adds the byte order mark to Datasette's own CSV as well.
"""

from __future__ import annotations

import csv
import io
import re
import zlib
from urllib.parse import urlsplit

from datasette.utils.asgi import Response

BOM = "\ufeff"
BOM_BYTES = BOM.encode("utf-8")
DIALECTS = {"excel-sv": {"delimiter": ";", "lineterminator": "\r\n"},
            "": {"delimiter": ",", "lineterminator": "\r\n"}}
ATTACHMENT_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "X-Content-Type-Options": "nosniff",
}


def csv_response(request, filename: str, header: list[str], records: list[list]) -> Response:
    """CSV with a BOM; ``_dialect=excel-sv`` for semicolons."""
    dialect = DIALECTS.get(request.args.get("_dialect", ""), DIALECTS[""])
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, **dialect)
    writer.writerow(header)
    writer.writerows(["" if v is None else v for v in record] for record in records)
    return Response(out.getvalue(), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def original_filename(snapshot_id: int, url: str | None, content_type: str | None) -> str:
    """'version-12-medborgarlofte-2024.pdf': ASCII, with an extension."""
    last = urlsplit(url or "").path.rstrip("/").rsplit("/", 1)[-1]
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", last.rsplit(".", 1)[0]).strip("-")[:60]
    kind = (content_type or "").split(";")[0].strip()
    extension = {"application/pdf": "pdf", "text/html": "html", "text/plain": "txt",
                 "application/xhtml+xml": "html"}.get(kind, "bin")
    return f"version-{snapshot_id}{'-' + stem if stem else ''}.{extension}"


async def original_view(datasette, request):
    """/-/snapshot/ID/original: the archived bytes as a download."""
    snapshot_id = int(request.url_vars["id"])
    found = (await datasette.get_database().execute(
        "select s.url, s.content_type, b.body, b.compression from snapshots s "
        "join bodies b on b.sha256 = s.body_sha256 where s.id = ?", [snapshot_id])).rows
    if not found:
        return Response.text("Versionen finns inte i arkivet.", status=404)
    url, content_type, body, compression = found[0]
    if compression == "zlib":
        body = zlib.decompress(body)
    if body.startswith(b"%PDF"):
        content_type = "application/pdf"
    filename = original_filename(snapshot_id, url, content_type)
    return Response(body, content_type=content_type or "application/octet-stream",
                    headers={**ATTACHMENT_HEADERS,
                             "Content-Disposition": f'attachment; filename="{filename}"'})


def bom_for_csv(app):
    """ASGI wrapper: Datasette's own CSV exports (table and query pages) get
    the UTF-8 byte order mark too, so Excel reads å, ä, ö right."""
    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        state = {"csv": False, "first": True}

        async def send_with_bom(event):
            if event["type"] == "http.response.start":
                headers = dict((k.lower(), v) for k, v in event.get("headers", []))
                # Datasette sends CSV as text/plain unless downloaded (_dl=1).
                state["csv"] = event["status"] == 200 and (
                    headers.get(b"content-type", b"").startswith(b"text/csv")
                    or scope["path"].endswith(".csv"))
                if state["csv"]:  # the length may grow by the mark: let the server chunk
                    event = {**event, "headers": [(k, v) for k, v in event["headers"]
                                                  if k.lower() != b"content-length"]}
            elif event["type"] == "http.response.body" and state["csv"] and state["first"]:
                state["first"] = False
                body = event.get("body", b"")
                if not body.startswith(BOM_BYTES):
                    event = {**event, "body": BOM_BYTES + body}
            await send(event)
        await app(scope, receive, send_with_bom)
    return wrapped
