"""The next-day reconciliation (对账, paper §4.3): the bank's trade bill against our payments.

Every line of the bill is matched by out_trade_no. Money the bank took for an order we did
not carry out (and have not refunded) is a LONG payment: it goes into the day's batch
refund file (批扣文件) with every BATCH-mode refund still owed. A payment we think
succeeded that the bank does not list is SHORT: flagged for a person, never guessed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import structlog
from sqlalchemy import update
from sqlmodel import col, select

from hospital_bff.datasources.bank_models import BatchRefundLine
from hospital_bff.datasources.errors import UpstreamUnavailable
from hospital_bff.runtime import Runtime
from hospital_bff.services import orders, refunds, uow
from hospital_bff.services.order_rules import OrderStatus, PaymentStatus, RefundMode, RefundStatus
from hospital_bff.store.ids import new_id
from hospital_bff.store.models import Payment, Reconciliation, Refund, RefundBatch

log = structlog.get_logger(__name__)

KEPT = (OrderStatus.PAID, OrderStatus.CONFIRMED, OrderStatus.COMPLETED)


def _day_bounds(day: date, runtime: Runtime) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=runtime.settings.tz)
    return start, start + timedelta(days=1)


async def reconcile(runtime: Runtime, day: date) -> Reconciliation:
    """Compare, refund the long, flag the short; running it twice sends nothing twice."""
    bill = await runtime.bank.trade_bill(day)
    start, end = _day_bounds(day, runtime)
    anomalies: list[dict[str, Any]] = []
    matched = 0
    bank_total = 0
    hospital_total = 0
    async with uow.unit_of_work(runtime) as session:
        payments = {
            p.out_trade_no: p
            for p in (
                await session.exec(
                    select(Payment).where(col(Payment.paid_at) >= start, col(Payment.paid_at) < end)
                )
            ).all()
        }
        seen: set[str] = set()
        for line in bill.lines:
            if line.is_refund:
                bank_total -= line.refund_amount
                continue
            bank_total += line.order_amount
            payment = payments.get(line.out_trade_no)
            if payment is None:
                payment = (
                    await session.exec(
                        select(Payment).where(Payment.out_trade_no == line.out_trade_no)
                    )
                ).first()
            if payment is None:
                anomalies.append(
                    _anomaly(
                        "UNKNOWN_PAYMENT", None, line.transaction_id, line.order_amount, "人工核查"
                    )
                )
                continue
            seen.add(payment.out_trade_no)
            # The order row is locked and the payment re-read under it: a late notification
            # settling the same payment now waits, and one of the two sees the other's work.
            order = await orders.lock_order(session, payment.order_id)
            assert order is not None
            await session.refresh(payment)
            if line.order_amount != payment.amount:
                anomalies.append(
                    _anomaly(
                        "AMOUNT_MISMATCH",
                        order.id,
                        line.transaction_id,
                        line.order_amount,
                        "人工核查",
                    )
                )
                continue
            if OrderStatus(order.status) in KEPT:
                matched += 1
                hospital_total += payment.amount
                continue
            refund = (
                await session.exec(select(Refund).where(Refund.payment_id == payment.id))
            ).first()
            if refund is not None and refund.status == RefundStatus.FAILED:
                # The bank refused to pay it back: a person must find another way.
                anomalies.append(
                    _anomaly(
                        "REFUND_FAILED", order.id, line.transaction_id, refund.amount, "人工退款"
                    )
                )
                continue
            if refund is not None:
                matched += 1
                continue
            # We never heard of the money (notification and poll both missed it).
            await session.execute(
                update(Payment)
                .where(
                    col(Payment.id) == payment.id,
                    col(Payment.status) != PaymentStatus.SUCCEEDED.value,
                )
                .values(
                    status=PaymentStatus.SUCCEEDED.value,
                    transaction_id=line.transaction_id,
                    paid_at=line.traded_at,
                )
            )
            await refunds.open_refund(
                session,
                runtime,
                order=order,
                payment=payment,
                mode=RefundMode.BATCH,
                reason="对账发现长款，批量退回",
            )
            anomalies.append(
                _anomaly(
                    "LONG_PAYMENT", order.id, line.transaction_id, line.order_amount, "BATCH_REFUND"
                )
            )
        for out_trade_no, payment in payments.items():
            if out_trade_no not in seen and payment.status == PaymentStatus.SUCCEEDED:
                anomalies.append(
                    _anomaly(
                        "SHORT_PAYMENT",
                        payment.order_id,
                        payment.transaction_id,
                        payment.amount,
                        "人工核查",
                    )
                )
        batch_refunds = list(
            (
                await session.exec(
                    select(Refund).where(
                        Refund.mode == RefundMode.BATCH.value,
                        Refund.status == RefundStatus.PENDING.value,
                        col(Refund.batch_id).is_(None),
                    )
                )
            ).all()
        )
        batch: RefundBatch | None = None
        if batch_refunds:
            batch = RefundBatch(
                id=new_id("bat"),
                day=day,
                lines=len(batch_refunds),
                amount=sum(r.amount for r in batch_refunds),
                status="PENDING",
                created_at=runtime.clock.now(),
            )
            session.add(batch)
            for r in batch_refunds:
                r.batch_id = batch.id
                r.status = RefundStatus.PROCESSING.value
                session.add(r)
        record = await session.get(Reconciliation, day) or Reconciliation(day=day, status="RUNNING")
        record.bank_total = bank_total
        record.hospital_total = hospital_total
        record.matched = matched
        record.anomalies = anomalies
        record.status = "BALANCED" if not anomalies else "ANOMALIES"
        record.refund_batch_id = batch.id if batch else record.refund_batch_id
        record.ran_at = runtime.clock.now()
        session.add(record)
    if batch is not None:
        try:
            await send_batch(runtime, batch.id)
        except UpstreamUnavailable:
            # The batch stays PENDING; the resend sweep sends it again (the bank is
            # idempotent on each line's out_refund_no).
            log.warning("refund_batch_not_sent", batch=batch.id)
    async with uow.unit_of_work(runtime) as session:
        fresh = await session.get(Reconciliation, day)
        assert fresh is not None
        return fresh


async def send_batch(runtime: Runtime, batch_id: str) -> str:
    """Send (or send again) the batch refund file; safe to repeat. Accepted lines succeed;
    refused ones are FAILED, and the next reconciliation lists them for a person."""
    async with uow.unit_of_work(runtime) as session:
        batch = await session.get(RefundBatch, batch_id)
        if batch is None or batch.status != "PENDING":
            return "nothing to do"
        rows = list(
            (
                await session.exec(
                    select(Refund).where(
                        Refund.batch_id == batch_id, Refund.status == RefundStatus.PROCESSING.value
                    )
                )
            ).all()
        )
        lines = []
        for r in rows:
            payment = await session.get(Payment, r.payment_id)
            assert payment is not None
            lines.append(
                BatchRefundLine(
                    out_trade_no=payment.out_trade_no,
                    out_refund_no=r.out_refund_no,
                    amount=r.amount,
                    total=payment.amount,
                    reason=r.reason,
                )
            )
    result = await runtime.bank.batch_refund(lines, batch_no=batch_id) if lines else None
    accepted = {i.out_refund_no for i in result.results if i.accepted} if result else set()
    async with uow.unit_of_work(runtime) as session:
        for r in rows:
            if r.out_refund_no in accepted:
                await refunds.mark_refund_succeeded(session, runtime, r.id)
            else:
                log.error("batch_refund_line_refused", refund=r.id)
                await session.execute(
                    update(Refund)
                    .where(
                        col(Refund.id) == r.id, col(Refund.status) == RefundStatus.PROCESSING.value
                    )
                    .values(status=RefundStatus.FAILED.value)
                )
        batch = await session.get(RefundBatch, batch_id)
        if batch is not None:
            batch.status = "SENT" if len(accepted) == len(rows) else "PARTIAL"
            session.add(batch)
    return "sent"


async def unsent_batches(runtime: Runtime) -> list[str]:
    async with uow.unit_of_work(runtime) as session:
        return list(
            (
                await session.exec(select(RefundBatch.id).where(RefundBatch.status == "PENDING"))
            ).all()
        )


def _anomaly(
    kind: str, order_id: str | None, txn: str | None, amount: int, resolution: str
) -> dict[str, Any]:
    return {
        "kind": kind,
        "orderId": order_id,
        "bankTransactionId": txn,
        "amount": amount,
        "resolution": resolution,
    }
