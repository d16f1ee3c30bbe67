"""The scheduling examples in deploy/ and .github/ are valid and run our CLI."""

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crawler.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def recrawl_args(command_line: str) -> list[str]:
    words = shlex.split(command_line)
    start = next(i for i, w in enumerate(words) if w.endswith("medborgarloften"))
    end = words.index(">>") if ">>" in words else len(words)
    return words[start + 1:end]


def assert_cli_accepts(args: list[str]) -> None:
    """The command line parses: same args plus --help exits 0 with that command's help."""
    assert args[0] == "recrawl"
    result = CliRunner().invoke(cli, [args[0], "--help"])
    assert result.exit_code == 0, result.output
    options = {a.split("=")[0] for a in args[1:] if a.startswith("--")}
    for option in options:
        assert option in result.output, f"{option} is not an option of recrawl"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_units_verify(tmp_path):
    service = (ROOT / "deploy/systemd/medborgarloften-recrawl.service").read_text()
    exe = shutil.which("medborgarloften")
    assert exe, "the console script must be installed (pip install -e .)"
    local = re.sub(r"^ExecStart=\S+", f"ExecStart={exe}", service, flags=re.M)
    local = local.replace("/srv/medborgarloften", str(tmp_path)).replace(
        "User=medborgarloften", "User=root")
    (tmp_path / "medborgarloften-recrawl.service").write_text(local)
    timer = ROOT / "deploy/systemd/medborgarloften-recrawl.timer"
    shutil.copy(timer, tmp_path / timer.name)
    result = subprocess.run(["systemd-analyze", "verify", "--man=no",
                             str(tmp_path / "medborgarloften-recrawl.service"),
                             str(tmp_path / timer.name)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    calendar = re.search(r"OnCalendar=(.+)", timer.read_text()).group(1)
    assert subprocess.run(["systemd-analyze", "calendar", calendar],
                          capture_output=True).returncode == 0
    exec_start = re.search(r"^ExecStart=(.+)$", service, re.M).group(1)
    assert_cli_accepts(recrawl_args(exec_start))


def test_cron_line_is_valid_and_runs_recrawl():
    lines = [line for line in (ROOT / "deploy/cron/medborgarloften").read_text().splitlines()
             if line and not line.startswith("#") and "=" not in line.split()[0]]
    [line] = lines
    fields = line.split()
    minute, hour, dom, month, dow, user = fields[:6]
    assert 0 <= int(minute) < 60 and 0 <= int(hour) < 24 and dom == month == "*"
    assert 0 <= int(dow) <= 7 and user == "medborgarloften"
    assert_cli_accepts(recrawl_args(" ".join(fields[6:]).split("&&")[1]))


def test_github_workflow_runs_recrawl_and_publishes():
    workflow = yaml.safe_load((ROOT / ".github/workflows/recrawl.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 'on'
    assert triggers["schedule"][0]["cron"].split()[4] == "1"
    steps = workflow["jobs"]["recrawl"]["steps"]
    runs = [s.get("run", "") for s in steps]
    [recrawl_line] = [r for r in runs if "medborgarloften recrawl" in r]
    assert_cli_accepts(recrawl_args(recrawl_line))
    assert any("gh release upload" in r for r in runs)
    assert workflow["concurrency"]["cancel-in-progress"] is False
