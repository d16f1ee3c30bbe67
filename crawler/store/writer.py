"""The one thread of a crawl process that writes to the archive.

The archive pipeline of every spider and the navigation-page store submit
their writes here, so writes never interleave (SQLite would refuse a write
whose transaction read before another connection's commit) and the reactor
keeps downloading and parsing while a page's text is extracted and stored.
Each writer opens its own connection on this thread.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

WRITER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-writer")
