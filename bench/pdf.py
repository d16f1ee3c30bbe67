"""Peak memory and time of reading a 2,000-page PDF, as crawl, normalize and extract do.

    python bench/pdf.py [--pages 2000]

The PDF is generated with reportlab (crawler.demo.build_pdf.long_pdf, a
fixture: a promise on page 1, filler after). Each reader runs in a fresh
child process so its peak RSS (ru_maxrss) is its own. Targets: ≤ 300 MB,
≤ 10 s. Before the page cap the same file took minutes and gigabytes.
"""

from __future__ import annotations

import _path  # noqa: F401  (must come first: see bench/_path.py)

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from crawler.demo.build_pdf import long_pdf  # noqa: E402

READERS = {
    # what the crawl stores (archive text) and normalize/extract read
    "page_text": "from normalize.pagetext import page_text; page_text(body, 'application/pdf')",
    "extract": "import normalize; normalize.extract(body, content_type='application/pdf')",
}
CHILD = """
import resource, sys, time, warnings
warnings.simplefilter("ignore")
body = open(sys.argv[1], "rb").read()
start, cpu = time.perf_counter(), time.process_time()
{code}
print(time.perf_counter() - start, time.process_time() - cpu,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(path: Path, code: str) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of ``code`` in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", CHILD.format(code=code), str(path)],
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    started = time.perf_counter()
    body = long_pdf(args.pages)
    print(f"generated a {args.pages}-page PDF, {len(body) / 1e6:.1f} MB "
          f"in {time.perf_counter() - started:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.pdf"
        path.write_bytes(body)
        baseline = measure(path, "pass")
        print(f"interpreter alone: peak RSS {baseline[2]:.0f} MB")
        for name, code in READERS.items():
            wall, cpu, peak = measure(path, code)
            verdict = "ok" if peak <= 300 and wall <= 10 else "OVER TARGET"
            print(f"pdf {args.pages} pages {name}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
                  f"peak RSS {peak:.0f} MB (target ≤ 10 s, ≤ 300 MB) {verdict}")


if __name__ == "__main__":
    main()
