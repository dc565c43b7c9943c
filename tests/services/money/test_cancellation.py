"""services/money/cancellation.py against the HIS and bank simulators: an unpaid order is closed
at the bank, a confirmed one cancelled at the HIS and refunded to the fen, a suspension by staff
is audited in its own commit and cancels every booked order."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import select

from fixtures.accounts import verified_patient
from fixtures.journey import eventually
from fixtures.money import awaiting_payment, cashier_pay, order_row, refund_rows
from hospital_bff.runtime import Runtime
from hospital_bff.services.errors import NotFound
from hospital_bff.services.money import cancellation
from hospital_bff.services.money.payments import PaymentService
from hospital_bff.services.money.rules import OrderStatus, RefundMode
from hospital_bff.services.staff import StaffActor
from hospital_bff.store.models import AuditEntry, Order

CLIENT_IP = "203.0.113.7"


async def confirmed(client: httpx.AsyncClient, runtime: Runtime, openid: str) -> tuple[str, Order]:
    user_id, order = await awaiting_payment(client, runtime, openid=openid)
    payment = await PaymentService(runtime).pay_order(user_id, order.id, "p1", CLIENT_IP)
    assert (await cashier_pay(client, payment.pay_url)).status_code == 200

    async def is_confirmed() -> bool:
        return (await order_row(runtime, order.id)).status == OrderStatus.CONFIRMED

    await eventually(is_confirmed)
    return user_id, order


async def test_an_unpaid_order_is_cancelled_without_money_moving(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user_id, order = await awaiting_payment(client, runtime, openid="o-unpaid")

    cancelled = await cancellation.cancel_by_patient(runtime, user_id, order.id, None)

    assert cancelled.status == OrderStatus.CANCELLED
    assert await refund_rows(runtime, order.id) == []


async def test_a_confirmed_order_is_cancelled_at_the_his_and_refunded_in_full(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user_id, order = await confirmed(client, runtime, "o-confirmed")

    cancelled = await cancellation.cancel_by_patient(runtime, user_id, order.id, "有事")

    assert cancelled.status == OrderStatus.CANCELLED
    [refund] = await refund_rows(runtime, order.id)
    # 09:00 on the day it was paid: a same-day reversal, the whole amount.
    assert refund.mode == RefundMode.REVERSAL and refund.amount == order.amount
    registrations = await runtime.his.registrations_for_order(order.id)
    assert [r.status for r in registrations] == ["CANCELLED"]


async def test_someone_elses_order_is_not_found_and_stays(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, order = await awaiting_payment(client, runtime, openid="o-owner")
    stranger, _ = await verified_patient(client, runtime, openid="o-stranger", name="韩梅梅")

    with pytest.raises(NotFound):
        await cancellation.cancel_by_patient(runtime, stranger, order.id, None)

    assert (await order_row(runtime, order.id)).status == OrderStatus.AWAITING_PAYMENT


async def test_a_suspension_by_staff_is_audited_and_cancels_the_booked_orders(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, order = await confirmed(client, runtime, "o-suspended")
    assert order.schedule_id is not None
    staff = StaffActor(staff_id="stf_1", name="护士长王", session_id="sss_1")

    affected = await cancellation.suspend_schedule(
        runtime, order.schedule_id, "专家临时停诊", tell_his=True, asked_by=staff
    )

    assert affected == 1
    async with runtime.sessions() as session:
        audits = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "SUSPEND_SCHEDULE"))
        ).all()
    assert [(a.subject, a.detail["schedule"]) for a in audits] == [("护士长王", order.schedule_id)]

    async def cancelled_and_refunded() -> bool:
        refunds = await refund_rows(runtime, order.id)
        status = (await order_row(runtime, order.id)).status
        return status == OrderStatus.CANCELLED and sum(r.amount for r in refunds) == order.amount

    await eventually(cancelled_and_refunded)
