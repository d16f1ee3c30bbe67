"""Serving benchmark: a synthetic archive of 100,000 commitments, 8 clients.

    python bench/serve.py [--commitments 100000] [--clients 8] [--requests 400]

Builds a synthetic archive (290 municipalities × 10 years; every row is
invented benchmark data), times the FTS index build, starts `datasette`
exactly as `medborgarloften serve` does on 127.0.0.1, and measures p50/p95
latency of search, facet and canned-query pages under concurrent load.
"""

from __future__ import annotations

import _path  # noqa: F401  (must come first: see bench/_path.py)

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from crawler.store.archive import ensure_schema
from crawler.store.schema import ensure_derived_schema
from normalize.registry import load_municipalities
from crawler.search.words import build_search_index
from crawler.web.serving import datasette_args, worker_args

from normalize.themes import THEMES, themes_of

SUBJECTS = ["Polisen ska", "Kommunen ska", "Polisen och kommunen ska", "Vi lovar att",
            "Kommunen och polisen lovar att"]
ACTIONS = ["genomföra trygghetsvandringar i", "öka närvaron i", "starta grannsamverkan i",
           "förebygga narkotikabrott bland unga i", "förbättra belysningen i",
           "arbeta mot gängkriminalitet i", "informera äldre om bedrägerier i",
           "genomföra trafikkontroller vid", "hålla medborgardialoger i", "besöka skolorna i"]
PLACES = ["centrum", "stadsparken", "resecentrum", "bostadsområdena", "skolorna", "hamnen"]
RESPONSIBLE = ["polisen", "kommunen", "gemensamt", "gemensamt", "annan", None]


def build(path: Path, total: int, seed: int = 1) -> float:
    rng = random.Random(seed)
    db = sqlite_utils.Database(path)
    db.enable_wal()
    ensure_schema(db)
    ensure_derived_schema(db)
    municipalities = load_municipalities()
    db["municipalities"].insert_all(
        {"code": m.code, "name": m.name, "short_name": m.short_name, "county": m.county,
         "county_code": m.county_code, "police_region": m.police_region, "website": m.website,
         "latitude": m.lat, "longitude": m.lon} for m in municipalities)
    db["themes"].insert_all({"theme": t.key, "label": t.label, "description": t.description,
                             "keywords": ", ".join(t.keywords)} for t in THEMES.values())
    per_document = max(1, total // (len(municipalities) * 10))
    documents, commitments, links = [], [], []
    commitment_id = 0
    for document_id, (m, year) in enumerate(
            ((m, y) for m in municipalities for y in range(2016, 2026)), start=1):
        documents.append({"id": document_id, "title": f"Medborgarlöfte {year} (syntetiskt)",
                          "municipality_codes": json.dumps([m.code]), "period_label": str(year),
                          "period_start": f"{year}-01-01", "period_end": f"{year}-12-31",
                          "start_year": year, "end_year": year,
                          "commitment_count": per_document, "site": m.code,
                          "url": f"https://example.invalid/{m.code}/{year}"})
        for position in range(per_document):
            commitment_id += 1
            text = f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)} {rng.choice(PLACES)} " \
                   f"(syntetiskt testdata {commitment_id})."
            themes = themes_of(text)
            commitments.append({
                "id": commitment_id, "document_id": document_id, "municipality_code": m.code,
                "position": position, "text": text, "responsible": rng.choice(RESPONSIBLE),
                "kind": "promise", "themes": json.dumps(themes), "period_label": str(year),
                "start_year": year, "end_year": year, "url": documents[-1]["url"],
                "text_key": str(commitment_id)})
            links += [{"commitment_id": commitment_id, "theme": t} for t in themes]
    db["documents"].insert_all(documents, batch_size=1000)
    db["document_municipalities"].insert_all(
        ({"document_id": d["id"], "municipality_code": json.loads(d["municipality_codes"])[0]}
         for d in documents), batch_size=1000)
    db["commitments"].insert_all(commitments, batch_size=5000)
    db["commitment_themes"].insert_all(links, batch_size=5000)
    started = time.perf_counter()
    with db.atomic():
        build_search_index(db)
    elapsed = time.perf_counter() - started
    db.execute("pragma wal_checkpoint(truncate)")
    db.close()
    return elapsed


def unique_queries(terms: list[str], count: int) -> list[str]:
    """`count` different two- and three-word queries built from the bench words."""
    extra = PLACES + ["polisen", "kommunen", "lovar", "unga", "öka", "närvaron"]
    queries = [f"{t} {e}" for t in terms for e in extra]
    queries += [f"{t} {e} {f}" for t in terms for e in extra for f in extra if e < f]
    random.Random(4).shuffle(queries)
    return queries[:count]


