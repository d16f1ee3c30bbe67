"""Serving benchmark: a synthetic archive of 100,000 commitments, 8 clients.

    python bench/serve.py [--commitments 100000] [--clients 8] [--requests 400]

Builds a synthetic archive (290 municipalities × 10 years; every row is
invented benchmark data), times the build of the serving tables (search,
summaries, on-disk indexes), starts the server exactly as `medborgarloften
serve --workers N` does on 127.0.0.1, times its cold start to the first
ranked search, and measures p50/p95 latency of every page and canned query
under concurrent load. Ends with one summary line:

    serve: commitments=N worst_p95_ms=N worst=NAME cold_start_s=S.S rss_per_worker_mb=N failed=N
"""

from __future__ import annotations

import _path  # noqa: F401  (must come first: see bench/_path.py)

import argparse
import hashlib
import html
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
import zlib
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from crawler.store.archive import ensure_schema
from crawler.store.schema import ensure_derived_schema
from normalize.registry import load_municipalities
from crawler.derive.run import build_serving_tables, fill_police_areas
from crawler.search.disk import indexes_root
from crawler.web.search_page import PAGE_SIZE
from crawler.web.serving import server_command

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
    add_archived_versions(db, documents, commitments)
    started = time.perf_counter()
    with db.atomic():
        build_serving_tables(db)
    elapsed = time.perf_counter() - started
    db.execute("pragma wal_checkpoint(truncate)")
    db.close()
    return elapsed


