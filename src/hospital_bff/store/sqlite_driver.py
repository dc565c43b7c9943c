"""The embedded default's SQLite connections: one trip to the connection's thread a statement.

aiosqlite runs each call of the sqlite3 API in the connection's own thread, and SQLAlchemy's
adapter makes four such calls a statement: open a cursor, execute, fetch every row, close the
cursor. Each trip is a hand-over to the thread and back (a queue, a wake-up, the event loop's
self-pipe, a greenlet switch): measured at ~0.2 ms of CPU, several times what SQLite spends on
an indexed statement, and most of a short unit's cost (an expiry's, a pushed notice's).

Here a cursor is only a record of its last statement: `execute` runs the statement, reads
its rows (all of them, as SQLAlchemy's non-streaming adapter does next anyway), its
description, row count and last row id, and closes the sqlite3 cursor, in one trip; fetching
and closing are then local, and a commit or rollback with no transaction open (sqlite3 knows,
`in_transaction`) makes no trip. Nothing else changes: the same thread, the same sqlite3
connection and its transaction (commits and rollbacks are still the connection's own trips),
the same errors, raised from the same call. A connection about to write first waits for its
turn among this process's writers of the file (sqlite_writers.py), instead of asleep in
SQLite's busy handler.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import aiosqlite

from hospital_bff.store.sqlite_writers import WriterQueue, is_write, writer_queue

# What a statement left: its rows, description, row count and last row id.
_Ran = tuple[list[Any], Any, int, int | None]


class _Cursor:
    """aiosqlite's Cursor as SQLAlchemy's adapter uses it, whose `execute` is one trip."""

    def __init__(self, connection: PrefetchingConnection) -> None:
        self._connection = connection
        self._rows: deque[Any] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def __aenter__(self) -> _Cursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> _Cursor:
        return await self._run(False, sql, () if parameters is None else parameters)

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> _Cursor:
        return await self._run(True, sql, parameters)

    async def _run(self, many: bool, sql: str, parameters: Any) -> _Cursor:
        """The statement, its rows read and its sqlite3 cursor closed, in one trip."""
        conn = self._connection.sqlite()

        def run() -> _Ran:
            cursor = conn.cursor()
            try:
                if many:
                    cursor.executemany(sql, parameters)
                else:
                    cursor.execute(sql, parameters)
                rows = cursor.fetchall() if cursor.description is not None else []
                return rows, cursor.description, cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        connection = self._connection
        if not connection.writing and is_write(sql):
            await connection.take_writer_turn()
        try:
            if connection.reserved:
                # This connection writes the file now (its first write took SQLite's write
                # lock): what follows, until the commit, waits for nobody.
                self._keep(run())
                return self
            ran = connection.first_write_at_once(run) if connection.writing else None
            if ran is None:
                ran = await connection._execute(run)  # type: ignore[no-untyped-call]
            self._keep(ran)
            connection.note_reserved()
        finally:
            connection.end_writer_turn_if_done()
        return self

    def _keep(self, ran: _Ran) -> None:
        rows, self.description, self.rowcount, self.lastrowid = ran
        self._rows = deque(rows)

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = self.arraysize if size is None else size
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()

    async def setinputsizes(self, *_sizes: Any) -> None:
        return None


class PrefetchingConnection(aiosqlite.Connection):  # type: ignore[misc]
    """aiosqlite's connection (its thread, its sqlite3 connection), with `_Cursor`s, that
    queues with this process's other writers of its file (sqlite_writers.py)."""

    def __init__(self, connector: Any, iter_chunk_size: int, *, writers: WriterQueue) -> None:
        super().__init__(connector, iter_chunk_size)
        self._writers = writers
        self._busy_timeout = 30.0
        # Whether this connection holds its file's writer turn (from its first write until
        # its transaction ends), and whether that write has taken SQLite's own write lock.
        self.writing = False
        self.reserved = False

    def cursor(self) -> _Cursor:  # type: ignore[override]
        return _Cursor(self)

    async def take_writer_turn(self) -> None:
        await self._writers.acquire(self._busy_timeout)
        self.writing = True

    def first_write_at_once(self, run: Callable[[], _Ran]) -> _Ran | None:
        """The turn's first write, here, if SQLite's write lock is free at once; None if
        another process holds it (nothing was done: the caller waits for it in the thread).

        A hand-over to the thread and back costs two turns of a busy event loop, which the
        whole process's writers would wait for; a write that finds the lock free takes tens
        of microseconds."""
        conn = self.sqlite()
        if conn.in_transaction:
            return None  # not this statement's own transaction: the thread, as ever
        conn.execute("PRAGMA busy_timeout=0")
        try:
            return run()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if conn.in_transaction:
                conn.rollback()  # only sqlite3's own BEGIN before this statement
            return None
        finally:
            conn.execute(f"PRAGMA busy_timeout={int(self._busy_timeout * 1000)}")

    def note_reserved(self) -> None:
        """After a statement in the thread: if it opened this turn's transaction, SQLite's
        write lock is this connection's until the commit or rollback."""
        self.reserved = self.writing and self._open_transaction_now()

    def end_writer_turn_if_done(self) -> None:
        """Hand the turn on once no transaction is open (committed, rolled back, or a write
        that opened none). Called when no call of this connection is under way."""
        if self.writing and not self._open_transaction_now():
            self._end_writer_turn()

    def _end_writer_turn(self) -> None:
        self.writing = self.reserved = False
        self._writers.release()

    async def commit(self) -> None:
        try:
            if self.reserved:
                self.sqlite().commit()  # the write lock is held: nothing to wait for
            elif self._open_transaction():
                await super().commit()
        finally:
            self.end_writer_turn_if_done()

    async def rollback(self) -> None:
        # Every connection given back to the pool is rolled back, and every session's end
        # rolls back too: after a commit, or reads only, there is nothing to roll back, and
        # sqlite3 says so without a trip (no other call of this connection is under way).
        try:
            if self.reserved:
                self.sqlite().rollback()
            elif self._open_transaction():
                await super().rollback()
        finally:
            self.end_writer_turn_if_done()

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            if self.writing:
                self._end_writer_turn()

    def _open_transaction_now(self) -> bool:
        conn = self._connection
        return conn is not None and conn.in_transaction

    def _open_transaction(self) -> bool:
        conn = self._connection
        return conn is None or conn.in_transaction

    def sqlite(self) -> sqlite3.Connection:
        conn = self._connection
        if conn is None:
            raise ValueError("no active connection")
        return conn


async def open_connection(database: str, **kwargs: Any) -> PrefetchingConnection:
    """`aiosqlite.connect(database, **kwargs)`, opened, as a `PrefetchingConnection` (its
    thread a daemon, as SQLAlchemy makes aiosqlite's)."""

    def connector() -> sqlite3.Connection:
        conn: sqlite3.Connection = sqlite3.connect(database, **kwargs)
        return conn

    connection = PrefetchingConnection(connector, 64, writers=writer_queue(database))
    connection._busy_timeout = float(kwargs.get("timeout", 5.0))
    connection._thread.daemon = True
    await connection  # starts its thread and opens the sqlite3 connection there
    return connection
