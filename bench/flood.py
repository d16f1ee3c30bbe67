"""Flood benchmark: does a light page stay fast while heavy requests pile up?

    python bench/flood.py [--commitments 100000] [--heavy 200] [--kind overview|sok|diff]

Builds the serving benchmark's synthetic archive (bench/serve.py: invented
rows), starts the server as `medborgarloften serve` does, sends ``--heavy``
concurrent heavy requests at once, and meanwhile asks for a light page
(/-/om) every 50 ms. Prints one summary line: light p50/max, and how the
heavy requests ended (200, 503 shed with Retry-After, timeouts).
"""

from __future__ import annotations

import _path  # noqa: F401  (must come first: see bench/_path.py)

import argparse
import http.client
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from crawler.web.serving import datasette_args

# bench/serve.py's archive builder (not importable by name: see bench/_path.py)
_spec = importlib.util.spec_from_file_location("bench_serve", Path(__file__).with_name("serve.py"))
bench_serve = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_serve)
build, free_port = bench_serve.build, bench_serve.free_port

HEAVY = {
    "overview": lambda i: "/bench/commitments_overview?_search=" + quote(["trygghet", "narkotika",
                                                                        "belysning"][i % 3])
                          + "&_facet=county&_facet=kind&_facet=responsible",
    "sok": lambda i: "/-/sok?q=" + quote(["polisen centrum", "trygghetsvandringar",
                                          "kommunen skolorna"][i % 3]) + f"&sida={1 + i % 5}",
}


def timed_get(port: int, path: str, timeout: float = 120.0) -> tuple[str, float]:
    started = time.perf_counter()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        conn.close()
        return str(response.status), time.perf_counter() - started
    except OSError:
        return "timeout", time.perf_counter() - started


def wait_until_serving(port: int, process: subprocess.Popen) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit("the server exited")
        if timed_get(port, "/-/versions.json", 1)[0] == "200":
            return
        time.sleep(0.2)
    raise SystemExit("the server did not answer")


def flood(port: int, kind: str, heavy: int) -> dict:
    light: list[float] = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            light.append(timed_get(port, "/-/om")[1])
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(heavy) as pool:
        outcomes = list(pool.map(lambda i: timed_get(port, HEAVY[kind](i))[0], range(heavy)))
    stop.set()
    watcher.join()
    counts = {s: outcomes.count(s) for s in sorted(set(outcomes))}
    return {"kind": kind, "heavy": heavy, "heavy_outcomes": counts,
            "flood_s": round(time.perf_counter() - started, 1),
            "light_p50_ms": round(1000 * statistics.median(light), 1),
            "light_max_ms": round(1000 * max(light), 1), "light_requests": len(light)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commitments", type=int, default=100_000)
    parser.add_argument("--heavy", type=int, default=200)
    parser.add_argument("--kind", choices=sorted(HEAVY), action="append")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        build(path, args.commitments)
        port = free_port()
        process = subprocess.Popen(datasette_args(path, "127.0.0.1", port),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_serving(port, process)
            timed_get(port, HEAVY["sok"](0))  # the ranking index is built
            for kind in args.kind or ["overview", "sok"]:
                print("flood " + json.dumps(flood(port, kind, args.heavy), ensure_ascii=False),
                      flush=True)
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
