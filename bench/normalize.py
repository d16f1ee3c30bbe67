"""Normalizer throughput and peak memory over a few thousand varied pages.

    python bench/normalize.py [--pages 3000] [--seed 1]

Pages are generated from the five real seed texts and the invented fixture
pages in tests/normalize/fixtures/ (FIXTURE – invented for tests), each
wrapped in a different amount and kind of site chrome: menus, cookie
banners, breadcrumbs, news lists in an aside, long footers, filler
paragraphs, a table of opening hours. Sizes range from ~2 kB to ~150 kB.
Everything runs in one process; throughput is measured without tracemalloc,
peak memory in a second pass with it.
"""

from __future__ import annotations

import _path  # noqa: F401  (must come first: see bench/_path.py)

import argparse
import random
import re
import resource
import time
import tracemalloc
from pathlib import Path

from crawler.demo.build_web import text_to_html  # noqa: E402
from normalize import extract  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "normalize" / "fixtures"
SEEDS = Path(__file__).resolve().parents[1] / "crawler" / "demo" / "seeds"


def main_contents() -> list[str]:
    seeds = sorted(SEEDS.glob("*.txt"))
    contents = [text_to_html(p.read_text("utf-8")) for p in seeds]
    for path in sorted(FIXTURES.glob("fixture_*.html")):
        body = path.read_text("utf-8")
        match = re.search(r"<(main|article|div id=\"content\")[^>]*>(.*)</(main|article|div)>",
                          body, re.S)
        contents.append(match.group(2) if match else body)
    return contents


def chrome(rng: random.Random, main: str) -> str:
    menu = "".join(f"<li><a href='/m{k}'>Menyval {k}</a></li>" for k in range(rng.choice([5, 40])))
    news = "".join(f"<li><a href='/n{k}'>Nyhet {k}: polisen och kommunen informerar</a></li>"
                   for k in range(rng.choice([0, 10, 50])))
    filler = "".join(f"<p>Utfyllnad {k}: information från kommunen om service och öppettider.</p>"
                     for k in range(rng.choice([0, 10, 100, 800])))
    table = "".join(f"<tr><td>Dag {k}</td><td>08.00–17.00</td></tr>" for k in range(rng.choice([0, 30])))
    return ("<!DOCTYPE html><!-- FIXTURE – invented for benchmarks --><html lang='sv'><head>"
            "<meta charset='utf-8'><title>Bench</title><script>var x = 1;</script></head><body>"
            "<div id='cookie-banner'><p>Vi använder kakor.</p><button>OK</button></div>"
            f"<header><nav><ul>{menu}</ul></nav></header>"
            "<div class='breadcrumb'><a href='/'>Start</a> / Trygghet</div>"
            f"<main>{main}{filler}<table>{table}</table></main>"
            f"<aside><h2>Nyheter</h2><ul>{news}</ul></aside>"
            "<footer><p>Testkommun, 000 00 Fixturstad, tfn 000-00 00 00</p></footer>"
            "</body></html>")


def pages(n: int, rng: random.Random) -> list[bytes]:
    contents = main_contents()
    return [chrome(rng, rng.choice(contents)).encode() for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    corpus = pages(args.pages, random.Random(args.seed))
    extract(corpus[0], content_type="text/html")  # warm caches (registry, regexes)
    started = time.perf_counter()
    documents = commitments = 0
    for body in corpus:
        for doc in extract(body, content_type="text/html")["documents"]:
            documents += 1
            commitments += len(doc["commitments"])
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    for body in corpus[:300]:
        extract(body, content_type="text/html")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sizes = sorted(map(len, corpus))
    print(f"pages: {len(corpus)} (median {sizes[len(sizes) // 2] / 1024:.1f} kB, "
          f"max {sizes[-1] / 1024:.0f} kB); documents: {documents}, commitments: {commitments}")
    print(f"time: {elapsed:.2f} s; pages/s (one process): {len(corpus) / elapsed:.0f}")
    print(f"peak traced memory (300 pages): {peak / 1e6:.1f} MB; "
          f"max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
