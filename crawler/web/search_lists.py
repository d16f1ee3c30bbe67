"""How the search page shows a result: facets with Swedish labels, hits, the
facet lists and "kommuner som matchar" as HTML, and the page numbers.

Used by ``crawler.web.search_page`` (which finds the result) and, for the
facet definitions, by ``crawler.web.pages`` (the search's CSV export).
"""

from __future__ import annotations

import json
from functools import lru_cache
from urllib.parse import quote, quote_plus, urlencode

from markupsafe import Markup, escape

from crawler.search.filters import CURRENT, FILTERS, NONE, OLDER, version_of
from crawler.web.plain_jinja import PLAIN
from crawler.web.queries import KIND, RESPONSIBLE

# (query parameter, column in the match rows, Swedish heading)
FACETS = tuple((f.param, "version" if f.param == "version" else f.column, f.heading)
               for f in FILTERS)
VERSION = {CURRENT: "Finns på sidan i dag", OLDER: "Bara i äldre versioner"}

# Swedish names of the list filters' values, read once per search state
LABELS_SQL = {"themes": "select theme, label from themes",
              "municipality_codes": "select code, name from municipalities"}


def read_labels(conn) -> dict[str, dict]:
    """search_facets column -> {value: Swedish label} (themes, municipality names)."""
    return {column: dict(conn.execute(sql).fetchall()) for column, sql in LABELS_SQL.items()}


def label(column: str, value: str, labels: dict) -> str:
    if column in labels:
        return labels[column].get(value, value)
    if column == "responsible":
        return RESPONSIBLE.get(None if value == NONE else value, value)
    if column == "kind":
        return KIND.get(None if value == NONE else value, value)
    if column == "version":
        return VERSION.get(value, value)
    return value


def marked_html(marked: str | None, text: str | None) -> Markup:
    """Escape a highlighted text, then turn the \\x01…\\x02 marks into <mark>.
    (Left in Python, allow-listed in tests/test_no_html_in_python.py: a mark is
    a replacement inside one escaped text, not a structure for a template.)"""
    source = marked if marked and "\x01" in marked else (text or "")
    return Markup(str(escape(source)).replace("\x01", "<mark>").replace("\x02", "</mark>"))


def facets_from_counts(rows, chosen: dict[str, str], labels: dict) -> tuple[int, dict]:
    """The facet counts as facets (years newest first, the rest by count)."""
    counts: dict[str, dict[str, int]] = {param: {} for param, _, _ in FACETS}
    for param, value, n in rows:
        counts[param][NONE if value is None else str(value)] = n
    total = sum(counts["version"].values())
    facets = {}
    for param, column, heading in FACETS:
        if column == "start_year":
            order = sorted(counts[param].items(), key=lambda kv: kv[0], reverse=True)
        else:
            order = sorted(counts[param].items(), key=lambda kv: (-kv[1], kv[0]))
        facets[param] = {"heading": heading, "chosen": chosen.get(param),
                         "values": [{"value": v, "label": label(column, v, labels),
                                     "count": n} for v, n in order]}
    return total, facets


def shown_hits(result: dict, labels: dict) -> list[dict]:
    hits = []
    for row in result["hits"]:
        hit = dict(row)
        hit["version"] = version_of(hit.pop("current"))
        hit["responsible_label"] = RESPONSIBLE.get(hit["responsible"], hit["responsible"])
        hit["kind_label"] = KIND.get(hit["kind"], hit["kind"])
        hit["theme_labels"] = [labels["themes"].get(t, t)
                               for t in json.loads(hit["themes"] or "[]")]
        hit["html"] = marked_html(hit.pop("marked"), hit["text"])
        hits.append(hit)
    return hits


def search_link(current: dict[str, str], **changes) -> str:
    """/-/sok with the current parameters (query and filters), ``changes``
    applied (None: left out)."""
    args = {**current, **changes}
    return "/-/sok?" + urlencode({k: v for k, v in args.items() if v})


