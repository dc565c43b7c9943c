"""The HIS is the source of truth (issue 9): a suspension whose event was lost is found by
the sweep; booking limits count the window's and the kiosks' registrations; bills read the
patient's insurance from the HIS when paid, and a restricted account cannot pay them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
from sqlmodel import select
from starlette.applications import Starlette

from fixtures.graphql import gql_data
from fixtures.journey import (
    book,
    eventually,
    open_slot,
    order,
    patient_of,
    pay,
    verified_user,
    wait_for_status,
)
from fixtures.money import (
    FAIL,
    LATER_DAY,
    PASS,
    ScriptedDice,
    assert_books_balance,
    confirmed_order,
    drained,
    his_faults,
    his_state,
    order_row,
    refund_rows,
)
from hospital_bff.clock import FrozenClock
from hospital_bff.jobs import scheduler
from hospital_bff.runtime import Runtime
from hospital_bff.services.his_bookings import cache_key
from hospital_bff.services.money import cancellation
from hospital_bff.services.money.rules import SuspensionCheck
from hospital_bff.store.models import HospitalUser, Order, PatientBinding, PlaceHold

LAB_ITEMS = [{"code": "LAB-CBC", "name": "血常规", "amount": 2500}]


async def new_bill(
    client: httpx.AsyncClient, his_patient_id: str, items: list[dict[str, Any]]
) -> str:
    r = await client.post("/sim/his/bills", json={"patientId": his_patient_id, "items": items})
    assert r.status_code in (200, 201), r.text
    bill_id: str = r.json()["id"]
    return bill_id


async def pay_bills(
    client: httpx.AsyncClient, token: str, patient_id: str, bill_ids: list[str], key: str = "b1"
) -> dict[str, Any]:
    data = await gql_data(
        client,
        "PayBills",
        {"input": {"patientId": patient_id, "billIds": bill_ids, "idempotencyKey": key}},
        token=token,
    )
    result: dict[str, Any] = data["payBills"]
    return result


# --- a suspension whose event was lost ------------------------------------------------------


async def notice_kinds(client: httpx.AsyncClient, token: str) -> list[str]:
    edges = (await gql_data(client, "Notices", {"first": 50}, token=token))["notices"]["edges"]
    return [e["node"]["kind"] for e in edges]


async def test_a_lost_suspension_is_found_and_finished_once(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    found = await open_slot(client, day=LATER_DAY)
    confirmed = await confirmed_order(client, token, found["slot"]["id"])
    schedule_id = found["schedule"]["id"]

    await his_faults(client, dropNotifications=True)
    r = await client.post(f"/sim/his/schedules/{schedule_id}/suspend", json={"reason": "专家生病"})
    assert r.status_code == 200
    await drained(app)
    his = his_state(app)
    [event] = [e for e in his.sent_events if e["type"] == "SCHEDULE_SUSPENDED"]
    assert event["id"] not in his.delivered, "the fault drops the event"
    assert (await order_row(runtime, confirmed["id"])).status == "CONFIRMED"

    assert await scheduler.check_schedules_at_his(runtime) == 1
    done = await wait_for_status(client, token, confirmed["id"], "CANCELLED")
    assert done["refund"]["mode"] == "REFUND"
    assert done["refund"]["amount"] == confirmed["amount"]

    async def refunded() -> bool:
        return (await order(client, token, confirmed["id"]))["refund"]["status"] == "SUCCEEDED"

    await eventually(refunded)
    assert (await notice_kinds(client, token)).count("EXPERT_SUSPENDED") == 1
    assert (await order_row(runtime, confirmed["id"])).cancel_reason == "专家生病"

    # Twice changes nothing twice: the schedule is no longer one to check, and the job itself,
    # run again, finds nothing left to cancel.
    assert await scheduler.check_schedules_at_his(runtime) == 0
    assert (
        await cancellation.check_schedule_at_his(runtime, schedule_id) is SuspensionCheck.SUSPENDED
    )
    await drained(app)
    assert len(await refund_rows(runtime, confirmed["id"])) == 1
    assert (await notice_kinds(client, token)).count("EXPERT_SUSPENDED") == 1
    await assert_books_balance(client, app, runtime)


async def test_an_open_schedule_is_checked_and_left_alone(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    found = await open_slot(client, day=LATER_DAY)
    confirmed = await confirmed_order(client, token, found["slot"]["id"])
    assert await cancellation.schedules_to_check_at_his(runtime) == [found["schedule"]["id"]]
    assert (
        await cancellation.check_schedule_at_his(runtime, found["schedule"]["id"])
        is SuspensionCheck.NOT_SUSPENDED
    )
    assert (await order_row(runtime, confirmed["id"])).status == "CONFIRMED"


async def test_only_coming_days_are_checked(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _ = await verified_user(client)
    found = await open_slot(client, day=LATER_DAY)
    await confirmed_order(client, token, found["slot"]["id"])
    clock.advance(days=5)  # the visit day is past: nothing to protect any more
    assert await cancellation.schedules_to_check_at_his(runtime) == []


# --- booking limits count every channel ---------------------------------------------------


async def window_registration(client: httpx.AsyncClient, slot_id: str, patient_id: str) -> None:
    r = await client.post(
        "/sim/his/window-registrations", json={"slotId": slot_id, "patientId": patient_id}
    )
    assert r.status_code == 200, r.text
    assert r.json()["orderId"] is None


async def test_a_window_registration_counts_towards_the_department_limit(
    client: httpx.AsyncClient,
) -> None:
    token, person = await verified_user(client)
    at_window = await open_slot(client, "dep-yk")
    await window_registration(client, at_window["slot"]["id"], person["id"])
    schedules = (
        await gql_data(
            client,
            "DepartmentSchedules",
            {"departmentId": "dep-yk", "from": "2026-11-28", "to": "2026-11-28"},
        )
    )["schedules"]
    other = next(
        slot["id"]
        for s in schedules
        if s["id"] != at_window["schedule"]["id"]
        for slot in s["slots"]
        if slot["remaining"] > 0
    )
    refused = await book(client, token, await patient_of(client, token), other)
    assert refused["__typename"] != "BookAppointmentSuccess"
    assert refused["code"] == "BOOKING_LIMIT_REACHED", refused

    same = next(s["id"] for s in at_window["schedule"]["slots"] if s["remaining"] > 1)
    refused = await book(client, token, await patient_of(client, token), same, key="k2")
    assert refused["code"] == "DUPLICATE_BOOKING", refused


async def test_our_own_confirmed_booking_is_counted_once(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Ours (which the HIS also lists, by our order ID) and one at the window make two that
    day; a third, in a third department, is within the limit of three."""
    token, person = await verified_user(client)
    patient_id = await patient_of(client, token)
    ours = await open_slot(client, "dep-yk")
    await confirmed_order(client, token, ours["slot"]["id"])
    window = await open_slot(client, "dep-wk")
    await window_registration(client, window["slot"]["id"], person["id"])
    # The cache keeps the HIS's answer a few seconds: a new booking after those seconds.
    await runtime.cache.delete(cache_key(person["id"], date(2026, 11, 28)))
    third = await open_slot(client, "dep-nk")
    booked = await book(client, token, patient_id, third["slot"]["id"], key="k3")
    assert booked["__typename"] == "BookAppointmentSuccess", booked

    await runtime.cache.delete(cache_key(person["id"], date(2026, 11, 28)))
    fourth = await open_slot(client, "dep-xhnk")
    refused = await book(client, token, patient_id, fourth["slot"]["id"], key="k4")
    assert refused["code"] == "BOOKING_LIMIT_REACHED", refused


