"""The normalizer's fast paths answer exactly as the slower code they replaced."""

import re
import sys
from pathlib import Path

import pytest

from normalize import cues, documents, htmlblocks, periods, responsibility, themes
from normalize.caseless import FOLDS_APART, LETTERS, Caseless, alternatives, opening_literal
from normalize.periods import OPEN_ENDED


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


@pytest.mark.parametrize("escape", [r"\w", r"\s", r"\d"])
def test_class_escapes_agree_on_a_character_and_its_lower_case(escape):
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    kept = "".join(char for char in every if len(char.lower()) == 1)
    positions = [m.start() for m in re.finditer(escape, kept)]
    assert [m.start() for m in re.finditer(escape, kept.lower())] == positions
    assert len(kept.lower()) == len(kept)


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
        Caseless(r"\S+ Gäller")
    with pytest.raises(ValueError):
        Caseless(r"naïve")


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


def _texts():
    """Lines of every fixture page, seed and devset page: the texts to compare on."""
    root = Path(__file__).resolve().parents[2]
    paths = [p for p in (root / "tests" / "normalize" / "fixtures").rglob("*") if p.is_file()]
    paths += sorted((root / "crawler" / "demo" / "seeds").glob("*.txt"))
    lines = []
    for path in paths:
        lines += path.read_bytes().decode("utf-8", errors="replace").split("\n")
    return lines + ["Trygghetsvandring i CENTRUM", "Polisstation vid torget", "Grannsamverkan",
                    "BRÅ träffas", "Synas mer i Tıerp", "tidigare år: 2019 – 2020",
                    "Publicerad 2024-01-02", "fr.o.m. 1 juli 2024", "från 1 JULI 2024",
                    "1 april 2018 till 31 mars 2019", "ſedan 2015"]


def test_themes_match_as_the_keyword_regexes_do():
    for text in _texts():
        lowered = text.lower()
        expected = [key for key, pattern in themes._COMPILED if pattern.search(lowered)]
        assert themes.themes_of(text) == expected, text


def test_periods_found_as_without_the_literal_tests():
    slow = {name: re.compile(getattr(periods, name).pattern, getattr(periods, name).flags)
            for name in ("_DATE_RANGE", "_MONTH_RANGE", "_FROM_DATE", "_FROM_ISO", "_FROM_YEAR",
                         "_PAGE_DATE_LINE")}
    for text in _texts():
        fast = periods.find_periods(text)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(periods, "_ANY_YEAR", re.compile(r""))     # no gate
            patch.setattr(periods, "_PAGE_DATE_WORDS", ("",))
            patch.setattr(periods, "MONTHS", {**periods.MONTHS, "": 0})
            patch.setattr(periods, "FOLDS_APART", ("",))
            for name, pattern in slow.items():
                patch.setattr(periods, name, pattern)
            assert fast == periods.find_periods(text), text


@pytest.mark.parametrize("name", ["_VALIDITY", "_HISTORY", "_PERIOD_CUE"])
def test_period_cues_answer_as_ignorecase(name):
    cue = getattr(periods, name)
    for text in _texts():
        assert cue.search(text) == bool(cue.folded.search(text)), text


def test_opening_literal_is_in_every_match():
    assert opening_literal(r"\btelefon(?:nummer)?\s*:?\s*\d") == "telefon"
    assert opening_literal(r"\.docx?\b") == ".doc"
    assert opening_literal(r"^läs mer") == "läs mer"
    assert opening_literal(r"ab+c") == "ab"
    assert opening_literal(r"a|b") == opening_literal(r"\b\d+") == opening_literal("(?:x)") == ""


# The patterns as they were, one re.I or plain regex each.
BEFORE = {
    "SPEECH": re.compile(
        r",?\s+säger\s+[A-ZÅÄÖ]|,\s+säger\s+\S+\s+[A-ZÅÄÖ]|\bsäger\s+(?:han|hon)\b|"
        r",\s+(?:säger|sa|berättar|menar|förklarar|konstaterar|betonar|understryker|"
        r"tillägger|framhåller|poängterar|avslutar)\s+(?!att\b|det\b|sig\b)[\wåäöÅÄÖ]|"
        r"^[”\"“].*[”\"“]\W{0,2}$"),
    "DOC_LINK": re.compile(r"\bpdf\b|\b\d+(?:[.,]\d+)?\s*[kM]B\b|öppnas i nytt fönster|ladda ner|"
                           r"\.docx?\b|^läs mer|länk till annan webbplats", re.I),
    "CONTACT": re.compile(r"@|\b0\d{1,3}[-‑ ]\d{2,3}\s?\d{2}|\btfn\b|\btelefon(?:nummer)?\s*:?\s*\d|"
                          r"\btelefon\s*$|\be-post\b", re.I),
}
EXTRA = ["Läs mer om löftet", "Rapport (PDF, 2,1 MB)", "Ring TELEFON: 0123", "Tfn 010-123 45 67",
         "Skriv till E-POST", "Vi ses, säger Anna", "”Det blir bra”, säger hon.", "“Tack”",
         "Mejla info@exempel.se", "Telefon", "12 kB", "Beslut.DOCX", "Länk till annan webbplats"]


