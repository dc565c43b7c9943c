"""SQLite for the embedded default: each statement one trip to the connection's thread.

aiosqlite runs a connection's calls on a thread of its own, one call per trip (a queue put, a
wake-up, a result handed back to the event loop). SQLAlchemy's aiosqlite adapter makes four
trips of every statement (open a cursor, execute, fetch all rows, close the cursor). Profiled
under a burst of bookings, those trips were a fifth of a booking's CPU. The cursor here does
the four in one trip: it runs the statement, reads its rows, its description, row count and
last row id, and closes the sqlite3 cursor, all on the connection's thread, then hands back
what SQLAlchemy reads. Statements, transactions and errors are sqlite3's own, unchanged; only
the number of trips differs. A commit or rollback is one trip, and none when sqlite3 has no
transaction open (it would do nothing).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_

_Outcome = tuple[Any, int, int | None, list[Any]]


def _run(conn: sqlite3.Connection, many: bool, sql: str, parameters: Any) -> _Outcome:
    """On the connection's thread: the whole statement, its rows read, its cursor closed."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        else:
            cursor.execute(sql, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor:
    """The part of a cursor SQLAlchemy's adapter uses, its rows read in the statement's trip."""

    __slots__ = ("_connection", "_rows", "arraysize", "description", "lastrowid", "rowcount")

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: list[Any] = []
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _statement(self, many: bool, sql: str, parameters: Any) -> OneTripCursor:
        connection = self._connection
        outcome: _Outcome = await connection._execute(  # type: ignore[no-untyped-call]
            _run, connection._conn, many, sql, parameters
        )
        self.description, self.rowcount, self.lastrowid, self._rows = outcome
        return self

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> OneTripCursor:
        return await self._statement(False, sql, [] if parameters is None else parameters)

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> OneTripCursor:
        return await self._statement(True, sql, parameters)

    async def fetchall(self) -> Sequence[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        size = self.arraysize if size is None else size
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def close(self) -> None:
        self._rows = []


class OneTripConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors make one trip a statement, and which makes no
    trip to commit or roll back when no transaction is open (sqlite3 would do nothing: a
    unit that only read, or the pool's rollback of a connection whose unit committed)."""

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    def _idle(self) -> bool:
        # Read between statements: the connection's thread runs nothing for it meanwhile.
        connection = self._connection
        try:
            return connection is not None and not connection.in_transaction
        except sqlite3.ProgrammingError:  # a connection bound to its thread: ask it there
            return False

    async def commit(self) -> None:
        if not self._idle():
            await super().commit()

    async def rollback(self) -> None:
        if not self._idle():
            await super().rollback()


class OneTripDbapi(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI module, connecting with `OneTripConnection`."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        if kw.get("async_creator_fn") is not None:
            return super().connect(*arg, **kw)
        kw.pop("async_creator_fn", None)
        database, *rest = arg
        connector: Callable[[], sqlite3.Connection] = partial(
            sqlite3.connect, str(database), *rest, **kw
        )
        connection = OneTripConnection(connector, 64)
        connection._thread.daemon = True
        return AsyncAdapt_aiosqlite_connection(self, await_(connection))  # type: ignore[arg-type]
