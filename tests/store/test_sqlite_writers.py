"""store/sqlite_writers.py: this process's writers of a SQLite file queue for it in Python and
are handed the turn at once (across event loops too), instead of sleeping in SQLite's busy
handler; a write that finds SQLite's lock taken by another process waits for it in its thread,
the event loop free meanwhile; the queue's wait ends as SQLite's would."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiosqlite.core
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from hospital_bff.store.db import create_engine
from hospital_bff.store.sqlite_writers import WriterQueue, is_write, writer_queue


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    made = create_engine(f"sqlite+aiosqlite:///{tmp_path}/writers.db")
    async with made.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"))
    yield made
    await made.dispose()


async def until(condition: Callable[[], bool]) -> None:
    """Give the other tasks and threads their turns until `condition` holds."""
    for _ in range(2_000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("never happened")


async def names(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return list((await conn.execute(text("SELECT name FROM t ORDER BY id"))).scalars())


def test_writes_are_the_statements_sqlite3_opens_a_transaction_for() -> None:
    assert is_write("INSERT INTO t VALUES (1)") and is_write("  update t set x = 1")
    assert is_write("DELETE FROM t") and is_write("REPLACE INTO t VALUES (1)")
    assert not is_write("SELECT 1") and not is_write("PRAGMA busy_timeout=0")
    assert not is_write("INSERTED")


async def test_a_second_writer_queues_here_and_goes_on_at_the_first_ones_commit(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    queue = writer_queue(str(tmp_path / "writers.db"))
    first_wrote = asyncio.Event()
    finish_first = asyncio.Event()

    async def first() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (name) VALUES ('first')"))
            first_wrote.set()
            await finish_first.wait()

    async def second() -> None:
        await first_wrote.wait()
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (name) VALUES ('second')"))

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    # In the queue, not asleep in SQLite's busy handler in its thread.
    await until(lambda: queue.waiting == 1)
    assert queue.held
    finish_first.set()
    await asyncio.gather(*tasks)
    assert await names(engine) == ["first", "second"]
    assert not queue.held and queue.waiting == 0


async def test_another_process_holding_the_lock_is_waited_for_in_the_thread(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "Another process": a connection of its own, outside the queue, holding the write lock.
    other = sqlite3.connect(tmp_path / "writers.db", check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t (name) VALUES ('other')")
    sent_to_thread = asyncio.Event()
    execute = aiosqlite.core.Connection._execute

    async def noted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent_to_thread.set()
        return await execute(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", noted)

    async def ours() -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (name) VALUES ('ours')"))

    writing = asyncio.create_task(ours())
    # The write found the lock taken and went to wait in its thread: this loop runs on (a
    # write that waited here, on the loop's thread, would have stopped it for 30 s).
    await sent_to_thread.wait()
    assert not writing.done()
    other.commit()
    other.close()
    await writing
    assert await names(engine) == ["other", "ours"]


async def test_a_writer_on_another_threads_loop_is_handed_the_turn(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "writers.db"
    queue = writer_queue(str(path))
    done = threading.Event()
    failed: list[BaseException] = []

    def job_thread() -> None:
        async def write() -> None:
            own = create_engine(f"sqlite+aiosqlite:///{path}")
            try:
                async with own.begin() as conn:
                    await conn.execute(text("INSERT INTO t (name) VALUES ('job')"))
            finally:
                await own.dispose()

        try:
            asyncio.run(write())
        except BaseException as exc:
            failed.append(exc)
        finally:
            done.set()

    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO t (name) VALUES ('api')"))
        thread = threading.Thread(target=job_thread)
        thread.start()
        await until(lambda: queue.waiting == 1)
    await until(done.is_set)
    thread.join()
    assert not failed
    assert await names(engine) == ["api", "job"]
    assert not queue.held


async def test_the_wait_ends_as_sqlites_would_and_the_turn_stays_with_its_holder() -> None:
    queue = WriterQueue()
    await queue.acquire(1.0)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        await queue.acquire(0.01)
    assert queue.held and queue.waiting == 0
    queue.release()
    assert not queue.held


async def test_a_cancelled_waiter_leaves_the_line_or_passes_its_turn_on() -> None:
    queue = WriterQueue()
    await queue.acquire(1.0)
    # Cancelled while in the line: it leaves it, and the holder's release frees the file.
    waiting = asyncio.create_task(queue.acquire(10.0))
    await until(lambda: queue.waiting == 1)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert queue.waiting == 0
    # Cancelled once the turn was handed to it, before it woke: it passes the turn on.
    handed = asyncio.create_task(queue.acquire(10.0))
    after = asyncio.create_task(queue.acquire(10.0))
    await until(lambda: queue.waiting == 2)
    queue.release()  # to `handed`, on its way through the loop
    handed.cancel()
    with pytest.raises(asyncio.CancelledError):
        await handed
    await after  # the turn reached the next in line
    assert queue.held and queue.waiting == 0
    queue.release()
    assert not queue.held
