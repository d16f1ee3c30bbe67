"""`serve --workers N`: several processes serve the same read-only archive."""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import sys
import time

import pytest

from crawler.web.workers import listening_socket
from serve_fixtures import build_serve_archive
from server_helpers import free_port, wait_until_serving


def test_listening_socket_is_tcp_so_asyncio_sets_nodelay():
    # asyncio sets TCP_NODELAY only on sockets whose proto is TCP; without it
    # keep-alive responses wait ~40 ms for a delayed ACK.
    server = listening_socket("127.0.0.1", 0)
    client = socket.create_connection(server.getsockname())
    accepted, _ = server.accept()
    try:
        assert accepted.proto == socket.IPPROTO_TCP
        assert server.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
    finally:
        for s in (accepted, client, server):
            s.close()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_serve_archive(tmp_path_factory.mktemp("workers") / "archive.db")


@pytest.mark.slow  # starts a supervisor and two worker processes
def test_two_workers_serve_search_and_stop_together(archive):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", str(archive),
                                "--port", str(port), "--workers", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", process)
        statuses, bodies = [], []
        for _ in range(4):  # new connections: the kernel spreads them over the workers
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for path in ("/-/sok.json?q=vandring", "/archive/sok.json?q=narkotika&_shape=array"):
                conn.request("GET", path)
                response = conn.getresponse()
                statuses.append(response.status)
                bodies.append(response.read().decode())
            conn.close()
        assert statuses == [200] * 8
        assert all("Sandvikens kommun" in b for b in bodies[0::2])
        assert all("narkotikabrott" in b for b in bodies[1::2])
        workers = subprocess.run(["pgrep", "-f", f"crawler.web.workers .* --port {port} --worker$"],
                                 capture_output=True, text=True).stdout.split()
        assert len(workers) == 2
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: serve and both workers end
        process.wait(timeout=20)
    time.sleep(0.5)
    left = subprocess.run(["pgrep", "-f", f"crawler.web.workers .* --port {port}"],
                          capture_output=True, text=True).stdout.split()
    assert left == []


@pytest.mark.slow  # starts and kills server processes
def test_workers_end_when_their_supervisor_is_killed(archive):
    port = free_port()
    supervisor = subprocess.Popen([sys.executable, "-m", "crawler.web.workers", str(archive),
                                   "--port", str(port), "--workers", "2"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pattern = f"crawler.web.workers .* --port {port} --worker$"
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", supervisor)
        assert len(subprocess.run(["pgrep", "-f", pattern], capture_output=True,
                                  text=True).stdout.split()) == 2
        supervisor.kill()
        supervisor.wait()
        for _ in range(100):
            left = subprocess.run(["pgrep", "-f", pattern], capture_output=True,
                                  text=True).stdout.split()
            if not left:
                break
            time.sleep(0.1)
        assert left == []
    finally:
        subprocess.run(["pkill", "-f", pattern])
