"""The scheduler's lease: of all the processes running the scheduler loop, one runs the sweeps.

On PostgreSQL the lease is a session advisory lock, held on a connection of its own for as
long as its process lives: the server frees it the moment that process (or its connection)
dies, and another takes it at its next tick. It needs the database only, which the sweeps need
anyway, so a Redis outage stops no sweep. On SQLite there is one process (the embedded
default), which always holds it.
"""

from __future__ import annotations

import contextlib
from typing import Protocol

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = structlog.get_logger(__name__)

# pg_advisory_lock's one bigint; distinct from the migrations' (store/migrate.py). "bffsched".
SCHEDULER_LOCK_KEY = 0x62_66_66_73_63_68_65_64


class SchedulerLease(Protocol):
    async def hold(self) -> bool:
        """True while this process holds the lease, taking it when it is free."""
        ...

    async def release(self) -> None:
        """Give the lease up (at a graceful stop), so another takes it at once."""
        ...


class SingleProcessLease:
    """SQLite: the only process there is holds it."""

    async def hold(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class PostgresLease:
    """A session advisory lock on a connection kept for the purpose."""

    def __init__(self, engine: AsyncEngine, key: int = SCHEDULER_LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self._conn: AsyncConnection | None = None

    async def hold(self) -> bool:
        if self._conn is not None:
            try:
                # The lock lives as long as the session: a session that answers still holds it.
                await self._conn.execute(text("SELECT 1"))
                return True
            except Exception:
                log.warning("scheduler_lease_lost")
                await self._drop()
                return False
        conn = await self.engine.connect()
        try:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            taken = bool(
                await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
            )
        except BaseException:
            await conn.close()
            raise
        if not taken:
            await conn.close()
            return False
        self._conn = conn
        log.info("scheduler_lease_taken")
        return True

    async def release(self) -> None:
        if self._conn is None:
            return
        try:
            await self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        except Exception:
            log.warning("scheduler_lease_release_failed")  # closing the session frees it anyway
        await self._drop()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.close()
            except Exception:
                with contextlib.suppress(Exception):
                    await conn.invalidate()


def lease_for(engine: AsyncEngine) -> SchedulerLease:
    if engine.dialect.name == "postgresql":
        return PostgresLease(engine)
    return SingleProcessLease()
