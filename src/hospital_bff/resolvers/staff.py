"""Resolvers of the staff tools (role STAFF)."""

from __future__ import annotations

from datetime import date
from typing import cast

import strawberry
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.resolvers.context import Info, staff_actor
from hospital_bff.resolvers.errors import upstream_guard
from hospital_bff.resolvers.mutations import command_result, in_one_unit
from hospital_bff.schema.catalogue import Schedule
from hospital_bff.schema.results import (
    ResolveReconciliationFindingResult,
    RunReconciliationResult,
    SuspendScheduleResult,
)
from hospital_bff.schema.staff import (
    DayStatistics,
    Reconciliation,
    ReconciliationAnomaly,
    ReconciliationFinding,
    RefundBatch,
    RefundFigure,
    ResolveReconciliationFindingSuccess,
    RunReconciliationSuccess,
    Statistics,
    SuspendScheduleSuccess,
)
from hospital_bff.services import statistics as statistics_service
from hospital_bff.services.money import cancellation
from hospital_bff.services.money import reconciliation as reconciliation_service
from hospital_bff.services.money.reconciliation import reconcile
from hospital_bff.services.money.reconciliation_report import DayReport, report, report_of_day
from hospital_bff.store import models


def _finding(f: models.ReconciliationFinding) -> ReconciliationFinding:
    return ReconciliationFinding(
        id=strawberry.ID(f.id),
        kind=f.kind,
        order_id=strawberry.ID(f.order_id) if f.order_id else None,
        out_trade_no=f.out_trade_no,
        out_refund_no=f.out_refund_no,
        bank_transaction_id=f.bank_transaction_id,
        amount=f.amount,
        action=f.action,
        current=f.current,
        status=f.status,
        note=f.note,
        resolved_by=f.resolved_by,
        resolved_at=f.resolved_at,
    )


def _to_schema(found: DayReport) -> Reconciliation:
    r, findings, batch = found.record, found.findings, found.batch
    return Reconciliation(
        date=r.day,
        status=r.status,
        bank_total=r.bank_total,
        hospital_total=r.hospital_total,
        bank_paid=r.bank_paid,
        bank_refunded=r.bank_refunded,
        hospital_paid=r.hospital_paid,
        hospital_refunded=r.hospital_refunded,
        matched=r.matched,
        anomalies=[
            ReconciliationAnomaly(
                kind=f.kind,
                order_id=strawberry.ID(f.order_id) if f.order_id else None,
                bank_transaction_id=f.bank_transaction_id,
                amount=f.amount,
                resolution=f.action,
            )
            for f in findings
            if f.current
        ],
        findings=[_finding(f) for f in findings],
        refund_batch=RefundBatch(
            id=strawberry.ID(batch.id),
            lines=batch.lines,
            amount=batch.amount,
            status=batch.status,
            file=batch.file,
        )
        if batch
        else None,
    )


async def reconciliation(info: Info, day: date) -> Reconciliation | None:
    await info.context.require_staff()
    async with info.context.runtime.sessions() as session:
        found = await report_of_day(session, day)
    return _to_schema(found) if found is not None else None


async def run_reconciliation(info: Info, day: date) -> RunReconciliationResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work() -> RunReconciliationSuccess:
        row = await reconcile(runtime, day, asked_by=staff_actor(viewer))
        async with runtime.sessions() as session:
            found = await report(session, row)
        return RunReconciliationSuccess(reconciliation=_to_schema(found))

    return cast(
        "RunReconciliationResult", await command_result(info, work, RunReconciliationResult)
    )


async def resolve_reconciliation_finding(
    info: Info, finding_id: str, note: str
) -> ResolveReconciliationFindingResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work(session: AsyncSession) -> ResolveReconciliationFindingSuccess:
        finding = await reconciliation_service.resolve_finding(
            session, runtime, finding_id, note, by=staff_actor(viewer)
        )
        return ResolveReconciliationFindingSuccess(finding=_finding(finding))

    return cast(
        "ResolveReconciliationFindingResult",
        await in_one_unit(info, work, ResolveReconciliationFindingResult),
    )


async def suspend_schedule(info: Info, schedule_id: str, reason: str) -> SuspendScheduleResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work() -> SuspendScheduleSuccess:
        fresh, affected = await cancellation.suspend_by_staff(
            runtime, staff_actor(viewer), schedule_id, reason
        )
        return SuspendScheduleSuccess(schedule=Schedule.from_dto(fresh), affected_orders=affected)

    return cast("SuspendScheduleResult", await command_result(info, work, SuspendScheduleResult))


async def statistics(info: Info, start: date, end: date, department_id: str | None) -> Statistics:
    await info.context.require_staff()
    async with upstream_guard():
        found = await statistics_service.figures(info.context.runtime, start, end, department_id)
    return Statistics(
        from_=start,
        to=end,
        department_id=strawberry.ID(department_id) if department_id else None,
        days=[
            DayStatistics(
                date=d.day,
                booked=d.booked,
                registrations=d.registrations,
                his_registrations=d.his_registrations,
                channel_share=d.channel_share,
                payments=d.payments,
                payments_amount=d.payments_amount,
                refunds=[
                    RefundFigure(mode=r.mode, count=r.count, amount=r.amount) for r in d.refunds
                ],
                cancellations=d.cancellations,
                suspensions=d.suspensions,
                no_shows=d.no_shows,
            )
            for d in found
        ],
    )
