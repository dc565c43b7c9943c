"""The simulated HIS: its seed, its capacity under concurrency, idempotency, faults and events."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fixtures.his_sim import SECRET
from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.datasources.his_webhook import verify_his_signature
from hospital_bff.simulators.his import HisState, create_his_app
from hospital_bff.simulators.his.id_numbers import id_check_digit, id_number_facts

START = datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)
TODAY = START.date()
SLOT = "slot-exp-nk-1-20261128-AM-0800"  # 主任医师: capacity 2
SCHEDULE = "sch-exp-nk-1-20261128-AM"
FEE = 5000 + 1000


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


async def lock(
    his: httpx.AsyncClient,
    lock_id: str,
    *,
    slot_id: str = SLOT,
    patient_id: str = "pat-0001",
    ttl: int = 600,
) -> httpx.Response:
    body = {"lockId": lock_id, "slotId": slot_id, "patientId": patient_id, "ttlSeconds": ttl}
    return await his.post("/slot-locks", json=body)


async def register(
    his: httpx.AsyncClient,
    order_id: str,
    lock_id: str,
    *,
    slot_id: str = SLOT,
    patient_id: str = "pat-0001",
    amount: int = FEE,
) -> httpx.Response:
    body = {
        "orderId": order_id,
        "lockId": lock_id,
        "slotId": slot_id,
        "patientId": patient_id,
        "amount": amount,
        "paymentRef": f"pay-{order_id}",
    }
    return await his.post("/registrations", json=body)


async def slot_remaining(his: httpx.AsyncClient, slot_id: str = SLOT) -> int:
    remaining: int = (await his.get(f"/slots/{slot_id}")).json()["remaining"]
    return remaining


# --- seed -------------------------------------------------------------------------------------


async def test_seed_has_the_departments_with_their_restrictions(his: httpx.AsyncClient) -> None:
    departments = {d["name"]: d for d in (await his.get("/departments")).json()}

    assert {"内科", "外科", "妇产科", "儿科", "男科", "眼科"} <= set(departments)
    assert departments["妇产科"]["restriction"] == {"sex": "FEMALE", "minAge": None, "maxAge": None}
    assert departments["男科"]["restriction"]["sex"] == "MALE"
    assert departments["儿科"]["restriction"] == {"sex": None, "minAge": None, "maxAge": 14}
    assert departments["内科"]["restriction"] == {"sex": None, "minAge": None, "maxAge": None}
    assert departments["消化内科"]["parentId"] == departments["内科"]["id"]
    assert all(d["intro"] and d["location"] for d in departments.values())


async def test_every_department_has_experts_with_schedules_for_a_week(
    his: httpx.AsyncClient,
) -> None:
    departments = (await his.get("/departments")).json()
    for department in departments:
        experts = (await his.get("/experts", params={"departmentId": department["id"]})).json()
        assert len(experts) >= 2, department["name"]
        assert all(e["photoUrl"].endswith(f"/photos/{e['id']}.svg") for e in experts)

    schedules = (
        await his.get(
            "/schedules",
            params={
                "expertId": "exp-nk-1",
                "from": TODAY.isoformat(),
                "to": (TODAY + timedelta(days=7)).isoformat(),
            },
        )
    ).json()
    assert len(schedules) == 16
    assert {s["period"] for s in schedules} == {"MORNING", "AFTERNOON"}
    morning = schedules[0]
    assert morning["id"] == "sch-exp-nk-1-20261127-AM"
    assert [s["startsAt"][11:16] for s in morning["slots"]][:2] == ["08:00", "08:30"]
    assert morning["registrationFee"] == 5000
    assert morning["capacity"] == sum(s["capacity"] for s in morning["slots"])
    assert datetime.fromisoformat(morning["releaseAt"]) <= START


async def test_schedules_filter_by_ids_and_department(his: httpx.AsyncClient) -> None:
    by_ids = (await his.get("/schedules", params={"ids": f"{SCHEDULE},nope"})).json()
    by_department = (
        await his.get(
            "/schedules",
            params={"departmentId": "dep-fck", "from": "2026-11-28", "to": "2026-11-28"},
        )
    ).json()

    assert [s["id"] for s in by_ids] == [SCHEDULE]
    assert {s["departmentId"] for s in by_department} == {"dep-fck"}
    assert len(by_department) == 4  # two experts, two periods


async def test_seed_patients_have_valid_id_numbers_and_records(his: httpx.AsyncClient) -> None:
    for n in range(1, 5):
        patient = (await his.get(f"/patients/pat-{n:04d}")).json()
        facts = id_number_facts(patient["idNumber"])
        assert facts == (patient["sex"], date.fromisoformat(patient["birthDate"]))
        assert id_check_digit(patient["idNumber"][:17]) == patient["idNumber"][17]
        lookup = await his.post("/patients/lookup", json={"idNumber": patient["idNumber"]})
        assert [p["id"] for p in lookup.json()["patients"]] == [patient["id"]]
        assert (await his.get(f"/patients/{patient['id']}/reports")).json()
        assert (await his.get(f"/patients/{patient['id']}/prescriptions")).json()
        unpaid = await his.get(f"/patients/{patient['id']}/bills", params={"status": "UNPAID"})
        assert unpaid.json()


def test_id_check_digit_matches_a_published_example() -> None:
    # GB 11643-1999's own example number.
    assert id_check_digit("11010519491231002") == "X"


async def test_a_child_is_seeded_for_paediatrics(his: httpx.AsyncClient) -> None:
    child = (await his.get("/patients/pat-0003")).json()
    assert TODAY.year - date.fromisoformat(child["birthDate"]).year <= 14


async def test_photos_are_served_without_the_key(his_app: Starlette) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=his_app), base_url="http://his"
    ) as anonymous:
        response = await anonymous.get("/photos/exp-nk-1.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")


async def test_the_api_key_is_required(his_app: Starlette) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=his_app), base_url="http://his"
    ) as anonymous:
        missing = await anonymous.get("/departments")
        wrong = await anonymous.get("/departments", headers={"X-His-Key": "nope"})
        admin = await anonymous.get("/faults")
    assert (missing.status_code, wrong.status_code, admin.status_code) == (401, 401, 200)


# --- slot locks and capacity ------------------------------------------------------------------


async def test_concurrent_locks_never_exceed_capacity(
    his: httpx.AsyncClient, state: HisState
) -> None:
    capacity = state.slots[SLOT].capacity

    responses = await asyncio.gather(*(lock(his, f"lock-{i}") for i in range(200)))

    codes = [r.status_code for r in responses]
    assert codes.count(200) == capacity
    assert {r.json()["code"] for r in responses if r.status_code != 200} == {"SLOT_FULL"}
    assert await slot_remaining(his) == 0


async def test_a_full_schedule_reads_full(his: httpx.AsyncClient, state: HisState) -> None:
    schedule = state.schedules[SCHEDULE]
    for slot_id in schedule.slot_ids:
        for i in range(state.slots[slot_id].capacity):
            assert (await lock(his, f"{slot_id}-{i}", slot_id=slot_id)).status_code == 200

    body = (await his.get("/schedules", params={"ids": SCHEDULE})).json()[0]
    assert (body["status"], body["remaining"]) == ("FULL", 0)


async def test_an_expired_lock_frees_its_seat(his: httpx.AsyncClient, clock: FrozenClock) -> None:
    for i in range(2):
        assert (await lock(his, f"old-{i}", ttl=60)).status_code == 200
    assert (await lock(his, "late")).json()["code"] == "SLOT_FULL"

    clock.advance(seconds=61)

    assert await slot_remaining(his) == 2
    assert (await lock(his, "late")).status_code == 200


async def test_a_released_lock_frees_its_seat(his: httpx.AsyncClient) -> None:
    await lock(his, "a")
    await lock(his, "b")
    released = await his.delete("/slot-locks/a")
    again = await his.delete("/slot-locks/a")
    unknown = await his.delete("/slot-locks/never")
    assert (released.status_code, again.status_code, unknown.status_code) == (204, 204, 204)
    assert await slot_remaining(his) == 1


async def test_the_same_lock_id_is_the_same_lock(his: httpx.AsyncClient) -> None:
    first = await lock(his, "same")
    second = await lock(his, "same")

    assert first.json() == second.json()
    assert await slot_remaining(his) == 1
    other_slot = await lock(his, "same", slot_id="slot-exp-nk-1-20261128-AM-0830")
    assert other_slot.json()["code"] == "IDEMPOTENCY_CONFLICT"


async def test_a_lock_needs_an_open_schedule(his: httpx.AsyncClient, clock: FrozenClock) -> None:
    await his.post(f"/schedules/{SCHEDULE}/suspend", json={"reason": "专家外出会诊"})
    suspended = await lock(his, "x")
    past = await lock(his, "y", slot_id="slot-exp-nk-1-20261127-AM-0800")  # ended 08:30 today
    missing = await lock(his, "z", slot_id="slot-nope")

    assert suspended.json()["code"] == "SCHEDULE_NOT_OPEN"
    assert past.json()["code"] == "SCHEDULE_NOT_OPEN"
    assert missing.status_code == 404


# --- registrations ----------------------------------------------------------------------------


async def test_registration_takes_the_seat_and_is_idempotent(his: httpx.AsyncClient) -> None:
    await lock(his, "l1")
    first = await register(his, "o1", "l1")
    replay = await register(his, "o1", "l1")

    assert first.status_code == 200
    assert replay.json() == first.json()
    body = first.json()
    assert body["status"] == "CONFIRMED"
    assert body["number"] == 1
    assert body["suggestedArrival"] == "2026-11-28T07:45:00+08:00"
    assert body["location"] == "门诊楼2层A区"
    assert await slot_remaining(his) == 1  # the seat moved from the lock to the registration
    found = await his.get("/registrations", params={"orderId": "o1"})
    assert found.json() == [body]
    assert (await his.get("/registrations", params={"orderId": "o2"})).json() == []


async def test_numbers_run_per_schedule(his: httpx.AsyncClient) -> None:
    other_slot = "slot-exp-nk-1-20261128-AM-0830"
    await lock(his, "l1")
    await lock(his, "l2", slot_id=other_slot, patient_id="pat-0002")
    await lock(his, "l3", slot_id="slot-exp-wk-1-20261128-AM-0800")
    first = (await register(his, "o1", "l1")).json()
    second = (await register(his, "o2", "l2", slot_id=other_slot, patient_id="pat-0002")).json()
    elsewhere = (await register(his, "o3", "l3", slot_id="slot-exp-wk-1-20261128-AM-0800")).json()

    assert (first["number"], second["number"], elsewhere["number"]) == (1, 2, 1)


async def test_confirm_is_refused_without_a_live_lock(
    his: httpx.AsyncClient, clock: FrozenClock
) -> None:
    await lock(his, "l1", ttl=60)
    clock.advance(seconds=61)

    expired = await register(his, "o1", "l1")
    unknown = await register(his, "o2", "never-locked")

    assert (expired.status_code, expired.json()["code"]) == (409, "CONFIRM_REFUSED")
    assert unknown.json()["code"] == "CONFIRM_REFUSED"


async def test_confirm_checks_the_amount(his: httpx.AsyncClient) -> None:
    await lock(his, "l1")
    response = await register(his, "o1", "l1", amount=FEE - 1)
    assert (response.status_code, response.json()["code"]) == (409, "AMOUNT_MISMATCH")


async def test_fail_confirm_refuses_new_confirms_only(his: httpx.AsyncClient) -> None:
    await lock(his, "l1")
    await lock(his, "l2", patient_id="pat-0002")
    done = (await register(his, "o1", "l1")).json()

    await his.put("/faults", json={"failConfirm": True})
    refused = await register(his, "o2", "l2", patient_id="pat-0002")
    replay = await register(his, "o1", "l1")
    bills = await his.post(
        "/bill-payments",
        json={
            "orderId": "o3",
            "lockId": "bl",
            "patientId": "pat-0001",
            "billIds": ["bill-0001-1"],
            "amount": 7000,
            "paymentRef": "p",
        },
    )

    assert (refused.status_code, refused.json()["code"]) == (409, "CONFIRM_REFUSED")
    assert replay.json() == done
    assert (bills.status_code, bills.json()["code"]) == (409, "CONFIRM_REFUSED")


async def test_cancel_frees_the_seat_unless_visited(
    his: httpx.AsyncClient, state: HisState
) -> None:
    await lock(his, "l1")
    await lock(his, "l2", patient_id="pat-0002")
    first = (await register(his, "o1", "l1")).json()
    second = (await register(his, "o2", "l2", patient_id="pat-0002")).json()

    cancelled = await his.post(f"/registrations/{first['id']}/cancel", json={"reason": "有事"})
    again = await his.post(f"/registrations/{first['id']}/cancel", json={"reason": "有事"})
    await his.post(f"/registrations/{second['id']}/visit")
    refused = await his.post(f"/registrations/{second['id']}/cancel", json={"reason": "x"})

    assert cancelled.json()["status"] == "CANCELLED"
    assert again.json()["status"] == "CANCELLED"
    assert (refused.status_code, refused.json()["code"]) == (409, "CANCEL_NOT_ALLOWED")
    assert await slot_remaining(his) == 1
    assert [e["type"] for e in state.sent_events] == ["VISIT_COMPLETED"]
    assert state.sent_events[0]["data"] == {
        "registrationId": second["id"],
        "orderId": "o2",
        "patientId": "pat-0002",
    }


async def test_a_printed_invoice_blocks_cancel(his: httpx.AsyncClient) -> None:
    await lock(his, "l1")
    registration = (await register(his, "o1", "l1")).json()
    await his.post(f"/registrations/{registration['id']}/print-invoice")
    refused = await his.post(f"/registrations/{registration['id']}/cancel", json={})
    assert refused.json()["code"] == "CANCEL_NOT_ALLOWED"


# --- bills ------------------------------------------------------------------------------------


async def test_paying_bills(his: httpx.AsyncClient) -> None:
    bill_ids = ["bill-0001-1"]
    quote = (
        await his.post("/bill-payments/quote", json={"patientId": "pat-0001", "billIds": bill_ids})
    ).json()
    held = await his.post(
        "/bill-locks",
        json={"lockId": "bl1", "patientId": "pat-0001", "billIds": bill_ids, "ttlSeconds": 600},
    )
    taken = await his.post(
        "/bill-locks",
        json={"lockId": "bl2", "patientId": "pat-0001", "billIds": bill_ids, "ttlSeconds": 600},
    )
    body = {
        "orderId": "o1",
        "lockId": "bl1",
        "patientId": "pat-0001",
        "billIds": bill_ids,
        "amount": quote["amount"],
        "paymentRef": "p1",
    }
    paid = await his.post("/bill-payments", json=body)
    replay = await his.post("/bill-payments", json=body)

    assert quote["amount"] == 6500 + 500  # the tests, plus the blood draw the HIS adds
    assert {i["code"] for i in quote["items"]} == {"LAB-CBC", "LAB-CRP", "SUP-BLOOD"}
    assert held.json()["amount"] == quote["amount"]
    assert (taken.status_code, taken.json()["code"]) == (409, "BILL_NOT_PAYABLE")
    assert paid.json()["status"] == "CONFIRMED"
    assert replay.json() == paid.json()
    unpaid = (await his.get("/patients/pat-0001/bills", params={"status": "UNPAID"})).json()
    assert "bill-0001-1" not in {b["id"] for b in unpaid}
    found = (await his.get("/bill-payments", params={"orderId": "o1"})).json()
    assert found == [paid.json()]


async def test_a_created_bill_is_unpaid(his: httpx.AsyncClient) -> None:
    created = await his.post(
        "/bills",
        json={
            "patientId": "pat-0004",
            "items": [{"code": "DRUG-1", "name": "阿莫西林胶囊", "amount": 2350}],
        },
    )
    unpaid = (await his.get("/patients/pat-0004/bills", params={"status": "UNPAID"})).json()
    assert created.json()["id"] in {b["id"] for b in unpaid}


# --- patients ---------------------------------------------------------------------------------


async def test_a_created_patient_can_be_looked_up(his: httpx.AsyncClient) -> None:
    first17 = "44030419951020003"
    id_number = first17 + id_check_digit(first17)
    created = await his.post(
        "/patients", json={"name": "陈晓", "idNumber": id_number, "phone": "13700000000"}
    )
    bad = await his.post("/patients", json={"name": "陈晓", "idNumber": first17 + "0"})

    found = await his.post("/patients/lookup", json={"idNumber": id_number})
    patient = found.json()["patients"][0]
    assert patient["id"] == created.json()["id"]
    assert (patient["sex"], patient["birthDate"]) == ("MALE", "1995-10-20")
    assert patient["insurance"] == "SELF_PAY"
    assert bad.json()["code"] == "INVALID_ID_NUMBER"


# --- faults -----------------------------------------------------------------------------------


async def test_error_rate_answers_503_except_to_admin(his: httpx.AsyncClient) -> None:
    await his.put("/faults", json={"errorRate": 1.0})
    failed = await his.get("/departments")
    admin = await his.get("/faults")
    await his.put("/faults", json={"errorRate": 0.0})
    healed = await his.get("/departments")

    assert failed.status_code == 503
    assert admin.json()["errorRate"] == 1.0
    assert healed.status_code == 200


async def test_latency_slows_every_call(his: httpx.AsyncClient) -> None:
    await his.put("/faults", json={"latencyMs": 150})
    started = time.monotonic()
    await his.get("/departments")
    assert time.monotonic() - started >= 0.15


async def test_a_timeout_does_the_work_but_answers_late(
    his: httpx.AsyncClient, state: HisState
) -> None:
    state.hang_seconds = 0.2
    await his.put("/faults", json={"timeoutRate": 1.0})
    started = time.monotonic()
    response = await lock(his, "slow")
    assert time.monotonic() - started >= 0.2
    assert response.status_code == 200
    assert "slow" in state.slot_locks


async def test_bad_faults_are_rejected(his: httpx.AsyncClient) -> None:
    assert (await his.put("/faults", json={"errorRate": 2})).status_code == 422
    assert (await his.put("/faults", json={"nonsense": True})).status_code == 422


async def test_reset_restores_the_seed(his: httpx.AsyncClient, state: HisState) -> None:
    await lock(his, "l1")
    await his.put("/faults", json={"failConfirm": True})
    await his.post("/reset")
    assert await slot_remaining(his) == 2
    assert state.faults.fail_confirm is False


# --- events -----------------------------------------------------------------------------------


class Receiver:
    """A webhook endpoint that records what it got, and can fail the first attempts."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.requests: list[tuple[dict[str, str], bytes]] = []

    async def handle(self, request: Request) -> Response:
        self.requests.append((dict(request.headers), await request.body()))
        if len(self.requests) <= self.fail_first:
            return JSONResponse({"error": "busy"}, status_code=503)
        return Response(status_code=204)


