"""services/money/notifications.py through its group commit, when something fails: a batch
in which one notification's settling raises is rolled back whole (nothing it did is kept or
remembered, none of its jobs leave), the others are settled alone and answered, the bad one
is answered with the error (the bank sends it again), and sent again it is settled once;
a duplicate in the failed batch stays a duplicate. Read as Core rows, the batch settles as the
one-payment way does (tests/services/money/test_paid_together.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, func, select

from conftest import make_settings
from fixtures.population import seed_awaiting_orders
from hospital_bff.config import Settings
from hospital_bff.datasources.bank_models import Transaction
from hospital_bff.jobs import enqueue
from hospital_bff.runtime import Runtime
from hospital_bff.services.money import notifications, refunds
from hospital_bff.services.money.notifications import settle_notification, settle_notifications
from hospital_bff.services.money.rules import OrderStatus, PaymentStatus, Settled
from hospital_bff.store.models import Order, Payment, ProcessedEvent, Refund


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    """No job runs: the jobs a batch sets off are counted, not run."""
    return make_settings(backend, tmp_path, run_jobs_in_process=False)


def paid(runtime: Runtime, out_trade_no: str, n: int, total: int = 5000) -> Transaction:
    return Transaction.model_validate(
        {
            "mchid": runtime.settings.bank_mch_id,
            "out_trade_no": out_trade_no,
            "transaction_id": f"4200{n:024d}",
            "trade_state": "SUCCESS",
            "success_time": runtime.clock.now().isoformat(),
            "amount": {"total": total, "payer_total": total, "currency": "CNY"},
        }
    )


async def test_one_failing_notification_fails_alone_and_is_settled_once_when_sent_again(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = runtime.clock.now() + timedelta(minutes=10)
    made = await seed_awaiting_orders(
        runtime, 3, expires_at=[later] * 3, with_payments=True, prefix="nf"
    )
    (order_a, out_a), (order_b, out_b), (order_c, out_c) = made
    sent: list[tuple[str, tuple[Any, ...]]] = []

    def send_now(actor: str, *args: Any, delay_ms: int | None = None) -> None:
        sent.append((actor, args))

    monkeypatch.setattr(enqueue, "send_now", send_now)
    open_refund = refunds.open_refund
    failing = True

    async def refund_failing(*args: Any, **kwargs: Any) -> Any:
        if failing:
            raise RuntimeError("the database went away half-way")
        return await open_refund(*args, **kwargs)

    monkeypatch.setattr(refunds, "open_refund", refund_failing)
    batches: list[int] = []

    async def recorded(runtime: Runtime, items: Any) -> Any:
        batches.append(len(items))
        return await settle_notifications(runtime, items)

    monkeypatch.setattr(notifications, "settle_notifications", recorded)
    short = paid(runtime, out_b, 2, total=4999)  # a fen short: refunded, which fails here

    answers = await asyncio.gather(
        settle_notification(runtime, "fa", paid(runtime, out_a, 1)),
        settle_notification(runtime, "fb", short),
        settle_notification(runtime, "fa", paid(runtime, out_a, 1)),  # the same, resent
        settle_notification(runtime, "fc", paid(runtime, out_c, 3)),
        return_exceptions=True,
    )

    assert batches == [4, 1, 1, 1, 1], "one batch of four, rolled back, then each alone"
    assert answers[0] == Settled.PAID
    assert isinstance(answers[1], RuntimeError)
    assert answers[2] is None  # the duplicate: seen, settled by its first
    assert answers[3] == Settled.PAID
    async with runtime.sessions() as session:
        orders = {o.id: o for o in await session.exec(select(Order))}
        payments = {p.out_trade_no: p for p in await session.exec(select(Payment))}
        seen = set(await session.exec(select(ProcessedEvent.id)))
    # The failed batch kept nothing: each order moved once, by its own unit.
    assert orders[order_a].status == orders[order_c].status == OrderStatus.PAID
    assert orders[order_a].version == orders[order_c].version == 1
    assert orders[order_b].status == OrderStatus.AWAITING_PAYMENT
    assert orders[order_b].version == 0
    assert payments[out_b].status == PaymentStatus.PENDING
    assert seen == {"bank:fa", "bank:fc"}, "the failed one is not remembered: the bank resends"
    assert sorted(sent) == [("confirm_order", (order_a,)), ("confirm_order", (order_c,))]

    failing = False
    sent.clear()
    assert await settle_notification(runtime, "fb", short) == Settled.REFUNDED
    assert await settle_notification(runtime, "fb", short) is None
    async with runtime.sessions() as session:
        payment = (await session.exec(select(Payment).where(Payment.out_trade_no == out_b))).one()
        refunded = (
            await session.exec(
                select(func.count()).select_from(Refund).where(Refund.payment_id == payment.id)
            )
        ).one()
        remembered = (
            await session.exec(select(ProcessedEvent.id).where(col(ProcessedEvent.id) == "bank:fb"))
        ).all()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert refunded == 1, "the money comes back once"
    assert remembered == ["bank:fb"]
    assert [actor for actor, _ in sent] == ["send_refund"]
