"""The lower layers never import the web layer.

``crawler/store`` (tables, writes, reads), ``crawler/derive`` (normalize and
the summaries it builds) and ``crawler/search`` (indexes) are used by the
Datasette site, not the other way round: a definition both need lives in the
lower layer. Every import statement in their modules is read with ``ast``,
including imports inside functions, relative imports and
``importlib.import_module("crawler.web…")``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import crawler

CRAWLER = Path(crawler.__file__).parent
LOWER_LAYERS = ("derive", "store", "search")
FORBIDDEN = "crawler.web"


def imported_modules(source: str, module: str) -> set[str]:
    """Every module a source imports (``module`` is its dotted name, to resolve
    relative imports); ``from crawler import web`` counts as ``crawler.web``."""
    package = module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node.module, node.level, package)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif _is_import_module_call(node):
            found.add(node.args[0].value)
    return found


def _absolute(name: str | None, level: int, package: str) -> str:
    if level == 0:
        return name or ""
    parts = package.split(".")
    parts = parts[:len(parts) - (level - 1)]
    return ".".join(parts + ([name] if name else []))


def _is_import_module_call(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and node.args
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) in
            ("import_module", "__import__"))


def web_imports(source: str, module: str) -> list[str]:
    return sorted(name for name in imported_modules(source, module)
                  if name == FORBIDDEN or name.startswith(FORBIDDEN + "."))


def lower_layer_modules() -> list[tuple[str, Path]]:
    modules = []
    for layer in LOWER_LAYERS:
        for path in sorted((CRAWLER / layer).rglob("*.py")):
            dotted = ".".join(path.relative_to(CRAWLER.parent).with_suffix("").parts)
            modules.append((dotted, path))
    return modules


@pytest.mark.parametrize("source", [
    "from crawler.web.queries import distinct_commitments_sql",
    "import crawler.web.comparison",
    "from crawler import web",
    "def f():\n    from ..web import comparison\n",
    "import importlib\nimportlib.import_module('crawler.web.pages')",
])
def test_the_scan_sees_every_form_of_importing_the_web_layer(source):
    assert web_imports(source, "crawler.derive.example") != []


def test_the_scan_lets_lower_layers_import_each_other():
    source = ("from crawler.store.schema import SUMMARY_TABLES\n"
              "from .changes import CHANGE_KINDS\nimport crawler.webhooks\n")
    assert web_imports(source, "crawler.derive.example") == []


def test_the_lower_layers_are_all_scanned():
    scanned = {name.split(".")[1] for name, _ in lower_layer_modules()}
    assert scanned == set(LOWER_LAYERS)


def test_store_derive_and_search_never_import_the_web_layer():
    offenders = {name: found for name, path in lower_layer_modules()
                 if (found := web_imports(path.read_text(encoding="utf-8"), name))}
    assert offenders == {}
