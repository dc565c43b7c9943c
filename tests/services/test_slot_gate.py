"""The slot gate's count, on both stores: never more tickets out than places, a ticket or a
freed place comes back, and a count it does not have is seeded, never invented."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from conftest import REDIS_URL, require_service
from fixtures.journey import eventually
from hospital_bff.cache import create_redis
from hospital_bff.services.slot_gate import (
    Admission,
    GateStore,
    LocalGateStore,
    RedisGateStore,
    Ticket,
    TryAgain,
)

SLOT = "slot-exp-nk-1-20261128-AM-0800"


@pytest.fixture(params=["process", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[GateStore]:
    if request.param == "process":
        yield LocalGateStore()
        return
    require_service("Redis", "127.0.0.1", 6379)
    redis = create_redis(REDIS_URL)
    await redis.flushdb()
    try:
        yield RedisGateStore(redis)
    finally:
        await redis.flushdb()
        await redis.aclose()


async def test_a_slot_without_a_count_is_unknown_and_give_back_invents_none(
    store: GateStore,
) -> None:
    assert await store.take(SLOT) is Ticket.UNKNOWN
    await store.give_back(SLOT)
    assert await store.take(SLOT) is Ticket.UNKNOWN


async def test_no_more_tickets_than_places_even_all_at_once(store: GateStore) -> None:
    await store.seed(SLOT, capacity=10, taken=3, ttl_seconds=60)
    answers = await asyncio.gather(*(store.take(SLOT) for _ in range(200)))
    assert answers.count(Ticket.TAKEN) == 7
    assert answers.count(Ticket.FULL) == 193


async def test_a_ticket_given_back_is_taken_again(store: GateStore) -> None:
    await store.seed(SLOT, capacity=1, taken=0, ttl_seconds=60)
    assert await store.take(SLOT) is Ticket.TAKEN
    assert await store.take(SLOT) is Ticket.FULL
    await store.give_back(SLOT)
    assert await store.take(SLOT) is Ticket.TAKEN


async def test_the_count_never_goes_below_zero(store: GateStore) -> None:
    await store.seed(SLOT, capacity=1, taken=0, ttl_seconds=60)
    await store.give_back(SLOT)
    await store.give_back(SLOT)
    assert await store.take(SLOT) is Ticket.TAKEN
    assert await store.take(SLOT) is Ticket.FULL


async def test_full_answers_as_take_would_and_takes_nothing(store: GateStore) -> None:
    # No count: None (a booking seeds one from the database); a free place: not full.
    assert await store.full(SLOT) is None
    await store.seed(SLOT, capacity=1, taken=0, ttl_seconds=60)
    assert await store.full(SLOT) is False
    assert await store.full(SLOT) is False  # asking twice took nothing
    assert await store.take(SLOT) is Ticket.TAKEN
    assert await store.full(SLOT) is True
    await store.give_back(SLOT)
    assert await store.full(SLOT) is False


async def test_a_second_seed_keeps_the_count_in_use(store: GateStore) -> None:
    await store.seed(SLOT, capacity=2, taken=2, ttl_seconds=60)
    await store.seed(SLOT, capacity=2, taken=0, ttl_seconds=60)
    assert await store.take(SLOT) is Ticket.FULL


async def test_a_count_lapses_and_is_read_again(store: GateStore) -> None:
    await store.seed(SLOT, capacity=1, taken=1, ttl_seconds=0.001)

    async def lapsed() -> bool:
        return await store.take(SLOT) is Ticket.UNKNOWN

    await eventually(lapsed)


async def test_admission_answers_try_again_when_its_places_are_taken() -> None:
    admission = Admission(limit=1, wait_seconds=0.01)
    async with admission.admitted():
        with pytest.raises(TryAgain):
            async with admission.admitted():
                pass
    async with admission.admitted():
        pass
