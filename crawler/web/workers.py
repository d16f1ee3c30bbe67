"""Serve the archive with several worker processes: ``serve --workers N``.

One Datasette process is bound to one core (Python); under many concurrent
readers the archive needs one process per core. The supervisor binds the
port once and starts the workers; each runs the same read-only
`datasette_instance` under uvicorn and accepts from the inherited socket by
least connections (crawler.web.balancer), so keep-alive clients are spread
evenly. A worker that dies is restarted on the same socket.

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

from crawler.web.balancer import BalancedServer, ConnectionCounts, connection_table
from crawler.web.serving import datasette_instance, may_restart


def listening_socket(host: str, port: int) -> socket.socket:
    """The TCP socket the workers share, its protocol set explicitly."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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


def run_worker(db: str, listener_fd: int, table_fd: int, slot: int) -> None:
    end_with_parent()
    listener = socket.socket(fileno=listener_fd)
    config = uvicorn.Config(datasette_instance(db).app(), log_level="warning",
                            access_log=False, lifespan="on")
    BalancedServer(config, listener, ConnectionCounts(table_fd, slot)).run()


def worker_commands(db: str, host: str, port: int, workers: int, listener_fd: int,
                    table_fd: int) -> list[list[str]]:
    # host and port only name the server in `ps` (and in tests' pgrep)
    return [[sys.executable, "-m", "crawler.web.workers", db, "--host", host, "--port", str(port),
             "--listener-fd", str(listener_fd), "--table-fd", str(table_fd),
             "--slot", str(slot), "--worker"] for slot in range(workers)]


def supervise(db: str, host: str, port: int, workers: int) -> int:
    """Start the workers and keep them running: a worker that dies is
    restarted (and logged), at most MAX_RESTARTS times in RESTART_WINDOW
    seconds. On SIGTERM/SIGINT, stop them all and wait for them.

    The handlers are installed before the workers start, so they inherit
    default dispositions even when this process was started with SIGINT
    ignored (``&`` in a script, nohup)."""
    listener = listening_socket(host, port)
    table_fd = connection_table(workers)
    table = ConnectionCounts(table_fd, 0)
    fds = (listener.fileno(), table_fd)
    commands = worker_commands(db, host, port, workers, *fds)
    children: dict[int, tuple[subprocess.Popen, list[str]]] = {}
    stopping: list[int] = []

    def stop(signum=signal.SIGTERM, frame=None):
        stopping.append(signum)
        for child, _ in children.values():
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for command in commands:
        child = subprocess.Popen(command, pass_fds=fds)
        children[child.pid] = (child, command)
    restarts: list[float] = []
    code = 0
    while children:
        pid, status = os.wait()
        child, command = children.pop(pid, (None, None))
        if child is None:
            continue
        child.returncode = os.waitstatus_to_exitcode(status)
        table.clear(int(command[command.index("--slot") + 1]))
        if stopping:
            continue
        if not may_restart(restarts):
            print("Arbetsprocesserna dör om och om igen; servern avslutas.", file=sys.stderr,
                  flush=True)
            code = abs(child.returncode) or 1
            stop()
            continue
        print(f"Arbetsprocess {pid} avslutades oväntat (kod {child.returncode}); "
              "startar en ny.", file=sys.stderr, flush=True)
        replacement = subprocess.Popen(command, pass_fds=fds)
        children[replacement.pid] = (replacement, command)
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the archive with worker processes.")
    parser.add_argument("db")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    for inherited in ("--listener-fd", "--table-fd", "--slot"):
        parser.add_argument(inherited, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        run_worker(args.db, args.listener_fd, args.table_fd, args.slot)
        return 0
    return supervise(args.db, args.host, args.port, args.workers)


if __name__ == "__main__":
    sys.exit(main())
