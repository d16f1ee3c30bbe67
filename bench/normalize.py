"""Normalizer throughput and peak memory over a few thousand varied pages.

    python bench/normalize.py [--pages 3000]

Pages are generated from the five real seed texts and invented fixture
variations, each wrapped in different amounts of site chrome (menus, news
lists, footers) so sizes vary from a few kB to ~100 kB.
"""

from __future__ import annotations

import _path  # noqa: F401  (must come first: see bench/_path.py)

import argparse
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

from crawler.demo.build_web import page, seed, text_to_html  # noqa: E402
from normalize import extract  # noqa: E402

VARIANTS = [
    "<h1>Medborgarlöfte {year}</h1><p>Polisen och kommunen lovar att:</p><ul>{items}</ul>",
    "<h1>Medborgarlöften {year}-{next}</h1><h2>Lägesbild</h2><ul><li>Otrygghet i centrum "
    "på kvällstid.</li></ul><p>Det gör vi genom att:</p><ol>{items}</ol>",
    "<h1>Vad är medborgarlöften?</h1><p>Ett medborgarlöfte är ett åtagande.</p>",
    "<h1>Nyheter</h1><ul>{links}</ul>",
]
ITEMS = ["Polisen ska synas i centrum på helgerna.", "Kommunen byter belysning i parken.",
         "Genomföra trygghetsvandringar två gånger per år.", "Starta grannsamverkan i nya områden."]


def pages(n: int, rng: random.Random) -> list[bytes]:
    seeds = [text_to_html(seed(name)) for name in ("000", "001", "002", "003", "004")]
    out = []
    for i in range(n):
        if i % 2:
            main = rng.choice(seeds)
        else:
            year = rng.randint(2016, 2026)
            items = "".join(f"<li>{rng.choice(ITEMS)}</li>" for _ in range(rng.randint(2, 8)))
            links = "".join(f"<li><a href='/n{k}'>Nyhet {k}</a></li>" for k in range(20))
            main = rng.choice(VARIANTS).format(year=year, next=year + 1, items=items, links=links)
        chrome = "".join(f"<p>Utfyllnad {k}: information från kommunen.</p>"
                         for k in range(rng.choice([0, 10, 100, 600])))
        out.append(page("Testkommun (fixture)", "Sida", main + chrome).encode())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3000)
    args = parser.parse_args()
    corpus = pages(args.pages, random.Random(1))
    extract(corpus[0], content_type="text/html")  # warm caches (registry, regexes)
    started = time.perf_counter()
    documents = 0
    for body in corpus:
        documents += len(extract(body, content_type="text/html")["documents"])
    elapsed = time.perf_counter() - started
    # Memory in a second pass: tracemalloc slows Python down several times.
    tracemalloc.start()
    for body in corpus[:500]:
        extract(body, content_type="text/html")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = sum(map(len, corpus)) / len(corpus) / 1024
    print(f"pages: {len(corpus)} (mean {size:.1f} kB), documents found: {documents}")
    print(f"time: {elapsed:.2f} s, pages/s (one core): {len(corpus) / elapsed:.0f}")
    print(f"peak traced memory per extract pass: {peak / 1e6:.1f} MB; process max RSS: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
