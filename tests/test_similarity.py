"""crawler.search.similarity: the batch trigram scores equal the pairwise ones,
to the last bit, also after SQLite divides the counts."""

import json
import random
import sqlite3
from pathlib import Path

from crawler.search.similarity import (trigram_overlaps, trigram_similarities,
                                       trigram_similarity)

SEEDS = Path(__file__).resolve().parents[1] / "crawler" / "demo" / "seeds"
ODD = [None, "", "abc", "abcd", "ÅÄÖ åäö ÅÄÖÅ", "İstanbul trygghetsvandringar",
       "Grannsamverkan\nGRANNSAMVERKAN grannsamverkans-områden", "ſtraße über Über",
       "日本語 vandring", "🙂 polisen ska öka tryggheten", "ab-cdef ghij", "x" * 5, "é" * 4]


def seed_lines() -> list[str]:
    lines = [line.strip() for path in sorted(SEEDS.glob("*.txt"))
             for line in path.read_text("utf-8").splitlines()]
    return [line for line in lines if line]


def test_batch_equals_pairwise_on_seed_lines_and_odd_texts():
    lines = seed_lines()
    assert len(lines) > 100
    rng = random.Random(3)
    partly_alike = 0
    for text in rng.sample(lines, 40) + ODD:
        others = rng.sample(lines, 60) + ODD
        expected = [trigram_similarity(text, other) for other in others]
        assert trigram_similarities(text, others) == expected
        partly_alike += sum(0 < value < 1 for value in expected)
    assert partly_alike > 1000   # not a comparison of zeros


def test_sqlite_divides_the_counts_to_the_same_float():
    lines = seed_lines()
    text = "Polisen och kommunen ska genomföra trygghetsvandringar i centrum"
    overlaps = trigram_overlaps(text, lines)
    divided = [row[0] for row in sqlite3.connect(":memory:").execute(
        "select 1.0 * (value ->> 1) / (value ->> 2) from json_each(?) order by key",
        [json.dumps([[i, shared, union] for i, (shared, union) in enumerate(overlaps)])])]
    assert divided == [trigram_similarity(text, line) for line in lines]


def test_edge_cases():
    assert trigram_similarities("trygghetsvandring", []) == []
    assert trigram_similarities(None, ["trygghetsvandring"]) == [0.0]
    assert trigram_similarities("abc", ["abc"]) == [0.0]            # no word of four letters
    assert trigram_similarities("Vandring", ["vandring", "VANDRINGAR", "ab"]) == \
        [1.0, trigram_similarity("vandring", "vandringar"), 0.0]
