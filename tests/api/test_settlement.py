"""Every fen settled the same day, with outcomes that do not depend on which job ran first.

Money reaching the bank for an order that is not payable any more is found by the poll of
every payment not final at the bank and refunded at once (REFUND, not the next-day BATCH);
a late payment's fate is judged by the bank's success time against the window; a place
held by a booking that died half-way is given back by its lease.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import select
from starlette.applications import Starlette

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
    assert_books_balance,
    bank_faults,
    bank_state,
    cancel,
    cashier_pay,
    confirmed_order,
    drained,
    his_faults,
    notification,
    order_row,
    refund_rows,
)
from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.jobs import scheduler
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.money import holds, reconciliation
from hospital_bff.services.money.payments import PaymentService
from hospital_bff.simulators.bank.serialise import order_json
from hospital_bff.store.ids import new_id
from hospital_bff.store.models import Payment, PlaceHold, SlotInventory

WINDOW = 600


async def booked_and_billed(
    client: httpx.AsyncClient, *, openid: str = "o-lilei", key: str = "k1"
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    token, _ = await verified_user(client, openid=openid)
    found = await open_slot(client)
    booked = await book(
        client, token, await patient_of(client, token), found["slot"]["id"], key=key
    )
    assert booked["__typename"] == "BookAppointmentSuccess", booked
    paid = await pay(client, token, booked["order"]["id"], key="p-" + key)
    assert paid["__typename"] == "PayOrderSuccess", paid
    return token, booked["order"], paid["payment"]


async def payments_of(runtime: Runtime, order_id: str) -> list[Payment]:
    async with runtime.sessions() as session:
        query = select(Payment).where(Payment.order_id == order_id).order_by(Payment.created_at)
        return list((await session.exec(query)).all())


async def held(runtime: Runtime, slot_id: str) -> int:
    async with runtime.sessions() as session:
        row = await session.get(SlotInventory, slot_id)
        return row.held if row is not None else 0


async def refunded_to_patient(client: httpx.AsyncClient, token: str, order_id: str) -> None:
    async def done() -> bool:
        refund = (await order(client, token, order_id))["refund"]
        return refund is not None and refund["status"] == "SUCCEEDED"

    await eventually(done)


# --- a late payment while notifications are lost ---------------------------------------------


async def test_a_payment_after_expiry_with_notifications_lost_is_refunded_within_the_sweep(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    await bank_faults(client, dropNotifications=True, latePayments=True)
    token, booked, payment = await booked_and_billed(client)
    clock.advance(seconds=WINDOW + 1)
    assert await scheduler.expire_unpaid_orders(runtime) == 1
    expired = await wait_for_status(client, token, booked["id"], "EXPIRED")
    assert expired["refund"] is None
    [closed] = await payments_of(runtime, booked["id"])
    assert closed.status == "CLOSED"
    assert closed.final_at is None, "a close is not final while a late payment can overtake it"

    # The patient had the cashier open; the bank takes the money, and its notice is lost.
    assert (await cashier_pay(client, payment["payUrl"])).status_code == 200
    await drained(app)
    assert len(bank_state(app).dropped) == 1

    clock.advance(seconds=30)  # one interval of the poll sweep
    assert await scheduler.poll_unsettled_payments(runtime) == 1
    await refunded_to_patient(client, token, booked["id"])
    current = await order(client, token, booked["id"])
    assert current["status"] == "EXPIRED", "the order does not come back to life"
    assert current["refund"]["mode"] == "REFUND", "the same day, not the next day's batch"
    assert current["refund"]["amount"] == booked["amount"]
    [paid] = await payments_of(runtime, booked["id"])
    assert (paid.status, paid.final_at is not None) == ("SUCCEEDED", True)
    assert await scheduler.poll_unsettled_payments(runtime) == 0, "settled: asked no more"
    await assert_books_balance(client, app, runtime)


async def test_a_close_is_asked_about_until_it_has_held(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    token, booked, _ = await booked_and_billed(client)
    clock.advance(seconds=WINDOW + 1)
    await scheduler.expire_unpaid_orders(runtime)
    await wait_for_status(client, token, booked["id"], "EXPIRED")
    service = PaymentService(runtime)
    [payment] = await payments_of(runtime, booked["id"])
    assert await scheduler.poll_unsettled_payments(runtime) == 1

    clock.advance(seconds=runtime.settings.payment_close_settle_seconds - 5)
    await service.poll(payment.id)
    assert (await payments_of(runtime, booked["id"]))[0].final_at is None
    clock.advance(seconds=10)
    await service.poll(payment.id)
    [final] = await payments_of(runtime, booked["id"])
    assert (final.status, final.final_at) == ("CLOSED", clock.now())
    assert await scheduler.poll_unsettled_payments(runtime) == 0
    await assert_books_balance(client, app, runtime)


# --- the outcome does not depend on which job runs first -----------------------------------


STEPS = ("notify", "poll", "expire")


@pytest.mark.parametrize("steps", list(itertools.permutations(STEPS)), ids="-".join)
@pytest.mark.parametrize("paid_at_offset", [-2, 5], ids=["in-window", "late"])
async def test_notify_poll_and_expiry_agree_in_any_order(
    client: httpx.AsyncClient,
    app: Starlette,
    runtime: Runtime,
    clock: FrozenClock,
    steps: tuple[str, ...],
    paid_at_offset: int,
) -> None:
    """Paid `paid_at_offset` seconds from the window's end while the workers were down; then
    the notification, the poll and the expiry job run in the given order."""
    await bank_faults(client, dropNotifications=True, latePayments=True)
    token, booked, payment = await booked_and_billed(client)
    clock.advance(seconds=WINDOW + paid_at_offset)
    assert (await cashier_pay(client, payment["payUrl"])).status_code == 200
    await drained(app)
    clock.advance(seconds=8 - paid_at_offset)  # the workers are back
    [row] = await payments_of(runtime, booked["id"])
    resource: dict[str, Any] = order_json(bank_state(app).orders[row.out_trade_no])
    service = PaymentService(runtime)
    for n, step in enumerate(steps):
        if step == "notify":
            body, headers = notification(app, resource, now=clock.now(), notice_id=f"n{n}")
            response = await client.post("/webhooks/bank", content=body, headers=headers)
            assert response.status_code in (200, 204), response.text
        elif step == "poll":
            await service.poll(row.id)
        else:
            await service.expire(booked["id"])

    slot_id = (await order_row(runtime, booked["id"])).slot_id
    assert slot_id is not None
    if paid_at_offset < 0:
        kept = await wait_for_status(client, token, booked["id"], "CONFIRMED")
        assert kept["refund"] is None
        assert await held(runtime, slot_id) == 1
    else:
        await refunded_to_patient(client, token, booked["id"])
        current = await order(client, token, booked["id"])
        assert current["status"] == "EXPIRED"
        assert (current["refund"]["mode"], current["refund"]["amount"]) == (
            "REFUND",
            booked["amount"],
        )
        assert len(await refund_rows(runtime, booked["id"])) == 1
        assert await held(runtime, slot_id) == 0, "the place is given back once"
    moves = 2 if paid_at_offset < 0 else 1  # PAID, CONFIRMED; or EXPIRED: each once
    assert (await order_row(runtime, booked["id"])).version == moves
    await assert_books_balance(client, app, runtime)


# --- places held on a lease ------------------------------------------------------------------


async def test_a_hold_whose_booking_died_is_given_back_by_its_lease(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _ = await verified_user(client)
    patient_id = await patient_of(client, token)
    found = await open_slot(client)
    slot = await runtime.his.slot(found["slot"]["id"])
    assert slot is not None
    lease = runtime.settings.place_hold_lease_seconds
    # Bookings that took their hold and died before their order committed: the slot is full.
    crashed = [new_id("ord") for _ in range(slot.capacity)]
    async with uow.unit_of_work(runtime) as session:
        for hold_id in crashed:
            assert await holds.hold_place(
                session, hold_id, slot.id, slot.schedule.id, slot.capacity, clock.now(), lease
            )
    refused = await book(client, token, patient_id, slot.id, key="retry")
    assert refused["__typename"] == "SlotFullError", refused

    # Within the lease they may still be in flight: neither the sweep nor the recount touch them.
    clock.advance(seconds=lease - 1)
    assert await scheduler.free_expired_holds(runtime) == 0
    assert await scheduler.resync_inventory(runtime) == 0
    assert await held(runtime, slot.id) == slot.capacity

    clock.advance(seconds=2)
    assert await scheduler.free_expired_holds(runtime) == slot.capacity

    async def given_back() -> bool:
        return await held(runtime, slot.id) == 0

    await eventually(given_back)
    booked = await book(client, token, patient_id, slot.id, key="retry")
    assert booked["__typename"] == "BookAppointmentSuccess", booked
    async with runtime.sessions() as session:
        assert not (await session.exec(select(PlaceHold))).all(), "the order took its hold"
    assert await held(runtime, slot.id) == 1


async def test_a_busy_slot_is_still_recounted(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _ = await verified_user(client)
    found = await open_slot(client)
    booked = await book(client, token, await patient_of(client, token), found["slot"]["id"])
    assert booked["__typename"] == "BookAppointmentSuccess"
    slot = await runtime.his.slot(found["slot"]["id"])
    assert slot is not None
    async with uow.unit_of_work(runtime) as session:
        # A booking in flight right now, and a count that drifted (a lost release).
        assert await holds.hold_place(
            session, "ord_inflight", slot.id, slot.schedule.id, slot.capacity, clock.now(), 30
        )
        await session.execute(
            update(SlotInventory)
            .where(SlotInventory.slot_id == slot.id)  # type: ignore[arg-type]
            .values(held=7, updated_at=clock.now())
        )
    assert await scheduler.resync_inventory(runtime) == 1, "touched a moment ago, still recounted"
    assert await held(runtime, slot.id) == 2, "the order and the booking in flight"
    assert await scheduler.resync_inventory(runtime) == 0


# --- payOrder -----------------------------------------------------------------------------------


async def test_paying_a_cancelled_refunded_order_answers_order_closed(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, _ = await verified_user(client)
    confirmed = await confirmed_order(client, token, (await open_slot(client))["slot"]["id"])
    cancelled = await cancel(client, token, confirmed["id"])
    assert cancelled["order"]["status"] == "CANCELLED"
    for key in ("p-k1", "another"):
        refused = await pay(client, token, confirmed["id"], key=key)
        assert (refused["__typename"], refused["code"]) == ("OrderClosedError", "ORDER_CLOSED")
    await assert_books_balance(client, app, runtime)


async def test_paying_a_cancelled_unpaid_or_failed_order_answers_order_closed(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime
) -> None:
    token, booked, _ = await booked_and_billed(client)
    await cancel(client, token, booked["id"])
    assert (await pay(client, token, booked["id"], key="again"))["code"] == "ORDER_CLOSED"

    await his_faults(client, failConfirm=True)
    token2, failing, payment = await booked_and_billed(client, openid="o-hanmeimei", key="k2")
    assert (await cashier_pay(client, payment["payUrl"])).status_code == 200
    await wait_for_status(client, token2, failing["id"], "FAILED")
    assert (await pay(client, token2, failing["id"], key="p-k2"))["code"] == "ORDER_CLOSED"
    await assert_books_balance(client, app, runtime)


async def test_a_bank_order_closed_under_a_payable_order_is_followed_by_a_new_one(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    token, booked, first = await booked_and_billed(client)
    [old] = await payments_of(runtime, booked["id"])
    await runtime.bank.close_order(old.out_trade_no)  # the payer cancelled at the cashier

    again = await pay(client, token, booked["id"], key="p-k1")
    assert again["__typename"] == "PayOrderSuccess", again
    second = again["payment"]
    assert (second["id"], second["payUrl"]) != (first["id"], first["payUrl"])
    closed, live = await payments_of(runtime, booked["id"])
    assert closed.id == old.id and closed.status == "CLOSED"
    assert live.status == "PENDING" and live.out_trade_no != old.out_trade_no
    assert set(bank_state(app).orders) == {old.out_trade_no, live.out_trade_no}
    # One live bank order: asking again hands back the same one.
    assert (await pay(client, token, booked["id"], key="p-k1"))["payment"]["id"] == second["id"]

    assert (await cashier_pay(client, second["payUrl"])).status_code == 200
    await wait_for_status(client, token, booked["id"], "CONFIRMED")
    # The closed one is still asked about until its close has held.
    clock.advance(seconds=61)
    assert await scheduler.poll_unsettled_payments(runtime) == 1
    clock.advance(seconds=runtime.settings.payment_close_settle_seconds)
    await PaymentService(runtime).poll(old.id)
    assert await scheduler.poll_unsettled_payments(runtime) == 0
    books = await ledger(client)
    assert books["totals"]["paid"] == booked["amount"]
    await assert_books_balance(client, app, runtime)


async def test_money_on_the_closed_bank_order_of_a_paid_order_is_refunded(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    """Both bank orders took money (the closed one despite its close): one is kept."""
    await bank_faults(client, dropNotifications=True, latePayments=True)
    token, booked, first = await booked_and_billed(client)
    [old] = await payments_of(runtime, booked["id"])
    await runtime.bank.close_order(old.out_trade_no)
    second = (await pay(client, token, booked["id"], key="p-k1"))["payment"]
    assert (await cashier_pay(client, second["payUrl"])).status_code == 200
    assert (await cashier_pay(client, first["payUrl"])).status_code == 200
    clock.advance(seconds=61)
    assert await scheduler.poll_unsettled_payments(runtime) == 2
    await wait_for_status(client, token, booked["id"], "CONFIRMED")

    async def double_refunded() -> bool:
        rows = await refund_rows(runtime, booked["id"])
        return len(rows) == 1 and rows[0].status == "SUCCEEDED"

    await eventually(double_refunded)
    [refund] = await refund_rows(runtime, booked["id"])
    assert refund.mode == "REFUND"
    books = await ledger(client)
    assert books["totals"]["paid"] == 2 * booked["amount"]
    assert books["totals"]["refunded"] == booked["amount"]
    await assert_books_balance(client, app, runtime)


async def test_a_payment_marked_paid_elsewhere_is_made_final_by_one_poll(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    """The reconciliation marks a payment SUCCEEDED without the poll's bookkeeping: the next
    poll finds the money settled and stops asking."""
    token, _ = await verified_user(client)
    confirmed = await confirmed_order(client, token, (await open_slot(client))["slot"]["id"])
    async with uow.unit_of_work(runtime) as session:
        await session.execute(
            update(Payment)
            .where(Payment.order_id == confirmed["id"])  # type: ignore[arg-type]
            .values(final_at=None)
        )
    clock.advance(seconds=61)
    assert await scheduler.poll_unsettled_payments(runtime) == 1

    async def final() -> bool:
        return all(p.final_at is not None for p in await payments_of(runtime, confirmed["id"]))

    await eventually(final)
    assert await scheduler.poll_unsettled_payments(runtime) == 0
    assert (await order_row(runtime, confirmed["id"])).version == 2, "nothing moved twice"
    await assert_books_balance(client, app, runtime)


async def test_money_on_a_final_closed_bank_order_of_a_paid_order_is_refunded_by_reconciliation(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    """Money that lands on a bank order after its close has held is out of the poll's sight;
    the bill shows it next day. The order is kept, but by its other payment: this one is owed
    back, not counted as the business done."""
    await bank_faults(client, dropNotifications=True, latePayments=True)
    token, booked, first = await booked_and_billed(client)
    [old] = await payments_of(runtime, booked["id"])
    await runtime.bank.close_order(old.out_trade_no)
    second = (await pay(client, token, booked["id"], key="p-k1"))["payment"]
    assert (await cashier_pay(client, second["payUrl"])).status_code == 200
    clock.advance(seconds=61)
    await scheduler.poll_unsettled_payments(runtime)
    await wait_for_status(client, token, booked["id"], "CONFIRMED")
    clock.advance(seconds=runtime.settings.payment_close_settle_seconds)
    await PaymentService(runtime).poll(old.id)
    assert await scheduler.poll_unsettled_payments(runtime) == 0, "both payments are final"

    assert (await cashier_pay(client, first["payUrl"])).status_code == 200
    clock.set(datetime(2026, 11, 28, 10, 30, tzinfo=SHANGHAI))
    done = await reconciliation.reconcile(runtime, date(2026, 11, 27))

    [refund] = await refund_rows(runtime, booked["id"])
    assert (refund.payment_id, refund.mode) == (old.id, "BATCH")
    async with uow.unit_of_work(runtime) as session:
        kinds = [f.kind for f in await reconciliation.findings_of(session, date(2026, 11, 27))]
    assert "LONG_PAYMENT" in kinds, kinds
    assert done.bank_paid == 2 * booked["amount"]
    await assert_books_balance(client, app, runtime)
