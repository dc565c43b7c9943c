"""Units of work: one transaction, then what it made true leaves (jobs, published events).

A service command opens its own units here, as many short ones as its flow needs; a step is
handed the session of its caller's unit and never commits (the convention is written out in
`services/__init__.py`). Jobs leave through the after-commit buffer in jobs/enqueue.py, events
through `publish_after_commit` below, each only once the unit has committed; the accounts and
users whose rows it wrote (noticed by the session, `store.touched`) get a new generation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.runtime import Runtime
from hospital_bff.services import personal_generations
from hospital_bff.store import touched as touched_rows
from hospital_bff.store.db import read_connection

log = structlog.get_logger(__name__)

_EVENTS = "hospital_bff.events"
_PLACES_FREED = "hospital_bff.places_freed"


def publish_after_commit(session: AsyncSession, topic: str, payload: dict[str, Any]) -> None:
    session.sync_session.info.setdefault(_EVENTS, []).append((topic, payload))


def place_freed_after_commit(session: AsyncSession, slot_id: str) -> None:
    """Tell the slot gate (services/slot_gate.py) once the place is free for everyone."""
    session.sync_session.info.setdefault(_PLACES_FREED, []).append(slot_id)


@asynccontextmanager
async def reads(runtime: Runtime) -> AsyncIterator[AsyncSession]:
    """A session for reads only, outside any transaction: on PostgreSQL each statement is its
    own (autocommit), so a read is one round trip, not three (BEGIN, the read, ROLLBACK). Under
    READ COMMITTED every statement of a transaction takes its own snapshot anyway, so reads
    see the same without one. Nothing written here is kept (nothing commits it, and it is
    not meant to be written); a read that must lock (FOR UPDATE) belongs in `unit_of_work`.
    Elsewhere (SQLite) an ordinary session, rolled back at the end."""
    if runtime.engine.dialect.name != "postgresql":
        async with runtime.sessions() as session:
            yield session
        return
    async with read_connection(runtime.engine) as conn, runtime.sessions(bind=conn) as session:
        yield session


@asynccontextmanager
async def unit_of_work(runtime: Runtime) -> AsyncIterator[AsyncSession]:
    """One transaction: committed when the block ends, rolled back if it raises; the events it
    published are sent after the commit."""
    async with _unit(runtime) as session:
        yield session


@asynccontextmanager
async def statements(runtime: Runtime) -> AsyncIterator[AsyncSession]:
    """A unit whose every statement is a transaction of its own: for reads and then one write
    whose single statement says all that must hold together (a place taken with its hold; a
    hold claimed with its order). On PostgreSQL it runs outside any transaction (autocommit),
    so that write costs one round trip, not three (BEGIN, it, COMMIT); a block that raises
    has written nothing only if it raised before its write. What the write made true leaves
    after it, as after `unit_of_work`'s commit; if the connection fails after the server ran
    the write (as it may after a COMMIT), its jobs are not sent and the periodic sweeps find
    what is due (jobs/enqueue.py). Elsewhere (SQLite) it is `unit_of_work`."""
    # On an autocommit connection the session's "transaction" is SQLAlchemy's alone: its
    # commit sends nothing, and its after-commit hooks (jobs/enqueue.py) run as after a real one.
    on_its_own = runtime.engine.dialect.name == "postgresql"
    async with _unit(runtime, read_connection(runtime.engine) if on_its_own else None) as session:
        yield session


@asynccontextmanager
async def _unit(
    runtime: Runtime, connection: AbstractAsyncContextManager[AsyncConnection] | None = None
) -> AsyncIterator[AsyncSession]:
    """A session (on `connection` if given, else the engine's) in SQLAlchemy's transaction;
    once it has committed and let go of its connection, what it made true is told."""
    async with AsyncExitStack() as stack:
        bind = {} if connection is None else {"bind": await stack.enter_async_context(connection)}
        session = await stack.enter_async_context(runtime.sessions(**bind))
        async with session.begin():
            yield session
        made_true = _MadeTrue.of(session)
    await made_true.tell(runtime)


@dataclass(frozen=True, slots=True)
class _MadeTrue:
    """What a committed unit tells others: the events it published, the places it freed, the
    accounts and users whose rows it wrote."""

    events: list[tuple[str, dict[str, Any]]]
    freed: list[str]
    owners: touched_rows.Touched

    @classmethod
    def of(cls, session: AsyncSession) -> _MadeTrue:
        info = session.sync_session.info
        owners = touched_rows.take(session.sync_session)
        return cls(info.pop(_EVENTS, []), info.pop(_PLACES_FREED, []), owners)

    async def tell(self, runtime: Runtime) -> None:
        if self.owners and self.events and not self.freed and runtime.settings.redis_url:
            await self._tell_at_once(runtime)
            return
        if self.owners:
            # Before anyone is answered: their kept personal answers are no longer true.
            await personal_generations.bump(runtime, self.owners)
        if self.freed:
            try:
                await runtime.slot_gate.places_freed(self.freed)
            except Exception:
                # The gate reads the database's holds again within its ttl; the place is free.
                log.warning("slot_gate_not_told", slots=self.freed)
        if self.events:
            try:
                await runtime.events.publish_many(self.events)
            except Exception:
                # A lost publish only delays a screen refresh; the data is committed.
                log.warning("publish_failed", topics=[topic for topic, _ in self.events][:10])

    async def _tell_at_once(self, runtime: Runtime) -> None:
        """The generations, then the events, in one round trip to Redis (a booking's commit
        had three: the bump's pipeline and one publish each)."""
        keys = personal_generations.keys_of(self.owners)
        try:
            async with runtime.redis.pipeline(transaction=False) as pipe:
                personal_generations.bump_in(pipe, keys)
                runtime.events.publish_in(pipe, self.events)
                await pipe.execute()
        except Exception as exc:
            # Committed all the same: logged as each alone would log it (an event that could
            # not be sent was never raised either), and kept answers lapse by their lifetimes.
            personal_generations.not_bumped(keys, exc)
            runtime.events.lost(self.events, exc)