def page_workloads(rng: random.Random, codes: list[str], terms: list[str], requests: int,
                   commitments: int) -> dict[str, list[str]]:
    """The journalist pages (crawler.web.pages); issue 12 asks p95 <= 150 ms at 8 clients."""
    counties = sorted({code[:2] for code in codes})
    return {
        "page: /kommun/KOD": [f"/kommun/{rng.choice(codes)}" for _ in range(requests)],
        "page: /kommun/KOD.json": [f"/kommun/{rng.choice(codes)}.json" for _ in range(requests)],
        "page: /atagande/ID": [f"/atagande/{rng.randint(1, commitments * 9 // 10)}"
                               for _ in range(requests)],
        "page: /jamfor?kommuner=A,B": [f"/jamfor?kommuner={rng.choice(codes)},{rng.choice(codes)}"
                                       for _ in range(requests)],
        "page: /jamfor?lan=LAN": [f"/jamfor?lan={rng.choice(counties)}" for _ in range(requests)],
        "page: /kommun (list)": ["/kommun"] * requests,
        "feed: /kommun/KOD.atom": [f"/kommun/{rng.choice(codes)}.atom" for _ in range(requests)],
        "feed: /-/flode/sok.atom": [f"/-/flode/sok.atom?q={quote(rng.choice(terms))}"
                                    for _ in range(requests)],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load(port: int, paths: list[str], clients: int) -> tuple[list[float], dict]:
    """Each client keeps one connection and takes paths from a shared list.

    Returns the latencies of answered requests (200) and the count of other
    answers by status (e.g. 400/500 when a query hits the SQL time limit).
    """
    timings: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    queue = list(paths)

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    break
                path = queue.pop()
            started = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                if response.status == 200:
                    timings.append(elapsed)
                else:
                    errors[str(response.status)] = errors.get(str(response.status), 0) + 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, errors


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def percentiles(result: tuple[list[float], dict]) -> dict:
    timings, errors = result
    ordered = sorted(timings) or [float("nan")]
    figures = {"p50_ms": round(1000 * statistics.median(ordered), 1),
               "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
               "requests": len(timings)}
    if errors:
        figures["errors_by_status"] = errors
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commitments", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="server processes, as `serve --workers N` (default: one per core)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "archive.db"
        started = time.perf_counter()
        fts_seconds = build(path, args.commitments)
        build_seconds = time.perf_counter() - started
        port = free_port()
        if args.workers > 1:
            command, env = worker_args(path, "127.0.0.1", port, args.workers)
        else:
            command, env = datasette_args(path, "127.0.0.1", port), None
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            rng = random.Random(2)
            terms = ["vandring", "narkotika", "grannsamverkan", "belysning", "skolorna",
                     "bedrägerier", "trafikkontroller", "gängkriminalitet"]
            codes = [m.code for m in load_municipalities()]
            workloads = {
                "search (sok)": [f"/archive/sok.json?q={quote(rng.choice(terms))}"
                                 for _ in range(args.requests)],
                "table view commitments_overview?_search= (Datasette facets)": [
                    f"/archive/commitments_overview?_search={quote(rng.choice(terms))}"
                    "&_facet=county&_facet=responsible" for _ in range(args.requests)],
                "facet (year filter)": [
                    f"/archive/commitments_overview.json?start_year={rng.randint(2016, 2025)}"
                    "&_facet=police_region&_facet=responsible&_size=20"
                    for _ in range(args.requests)],
                "canned: jamfor_kommuner": [
                    f"/archive/jamfor_kommuner.json?kommuner={rng.choice(codes)},"
                    f"{rng.choice(codes)}&ar={rng.randint(2016, 2025)}"
                    for _ in range(args.requests)],
                "canned: senaste_andringar": ["/archive/senaste_andringar.json"] * args.requests,
                "canned: liknande_ataganden": [
                    f"/archive/liknande_ataganden.json?id={rng.randint(1, args.commitments)}"
                    for _ in range(args.requests)],
                "canned: kommunens_historik": [
                    f"/archive/kommunens_historik.json?kod={rng.choice(codes)}"
                    for _ in range(args.requests)],
                "canned: karta (290 rows)": ["/archive/karta.json?_size=max&gallande="]
                * max(1, args.requests // 4),
                "search route /-/sok (facets)": [
                    f"/-/sok?q={quote(rng.choice(terms))}" for _ in range(args.requests)],
                # Every query different: nothing from the search page's result cache.
                "search route /-/sok, unique queries (uncached)": [
                    f"/-/sok?q={quote(term)}" for term in unique_queries(terms, args.requests)],
                **page_workloads(rng, codes, terms, args.requests, args.commitments),
            }
            for name in list(workloads):  # pages a version of the site may not have
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", workloads[name][0])
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status != 200:
                    print(f"skipped {name}: HTTP {response.status}", file=sys.stderr)
                    del workloads[name]
            load(port, workloads["search (sok)"][:20], args.clients)  # warm up
            results = {name: percentiles(load(port, paths, args.clients))
                       for name, paths in workloads.items()}
            server_rss = tree_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=10)
        size_mb = path.stat().st_size / 1e6
    print(json.dumps({"commitments": args.commitments, "clients": args.clients,
                      "workers": args.workers,
                      "build_seconds": round(build_seconds, 1),
                      "fts_build_seconds": round(fts_seconds, 2),
                      "database_mb": round(size_mb, 1), "server_rss_mb": server_rss,
                      "latency": results},
                     ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
