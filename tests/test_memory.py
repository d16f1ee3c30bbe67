"""crawler.web.memory: servers freeze their startup objects; nothing else does."""

import gc

from crawler.web import memory
from crawler.web.serving import server_command


def test_only_a_server_freezes_and_only_once(monkeypatch):
    monkeypatch.setattr(memory, "_settled", False)
    monkeypatch.delenv(memory.SERVER_ENV, raising=False)
    assert memory.settle_after_startup() is False
    assert gc.get_freeze_count() == 0
    monkeypatch.setenv(memory.SERVER_ENV, "1")
    try:
        assert memory.settle_after_startup() is True
        assert gc.get_freeze_count() > 1000
        assert memory.settle_after_startup() is False
    finally:
        gc.unfreeze()


def test_serve_marks_both_kinds_of_server(tmp_path):
    for workers in (1, 2):
        command, env = server_command(tmp_path / "archive.db", "127.0.0.1", 8001, workers)
        assert env[memory.SERVER_ENV] == "1"
        assert ("crawler.web.workers" in command) == (workers > 1)
