"""Serve the archive with Datasette."""

from __future__ import annotations

import subprocess
import sys


def serve_archive(db: str, host: str = "127.0.0.1", port: int = 8001) -> None:
    print(f"Serving {db} at http://{host}:{port}/", file=sys.stderr, flush=True)
    subprocess.call([sys.executable, "-m", "datasette", "serve", db,
                     "--host", host, "--port", str(port)])
