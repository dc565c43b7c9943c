"""A server's connections to PostgreSQL and Redis, opened at start instead of by its first burst.

Both pools open a connection when a request first finds none free. A server that starts just
before a schedule's release (a deploy, a restart, a new process added for the morning) then
opens them while the crowd waits: each PostgreSQL connection is a new backend process on the
database's side, a TLS offer refused and a log-in; each Redis connection two more round trips
(redis-py's CLIENT SETINFO); and the statements of the first bookings wait behind them
(bench/booking_burst.py: the first place was sold half a second into the burst). Opened here,
before start-up's objects are frozen (gc_pauses.py), they are also out of the collector's walks
for good, instead of promoted through its generations in the middle of the burst.

Only `hospital-bff serve` asks for it (`BFF_WARM_CONNECTIONS`): a test process builds and drops
many apps. A database or Redis that is away or slow at start is no reason not to start (the
readiness check says what is missing, and the pools open connections later as before): the
warm-up is given WARM_UP_SECONDS and logs what it could not open.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any, Final

import structlog
from redis.asyncio import BlockingConnectionPool
from redis.asyncio.connection import AbstractConnection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = structlog.get_logger(__name__)

WARM_UP_SECONDS: Final = 5.0


async def warm_database(engine: AsyncEngine, count: int) -> int:
    """Open `count` connections at once, never more than the pool keeps (store/db.py: what it
    opens beyond its size at a peak it closes when given back), and give them back. Returns
    how many were opened."""
    size = getattr(engine.pool, "size", None)
    if callable(size):
        count = min(count, size())
    async with AsyncExitStack() as stack:
        opened = await asyncio.gather(
            *(stack.enter_async_context(engine.connect()) for _ in range(count)),
            return_exceptions=True,
        )
        failed = [o for o in opened if isinstance(o, BaseException)]
        if failed:
            log.warning(
                "warm_database_incomplete", opened=count - len(failed), error=str(failed[0])
            )
        return count - len(failed)


async def warm_redis(redis: Redis, count: int) -> int:
    """Open `count` connections of a blocking pool (cache.py), all held at once so that each is
    a new one, and give them back; a client without one (the embedded default's in-process
    stand-in) has nothing to open."""
    pool = redis.connection_pool
    if not isinstance(pool, BlockingConnectionPool):
        return 0
    held: list[AbstractConnection] = []

    async def take() -> None:
        held.append(await pool.get_connection())  # type: ignore[no-untyped-call]

    try:
        taken = await asyncio.gather(
            *(take() for _ in range(min(count, pool.max_connections))), return_exceptions=True
        )
    finally:
        # Given back whatever happens (a cancelled warm-up too): a connection never given back
        # is one the pool never lends again.
        for connection in held:
            await pool.release(connection)
    failed = [t for t in taken if isinstance(t, BaseException)]
    if failed:
        log.warning("warm_redis_incomplete", opened=len(held), error=str(failed[0]))
    return len(held)


async def warm(engine: AsyncEngine, redis: Redis, count: int) -> tuple[int, int]:
    """Both pools at once, each within WARM_UP_SECONDS: (database, Redis) connections opened,
    0 for one that failed or ran out of time (logged); neither stops the start."""

    async def bounded(name: str, warming: Coroutine[Any, Any, int]) -> int:
        try:
            async with asyncio.timeout(WARM_UP_SECONDS):
                return await warming
        except TimeoutError:
            log.warning("warm_up_timed_out", pool=name, seconds=WARM_UP_SECONDS)
        except Exception as exc:
            log.warning("warm_up_failed", pool=name, error=str(exc))
        return 0

    database, kept = await asyncio.gather(
        bounded("database", warm_database(engine, count)),
        bounded("redis", warm_redis(redis, count)),
    )
    log.info("pools_warmed", database=database, redis=kept)
    return database, kept
