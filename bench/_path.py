"""Import first in every bench script.

Run as `python bench/x.py`, this folder comes first on sys.path, and
bench/normalize.py would then shadow the `normalize` package. It is moved to
the end instead: the project's packages come first, and the helpers the
benchmarks share (bench/_common.py) can still be imported.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]
