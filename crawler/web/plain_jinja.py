"""The plain (not async) Jinja environment for fragments rendered outside
Datasette's page machinery: long lists, feeds, table cells.

Datasette renders its pages with Jinja's async mode, which awaits every output
piece; a fragment rendered here costs a fraction of that. Autoescaped (HTML,
and XML-safe), reading crawler/web/templates once (no reload checks).
"""

from __future__ import annotations

from pathlib import Path

import jinja2

PLAIN = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=True, auto_reload=False)
