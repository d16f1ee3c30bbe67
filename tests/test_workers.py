"""`serve --workers N`: several processes serve the same read-only archive."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from crawler.web.balancer import ConnectionCounts, connection_table
from crawler.web.workers import listening_socket
from serve_fixtures import build_serve_archive
from server_helpers import free_port, wait_until_serving


def test_listening_socket_is_tcp_so_asyncio_sets_nodelay():
    # asyncio sets TCP_NODELAY only on sockets whose proto is TCP; without it
    # keep-alive responses wait ~40 ms for a delayed ACK.
    server = listening_socket("127.0.0.1", 0)
    inherited = socket.socket(fileno=os.dup(server.fileno()))   # as a worker sees it
    client = socket.create_connection(server.getsockname())
    accepted, _ = inherited.accept()
    try:
        assert accepted.proto == socket.IPPROTO_TCP
        # one socket for all workers: a second server on the port fails to bind
        assert server.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 0
    finally:
        for s in (accepted, client, inherited, server):
            s.close()


def test_connection_table_counts_only_serving_workers():
    fd = connection_table(3)
    first, second, third = (ConnectionCounts(fd, slot) for slot in range(3))
    first.publish(2)
    assert not first.busier_than_another(2)      # the others are not serving yet
    second.publish(1)
    assert first.busier_than_another(2)
    assert not second.busier_than_another(1)
    third.publish(1)
    assert not third.busier_than_another(1)      # equal is not busier
    third.publish(None)
    first.clear(1)                                # the supervisor saw it end
    assert not first.busier_than_another(2)


def established_per_worker(port: int, pids: list[str]) -> list[int]:
    """Open client connections to ``port`` held by each worker process."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(table).read().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == port and fields[3] == "01":
                established.add(fields[9])
    counts = []
    for pid in pids:
        inodes = {os.readlink(f"/proc/{pid}/fd/{fd}")[8:-1] for fd in os.listdir(f"/proc/{pid}/fd")
                  if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:[")}
        counts.append(len(inodes & established))
    return counts


def wait_until_every_worker_serves(pids: list[str], timeout: float = 60) -> None:
    """Until every worker serves with no connection open: its slot in the shared
    table is 1 (it accepts only once it has marked it; on a loaded machine the
    second may start seconds after the first answers, and closed connections
    are counted until the worker sees them close). The table is read through
    a worker's descriptor."""
    arguments = open(f"/proc/{pids[0]}/cmdline").read().split("\0")
    table = f"/proc/{pids[0]}/fd/{arguments[arguments.index('--table-fd') + 1]}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        slots = memoryview(open(table, "rb").read()).cast("q")
        if len(slots) == len(pids) and all(slot == 1 for slot in slots):
            return
        time.sleep(0.1)
    raise AssertionError(f"workers not all serving: {list(slots)}")


def worker_pids(port: int) -> list[str]:
    return subprocess.run(["pgrep", "-f", f"crawler.web.workers .* --port {port} .*--worker$"],
                          capture_output=True, text=True).stdout.split()


@pytest.mark.slow  # starts a supervisor and two worker processes
def test_keep_alive_clients_are_spread_evenly_and_a_dead_worker_is_replaced(archive):
    port = free_port()
    supervisor = subprocess.Popen([sys.executable, "-m", "crawler.web.workers", str(archive),
                                   "--port", str(port), "--workers", "2"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", supervisor)
        time.sleep(0.5)   # the probe's connection is closed on both sides
        for round_ in range(2):
            wait_until_every_worker_serves(worker_pids(port))
            clients = []
            for _ in range(8):   # one after the other, each kept open
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/-/versions.json")
                assert conn.getresponse().read()
                clients.append(conn)
            pids = worker_pids(port)
            assert len(pids) == 2
            # SO_REUSEPORT placed connections by a hash: 4/4 in about 3 of 10 runs
            assert established_per_worker(port, pids) == [4, 4]
            for conn in clients:
                conn.close()
            if round_ == 0:   # a worker dies: it is replaced on the same socket
                os.kill(int(pids[0]), signal.SIGKILL)
                for _ in range(100):
                    time.sleep(0.1)
                    if len(worker_pids(port)) == 2 and pids[0] not in worker_pids(port):
                        break
                wait_until_serving(f"http://127.0.0.1:{port}", supervisor)
                time.sleep(0.5)
    finally:
        supervisor.terminate()
        supervisor.wait(timeout=20)


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
        assert len(worker_pids(port)) == 2
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
    pattern = f"crawler.web.workers .* --port {port} .*--worker$"
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
