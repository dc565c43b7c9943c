"""warm_pools.py: a server opens its pools' connections at start, and a database or Redis that
is away or hangs then costs it at most WARM_UP_SECONDS and leaves its pools as they were."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import BlockingConnectionPool
from starlette.applications import Starlette

from conftest import POSTGRES_URL, REDIS_URL, make_settings, require_service
from hospital_bff import warm_pools
from hospital_bff.app import create_app
from hospital_bff.cache import create_redis, reset_fake_redis
from hospital_bff.clock import FrozenClock
from hospital_bff.store.db import create_engine


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a Redis that hangs)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield listener.getsockname()[1]


def _pool_counts(redis: object) -> tuple[int, int]:
    """(idle, lent) connections of a redis-py pool (its own lists: it has no public count)."""
    pool = redis.connection_pool  # type: ignore[attr-defined]
    return len(pool._available_connections), len(pool._in_use_connections)


async def test_the_database_pool_keeps_what_was_opened(backend: str, tmp_path: Path) -> None:
    engine = create_engine(make_settings(backend, tmp_path).database_url, pool_size=4)
    try:
        # Never more than the pool keeps: what it opens beyond its size it closes.
        assert await warm_pools.warm_database(engine, 9) == 4
        assert engine.pool.checkedin() == 4  # type: ignore[attr-defined]
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        await engine.dispose()


async def test_redis_opens_as_many_connections_and_lends_none() -> None:
    require_service("Redis", "127.0.0.1", 6379)
    redis = create_redis(REDIS_URL)
    try:
        assert await warm_pools.warm_redis(redis, 5) == 5
        assert _pool_counts(redis) == (5, 0)
        assert await redis.ping()
    finally:
        await redis.aclose()


async def test_redis_away_opens_nothing_and_keeps_nothing_lent() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, not listening: refused
        redis = create_redis(f"redis://127.0.0.1:{port}/0", connect_timeout=0.5)
        try:
            assert await warm_pools.warm_redis(redis, 3) == 0
            assert _pool_counts(redis)[1] == 0
        finally:
            await redis.aclose()


async def test_a_pool_that_fails_does_not_stop_the_other_or_the_start(tmp_path: Path) -> None:
    class Broken:
        connection_pool = BlockingConnectionPool()

        def __getattr__(self, name: str) -> Any:
            raise AssertionError(name)

    Broken.connection_pool.get_connection = None  # type: ignore[assignment,method-assign]
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/warm.db", pool_size=2)
    try:
        assert await warm_pools.warm(engine, Broken(), 2) == (2, 0)  # type: ignore[arg-type]
    finally:
        await engine.dispose()


async def test_the_in_process_stand_in_has_nothing_to_open() -> None:
    reset_fake_redis()
    assert await warm_pools.warm_redis(create_redis(None), 3) == 0


async def test_a_hanging_redis_costs_the_start_its_bound_and_is_given_back(
    silent_port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warm_pools, "WARM_UP_SECONDS", 0.2)
    redis = create_redis(f"redis://127.0.0.1:{silent_port}/0", timeout=30, connect_timeout=30)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/warm.db", pool_size=2)
    try:
        # Bounded by the warm-up's own deadline, not by the client's 30 s ones; the database's
        # connections opened all the same.
        assert await asyncio.wait_for(warm_pools.warm(engine, redis, 2), 10) == (2, 0)
        assert _pool_counts(redis)[1] == 0, "a connection cancelled half-way was given back"
    finally:
        await redis.aclose()
        await engine.dispose()


async def test_a_server_asked_to_warm_starts_with_its_connections_open(
    backend: str, tmp_path: Path, clock: FrozenClock
) -> None:
    reset_fake_redis()
    settings = make_settings(backend, tmp_path, warm_connections=3)
    app: Starlette = create_app(settings, clock=clock, self_transport=True)
    async with app.router.lifespan_context(app):
        runtime = app.state.runtime
        assert runtime.engine.pool.checkedin() >= 3
        if settings.redis_url:
            assert _pool_counts(runtime.redis)[0] >= 3


async def test_a_quiet_process_keeps_using_the_connection_it_used_last(backend: str) -> None:
    # Its warmed pool is not cycled through (store/db.py): what was used last is used again.
    if backend != "postgres":
        pytest.skip("PostgreSQL's pool (SQLite's connections are its own)")
    engine = create_engine(POSTGRES_URL, pool_size=4)
    try:
        await warm_pools.warm_database(engine, 4)
        used = []
        for _ in range(3):
            async with engine.connect() as conn:
                raw = await conn.get_raw_connection()
                used.append(id(raw.driver_connection))
        assert len(set(used)) == 1, used
    finally:
        await engine.dispose()
