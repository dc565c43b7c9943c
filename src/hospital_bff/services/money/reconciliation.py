"""The next-day reconciliation (对账, paper §4.3): the bank's trade bill against our payments,
refunds and orders, by the pure matcher in ``reconciliation_rules``.

A run: download the bill; match; apply what the bill tells us that we had missed (money taken
for an order we did not carry out is recorded and owed back in BATCH mode; a refund the bill
shows settled is recorded); put the day's BATCH refunds into its batch refund file and send
each through the refunds API (one refusal or outage touches one refund, never the run); match
again and keep the findings. Re-running a day sends nothing twice and changes no finding:
the same fact keeps its row (and a person's note), a new fact adds one, a fact that stopped
being true is marked ``current=False``.

Over 400 lines: the runner, the corrections it applies and the day's batch are one
transaction-ordered flow; the matching itself is already apart, pure, in
``reconciliation_rules``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import structlog
from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.datasources.bank_models import FundFlowSummary, TradeBill
from hospital_bff.datasources.errors import UpstreamRejected, UpstreamUnavailable
from hospital_bff.metrics import PAYMENTS_SUCCEEDED, PAYMENTS_SUCCEEDED_FEN, count_after_commit
from hospital_bff.runtime import Runtime
from hospital_bff.services import audit, uow
from hospital_bff.services.errors import InvalidInput, NotFound
from hospital_bff.services.money import batch_file, orders, refunds
from hospital_bff.services.money.reconciliation_rules import (
    LONG_PAYMENT_REASON,
    Finding,
    FindingKind,
    Matching,
    PaymentFact,
    RefundFact,
    match,
    match_fund_flow,
)
from hospital_bff.services.money.rules import (
    BatchStatus,
    DayStatus,
    FindingStatus,
    OrderStatus,
    PaymentStatus,
    RefundMode,
    RefundStatus,
)
from hospital_bff.services.staff import StaffActor
from hospital_bff.store.models import (
    Order,
    Payment,
    Reconciliation,
    ReconciliationFinding,
    Refund,
    RefundBatch,
)

log = structlog.get_logger(__name__)

KEPT = frozenset({OrderStatus.PAID, OrderStatus.CONFIRMED, OrderStatus.COMPLETED})


def _day_bounds(day: date, runtime: Runtime) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=runtime.settings.tz)
    return start, start + timedelta(days=1)


def batch_id_of(day: date) -> str:
    """One batch per reconciled day, so a re-run finds (and extends) the same one."""
    return f"bat_{day:%Y%m%d}"


async def days_due(runtime: Runtime) -> list[date]:
    """Every recent day without a finished reconciliation, once the bank's bill is out: a bank
    that was down at the hour, or a bill that did not match its hash, costs a delay, never a
    day."""
    settings = runtime.settings
    now = runtime.clock.now()
    if now.time() < settings.reconcile_after:
        return []
    days = [now.date() - timedelta(days=n) for n in range(1, settings.reconcile_days_back + 1)]
    async with uow.unit_of_work(runtime) as session:
        done = set(
            (
                await session.exec(
                    select(col(Reconciliation.day)).where(col(Reconciliation.day).in_(days))
                )
            ).all()
        )
    return [d for d in days if d not in done]


async def reconcile(
    runtime: Runtime, day: date, *, asked_by: StaffActor | None = None
) -> Reconciliation:
    """Compare, correct, refund the long, flag the rest; safe to run any number of times.
    A run a staff member asked for is on the audit trail in the same commit as its record."""
    bill = await runtime.bank.trade_bill(day)
    async with uow.unit_of_work(runtime) as session:
        first = match(bill.lines, bill.summary, *await _facts(session, runtime, day, bill))
        await _correct(session, runtime, first)
        batch_id = await _batch_the_day(session, runtime, day)
    if batch_id is not None:
        await send_batch(runtime, batch_id)
    flow = await _fund_flow(runtime, day)  # asked outside the transaction: no lock waits on it
    async with uow.unit_of_work(runtime) as session:
        final = match(bill.lines, bill.summary, *await _facts(session, runtime, day, bill))
        final.findings.extend(match_fund_flow(flow, final.hospital))
        record = await _keep(session, runtime, day, final, batch_id)
        if asked_by is not None:
            audit.record(
                session,
                runtime.clock.now(),
                "RUN_RECONCILIATION",
                **asked_by.audit_fields(),
                day=day.isoformat(),
            )
    return record


async def _fund_flow(runtime: Runtime, day: date) -> FundFlowSummary | None:
    """The day's fund-flow totals of the basic account, or None (logged once) if the bank
    cannot give them: the trade bill's findings stand without them."""
    try:
        return (await runtime.bank.fund_flow_bill(day, "BASIC")).summary
    except (UpstreamUnavailable, UpstreamRejected) as exc:
        log.warning("fund_flow_bill_unavailable", day=day.isoformat(), error=str(exc))
        return None