@pytest.fixture
def receiver() -> Receiver:
    return Receiver(fail_first=1)


@pytest.fixture
async def signed_his(
    clock: FrozenClock, receiver: Receiver
) -> AsyncIterator[tuple[httpx.AsyncClient, HisState]]:
    bff = Starlette(routes=[Route("/webhooks/his", receiver.handle, methods=["POST"])])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=bff), base_url="http://bff"
    ) as outbound:
        app = create_his_app(
            clock=clock,
            webhook_url="http://bff/webhooks/his",
            webhook_secret=SECRET,
            api_key=None,
            http=outbound,
        )
        state: HisState = app.state.his
        state.retry_delays = (0.01, 0.01)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://his"
        ) as client:
            yield client, state


async def test_events_are_signed_and_retried(
    signed_his: tuple[httpx.AsyncClient, HisState], receiver: Receiver, clock: FrozenClock
) -> None:
    his, state = signed_his
    report = await his.post(
        "/reports",
        json={
            "patientId": "pat-0001",
            "kind": "LAB",
            "title": "尿常规",
            "conclusion": "未见异常",
            "items": [{"name": "尿蛋白", "value": "阴性", "flag": "NORMAL"}],
        },
    )
    await his.post(f"/schedules/{SCHEDULE}/suspend", json={"reason": "专家外出会诊"})
    await state.drain()

    # The report's first attempt was refused and retried, so the suspension overtook it.
    assert len(receiver.requests) == 3
    events = {}
    for headers, body in receiver.requests[1:]:
        assert verify_his_signature(
            SECRET, headers["x-his-timestamp"], body, headers["x-his-signature"], clock.now()
        )
        assert not verify_his_signature(
            "other", headers["x-his-timestamp"], body, headers["x-his-signature"], clock.now()
        )
        event = json.loads(body)
        events[event["type"]] = event
    assert events["REPORT_READY"]["data"] == {
        "reportId": report.json()["id"],
        "patientId": "pat-0001",
    }
    assert events["SCHEDULE_SUSPENDED"]["data"] == {
        "scheduleId": SCHEDULE,
        "reason": "专家外出会诊",
    }
    assert sorted(state.delivered) == sorted(e["id"] for e in events.values())
    schedule = (await his.get("/schedules", params={"ids": SCHEDULE})).json()[0]
    assert schedule["status"] == "SUSPENDED"


