"""The slot gate in front of a booking: a full slot is answered without the HIS, a place that
comes back (a cancellation, an expiry) is sold again, and an overloaded process answers
TRY_AGAIN having taken nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlmodel import select
from starlette.applications import Starlette

from fixtures.journey import (
    book,
    eventually,
    open_slot,
    patient_of,
    verified_user,
    wait_for_status,
)
from fixtures.money import cancel, his_faults, his_state
from hospital_bff.clock import FrozenClock
from hospital_bff.jobs import scheduler
from hospital_bff.runtime import Runtime
from hospital_bff.services.money import payments
from hospital_bff.services.slot_gate import Admission
from hospital_bff.store.models import Order, PlaceHold


async def one_place_slot(client: httpx.AsyncClient) -> str:
    slot_id: str = (await open_slot(client))["slot"]["id"]
    response = await client.post(f"/sim/his/slots/{slot_id}/capacity", json={"capacity": 1})
    assert response.status_code == 200, response.text
    return slot_id


async def patients(client: httpx.AsyncClient, count: int) -> list[tuple[str, str]]:
    """`count` verified users, each with their own patient: (token, patient id)."""
    found = []
    for i in range(count):
        token, _ = await verified_user(client, openid=f"o-gate-{i}")
        found.append((token, await patient_of(client, token)))
    return found


async def test_a_full_slot_is_answered_without_asking_the_his(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    slot_id = await one_place_slot(client)
    (first, first_patient), (second, second_patient) = await patients(client, 2)
    booked = await book(client, first, first_patient, slot_id)
    assert booked["__typename"] == "BookAppointmentSuccess", booked

    calls = runtime.his.calls
    refused = await book(client, second, second_patient, slot_id)
    assert refused["code"] == "SLOT_FULL"
    assert runtime.his.calls == calls


async def test_the_same_request_sent_again_gets_its_order_from_a_full_slot(
    client: httpx.AsyncClient,
) -> None:
    slot_id = await one_place_slot(client)
    [(token, patient)] = await patients(client, 1)
    booked = await book(client, token, patient, slot_id)
    again = await book(client, token, patient, slot_id)
    assert again["__typename"] == "BookAppointmentSuccess", again
    assert again["order"]["id"] == booked["order"]["id"]


async def test_a_cancelled_place_is_sold_again(
    client: httpx.AsyncClient, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The job that would also give the HIS's hold back stays queued (as behind a backlog).
    enqueue = payments.enqueue_after_commit

    def queued_forever(session: Any, actor: str, *args: Any, delay_ms: int | None = None) -> None:
        if actor != "release_his_hold":
            enqueue(session, actor, *args, delay_ms=delay_ms)

    monkeypatch.setattr(payments, "enqueue_after_commit", queued_forever)
    slot_id = await one_place_slot(client)
    (first, first_patient), (second, second_patient) = await patients(client, 2)
    booked = (await book(client, first, first_patient, slot_id))["order"]
    assert (await book(client, second, second_patient, slot_id))["code"] == "SLOT_FULL"

    cancelled = await cancel(client, first, booked["id"])
    assert cancelled["__typename"] == "CancelAppointmentSuccess", cancelled
    # Given back before the answer, the HIS's hold too.
    assert not his_state(app).locks_by_slot.get(slot_id)
    again = await book(client, second, second_patient, slot_id, key="k2")
    assert again["__typename"] == "BookAppointmentSuccess", again


async def test_an_expired_place_is_sold_again(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    slot_id = await one_place_slot(client)
    (first, first_patient), (second, second_patient) = await patients(client, 2)
    booked = (await book(client, first, first_patient, slot_id))["order"]
    assert (await book(client, second, second_patient, slot_id))["code"] == "SLOT_FULL"

    clock.advance(seconds=runtime.settings.payment_window_seconds + 1)
    assert await scheduler.expire_unpaid_orders(runtime) == 1
    await wait_for_status(client, first, booked["id"], "EXPIRED")

    async def his_hold_released() -> bool:  # by the job the expiry enqueued
        return not his_state(app).locks_by_slot.get(slot_id)

    await eventually(his_hold_released)
    again = await book(client, second, second_patient, slot_id, key="k2")
    assert again["__typename"] == "BookAppointmentSuccess", again


async def test_an_overloaded_process_answers_try_again_and_takes_nothing(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    slot_id = await one_place_slot(client)
    [(token, patient)] = await patients(client, 1)
    runtime.slot_gate.admission = Admission(limit=1, wait_seconds=0.01)
    async with runtime.slot_gate.admission.admitted():  # every booking place is busy
        refused = await book(client, token, patient, slot_id)
    assert refused["code"] == "TRY_AGAIN", refused
    # Its ticket came back: the one place is still there for the same request, sent again.
    again = await book(client, token, patient, slot_id)
    assert again["__typename"] == "BookAppointmentSuccess", again


async def test_an_his_too_slow_to_answer_is_try_again_and_nothing_is_taken(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    slot_id = await one_place_slot(client)
    [(token, patient)] = await patients(client, 1)
    await his_faults(client, timeoutRate=1.0)
    refused = await book(client, token, patient, slot_id)
    assert refused["code"] == "TRY_AGAIN", refused
    async with runtime.sessions() as session:
        assert not (await session.exec(select(Order))).all()
        assert not (await session.exec(select(PlaceHold))).all()
    await his_faults(client, timeoutRate=0.0)
    again = await book(client, token, patient, slot_id)
    assert again["__typename"] == "BookAppointmentSuccess", again


async def test_a_burst_retrying_on_try_again_sells_every_place_and_no_more(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    slot_id = (await open_slot(client))["slot"]["id"]
    response = await client.post(f"/sim/his/slots/{slot_id}/capacity", json={"capacity": 3})
    assert response.status_code == 200
    people = await patients(client, 10)
    runtime.slot_gate.admission = Admission(limit=2, wait_seconds=0.001)
    answers: list[str] = []
    retried = 0

    async def wants_a_place(i: int, token: str, patient: str) -> None:
        nonlocal retried
        while True:
            answer = await book(client, token, patient, slot_id, key=f"burst-{i}")
            if answer.get("code") != "TRY_AGAIN":
                answers.append(answer.get("code", "OK"))
                return
            retried += 1
            await asyncio.sleep(0)

    await asyncio.gather(*(wants_a_place(i, t, p) for i, (t, p) in enumerate(people)))
    assert sorted(answers) == ["OK"] * 3 + ["SLOT_FULL"] * 7
