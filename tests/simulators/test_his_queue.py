"""The simulated HIS's queues: check-in, the queue read, calling the next patient (now, or at a
pace) and the QUEUE_UPDATED / QUEUE_CALLED events they send."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.simulators.his import HisState
from hospital_bff.simulators.his.snapshot import dump_his, load_his

BOOKED_AT = datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)
VISIT_MORNING = datetime(2026, 11, 28, 7, 40, tzinfo=SHANGHAI)
SCHEDULE = "sch-exp-nk-1-20261128-AM"
FEE = 5000 + 1000


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(BOOKED_AT)


async def book(his: httpx.AsyncClient, n: int, slot: str, patient: str) -> str:
    """A registration through the BFF's calls; its ID."""
    lock = {"lockId": f"l{n}", "slotId": slot, "patientId": patient, "ttlSeconds": 600}
    assert (await his.post("/slot-locks", json=lock)).status_code == 200
    body = {
        "orderId": f"ord-{n}",
        "lockId": f"l{n}",
        "slotId": slot,
        "patientId": patient,
        "amount": FEE,
        "paymentRef": f"pay-{n}",
    }
    answer = await his.post("/registrations", json=body)
    assert answer.status_code == 200, answer.text
    registration_id: str = answer.json()["id"]
    return registration_id


@pytest.fixture
async def three(his: httpx.AsyncClient, clock: FrozenClock) -> list[str]:
    """Three registrations on tomorrow's morning of exp-nk-1, numbers 1, 2, 3; then it is
    the visit morning."""
    ids = [
        await book(his, 1, "slot-exp-nk-1-20261128-AM-0800", "pat-0001"),
        await book(his, 2, "slot-exp-nk-1-20261128-AM-0800", "pat-0002"),
        await book(his, 3, "slot-exp-nk-1-20261128-AM-0830", "pat-0004"),
    ]
    clock.set(VISIT_MORNING)
    return ids


def queue_events(state: HisState) -> list[dict[str, Any]]:
    return [e for e in state.sent_events if e["type"].startswith("QUEUE_")]


async def test_check_in_puts_the_registration_in_number_order(
    his: httpx.AsyncClient, three: list[str], state: HisState
) -> None:
    first, _, third = three
    assert (await his.get(f"/registrations/{third}/queue")).json()["code"] == "NOT_CHECKED_IN"
    entry = (await his.post(f"/registrations/{third}/check-in")).json()
    assert (entry["status"], entry["position"], entry["ahead"]) == ("WAITING", 1, 0)
    assert entry["orderId"] == "ord-3"
    # An earlier number that checks in later goes in front of it.
    entry = (await his.post(f"/registrations/{first}/check-in")).json()
    assert (entry["position"], entry["ahead"]) == (1, 0)
    moved = (await his.get(f"/registrations/{third}/queue")).json()
    assert (moved["position"], moved["ahead"]) == (2, 1)
    assert moved["estimatedCallAt"] == "2026-11-28T07:50:00+08:00"  # 10 minutes a patient
    updates = [(e["data"]["registrationId"], e["data"]["position"]) for e in queue_events(state)]
    assert updates == [(third, 1), (first, 1), (third, 2)]


async def test_check_in_is_idempotent(
    his: httpx.AsyncClient, three: list[str], state: HisState
) -> None:
    once = (await his.post(f"/registrations/{three[0]}/check-in")).json()
    again = await his.post(f"/registrations/{three[0]}/check-in")
    assert again.status_code == 200 and again.json() == once
    assert len(queue_events(state)) == 1


async def test_only_a_confirmed_registration_of_today_checks_in(
    his: httpx.AsyncClient, clock: FrozenClock
) -> None:
    registration = await book(his, 1, "slot-exp-nk-1-20261128-AM-0800", "pat-0001")
    early = await his.post(f"/registrations/{registration}/check-in")
    assert (early.status_code, early.json()["code"]) == (409, "NOT_CHECKABLE")
    clock.set(VISIT_MORNING)
    await his.post(f"/registrations/{registration}/cancel", json={"reason": "x"})
    cancelled = await his.post(f"/registrations/{registration}/check-in")
    assert (cancelled.status_code, cancelled.json()["code"]) == (409, "NOT_CHECKABLE")
    assert (await his.post("/registrations/reg-nope/check-in")).status_code == 404


