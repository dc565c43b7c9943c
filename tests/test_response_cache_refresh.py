"""A kept public answer is refreshed before it lapses, off the request path: the first hit in
its last `refresh_within` seconds starts one reading of its sources, the callers keep getting
the kept answer meanwhile, and neither its freshness bound nor its invalidation changes."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from starlette.applications import Starlette

from fixtures.graphql import gql_data
from hospital_bff.config import Settings
from hospital_bff.runtime import Runtime
from test_response_cache import cache_of, counted, forget_shared, schedules

SOURCES = "schedules:dep-yk:*"


async def sources_about_to_lapse(runtime: Runtime, ms: int = 400) -> list[str]:
    """The answer's schedule entries in Redis, each left with `ms` milliseconds."""
    keys: list[str] = await runtime.redis.keys(runtime.cache.prefix + SOURCES)
    assert keys
    for key in keys:
        await runtime.redis.pexpire(key, ms)
    return keys


@pytest.fixture
async def kept(client: httpx.AsyncClient, app: Starlette, runtime: Runtime) -> list[float]:
    """One week's schedules of dep-yk kept, read from entries with 400 ms left; the response
    cache on a clock the test moves (returned)."""
    cache = cache_of(app)
    cache.clear()
    await forget_shared(runtime)
    await schedules(client)
    clock = [cache.now()]
    cache.now = lambda: clock[0]
    assert len(cache) == 1
    return clock


async def test_a_hit_near_the_lapse_refreshes_the_answer_without_running_the_query(
    client: httpx.AsyncClient,
    app: Starlette,
    runtime: Runtime,
    settings: Settings,
    kept: list[float],
) -> None:
    cache = cache_of(app)
    keys = await sources_about_to_lapse(runtime)
    (lifetime,) = cache.lifetimes()
    # Not yet in its last part: a hit, nothing refreshed.
    kept[0] += lifetime - cache.refresh_within - 0.1
    await schedules(client)
    assert not cache.refreshing
    # In its last part: the hits are answered at once and start one refresh between them.
    kept[0] += 0.2
    hits, misses = counted("hit"), counted("miss")
    answers = [await schedules(client) for _ in range(3)]
    assert answers[0] == answers[1] == answers[2]
    assert counted("hit") == hits + 3
    assert len(cache.refreshing) == 1
    await next(iter(cache.refreshing.values()))
    assert not cache.refreshing
    # Its sources were read from the HIS again and the same answer lives their new lifetime,
    # never longer: remaining counts are still never older than cache_remaining_ttl.
    for key in keys:
        assert await runtime.redis.pttl(key) > cache.refresh_within * 1000
    (renewed,) = cache.lifetimes()
    assert cache.refresh_within < renewed <= settings.cache_remaining_ttl
    assert await schedules(client) == answers[0]
    assert counted("miss") == misses
    assert not cache.refreshing


async def test_sources_that_read_differently_make_the_next_hit_run_the_query(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, kept: list[float]
) -> None:
    cache = cache_of(app)
    before = await schedules(client)
    # A registration at the window: the HIS's entry reads one place fewer (and lasts).
    for key in await runtime.redis.keys(runtime.cache.prefix + SOURCES):
        changed = json.loads(await runtime.redis.get(key))
        changed[0]["remaining"] -= 1
        await runtime.redis.set(key, json.dumps(changed), px=2800)
    (lifetime,) = cache.lifetimes()
    kept[0] += lifetime - cache.refresh_within / 2
    assert await schedules(client) == before  # still true for its lifetime: kept
    await next(iter(cache.refreshing.values()))
    (key,) = list(cache._entries)
    # While one caller runs the query, the others are answered the kept answer.
    cache.inflight[key] = asyncio.get_running_loop().create_future()
    try:
        assert cache.fresh(key) is not None
        assert cache.fresh(key) is not None
    finally:
        del cache.inflight[key]
    for refresh in list(cache.refreshing.values()):
        await refresh
    # The next caller is the one that runs it, and gets the new count.
    await forget_shared(runtime)  # Redis's copy lapses on the real clock, not on the test's
    misses = counted("miss")
    now = await schedules(client)
    assert counted("miss") == misses + 1
    assert now[0]["remaining"] == before[0]["remaining"] - 1
    assert now[1:] == before[1:]
    (renewed,) = cache.lifetimes()
    assert renewed > cache.refresh_within
    assert await schedules(client) == now
    assert counted("miss") == misses + 1


async def test_a_change_heard_during_a_refresh_is_never_hidden_by_it(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, kept: list[float]
) -> None:
    cache = cache_of(app)
    await sources_about_to_lapse(runtime)
    (lifetime,) = cache.lifetimes()
    kept[0] += lifetime - cache.refresh_within / 2
    await schedules(client)
    (refresh,) = cache.refreshing.values()
    # A booking, cancellation or suspension in dep-yk while the sources are being read again.
    await runtime.catalogue.invalidate_schedules("dep-yk")
    await refresh
    assert len(cache) == 0
    misses = counted("miss")
    await schedules(client)
    assert counted("miss") == misses + 1


async def test_an_answer_from_the_catalogue_alone_is_refreshed_too(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, settings: Settings
) -> None:
    cache = cache_of(app)
    cache.clear()
    first = await gql_data(client, "Departments")
    clock = [cache.now()]
    cache.now = lambda: clock[0]
    (lifetime,) = cache.lifetimes()
    clock[0] += lifetime - cache.refresh_within / 2
    key = runtime.cache.prefix + "catalogue"
    await runtime.redis.pexpire(key, 300)
    assert await gql_data(client, "Departments") == first
    await next(iter(cache.refreshing.values()))
    assert await runtime.redis.pttl(key) > 1000
    (renewed,) = cache.lifetimes()
    # (now + ttl) - now on the monotonic clock's floats can exceed ttl by a rounding error.
    assert settings.cache_remaining_ttl < renewed <= settings.cache_catalogue_ttl + 1e-6


async def test_the_cache_reads_a_lasting_entry_and_loads_one_about_to_lapse(
    runtime: Runtime,
) -> None:
    loads: list[int] = []

    async def load() -> int:
        loads.append(1)
        return len(loads)

    async def read(refresh_within: float) -> int:
        value: int = await runtime.cache.get_or_load(
            "refresh-test", 3, load, dump=lambda v: v, parse=int, refresh_within=refresh_within
        )
        return value

    assert await read(1.0) == 1  # nothing there: loaded
    assert await read(1.0) == 1  # about 3 s left: read
    await runtime.redis.pexpire(runtime.cache.prefix + "refresh-test", 900)
    assert await read(0.0) == 1  # without refresh_within: read to the end
    assert await read(1.0) == 2  # 0.9 s left, within 1 s: loaded again
    assert await runtime.redis.pttl(runtime.cache.prefix + "refresh-test") > 1000
