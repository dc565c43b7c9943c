"""However many processes run the scheduler, one of them sweeps at a time (jobs/lease.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from sqlalchemy import text

from conftest import POSTGRES_URL, make_settings, require_service
from hospital_bff.jobs.lease import SCHEDULER_LOCK_KEY, PostgresLease
from hospital_bff.jobs.scheduler import run_scheduler
from hospital_bff.runtime import Runtime
from hospital_bff.store.db import create_engine


class SweepLog:
    """A sweep that notes who ran it and whether another run of it was under way."""

    def __init__(self) -> None:
        self.running = 0
        self.most_at_once = 0
        self.runs: list[str] = []
        self.ran = asyncio.Condition()

    async def sweep(self, runtime: Any) -> int:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            # Long enough for the other scheduler's ticks to fall inside this run.
            for _ in range(5):
                await asyncio.sleep(0.01)
        finally:
            self.running -= 1
        async with self.ran:
            self.runs.append(runtime.name)
            self.ran.notify_all()
        return 0

    async def wait_for(self, predicate: Any) -> None:
        async with asyncio.timeout(60), self.ran:
            await self.ran.wait_for(lambda: predicate(self.runs))


@asynccontextmanager
async def scheduler(name: str, tmp_path: Path, log: SweepLog) -> AsyncIterator[asyncio.Event]:
    """One process's scheduler loop (its own engine, so its own database sessions)."""
    settings = make_settings(
        "postgres", tmp_path, scheduler_tick_seconds=0.005, sweep_intervals={"probe": 0}
    )
    engine = create_engine(POSTGRES_URL, pool_size=2)
    runtime = cast(Runtime, SimpleNamespace(name=name, settings=settings, engine=engine))
    stop = asyncio.Event()
    task = asyncio.create_task(run_scheduler(runtime, stop, [("probe", 0, log.sweep)]))
    try:
        yield stop
    finally:
        stop.set()
        await task
        await engine.dispose()


@pytest.fixture
def postgres() -> None:
    require_service("PostgreSQL", "127.0.0.1", 5432)


@pytest.mark.usefixtures("postgres")
async def test_two_schedulers_never_run_a_sweep_at_once(tmp_path: Path) -> None:
    log = SweepLog()
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(scheduler("a", tmp_path, log))
        await stack.enter_async_context(scheduler("b", tmp_path, log))
        await log.wait_for(lambda runs: len(runs) >= 20)
        # Taken while both live: leaving the stack stops one first, which gives the lease up,
        # and the other may rightly sweep before its own stop.
        while_both_live = list(log.runs)
    assert log.most_at_once == 1
    assert len(set(while_both_live)) == 1, "the holder keeps the lease while it lives"


@pytest.mark.usefixtures("postgres")
async def test_the_other_takes_over_when_the_holder_stops(tmp_path: Path) -> None:
    log = SweepLog()
    async with scheduler("a", tmp_path, log) as stop_a:
        await log.wait_for(lambda runs: "a" in runs)
        async with scheduler("b", tmp_path, log):
            stop_a.set()  # a graceful stop gives the lease up
            await log.wait_for(lambda runs: "b" in runs)
    assert log.most_at_once == 1


@pytest.mark.usefixtures("postgres")
async def test_the_lease_is_freed_when_its_holder_dies() -> None:
    engines = [create_engine(POSTGRES_URL, pool_size=1) for _ in range(3)]
    a, b = PostgresLease(engines[0]), PostgresLease(engines[1])
    try:
        assert await a.hold() and not await b.hold()
        # The holder's process dies: the server ends its session, and with it the lock.
        # pg_terminate_backend only signals the backend; its timeout (ms) waits for it to end,
        # so b's next try cannot race the dying session (it did once a checkout stopped pinging).
        async with engines[2].begin() as conn:
            ended = await conn.scalar(
                text(
                    "SELECT bool_and(pg_terminate_backend(pid, 30000)) FROM pg_locks"
                    " WHERE locktype = 'advisory'"
                    " AND objid = :low AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())"
                ),
                {"low": SCHEDULER_LOCK_KEY & 0xFFFFFFFF},
            )
        assert ended, "the holder's session ended"
        assert await b.hold(), "the lease went with the dead session"
        assert not await a.hold(), "the dead holder knows it holds nothing"
    finally:
        await a.release()
        await b.release()
        for engine in engines:
            await engine.dispose()
