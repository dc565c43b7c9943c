"""Reads on PostgreSQL run outside a transaction (services/uow.py, `reads`): one round trip
each, not BEGIN, the read and ROLLBACK; and the connection goes back to the pool as it was."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from conftest import POSTGRES_URL, require_service
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.store.db import create_engine, session_factory


async def in_transaction(session: AsyncSession) -> bool:
    raw: Any = await (await session.connection()).get_raw_connection()
    return bool(raw.driver_connection.is_in_transaction())


async def test_reads_take_no_transaction_and_leave_the_pool_as_it_was() -> None:
    require_service("PostgreSQL", "127.0.0.1", 5432)
    engine = create_engine(POSTGRES_URL, pool_size=1)
    runtime = cast(Runtime, SimpleNamespace(engine=engine, sessions=session_factory(engine)))
    try:
        async with uow.reads(runtime) as session:
            assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
            assert not await in_transaction(session), "a read alone is its own transaction"
        # The same (one) kept connection, back at the pool's level: a unit is one transaction.
        async with uow.unit_of_work(runtime) as session:
            await session.execute(text("SELECT 1"))
            assert await in_transaction(session), "a unit of work is one transaction"
    finally:
        await engine.dispose()
