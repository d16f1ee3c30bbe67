"""Named kill points for interruption tests.

``MEDBORGARLOFTEN_KILL_AT=name:n`` makes the process SIGKILL itself the n-th
time it reaches the point ``name`` — a real, uncatchable kill at a chosen
place (mid-transaction included), so tests need not race a timer. Unset,
each call is one dictionary lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

_ENV = "MEDBORGARLOFTEN_KILL_AT"
_seen: Counter = Counter()


def reached(name: str) -> None:
    target = os.environ.get(_ENV)
    if not target:
        return
    point, _, count = target.partition(":")
    if point != name:
        return
    _seen[name] += 1
    if _seen[name] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)
