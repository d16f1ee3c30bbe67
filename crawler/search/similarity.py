"""How alike two commitment texts are: Jaccard overlap of letter trigrams.

Trigrams, not words: Swedish compounds share parts ("trygghetsvandringar"
and "trygghets-vandringar", "grannsamverkan" and "grannsamverkansområden").
The trigrams of a text are those inside its words of four letters or more
(letters a–z, å, ä, ö, é, ü, after lower-casing).

`trigram_similarity` compares two texts (the SQL function ``ordlikhet``).
`trigram_similarities` compares one text with many at once, with the same
result to the last bit: "similar commitments" scores hundreds of candidates
per request, and building a Python set of trigrams per candidate took 8 of
the 9 ms of such a request at 100,000 commitments. The batch version encodes
every candidate as one numpy array of letter codes and counts distinct
trigrams per candidate with one sort.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

LETTERS = "abcdefghijklmnopqrstuvwxyzåäöéü"
_WORD = re.compile(f"[{LETTERS}]{{4,}}")
# Code point -> letter number 1..31 (0: not a letter). Every letter is below 256.
_LETTER_CODE = np.zeros(256, dtype=np.int64)
_LETTER_CODE[[ord(c) for c in LETTERS]] = np.arange(1, len(LETTERS) + 1)
_BITS = 5   # 31 letters; a trigram is three 5-bit letter numbers
_SEPARATOR = "\x00"


@lru_cache(maxsize=4096)
def _trigrams(text: str | None) -> frozenset[str]:
    grams = set()
    for word in _WORD.findall((text or "").lower()):
        grams.update(word[i:i + 3] for i in range(len(word) - 2))
    return frozenset(grams)


def trigram_similarity(a: str | None, b: str | None) -> float:
    """|trigrams(a) ∩ trigrams(b)| / |trigrams(a) ∪ trigrams(b)|; 0 when either has none."""
    grams_a, grams_b = _trigrams(a), _trigrams(b)
    if not grams_a or not grams_b:
        return 0.0
    shared = len(grams_a & grams_b)   # |a ∪ b| counted, not built
    return shared / (len(grams_a) + len(grams_b) - shared)


def _trigram_number(gram: str) -> int:
    first, second, third = (LETTERS.index(c) + 1 for c in gram)
    return (first << 2 * _BITS) | (second << _BITS) | third


def trigram_similarities(text: str | None, others: list[str | None]) -> list[float]:
    """trigram_similarity(text, other) for each of ``others``, in order."""
    return [shared / union for shared, union in trigram_overlaps(text, others)]


def trigram_overlaps(text: str | None, others: list[str | None]) -> list[tuple[int, int]]:
    """(shared, union) trigram counts of ``text`` and each of ``others``:
    trigram_similarity is shared / union. Integers, so that SQL can divide
    them exactly as Python does (SQLite 3.40 does not read floats back from
    JSON to the last bit)."""
    source = _trigrams(text)
    if not source or not others:
        return [(0, 1)] * len(others)
    lowered = [(other or "").lower() for other in others]
    codes = np.frombuffer(_SEPARATOR.join(lowered).encode("utf-32-le"), dtype=np.uint32)
    if len(codes) < 3:
        return [(0, 1)] * len(others)
    letters = _LETTER_CODE[np.minimum(codes, 255)]
    owner = np.repeat(np.arange(len(lowered)), [len(t) + 1 for t in lowered])[:len(letters)]
    # Runs of letters are the words; only words of four letters or more count.
    is_letter = letters > 0
    starts = is_letter & ~np.concatenate(([False], is_letter[:-1]))
    run = np.cumsum(starts)
    run_length = np.bincount(run, weights=is_letter)
    in_long_word = is_letter & (run_length[run] >= 4)
    # A trigram starts wherever it and the next two positions are letters of a long word.
    positions = np.flatnonzero(in_long_word[:-2] & is_letter[1:-1] & is_letter[2:])
    grams = (letters[positions] << 2 * _BITS) | (letters[positions + 1] << _BITS) \
        | letters[positions + 2]
    keys = np.sort(owner[positions] << 3 * _BITS | grams)
    distinct = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]   # np.unique, 30x faster here
    distinct_owner = distinct >> 3 * _BITS
    in_source = np.zeros(1 << 3 * _BITS, dtype=bool)
    in_source[[_trigram_number(g) for g in source]] = True
    counts = np.bincount(distinct_owner, minlength=len(others))
    shared = np.bincount(distinct_owner[in_source[distinct & ((1 << 3 * _BITS) - 1)]],
                         minlength=len(others))
    return list(zip(shared.tolist(), (counts + len(source) - shared).tolist()))
