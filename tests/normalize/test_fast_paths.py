"""The normalizer's fast paths answer exactly as the slower code they replaced."""

import re
import sys

import pytest

from normalize import htmlblocks
from normalize.caseless import FOLDS_APART, Caseless
from normalize.periods import OPEN_ENDED

# Every letter a Caseless pattern of the normalizer is written with.
LETTERS = "abcdefghijklmnopqrstuvwxyzåäöéü"


def test_folds_apart_lists_every_character_re_folds_unlike_str_lower():
    """A character outside FOLDS_APART matches a lower-case letter under re.I exactly
    when its str.lower() is that letter; so searching the lower-cased text is exact."""
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    apart = set()
    for letter in LETTERS:
        folded = set(re.findall(letter, every, re.I))
        lowered = {char for char in folded | set(letter.upper()) if char.lower() == letter}
        apart |= folded ^ lowered
    # and no character outside re's fold set lower-cases to a letter
    apart |= {char for char in every if char.lower() in LETTERS
              and not re.fullmatch(char.lower(), char, re.I)}
    assert apart == set(FOLDS_APART)


@pytest.mark.parametrize("text", [
    "Medborgarlöftet GÄLLER TILLS nya löften tecknas.",
    "Löftet gäller\n  löpande.", "Det gäller tills VIDARE", "gäller tılls nya",   # dotless i
    "Gäller TİLLS nya", "Löftet gäller till 2025.", "", "tills vi tecknar ett nytt",
    "Ingen tid alls",
])
def test_caseless_search_answers_as_ignorecase(text):
    assert OPEN_ENDED.search(text) == bool(OPEN_ENDED.folded.search(text))


def test_caseless_refuses_upper_case_patterns():
    with pytest.raises(ValueError):
        Caseless(r"\S+ gäller")


def test_open_ended_patterns_find_what_the_single_pattern_found():
    """OPEN_ENDED is split by opening word; it answers as the one pattern it replaced."""
    before = re.compile(r"gäller\s+(?:tills|till dess|fram till dess)|tills vidare|tills nya|"
                        r"fram till dess att nya|tills vi tecknar|gäller\s+löpande", re.I)
    texts = ["gäller tills", "Gäller\nTill dess", "gäller fram till dess", "tills vidare",
             "TILLS NYA", "fram till dess att nya", "tills vi tecknar", "gäller  löpande",
             "gäller till 2025", "tills", "fram till dess", "gäller", "tills vi ses"]
    for text in texts:
        assert OPEN_ENDED.search(text) == bool(before.search(text)), text


def test_control_characters_looked_for_are_those_the_regex_removes():
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    assert set(htmlblocks._CONTROL.findall(every)) == set(htmlblocks._CONTROL_CHARS)
