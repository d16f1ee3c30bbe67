"""Table counts, schema facts and the all-tables pages of Datasette, once per archive change.

Datasette recounts every table of a writable database on each view of
``/`` and ``/archive`` (one ``count(*)`` each, about sixty tables with the
FTS shadow tables) and looks up each table's columns, keys and FTS table
again on every page: 270 queries and 250 ms per view at 20,000
commitments, and counts cut off at 5–10 ms each come out blank at 100,000.
This Database answers them, and every count query (a table page's row
count and facet counts), from a cache kept until the archive file or its
WAL changes (a crawl or normalize wrote to it); table counts are taken
with a generous time limit.
"""

from __future__ import annotations

import os

from datasette.database import Database

COUNT_TIME_LIMIT_MS = 2000
SCHEMA_LOOKUP = "select name from sqlite_master"
MAX_CACHED_COUNTS = 1000   # count and facet queries kept per process (oldest dropped)


def _key(params) -> tuple:
    if isinstance(params, dict):
        return tuple(sorted((k, str(v)) for k, v in params.items()))
    return tuple(params or ())


class CountCachingDatabase(Database):
    """A writable database whose counts and schema facts are cached until the file changes."""

    _cache: dict | None = None
    _cached_at: tuple | None = None

    async def _cached(self, method: str, *args):
        state = self._file_state()
        if self._cache is None or self._cached_at != state:
            self._cache, self._cached_at = {}, state
        key = (method, *args)
        if key not in self._cache:
            self._cache[key] = await getattr(Database, method)(self, *args)
        return self._cache[key]

    async def execute(self, sql, params=None, *args, **kwargs):
        """Schema lookups (Datasette checks each table's name in sqlite_master on
        every permission check: one query per table on the database page), and
        counts (a table page's row count, its facet counts) until the file changes."""
        lowered = sql.lstrip().lower()
        if lowered.startswith(SCHEMA_LOOKUP):
            return await self._cached("execute", sql, _key(params))
        if "count(*)" in lowered:
            return await self._counted(sql, params, *args, **kwargs)
        return await super().execute(sql, params, *args, **kwargs)

    async def _counted(self, sql, params, *args, **kwargs):
        state = self._file_state()
        if self._cache is None or self._cached_at != state:
            self._cache, self._cached_at = {}, state
        key = ("count", sql, _key(params))
        if key not in self._cache:
            counts = [k for k in self._cache if k[0] == "count"]
            for old in counts[:max(0, len(counts) - MAX_CACHED_COUNTS + 1)]:
                del self._cache[old]
            self._cache[key] = await super().execute(sql, params, *args, **kwargs)
        return self._cache[key]

    async def table_counts(self, limit=10):
        return await self._cached("table_counts", max(limit, COUNT_TIME_LIMIT_MS))

    async def table_exists(self, table):
        return await self._cached("table_exists", table)

    async def table_names(self):
        return await self._cached("table_names")

    async def table_columns(self, table):
        return await self._cached("table_columns", table)

    async def table_column_details(self, table):
        return await self._cached("table_column_details", table)

    async def primary_keys(self, table):
        return await self._cached("primary_keys", table)

    async def fts_table(self, table):
        return await self._cached("fts_table", table)

    async def label_column_for_table(self, table):
        return await self._cached("label_column_for_table", table)

    async def foreign_keys_for_table(self, table):
        return await self._cached("foreign_keys_for_table", table)

    async def hidden_table_names(self):
        return await self._cached("hidden_table_names")

    async def view_names(self):
        return await self._cached("view_names")

    async def get_all_foreign_keys(self):
        return await self._cached("get_all_foreign_keys")

    def _file_state(self) -> tuple:
        state = []
        for path in (self.path, f"{self.path}-wal"):
            try:
                stat = os.stat(path)
                state.append((stat.st_mtime_ns, stat.st_size))
            except OSError:
                state.append(None)
        return tuple(state)


def cache_table_counts(datasette) -> None:
    """Replace each writable file database of ``datasette`` by a CountCachingDatabase."""
    for name, db in list(datasette.databases.items()):
        if db.path and db.is_mutable and not isinstance(db, CountCachingDatabase):
            route = db.route
            datasette.remove_database(name)
            datasette.add_database(CountCachingDatabase(datasette, path=db.path), name=name,
                                   route=route)


# Pages that list every table: Datasette checks each table's permissions
# against a deep copy of the whole metadata (1.2 ms a table, ~60 tables),
# so these two are served from a copy kept until the archive changes.
CACHED_PAGES = ("/", "/.json")


class PageCache:
    """ASGI wrapper: whole responses of the index and database pages, per archive state."""

    def __init__(self, app, datasette):
        self.app, self.datasette = app, datasette
        self.pages: dict[tuple, tuple[dict, list]] = {}

    def _cacheable(self, scope) -> bool:
        if scope["type"] != "http" or scope.get("method") != "GET" \
                or scope.get("query_string"):
            return False
        path = scope["path"]
        databases = {f"/{db.route}" for db in self.datasette.databases.values()}
        return path in CACHED_PAGES or path in databases \
            or path in {f"{d}.json" for d in databases}

    def _state(self) -> tuple:
        return tuple(db._file_state() for db in self.datasette.databases.values()
                     if isinstance(db, CountCachingDatabase))

    async def __call__(self, scope, receive, send):
        if not self._cacheable(scope):
            return await self.app(scope, receive, send)
        key = (scope["path"], self._state())
        if key not in self.pages:
            events: list = []

            async def keep(event):
                events.append(event)
                await send(event)

            await self.app(scope, receive, keep)
            if events and events[0].get("status") == 200:
                self.pages = {k: v for k, v in self.pages.items() if k[1] == key[1]}
                self.pages[key] = events
            return
        for event in self.pages[key]:
            await send(event)
