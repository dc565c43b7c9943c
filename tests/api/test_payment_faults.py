"""The money path under the bank's and the HIS's faults (issue 4, "Done means").

After each scenario the bank's ledger and our orders agree to the fen (invariant 2).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
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
    FAIL,
    PASS,
    ScriptedDice,
    assert_books_balance,
    bank_faults,
    bank_state,
    cashier_pay,
    drained,
    his_faults,
    his_state,
    notification,
    order_row,
    payment_row,
    refund_rows,
)
from hospital_bff.clock import FrozenClock
from hospital_bff.datasources.errors import UpstreamTimeout
from hospital_bff.datasources.wechatpay_crypto import generate_private_key, signed_headers
from hospital_bff.jobs import scheduler
from hospital_bff.runtime import Runtime
from hospital_bff.services.money import confirmation
from hospital_bff.services.money.rules import Confirmation
from hospital_bff.simulators.bank.serialise import order_json


async def booked_and_billed(
    client: httpx.AsyncClient,
    *,
    openid: str = "o-lilei",
    department: str = "dep-yk",
    key: str = "k1",
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A verified patient with an AWAITING_PAYMENT order and its bank payment (not yet paid)."""
    token, _ = await verified_user(client, openid=openid)
    patient_id = await patient_of(client, token)
    found = await open_slot(client, department)
    booked = await book(client, token, patient_id, found["slot"]["id"], key=key)
    assert booked["__typename"] == "BookAppointmentSuccess", booked
    paid = await pay(client, token, booked["order"]["id"], key="p-" + key)
    assert paid["__typename"] == "PayOrderSuccess", paid
    return token, booked["order"], paid["payment"]


async def notices_of(client: httpx.AsyncClient, token: str, kind: str) -> list[dict[str, Any]]:
    edges = (await gql_data(client, "Notices", {"first": 50}, token=token))["notices"]["edges"]
    return [e["node"] for e in edges if e["node"]["kind"] == kind]


async def remaining(client: httpx.AsyncClient, department: str, slot_id: str) -> int:
    data = await gql_data(
        client,
        "DepartmentSchedules",
        {"departmentId": department, "from": "2026-11-28", "to": "2026-11-28"},
    )
    for schedule in data["schedules"]:
        for slot in schedule["slots"]:
            if slot["id"] == slot_id:
                return int(slot["remaining"])
    raise AssertionError(f"slot {slot_id} not listed")


# --- notifications ------------------------------------------------------------------------------


