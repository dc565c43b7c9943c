"""Cancelling: by the patient (unpaid, same day, next day, after the visit) and by the hospital
when an expert stops work (staff, or the HIS's event). The books balance after each."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from starlette.applications import Starlette

from fixtures.graphql import gql_data
from fixtures.journey import (
    book,
    eventually,
    ledger,
    open_slot,
    order,
    patient_of,
    pay,
    verified_user,
    wait_for_status,
)
from fixtures.money import (
    LATER_DAY,
    assert_books_balance,
    bank_state,
    cancel,
    cashier_pay,
    confirmed_order,
    drained,
    his_faults,
    his_state,
    order_row,
    payment_row,
    refund_rows,
    staff_token,
)
from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.runtime import Runtime
from hospital_bff.services import his_bookings
from hospital_bff.services.money import cancellation, confirmation
from hospital_bff.services.money.rules import Cancellation, Visit
from hospital_bff.simulators.his import sign_event
from hospital_bff.store.models import SuspendedSchedule


async def slot_remaining(client: httpx.AsyncClient, department: str, day: str, slot_id: str) -> int:
    data = await gql_data(
        client, "DepartmentSchedules", {"departmentId": department, "from": day, "to": day}
    )
    return next(
        int(s["remaining"]) for sch in data["schedules"] for s in sch["slots"] if s["id"] == slot_id
    )


async def kinds_of_notices(client: httpx.AsyncClient, token: str) -> list[str]:
    edges = (await gql_data(client, "Notices", {"first": 50}, token=token))["notices"]["edges"]
    return [e["node"]["kind"] for e in edges]


# --- by the patient ---------------------------------------------------------------------


async def test_cancel_unpaid_order_releases_the_slot(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    found = await open_slot(client)
    slot_id = found["slot"]["id"]
    booked = (await book(client, token, await patient_of(client, token), slot_id))["order"]
    payment = (await pay(client, token, booked["id"]))["payment"]
    held = await slot_remaining(client, "dep-yk", "2026-11-28", slot_id)

    cancelled = await cancel(client, token, booked["id"], "不去了")
    assert cancelled["__typename"] == "CancelAppointmentSuccess", cancelled
    assert cancelled["order"]["status"] == "CANCELLED"
    assert cancelled["order"]["refund"] is None
    out_trade_no = (await payment_row(runtime, booked["id"])).out_trade_no
    assert bank_state(app).orders[out_trade_no].trade_state == "CLOSED"

    async def released() -> bool:
        return his_state(app).slot_locks[booked["id"]].released

    await eventually(released)
    assert await slot_remaining(client, "dep-yk", "2026-11-28", slot_id) == held + 1
    # The cashier can no longer take money for it.
    assert (await cashier_pay(client, payment["payUrl"])).status_code != 200
    again = await cancel(client, token, booked["id"])
    assert again["__typename"] != "CancelAppointmentSuccess"
    assert again["code"] == "INVALID_STATE"
    await assert_books_balance(client, app, runtime)


async def test_cancel_confirmed_order_the_same_day_is_reversed_at_once(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    found = await open_slot(client)
    confirmed = await confirmed_order(client, token, found["slot"]["id"])
    held = await slot_remaining(client, "dep-yk", "2026-11-28", found["slot"]["id"])

    cancelled = await cancel(client, token, confirmed["id"])
    assert cancelled["__typename"] == "CancelAppointmentSuccess", cancelled
    assert cancelled["order"]["status"] == "CANCELLED"
    refund = cancelled["order"]["refund"]
    assert refund["mode"] == "REVERSAL"
    assert refund["amount"] == confirmed["amount"]

    async def money_back() -> bool:
        return (await order(client, token, confirmed["id"]))["refund"]["status"] == "SUCCEEDED"

    await eventually(money_back)
    books = await ledger(client)
    # A reversal is a refund sent at once through the refunds API (v3 has no reverse call).
    assert [r["state"] for r in books["refunds"]] == ["SUCCESS"]
    assert books["totals"]["refunded"] == books["totals"]["paid"] == confirmed["amount"]
    registration = his_state(app).registrations[
        his_state(app).registration_by_order[confirmed["id"]]
    ]
    assert registration.status == "CANCELLED"
    assert await slot_remaining(client, "dep-yk", "2026-11-28", found["slot"]["id"]) == held + 1
    assert {"ORDER_CANCELLED", "REFUND_SUCCEEDED"} <= set(await kinds_of_notices(client, token))
    await assert_books_balance(client, app, runtime)


async def test_cancel_the_next_day_goes_to_the_batch_sent_by_reconciliation(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _ = await verified_user(client)
    found = await open_slot(client, day=LATER_DAY)
    confirmed = await confirmed_order(client, token, found["slot"]["id"])
    clock.advance(days=1)  # 2026-11-28 09:00: not the day of payment

    cancelled = await cancel(client, token, confirmed["id"])
    assert cancelled["__typename"] == "CancelAppointmentSuccess", cancelled
    refund = cancelled["order"]["refund"]
    assert (refund["mode"], refund["status"], refund["amount"]) == (
        "BATCH",
        "PENDING",
        confirmed["amount"],
    )
    expected_by = datetime.fromisoformat(refund["expectedBy"])
    assert expected_by == clock.now() + timedelta(days=7)
    assert cancelled["order"]["ticket"] is None, "a cancelled order has no ticket to show"
    # The notice promises the date, in the patient's words: no internal order ID.
    notices = (await gql_data(client, "Notices", {"first": 20}, token=token))["notices"]
    body = next(
        e["node"]["body"] for e in notices["edges"] if e["node"]["kind"] == "ORDER_CANCELLED"
    )
    assert f"{expected_by:%Y年%m月%d日}前到账" in body, body
    assert confirmed["id"] not in body and "ord_" not in body
    books = await ledger(client)
    assert books["totals"]["refunded"] == 0, "a batch refund waits for the reconciliation"
    await assert_books_balance(client, app, runtime)

    staff = await staff_token(runtime)
    # Reconciling today is refused: the day is not over.
    early = await gql_data(
        client, "RunReconciliation", {"date": "2026-11-28"}, token=staff, document="staff"
    )
    assert early["runReconciliation"]["code"] == "INVALID_INPUT"

    clock.set(datetime(2026, 11, 29, 2, 30, tzinfo=SHANGHAI))
    staff = await staff_token(runtime)  # another shift: a staff token lasts hours, not days
    for day in ("2026-11-27", "2026-11-28"):
        ran = await gql_data(
            client, "RunReconciliation", {"date": day}, token=staff, document="staff"
        )
        assert ran["runReconciliation"]["__typename"] == "RunReconciliationSuccess", ran
    report = (
        await gql_data(
            client, "Reconciliation", {"date": "2026-11-27"}, token=staff, document="staff"
        )
    )["reconciliation"]
    assert report["anomalies"] == []
    assert report["matched"] == 1
    sent = [
        r
        for day in ("2026-11-27", "2026-11-28")
        if (
            r := (
                await gql_data(
                    client, "Reconciliation", {"date": day}, token=staff, document="staff"
                )
            )["reconciliation"]["refundBatch"]
        )
    ]
    assert len(sent) == 1
    assert (sent[0]["lines"], sent[0]["amount"]) == (1, confirmed["amount"])

    done = await order(client, token, confirmed["id"])
    assert done["refund"]["status"] == "SUCCEEDED"
    books = await ledger(client)
    assert books["totals"]["refunded"] == confirmed["amount"]
    # Running it again sends nothing twice.
    again = await gql_data(
        client, "RunReconciliation", {"date": "2026-11-28"}, token=staff, document="staff"
    )
    assert again["runReconciliation"]["__typename"] == "RunReconciliationSuccess"
    assert (await ledger(client))["totals"]["refunded"] == confirmed["amount"]
    assert len(await refund_rows(runtime, confirmed["id"])) == 1
    await assert_books_balance(client, app, runtime)


async def test_cancel_after_the_visit_is_not_allowed(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    found = await open_slot(client)
    seen = await confirmed_order(client, token, found["slot"]["id"])
    his = his_state(app)
    registration_id = his.registration_by_order[seen["id"]]
    assert (await client.post(f"/sim/his/registrations/{registration_id}/visit")).status_code == 200
    await wait_for_status(client, token, seen["id"], "COMPLETED")
    refused = await cancel(client, token, seen["id"])
    assert refused["__typename"] != "CancelAppointmentSuccess"
    assert refused["code"] == "CANCEL_NOT_ALLOWED", refused
    assert (await order(client, token, seen["id"]))["refund"] is None
    await assert_books_balance(client, app, runtime)


async def test_cancel_after_the_visit_when_the_event_was_lost(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    found = await open_slot(client)
    confirmed = await confirmed_order(client, token, found["slot"]["id"])
    await his_faults(client, dropNotifications=True)
    his = his_state(app)
    registration_id = his.registration_by_order[confirmed["id"]]
    assert (await client.post(f"/sim/his/registrations/{registration_id}/visit")).status_code == 200
    assert (await order(client, token, confirmed["id"]))["status"] == "CONFIRMED"
    refused = await cancel(client, token, confirmed["id"])
    assert refused["code"] == "CANCEL_NOT_ALLOWED", refused
    assert (await order(client, token, confirmed["id"]))["status"] == "CONFIRMED"
    assert his.registrations[registration_id].status == "VISITED"
    await assert_books_balance(client, app, runtime)


# --- by the hospital: the expert stops work -----------------------------------------------


async def _recorded_suspension(runtime: Runtime, schedule_id: str, clock: FrozenClock) -> None:
    """Our record of a suspension, as suspend_schedule commits it, its per-order jobs not run."""
    async with runtime.sessions() as session, session.begin():
        session.add(
            SuspendedSchedule(
                schedule_id=schedule_id,
                reason="专家生病",
                visit_date=date.fromisoformat(LATER_DAY),
                suspended_at=clock.now(),
            )
        )


async def _two_patients_on_one_schedule(
    client: httpx.AsyncClient,
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]], tuple[str, dict[str, Any]]]:
    found = await open_slot(client, day=LATER_DAY)
    schedule = found["schedule"]
    free = [s["id"] for s in schedule["slots"] if s["remaining"] > 0]
    confirmed = []
    for n, openid in enumerate(("o-lilei", "o-hanmeimei")):
        token, _ = await verified_user(client, openid=openid, name="李雷" if n == 0 else "韩梅梅")
        confirmed.append((token, await confirmed_order(client, token, free[n])))
    token, _ = await verified_user(client, openid="o-lily", name="莉莉")
    unpaid = (await book(client, token, await patient_of(client, token), free[2]))["order"]
    await pay(client, token, unpaid["id"])
    return schedule, confirmed, (token, unpaid)


async def _assert_all_cancelled_and_refunded(
    client: httpx.AsyncClient,
    confirmed: list[tuple[str, dict[str, Any]]],
    unpaid: tuple[str, dict[str, Any]],
) -> None:
    for token, o in confirmed:
        done = await wait_for_status(client, token, o["id"], "CANCELLED")
        assert done["refund"]["mode"] == "REFUND"
        assert done["refund"]["amount"] == o["amount"]

        async def refunded(token: str = token, order_id: str = o["id"]) -> bool:
            return (await order(client, token, order_id))["refund"]["status"] == "SUCCEEDED"

        await eventually(refunded)
        kinds = await kinds_of_notices(client, token)
        assert kinds.count("EXPERT_SUSPENDED") == 1, kinds
    token, o = unpaid
    done = await wait_for_status(client, token, o["id"], "CANCELLED")
    assert done["refund"] is None
    assert (await kinds_of_notices(client, token)).count("EXPERT_SUSPENDED") == 1
    books = await ledger(client)
    paid = sum(o["amount"] for _, o in confirmed)
    assert books["totals"]["paid"] == books["totals"]["refunded"] == paid


async def test_staff_suspends_a_schedule(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    schedule, confirmed, unpaid = await _two_patients_on_one_schedule(client)
    data = await gql_data(
        client,
        "SuspendSchedule",
        {"scheduleId": schedule["id"], "reason": "专家外出会诊"},
        token=await staff_token(runtime),
        document="staff",
    )
    result = data["suspendSchedule"]
    assert result["__typename"] == "SuspendScheduleSuccess", result
    assert result["affectedOrders"] == 3
    assert result["schedule"]["status"] == "SUSPENDED"
    await _assert_all_cancelled_and_refunded(client, confirmed, unpaid)
    for _, o in confirmed:
        assert len(await refund_rows(runtime, o["id"])) == 1
    await drained(app)
    await assert_books_balance(client, app, runtime)


async def test_patients_cannot_suspend(client: httpx.AsyncClient, runtime: Runtime) -> None:
    token, _ = await verified_user(client)
    found = await open_slot(client)
    data = await gql_data(
        client,
        "SuspendSchedule",
        {"scheduleId": found["schedule"]["id"], "reason": "x"},
        token=token,
        document="staff",
    )
    assert data["suspendSchedule"]["code"] == "FORBIDDEN"


async def test_his_suspension_event_cancels_and_is_idempotent(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    schedule, confirmed, unpaid = await _two_patients_on_one_schedule(client)
    await his_faults(client, duplicateNotifications=True)
    response = await client.post(
        f"/sim/his/schedules/{schedule['id']}/suspend", json={"reason": "专家生病"}
    )
    assert response.status_code == 200
    his = his_state(app)
    await drained(app)
    [event] = [e for e in his.sent_events if e["type"] == "SCHEDULE_SUSPENDED"]
    assert his.delivered.count(event["id"]) == 2, "the fault delivers the event twice"
    await _assert_all_cancelled_and_refunded(client, confirmed, unpaid)

    # The same news again under a new event id (a HIS that re-sends): still nothing twice.
    again = {**event, "id": f"evt-{uuid.uuid4().hex}"}
    body = json.dumps(again, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(runtime.clock.now().timestamp()))
    headers = {
        "Content-Type": "application/json",
        "X-His-Timestamp": timestamp,
        "X-His-Signature": sign_event(his.webhook_secret, timestamp, body),
    }
    assert (await client.post("/webhooks/his", content=body, headers=headers)).status_code in (
        200,
        204,
    )
    await drained(app)
    for token, o in confirmed:
        assert len(await refund_rows(runtime, o["id"])) == 1
        assert (await kinds_of_notices(client, token)).count("EXPERT_SUSPENDED") == 1
        assert (await order_row(runtime, o["id"])).status == "CANCELLED"
    await assert_books_balance(client, app, runtime)


async def test_a_suspension_after_the_visit_refunds_nothing(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    """The HIS says the patient was seen (its event lost): the business was done, so the
    expert's later suspension cancels and refunds nothing."""
    token, _ = await verified_user(client)
    confirmed = await confirmed_order(
        client, token, (await open_slot(client, day=LATER_DAY))["slot"]["id"]
    )
    await his_faults(client, dropNotifications=True)
    [registration] = await runtime.his.registrations_for_order(confirmed["id"])
    visited = await client.post(f"/sim/his/registrations/{registration.id}/visit")
    assert visited.status_code == 200, visited.text

    outcome = await cancellation.cancel_for_suspension(runtime, confirmed["id"], "专家停诊")

    assert outcome == Cancellation.NOTHING_TO_DO
    assert (await order_row(runtime, confirmed["id"])).status == "CONFIRMED"
    assert await refund_rows(runtime, confirmed["id"]) == []


