"""A new archive appears whole: no process ever sees it empty.

Opening an archive that does not exist yet creates it. Two commands started
at once on a new path (a crawl and a recrawl, a crawl and `normalize`) used
to race: SQLite creates the file empty and writes its header a moment later,
and the other command, finding a 0-byte file, refused it as damaged ("filen
är tom") and exited 4. A creator killed in that moment left the empty file
behind for good. A 0-byte file someone else left is still refused
(tests/test_dataloss_faults.py, zero-byte).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from crawler.store.archive import ArchiveError, open_db

# Wait for the common start, open (creating) the archive, write one row the
# way the project writes (BEGIN IMMEDIATE: a deferred write can fail at once).
OPEN = """
import os, sys, time
from crawler.store.archive import open_db, write_transaction
time.sleep(max(0, float(sys.argv[2]) - time.time()))
db = open_db(sys.argv[1])
with write_transaction(db):
    db["kept"].insert({"pid": os.getpid()})
db.close()
"""
PROCESSES = 6
ROUNDS = 3


def open_in_child(path, start: float = 0.0, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", OPEN, str(path), str(start)],
                            env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_creator_killed_midway_leaves_no_empty_archive(tmp_path):
    path = tmp_path / "archive.db"
    child = open_in_child(path, env={"MEDBORGARLOFTEN_KILL_AT": "archive_new:1"})
    child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert not path.exists()   # only the creator's temporary file is left
    db = open_db(path)   # before: "filen är tom (0 byte)", for good
    assert "pages" in db.table_names()
    db.close()


@pytest.mark.slow  # six processes per round
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_processes_creating_one_archive_at_once_all_open_it(tmp_path, round_):
    path = tmp_path / "archive.db"
    start = time.time() + 1.5   # every child has imported the archive module by then
    children = [open_in_child(path, start) for _ in range(PROCESSES)]
    errors = [child.communicate(timeout=120)[1] for child in children]
    assert [child.returncode for child in children] == [0] * PROCESSES, errors
    db = open_db(path)
    assert db["kept"].count == PROCESSES
    db.close()


def test_a_zero_byte_file_is_still_refused(tmp_path):
    path = tmp_path / "archive.db"
    path.write_bytes(b"")
    with pytest.raises(ArchiveError, match="filen är tom"):
        open_db(path)