def add_archived_versions(db, documents: list[dict], commitments: list[dict]) -> None:
    """One archived version (page, body, snapshot) per synthetic document, so the
    pages a journalist follows from a commitment (its sources, the archived
    version, the original download) have something to show. Invented
    benchmark pages, marked as such in their text."""
    texts: dict[int, list[str]] = {}
    for c in commitments:
        texts.setdefault(c["document_id"], []).append(c["text"])
    fetched = "2025-01-15T08:00:00+00:00"
    # Invented local police areas of three municipalities each (named as the
    # real promises name them, read by normalize.police_areas).
    codes = sorted({d["site"] for d in documents})
    area = {code: "Syntet" + chr(97 + i // 3 // 26 % 26) + chr(97 + i // 3 % 26)
            for i, code in enumerate(codes)}
    pages, bodies, snapshots = [], [], []
    for d in documents:
        lines = [d["title"], "Syntetisk testsida för prestandamätning.",
                 f"Kommunen och lokalpolisområde {area[d['site']]} har tecknat medborgarlöftet.",
                 *texts.get(d["id"], [])]
        body = ("<html><body><main>" + "".join(f"<p>{html.escape(x)}</p>" for x in lines)
                + "</main></body></html>").encode("utf-8")
        sha = hashlib.sha256(body).hexdigest()
        text = "\n".join(lines)
        bodies.append({"sha256": sha, "size": len(body), "compression": "zlib",
                       "body": zlib.compress(body)})
        pages.append({"url": d["url"], "site": d["site"], "municipalities": d["municipality_codes"],
                      "kind": "html", "first_seen": fetched, "last_seen": fetched,
                      "last_changed": fetched, "last_snapshot_at": fetched, "snapshot_count": 1,
                      "current_snapshot_id": d["id"], "last_status": 200, "relevant": 1})
        snapshots.append({"id": d["id"], "url": d["url"], "site": d["site"], "fetched_at": fetched,
                          "status": 200, "content_type": "text/html; charset=utf-8",
                          "body_sha256": sha, "size": len(body), "text": text,
                          "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                          "text_changed": 1})
    db["bodies"].insert_all(bodies, batch_size=1000)
    db["pages"].insert_all(pages, batch_size=1000)
    db["snapshots"].insert_all(snapshots, batch_size=1000)
    db.execute("update documents set snapshot_id = id, fetched_at = ?", [fetched])
    db.execute("update commitments set snapshot_id = document_id")
    fill_police_areas(db)
    db.conn.commit()


def unique_queries(terms: list[str], count: int) -> list[str]:
    """`count` different two- and three-word queries built from the bench words."""
    extra = PLACES + ["polisen", "kommunen", "lovar", "unga", "öka", "närvaron"]
    queries = [f"{t} {e}" for t in terms for e in extra]
    queries += [f"{t} {e} {f}" for t in terms for e in extra for f in extra if e < f]
    random.Random(4).shuffle(queries)
    return queries[:count]


def page_workloads(rng: random.Random, codes: list[str], terms: list[str], requests: int,
                   commitments: int) -> dict[str, list[str]]:
    """The journalist pages (crawler.web.pages) along issue 12's six tasks, each
    page a named workload; issue 12 asks p95 <= 150 ms at 8 clients, issue 17
    <= 100 ms. Snapshot ids are document ids (add_archived_versions): ten
    documents per municipality, one per year, consecutive."""
    registry = {m.code: m for m in load_municipalities()}
    counties = sorted({code[:2] for code in codes})
    regions = sorted({m.police_region for m in registry.values()})
    documents = len(codes) * 10
    n = requests

    def each(make) -> list[str]:
        return [make() for _ in range(n)]

    def typed(code: str) -> str:
        """A name as a person types it: any case, genitive -s, 'kommun'."""
        name = registry[code].short_name
        genitive = name if name.endswith(("s", "x", "z")) else name + "s"
        return rng.choice([name, name.lower(), genitive, name.upper(), name + " kommun"])

    def two_years() -> str:
        first = rng.randrange(documents // 10) * 10 + rng.randint(1, 9)
        return f"a={first}&b={first + 1}"

    code = lambda: rng.choice(codes)  # noqa: E731
    commitment = lambda: rng.randint(1, commitments * 9 // 10)  # noqa: E731
    return {
        # 1. which municipalities promise trygghetsvandringar (beside /-/sok)
        "page: /kommun?tema=TEMA": each(lambda: "/kommun?tema=" + rng.choice(
            ["trygghetsvandringar", "grannsamverkan", "narkotika_andt", "trafik"])),
        "page: /kommun/KOD?q=ORD": each(lambda: f"/kommun/{code()}?q={quote(rng.choice(terms))}"),
        # 2. two municipalities side by side, names typed; county and region views
        "page: /jamfor?kommuner=namn, namn": each(
            lambda: "/jamfor?kommuner=" + quote(f"{typed(code())} ,{typed(code())}")),
        "page: /jamfor?kommuner=A,B": each(lambda: f"/jamfor?kommuner={code()},{code()}"),
        "page: /jamfor?lan=LAN": each(lambda: f"/jamfor?lan={rng.choice(counties)}"),
        "page: /jamfor?polisregion=R": each(
            lambda: f"/jamfor?polisregion={quote(rng.choice(regions))}"),
        # 3. one municipality, its JSON twin and feed; the municipality list
        "page: /kommun/KOD": each(lambda: f"/kommun/{code()}"),
        "page: /kommun/NAMN": each(lambda: "/kommun/" + quote(typed(code()).lower())),
        "page: /kommun/KOD.json": each(lambda: f"/kommun/{code()}.json"),
        "feed: /kommun/KOD.atom": each(lambda: f"/kommun/{code()}.atom"),
        "page: /kommun (list)": ["/kommun"] * n,
        "feed: /-/flode/lan/LAN.atom": each(lambda: f"/-/flode/lan/{rng.choice(counties)}.atom"),
        "feed: /-/flode/sok.atom": each(lambda: f"/-/flode/sok.atom?q={quote(rng.choice(terms))}"),
        # 4. a commitment, the archived version it links to, its original, two versions
        "page: /atagande/ID": each(lambda: f"/atagande/{commitment()}"),
        "page: /-/snapshot/ID": each(lambda: f"/-/snapshot/{rng.randint(1, documents)}"),
        "download: /-/snapshot/ID/original": each(
            lambda: f"/-/snapshot/{rng.randint(1, documents)}/original"),
        "page: /-/versioner?a=ID&b=ID": each(lambda: "/-/versioner?" + two_years()),
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
            if response.status in (301, 302):   # followed, and timed as one request
                conn.request("GET", response.headers["Location"])
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


TERMS = ["vandring", "narkotika", "grannsamverkan", "belysning", "skolorna", "bedrägerier",
         "trafikkontroller", "gängkriminalitet"]
EVERY_ROW = "testdata"   # a word in every synthetic commitment


def workloads_for(rng: random.Random, requests: int, commitments: int) -> dict[str, list[str]]:
    """Every page and canned query of the site, each with `requests` paths."""
    codes = [m.code for m in load_municipalities()]
    n = requests

    def each(make) -> list[str]:
        return [make() for _ in range(n)]

    def pick(values):
        return rng.choice(values)

    year = lambda: rng.randint(2016, 2025)  # noqa: E731
    return {
        "home": ["/"] * n, "database": ["/archive"] * n, "about": ["/-/om"] * n,
        "map": ["/-/karta"] * n, "theme_chart": ["/-/diagram/teman"] * n,
        "table_commitments": each(lambda: f"/archive/commitments?_size=50&_next={rng.randint(1, commitments - 100)}"),
        "table_overview_search": each(
            lambda: f"/archive/commitments_overview?_search={quote(pick(TERMS))}"
                    "&_facet=county&_facet=responsible"),
        "table_overview_year_facets": each(
            lambda: f"/archive/commitments_overview.json?start_year={year()}"
                    "&_facet=police_region&_facet=responsible&_size=20"),
        "sok_canned": each(lambda: f"/archive/sok.json?q={quote(pick(TERMS))}"),
        "sok_dokument": each(lambda: f"/archive/sok_dokument.json?q={quote(pick(TERMS))}"),
        "sok_sidor": each(lambda: f"/archive/sok_sidor.json?q={quote(pick(TERMS))}"),
        "jamfor_kommuner": each(lambda: f"/archive/jamfor_kommuner.json?kommuner={pick(codes)},"
                                        f"{pick(codes)}&ar={year()}"),
        "teman_per_ar": ["/archive/teman_per_ar.json"] * n,
        "teman_per_lan": each(lambda: f"/archive/teman_per_lan.json?ar={pick(['', year()])}"),
        "kommuner_utan_lofte": ["/archive/kommuner_utan_lofte.json"] * n,
        "tackning_per_lan": ["/archive/tackning_per_lan.json"] * n,
        "liknande_ataganden": each(
            lambda: f"/archive/liknande_ataganden.json?id={rng.randint(1, commitments)}"),
        "ansvar_per_kommun": ["/archive/ansvar_per_kommun.json"] * n,
        "senaste_andringar": ["/archive/senaste_andringar.json"] * n,
        "kommunens_historik": each(lambda: f"/archive/kommunens_historik.json?kod={pick(codes)}"),
        "kommunens_andringar": each(lambda: f"/archive/kommunens_andringar.json?kod={pick(codes)}"),
        "sidans_versioner": each(lambda: f"/archive/sidans_versioner.json?url=x{rng.randint(1, 9)}"),
        "jamfor_versioner": ["/archive/jamfor_versioner.json?a=1&b=2"] * n,
        "andringsflode": ["/archive/andringsflode.atom"] * n,
        "andringsflode_kommun": each(lambda: f"/archive/andringsflode_kommun.atom?kod={pick(codes)}"),
        "karta": ["/archive/karta.json?_size=max&gallande="] * n,
        "sok_page": each(lambda: f"/-/sok?q={quote(pick(TERMS))}"),
        # Every query different: nothing from the search page's result cache.
        "sok_unique": [f"/-/sok?q={quote(term)}" for term in unique_queries(TERMS, n)],
    }


EVERY_ROW_FILTERS = [""] + [f"&ar={y}" for y in range(2016, 2026)] + [
    "&ansvarig=polisen", "&tema=trygghetsvandringar", "&kommun=2181", "&lan=Gävleborgs län",
    "&tema=trygghetsvandringar&ansvarig=kommunen"]


def every_row_workload(port: int, rng: random.Random, requests: int) -> list[str]:
    """A word in every row, a different filter and page each time (uncached).

    Only pages a visitor can reach: each filter's last page is read from the
    server first (/-/sok.json), and pages are drawn from 1 to that (at most 200)."""
    last = {}
    for extra in EVERY_ROW_FILTERS:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", f"/-/sok.json?q={EVERY_ROW}{quote(extra, safe='&=')}")
        total = json.loads(conn.getresponse().read())["total"]
        conn.close()
        last[extra] = max(1, min(200, -(-total // PAGE_SIZE)))
    paths = []
    for _ in range(requests):
        extra = rng.choice(EVERY_ROW_FILTERS)
        paths.append(f"/-/sok?q={EVERY_ROW}&sida={rng.randint(1, last[extra])}"
                     + quote(extra, safe="&="))
    return paths


def first_status(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    if response.status in (301, 302):
        conn.request("GET", response.headers["Location"])
        response = conn.getresponse()
        response.read()
    conn.close()
    return response.status


def first_search(port: int, started: float, limit: float = 300) -> float:
    """Seconds from starting the server to its first ranked search answer."""
    while time.perf_counter() - started < limit:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", f"/-/sok.json?q={EVERY_ROW}")
            response = conn.getresponse()
            body = response.read()
            conn.close()
            if response.status == 200 and json.loads(body).get("ranking") == "tantivy":
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit("the server never answered a search")


def child_pids(pid: int) -> list[int]:
    """The worker processes of a server (its direct children)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


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
    parser.add_argument("--keep", type=Path,
                        help="keep the synthetic archive in this folder (as archive.db) and "
                             "reuse it on the next run (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = (args.keep or Path(tmp)) / "archive.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        fts_seconds = build(path, args.commitments) if not path.exists() else float("nan")
        build_seconds = time.perf_counter() - started if fts_seconds == fts_seconds else float("nan")
        port = free_port()
        command, env = server_command(path, "127.0.0.1", port, args.workers)
        started = time.perf_counter()
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            cold_start = first_search(port, started)
            rng = random.Random(2)
            workloads = {**workloads_for(rng, args.requests, args.commitments),
                         "sok_every_row": every_row_workload(port, rng, args.requests),
                         **page_workloads(rng, [m.code for m in load_municipalities()], TERMS,
                                          args.requests, args.commitments)}
            for name in list(workloads):  # pages a version of the site may not have
                status = first_status(port, workloads[name][0])
                if status != 200:
                    print(f"skipped {name}: HTTP {status}", file=sys.stderr)
                    del workloads[name]
            load(port, next(iter(workloads.values()))[:20], args.clients)  # warm up
            results = {name: percentiles(load(port, paths, args.clients))
                       for name, paths in workloads.items()}
            server_rss = tree_rss_mb(server.pid)
            worker_rss = [tree_rss_mb(pid) for pid in child_pids(server.pid)] or [server_rss]
        finally:
            server.terminate()
            server.wait(timeout=10)
        size_mb = path.stat().st_size / 1e6
        index_mb = sum(f.stat().st_size for f in indexes_root(path).rglob("*")
                       if f.is_file()) / 1e6 if indexes_root(path).exists() else 0.0
    worst = max(results, key=lambda name: results[name]["p95_ms"])
    failed = sum(sum(r.get("errors_by_status", {}).values()) for r in results.values())
    rss_per_worker = max(worker_rss)
    print(json.dumps({"commitments": args.commitments, "clients": args.clients,
                      "workers": args.workers,
                      "build_seconds": round(build_seconds, 1),
                      "serving_tables_build_seconds": round(fts_seconds, 2),
                      "database_mb": round(size_mb, 1), "indexes_mb": round(index_mb, 1),
                      "server_rss_mb": server_rss, "worker_rss_mb": worker_rss,
                      "cold_start_seconds": round(cold_start, 2),
                      "failed_requests": failed, "latency": results},
                     ensure_ascii=False, indent=2))
    print(f"serve: commitments={args.commitments} worst_p95_ms={results[worst]['p95_ms']:.0f} "
          f"worst={worst} cold_start_s={cold_start:.1f} rss_per_worker_mb={rss_per_worker:.0f} "
          f"failed={failed}")


if __name__ == "__main__":
    main()