async def test_a_cancelled_booking_does_not_stop_the_next_one(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """The HIS's registrations are kept a few seconds for the limits; the cancelled one was
    still among them, counted as another channel's, and refused the patient's rebooking."""
    token, person = await verified_user(client)
    found = await open_slot(client)
    free = [s["id"] for s in found["schedule"]["slots"] if s["remaining"] > 0]
    confirmed = await confirmed_order(client, token, free[0])
    patient_id = await patient_of(client, token)
    # What the first booking kept (no registration yet) has lapsed: read afresh from here.
    await runtime.cache.delete(
        his_bookings.cache_key(person["id"], date.fromisoformat(found["schedule"]["date"]))
    )
    refused = await book(client, token, patient_id, free[1], key="k-again")
    assert refused["code"] == "DUPLICATE_BOOKING", "one per schedule: the HIS's list is read"

    cancelled = await cancel(client, token, confirmed["id"])
    assert cancelled["__typename"] == "CancelAppointmentSuccess", cancelled
    rebooked = await book(client, token, patient_id, free[1], key="k-after")
    assert rebooked["__typename"] == "BookAppointmentSuccess", rebooked


async def test_a_patient_who_cancels_a_stopped_session_is_refunded_as_the_hospital_would(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    """The expert stopped work and the suspension's job had not reached the order yet: the
    patient, seeing SUSPENDED, cancels first. That was a patient's next-day cancel, refunded
    by the 7-day batch with ORDER_CANCELLED; it is the hospital's cancellation."""
    token, _ = await verified_user(client)
    found = await open_slot(client, day=LATER_DAY)
    confirmed = await confirmed_order(client, token, found["slot"]["id"])
    clock.advance(days=1)  # not the day of payment: a patient's own cancel would be BATCH
    await his_faults(client, dropNotifications=True)
    stopped = await client.post(
        f"/sim/his/schedules/{found['schedule']['id']}/suspend", json={"reason": "专家生病"}
    )
    assert stopped.status_code == 200, stopped.text
    await _recorded_suspension(runtime, found["schedule"]["id"], clock)

    cancelled = await cancel(client, token, confirmed["id"])
    assert cancelled["__typename"] == "CancelAppointmentSuccess", cancelled
    refund = cancelled["order"]["refund"]
    assert (refund["mode"], refund["amount"]) == ("REFUND", confirmed["amount"])
    kinds = await kinds_of_notices(client, token)
    assert "EXPERT_SUSPENDED" in kinds and "ORDER_CANCELLED" not in kinds
    await his_faults(client, dropNotifications=False)
    await drained(app)
    await assert_books_balance(client, app, runtime)


async def test_a_stopped_session_the_his_will_not_cancel_is_told_and_no_one_s_no_show(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    """The invoice was printed at a kiosk, so the HIS refuses to cancel the registration when
    the expert stops work: the money stays for staff to settle, but the patient was told
    nothing and travelled to an expert who was not there, and the missed visit then counted
    as their no-show towards a booking restriction."""
    token, _ = await verified_user(client)
    found = await open_slot(client, day=LATER_DAY)
    confirmed = await confirmed_order(client, token, found["slot"]["id"])
    [registration] = await runtime.his.registrations_for_order(confirmed["id"])
    printed = await client.post(f"/sim/his/registrations/{registration.id}/print-invoice")
    assert printed.status_code == 200, printed.text

    stopped = await client.post(
        f"/sim/his/schedules/{found['schedule']['id']}/suspend", json={"reason": "专家生病"}
    )
    assert stopped.status_code == 200, stopped.text

    async def told() -> bool:
        return "EXPERT_SUSPENDED" in await kinds_of_notices(client, token)

    await eventually(told)
    await drained(app)
    assert (await order_row(runtime, confirmed["id"])).status == "CONFIRMED"
    assert await refund_rows(runtime, confirmed["id"]) == []
    assert (await kinds_of_notices(client, token)).count("EXPERT_SUSPENDED") == 1

    missed = await client.post(f"/sim/his/registrations/{registration.id}/miss")
    assert missed.status_code == 200, missed.text

    async def settled() -> bool:
        return (await order_row(runtime, confirmed["id"])).status == "COMPLETED"

    await eventually(settled)
    assert (await order_row(runtime, confirmed["id"])).no_show is False


async def test_a_missed_visit_of_a_stopped_session_leaves_its_cancellation_to_finish(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    """The suspension's cancel has not reached the HIS yet (it is away) when VISIT_MISSED
    comes: completing the order then would end the cancel, and the refund, for good."""
    token, _ = await verified_user(client)
    found = await open_slot(client, day=LATER_DAY)
    confirmed = await confirmed_order(client, token, found["slot"]["id"])
    await _recorded_suspension(runtime, found["schedule"]["id"], clock)
    visit = await confirmation.record_visit(runtime, confirmed["id"], attended=False)
    assert visit is Visit.NOTHING_TO_DO
    row = await order_row(runtime, confirmed["id"])
    assert (row.status, row.no_show) == ("CONFIRMED", False)
