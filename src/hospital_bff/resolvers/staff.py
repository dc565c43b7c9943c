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
from hospital_bff.services import audit
from hospital_bff.services import statistics as statistics_service
from hospital_bff.services.errors import InvalidInput, NotFound
from hospital_bff.services.money import cancellation
from hospital_bff.services.money import reconciliation as reconciliation_service
from hospital_bff.services.money.reconciliation import reconcile
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


async def _to_schema(session: AsyncSession, r: models.Reconciliation) -> Reconciliation:
    batch = await session.get(models.RefundBatch, r.refund_batch_id) if r.refund_batch_id else None
    findings = await reconciliation_service.findings_of(session, r.day)
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
        row = await session.get(models.Reconciliation, day)
        return await _to_schema(session, row) if row else None


async def run_reconciliation(info: Info, day: date) -> RunReconciliationResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work() -> RunReconciliationSuccess:
        staff = staff_actor(viewer)
        if day >= runtime.clock.today():
            raise InvalidInput(
                "只能对已结束的日期对账", message_en="Only a past day can be reconciled"
            )
        row = await reconcile(runtime, day, asked_by=staff)
        async with runtime.sessions() as session:
            return RunReconciliationSuccess(reconciliation=await _to_schema(session, row))

    return cast(
        "RunReconciliationResult", await command_result(info, work, RunReconciliationResult)
    )


async def resolve_reconciliation_finding(
    info: Info, finding_id: str, note: str
) -> ResolveReconciliationFindingResult:
    viewer = await info.context.require_viewer()
    runtime = info.context.runtime

    async def work(session: AsyncSession) -> ResolveReconciliationFindingSuccess:
        staff = staff_actor(viewer)
        finding = await reconciliation_service.resolve_finding(
            session, runtime, finding_id, note, by=staff.name
        )
        audit.record(
            session,
            runtime.clock.now(),
            "RESOLVE_RECONCILIATION_FINDING",
            **staff.audit_fields(),
            finding=finding.id,
            day=finding.day.isoformat(),
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
        staff = staff_actor(viewer)
        reason_text = reason.strip()
        if not reason_text or len(reason_text) > 200:
            raise InvalidInput(
                "请填写停诊原因", message_en="A reason (1-200 characters) is required"
            )
        if await runtime.catalogue.schedule(schedule_id) is None:
            raise NotFound("排班", "schedule")
        affected = await cancellation.suspend_schedule(
            runtime, schedule_id, reason_text, tell_his=True, asked_by=staff
        )
        fresh = await runtime.catalogue.schedule(schedule_id)
        assert fresh is not None
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
