"""Shared fixtures: the demo archive, built once per test session."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.fixture(scope="session")
def demo_archive(tmp_path_factory):
    """`medborgarloften demo --no-serve`: fixture web v1 + v2 crawled and normalized."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    result = subprocess.run([sys.executable, "-m", "crawler.cli", "demo", "--db", str(db),
                             "--no-serve"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return db
