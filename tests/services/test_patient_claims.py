"""A patient's booking claim, on both stores: one holder at a time, let go only by its holder,
and a lapsed lease taken by the next (services/patient_claims.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from conftest import REDIS_URL, require_service
from hospital_bff.cache import create_redis
from hospital_bff.services.patient_claims import (
    ClaimStore,
    LocalClaimStore,
    PatientBusy,
    PatientClaims,
    RedisClaimStore,
)

PATIENT = "P000123"


@pytest.fixture(params=["process", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[ClaimStore]:
    if request.param == "process":
        yield LocalClaimStore()
        return
    require_service("Redis", "127.0.0.1", 6379)
    redis = create_redis(REDIS_URL)
    await redis.flushdb()
    try:
        yield RedisClaimStore(redis)
    finally:
        await redis.flushdb()
        await redis.aclose()


async def test_one_holder_at_a_time_even_all_at_once(store: ClaimStore) -> None:
    answers = await asyncio.gather(*(store.claim(PATIENT, f"ord{i}", 30) for i in range(50)))
    assert answers.count(True) == 1
    assert await store.claim("P000456", "other", 30), "another patient is not held"


async def test_only_the_holder_lets_go(store: ClaimStore) -> None:
    assert await store.claim(PATIENT, "first", 30)
    await store.release(PATIENT, "second")
    assert not await store.claim(PATIENT, "second", 30)
    await store.release(PATIENT, "first")
    assert await store.claim(PATIENT, "second", 30)


async def test_a_lapsed_lease_is_taken_and_its_old_holder_frees_nothing() -> None:
    store = LocalClaimStore()  # Redis lapses by its own clock (SET PX), not ours
    assert await store.claim(PATIENT, "died", 0)
    assert await store.claim(PATIENT, "next", 30)
    await store.release(PATIENT, "died")
    assert not await store.claim(PATIENT, "third", 30)


async def test_the_block_lets_go_whatever_happens_in_it(store: ClaimStore) -> None:
    claims = PatientClaims(store, lease_seconds=30)

    async def a_booking_that_fails() -> None:
        async with claims.claimed(PATIENT, "first"):
            with pytest.raises(PatientBusy) as busy:
                await claims.claimed(PATIENT, "second").__aenter__()
            assert busy.value.code == "TRY_AGAIN"
            raise ValueError("the booking failed")

    with pytest.raises(ValueError, match="the booking failed"):
        await a_booking_that_fails()
    async with claims.claimed(PATIENT, "second"):
        pass


async def test_a_release_that_fails_does_not_undo_the_booking() -> None:
    class Unreachable(LocalClaimStore):
        async def release(self, patient: str, token: str) -> None:
            raise ConnectionError("Redis went away")

    booked = False
    async with PatientClaims(Unreachable(), lease_seconds=30).claimed(PATIENT, "first"):
        booked = True
    assert booked


async def test_with_redis_away_the_booking_goes_on_unclaimed() -> None:
    class TimedOut(LocalClaimStore):
        async def claim(self, patient: str, token: str, lease_seconds: float) -> bool:
            await super().claim(patient, token, lease_seconds)  # it landed; the answer did not
            raise ConnectionError("Redis timed out")

    store = TimedOut()
    booked = False
    async with PatientClaims(store, lease_seconds=30).claimed(PATIENT, "first"):
        booked = True
    assert booked
    assert await LocalClaimStore.claim(store, PATIENT, "next", 30), (
        "one that may have landed is let go"
    )
