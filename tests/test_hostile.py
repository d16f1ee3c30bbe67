"""Hostile requests against a real server on 127.0.0.1 (`datasette serve` as
`medborgarloften serve` runs it): every route with out-of-range and malformed
parameters, many at once; no answer is a 500, a light page keeps answering
within 1 s during and after the flood, and the server's memory stays bounded.

Bounded: a fixed list of requests (about 400 with repeats), 24 at a time,
each with a 30 s timeout; loopback only.
"""

from __future__ import annotations

import http.client
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from serve_fixtures import build_serve_archive
from server_helpers import free_port, wait_until_serving
from crawler.web.serving import datasette_args

pytestmark = pytest.mark.slow

BIG = "x" * 10_000
HUGE = "9" * 40
PATHS = [
    f"/-/sok?q=vandring&sida={HUGE}", "/-/sok?q=vandring&sida=99999999", "/-/sok?q=vandring&sida=-3",
    f"/-/sok?q={BIG}", "/-/sok?q=%ff%fe%fd", "/-/sok?q=vandring&ar=abc", f"/-/sok?q=x&lan={BIG}",
    "/-/sok.json?q=vandring&sida=0", "/-/sok?q=%22%22%22", "/-/sok?q=*&tema=%00",
    f"/-/snapshot/{HUGE}", f"/-/snapshot/{HUGE}/raw", f"/-/snapshot/{HUGE}/html", "/-/snapshot/0",
    f"/-/diff?a=1&b={HUGE}", "/-/diff?a=-1&b=-2", "/-/diff?a=%ff&b=1", f"/-/diff?a={BIG}&b=1",
    "/archive/commitments?_sort=nonexistent", "/archive/commitments?_sort_desc=%ff",
    f"/archive/commitments?_size={HUGE}", "/archive/commitments?_size=-1",
    "/archive/commitments?_next=%ff%fe", f"/archive/commitments?_next={BIG}",
    f"/archive/commitments_overview?_search={BIG}&_facet=county",
    "/archive/commitments_overview?_search=%ff&_facet=nope", "/archive/commitments/abc",
    f"/archive/commitments/{HUGE}", "/archive/kommunens_historik?kod=9999",
    f"/archive/kommunens_historik?kod={BIG}", "/archive/kommunens_historik?kod=%ff",
    "/archive/andringsflode_kommun.atom?kod=9999", f"/archive/andringsflode_kommun.atom?kod={BIG}",
    "/archive/andringsflode.atom?x=%ff", f"/archive/jamfor_kommuner?kommuner={BIG}&ar=abc",
    f"/archive/jamfor_versioner?a={HUGE}&b=1", "/archive/karta?gallande=%ff",
    f"/archive/sok?q={BIG}", "/archive/sok?q=%ff", f"/archive/liknande_ataganden?id={HUGE}",
    "/archive/teman_per_lan?ar=abc", "/-/karta?x=%ff", "/-/diagram/teman?y=1",
    "/-/databases.json", "/archive/bodies", "/archive/search_words_data",
    "/archive/nonexistent", "/nonexistent/table", "/-/om?" + BIG,
]
HEAVY = ["/archive/commitments_overview?_search=trygghet&_facet=county&_facet=kind",
         "/-/sok?q=vandring", "/-/sok?q=testl%C3%B6fte&ansvarig=polisen"]


def fetch(port: int, path: str, method: str = "GET") -> tuple[int, float]:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        conn.close()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    archive = build_serve_archive(tmp_path_factory.mktemp("hostile") / "archive.db")
    port = free_port()
    process = subprocess.Popen(datasette_args(archive, "127.0.0.1", port),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", process)
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_hostile_requests_never_take_the_server_down(server):
    port, process = server
    fetch(port, "/-/sok?q=vandring")  # warm up: indexes built, caches filled
    baseline = rss_kb(process.pid)
    requests = [(p, "GET") for p in PATHS] * 4 + [(p, "POST") for p in PATHS[:20]]
    requests += [(p, "GET") for p in HEAVY] * 40
    light: list[float] = []
    stop = threading.Event()

    def watch_light():
        while not stop.is_set():
            light.append(fetch(port, "/-/om")[1])
            time.sleep(0.05)

    watcher = threading.Thread(target=watch_light)
    watcher.start()
    try:
        with ThreadPoolExecutor(24) as pool:
            results = list(pool.map(lambda r: (r, fetch(port, *r)[0]), requests))
    finally:
        stop.set()
        watcher.join()
    errors = [(r, status) for r, status in results if status >= 500 and status != 503]
    assert errors == []
    assert process.poll() is None
    status, seconds = fetch(port, "/-/om")
    assert status == 200 and seconds < 1.0
    # While flooded: the 95th percentile (the machine running the tests is
    # shared, and one scheduler hiccup is not the server's doing).
    ordered = sorted(light)
    assert ordered and ordered[int(0.95 * (len(ordered) - 1))] < 1.0, ordered[-5:]
    assert rss_kb(process.pid) < baseline + 300_000  # kB


def test_overload_is_a_swedish_503_with_retry_after(server):
    port, _ = server
    statuses: list[int] = []
    retry: list[str] = []

    def one(_):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/-/sok?q=polisen&sida=1&lan=" + str(_ % 7))
        response = conn.getresponse()
        body = response.read().decode()
        statuses.append(response.status)
        if response.status == 503:
            retry.append(response.getheader("Retry-After"))
            assert "belastning" in body
        conn.close()

    with ThreadPoolExecutor(64) as pool:
        list(pool.map(one, range(200)))
    assert set(statuses) == {200, 503}  # some served, the rest shed at once
    assert all(r and r.isdigit() for r in retry)
