"""One writer of a SQLite file at a time in this process, handed over at once, in turn.

SQLite lets one connection write at a time; another that wants to write waits in SQLite's busy
handler, which sleeps and looks again (1, 2, 5, 10 ... up to 100 ms between looks). In a
slot-release burst on the embedded default, twenty bookings wanted to write at once: 2,000
statements spent 56 s asleep in that handler (about 114 ms each of the 492 that waited), while
the lock they waited for was free most of that time, and the places sold at 20-30 a second.

Here the connections of this process that are about to write queue for the file in Python
instead: the one before them hands the turn over as its transaction ends (commit, rollback),
and the next is woken at once on its own event loop (the API's, or a job thread's). SQLite's
own lock is still the arbiter (another process, a statement this queue does not recognise as
a write, a cancelled statement still running in its thread all fall back to the busy
handler); the queue only spares the sleeping. Its wait is bounded like SQLite's: past the
connection's busy timeout the statement fails as SQLite's would, "database is locked".
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import threading
from collections import deque
from typing import Final

# The statements before which sqlite3 opens a transaction of its own (legacy transaction
# control, as SQLAlchemy's pysqlite dialects use it): the first write of a transaction.
_WRITE: Final = re.compile(r"\s*(?:INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def is_write(sql: str) -> bool:
    return _WRITE.match(sql) is not None


class WriterQueue:
    """A lock for one database file, shared by the event loops of this process's threads,
    granted in the order asked and handed to the next waiter directly on release."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]] = deque()

    @property
    def held(self) -> bool:
        return self._held

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    async def acquire(self, wait_seconds: float) -> None:
        """The turn, or `sqlite3.OperationalError("database is locked")` after `wait_seconds`."""
        loop = asyncio.get_running_loop()
        with self._mutex:
            if not self._held:
                self._held = True
                return
            waiter: asyncio.Future[None] = loop.create_future()
            entry = (loop, waiter)
            self._waiters.append(entry)
        try:
            await asyncio.wait_for(asyncio.shield(waiter), wait_seconds)
        except BaseException as exc:
            with self._mutex:
                queued = entry in self._waiters
                if queued:
                    self._waiters.remove(entry)
            if not queued:
                # The turn was handed over meanwhile (or is on its way): pass it on.
                waiter.add_done_callback(lambda _: self.release())
            if isinstance(exc, TimeoutError):
                raise sqlite3.OperationalError("database is locked") from exc
            raise

    def release(self) -> None:
        with self._mutex:
            if not self._waiters:
                self._held = False
                return
            loop, waiter = self._waiters.popleft()
        # Held on behalf of the next one from here on; it wakes on its own loop.
        try:
            loop.call_soon_threadsafe(_hand_over, waiter)
        except RuntimeError:  # its loop is closed: nobody is waiting there any more
            self.release()


def _hand_over(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


_queues: dict[str, WriterQueue] = {}
_queues_lock = threading.Lock()


def writer_queue(database: str) -> WriterQueue:
    """The queue of the file `database` names (one per file, whatever the spelling)."""
    key = os.path.realpath(database)
    with _queues_lock:
        queue = _queues.get(key)
        if queue is None:
            queue = _queues[key] = WriterQueue()
        return queue
