"""The site's markup lives in crawler/web/templates, not in Python strings
(issue 13's rule): a string literal in crawler/web/*.py holding a tag fails."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import crawler.web

WEB = Path(crawler.web.__file__).resolve().parent
# "<p", "</li", "<a ", "<!DOCTYPE", "<?xml", …; not a regex group "(?P<name>"
TAG = re.compile(r"(?<!\?P)<(?:/?[a-zA-Z][a-zA-Z0-9]*(?=[\s>/])|!--|!DOCTYPE|\?xml)", re.I)
# (module, literal) that may stay: inline marks wrapped around escaped text in
# inner loops, where a template render per mark would cost more than the page.
ALLOWED = {
    # search_lists.marked_html: tantivy's \x01…\x02 highlight marks become <mark>
    ("search_lists.py", "<mark>"), ("search_lists.py", "</mark>"),
    # wording.inline_html / side_html: removed and added words of a diff (per
    # diff op, three times per changed line of a version comparison)
    ("wording.py", "<del>"), ("wording.py", "</del>"),
    ("wording.py", "<ins>"), ("wording.py", "</ins>"),
}


def markup_literals(source: str) -> list[tuple[int, str]]:
    """(line, literal) of every string constant with a tag in it; docstrings
    and other bare string statements are prose and not looked at."""
    tree = ast.parse(source)
    prose = {id(node.value) for node in ast.walk(tree)
             if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in prose and TAG.search(node.value)]


def test_no_markup_in_the_sites_python_strings():
    found = [f"{path.name}:{line}: {text!r}"
             for path in sorted(WEB.glob("*.py"))
             for line, text in markup_literals(path.read_text(encoding="utf-8"))
             if (path.name, text) not in ALLOWED]
    assert not found, "HTML/XML in Python strings; move it to templates/:\n" + "\n".join(found)


def test_the_scan_finds_markup_in_strings_and_f_strings_but_not_prose_or_regexes():
    source = '''
"""A docstring about <li> items."""
ROUTE = r"^/-/snapshot/(?P<id>\\d+)$"
COMPARE = "a < b"
def item(label):
    """<p> in a docstring is prose."""
    return f'<li class="x">{label}</li>'
HEAD = '<?xml version="1.0"?>'
LINK = Markup('<a href="{}">{}</a>')
'''
    assert sorted(line for line, _ in markup_literals(source)) == [7, 7, 8, 9]
