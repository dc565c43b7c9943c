"""services/booking.py against the HIS simulator: a place held, locked at the HIS and billed, or
nothing at all; one key, one order."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlmodel import col, select, update

from fixtures.accounts import verified_patient
from fixtures.journey import open_slot
from fixtures.money import his_faults
from hospital_bff.datasources.errors import HisUnavailable, UpstreamBusy, UpstreamTimeout
from hospital_bff.datasources.his_models import SlotWithSchedule
from hospital_bff.jobs import enqueue
from hospital_bff.runtime import Runtime
from hospital_bff.services.booking import Booked, BookingService
from hospital_bff.services.errors import (
    DomainError,
    NotFound,
    NotVerified,
    UpstreamUnavailableError,
)
from hospital_bff.services.money import his_locks
from hospital_bff.services.money.rules import OrderKind, OrderStatus
from hospital_bff.store.models import Order, PatientBinding, PlaceHold


async def nothing_held(runtime: Runtime) -> bool:
    async with runtime.sessions() as session:
        orders = (await session.exec(select(Order))).all()
        holds = (await session.exec(select(PlaceHold))).all()
    return not orders and not holds


async def test_a_booking_holds_locks_and_bills_the_slot(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user_id, patient_id = await verified_patient(client, runtime)
    found = await open_slot(client)
    slot_id = found["slot"]["id"]
    before = await runtime.his.slot(slot_id)
    assert before is not None

    booked = await BookingService(runtime).book(user_id, patient_id, slot_id, "k1")

    assert booked.created
    order = booked.order
    assert order.kind == OrderKind.REGISTRATION
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.slot_id == slot_id and order.his_patient_id == patient_id
    assert order.amount == before.schedule.registration_fee + before.schedule.diagnosis_fee
    after = await runtime.his.slot(slot_id)
    assert after is not None and after.remaining == before.remaining - 1, "locked at the HIS"


async def test_the_same_key_answers_the_same_order(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user_id, patient_id = await verified_patient(client, runtime)
    slot_id = (await open_slot(client))["slot"]["id"]
    service = BookingService(runtime)

    first = await service.book(user_id, patient_id, slot_id, "same")
    again = await service.book(user_id, patient_id, slot_id, "same")

    assert (first.created, again.created) == (True, False)
    assert again.order.id == first.order.id
    async with runtime.sessions() as session:
        assert len((await session.exec(select(Order))).all()) == 1

    # Read with the binding in one statement, the key's order answers first: even once the
    # patient is unbound, while a new key for that patient is NOT_FOUND.
    async with runtime.sessions() as session, session.begin():
        unbind = update(PatientBinding).where(col(PatientBinding.user_id) == user_id)
        await session.execute(unbind.values(active=False))
    later = await service.book(user_id, patient_id, slot_id, "same")
    assert (later.created, later.order.id) == (False, first.order.id)
    with pytest.raises(NotFound):
        await service.book(user_id, patient_id, slot_id, "another")


async def test_a_slot_with_no_place_left_books_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user_id, patient_id = await verified_patient(client, runtime)
    slot_id = (await open_slot(client))["slot"]["id"]
    # Another channel (the window) sold the last place after we read the schedule.
    taken = await client.post(f"/sim/his/slots/{slot_id}/capacity", json={"capacity": 0})
    assert taken.status_code == 200, taken.text

    with pytest.raises(DomainError) as refused:
        await BookingService(runtime).book(user_id, patient_id, slot_id, "k1")

    assert refused.value.code == "SLOT_FULL"

    assert await nothing_held(runtime)


async def test_a_slot_read_a_moment_ago_then_suspended_or_sold_out_books_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    # The first booking's read of the slot is kept for a second (HisClient.bookable_slot);
    # the HIS's lock has the last word on what changed within it.
    first_user, first_patient = await verified_patient(client, runtime)
    found = await open_slot(client)
    slot_id, schedule_id = found["slot"]["id"], found["schedule"]["id"]
    service = BookingService(runtime)
    first = await service.book(first_user, first_patient, slot_id, "k1")
    assert first.created
    user_id, patient_id = await verified_patient(client, runtime, openid="o-second", name="李四")

    sold = await client.post(f"/sim/his/slots/{slot_id}/capacity", json={"capacity": 1})
    assert sold.status_code == 200, sold.text
    with pytest.raises(DomainError) as full:
        await service.book(user_id, patient_id, slot_id, "k2")
    assert full.value.code == "SLOT_FULL"

    sold = await client.post(f"/sim/his/slots/{slot_id}/capacity", json={"capacity": 5})
    assert sold.status_code == 200, sold.text
    # Read afresh after the refusal, and kept again: open, with places.
    assert (await runtime.his.bookable_slot(slot_id, 60)) is not None
    r = await client.post(f"/sim/his/schedules/{schedule_id}/suspend", json={"reason": "专家生病"})
    assert r.status_code == 200, r.text
    with pytest.raises(DomainError) as suspended:
        await service.book(user_id, patient_id, slot_id, "k3")
    assert suspended.value.code == "SCHEDULE_NOT_OPEN"

    async with runtime.sessions() as session:
        assert [o.id for o in (await session.exec(select(Order))).all()] == [first.order.id]
        assert not (await session.exec(select(PlaceHold))).all()


async def test_a_his_that_does_not_answer_books_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user_id, patient_id = await verified_patient(client, runtime)
    slot_id = (await open_slot(client))["slot"]["id"]
    await his_faults(client, errorRate=1.0)

    with pytest.raises(UpstreamUnavailableError):
        await BookingService(runtime).book(user_id, patient_id, slot_id, "k1")

    await his_faults(client, errorRate=0.0)
    assert await nothing_held(runtime)


async def test_someone_elses_patient_is_not_found_and_not_booked(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, patient_id = await verified_patient(client, runtime, openid="o-owner")
    stranger, _ = await verified_patient(client, runtime, openid="o-stranger", name="韩梅梅")
    slot_id = (await open_slot(client))["slot"]["id"]

    with pytest.raises(NotFound):
        await BookingService(runtime).book(stranger, patient_id, slot_id, "k1")

    assert await nothing_held(runtime)


async def test_an_unverified_user_books_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    slot_id = (await open_slot(client))["slot"]["id"]

    with pytest.raises(NotVerified):
        await BookingService(runtime).book(None, "pat-0001", slot_id, "k1")

    assert await nothing_held(runtime)


@pytest.mark.parametrize("his_then", ["answers", "is_away"])
async def test_a_key_sent_again_while_its_order_commits_answers_that_order(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch, his_then: str
) -> None:
    """The key is read once, before the HIS is asked: the first request's order, committed
    while the second one asked the HIS, answers the second whatever refused it then (the
    limits counting that order, or the HIS being away)."""
    user_id, patient_id = await verified_patient(client, runtime)
    slot_id = (await open_slot(client))["slot"]["id"]
    service = BookingService(runtime)
    ask_his = runtime.his.slot
    first: list[Booked] = []

    async def first_commits_meanwhile(wanted: str) -> SlotWithSchedule | None:
        monkeypatch.setattr(runtime.his, "slot", ask_his)
        first.append(await service.book(user_id, patient_id, slot_id, "same"))
        if his_then == "is_away":
            raise HisUnavailable("down")
        return await ask_his(wanted)

    monkeypatch.setattr(runtime.his, "slot", first_commits_meanwhile)
    again = await service.book(user_id, patient_id, slot_id, "same")

    assert first[0].created and not again.created
    assert again.order.id == first[0].order.id
    async with runtime.sessions() as session:
        assert len((await session.exec(select(Order))).all()) == 1


async def test_two_bookings_of_one_patient_sent_together_pass_the_limits_once(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One booking per schedule: the second, sent while the first waits for the HIS's lock
    (its order not yet committed), is TRY_AGAIN, having taken nothing; sent again once the
    first has committed, it reads that order and is DUPLICATE_BOOKING. Both passed the rules
    before the patient was claimed for the booking (services/patient_claims.py)."""
    user_id, patient_id = await verified_patient(client, runtime)
    found = await open_slot(client)
    free = [s["id"] for s in found["schedule"]["slots"] if s["remaining"] > 0]
    assert len(free) >= 2
    service = BookingService(runtime)
    lock_slot = runtime.his.lock_slot
    first_waits, second_answered = asyncio.Event(), asyncio.Event()

    async def lock_once_the_second_is_answered(*args: Any, **kwargs: Any) -> Any:
        if not first_waits.is_set():  # the first booking's lock waits; any other goes on
            first_waits.set()
            await second_answered.wait()
        return await lock_slot(*args, **kwargs)

    monkeypatch.setattr(runtime.his, "lock_slot", lock_once_the_second_is_answered)
    first = asyncio.create_task(service.book(user_id, patient_id, free[0], "first"))
    await first_waits.wait()
    try:
        with pytest.raises(DomainError) as busy:
            await service.book(user_id, patient_id, free[1], "second")
    finally:
        second_answered.set()
    assert busy.value.code == "TRY_AGAIN"
    assert (await first).created
    monkeypatch.setattr(runtime.his, "lock_slot", lock_slot)

    with pytest.raises(DomainError) as duplicate:
        await service.book(user_id, patient_id, free[1], "second")
    assert duplicate.value.code == "DUPLICATE_BOOKING"
    async with runtime.sessions() as session:
        assert len((await session.exec(select(Order))).all()) == 1
        assert not (await session.exec(select(PlaceHold))).all()


