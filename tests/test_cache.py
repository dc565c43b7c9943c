"""The cache: fresh copies, the last good copy in an outage, one load at a time, bounded memory."""

from __future__ import annotations

import asyncio

import pytest

from hospital_bff.cache import PARSED_ENTRIES, Cache, create_redis, reset_fake_redis


@pytest.fixture
def cache() -> Cache:
    reset_fake_redis()
    return Cache(create_redis(None))


async def test_concurrent_misses_make_one_load(cache: Cache) -> None:
    loads = 0

    async def load() -> list[int]:
        nonlocal loads
        loads += 1
        await asyncio.sleep(0.05)
        return [1, 2, 3]

    results = await asyncio.gather(
        *(cache.get_or_load("k", 3, load, dump=list, parse=list) for _ in range(20))
    )
    assert loads == 1
    assert all(r == [1, 2, 3] for r in results)


async def test_an_outage_serves_the_last_good_copy_and_a_first_outage_raises(cache: Cache) -> None:
    async def good() -> list[int]:
        return [7]

    async def down() -> list[int]:
        raise ConnectionError("HIS down")

    assert await cache.get_or_load("k", 3, good, dump=list, parse=list) == [7]
    await cache.delete("k")
    assert await cache.get_or_load("k", 3, down, dump=list, parse=list) == [7]
    with pytest.raises(ConnectionError):
        await cache.get_or_load("other", 3, down, dump=list, parse=list)


async def test_parsed_copies_are_bounded(cache: Cache) -> None:
    async def load() -> list[int]:
        return [1]

    for i in range(PARSED_ENTRIES + 50):
        await cache.get_or_load(f"k{i}", 30, load, dump=list, parse=list)
        await cache.get_or_load(f"k{i}", 30, load, dump=list, parse=list)
    assert len(cache._parsed) <= PARSED_ENTRIES
