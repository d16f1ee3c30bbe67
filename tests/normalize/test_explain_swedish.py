"""extract --explain gives its reasons in plain Swedish, built from the one table in normalize/reasons.py.

Every reason ``explain`` gives on the seeds and the fixture pages must be a
text of ``REASONS`` (composites filled with other texts of it, or with a
heading quoted from the page), every code of the table must be reached by
some page, and the CLI prints no English prose under an English locale.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from string import Formatter

import pytest

import normalize.documents as documents
import normalize.reasons as reasons
import normalize.segmenter as segmenter
from crawler.cli import VERDICTS
from normalize import explain
from normalize.reasons import REASONS, Form, Reason, say
from normalize.registry import Municipality

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "normalize" / "fixtures"
PAGES = sorted((ROOT / "crawler" / "demo" / "seeds").glob("*.txt")) \
    + sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".html", ".txt"))
# Invented places (as in test_pages.py): the fixture pages are about them.
REGISTRY = [Municipality(code, f"{name}{suffix}", name, "Fixturlän", "99", "Mitt",
                         f"https://www.{name.lower()}.se/", 0.0, 0.0)
            for code, name, suffix in [("9901", "Testby", " kommun"),
                                       ("9902", "Provinge", " kommun"),
                                       ("9903", "Exempelstad", "s kommun")]]
PARTIES = ("polisen", "kommunen", "gemensamt", "annan")
# English that gives away a reason left untranslated (the old ones: "no promise verb,
# modal or time", "infinitive line under a lead-in", "its document is not a promise").
ENGLISH = re.compile(r"\b(the|a|an|and|or|of|its|no|not|is|are|under a|promise\w*|verb|modal|"
                     r"line|sentence|heading|title|item|list|lead-in|party|page|document|"
                     r"section|explains?|repeats|scheduled|kept|dropped)\b", re.I)


def _content_type(path: Path) -> str:
    return "text/html" if path.suffix == ".html" else "text/plain"


@pytest.fixture(scope="module")
def explained() -> tuple[list[tuple[str, dict]], set[str]]:
    """Every unit of every page, explained with the real registry and with the invented
    one, and the codes said for them (``say`` is wrapped, not replaced: it records the
    code and gives the real text)."""
    found, said = [], set()

    def recording_say(code, /, **fields):
        said.add(code)
        return say(code, **fields)

    with pytest.MonkeyPatch.context() as patch:
        for module in (documents, segmenter, reasons):
            patch.setattr(module, "say", recording_say, raising=False)
        for path in PAGES:
            for registry in (None, REGISTRY):
                found += [(path.name, unit) for unit in explain(
                    path.read_bytes(), content_type=_content_type(path), municipalities=registry)]
    return found, said


def _fields(template: str) -> list[str]:
    return [field for _, field, _, _ in Formatter().parse(template) if field is not None]


def _pattern(code: str) -> str:
    """A regex of the texts ``say(code, …)`` can give."""
    parts = []
    for literal, field, _, _ in Formatter().parse(REASONS[code]):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(_field_pattern(field))
    return "".join(parts)


def _field_pattern(field: str) -> str:
    if field == "kind":
        return _either([Reason.PROMISE, Reason.ACTIVITY])
    if field == "party":
        return "(?:" + "|".join([*PARTIES, re.escape(say(Reason.NO_PARTY))]) + ")"
    if field == "form":
        return _either(list(Form))
    if field == "why":   # a reason that is not itself a composite of kind, party and why
        return _either([code for code in REASONS
                        if not {"why", "kind"} & set(_fields(REASONS[code]))])
    return ".+"          # a heading or lead-in quoted from the page


def _either(codes: list[str]) -> str:
    return "(?:" + "|".join(f"(?:{_pattern(code)})" for code in codes) + ")"


SWEDISH_REASON = re.compile(_either(list(REASONS)))


def test_every_code_has_a_swedish_text_without_english():
    assert set(Reason) | set(Form) == set(REASONS)
    for code, text in REASONS.items():
        assert ENGLISH.findall(re.sub(r"\{\w+\}", "", text)) == [], (code, text)


def test_every_reason_given_is_swedish_from_the_table(explained):
    units, _ = explained
    for page, unit in units:
        for part in unit["why"].split("; "):
            assert SWEDISH_REASON.fullmatch(part), (page, unit["text"], part)
            # the quoted heading of a page is not checked for language, the rest is
            assert ENGLISH.findall(re.sub(r"'[^']*'", "", part)) == [], (page, part)
        assert unit["verdict"] in VERDICTS
        assert unit["text"] != "(the page)"


def test_every_reason_in_the_table_is_reached_by_some_page(explained):
    """No code is dead text: the seeds and fixtures (tests/normalize/fixtures/explain/
    for the rarer ones) reach every one."""
    _, said = explained
    assert set(REASONS) - said == set()


def test_the_kept_reason_names_kind_party_and_form():
    text = say(Reason.KEPT, kind=Reason.PROMISE, party="polisen",
               why=Reason.SENTENCE_IN_SECTION, form=Form.MODAL)
    assert text == "löfte, polisen: meningen säger vad någon ska göra ('ska', 'kommer att'), " \
                   "under en löftesrubrik"
    assert say(Reason.NOT_A_PROMISE, why=Reason.NO_PLACE) == \
        "dokumentet är inget löfte: ingen kommun nämns på sidan"


# One child process under an English locale runs extract --explain on every seed and
# the explain fixtures, through click's runner (the same main() as the installed script).
RUN_IN_A_CHILD = """
import json, sys
from click.testing import CliRunner
from crawler.cli import cli
for path in json.loads(sys.stdin.read()):
    result = CliRunner().invoke(cli, ["extract", "--explain", path], prog_name="medborgarloften")
    print(json.dumps([path, result.exit_code, result.output]))
"""


@pytest.mark.slow  # runs the CLI in a process of its own
def test_extract_explain_prints_no_english_under_an_english_locale():
    paths = [str(p) for p in PAGES if p.parent.name in ("seeds", "explain")]
    result = subprocess.run([sys.executable, "-c", RUN_IN_A_CHILD], input=json.dumps(paths),
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "LANG": "en_US.UTF-8", "LANGUAGE": "en"})
    assert result.returncode == 0, result.stderr
    runs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(runs) == len(paths)
    for path, code, output in runs:
        assert code == 0, output
        lines = output.splitlines()
        assert lines and len(lines) % 2 == 0, output
        for head, text in zip(lines[::2], lines[1::2]):
            verdict, reason = head[:10].strip(), head[10:]
            assert verdict in VERDICTS.values(), head
            assert text.startswith(" " * 10) and text.strip(), text
            for part in reason.split("; "):
                assert SWEDISH_REASON.fullmatch(part), (path, head)
                assert ENGLISH.findall(re.sub(r"'[^']*'", "", part)) == [], (path, head)