async def test_a_lock_that_lands_after_its_timeout_is_released_again_by_a_job(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock's POST timed out on our side and reached the HIS after our DELETE (a released
    lockId "tries for a seat anew"): the seat stayed locked at the HIS for 12 minutes while
    our count showed it free. The release is sent again by a job (his_locks.py)."""
    user_id, patient_id = await verified_patient(client, runtime)
    slot_id = (await open_slot(client))["slot"]["id"]
    before = await runtime.his.slot(slot_id)
    assert before is not None
    lock_slot = runtime.his.lock_slot
    late: list[tuple[Any, ...]] = []
    sent: list[tuple[str, tuple[Any, ...], int | None]] = []

    async def times_out(*args: Any) -> Any:
        late.append(args)
        raise UpstreamTimeout("POST /slot-locks timed out", system="his")

    def send_now(actor: str, *args: Any, delay_ms: int | None = None) -> None:
        sent.append((actor, args, delay_ms))

    monkeypatch.setattr(runtime.his, "lock_slot", times_out)
    monkeypatch.setattr(enqueue, "send_now", send_now)
    with pytest.raises(DomainError) as busy:
        await BookingService(runtime).book(user_id, patient_id, slot_id, "k1")
    assert busy.value.code == "TRY_AGAIN"
    assert await nothing_held(runtime)

    await lock_slot(*late[0])  # the POST lands now, after the booking's own DELETE
    locked = await runtime.his.slot(slot_id)
    assert locked is not None and locked.remaining == before.remaining - 1

    [(actor, args, delay_ms)] = sent
    assert (actor, args) == ("release_his_lock", (late[0][0], "REGISTRATION"))
    assert delay_ms and delay_ms >= 5_000, "after the late POST has had its time"
    await his_locks.release_now(runtime, args[0], OrderKind(args[1]))  # the job's one step
    freed = await runtime.his.slot(slot_id)
    assert freed is not None and freed.remaining == before.remaining


async def test_a_his_queue_too_long_is_try_again_with_nothing_taken(
    client: httpx.AsyncClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Our own calls to the HIS full (datasources/http.py: UpstreamBusy): the booking was never
    sent, so it is TRY_AGAIN (overload), not UPSTREAM_UNAVAILABLE (the HIS away)."""
    user_id, patient_id = await verified_patient(client, runtime)
    slot_id = (await open_slot(client))["slot"]["id"]

    async def busy(*args: Any) -> Any:
        raise UpstreamBusy("his busy: GET /slots not sent", system="his")

    monkeypatch.setattr(runtime.his, "bookable_slot", busy)
    with pytest.raises(DomainError) as refused:
        await BookingService(runtime).book(user_id, patient_id, slot_id, "k1")
    assert refused.value.code == "TRY_AGAIN"
    assert await nothing_held(runtime)