async def test_booking_refuses_when_the_his_cannot_say_what_is_booked(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    found = await open_slot(client)
    patient_id = await patient_of(client, token)
    # The slot is read; the look-up of what the patient has booked (and its retries) fails.
    dice = ScriptedDice(PASS, then=FAIL)
    his_state(app).random = dice  # type: ignore[assignment]
    await his_faults(client, errorRate=0.5)
    refused = await book(client, token, patient_id, found["slot"]["id"])
    await his_faults(client, errorRate=0.0)
    assert not dice.left, "the slot was read before the look-up failed"
    assert refused["code"] == "UPSTREAM_UNAVAILABLE", refused
    async with runtime.sessions() as session:
        assert not (await session.exec(select(Order))).all()
        assert not (await session.exec(select(PlaceHold))).all()


# --- bills: insurance as the HIS says now; restriction -------------------------------------


async def test_insured_since_binding_pays_at_the_hospital(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, person = await verified_user(client)  # SELF_PAY when bound
    patient_id = await patient_of(client, token)
    bill_id = await new_bill(client, person["id"], LAB_ITEMS)
    his_state(app).patients[person["id"]].insurance = "MEDICAL_INSURANCE"  # at the desk

    refused = await pay_bills(client, token, patient_id, [bill_id])
    assert refused["code"] == "PAY_AT_HOSPITAL", refused
    assert not his_state(app).bill_locks
    async with runtime.sessions() as session:
        binding = (
            await session.exec(
                select(PatientBinding).where(PatientBinding.his_patient_id == person["id"])
            )
        ).one()
    assert binding.insurance == "MEDICAL_INSURANCE", "our copy follows the HIS"


async def test_self_pay_since_binding_pays_online(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    token, person = await verified_user(client, insurance="MEDICAL_INSURANCE")
    patient_id = await patient_of(client, token)
    bill_id = await new_bill(client, person["id"], LAB_ITEMS)
    his_state(app).patients[person["id"]].insurance = "SELF_PAY"
    paid = await pay_bills(client, token, patient_id, [bill_id])
    assert paid["__typename"] == "PayBillsSuccess", paid


async def test_a_restricted_user_cannot_pay_bills(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    token, person = await verified_user(client)
    patient_id = await patient_of(client, token)
    bill_id = await new_bill(client, person["id"], LAB_ITEMS)
    async with runtime.sessions() as session:
        user = (await session.exec(select(HospitalUser))).one()
        user.restricted_until = clock.now() + timedelta(hours=1)
        session.add(user)
        await session.commit()

    refused = await pay_bills(client, token, patient_id, [bill_id])
    assert refused["__typename"] == "UserRestrictedError", refused
    assert refused["code"] == "USER_RESTRICTED"
    assert not his_state(app).bill_locks, "nothing locked at the HIS"
    async with runtime.sessions() as session:
        assert not (await session.exec(select(Order))).all()

    clock.advance(hours=2)  # the restriction ends: the same bill can be paid
    paid = await pay_bills(client, token, patient_id, [bill_id], key="b2")
    assert paid["__typename"] == "PayBillsSuccess", paid


async def test_a_bill_order_made_before_a_restriction_is_not_paid_after(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    token, person = await verified_user(client)
    patient_id = await patient_of(client, token)
    bill_id = await new_bill(client, person["id"], LAB_ITEMS)
    made = await pay_bills(client, token, patient_id, [bill_id])
    assert made["__typename"] == "PayBillsSuccess", made
    async with runtime.sessions() as session:
        user = (await session.exec(select(HospitalUser))).one()
        user.restricted_until = clock.now() + timedelta(hours=1)
        session.add(user)
        await session.commit()
    refused = await pay(client, token, made["order"]["id"])
    assert refused["code"] == "USER_RESTRICTED", refused
