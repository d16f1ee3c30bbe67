"""The ``extract`` command: one page → promises as JSON."""

from __future__ import annotations

import json
import mimetypes
import sys

import click


@click.command()
@click.option("--url", help="The page's URL (helps find the municipality).")
@click.argument("path", type=click.Path(allow_dash=True, dir_okay=False))
def extract(url, path):
    """Print the promises found in one HTML page, PDF or text file as JSON.

    PATH '-' reads standard input. Exit status 2 with a message on stderr
    for input that is not a page (empty, binary, broken or encrypted PDF);
    a page that is simply not a promise prints an empty "documents" list.

    \b
    Example:
      medborgarloften extract --url https://polisen.se/.../varmland/sunne/ sunne.html
    """
    from normalize import InputError, extract as run

    try:
        if path == "-":
            content, content_type = sys.stdin.buffer.read(), None
        else:
            with open(path, "rb") as handle:
                content = handle.read()
            content_type = mimetypes.guess_type(path)[0]
        result = run(content, url=url, content_type=content_type)
    except (InputError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))
