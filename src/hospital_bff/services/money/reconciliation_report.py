"""What the staff tools show of a day's reconciliation: its record, every finding, and the
refund batch it sent, read in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.services.money.reconciliation import findings_of
from hospital_bff.store.models import Reconciliation, ReconciliationFinding, RefundBatch


@dataclass(frozen=True, slots=True)
class DayReport:
    record: Reconciliation
    findings: list[ReconciliationFinding]  # current ones first, in the order found
    batch: RefundBatch | None


async def report(session: AsyncSession, record: Reconciliation) -> DayReport:
    batch = (
        await session.get(RefundBatch, record.refund_batch_id) if record.refund_batch_id else None
    )
    return DayReport(record=record, findings=await findings_of(session, record.day), batch=batch)


async def report_of_day(session: AsyncSession, day: date) -> DayReport | None:
    """The day's report; None when the day was never reconciled."""
    record = await session.get(Reconciliation, day)
    return await report(session, record) if record is not None else None