async def _facts(
    session: AsyncSession, runtime: Runtime, day: date, bill: TradeBill
) -> tuple[list[PaymentFact], list[RefundFact]]:
    start, end = _day_bounds(day, runtime)
    trade_nos = {line.out_trade_no for line in bill.lines}
    refund_nos = {line.out_refund_no for line in bill.lines if line.is_refund}
    payments = {
        p.id: p
        for p in (
            await session.exec(
                select(Payment).where(
                    col(Payment.out_trade_no).in_(trade_nos)
                    | (
                        (col(Payment.paid_at) >= start)
                        & (col(Payment.paid_at) < end)
                        & (col(Payment.status) == PaymentStatus.SUCCEEDED.value)
                    )
                )
            )
        ).all()
    }
    refund_rows = list(
        (
            await session.exec(
                select(Refund).where(
                    col(Refund.payment_id).in_(list(payments))
                    | col(Refund.out_refund_no).in_(refund_nos)
                    | ((col(Refund.succeeded_at) >= start) & (col(Refund.succeeded_at) < end))
                    | (col(Refund.status) == RefundStatus.FAILED.value)
                )
            )
        ).all()
    )
    missing = {r.payment_id for r in refund_rows} - set(payments)
    if missing:
        for p in (await session.exec(select(Payment).where(col(Payment.id).in_(missing)))).all():
            payments[p.id] = p
    order_ids = {p.order_id for p in payments.values()}
    statuses = {
        o.id: OrderStatus(o.status)
        for o in (await session.exec(select(Order).where(col(Order.id).in_(order_ids)))).all()
    }
    failed_nos = [r.out_refund_no for r in refund_rows if r.status == RefundStatus.FAILED]
    flagged_elsewhere = set(
        (
            await session.exec(
                select(ReconciliationFinding.out_refund_no).where(
                    col(ReconciliationFinding.kind) == FindingKind.REFUND_FAILED.value,
                    col(ReconciliationFinding.day) != day,
                    col(ReconciliationFinding.out_refund_no).in_(failed_nos),
                )
            )
        ).all()
    )
    # Kept is per payment, not per order: an order paid by its second bank order keeps that
    # payment only, and money landing on the first is a long payment like any other.
    refunded = {r.payment_id for r in refund_rows}
    payment_facts = [
        PaymentFact(
            out_trade_no=p.out_trade_no,
            order_id=p.order_id,
            amount=p.amount,
            succeeded=p.status == PaymentStatus.SUCCEEDED,
            paid_in_day=p.paid_at is not None and start <= p.paid_at < end,
            order_kept=statuses.get(p.order_id) in KEPT
            and p.status == PaymentStatus.SUCCEEDED
            and p.id not in refunded,
        )
        for p in payments.values()
    ]
    refund_facts = [
        RefundFact(
            out_refund_no=r.out_refund_no,
            out_trade_no=payments[r.payment_id].out_trade_no,
            order_id=r.order_id,
            amount=r.amount,
            status=RefundStatus(r.status),
            for_long_payment=r.reason == LONG_PAYMENT_REASON,
            succeeded_in_day=r.succeeded_at is not None and start <= r.succeeded_at < end,
            failed_flagged_on_other_day=r.out_refund_no in flagged_elsewhere,
        )
        for r in refund_rows
    ]
    return payment_facts, refund_facts


