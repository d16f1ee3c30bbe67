"""The ``extract`` command: one page → promises as JSON."""

from __future__ import annotations

import json
import mimetypes
import sys

import click

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


@click.command()
@click.option("--url", metavar="URL",
              help="The page's address. Helps find the municipality (polisen.se slug or the "
                   "municipality's own domain) and is echoed in the output.")
@click.option("--explain", is_flag=True,
              help="Instead of the JSON, print every candidate unit (list item, sentence, "
                   "title) with whether it was kept as a commitment or dropped, and why.")
@click.argument("path", type=click.Path(allow_dash=True, dir_okay=False))
def extract(url, explain, path):
    """Print the promises found in one HTML page, PDF or text file as JSON.

    PATH is a saved page: .html, .pdf, or .txt (the page's text as a browser
    shows it). PATH '-' reads standard input. The output is one JSON object:
    {"url", "municipalities": [{"code", "name"}], "documents": [{"title",
    "period", "signed", "signatories", "commitments": [...]}]}.

    A page that is simply not a promise prints an empty "documents" list.
    --explain prints one line per candidate instead: "kept" or "dropped", the
    reason, and the text, to see why a promise was missed or a line was taken.
    Input that is not a page at all (empty, binary, a broken or encrypted PDF)
    prints "error: …" on stderr and exits with status 2.

    \b
    Examples:
      medborgarloften extract --url https://polisen.se/om-polisen/medborgarloften/varmland/sunne/ sunne.txt
      medborgarloften extract medborgarlofte-2024.pdf
      medborgarloften extract --explain --url https://www.example.se/lofte.pdf lofte.txt
      curl -s https://www.example.se/trygghet/ | medborgarloften extract -
    """
    from normalize import InputError, explain as why, extract as run

    try:
        if path == "-":
            content = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as handle:
                content = handle.read()
        if explain:
            for unit in why(content, url=url, content_type=guess_content_type(path)):
                text = " ".join(unit["text"].split())
                click.echo(f"{unit['verdict']:<8}{unit['why']}\n        {text}")
            return
        result = run(content, url=url, content_type=guess_content_type(path))
    except (InputError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:  # a normalizer bug must still end in a clear message
        click.echo(f"error: could not normalize {path}: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))
