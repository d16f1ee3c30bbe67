"""Serve the archive with Datasette: read-only, Swedish metadata, our plugin.

The database file is opened by Datasette in ``mode=ro`` (not ``immutable``),
because a scheduled re-crawl may write to the archive while it is served
(WAL lets readers and one writer work at once). Arbitrary SQL is off; the
canned queries in ``site/metadata.yml`` are the interface. A time limit
stops runaway queries.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

SITE = Path(__file__).resolve().parent / "site"
PLUGINS_DIR = SITE / "plugins"
SETTINGS = {"sql_time_limit_ms": 2000, "default_page_size": 50, "facet_time_limit_ms": 500,
            "allow_download": False, "max_returned_rows": 2000, "suggest_facets": False}


def metadata_for(db_path: str | Path) -> dict:
    """The site metadata, with its database section named after the file."""
    metadata = yaml.safe_load((SITE / "metadata.yml").read_text("utf-8"))
    name = Path(db_path).stem
    metadata["databases"] = {name: metadata["databases"]["archive"]}
    if name != "archive":
        metadata["description_html"] = metadata["description_html"].replace(
            "/archive/", f"/{name}/")
    return metadata


def datasette_instance(db_path: str | Path):
    """A Datasette instance configured like `serve`, for tests."""
    from datasette.app import Datasette

    return Datasette([str(db_path)], metadata=metadata_for(db_path),
                     plugins_dir=str(PLUGINS_DIR), settings=SETTINGS)


def datasette_args(db_path: str | Path, metadata_file: str, host: str, port: int) -> list[str]:
    args = [sys.executable, "-m", "datasette", "serve", str(db_path), "--host", host,
            "--port", str(port), "--metadata", metadata_file, "--plugins-dir", str(PLUGINS_DIR)]
    for key, value in SETTINGS.items():
        args += ["--setting", key, json.dumps(value) if isinstance(value, bool) else str(value)]
    return args


def serve_archive(db: str, host: str = "127.0.0.1", port: int = 8001) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        metadata_file = Path(tmp) / "metadata.json"
        metadata_file.write_text(json.dumps(metadata_for(db), ensure_ascii=False), "utf-8")
        print(f"Arkivet serveras på http://{host}:{port}/  (Ctrl-C avslutar)", file=sys.stderr,
              flush=True)
        subprocess.call(datasette_args(db, str(metadata_file), host, port))
