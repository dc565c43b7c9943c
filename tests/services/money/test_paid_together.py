"""services/money/paid_together.py: a batch of notifications settles every payment as the
one-payment way (`PaymentService.settle_transaction`, one after another) would, the same
outcomes and the same rows, whatever the batch holds (money kept, an amount that differs, a
late payment, a closed order, a payment settled before, two payments of one order, a payment
not ours, a closed bank order); and the statements a batch runs do not grow with its size."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, update
from sqlmodel import col, select

from conftest import make_settings
from fixtures.population import seed_awaiting_orders
from hospital_bff.config import Settings
from hospital_bff.datasources.bank_models import Transaction
from hospital_bff.jobs import enqueue
from hospital_bff.runtime import Runtime
from hospital_bff.services.money.notifications import settle_notifications
from hospital_bff.services.money.payments import PaymentService
from hospital_bff.services.money.rules import Settled
from hospital_bff.store.models import Order, Payment, Refund


@pytest.fixture
def settings(backend: str, tmp_path: Path) -> Settings:
    """No job runs while the rows are compared (a poll would close a bank order meanwhile)."""
    return make_settings(backend, tmp_path, run_jobs_in_process=False)


def answer(
    runtime: Runtime, out_trade_no: str, n: int, *, total: int = 5000, state: str = "SUCCESS"
) -> Transaction:
    return Transaction.model_validate(
        {
            "mchid": runtime.settings.bank_mch_id,
            "out_trade_no": out_trade_no,
            "transaction_id": f"4200{n:024d}",
            "trade_state": state,
            "success_time": runtime.clock.now().isoformat() if state == "SUCCESS" else None,
            "amount": {"total": total, "payer_total": total, "currency": "CNY"},
        }
    )


async def mixed(runtime: Runtime, prefix: str) -> list[Transaction]:
    """Eight orders, one of each case, and the bank's answers about their payments."""
    now = runtime.clock.now()
    later = now + timedelta(minutes=10)
    made = await seed_awaiting_orders(
        runtime,
        8,
        expires_at=[later, later, now - timedelta(minutes=1), *[later] * 5],
        with_payments=True,
        prefix=prefix,
    )
    outs = [out for _, out in made]
    ids = [order_id for order_id, _ in made]
    async with runtime.sessions() as session, session.begin():
        # 3: cancelled before the money came; 4: marked paid by the reconciliation first.
        await session.execute(
            update(Order).where(col(Order.id) == ids[3]).values(status="CANCELLED")
        )
        await session.execute(
            update(Payment).where(col(Payment.out_trade_no) == outs[4]).values(status="SUCCEEDED")
        )
        # 5: a second bank order of the same order, both paid; 6: one still open beside it.
        for i in (5, 6):
            session.add(
                Payment(
                    order_id=ids[i],
                    out_trade_no=f"{outs[i]}B",
                    idempotency_key=f"{prefix}-second-{i}",
                    amount=5000,
                    status="PENDING",
                    pay_url="-",
                    created_at=now,
                    expires_at=later,
                )
            )
    return [
        answer(runtime, outs[0], 1),  # kept: PAID
        answer(runtime, outs[1], 2, total=4999),  # a fen short: refunded
        answer(runtime, outs[2], 3),  # after the window: refunded, the order expires
        answer(runtime, outs[3], 4),  # the order was cancelled: refunded
        answer(runtime, outs[4], 5),  # settled before: ALREADY_SETTLED
        answer(runtime, outs[5], 6),  # kept
        answer(runtime, f"{outs[5]}B", 7),  # the same order's second payment: refunded
        answer(runtime, outs[6], 8),  # kept; its other bank order is polled
        answer(runtime, outs[7], 9, state="CLOSED"),  # closed at the bank
        answer(runtime, f"P-not-ours-{prefix}", 10),
    ]


