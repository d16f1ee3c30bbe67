"""Keep the garbage collector's full passes off a server's request path.

A serving process holds tens of thousands of long-lived objects (modules,
templates, Datasette's plugin registry, the name and ranking indexes). Every
full ("generation 2") collection walks all of them again: measured on the
100,000-commitment bench archive, 6 full passes in 1,350 requests took up to
90 ms each, and the request that triggered one, and every request queued
behind it, waited. After the server has started, those objects live as long
as the process, so they are moved out of the collector's reach with
`gc.freeze()`; full passes then see only what was allocated later (measured
at most 19 ms, and 20 % less time for the same 1,350 requests).

Only long-running servers do this (`serve` sets SERVER_ENV): in a test
process that creates many Datasette instances, frozen objects that later form
unreachable cycles would never be freed.
"""

from __future__ import annotations

import gc
import os

SERVER_ENV = "MEDBORGARLOFTEN_SERVER"
_settled = False


def settle_after_startup() -> bool:
    """In a serving process, once: collect, then freeze what survives.
    Returns whether it froze (False outside `serve` and on later calls)."""
    global _settled
    if _settled or os.environ.get(SERVER_ENV) != "1":
        return False
    _settled = True
    gc.collect()
    gc.freeze()
    return True