async def _correct(session: AsyncSession, runtime: Runtime, found: Matching) -> None:
    """What the bill proves and we had missed: money taken, refunds settled or refused."""
    for long in found.long_payments:
        payment = (
            await session.exec(select(Payment).where(Payment.out_trade_no == long.out_trade_no))
        ).one()
        # The order row is locked and the payment re-read under it: a late notification
        # settling the same payment now waits, and one of the two sees the other's work.
        order = await orders.lock_order(session, payment.order_id)
        assert order is not None
        await session.refresh(payment)
        won = await session.execute(
            update(Payment)
            .where(
                col(Payment.id) == payment.id,
                col(Payment.status) != PaymentStatus.SUCCEEDED.value,
            )
            .values(
                status=PaymentStatus.SUCCEEDED.value,
                transaction_id=long.transaction_id,
                paid_at=long.traded_at,
                # The bank's answer is final: the poll need not ask about it again.
                final_at=runtime.clock.now(),
            )
        )
        if not won.rowcount:  # type: ignore[attr-defined]
            # A notification or the poll settled this payment first, under the same lock:
            # it decided (kept for the order, or refunded) and nothing is owed twice.
            continue
        count_after_commit(session, PAYMENTS_SUCCEEDED, order.kind)
        count_after_commit(session, PAYMENTS_SUCCEEDED_FEN, order.kind, amount=payment.amount)
        # Not SUCCEEDED until now, so this payment did not pay for the order, even where
        # another payment did (a kept order): its money is owed back.
        await refunds.open_refund(
            session,
            runtime,
            order=order,
            payment=payment,
            mode=RefundMode.BATCH,
            reason=LONG_PAYMENT_REASON,
        )
    for correction in found.refund_corrections:
        refund = (
            await session.exec(
                select(Refund).where(Refund.out_refund_no == correction.out_refund_no)
            )
        ).one()
        await refunds.record_bank_outcome(
            session,
            runtime,
            refund.id,
            "SUCCESS" if correction.bank_status == "SUCCESS" else "ABNORMAL",
            at=correction.at,
            failure=correction.bank_status,
        )


async def _batch_the_day(session: AsyncSession, runtime: Runtime, day: date) -> str | None:
    """Put every BATCH refund owed from the day (and every long payment just found) into the
    day's batch, and write its file; None if the day has no batch."""
    _, end = _day_bounds(day, runtime)
    batch_id = batch_id_of(day)
    owed = list(
        (
            await session.exec(
                select(Refund).where(
                    Refund.mode == RefundMode.BATCH.value,
                    Refund.status == RefundStatus.PENDING.value,
                    col(Refund.batch_id).is_(None),
                    (col(Refund.created_at) < end) | (col(Refund.reason) == LONG_PAYMENT_REASON),
                )
            )
        ).all()
    )
    batch = await session.get(RefundBatch, batch_id)
    if not owed:
        return batch.id if batch is not None else None
    if batch is None:
        batch = RefundBatch(
            id=batch_id, day=day, status=BatchStatus.PENDING.value, created_at=runtime.clock.now()
        )
        session.add(batch)
        await session.flush()
    for r in owed:
        r.batch_id = batch_id
        session.add(r)
    await session.flush()
    members = list((await session.exec(select(Refund).where(Refund.batch_id == batch_id))).all())
    lines = []
    for r in members:
        payment = await session.get(Payment, r.payment_id)
        assert payment is not None
        lines.append(
            batch_file.BatchLine(
                out_trade_no=payment.out_trade_no,
                transaction_id=payment.transaction_id,
                out_refund_no=r.out_refund_no,
                total=payment.amount,
                amount=r.amount,
                reason=r.reason,
            )
        )
    batch.lines = len(lines)
    batch.amount = sum(line.amount for line in lines)
    batch.file = batch_file.render(batch_id, day, lines)
    batch.status = BatchStatus.PENDING.value
    session.add(batch)
    return batch_id


async def send_batch(runtime: Runtime, batch_id: str) -> BatchStatus | None:
    """Send each refund of the batch still owed through the refunds API; safe to repeat. A bank
    outage or refusal touches that refund only: it stays owed (the sweep sends it again) or is
    FAILED (a REFUND_FAILED finding), and the rest go on."""
    async with uow.unit_of_work(runtime) as session:
        ids = list(
            (
                await session.exec(
                    select(Refund.id).where(
                        Refund.batch_id == batch_id,
                        col(Refund.status).in_(
                            [RefundStatus.PENDING.value, RefundStatus.PROCESSING.value]
                        ),
                    )
                )
            ).all()
        )
    for refund_id in ids:
        try:
            await refunds.send_refund(runtime, refund_id)
        except (UpstreamUnavailable, UpstreamRejected) as exc:
            log.warning("batch_refund_not_sent", batch=batch_id, refund=refund_id, error=str(exc))
    async with uow.unit_of_work(runtime) as session:
        batch = await session.get(RefundBatch, batch_id)
        if batch is None:
            return None
        states = set(
            (await session.exec(select(Refund.status).where(Refund.batch_id == batch_id))).all()
        )
        if RefundStatus.PENDING.value in states:
            batch.status = BatchStatus.PENDING.value
        elif RefundStatus.FAILED.value in states:
            batch.status = BatchStatus.PARTIAL.value
        else:
            batch.status = BatchStatus.SENT.value
        session.add(batch)
        return BatchStatus(batch.status)


