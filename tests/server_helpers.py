"""Starting a server on 127.0.0.1 for a test: a free port, waiting until it
answers, and `datasette serve` run exactly as `medborgarloften serve` runs it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from crawler.web.serving import datasette_args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(base: str, process: subprocess.Popen, log: Path | None = None,
                       tries: int = 600) -> None:
    """Until ``base``/-/versions.json answers; fails if the server exits."""
    for _ in range(tries):
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1)
            return
        except OSError:
            if process.poll() is not None:
                tail = log.read_text(errors="replace")[-2000:] if log else ""
                raise AssertionError(f"the server exited: {tail}")
            time.sleep(0.1)
    raise AssertionError(f"{base} did not answer")


@contextlib.contextmanager
def datasette_server(archive: str | Path) -> Iterator[str]:
    """`datasette serve` on the archive; yields its base URL."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "stderr.txt"
        with log.open("wb") as stderr:
            process = subprocess.Popen(datasette_args(archive, "127.0.0.1", port),
                                       stdout=subprocess.DEVNULL, stderr=stderr)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(base, process, log)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)
