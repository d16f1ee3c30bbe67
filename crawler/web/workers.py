"""Serve the archive with several worker processes: ``serve --workers N``.

One Datasette process is bound to one core (Python); under many concurrent
readers the archive needs one process per core. Each worker runs the same
read-only `datasette_instance` under uvicorn and binds the port itself with
SO_REUSEPORT, so the kernel spreads connections over the workers.

Why not ``uvicorn --workers``: it hands its workers a socket created with
protocol 0, and asyncio only sets TCP_NODELAY on sockets whose protocol is
TCP. Without it every keep-alive response after the first waits ~40 ms for
a delayed ACK (measured: /-/versions.json took 44 ms instead of 2 ms).

    python -m crawler.web.workers archive.db --host 127.0.0.1 --port 8001 --workers 2
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import socket
import subprocess
import sys

import uvicorn

from crawler.web.serving import datasette_instance


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound with SO_REUSEPORT, its protocol set explicitly."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def end_with_parent() -> None:
    """Linux: have the kernel send SIGTERM to this worker when its supervisor
    dies, even by SIGKILL, so no worker outlives the server."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the supervisor died before prctl took effect
        sys.exit(0)


def run_worker(db: str, host: str, port: int) -> None:
    end_with_parent()
    sock = listening_socket(host, port)
    config = uvicorn.Config(datasette_instance(db).app(), log_level="warning",
                            access_log=False, lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


def worker_commands(db: str, host: str, port: int, workers: int) -> list[list[str]]:
    return [[sys.executable, "-m", "crawler.web.workers", db, "--host", host, "--port", str(port),
             "--worker"] for _ in range(workers)]


def supervise(db: str, host: str, port: int, workers: int) -> int:
    """Start the workers; stop them all when one exits or on SIGTERM/SIGINT."""
    children = [subprocess.Popen(c) for c in worker_commands(db, host, port, workers)]

    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    pid, status = os.wait()  # the first worker to exit (crash or signal) ends the server
    stop()
    codes = [os.waitstatus_to_exitcode(status)]
    codes += [child.wait() for child in children if child.pid != pid]
    return max((abs(c) for c in codes), default=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the archive with worker processes.")
    parser.add_argument("db")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        run_worker(args.db, args.host, args.port)
        return 0
    return supervise(args.db, args.host, args.port, args.workers)


if __name__ == "__main__":
    sys.exit(main())
