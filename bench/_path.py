"""Import first in every bench script.

Run as `python bench/x.py`, this folder comes first on sys.path, and
bench/normalize.py would then shadow the `normalize` package. The project's
root goes first instead (its packages are what an installed copy imports;
an editable install's finder is only asked after every sys.path entry, so
moving this folder to the end was not enough), and this folder last, so the
helpers the benchmarks share (bench/_common.py) can still be imported.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path
                             if Path(p or ".").resolve() not in (HERE, ROOT)] + [str(HERE)]
