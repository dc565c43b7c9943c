"""services/money/notifications.py: a batch of bank notifications settles each payment once,
in one transaction; a repeated notification in the same batch, or one seen before, changes
nothing; one for a payment we do not know is answered as such. Expiries due together end in
one transaction, and an order with a bank order still open takes the way through the bank."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from fixtures.population import seed_awaiting_orders
from hospital_bff.clock import FrozenClock
from hospital_bff.datasources.bank_models import Transaction
from hospital_bff.runtime import Runtime
from hospital_bff.services.money.notifications import settle_notifications
from hospital_bff.services.money.payments import PaymentService
from hospital_bff.services.money.rules import OrderStatus, PaymentStatus, Settled
from hospital_bff.store.models import Order, Payment, ProcessedEvent


def paid(runtime: Runtime, out_trade_no: str, transaction_id: str) -> Transaction:
    return Transaction.model_validate(
        {
            "mchid": runtime.settings.bank_mch_id,
            "out_trade_no": out_trade_no,
            "transaction_id": transaction_id,
            "trade_state": "SUCCESS",
            "success_time": runtime.clock.now().isoformat(),
            "amount": {"total": 5000, "payer_total": 5000, "currency": "CNY"},
        }
    )


async def test_one_batch_settles_each_payment_once_and_remembers_each_notification(
    runtime: Runtime,
) -> None:
    due = runtime.clock.now() + timedelta(minutes=10)
    made = await seed_awaiting_orders(
        runtime, 2, expires_at=[due, due], with_payments=True, prefix="nb"
    )
    (order_a, out_a), (order_b, out_b) = made
    items = [
        ("n1", paid(runtime, out_a, "4200000000000000000000000001")),
        ("n1", paid(runtime, out_a, "4200000000000000000000000001")),  # the same, resent
        ("n2", paid(runtime, out_a, "4200000000000000000000000001")),  # another id, same money
        ("n3", paid(runtime, out_b, "4200000000000000000000000002")),
        ("n4", paid(runtime, "P-not-ours", "4200000000000000000000000003")),
    ]

    outcomes = await settle_notifications(runtime, items)

    assert outcomes == [
        Settled.PAID,
        None,
        Settled.ALREADY_SETTLED,
        Settled.PAID,
        Settled.UNKNOWN_PAYMENT,
    ]
    async with runtime.sessions() as session:
        orders = {o.id: o for o in await session.exec(select(Order))}
        payments = list(await session.exec(select(Payment)))
        seen = set(await session.exec(select(ProcessedEvent.id)))
    assert orders[order_a].status == orders[order_b].status == OrderStatus.PAID
    assert orders[order_a].version == 1, "seeded at 0, moved once"
    assert all(p.status == PaymentStatus.SUCCEEDED and p.paid_at for p in payments)
    assert seen == {"bank:n1", "bank:n2", "bank:n3", "bank:n4"}

    # Delivered again later: nothing changes, every one is answered as seen.
    assert await settle_notifications(runtime, items[:1] + items[3:4]) == [None, None]
    async with runtime.sessions() as session:
        again = await session.get(Order, order_a)
    assert again is not None and again.version == 1


async def test_expiries_due_together_end_in_one_unit_and_an_open_bank_order_is_left_to_the_bank(
    runtime: Runtime, clock: FrozenClock
) -> None:
    now = runtime.clock.now()
    unpaid = await seed_awaiting_orders(
        runtime,
        3,
        expires_at=[now + timedelta(minutes=1)] * 2 + [now + timedelta(hours=1)],
        with_payments=False,
        prefix="ex",
    )
    at_bank = await seed_awaiting_orders(
        runtime, 1, expires_at=[now + timedelta(minutes=1)], with_payments=True, prefix="eb"
    )
    clock.advance(minutes=2)
    ids = [order_id for order_id, _ in unpaid + at_bank]
    service = PaymentService(runtime)

    outcomes = await service._expire_unpaid_together([*ids, ids[0], "ord_missing"])

    assert outcomes == [
        Settled.EXPIRED,
        Settled.EXPIRED,
        Settled.NOT_DUE,
        None,  # a bank order still open: `expire` asks the bank first
        Settled.EXPIRED,
        Settled.NOTHING_TO_DO,
    ]
    async with runtime.sessions() as session:
        rows = {
            o.id: o.status for o in await session.exec(select(Order).where(col(Order.id).in_(ids)))
        }
    assert rows == {
        ids[0]: OrderStatus.EXPIRED,
        ids[1]: OrderStatus.EXPIRED,
        ids[2]: OrderStatus.AWAITING_PAYMENT,
        ids[3]: OrderStatus.AWAITING_PAYMENT,
    }
    assert await service._expire_unpaid_together(ids[:1]) == [Settled.NOTHING_TO_DO]