@pytest.mark.parametrize("name", ["SPEECH", "DOC_LINK", "CONTACT", "PROMISE_WORD", "CONCEPT",
                                  "DESCRIBES", "FOLLOW_UP_VERB"])
def test_cue_patterns_answer_as_before(name):
    fast = getattr(cues, name)
    for text in _texts() + EXTRA:
        assert fast.search(text) == bool(BEFORE[name].search(text)), text


def test_split_tags_as_without_its_gates():
    for text in _texts() + ["Patrullera (P/K)", "Trygghetsvandring – polisen och kommunen",
                            "Öka närvaron /Polisen", "Städa\nANSVARIG: Kommunen", "x (kommunen)"]:
        assert responsibility.split_tags(text) == _split_tags_ungated(text), text


def _split_tags_ungated(text):
    """responsibility.split_tags with every pattern run, as before the gates."""
    r = responsibility
    stated = None
    match = r._RESPONSIBLE.search(text)
    if match:
        who = match.group("who")
        stated = (r.tag_party(who) or "annan") if re.search(r"\w", who) else r.UNKNOWN
        text = text[:match.start()]
    letters = r._LETTER_TAG.search(text)
    if letters and not stated:
        found = {c for c in letters.group("who").upper() if c in "PK"}
        stated = "gemensamt" if found == {"P", "K"} else "polisen" if "P" in found else "kommunen"
        text = text[:letters.start()]
    dash = r._DASH_PARTY.search(text)
    if dash and not stated:
        stated = r.party(dash.group("who"))
        text = text[:dash.start()]
    suffix = r._SUFFIX.search(text)
    if suffix:
        who = suffix.group("slash") or suffix.group("paren")
        who_party = r.tag_party(who)
        if who_party and len(who.split()) <= 5:
            text = text[:suffix.start()]
            stated = stated or who_party
    return text.strip(" \t\n-–•(;,"), stated


def test_lines_with_year_are_the_lines_that_name_one():
    body = "\n".join(_texts()) + "\n2024\n\når 2019 och 2020\nslut 2031"
    expected = [line for line in body.split("\n") if re.search(r"20[1-3]\d", line)]
    assert list(periods._lines_with_year(body)) == expected


BEFORE.update({
    "PROMISE_WORD": re.compile(r"medborgarlöft|\blöfte|\blöften", re.I),
    "CONCEPT": re.compile(r"\bett\s+medborgarlöfte\s+(?:är|innebär|kan)\b|"
                          r"\bmedborgarlöften\s+(?:är|innebär|kan)\b", re.I),
    "DESCRIBES": re.compile(r"\b(?:kan|kunde|brukar|bör|borde|skulle|behöver|vill|upplever|upplevs|"
                            r"uppger|känner|består|handlar|innebär|betyder|gäller|ingår|omfattar|"
                            r"ansvarar\s+för\s+både|uppfattas|tycker|menar|anser|uppgav|uppgir|"
                            r"(?:ser|vet|märker|konstaterar)\s+att)\b", re.I),
    "FOLLOW_UP_VERB": re.compile(r"\bfölj(?:s|er|a)\s+upp\b|\bredovisas\b|\bpubliceras\b|"
                                 r"\butvärderas\b|\brapporteras\b|\bpresenteras\b|\bta\s+fram\b|"
                                 r"\btas\s+fram\b", re.I),
})
EXTRA += ["Ett MEDBORGARLÖFTE är", "Medborgarlöften kan", "Polisen SER ATT", "Löftet följs UPP",
          "Kommunen kanske", "Vi vet att", "Kommunen ansvarar för både"]


@pytest.mark.parametrize("name", ["_POLICE", "_MUNICIPALITY"])
def test_joint_voice_patterns_answer_as_before(name):
    before = {"_POLICE": re.compile(r"\bpolis", re.I),
              "_MUNICIPALITY": re.compile(r"\bkommun|\bstad(?:en|s)?\b|\bregion gotland\b", re.I)}
    for text in _texts() + ["STADEN", "Region Gotland", "stadsdel", "Kommunpolisen", "apolis"]:
        assert getattr(documents, name).search(text) == bool(before[name].search(text)), text


def test_alternatives_split_at_the_top_level_only():
    assert alternatives(r"a|b(?:c|d)|[|]|\||e") == ["a", "b(?:c|d)", "[|]", r"\|", "e"]


@pytest.mark.parametrize("name", ["TRAP", "LEAD"])
def test_section_cues_answer_as_the_single_regex(name):
    cue = getattr(cues, name)
    single = re.compile(cue.folded.pattern, re.I)
    for text in _texts() + EXTRA + ["Vårt löfte till Dig", "LÖFTENA ÄR", "Mål: färre inbrott",
                                    "Så här går det till", "Kommunen SKA:", "Dialogerna visade"]:
        assert cue.search(text) == bool(single.search(text)), text
