"""services/money/payments.py against the bank simulator: one live bank order per order, a lost
notification settled by asking, an unpaid window closed at the bank before the order expires."""

from __future__ import annotations

import httpx
from sqlmodel import select

from fixtures.journey import eventually
from fixtures.money import awaiting_payment, bank_faults, cashier_pay, order_row
from hospital_bff.clock import FrozenClock
from hospital_bff.runtime import Runtime
from hospital_bff.services.money.payments import PaymentService
from hospital_bff.services.money.rules import OrderStatus, PaymentStatus, Settled
from hospital_bff.store.models import Payment

CLIENT_IP = "203.0.113.7"


async def test_paying_twice_with_one_key_opens_one_bank_order(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user_id, order = await awaiting_payment(client, runtime, openid="o-payer")
    service = PaymentService(runtime)

    first = await service.pay_order(user_id, order.id, "p1", CLIENT_IP)
    again = await service.pay_order(user_id, order.id, "p1", CLIENT_IP)

    assert again.id == first.id
    assert first.amount == order.amount and first.status == PaymentStatus.PENDING
    assert first.pay_url
    async with runtime.sessions() as session:
        assert len((await session.exec(select(Payment))).all()) == 1


async def test_a_lost_notification_is_settled_by_asking_the_bank(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    user_id, order = await awaiting_payment(client, runtime, openid="o-payer")
    service = PaymentService(runtime)
    payment = await service.pay_order(user_id, order.id, "p1", CLIENT_IP)
    await bank_faults(client, dropNotifications=True)
    assert (await cashier_pay(client, payment.pay_url)).status_code == 200
    assert (await order_row(runtime, order.id)).status == OrderStatus.AWAITING_PAYMENT

    assert await service.poll(payment.id) == Settled.PAID

    async def confirmed() -> bool:
        return (await order_row(runtime, order.id)).status == OrderStatus.CONFIRMED

    await eventually(confirmed)
    await bank_faults(client, dropNotifications=False)


async def test_an_unpaid_order_expires_only_after_its_window_and_the_bank_closes(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    user_id, order = await awaiting_payment(client, runtime, openid="o-payer")
    service = PaymentService(runtime)
    payment = await service.pay_order(user_id, order.id, "p1", CLIENT_IP)

    assert await service.expire(order.id) == Settled.NOT_DUE
    clock.advance(seconds=runtime.settings.payment_window_seconds + 1)
    assert await service.expire(order.id) == Settled.EXPIRED

    assert (await order_row(runtime, order.id)).status == OrderStatus.EXPIRED
    at_bank = await runtime.bank.query_order(payment.out_trade_no)
    assert at_bank is not None and at_bank.trade_state == "CLOSED", at_bank