async def rows(runtime: Runtime, prefix: str) -> list[Any]:
    """What the settling left, with the prefix taken out of the names."""
    async with runtime.sessions() as session:
        orders = await session.exec(select(Order).where(col(Order.id).startswith(f"ord_{prefix}")))
        payments = await session.exec(
            select(Payment).where(col(Payment.out_trade_no).startswith(f"T{prefix}"))
        )
        refunds = await session.exec(
            select(Refund.payment_id, Refund.amount, Refund.reason, Refund.mode)
        )
        refunded = {payment_id: rest for payment_id, *rest in refunds}
        return sorted(
            [
                (o.id.removeprefix(f"ord_{prefix}"), o.status, o.version, o.paid_at, o.closed_at)
                for o in orders
            ]
            + [
                (
                    p.out_trade_no.removeprefix(f"T{prefix}"),
                    p.status,
                    p.transaction_id,
                    p.paid_at,
                    p.final_at,
                    refunded.get(p.id),
                )
                for p in payments
            ],
            key=repr,
        )


async def test_a_batch_settles_every_case_as_the_one_payment_way_does(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_by_one = await mixed(runtime, "s")
    batched = await mixed(runtime, "b")
    service = PaymentService(runtime)
    sent: list[tuple[str, tuple[Any, ...]]] = []

    def send_now(actor: str, *args: Any, delay_ms: int | None = None) -> None:
        sent.append((actor, args))

    monkeypatch.setattr(enqueue, "send_now", send_now)

    slow = [await service.settle_transaction(tx) for tx in one_by_one]
    slow_jobs, sent[:] = list(sent), []
    fast = await settle_notifications(runtime, [(f"b{i}", tx) for i, tx in enumerate(batched)])

    assert (
        fast
        == slow
        == [
            Settled.PAID,
            Settled.REFUNDED,
            Settled.REFUNDED,
            Settled.REFUNDED,
            Settled.ALREADY_SETTLED,
            Settled.PAID,
            Settled.REFUNDED,
            Settled.PAID,
            Settled.CLOSED,
            Settled.UNKNOWN_PAYMENT,
        ]
    )
    assert await rows(runtime, "b") == await rows(runtime, "s")
    # The same jobs: confirmations, refunds, the expired order's hold, the other bank order's
    # poll (payment ids are random: the payments' out_trade_no names them here).
    assert sorted(await named(runtime, sent, "b")) == sorted(await named(runtime, slow_jobs, "s"))
    assert ("poll_payment", ("00000006B",)) in await named(runtime, sent, "b")


async def named(
    runtime: Runtime, jobs: list[tuple[str, tuple[Any, ...]]], prefix: str
) -> list[tuple[str, tuple[Any, ...]]]:
    async with runtime.sessions() as session:
        payments = {p.id: p.out_trade_no for p in await session.exec(select(Payment))}
    return [
        (
            actor,
            tuple(
                str(payments.get(a, a))
                .removeprefix(f"ord_{prefix}")
                .removeprefix(f"rfd_T{prefix}")
                .removeprefix(f"T{prefix}")
                if not str(a).startswith("ntc_")  # a notice's id is random
                else "a notice"
                for a in args
            ),
        )
        for actor, args in jobs
    ]


async def test_a_batch_runs_as_many_statements_for_thirty_payments_as_for_three(
    runtime: Runtime,
) -> None:
    later = runtime.clock.now() + timedelta(minutes=10)
    statements: list[str] = []

    def count(*_args: Any) -> None:
        statements.append("")

    event.listen(runtime.engine.sync_engine, "before_cursor_execute", count)
    try:
        ran = []
        for size, prefix in ((3, "x"), (30, "y")):
            made = await seed_awaiting_orders(
                runtime, size, expires_at=[later] * size, with_payments=True, prefix=prefix
            )
            statements.clear()
            items = [(f"{prefix}{i}", answer(runtime, out, i)) for i, (_, out) in enumerate(made)]
            outcomes = await settle_notifications(runtime, items)
            assert outcomes == [Settled.PAID] * size
            ran.append(len(statements))
    finally:
        event.remove(runtime.engine.sync_engine, "before_cursor_execute", count)
    assert ran[0] == ran[1], f"{ran[0]} statements for 3 payments, {ran[1]} for 30"
