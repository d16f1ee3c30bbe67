"""Workers share one listening socket and take turns by load: least connections.

With a socket per worker (SO_REUSEPORT) the kernel places each connection by a
hash of its addresses. Browsers and the bench keep connections open, so where
a connection lands is where all its requests are served: 8 keep-alive clients
split 4/4 over two workers in only 4 of 10 trials (3/5, 2/6, even 1/7 in the
others), and the worker holding more connections queued its requests longer
(`docs/performance.md`).

Here every worker waits on the same socket, and one takes a new connection
only if no other serving worker holds fewer open connections. The counts are
in a small table shared by the workers (an anonymous file every worker
maps, one slot each: open connections + 1, 0 = not serving). A worker that
holds more defers for a millisecond and looks again; after MAX_DEFER it takes
the connection anyway (the others may all be busy with long requests).
Exactly one worker accepts each connection: the others find the queue empty.

uvicorn serves the accepted connections with its own protocol, built as its
`Server.startup` builds it; uvicorn itself is given no socket.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import mmap
import os
import socket
import tempfile

import uvicorn

DEFER_SECONDS = 0.001
MAX_DEFER_SECONDS = 0.05
# accept() failures that mean "not now" (out of descriptors or memory): pause
PAUSE_ERRORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
PAUSE_SECONDS = 1.0
SLOT = 8   # bytes per worker

logger = logging.getLogger("medborgarloften.workers")


def connection_table(workers: int) -> int:
    """A zeroed table for ``workers`` slots; returns its file descriptor (for
    the workers to inherit: ``pass_fds``)."""
    table = tempfile.TemporaryFile()
    table.truncate(SLOT * workers)
    return os.dup(table.fileno())


class ConnectionCounts:
    """One worker's view of the shared table of open connections."""

    def __init__(self, fd: int, slot: int):
        self.map = mmap.mmap(fd, 0)
        self.counts = memoryview(self.map).cast("q")
        self.slot = slot

    def publish(self, open_connections: int | None) -> None:
        """This worker's open connections (None: not serving)."""
        self.counts[self.slot] = 0 if open_connections is None else open_connections + 1

    def busier_than_another(self, open_connections: int) -> bool:
        """Whether some other serving worker holds fewer open connections."""
        return any(0 < held <= open_connections
                   for slot, held in enumerate(self.counts) if slot != self.slot)

    def clear(self, slot: int) -> None:
        """Mark a worker that ended as not serving (by its supervisor)."""
        self.counts[slot] = 0


class BalancedServer(uvicorn.Server):
    """A uvicorn server that accepts from a shared socket by least connections."""

    def __init__(self, config: uvicorn.Config, listener: socket.socket,
                 counts: ConnectionCounts):
        super().__init__(config)
        self.listener, self.counts = listener, counts
        self.accepting = False
        self.pending = 0              # accepted, not yet handed to uvicorn
        self.deferred_since: float | None = None

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets=[])    # lifespan and state; no socket of its own
        self.loop = asyncio.get_running_loop()
        self.listener.setblocking(False)
        self._publish()
        self._resume()

    async def shutdown(self, sockets=None) -> None:
        self._pause()
        self.counts.publish(None)
        await super().shutdown(sockets=sockets)

    def _open(self) -> int:
        return len(self.server_state.connections) + self.pending

    def _publish(self) -> None:
        self.counts.publish(self._open())

    def _resume(self) -> None:
        if not self.accepting and not self.should_exit:
            self.loop.add_reader(self.listener.fileno(), self._ready)
            self.accepting = True

    def _pause(self, seconds: float | None = None) -> None:
        if self.accepting:
            self.loop.remove_reader(self.listener.fileno())
            self.accepting = False
        if seconds is not None:
            self.loop.call_later(seconds, self._resume)

    def _ready(self) -> None:
        """A connection waits on the shared socket."""
        if self.counts.busier_than_another(self._open()):
            now = self.loop.time()
            if self.deferred_since is None or now - self.deferred_since > 2 * MAX_DEFER_SECONDS:
                self.deferred_since = now      # a new connection (a deferral polls every ms)
            if now - self.deferred_since < MAX_DEFER_SECONDS:
                self._pause(DEFER_SECONDS)
                return
        self.deferred_since = None
        try:
            connection, _ = self.listener.accept()
        except (BlockingIOError, InterruptedError):
            return                    # another worker took it
        except OSError as exc:
            if exc.errno not in PAUSE_ERRORS:
                raise
            logger.warning("accept: %s; pausing %.0f s", exc, PAUSE_SECONDS)
            self._pause(PAUSE_SECONDS)
            return
        connection.setblocking(False)
        self.pending += 1
        self._publish()
        self.loop.create_task(self._hand_over(connection))

    async def _hand_over(self, connection: socket.socket) -> None:
        try:
            await self.loop.connect_accepted_socket(self._protocol, connection)
        except OSError:
            connection.close()
        finally:
            self.pending -= 1
            self._publish()

    def _protocol(self) -> asyncio.Protocol:
        """uvicorn's HTTP protocol, as its Server.startup makes it; the count is
        published again when the connection closes."""
        protocol = self.config.http_protocol_class(
            config=self.config, server_state=self.server_state,
            app_state=self.lifespan.state, _loop=self.loop)
        lost = protocol.connection_lost

        def connection_lost(exc):
            lost(exc)
            self._publish()

        protocol.connection_lost = connection_lost
        return protocol