def facet_lists(q: str, chosen: dict[str, str], facets: dict) -> dict:
    """The facet lists (one piece of HTML for all) and "kommuner som matchar"."""
    current = {"q": q, **chosen}
    rows = [facet_rows(param, facet, search_link(current, **{param: None, "sida": None}))
            for param, facet in facets.items()]
    municipalities = matching_municipalities(facets.get("kommun"), q)
    return {"facet_html": Markup(FACET.render(facets=rows)),
            "matching_municipalities": municipalities,
            "matching_html": matching_html(municipalities, q)}


# -- the long lists of the page ------------------------------------------------
# Datasette renders templates with Jinja's async mode, which awaits every
# output piece: at 100,000 commitments the facets (290 municipalities), the
# summary and 50 hits took 8 ms of a 20 ms request. The hits are rendered by
# a plain Jinja environment (0.9 ms; crawler.web.pages does the same for its
# long lists), and so are the facet lists (from tuples of pieces escaped once
# per value and cached: 290 municipalities' facet 0.15 ms, the f-strings
# before 0.09 ms; "kommuner som matchar" 0.15 ms, before 0.35), kept with the
# facet counts, as they do not change with the page.
VISIBLE_VALUES = 12   # facet values shown before "N till" (the rest one click away)
FACET = PLAIN.get_template("_sok_facetter.html")
MATCHING = PLAIN.get_template("_sok_kommuner.html")


def results_html(context: dict) -> Markup:
    """The facets and hits of a search page (``_sok_resultat.html``)."""
    return Markup(PLAIN.get_template("_sok_resultat.html").render(context))


@lru_cache(maxsize=4096)
def _value_parts(param: str, value: str, label: str) -> tuple[str, str, str]:
    """A facet value's escaped "&param=value" and label, and for a municipality
    its escaped code (for the link to its page; else ""): the same in every
    search, so made once (plain str: the template writes them as they are)."""
    code = str(escape(value)) if param == "kommun" and value != NONE else ""
    return str(escape(f"&{param}={quote_plus(value)}")), str(escape(label)), code


def facet_rows(param: str, facet: dict, clear: str) -> tuple:
    """A facet for ``_sok_facetter.html``: its escaped heading, the escaped link
    clearing it, and its values (the first VISIBLE_VALUES, the rest) as tuples
    of pieces escaped once (0.15 ms for 290 municipalities, where lookups and
    escaping in the template took 1.5–3 ms). Every value links to the search
    with it set (or cleared); each municipality also to its page."""
    chosen = facet["chosen"]
    rows = [(value["value"] == chosen, *_value_parts(param, value["value"], value["label"]),
             value["count"]) for value in facet["values"]]
    return str(escape(facet["heading"])), str(escape(clear)), rows[:VISIBLE_VALUES], \
        rows[VISIBLE_VALUES:]


def matching_municipalities(facet: dict | None, q: str) -> list[dict]:
    """"Kommuner som matchar": every municipality with hits and how many (the
    Kommun facet's counts: distinct commitments, the filters applied), most first."""
    if not facet:
        return []
    query = quote(q)
    return [{"code": v["value"], "name": v["label"], "n": v["count"],
             "href": f"{_page_path(v['value'])}?q={query}"}
            for v in facet["values"] if v["value"] != NONE]


@lru_cache(maxsize=4096)
def _page_path(code: str) -> str:
    return f"/kommun/{quote(code)}"


@lru_cache(maxsize=4096)
def _municipality_link(code: str, name: str) -> tuple[str, str]:
    """A municipality's escaped page path and escaped name (made once)."""
    return str(escape(_page_path(code))), str(escape(name))


def matching_html(municipalities: list[dict], q: str) -> Markup:
    """The <li> items of "kommuner som matchar" (``_sok_kommuner.html``): each
    links to the municipality's page with the search (the ``href`` of
    `matching_municipalities`, here from pieces escaped once)."""
    rows = [(*_municipality_link(m["code"], m["name"]), m["n"]) for m in municipalities]
    return Markup(MATCHING.render(query=str(escape(quote(q))), rows=rows))


def page_numbers(page: int, last: int) -> list[int | None]:
    """The page numbers to link: the first two, the last two and two either
    side of ``page``; None where numbers are left out."""
    shown = sorted({n for n in (1, 2, last - 1, last, *range(page - 2, page + 3))
                    if 1 <= n <= last})
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers if last > 1 else []