async def test_call_next_calls_in_order_and_tells_who_moved(
    his: httpx.AsyncClient, three: list[str], state: HisState
) -> None:
    for registration in three:
        await his.post(f"/registrations/{registration}/check-in")
    state.sent_events.clear()
    called = (await his.post(f"/schedules/{SCHEDULE}/queue/call-next")).json()["called"]
    assert (called["registrationId"], called["status"]) == (three[0], "CALLED")
    assert called["room"] == f"{state.schedules[SCHEDULE].location} 1诊室"
    assert called["calledAt"] == VISIT_MORNING.isoformat()
    kinds = [(e["type"], e["data"]["registrationId"]) for e in queue_events(state)]
    assert kinds == [
        ("QUEUE_CALLED", three[0]),
        ("QUEUE_UPDATED", three[1]),
        ("QUEUE_UPDATED", three[2]),
    ]
    await his.post(f"/schedules/{SCHEDULE}/queue/call-next")
    first = (await his.get(f"/registrations/{three[0]}/queue")).json()
    assert (first["status"], first["position"], first["ahead"]) == ("DONE", None, 0)
    last = (await his.get(f"/registrations/{three[2]}/queue")).json()
    assert (last["position"], last["ahead"]) == (1, 0)
    await his.post(f"/schedules/{SCHEDULE}/queue/call-next")
    empty = await his.post(f"/schedules/{SCHEDULE}/queue/call-next")
    assert empty.json() == {"called": None}
    screen = (await his.get(f"/schedules/{SCHEDULE}/queue")).json()["entries"]
    assert [e["status"] for e in screen] == ["DONE", "DONE", "DONE"]


async def test_a_missed_patient_leaves_the_queue(
    his: httpx.AsyncClient, three: list[str], state: HisState
) -> None:
    for registration in three:
        await his.post(f"/registrations/{registration}/check-in")
    await his.post(f"/registrations/{three[0]}/miss")
    assert (await his.get(f"/registrations/{three[0]}/queue")).json()["status"] == "MISSED"
    assert (await his.get(f"/registrations/{three[2]}/queue")).json()["ahead"] == 1


async def test_the_pace_calls_patients_by_itself(
    his: httpx.AsyncClient, three: list[str], state: HisState
) -> None:
    for registration in three:
        await his.post(f"/registrations/{registration}/check-in")
    answer = await his.put("/queue/pace", json={"secondsPerPatient": 0.01})
    assert answer.json() == {"secondsPerPatient": 0.01}
    try:
        # Waits on the state, not a duration: however slow the machine, all three get called.
        async with asyncio.timeout(30):
            while True:
                if all(state.queue[r].status != "WAITING" for r in three):
                    break
                await asyncio.sleep(0.01)
    finally:
        await his.put("/queue/pace", json={"secondsPerPatient": 0})
    assert state.pace_task is None
    bad = await his.put("/queue/pace", json={"secondsPerPatient": -1})
    assert (bad.status_code, bad.json()["code"]) == (422, "INVALID_INPUT")


async def test_the_room_controls_need_no_key_and_the_bff_calls_do(
    his_app: Starlette, three: list[str]
) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=his_app), base_url="http://his"
    ) as keyless:
        assert (await keyless.post(f"/schedules/{SCHEDULE}/queue/call-next")).status_code == 200
        assert (await keyless.get(f"/schedules/{SCHEDULE}/queue")).status_code == 200
        assert (await keyless.post(f"/registrations/{three[0]}/check-in")).status_code == 401
        assert (await keyless.get(f"/registrations/{three[0]}/queue")).status_code == 401


async def test_the_queue_survives_a_restart(
    his: httpx.AsyncClient, three: list[str], state: HisState, clock: FrozenClock
) -> None:
    await his.post(f"/registrations/{three[1]}/check-in")
    restarted = HisState(clock)
    load_his(restarted, dump_his(state))
    assert restarted.queue[three[1]].status == "WAITING"
