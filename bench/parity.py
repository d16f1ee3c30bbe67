"""A fingerprint of everything the pipeline produces, to show a refactor changed nothing.

    python bench/parity.py OUT.json            # build the demo archive, fingerprint it
    python bench/parity.py --compare A.json B.json

Fingerprints: row counts of every table; sha256 over the sorted values that
do not depend on time or row ids (snapshot text hashes, body hashes,
document titles and periods, commitment texts with party and kind, change
kinds and texts); and sha256 of `extract` output for every page in
tests/normalize/fixtures/, crawler/demo/seeds/ and ../shared/devset/pages/.
Run it from the root of two checkouts (PYTHONPATH pointing at each) and compare.
"""

from __future__ import annotations

import _path  # noqa: F401  (must come first: see bench/_path.py)

import argparse
import hashlib
import json
import re
import sqlite3
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from normalize import extract

ROOT = Path.cwd()  # run from the checkout being fingerprinted
STABLE = {
    "snapshots": "select s.url, s.status, b.body, s.text_sha256, s.text_changed, s.text_error,"
                 " s.detected_encoding from snapshots s join bodies b on b.sha256 = s.body_sha256",
    # found_via is left out: whether the sitemap or a link reached a page first is a race
    # of the crawl's scheduling (main's own runs differ in it), not what the pipeline made.
    "pages": "select url, site, municipalities, kind, snapshot_count, gone_status from pages",
    "fetch_errors": "select url, site, kind, message, http_status from fetch_errors",
    "documents": "select url, title, municipality_codes, period_label, period_start,"
                 " period_end, signed, signatories, commitment_count, promise_key from documents",
    "commitments": "select url, municipality_code, position, text, responsible, kind, themes,"
                   " period_label, text_key from commitments",
    "changes": "select kind, url, municipality_code, summary, old_text, new_text, diff"
               " from changes",
}


PORT = re.compile(r"(127\.0\.0\.\d+):\d+")  # the fixture web's ports change every run
BODY_PORT = re.compile(rb"(127\.0\.0\.\d+):\d+")


def portless(value):
    """Bodies are hashed after the fixture web's port is masked (links carry it)."""
    if isinstance(value, bytes):
        body = zlib.decompress(value)
        return hashlib.sha256(BODY_PORT.sub(rb"\1:PORT", body)).hexdigest()
    return value


def digest(rows) -> str:
    lines = sorted(PORT.sub(r"\1:PORT", json.dumps([portless(v) for v in r],
                                                    ensure_ascii=False, default=str))
                   for r in rows)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def archive_fingerprint(db: Path) -> dict:
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
        " and name not like '%_data' and name not like '%_idx' and name not like '%_content'"
        " and name not like '%_docsize' and name not like '%_config' order by name")]
    counts = {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    hashes = {t: digest(conn.execute(sql)) for t, sql in STABLE.items() if t in counts}
    conn.close()
    return {"counts": counts, "hashes": hashes}


def extract_fingerprint() -> dict:
    pages = sorted((ROOT / "tests" / "normalize" / "fixtures").rglob("*.html"))
    pages += sorted((ROOT / "crawler" / "demo" / "seeds").glob("*.txt"))
    pages += sorted((ROOT.parent / "shared" / "devset" / "pages").glob("*"))
    out = {}
    for path in pages:
        ctype = {".html": "text/html", ".txt": "text/plain", ".pdf": "application/pdf"}.get(
            path.suffix)
        try:
            result = extract(path.read_bytes(), content_type=ctype)
        except Exception as exc:  # noqa: BLE001 - the error itself is part of the fingerprint
            result = {"error": f"{type(exc).__name__}: {exc}"}
        out[str(path.relative_to(path.parents[1]))] = hashlib.sha256(
            json.dumps(result, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]
    return out


def build(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "parity.db"
        subprocess.run([sys.executable, "-m", "crawler.cli", "demo", "--no-serve", "--db",
                        str(db)], check=True, capture_output=True)
        result = {"archive": archive_fingerprint(db), "extract": extract_fingerprint()}
    out.write_text(json.dumps(result, indent=1, sort_keys=True), "utf-8")
    print(f"parity: tables={len(result['archive']['counts'])} "
          f"pages_extracted={len(result['extract'])} -> {out}")


def compare(a: Path, b: Path) -> int:
    left, right = json.loads(a.read_text("utf-8")), json.loads(b.read_text("utf-8"))
    differences = 0
    for section in ("counts", "hashes"):
        la, ra = left["archive"][section], right["archive"][section]
        for key in sorted(set(la) | set(ra)):
            if la.get(key) != ra.get(key):
                differences += 1
                print(f"archive {section} {key}: {la.get(key)} -> {ra.get(key)}")
    for key in sorted(set(left["extract"]) | set(right["extract"])):
        if left["extract"].get(key) != right["extract"].get(key):
            differences += 1
            print(f"extract {key}: {left['extract'].get(key)} -> {right['extract'].get(key)}")
    same_tables = sum(left["archive"]["counts"].get(k) == v
                      for k, v in right["archive"]["counts"].items())
    print(f"parity: differences={differences} tables_same_count={same_tables}/"
          f"{len(right['archive']['counts'])} extract_same="
          f"{sum(left['extract'].get(k) == v for k, v in right['extract'].items())}/"
          f"{len(right['extract'])}")
    return 1 if differences else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    if args.compare:
        sys.exit(compare(*args.paths))
    build(args.paths[0])


if __name__ == "__main__":
    main()
