"""Datasette's table counts and schema lookups: read once per archive change."""

from __future__ import annotations

import asyncio
import sqlite_utils

from crawler.web.counts import CountCachingDatabase
from crawler.web.serving import datasette_instance
from serve_fixtures import build_serve_archive


def test_counts_are_cached_until_the_archive_changes(tmp_path):
    path = build_serve_archive(tmp_path / "archive.db")
    datasette = datasette_instance(path)

    async def scenario():
        await datasette.invoke_startup()
        db = datasette.get_database("archive")
        assert isinstance(db, CountCachingDatabase)
        first = await db.table_counts()
        await datasette.client.get("/archive")   # the first views read the schema
        await datasette.client.get("/archive/commitments?_facet=kind")
        queries = []
        datasette_execute = CountCachingDatabase.__mro__[1].execute

        async def counting(self, sql, *args, **kwargs):
            queries.append(sql)
            return await datasette_execute(self, sql, *args, **kwargs)

        CountCachingDatabase.__mro__[1].execute = counting
        try:
            page = await datasette.client.get("/archive")
            assert page.status_code == 200 and "commitments" in page.text
            table = await datasette.client.get("/archive/commitments?_facet=kind")
            assert table.status_code == 200 and "promise" in table.text
            assert not [q for q in queries if "count(*)" in q or "collate nocase" in q]
            writer = sqlite_utils.Database(path)
            writer["alerts"].insert({"run_id": 1, "kind": "test", "message": "testlarm"})
            writer.close()
            again = await db.table_counts()
        finally:
            CountCachingDatabase.__mro__[1].execute = datasette_execute
        assert again["alerts"] == first["alerts"] + 1

    asyncio.run(scenario())


def test_index_and_database_pages_are_served_again_until_the_archive_changes(tmp_path):
    path = build_serve_archive(tmp_path / "archive.db")
    datasette = datasette_instance(path)

    async def scenario():
        await datasette.invoke_startup()
        first = await datasette.client.get("/archive")
        assert first.status_code == 200 and "nytt_testbord" not in first.text
        again = await datasette.client.get("/archive")
        assert again.text == first.text
        writer = sqlite_utils.Database(path)
        writer["nytt_testbord"].insert({"id": 1})
        writer.close()
        changed = await datasette.client.get("/archive")
        assert "nytt_testbord" in changed.text
        home = await datasette.client.get("/")
        assert home.status_code == 200

    asyncio.run(scenario())
