"""The plain (not async) Jinja environment for fragments rendered outside
Datasette's page machinery: long lists, tables of rows, feeds, table cells.

Datasette renders its pages with Jinja's async mode, which awaits every output
piece; a fragment rendered here costs a fraction of that. Autoescaped (HTML,
and XML-safe), reading crawler/web/templates once (no reload checks).
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from datasette.utils import path_with_replaced_args, to_css_class

PLAIN = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=True, auto_reload=False)
# What Datasette's own table template (_rader.html's model) uses
PLAIN.filters["to_css_class"] = to_css_class
PLAIN.globals["path_with_replaced_args"] = path_with_replaced_args
