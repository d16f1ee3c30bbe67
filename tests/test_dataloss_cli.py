"""Usage errors are one line and exit 2 before anything is fetched (issue 16, items 2, 8, 9).

No test here reaches the network: every crawl is refused before it starts,
or its sites CSV points at a closed port on 127.0.0.1.
"""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from crawler.cli import _check_crawl_input
from crawler.cli import cli as command_line

LOOPBACK_CSV = "code,name,url\n1785,Sunne (fixture),http://127.0.0.1:9/\n"


def cli(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], capture_output=True,
                          text=True, timeout=timeout)


def cli_in_process(*args):
    """The same main() as the script, without a child process (for refusals
    that happen before anything starts: a second apiece saved)."""
    try:
        runner = CliRunner(mix_stderr=False)   # click < 8.2
    except TypeError:
        runner = CliRunner()                   # click >= 8.2: stdout and stderr apart
    result = runner.invoke(command_line, list(args), prog_name="medborgarloften")
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def assert_usage_error(result, *words):
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("fel:"), result.stderr[-2000:]
    for word in words:
        assert word in lines[0]


@pytest.fixture
def sites(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(LOOPBACK_CSV, encoding="utf-8")
    return path


@pytest.mark.parametrize("args, words", [
    (["--municipality", "9999"], ["--municipality", "9999"]),
    (["--municipality", "1785,0000"], ["0000"]),
    (["--max-pages-per-site", "-1"], ["--max-pages-per-site"]),
    (["--max-pages-per-site", "0"], ["--max-pages-per-site"]),
    (["-s", "CONCURRENT_REQUESTS=abc"], ["CONCURRENT_REQUESTS"]),
    (["-s", "ROBOTSTXT_OBEY=kanske"], ["ROBOTSTXT_OBEY"]),
    (["-s", "NOEQUALSIGN"], ["NYCKEL=VÄRDE"]),
    (["--polisen-url", "file:///etc/passwd", "--spider", "polisen"], ["inte http"]),
])
def test_crawl_usage_errors(tmp_path, sites, args, words):
    db = tmp_path / "archive.db"
    result = cli_in_process("crawl", "--db", str(db), "--sites", str(sites),
                            "--allow-private-hosts", *args)
    assert_usage_error(result, *words)
    assert not db.exists()   # refused before the archive was even created


def test_unknown_code_in_the_registry_is_a_usage_error():
    with pytest.raises(click.BadParameter, match="9999"):
        _check_crawl_input(("kommuner",), None, ["9999"], None, False)
    assert _check_crawl_input(("kommuner",), None, ["1785"], None, False) == 0


def test_recrawl_checks_its_report_path_before_starting(tmp_path, sites):
    db = tmp_path / "archive.db"
    result = cli("recrawl", "--db", str(db), "--report", str(tmp_path / "no" / "r.txt"),
                 "--sites", str(sites), "--allow-private-hosts")
    assert_usage_error(result, "--report", "finns inte")
    assert not db.exists()


def test_tracebacks_only_with_debug(tmp_path):
    broken = tmp_path / "archive.db"
    broken.write_bytes(b"not a database, just text" * 10)
    plain = cli("normalize", "--db", str(broken))
    assert plain.returncode == 4
    assert plain.stderr.strip().count("\n") == 0 and "Traceback" not in plain.stderr
    debug = cli("--debug", "normalize", "--db", str(broken))
    assert "Traceback" in debug.stderr and "ArchiveError" in debug.stderr


def test_csv_without_header_crawls_nothing_and_says_so(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("1785,Sunne,https://www.sunne.se/\n", encoding="utf-8")
    result = cli("crawl", "--db", str(tmp_path / "a.db"), "--sites", str(path))
    assert_usage_error(result, "rubrikrad")