async def test_duplicated_notification_changes_nothing_twice(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    await bank_faults(client, duplicateNotifications=True)
    token, booked, payment = await booked_and_billed(client)
    assert (await cashier_pay(client, payment["payUrl"])).status_code == 200
    await wait_for_status(client, token, booked["id"], "CONFIRMED")
    await drained(app)

    payment_notices = [
        n for n in bank_state(app).delivered if n.event_type == "TRANSACTION.SUCCESS"
    ]
    assert len(payment_notices) == 2, "the fault delivers the notification twice"
    row = await order_row(runtime, booked["id"])
    assert (row.status, row.version) == ("CONFIRMED", 2), "one PAID transition, one CONFIRMED"
    registrations = [r for r in his_state(app).registrations.values() if r.order_id == booked["id"]]
    assert len(registrations) == 1, "one confirmation at the HIS"
    assert len(await notices_of(client, token, "ORDER_CONFIRMED")) == 1
    await assert_books_balance(client, app, runtime)


async def paid_unheard(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Paid at the cashier with the notification dropped: what the bank would have sent."""
    await bank_faults(client, dropNotifications=True)
    token, booked, payment = await booked_and_billed(client)
    assert (await cashier_pay(client, payment["payUrl"])).status_code == 200
    out_trade_no = (await payment_row(runtime, booked["id"])).out_trade_no
    resource: dict[str, Any] = order_json(bank_state(app).orders[out_trade_no])
    assert resource["trade_state"] == "SUCCESS"
    return token, booked, resource


async def test_forged_notifications_are_refused_and_change_nothing(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    token, booked, resource = await paid_unheard(client, app, runtime)
    now = clock.now()

    # 1. signed with a key that is not the bank's
    body, headers = notification(app, resource, now=now, notice_id="forged-key")
    headers.update(
        signed_headers(generate_private_key(), headers["Wechatpay-Serial"], body, now=now)
    )
    # 2. the bank's signature under a serial we do not know
    body2, headers2 = notification(app, resource, now=now, notice_id="forged-serial")
    headers2["Wechatpay-Serial"] = "DEADBEEF" * 5
    # 3. the ciphertext changed after sealing (re-signed, so only the AEAD tag can tell)
    body3, _ = notification(app, resource, now=now, notice_id="forged-cipher")
    envelope = json.loads(body3)
    cipher = envelope["resource"]["ciphertext"]
    envelope["resource"]["ciphertext"] = ("A" if cipher[0] != "A" else "B") + cipher[1:]
    body3 = json.dumps(envelope, separators=(",", ":")).encode()
    notifier = app.state.simulators["bank"].state.bank_notifier
    headers3 = signed_headers(
        notifier.keys.platform_key, notifier.keys.platform_serial, body3, now=now
    )
    # 4. a body changed after signing
    body4, headers4 = notification(app, resource, now=now, notice_id="forged-body")
    body4 = body4.replace(b"forged-body", b"forged-bodx")

    for forged_body, forged_headers in (
        (body, headers),
        (body2, headers2),
        (body3, headers3),
        (body4, headers4),
    ):
        response = await client.post("/webhooks/bank", content=forged_body, headers=forged_headers)
        assert response.status_code == 401, response.text
    assert (await order(client, token, booked["id"]))["status"] == "AWAITING_PAYMENT"
    assert (await payment_row(runtime, booked["id"])).status == "PENDING"

    # The control: the same notification, honestly signed, is taken.
    good_body, good_headers = notification(app, resource, now=now, notice_id="honest")
    assert (
        await client.post("/webhooks/bank", content=good_body, headers=good_headers)
    ).status_code in (200, 204)
    await wait_for_status(client, token, booked["id"], "CONFIRMED")
    await assert_books_balance(client, app, runtime)


async def test_stale_notification_is_refused(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    token, booked, resource = await paid_unheard(client, app, runtime)

    body, headers = notification(
        app, resource, now=clock.now() - timedelta(minutes=5, seconds=1), notice_id="old"
    )
    assert (await client.post("/webhooks/bank", content=body, headers=headers)).status_code == 401
    ahead, ahead_headers = notification(
        app, resource, now=clock.now() + timedelta(minutes=6), notice_id="ahead"
    )
    assert (
        await client.post("/webhooks/bank", content=ahead, headers=ahead_headers)
    ).status_code == 401
    assert (await order(client, token, booked["id"]))["status"] == "AWAITING_PAYMENT"

    fresh, fresh_headers = notification(
        app, resource, now=clock.now() - timedelta(minutes=4), notice_id="fresh"
    )
    assert (
        await client.post("/webhooks/bank", content=fresh, headers=fresh_headers)
    ).status_code in (200, 204)
    await wait_for_status(client, token, booked["id"], "CONFIRMED")
    await assert_books_balance(client, app, runtime)


async def test_reordered_notifications_still_end_right(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    bank_state(app).reorder_hold_seconds = 3.0
    token, first, first_payment = await booked_and_billed(client, department="dep-yk", key="k1")
    patient_id = first["patient"]["id"]
    found = await open_slot(client, "dep-wk")
    second = (await book(client, token, patient_id, found["slot"]["id"], key="k2"))["order"]
    second_payment = (await pay(client, token, second["id"], key="p-k2"))["payment"]
    await bank_faults(client, reorderNotifications=True)

    assert (await cashier_pay(client, first_payment["payUrl"])).status_code == 200
    first_out = (await payment_row(runtime, first["id"])).out_trade_no
    held = bank_state(app).held
    assert held is not None, "the first notice is held back"
    assert held.resource["out_trade_no"] == first_out
    assert (await order(client, token, first["id"]))["status"] == "AWAITING_PAYMENT"
    # The second payment's notice goes first, the held one right after it.
    assert (await cashier_pay(client, second_payment["payUrl"])).status_code == 200
    await wait_for_status(client, token, second["id"], "CONFIRMED")
    await wait_for_status(client, token, first["id"], "CONFIRMED")
    await drained(app)
    assert len(bank_state(app).delivered) == 2
    for o in (first, second):
        assert (await order_row(runtime, o["id"])).version == 2
    await assert_books_balance(client, app, runtime)


async def test_dropped_notifications_the_poll_makes_every_paid_order_paid(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    await bank_faults(client, dropNotifications=True)
    token, first, first_payment = await booked_and_billed(client)
    found = await open_slot(client, "dep-wk")
    second = (await book(client, token, first["patient"]["id"], found["slot"]["id"], key="k2"))[
        "order"
    ]
    second_payment = (await pay(client, token, second["id"], key="p-k2"))["payment"]
    _, unpaid, _ = await booked_and_billed(client, openid="o-hanmeimei", key="k3")
    for p in (first_payment, second_payment):
        assert (await cashier_pay(client, p["payUrl"])).status_code == 200
    await drained(app)
    assert len(bank_state(app).dropped) == 2
    assert not bank_state(app).delivered

    # Before a minute has passed the sweep leaves them alone.
    assert await scheduler.poll_unsettled_payments(runtime) == 0
    clock.advance(seconds=61)
    assert await scheduler.poll_unsettled_payments(runtime) == 3
    for o in (first, second):
        confirmed = await wait_for_status(client, token, o["id"], "CONFIRMED")
        assert confirmed["paidAt"] is not None
        assert confirmed["ticket"] is not None

    async def unpaid_polled() -> bool:
        return (await order_row(runtime, unpaid["id"])).status == "AWAITING_PAYMENT"

    await eventually(unpaid_polled)
    assert (await payment_row(runtime, unpaid["id"])).status == "PENDING", (
        "an unpaid order stays unpaid"
    )
    # Polling again finds nothing new to do.
    assert await scheduler.poll_unsettled_payments(runtime) == 1
    await assert_books_balance(client, app, runtime)


# --- the HIS after the money ----------------------------------------------------------------------


async def test_his_refusing_to_confirm_fails_the_order_and_refunds_in_full(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, booked, payment = await booked_and_billed(client)
    slot_id = (await order_row(runtime, booked["id"])).slot_id
    assert slot_id is not None
    before = await remaining(client, "dep-yk", slot_id)
    await his_faults(client, failConfirm=True)
    assert (await cashier_pay(client, payment["payUrl"])).status_code == 200

    failed = await wait_for_status(client, token, booked["id"], "FAILED")
    assert failed["refund"]["mode"] == "REFUND"
    assert failed["refund"]["amount"] == booked["amount"]

    async def refunded() -> bool:
        return (await order(client, token, booked["id"]))["refund"]["status"] == "SUCCEEDED"

    await eventually(refunded)
    books = await ledger(client)
    assert books["totals"]["paid"] == books["totals"]["refunded"] == booked["amount"]
    assert len(await notices_of(client, token, "ORDER_FAILED")) == 1

    async def lock_released() -> bool:
        return his_state(app).slot_locks[booked["id"]].released

    await eventually(lock_released)
    await his_faults(client, failConfirm=False)
    assert await remaining(client, "dep-yk", slot_id) == before + 1
    await assert_books_balance(client, app, runtime)


async def test_his_timing_out_on_confirm_is_settled_by_querying(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, booked, payment = await booked_and_billed(client)
    his = his_state(app)
    his.hang_seconds = 2.0
    runtime.his.timeout = 0.1
    # The register call does the work and never answers; the query after it is answered.
    dice = ScriptedDice(FAIL, then=PASS)
    calls: list[str] = []
    for name in ("register", "registrations_for_order"):
        original = getattr(runtime.his, name)

        async def counted(*args: Any, _name: str = name, _original: Any = original) -> Any:
            calls.append(_name)
            return await _original(*args)

        setattr(runtime.his, name, counted)
    his.random = dice  # type: ignore[assignment]
    await his_faults(client, timeoutRate=0.5)
    assert (await cashier_pay(client, payment["payUrl"])).status_code == 200

    async def register_calls_done() -> bool:
        return not dice.left

    await eventually(register_calls_done)
    confirmed = await wait_for_status(client, token, booked["id"], "CONFIRMED", "FAILED")
    assert confirmed["status"] == "CONFIRMED", "a timeout is an unknown outcome, not a refusal"
    [registration] = [r for r in his.registrations.values() if r.order_id == booked["id"]]
    assert confirmed["ticket"]["number"] == registration.number
    assert confirmed["refund"] is None
    assert calls == ["register", "registrations_for_order"], "settled by asking, not by retrying"
    await his_faults(client, timeoutRate=0.0)
    await assert_books_balance(client, app, runtime)


async def test_a_his_that_never_confirms_is_refunded_after_the_deadline(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    """Registering keeps timing out and the HIS has no record: no guess before the deadline;
    after it, the hold is released (a late request can no longer succeed), then FAILED + refund."""

    async def lost(*_args: Any) -> Any:
        raise UpstreamTimeout("register timed out", system="his")

    runtime.his.register = lost  # type: ignore[method-assign]
    token, booked, payment = await booked_and_billed(client)
    assert (await cashier_pay(client, payment["payUrl"])).status_code == 200
    await wait_for_status(client, token, booked["id"], "PAID")
    with pytest.raises(confirmation.ConfirmationPending):
        await confirmation.confirm_order(runtime, booked["id"])
    assert (await order_row(runtime, booked["id"])).status == "PAID", "no guess before the deadline"

    clock.advance(seconds=runtime.settings.confirm_deadline_seconds + 1)
    assert await confirmation.confirm_order(runtime, booked["id"]) in (
        Confirmation.FAILED,
        Confirmation.NOTHING_TO_DO,
    )
    failed = await wait_for_status(client, token, booked["id"], "FAILED")
    assert failed["refund"]["mode"] == "REFUND"
    assert his_state(app).slot_locks[booked["id"]].released
    await assert_books_balance(client, app, runtime)


# --- the payment window -------------------------------------------------------------------------


async def test_window_expiry_releases_everything(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    token, booked, _ = await booked_and_billed(client)
    slot_id = (await order_row(runtime, booked["id"])).slot_id
    assert slot_id is not None
    held = await remaining(client, "dep-yk", slot_id)
    clock.advance(seconds=599)
    assert await scheduler.expire_unpaid_orders(runtime) == 0
    clock.advance(seconds=2)
    assert await scheduler.expire_unpaid_orders(runtime) == 1

    expired = await wait_for_status(client, token, booked["id"], "EXPIRED")
    assert expired["refund"] is None
    out_trade_no = (await payment_row(runtime, booked["id"])).out_trade_no
    assert bank_state(app).orders[out_trade_no].trade_state == "CLOSED"
    assert (await payment_row(runtime, booked["id"])).status == "CLOSED"

    async def lock_released() -> bool:
        return his_state(app).slot_locks[booked["id"]].released

    await eventually(lock_released)
    assert await remaining(client, "dep-yk", slot_id) == held + 1
    assert len(await notices_of(client, token, "ORDER_EXPIRED")) == 1
    # The sweep again, and the delayed job's late run, change nothing.
    assert await scheduler.expire_unpaid_orders(runtime) == 0
    assert (await order_row(runtime, booked["id"])).version == 1
    await assert_books_balance(client, app, runtime)


async def test_late_payment_after_expiry_is_refunded_in_full(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    await bank_faults(client, latePayments=True)
    token, booked, payment = await booked_and_billed(client)
    clock.advance(seconds=601)
    await scheduler.expire_unpaid_orders(runtime)
    await wait_for_status(client, token, booked["id"], "EXPIRED")

    # The patient had the cashier open; the bank takes the money after all.
    assert (await cashier_pay(client, payment["payUrl"])).status_code == 200

    async def refunded() -> bool:
        current = await order(client, token, booked["id"])
        return current["refund"] is not None and current["refund"]["status"] == "SUCCEEDED"

    await eventually(refunded)
    current = await order(client, token, booked["id"])
    assert current["status"] == "EXPIRED", "the order does not come back to life"
    assert current["refund"]["amount"] == booked["amount"]
    assert current["refund"]["mode"] == "REFUND"
    books = await ledger(client)
    assert [p["late"] for p in books["payments"]] == [True]
    assert books["totals"]["paid"] == books["totals"]["refunded"] == booked["amount"]
    assert len(await refund_rows(runtime, booked["id"])) == 1
    await assert_books_balance(client, app, runtime)


# --- payOrder -------------------------------------------------------------------------------------


async def test_pay_twice_with_the_same_key_gives_the_same_payment(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, booked, payment = await booked_and_billed(client)
    again = await pay(client, token, booked["id"], key="p-k1")
    assert again["__typename"] == "PayOrderSuccess"
    assert again["payment"]["id"] == payment["id"]
    assert again["payment"]["payUrl"] == payment["payUrl"]
    assert len(bank_state(app).orders) == 1, "one bank order"
    assert (await cashier_pay(client, payment["payUrl"])).status_code == 200
    await wait_for_status(client, token, booked["id"], "CONFIRMED")
    after = await pay(client, token, booked["id"], key="p-k1")
    assert after["__typename"] == "PayOrderSuccess"
    assert after["payment"]["id"] == payment["id"]
    assert after["payment"]["status"] == "SUCCEEDED"
    await assert_books_balance(client, app, runtime)


async def test_paying_an_expired_order_answers_order_expired(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _ = await verified_user(client)
    patient_id = await patient_of(client, token)
    found = await open_slot(client)
    booked = (await book(client, token, patient_id, found["slot"]["id"]))["order"]
    clock.advance(seconds=601)
    # Past the window but not yet swept: still refused.
    assert (await pay(client, token, booked["id"]))["code"] == "ORDER_EXPIRED"
    await scheduler.expire_unpaid_orders(runtime)
    await wait_for_status(client, token, booked["id"], "EXPIRED")
    refused = await pay(client, token, booked["id"], key="p2")
    assert refused["__typename"] != "PayOrderSuccess"
    assert refused["code"] == "ORDER_EXPIRED"
    assert not bank_state(app).orders, "no bank order for an expired order"
    await assert_books_balance(client, app, runtime)
