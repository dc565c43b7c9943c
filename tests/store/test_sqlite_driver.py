"""store/sqlite_driver.py: the embedded default's SQLite connections make one trip to their
thread a read, none for a commit or rollback with no transaction open nor for a writer's
statements once it holds the write lock, and behave as aiosqlite's do: rows, row counts and
inserted ids, errors from the statement that failed, a rollback that undoes, a second writer
that waits for the first (the writers' queue: tests/store/test_sqlite_writers.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite.core
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from hospital_bff.store.db import create_engine
from hospital_bff.store.sqlite_driver import PrefetchingConnection


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    made = create_engine(f"sqlite+aiosqlite:///{tmp_path}/driver.db")
    async with made.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield made
    await made.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every call made in a connection's thread, by the name of what it ran."""
    made: Counter[str] = Counter()
    execute = aiosqlite.core.Connection._execute

    async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        made[getattr(fn, "__name__", "?")] += 1
        return await execute(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
    return made


async def test_a_statement_is_one_trip_and_an_idle_rollback_none(
    engine: AsyncEngine, trips: Counter[str]
) -> None:
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert isinstance(raw, PrefetchingConnection)
        trips.clear()
        rows = (await conn.execute(text("SELECT 1, 'a' UNION ALL SELECT 2, 'b'"))).all()
    assert [tuple(r) for r in rows] == [(1, "a"), (2, "b")]
    assert trips == Counter(run=1), "one trip; the pool's rollback of a read makes none"

    # A unit that writes while nobody else does: its first write finds SQLite's lock free at
    # once, so it and the rest run here, without a trip (sqlite_writers.py).
    trips.clear()
    async with engine.begin() as conn:
        inserted = await conn.execute(text("INSERT INTO t (name) VALUES ('x')"))
        assert inserted.rowcount == 1
        assert inserted.lastrowid == 1
        many = await conn.execute(
            text("INSERT INTO t (name) VALUES (:name)"), [{"name": "y"}, {"name": "z"}]
        )
        assert many.rowcount == 2
        updated = await conn.execute(text("UPDATE t SET name = name || '!' WHERE id > 1"))
        assert updated.rowcount == 2
    assert trips == Counter()


async def test_errors_and_rollbacks_are_as_before(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO t (name) VALUES ('kept')"))

    async def failing_unit() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (name) VALUES ('gone')"))
            await conn.execute(text("INSERT INTO t (name) VALUES ('kept')"))  # raises here

    with pytest.raises(IntegrityError):
        await failing_unit()
    async with engine.connect() as conn:
        names = (await conn.execute(text("SELECT name FROM t ORDER BY id"))).scalars().all()
    assert names == ["kept"], "the failed unit's first insert was rolled back"
