"""Money going back: every refund is of a whole payment, so a payment has at most one refund,
named after it (out_refund_no = "R" + out_trade_no). However many reasons arrive at once (a late
notification and the reconciliation, a cancellation and a failure), the bank pays back once."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.amounts import yuan
from hospital_bff.datasources.bank_models import REFUSED_REFUND_STATES, RefundNotice
from hospital_bff.datasources.bank_models import RefundStatus as BankRefundStatus
from hospital_bff.datasources.errors import UpstreamRejected
from hospital_bff.events import order_topic
from hospital_bff.jobs.enqueue import enqueue_after_commit
from hospital_bff.metrics import REFUNDS_OPENED, REFUNDS_OPENED_FEN, count_after_commit
from hospital_bff.runtime import Runtime
from hospital_bff.services import notices, uow
from hospital_bff.services.money.rules import (
    RefundMode,
    RefundOutcome,
    RefundStatus,
    refund_expected_by,
)
from hospital_bff.services.notices import NoticeKind
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
    reconciliation, which lists it in the day's batch refund file and then sends it.
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
            "failure": None,
            "created_at": now,
            "expected_by": refund_expected_by(mode, now),
            "succeeded_at": None,
        },
    )
    refund = (await session.exec(select(Refund).where(Refund.out_refund_no == out_refund_no))).one()
    if inserted:
        count_after_commit(session, REFUNDS_OPENED, mode.value)
        count_after_commit(session, REFUNDS_OPENED_FEN, mode.value, amount=refund.amount)
    if inserted and mode is not RefundMode.BATCH:
        enqueue_after_commit(session, "send_refund", refund.id)
    return refund


def refund_number(payment: Payment) -> str:
    return f"R{payment.out_trade_no}"


# Refusals that say "not now" rather than "never": the merchant account is short of money,
# or the bank asks us to slow down. The refund stays owed and the sweep sends it again.
RETRY_LATER_CODES = frozenset({"NOT_ENOUGH", "FREQUENCY_LIMITED", "SYSTEM_ERROR"})


async def send_refund(runtime: Runtime, refund_id: str) -> RefundOutcome:
    """Ask the bank to pay back one refund through the refunds API; safe to run any number of
    times. A REVERSAL or REFUND goes at once; a BATCH goes once reconciliation put it in a batch.

    The bank is asked first whether it already has the refund (a POST whose answer was lost), so
    a PROCESSING refund is simply looked at again until the bank says SUCCESS, ABNORMAL or CLOSED.
    """
    async with uow.unit_of_work(runtime) as session:
        refund = await session.get(Refund, refund_id)
        if refund is None or refund.status in (RefundStatus.SUCCEEDED, RefundStatus.FAILED):
            return RefundOutcome.NOTHING_TO_DO
        if refund.mode == RefundMode.BATCH and refund.batch_id is None:
            return RefundOutcome.WAITS_FOR_BATCH
        payment = await session.get(Payment, refund.payment_id)
        assert payment is not None
    bank = runtime.bank
    answer = await bank.query_refund(refund.out_refund_no)
    if answer is None:
        try:
            answer = await bank.refund(
                payment.out_trade_no,
                refund.out_refund_no,
                refund.amount,
                payment.amount,
                refund.reason,
                f"{runtime.settings.public_url}/webhooks/bank",
            )
        except UpstreamRejected as exc:
            if exc.code in RETRY_LATER_CODES:
                raise
            async with uow.unit_of_work(runtime) as session:
                await record_bank_outcome(session, runtime, refund.id, "CLOSED", failure=exc.code)
            return RefundOutcome.FAILED
    async with uow.unit_of_work(runtime) as session:
        return await record_bank_outcome(
            session, runtime, refund.id, answer.status, at=answer.success_time
        )


async def record_bank_outcome(
    session: AsyncSession,
    runtime: Runtime,
    refund_id: str,
    status: BankRefundStatus,
    *,
    at: datetime | None = None,
    failure: str | None = None,
) -> RefundOutcome:
    """Record what the bank says of a refund (a query's answer or a notification), once.

    ABNORMAL or CLOSED is a refund the bank will never pay: FAILED, never sent again, and the
    reconciliation lists it for a person, who pays the patient back another way.
    """
    if status == "SUCCESS":
        await mark_refund_succeeded(session, runtime, refund_id, at=at)
        return RefundOutcome.SUCCEEDED
    if status in REFUSED_REFUND_STATES:
        result = await session.execute(
            update(Refund)
            .where(
                col(Refund.id) == refund_id,
                col(Refund.status).in_([RefundStatus.PENDING.value, RefundStatus.PROCESSING.value]),
            )
            .values(status=RefundStatus.FAILED.value, failure=(failure or status)[:64])
        )
        if result.rowcount:  # type: ignore[attr-defined]
            log.error("refund_refused_by_bank", refund=refund_id, status=status, code=failure)
        return RefundOutcome.FAILED
    await session.execute(
        update(Refund)
        .where(col(Refund.id) == refund_id, col(Refund.status) == RefundStatus.PENDING.value)
        .values(status=RefundStatus.PROCESSING.value)
    )
    return RefundOutcome.PROCESSING


async def mark_refund_succeeded(
    session: AsyncSession, runtime: Runtime, refund_id: str, *, at: datetime | None = None
) -> bool:
    """The bank paid it back: record once (at the bank's success time, so that the day's
    reconciliation counts it on the same day as the bank), tell the patient once."""
    now = runtime.clock.now()
    result = await session.execute(
        update(Refund)
        .where(col(Refund.id) == refund_id, col(Refund.status) != RefundStatus.SUCCEEDED.value)
        .values(status=RefundStatus.SUCCEEDED.value, succeeded_at=at or now, failure=None)
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
            kind=NoticeKind.REFUND_SUCCEEDED,
            title="退款成功",
            body=f"{notices.describe_order(order)}：{yuan(refund.amount)}元已退回原支付账户。",
            dedupe_key=f"refund-succeeded:{refund.id}",
            patient_id=order.his_patient_id,
            order_id=order.id,
        )
        uow.publish_after_commit(session, order_topic(order.id), {"id": order.id})
    return True


async def pending_immediate_refunds(runtime: Runtime, older_than_seconds: int = 60) -> list[str]:
    """Refunds due at the bank and not yet final (REFUND/REVERSAL, and BATCH ones already in a
    batch): the sweep sends or queries each again (idempotent) until SUCCESS or refused."""
    cutoff = runtime.clock.now() - timedelta(seconds=older_than_seconds)
    async with uow.unit_of_work(runtime) as session:
        rows = await session.exec(
            select(Refund.id).where(
                col(Refund.status).in_([RefundStatus.PENDING.value, RefundStatus.PROCESSING.value]),
                or_(col(Refund.mode) != RefundMode.BATCH.value, col(Refund.batch_id).is_not(None)),
                col(Refund.created_at) <= cutoff,
            )
        )
        return list(rows.all())


async def record_refund_notice(runtime: Runtime, notice: RefundNotice) -> RefundOutcome | None:
    """The bank's notification of a refund's fate (SUCCESS, ABNORMAL or CLOSED), recorded once
    however often told; None when it names no refund of ours for that amount."""
    async with uow.unit_of_work(runtime) as session:
        refund = (
            await session.exec(select(Refund).where(Refund.out_refund_no == notice.out_refund_no))
        ).first()
        if refund is None or refund.amount != notice.amount.refund:
            return None
        return await record_bank_outcome(
            session, runtime, refund.id, notice.refund_status, at=notice.success_time
        )
