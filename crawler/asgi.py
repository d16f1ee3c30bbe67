"""ASGI factory for serving with several worker processes (uvicorn --workers).

One Datasette process is CPU-bound under concurrent load; uvicorn workers
use every core. Configured from MEDBORGARLOFTEN_DB (set by `serve`).
"""

from __future__ import annotations

import os


def app():
    from crawler.serving import datasette_instance

    return datasette_instance(os.environ["MEDBORGARLOFTEN_DB"]).app()