async def unsent_batches(runtime: Runtime) -> list[str]:
    async with uow.unit_of_work(runtime) as session:
        return list(
            (
                await session.exec(
                    select(RefundBatch.id).where(RefundBatch.status == BatchStatus.PENDING.value)
                )
            ).all()
        )


async def _keep(
    session: AsyncSession, runtime: Runtime, day: date, found: Matching, batch_id: str | None
) -> Reconciliation:
    now = runtime.clock.now()
    existing = {
        f.key: f
        for f in (
            await session.exec(
                select(ReconciliationFinding).where(ReconciliationFinding.day == day)
            )
        ).all()
    }
    keys = set()
    for finding in found.findings:
        keys.add(finding.key)
        row = existing.get(finding.key)
        if row is None:
            session.add(_new_finding(day, finding, now))
            continue
        row.current = True
        row.amount = finding.amount
        row.last_seen_at = now
        session.add(row)
    for key, row in existing.items():
        if key not in keys and row.current:
            row.current = False
            session.add(row)
    record = await session.get(Reconciliation, day) or Reconciliation(day=day, status="")
    record.bank_paid = found.bank.paid
    record.bank_refunded = found.bank.refunded
    record.bank_total = found.bank.net
    record.hospital_paid = found.hospital.paid
    record.hospital_refunded = found.hospital.refunded
    record.hospital_total = found.hospital.net
    record.matched = found.matched
    record.refund_batch_id = batch_id or record.refund_batch_id
    record.ran_at = now
    session.add(record)
    await session.flush()
    record.status = await _day_status(session, day)
    session.add(record)
    return record


def _new_finding(day: date, finding: Finding, now: datetime) -> ReconciliationFinding:
    return ReconciliationFinding(
        day=day,
        key=finding.key,
        kind=finding.kind.value,
        order_id=finding.order_id,
        out_trade_no=finding.out_trade_no,
        out_refund_no=finding.out_refund_no,
        bank_transaction_id=finding.bank_transaction_id,
        amount=finding.amount,
        action=finding.action.value,
        current=True,
        status=FindingStatus.OPEN.value,
        first_seen_at=now,
        last_seen_at=now,
    )


async def _day_status(session: AsyncSession, day: date) -> str:
    current = (
        await session.exec(
            select(ReconciliationFinding.status).where(
                ReconciliationFinding.day == day, col(ReconciliationFinding.current).is_(True)
            )
        )
    ).all()
    if not current:
        return DayStatus.BALANCED.value
    if all(status == FindingStatus.RESOLVED for status in current):
        return DayStatus.RESOLVED.value
    return DayStatus.ANOMALIES.value


async def findings_of(session: AsyncSession, day: date) -> list[ReconciliationFinding]:
    """Every finding of the day, current ones first, in the order they were found."""
    rows = await session.exec(
        select(ReconciliationFinding)
        .where(ReconciliationFinding.day == day)
        .order_by(
            col(ReconciliationFinding.current).desc(),
            col(ReconciliationFinding.first_seen_at),
            col(ReconciliationFinding.key),
        )
    )
    return list(rows.all())


async def resolve_finding(
    session: AsyncSession, runtime: Runtime, finding_id: str, note: str, *, by: str
) -> ReconciliationFinding:
    """A person dealt with a finding: kept with their note; the day's status follows."""
    text = note.strip()
    if not text or len(text) > 500:
        raise InvalidInput("请填写处理说明", message_en="A note (1-500 characters) is required")
    finding = (
        await session.exec(
            select(ReconciliationFinding)
            .where(ReconciliationFinding.id == finding_id)
            .with_for_update()
        )
    ).first()
    if finding is None:
        raise NotFound("对账差异", "reconciliation finding")
    finding.status = FindingStatus.RESOLVED.value
    finding.note = text
    finding.resolved_by = by[:128]
    finding.resolved_at = runtime.clock.now()
    session.add(finding)
    await session.flush()
    record = await session.get(Reconciliation, finding.day)
    if record is not None:
        record.status = await _day_status(session, finding.day)
        session.add(record)
    return finding
