"""The command line speaks Swedish: help, click's own words, errors and Ctrl-C (issue 12).

Command and option names stay English (scripts use them); everything a
person reads is Swedish. Help is read through the installed
``medborgarloften`` script, as a person runs it.
"""

from __future__ import annotations

import gettext
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import cli
from crawler.swedish_cli import DOMAIN, LOCALE_DIR

# Click's English chrome, and the type names it prints as metavars.
ENGLISH_CHROME = ["Usage", "Options", "Commands", "Show this message", "Show the version",
                  "Error", "Aborted", "[OPTIONS]", "COMMAND", "default:", "required", "Try '",
                  "Missing", "Invalid value", "No such", "does not exist", "INTEGER", "FLOAT",
                  "RANGE", "PATH", "TEXT"]
# Words that give away a help text or message left in English.
ENGLISH_WORDS = re.compile(r"\b(the|and|with|only|which|when|every|is|are|not|from)\b",
                           re.IGNORECASE)
COMMANDS = sorted(cli.commands)


def medborgarloften(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    script = shutil.which("medborgarloften", path=str(Path(sys.executable).parent)) \
        or shutil.which("medborgarloften")
    command = [script] if script else [sys.executable, "-m", "crawler.cli"]
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def english_in(text: str) -> list[str]:
    # Option names, URLs and code (JSON keys in the extract help) are not prose.
    prose = re.sub(r"--[\w-]+|https?://\S+|\{[^}]*\}|\"[a-z_]+\"", " ", text)
    return [w for w in ENGLISH_CHROME if w in text] + ENGLISH_WORDS.findall(prose)


def test_the_command_list_is_complete():
    assert {"crawl", "serve", "demo", "extract", "normalize", "check", "coverage", "recrawl",
            "backfill", "export-warc", "import-warc"} <= set(COMMANDS)


USAGE_ERRORS = [
    (["nosuch"], ["Okänt kommando", "'nosuch'"]),
    (["--bogus"], ["Okänd flagga", "'--bogus'"]),
    (["extract"], ["Saknar argumentet", "'FIL'"]),
    (["crawl", "--max-pages-per-site", "0"], ["Ogiltigt värde", "--max-pages-per-site",
                                                 "utanför"]),
    (["normalize", "--db", "/finns/inte.db"], ["Filen", "finns inte"]),
    (["coverage", "--status", "kanske"], ["--status", "är inte något av"]),
    (["serve", "--port", "tre"], ["--port", "inte ett giltigt tal"]),
    (["extract", "/finns/inte.txt"], ["/finns/inte.txt: finns inte"]),
]
# Every command's help, the usage errors, the bare command and --version, run
# in ONE child process under an English locale (a process each cost about a
# second apiece in the fast suite) through click's runner, which goes through
# the same main() as the installed script; it prints one JSON line per run.
RUN_IN_A_CHILD = """
import json, sys
from click.testing import CliRunner
from crawler.cli import cli
try:
    runner = CliRunner(mix_stderr=False)   # click < 8.2
except TypeError:
    runner = CliRunner()                   # click >= 8.2: stdout and stderr apart
for args in json.loads(sys.stdin.read()):
    result = runner.invoke(cli, args, prog_name="medborgarloften")
    print(json.dumps([args, result.exit_code, result.stdout, result.stderr]))
"""
HELP_RUNS = [[*command, "--help"] for command in [[], *([c] for c in COMMANDS)]]


@pytest.fixture(scope="module")
def runs() -> dict[tuple, tuple[int, str, str]]:
    # An English terminal locale must not bring click's English back.
    every = [*HELP_RUNS, *(args for args, _ in USAGE_ERRORS), [], ["--version"]]
    result = subprocess.run([sys.executable, "-c", RUN_IN_A_CHILD], input=json.dumps(every),
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "LANG": "en_US.UTF-8", "LANGUAGE": "en"})
    assert result.returncode == 0, result.stderr
    return {tuple(args): (code, out, err)
            for args, code, out, err in map(json.loads, result.stdout.splitlines())}


@pytest.mark.parametrize("command", HELP_RUNS, ids=["medborgarloften", *COMMANDS])
def test_help_has_no_english(runs, command):
    code, text, _ = runs[tuple(command)]
    assert code == 0, text
    assert text.startswith("Användning: medborgarloften")
    assert "Flaggor:" in text and "Visa den här hjälpen och avsluta." in text
    assert english_in(text) == [], text


def test_the_group_help_lists_commands_under_a_swedish_heading():
    result = medborgarloften("--help")
    assert "Kommandon:" in result.stdout and "KOMMANDO [ARGUMENT]..." in result.stdout


def test_no_command_shows_the_help_not_an_error(runs):
    _, out, err = runs[()]
    assert "Användning:" in out + err
    assert "fel:" not in out + err and "Kommandon:" in err


@pytest.mark.parametrize("args, words", USAGE_ERRORS)
def test_usage_errors_are_one_swedish_line(runs, args, words):
    code, _, err = runs[tuple(args)]
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("fel: "), err
    for word in words:
        assert word in lines[0]
    assert english_in(lines[0].replace(" ".join(args), "")) == [], lines[0]


def test_version_is_printed_in_swedish_words(runs):
    code, out, _ = runs[("--version",)]
    assert code == 0 and re.search(r", version \d", out)


class CtrlCWhileReading(io.BytesIO):
    """Standard input at which the person presses Ctrl-C."""

    def read(self, size=-1):
        if size == 0:
            return b""
        raise KeyboardInterrupt


def test_ctrl_c_ends_in_one_swedish_line():
    result = CliRunner().invoke(cli, ["extract", "-"], input=CtrlCWhileReading())
    assert result.exit_code == 1
    assert result.output.strip() == "Avbrutet (Ctrl-C)."


def test_running_in_process_leaves_the_language_of_the_caller_alone(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "en")
    domain = gettext.textdomain()
    result = CliRunner().invoke(cli, ["--help"])
    assert "Användning:" in result.output
    assert os.environ["LANGUAGE"] == "en" and gettext.textdomain() == domain


def test_compiled_catalog_matches_its_source(tmp_path):
    """The committed .mo is what msgfmt makes of the .po (edit the .po, recompile)."""
    source = LOCALE_DIR / "sv" / "LC_MESSAGES" / f"{DOMAIN}.po"
    committed = gettext.GNUTranslations(open(source.with_suffix(".mo"), "rb"))._catalog
    assert committed["Usage:"] == "Användning:" and committed["Options"] == "Flaggor"
    if shutil.which("msgfmt") is None:
        return   # the check above still holds; a fresh compile needs gettext's msgfmt
    fresh = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(source)], check=True)
    assert gettext.GNUTranslations(open(fresh, "rb"))._catalog == committed