@pytest.mark.parametrize(
    ("faults", "deliveries"),
    [({"dropNotifications": True}, 0), ({"duplicateNotifications": True}, 2)],
)
async def test_notification_faults(
    signed_his: tuple[httpx.AsyncClient, HisState],
    receiver: Receiver,
    faults: dict[str, Any],
    deliveries: int,
) -> None:
    his, state = signed_his
    receiver.fail_first = 0
    await his.put("/faults", json=faults)
    await his.post(f"/schedules/{SCHEDULE}/suspend", json={"reason": "停诊"})
    await state.drain()
    assert len(receiver.requests) == deliveries
    assert len(state.sent_events) == 1


# --- registrations from every channel ------------------------------------------------------


async def test_window_registrations_take_a_seat_and_are_listed_with_ours(
    his: httpx.AsyncClient,
) -> None:
    at_window = await his.post(
        "/window-registrations", json={"slotId": SLOT, "patientId": "pat-0001"}
    )
    assert at_window.status_code == 200, at_window.text
    assert at_window.json()["orderId"] is None
    assert at_window.json()["departmentId"] == "dep-nk"
    assert at_window.json()["visitDate"] == "2026-11-28"
    assert (await lock(his, "l1")).status_code == 200
    body = {
        "orderId": "ord-1",
        "lockId": "l1",
        "slotId": SLOT,
        "patientId": "pat-0001",
        "amount": FEE,
        "paymentRef": "tx-1",
    }
    assert (await his.post("/registrations", json=body)).status_code == 200
    # Capacity 2: the window's seat and ours fill it.
    full = await his.post("/window-registrations", json={"slotId": SLOT, "patientId": "pat-0002"})
    assert full.json()["code"] == "SLOT_FULL"

    listed = await his.get(
        "/patients/pat-0001/registrations",
        params={"from": "2026-11-28", "to": "2026-11-28", "status": "active"},
    )
    assert sorted(r["orderId"] or "" for r in listed.json()) == ["", "ord-1"]
    other_day = await his.get(
        "/patients/pat-0001/registrations", params={"from": "2026-11-29", "status": "active"}
    )
    assert other_day.json() == []
    bad = await his.get("/patients/pat-0001/registrations", params={"status": "soon"})
    assert bad.status_code == 422
    assert (await his.get("/patients/nobody/registrations")).status_code == 404


async def test_a_suspended_schedule_says_why(his: httpx.AsyncClient) -> None:
    await his.post(f"/schedules/{SCHEDULE}/suspend", json={"reason": "外出会诊"})
    [schedule] = (await his.get("/schedules", params={"ids": SCHEDULE})).json()
    assert schedule["status"] == "SUSPENDED"
    assert schedule["suspendReason"] == "外出会诊"
