"""Money going back: every refund is of a whole payment, so a payment has at most one refund,
named after it (out_refund_no = "R" + out_trade_no). However many reasons arrive at once (a late
notification and the reconciliation, a cancellation and a failure), the bank pays back once."""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.errors import UpstreamRejected
from hospital_bff.jobs.enqueue import enqueue_after_commit
from hospital_bff.runtime import Runtime
from hospital_bff.services import notices, uow
from hospital_bff.services.order_rules import RefundMode, RefundStatus, refund_expected_by, yuan
from hospital_bff.store.models import Order, Payment, Refund
from hospital_bff.store.upsert import insert_ignore

log = structlog.get_logger(__name__)


async def open_refund(
    session: AsyncSession,
    runtime: Runtime,
    *,
    order: Order,
    payment: Payment,
    mode: RefundMode,
    reason: str,
) -> Refund:
    """Record that `payment` is owed back in full; a second call, for any reason, is a no-op.

    REFUND and REVERSAL go to the bank at once (a job); BATCH waits for the next day's
    reconciliation, which sends it in the batch refund file.
    """
    now = runtime.clock.now()
    out_refund_no = refund_number(payment)
    inserted = await insert_ignore(
        session,
        Refund,
        {
            "id": f"rfd_{payment.out_trade_no}",
            "order_id": order.id,
            "payment_id": payment.id,
            "out_refund_no": out_refund_no,
            "amount": payment.amount,
            "mode": mode.value,
            "status": RefundStatus.PENDING.value,
            "reason": reason[:256],
            "batch_id": None,
            "created_at": now,
            "expected_by": refund_expected_by(mode, now),
            "succeeded_at": None,
        },
    )
    refund = (await session.exec(select(Refund).where(Refund.out_refund_no == out_refund_no))).one()
    if inserted and mode is not RefundMode.BATCH:
        enqueue_after_commit(session, "send_refund", refund.id)
    return refund


def refund_number(payment: Payment) -> str:
    return f"R{payment.out_trade_no}"


async def send_refund(runtime: Runtime, refund_id: str) -> str:
    """Ask the bank to pay back one REFUND or REVERSAL refund; safe to run any number of times."""
    async with uow.unit_of_work(runtime) as session:
        refund = await session.get(Refund, refund_id)
        if refund is None or refund.status in (RefundStatus.SUCCEEDED, RefundStatus.FAILED):
            return "nothing to do"
        if refund.mode == RefundMode.BATCH:
            return "waits for the batch"
        payment = await session.get(Payment, refund.payment_id)
        assert payment is not None
    bank = runtime.bank
    if refund.mode == RefundMode.REVERSAL:
        try:
            reversal = await bank.reverse_order(payment.out_trade_no)
            ok = reversal.trade_state == "REVOKED" or (
                reversal.refund is not None and reversal.refund.status == "SUCCESS"
            )
        except UpstreamRejected as exc:
            # The bank refuses a reversal (e.g. past its window): fall back to a refund.
            log.warning("reversal_refused", refund=refund.id, code=exc.code)
            ok = False
        if not ok:
            result = await bank.refund(
                payment.out_trade_no,
                refund.out_refund_no,
                refund.amount,
                payment.amount,
                refund.reason,
                f"{runtime.settings.public_url}/webhooks/bank",
            )
            ok = result.status == "SUCCESS"
    else:
        existing = await bank.query_refund(refund.out_refund_no)
        if existing is None:
            existing = await bank.refund(
                payment.out_trade_no,
                refund.out_refund_no,
                refund.amount,
                payment.amount,
                refund.reason,
                f"{runtime.settings.public_url}/webhooks/bank",
            )
        ok = existing.status == "SUCCESS"
        if not ok and existing.status in ("CLOSED", "ABNORMAL"):
            async with uow.unit_of_work(runtime) as session:
                await _set_status(session, refund.id, RefundStatus.FAILED)
            log.error("refund_failed_at_bank", refund=refund.id, status=existing.status)
            return "failed"
    async with uow.unit_of_work(runtime) as session:
        if ok:
            await mark_refund_succeeded(session, runtime, refund.id)
            return "succeeded"
        await _set_status(session, refund.id, RefundStatus.PROCESSING)
    return "processing"


async def _set_status(session: AsyncSession, refund_id: str, status: RefundStatus) -> None:
    await session.execute(
        update(Refund)
        .where(col(Refund.id) == refund_id, col(Refund.status) != RefundStatus.SUCCEEDED.value)
        .values(status=status.value)
    )


async def mark_refund_succeeded(session: AsyncSession, runtime: Runtime, refund_id: str) -> bool:
    """The bank paid it back: record once, tell the patient once."""
    now = runtime.clock.now()
    result = await session.execute(
        update(Refund)
        .where(col(Refund.id) == refund_id, col(Refund.status) != RefundStatus.SUCCEEDED.value)
        .values(status=RefundStatus.SUCCEEDED.value, succeeded_at=now)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    refund = await session.get(Refund, refund_id)
    assert refund is not None
    order = await session.get(Order, refund.order_id)
    if order is not None:
        await notices.notify(
            session,
            now=now,
            user_id=order.user_id,
            kind="REFUND_SUCCEEDED",
            title="退款成功",
            body=f"订单 {order.id} 的 {yuan(refund.amount)} 元已退回原支付账户。",
            dedupe_key=f"refund-succeeded:{refund.id}",
            patient_id=order.his_patient_id,
            order_id=order.id,
        )
        uow.publish_after_commit(session, f"order:{order.id}", {"id": order.id})
    return True


async def pending_immediate_refunds(
    session: AsyncSession, older_than_seconds: int, runtime: Runtime
) -> list[str]:
    """REFUND/REVERSAL refunds not yet settled: the sweep sends each again (idempotent)."""
    cutoff = runtime.clock.now() - timedelta(seconds=older_than_seconds)
    rows = await session.exec(
        select(Refund.id).where(
            col(Refund.status).in_([RefundStatus.PENDING.value, RefundStatus.PROCESSING.value]),
            col(Refund.mode) != RefundMode.BATCH.value,
            col(Refund.created_at) <= cutoff,
        )
    )
    return list(rows.all())
