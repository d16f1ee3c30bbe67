"""`serve` and `demo` from the shell: a taken port is an error, Ctrl-C and
SIGTERM stop the server even when it was started with SIGINT ignored, a
dying worker is restarted, and the demo never overwrites a real archive."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest

from serve_fixtures import build_serve_archive
from server_helpers import free_port, wait_until_serving

CLI = [sys.executable, "-m", "crawler.cli"]
STARTUP_TRIES = 900  # up to ~90 s: server start-up is slow on a loaded machine


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_serve_archive(tmp_path_factory.mktemp("cli") / "archive.db")


def pids_matching(pattern: str) -> list[str]:
    return subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split()


@pytest.fixture
def taken_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_exits_non_zero_with_one_line_when_the_port_is_taken(archive, taken_port,
                                                                      workers):
    result = subprocess.run([*CLI, "serve", str(archive), "--port", str(taken_port),
                             "--workers", workers], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "serveras på" not in result.stderr
    assert f"127.0.0.1:{taken_port}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_exits_non_zero_before_crawling_when_the_port_is_taken(tmp_path, taken_port):
    result = subprocess.run([*CLI, "demo", "--db", str(tmp_path / "demo.db"), "--port",
                             str(taken_port)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert not (tmp_path / "demo.db").exists()


def test_demo_refuses_to_overwrite_an_archive_it_did_not_make(tmp_path, archive):
    real = tmp_path / "archive.db"
    real.write_bytes(archive.read_bytes())
    before = real.read_bytes()
    result = subprocess.run([*CLI, "demo", "--db", str(real), "--no-serve"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "--force" in result.stderr
    assert real.read_bytes() == before


def test_demo_writes_demo_db_by_default(tmp_path):
    result = subprocess.run([*CLI, "demo", "--help"], capture_output=True, text=True,
                            cwd=tmp_path, timeout=60)
    assert "demo.db" in result.stdout and not (tmp_path / "archive.db").exists()


def test_demo_may_replace_its_own_archive(tmp_path):
    from crawler.cli import is_demo_archive
    own = tmp_path / "demo.db"
    conn = sqlite3.connect(own)
    conn.execute("create table pages (url text)")
    conn.execute("insert into pages values ('http://127.0.0.5:8000/medborgarloften/')")
    conn.commit()
    conn.close()
    assert is_demo_archive(own)
    (tmp_path / "not-sqlite.db").write_text("mina anteckningar")
    assert not is_demo_archive(tmp_path / "not-sqlite.db")


SCRIPT = """
import signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)   # what `&` in a script and nohup do
child = subprocess.Popen(sys.argv[1:])
print(child.pid, flush=True)
sys.exit(child.wait())
"""


@pytest.mark.slow
@pytest.mark.parametrize("workers,sig", [("1", signal.SIGINT), ("2", signal.SIGINT),
                                         ("2", signal.SIGTERM)])
def test_serve_stops_on_signals_when_started_with_sigint_ignored(archive, workers, sig):
    port = free_port()
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT, *CLI, "serve", str(archive),
                               "--port", str(port), "--workers", workers],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              start_new_session=True)
    serve_pid = int(parent.stdout.readline())
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", parent, tries=STARTUP_TRIES)
        os.kill(serve_pid, sig)
        assert parent.wait(timeout=30) == 0
    finally:
        if parent.poll() is None:
            os.killpg(parent.pid, signal.SIGKILL)
            parent.wait()
    time.sleep(0.5)
    assert pids_matching(f"--port {port}") == []


@pytest.mark.slow
def test_a_worker_that_dies_is_restarted(archive):
    port = free_port()
    process = subprocess.Popen([*CLI, "serve", str(archive), "--port", str(port),
                                "--workers", "2"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    pattern = f"crawler.web.workers .* --port {port} .*--worker$"
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", process, tries=STARTUP_TRIES)
        first = pids_matching(pattern)
        assert len(first) == 2
        os.kill(int(first[0]), signal.SIGKILL)   # as the kernel's OOM killer would
        for _ in range(100):
            now = pids_matching(pattern)
            if len(now) == 2 and first[0] not in now:
                break
            time.sleep(0.1)
        assert len(now) == 2 and first[0] not in now
        # The workers share one socket: the other worker serves meanwhile.
        wait_until_serving(f"http://127.0.0.1:{port}", process, tries=STARTUP_TRIES)
        for _ in range(4):  # the new worker may still be starting: its backlog waits
            assert urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json",
                                          timeout=60).status == 200
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    assert "startar en ny" in process.stderr.read()
    assert pids_matching(f"--port {port}") == []


@pytest.mark.slow
def test_a_single_server_process_that_dies_is_restarted(archive):
    port = free_port()
    process = subprocess.Popen([*CLI, "serve", str(archive), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    pattern = f"datasette serve .* --port {port} "
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", process, tries=STARTUP_TRIES)
        [first] = pids_matching(pattern)
        os.kill(int(first), signal.SIGKILL)
        time.sleep(0.5)
        wait_until_serving(f"http://127.0.0.1:{port}", process, tries=STARTUP_TRIES)
        assert pids_matching(pattern) not in ([], [first])
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    assert "startar om den" in process.stderr.read()


@pytest.mark.slow
def test_no_server_outlives_a_killed_serve(archive):
    port = free_port()
    process = subprocess.Popen([*CLI, "serve", str(archive), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", process, tries=STARTUP_TRIES)
        process.kill()
        process.wait()
        for _ in range(100):
            left = pids_matching(f"datasette serve .* --port {port} ")
            if not left:
                break
            time.sleep(0.1)
        assert left == []
    finally:
        for pid in pids_matching(f"datasette serve .* --port {port} "):
            os.kill(int(pid), signal.SIGKILL)
