"""Serve the archive with Datasette: read-only, Swedish metadata, our plugins.

How it is configured (see docs/archive-ui.md):

* The database file is opened by Datasette in ``mode=ro`` (its default for
  a file given on the command line), not ``immutable``: a scheduled
  re-crawl or ``normalize`` may write while the archive is served, and WAL
  lets readers and one writer work at once. ``immutable`` would let SQLite
  skip locking and could read a half-written page. Nothing Datasette or our
  plugins do can write: there are no write plugins and the connection is
  read-only.
* Arbitrary SQL is off (``allow_sql: false`` in ``web/metadata.yml``); the
  canned queries, the table views and the plugin pages are the interface.
  ``sql_time_limit_ms`` stops runaway queries; downloads of the database
  file are off.
* The plugin modules (``search_page``, ``archive_views``, ``charts``) are
  registered as Datasette plugins by the package's ``datasette`` entry
  points (pyproject.toml), so ``datasette plugins`` lists them and
  ``datasette publish`` / ``package`` carry them; ``web/templates`` holds
  their templates.
"""

from __future__ import annotations

import atexit
import ctypes
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from datasette.app import Datasette

from crawler.store.schema import SEARCH_TABLES
from crawler.web.memory import SERVER_ENV

SITE = Path(__file__).resolve().parent
TEMPLATES_DIR = SITE / "templates"
SETTINGS = {"sql_time_limit_ms": 2000, "default_page_size": 50, "facet_time_limit_ms": 500,
            "allow_download": False, "max_returned_rows": 2000, "suggest_facets": False,
            "num_sql_threads": 4}


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
    return Datasette([str(db_path)], metadata=metadata_for(db_path),
                     template_dir=str(TEMPLATES_DIR),
                     settings=SETTINGS)


def datasette_args(db_path: str | Path, host: str = "127.0.0.1", port: int | str = 8001,
                   *, metadata_file: str | None = None) -> list[str]:
    """The `datasette serve` command line `serve_archive` runs.

    The site metadata is written to a temporary file (removed at exit)
    unless ``metadata_file`` names one.
    """
    if metadata_file is None:
        metadata_file = _metadata_file(db_path)
    args = [sys.executable, "-m", "datasette", "serve", str(db_path), "--host", host,
            "--port", str(port), "--metadata", metadata_file,
            "--template-dir", str(TEMPLATES_DIR)]
    for key, value in SETTINGS.items():
        args += ["--setting", key, json.dumps(value) if isinstance(value, bool) else str(value)]
    return args


def worker_args(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001,
                workers: int = 2) -> tuple[list[str], dict]:
    """Command line and environment for serving with several processes.

    One Datasette process is bound by one core (Python); ``crawler.web.workers``
    runs ``workers`` processes, each a `datasette_instance` (same settings,
    metadata and plugins as `datasette_args`) on the same read-only file.
    """
    return ([sys.executable, "-m", "crawler.web.workers", str(Path(db_path).resolve()), "--host", host,
             "--port", str(port), "--workers", str(workers)], dict(os.environ))


def _metadata_file(db_path: str | Path) -> str:
    """metadata_for(db_path) as JSON in a temporary file removed at exit."""
    folder = tempfile.mkdtemp(prefix="medborgarloften-site-")
    atexit.register(shutil.rmtree, folder, True)
    path = Path(folder) / "metadata.json"
    path.write_text(json.dumps(metadata_for(db_path), ensure_ascii=False), "utf-8")
    return str(path)


def missing_search_tables(db_path: str | Path) -> list[str]:
    """Search tables the archive lacks (an archive never normalized)."""
    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        names = {r[0] for r in conn.execute("select name from sqlite_master")}
    finally:
        conn.close()
    return [t for t in SEARCH_TABLES if t not in names]


class PortInUse(Exception):
    """The address cannot be bound; its message is the one line `serve` prints."""


def check_port(host: str, port: int) -> None:
    """Fail early, with one clear line, when ``host:port`` cannot be bound
    (another server has it), instead of printing the URL and then a traceback."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise PortInUse(f"Kan inte lyssna på {host}:{port} ({exc.strerror or exc}); "
                            "porten används redan? Välj en annan med --port.") from None


def serve_archive(db: str, host: str = "127.0.0.1", port: int = 8001,
                  workers: int | None = None) -> int:
    """Serve until Ctrl-C or SIGTERM; returns the exit status. ``workers`` > 1
    (or MEDBORGARLOFTEN_SERVE_WORKERS) runs that many processes through
    uvicorn instead of `datasette serve`. Raises PortInUse."""
    if workers is None:
        workers = int(os.environ.get("MEDBORGARLOFTEN_SERVE_WORKERS", "1") or 1)
    check_port(host, port)
    missing = missing_search_tables(db)
    if missing:
        print(f"Varning: sökindex saknas ({', '.join(missing)}); kör "
              f"`medborgarloften normalize` på {db} först.", file=sys.stderr, flush=True)
    print(f"Arkivet serveras på http://{host}:{port}/  (Ctrl-C avslutar)", file=sys.stderr,
          flush=True)
    return run_until_stopped(*server_command(db, host, port, workers))


def server_command(db: str | Path, host: str, port: int, workers: int) -> tuple[list[str], dict]:
    """The command and environment `serve` runs (and bench/serve.py times):
    `datasette serve` for one process, ``crawler.web.workers`` for more."""
    if workers > 1:
        command, env = worker_args(db, host, port, workers)
    else:
        command, env = datasette_args(db, host, port), dict(os.environ)
    return command, {**env, SERVER_ENV: "1"}


# A server that dies more often than this is not restarted again.
MAX_RESTARTS, RESTART_WINDOW = 5, 60.0


def run_until_stopped(command: list[str], env: dict | None = None) -> int:
    """Run the server; pass SIGINT (Ctrl-C) and SIGTERM (systemd, docker stop)
    on to it and wait for it to finish, so no worker is left behind. A server
    that dies without being asked to is restarted (and logged), at most
    MAX_RESTARTS times within RESTART_WINDOW seconds.

    The handlers are installed explicitly: started with SIGINT ignored (a
    script's ``&``, nohup), Python would otherwise never see Ctrl-C, and the
    child, inheriting the ignored signal, neither."""
    stopping: list[int] = []
    child: subprocess.Popen | None = None

    def forward(signum, frame):
        stopping.append(signum)
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}
    restarts: list[float] = []
    try:
        while True:
            child = subprocess.Popen(command, env=env, preexec_fn=_end_with_parent)
            code = child.wait()
            if stopping or code == 0 or not may_restart(restarts):
                return 0 if stopping and code in (0, -signal.SIGINT, -signal.SIGTERM) \
                    else abs(code)
            print(f"Servern avslutades oväntat (kod {code}); startar om den.",
                  file=sys.stderr, flush=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _end_with_parent() -> None:
    """In the server process, before exec (Linux): the kernel sends it SIGTERM
    when `serve` dies, even by SIGKILL, so no server outlives it."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def may_restart(restarts: list[float]) -> bool:
    now = time.monotonic()
    restarts[:] = [t for t in restarts if now - t < RESTART_WINDOW] + [now]
    return len(restarts) <= MAX_RESTARTS
