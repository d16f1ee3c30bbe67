"""`normalize` swaps the derived and search tables in one transaction: a
reader sees the archive before or after, never one half rebuilt."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

from serve_fixtures import build_serve_archive


def state(path) -> dict:
    conn = sqlite3.connect(path)
    try:
        return {
            "commitments": conn.execute("select id, text from commitments order by id").fetchall(),
            "dangling": conn.execute(
                "select count(*) from search_facets f left join commitments c on c.id = f.id "
                "where c.id is null").fetchone()[0],
            "normalized": conn.execute("select snapshot_id, normalizer_version "
                                       "from normalized_snapshots order by 1").fetchall(),
        }
    finally:
        conn.close()


def normalize_all(path, kill_at: str | None = None) -> int:
    env = {**os.environ}
    if kill_at:
        env["MEDBORGARLOFTEN_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, "-m", "crawler.cli", "normalize", "--db", str(path),
                           "--all"], env=env, capture_output=True, timeout=120).returncode


def test_a_normalize_killed_half_way_leaves_the_archive_as_it_was(tmp_path):
    path = build_serve_archive(tmp_path / "archive.db")
    before = state(path)
    assert normalize_all(path, kill_at="normalize:3") != 0  # killed after two snapshots
    assert state(path) == before  # readers never saw (and now never see) a half-built archive


def test_a_completed_normalize_leaves_no_search_row_without_its_commitment(tmp_path):
    path = build_serve_archive(tmp_path / "archive.db")
    assert normalize_all(path) == 0
    after = state(path)
    assert after["dangling"] == 0
    assert all(version != "test" for _, version in after["normalized"])  # all redone
