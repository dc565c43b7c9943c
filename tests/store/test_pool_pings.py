"""A kept PostgreSQL connection is pinged when it lay idle in the pool, not at every checkout
(store/db.py, `_ping_when_idle`): a dead one is replaced, a busy one costs no round trips."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection

from conftest import POSTGRES_URL, require_service
from hospital_bff.store import db


@pytest.fixture
def pings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    counted: list[int] = []
    ping = AsyncAdapt_asyncpg_connection.ping

    def counting(self: Any) -> None:
        counted.append(1)
        ping(self)

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", counting)
    return counted


async def backend_pid(engine: Any) -> int:
    async with engine.connect() as conn:
        pid: int = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        return pid


async def test_a_connection_in_steady_use_is_not_pinged(pings: list[int]) -> None:
    engine = db.create_engine(POSTGRES_URL, pool_size=1)
    try:
        pids = {await backend_pid(engine) for _ in range(5)}
        assert len(pids) == 1, "the one kept connection served every checkout"
        assert pings == [], "checked out again at once: no round trips to ping it"
    finally:
        await engine.dispose()


async def test_an_idle_connection_is_pinged_and_a_dead_one_replaced(
    pings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = db.create_engine(POSTGRES_URL, pool_size=1)
    other = db.create_engine(POSTGRES_URL, pool_size=1)
    try:
        kept = await backend_pid(engine)
        # Any time in the pool counts as idle now; the server ends the kept connection (the
        # timeout, in ms, waits for the backend to be gone rather than only signalling it).
        monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)
        async with other.connect() as conn:
            ended = await conn.scalar(
                text("SELECT pg_terminate_backend(:pid, 30000)"), {"pid": kept}
            )
        assert ended, "the kept connection's backend ended"
        fresh = await backend_pid(engine)
        assert pings, "the idle connection was pinged"
        assert fresh != kept, "the dead connection was replaced, and nothing failed"
    finally:
        await engine.dispose()
        await other.dispose()
