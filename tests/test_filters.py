"""Each search filter selects the same rows as SQL, as a numpy mask and as tantivy terms."""

from __future__ import annotations

import itertools
import json
import sqlite3

import pytest

from crawler.search.facets import FacetIndex
from crawler.search.filters import BY_PARAM, FILTERS, NONE, sql_conditions
from crawler.search.ranking import RankIndex
from crawler.store.schema import COMMITMENT_COLUMNS, create_search_tables
from sqlite_utils import Database

COUNTIES = ["Stockholms län", "Uppsala län", None]
REGIONS = ["Region Stockholm", "Region Öst", None]
YEARS = [2019, 2020, 2023, None]
RESPONSIBLE = ["polisen", "kommunen", "gemensamt", None]
KINDS = ["promise", "activity", None]
THEMES = [[], ["trygghet"], ["narkotika", "trygghet"], ["unga"]]
# municipality codes of a commitment's document: none, one, or a joint promise
MUNICIPALITIES = [[], ["2181"], ["2181", "1781"], ["1781"], ["0180"]]
# values no row has, per filter: each must select nothing, the same way everywhere
UNKNOWN = {"kommun": ["9999", "sandviken"],
           "lan": ["Gotlands län"], "polisregion": ["Region Nord"],
           "ar": ["1999", "tjugo", "2020.0"], "tema": ["okänt"], "ansvarig": ["annan"],
           "typ": ["rad"], "version": ["nyaste", ""]}


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    """A search_facets table whose rows cover every combination of values."""
    path = tmp_path_factory.mktemp("filters") / "archive.db"
    db = Database(path)
    create_search_tables(db)
    combos = itertools.product(COUNTIES, REGIONS, YEARS, RESPONSIBLE, KINDS, THEMES, (0, 1),
                               MUNICIPALITIES)
    with db.conn:   # one transaction (sqlite-utils' execute commits each statement)
        for row_id, (county, region, year, party, kind, themes, current, codes) in enumerate(
                itertools.islice(combos, 0, None, 7), start=1):
            db.conn.execute("insert into search_facets values (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                            [row_id, county, region, year, party, kind, json.dumps(themes),
                             current, json.dumps(codes)])
            db.conn.execute(f"insert into search_words (rowid, {', '.join(COMMITMENT_COLUMNS)}) "
                            f"values (?{', ?' * len(COMMITMENT_COLUMNS)})",
                            [row_id, f"fixturerad {row_id}", "", "", "", "", "", ""])
    connection = sqlite3.connect(path)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def indexes(conn):
    return FacetIndex.load(conn), RankIndex(conn)


def by_sql(conn, chosen) -> set[int]:
    conditions, params = sql_conditions(chosen)
    return {r[0] for r in conn.execute(
        f"select f.id from search_facets f where f.newest = 1{conditions}", params)}


def by_numpy(facets: FacetIndex, chosen) -> set[int]:
    _, where = facets.counts(facets.ids.tolist(), chosen)
    return set(facets.ids[where].tolist())


def by_tantivy(ranks: RankIndex, chosen) -> set[int]:
    result = ranks.searcher.search(ranks.query([], chosen), limit=100_000, count=False)
    return {ranks.searcher.doc(address)["id"][0] for _, address in result.hits}


def filter_values(conn, spec) -> list[str]:
    """Every value a row has for this filter (as a query parameter), NONE and unknowns."""
    if spec.param == "tema":
        found = {t for themes in THEMES for t in themes}
    elif spec.param == "kommun":
        found = {code for codes in MUNICIPALITIES for code in codes}
    elif spec.param == "version":
        found = {"senaste", "aldre"}
    else:
        found = {str(r[0]) for r in conn.execute(
            f"select distinct {spec.column} from search_facets") if r[0] is not None}
    return sorted(found) + [NONE] + UNKNOWN[spec.param]


@pytest.mark.parametrize("param", [spec.param for spec in FILTERS])
def test_every_value_of_a_filter_selects_the_same_rows_everywhere(conn, indexes, param):
    facets, ranks = indexes
    for value in filter_values(conn, BY_PARAM[param]):
        chosen = {param: value}
        expected = by_sql(conn, chosen)
        assert by_numpy(facets, chosen) == expected, (param, value)
        assert by_tantivy(ranks, chosen) == expected, (param, value)


def test_known_values_select_rows_and_unknown_ones_none(conn, indexes):
    for spec in FILTERS:
        values = filter_values(conn, spec)
        known = values[:values.index(NONE)]
        assert all(by_sql(conn, {spec.param: v}) for v in known), spec.param
        assert not any(by_sql(conn, {spec.param: v}) for v in UNKNOWN[spec.param]), spec.param
        missing = by_sql(conn, {spec.param: NONE})
        assert bool(missing) == (spec.param not in ("kommun", "tema", "version")), spec.param


def test_two_filters_together_select_the_same_rows_everywhere(conn, indexes):
    facets, ranks = indexes
    for first, second in itertools.combinations(FILTERS, 2):
        for a in filter_values(conn, first)[:2] + [NONE]:
            for b in filter_values(conn, second)[:2]:
                chosen = {first.param: a, second.param: b}
                expected = by_sql(conn, chosen)
                assert by_numpy(facets, chosen) == expected, chosen
                assert by_tantivy(ranks, chosen) == expected, chosen
