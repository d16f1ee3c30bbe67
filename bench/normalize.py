"""Normalizer throughput and peak memory over a few thousand varied pages.

    python bench/normalize.py [--pages 3000] [--seed 1]

Pages are generated from the five real seed texts and the invented fixture
pages in tests/normalize/fixtures/ (FIXTURE – invented for tests), each
wrapped in a different amount and kind of site chrome: menus, cookie
banners, breadcrumbs, news lists in an aside, long footers, filler
paragraphs, a table of opening hours. Sizes range from ~2 kB to ~150 kB.
Everything runs in one process; throughput is measured without tracemalloc
(CPU time of this process, i.e. pages per second on one core), peak memory in
a second pass with it. The last line compares the normalizer with a floor
measured in the same run on the same pages, in alternating chunks:

    normalize: pages_per_s=N floor_pages_per_s=N floor_ratio=R.RRR

where the floor is lxml.html.fromstring + text_content() (the parse cost no
HTML normalizer can go below).
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
    # CPU seconds of this process (one core), the normalizer and the floor measured in
    # alternating chunks of the same pages, so that other load on the machine weighs on
    # both alike; wall-clock time is printed too.
    elapsed = floor = 0.0
    started = time.perf_counter()
    documents = commitments = 0
    for chunk in range(0, len(corpus), 50):
        pages_ = corpus[chunk:chunk + 50]
        floor += floor_seconds(pages_)
        begin = time.process_time()
        for body in pages_:
            for doc in extract(body, content_type="text/html")["documents"]:
                documents += 1
                commitments += len(doc["commitments"])
        elapsed += time.process_time() - begin
    wall = time.perf_counter() - started
    tracemalloc.start()
    for body in corpus[:300]:
        extract(body, content_type="text/html")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sizes = sorted(map(len, corpus))
    print(f"pages: {len(corpus)} (median {sizes[len(sizes) // 2] / 1024:.1f} kB, "
          f"max {sizes[-1] / 1024:.0f} kB); documents: {documents}, commitments: {commitments}")
    print(f"time: {elapsed:.2f} CPU s (wall {wall:.2f} s incl. the floor); "
          f"pages/s (one core): {len(corpus) / elapsed:.0f}")
    print(f"peak traced memory (300 pages): {peak / 1e6:.1f} MB; "
          f"max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    rate, floor_rate = len(corpus) / elapsed, len(corpus) / floor
    # The floor: parsing the same pages with lxml and taking their text, nothing else.
    print(f"normalize: pages_per_s={rate:.0f} floor_pages_per_s={floor_rate:.0f} "
          f"floor_ratio={rate / floor_rate:.3f}")


def floor_seconds(corpus: list[bytes]) -> float:
    """Seconds for lxml.html.fromstring + text_content() over the same pages:
    the cost no HTML normalizer can go below, measured in the same run."""
    from lxml import html as lxml_html

    started = time.process_time()
    for body in corpus:
        lxml_html.fromstring(body).text_content()
    return time.process_time() - started


if __name__ == "__main__":
    main()
