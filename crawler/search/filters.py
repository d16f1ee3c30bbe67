"""The search page's filters, each defined once and rendered three ways.

A filter narrows a search to one value of a ``search_facets`` column
(municipality, county, police region, start year, responsible party, kind,
theme, version). Municipalities and themes are lists: a commitment of a
promise made jointly by several municipalities belongs to each of them.
The same definition renders to an SQL condition (the FTS5 fallback
ranking), a numpy mask (facet counts, ``crawler.search.facets``) and tantivy
terms (ranking, ``crawler.search.ranking``); tests/test_filters.py checks
that all three select the same rows for every filter and value.

Values come from query parameters: the string NONE stands for "the value is
missing", a year that is not a number and an unknown version select nothing.
"""

from __future__ import annotations

import json

import numpy as np
from dataclasses import dataclass

NONE = "(saknas)"          # facet value and query parameter for a missing value
CURRENT, OLDER = "senaste", "aldre"   # search_facets.current = 1 / 0
VERSIONS = (OLDER, CURRENT)           # indexed by search_facets.current

# kinds of filter: a plain column value, an integer column, a JSON list of
# values (themes, municipality codes), and the current/older version flag
VALUE, INTEGER, LIST, VERSION = "value", "integer", "list", "version"


@dataclass(frozen=True)
class Filter:
    param: str      # query parameter of /-/sok
    column: str     # column of search_facets
    heading: str    # Swedish facet heading
    kind: str = VALUE

    def parse(self, value: str | None):
        """The typed value a query parameter asks for; None: the value is missing.

        Raises ValueError when nothing can match (a year that is not a
        number, a version that is neither CURRENT nor OLDER)."""
        if value is None or value == NONE:
            if self.kind == VERSION:
                raise ValueError(value)
            return None
        if self.kind == INTEGER:
            return int(value)
        if self.kind == VERSION:
            if value not in VERSIONS:
                raise ValueError(value)
            return VERSIONS.index(value)
        return value


FILTERS: tuple[Filter, ...] = (
    Filter("kommun", "municipality_codes", "Kommun", LIST),
    Filter("lan", "county", "Län"),
    Filter("polisregion", "police_region", "Polisregion"),
    Filter("ar", "start_year", "Startår", INTEGER),
    Filter("tema", "themes", "Tema", LIST),
    Filter("ansvarig", "responsible", "Ansvarig"),
    Filter("typ", "kind", "Typ"),
    Filter("version", "current", "Version", VERSION),
)
BY_PARAM = {f.param: f for f in FILTERS}
# the filters whose column holds one plain value per row
COLUMN_FILTERS = tuple(f for f in FILTERS if f.kind in (VALUE, INTEGER))
# the filters whose column holds a JSON list of values per row
LIST_FILTERS = tuple(f for f in FILTERS if f.kind == LIST)


def version_of(current) -> str:
    return VERSIONS[int(bool(current))]


def chosen_values(chosen: dict[str, str]) -> dict[str, str | None]:
    """The filters as the search page's parameters give them, with NONE (a
    missing value) as None: what the facet index and the ranking take."""
    return {param: None if value == NONE else value for param, value in chosen.items()}


# -- SQL: conditions on search_facets aliased ``f`` --------------------------
def sql_conditions(chosen: dict[str, str | None]) -> tuple[str, dict]:
    """`` and …`` conditions and their parameters for the chosen filters."""
    conditions, params = [], {}
    for param, value in chosen.items():
        spec = BY_PARAM.get(param)
        if spec is None:
            continue
        try:
            params[param] = spec.parse(value)
        except ValueError:
            conditions.append("0")
            continue
        if spec.kind == LIST:
            conditions.append(f":{param} in (select value from json_each(f.{spec.column}))")
        else:
            conditions.append(f"f.{spec.column} is :{param}")
    return "".join(f" and {c}" for c in conditions), params


# -- numpy: a boolean mask over a crawler.search.facets.FacetIndex ---------------
def numpy_mask(index, param: str, value):
    """Rows of a FacetIndex that pass one filter."""
    spec = BY_PARAM[param]
    nothing = np.zeros(len(index.ids), dtype=bool)
    try:
        wanted = spec.parse(value)
    except ValueError:
        return nothing
    if spec.kind == LIST:
        return index.lists[param].mask(wanted) if wanted is not None else nothing
    if spec.kind == VERSION:
        return index.current == bool(wanted)
    column = index.columns[param]
    if wanted not in column.values:
        return nothing
    return column.codes == column.values.index(wanted)


# -- tantivy: one raw-tokenized field per filter -----------------------------
def tantivy_terms(spec: Filter, stored) -> list[str]:
    """The terms a commitment's search_facets value is indexed under."""
    if spec.kind == LIST:
        return list(json.loads(stored or "[]"))
    if spec.kind == VERSION:
        return [version_of(stored)]
    return [NONE if stored is None else str(stored)]


def tantivy_term(param: str, value) -> str | None:
    """The term a query parameter looks for; None: nothing can match."""
    spec = BY_PARAM[param]
    try:
        wanted = spec.parse(value)
    except ValueError:
        return None
    if spec.kind == VERSION:
        return version_of(wanted)
    if wanted is None:
        return None if spec.kind == LIST else NONE
    return str(wanted)
