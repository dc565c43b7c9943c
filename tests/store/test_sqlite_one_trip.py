"""SQLite's statements make one trip each to the connection's thread (store/sqlite_one_trip.py),
with the same results, row counts, transactions and errors as aiosqlite's own cursors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import exc, text
from sqlalchemy.ext.asyncio import AsyncEngine

from hospital_bff.store.db import create_engine
from hospital_bff.store.sqlite_one_trip import OneTripConnection


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/one.db", pool_size=2)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
    yield engine
    await engine.dispose()


class Trips:
    """Counts the calls queued for connections' threads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        queue = OneTripConnection._execute

        async def counted(connection: OneTripConnection, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.count += 1
            return await queue(connection, fn, *args, **kwargs)

        monkeypatch.setattr(OneTripConnection, "_execute", counted)


async def test_results_row_counts_and_errors_are_sqlite3s(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        inserted = await conn.execute(text("INSERT INTO t (v) VALUES ('a')"))
        assert inserted.lastrowid == 1
        await conn.execute(text("INSERT INTO t (v) VALUES (:v)"), [{"v": "b"}, {"v": "c"}])
        rows = (await conn.execute(text("SELECT id, v FROM t ORDER BY id"))).all()
        assert [tuple(r) for r in rows] == [(1, "a"), (2, "b"), (3, "c")]
        updated = await conn.execute(text("UPDATE t SET v = v || '!' WHERE id > 1"))
        assert updated.rowcount == 2
        returned = await conn.execute(text("DELETE FROM t WHERE id = 3 RETURNING v"))
        assert returned.scalar_one() == "c!"
        assert (await conn.execute(text("SELECT v FROM t WHERE id = 9"))).first() is None
    with pytest.raises(exc.IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (v) VALUES ('a')"))
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one() == 2


async def test_a_rolled_back_write_is_gone(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("INSERT INTO t (v) VALUES ('x')"))
        await conn.rollback()
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0


async def test_a_statement_is_one_trip_and_a_read_commits_without_one(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with engine.connect() as conn:  # the pool's connection, opened before counting
        await conn.execute(text("SELECT 1"))
    trips = Trips(monkeypatch)
    async with engine.begin() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0
    # The statement; nothing to commit, and nothing for the pool to roll back.
    assert trips.count == 1
    trips.count = 0
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO t (v) VALUES ('y')"))
    # The statement and the commit (the pool's rollback after it has nothing to do).
    assert trips.count == 2
