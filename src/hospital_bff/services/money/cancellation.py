"""Cancelling (退号, paper §4.3) by the patient, and by the hospital when an expert stops work.

The HIS is asked first (was the patient seen, is the invoice printed); only then the
order is cancelled and the money goes back: a same-day reversal between 01:00 and 23:00,
else the next day's batch. A suspension refunds in full at once: it is the hospital's doing.

Over 400 lines: the patient's cancel and the hospital's suspension share every step (ask
the HIS, write the intent, cancel, refund) and the sweeps that finish either one.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

import structlog
from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from hospital_bff.amounts import yuan
from hospital_bff.clock import SHANGHAI
from hospital_bff.datasources.errors import UpstreamRejected, UpstreamUnavailable
from hospital_bff.datasources.his_models import Schedule
from hospital_bff.events import schedule_topic
from hospital_bff.jobs.enqueue import enqueue_after_commit
from hospital_bff.metrics import SCHEDULES_SUSPENDED, count_after_commit
from hospital_bff.runtime import Runtime
from hospital_bff.services import audit, his_bookings, notices, uow
from hospital_bff.services.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    UpstreamUnavailableError,
)
from hospital_bff.services.money import holds, orders, refunds
from hospital_bff.services.money.payments import PaymentService, UnpaidNotice
from hospital_bff.services.money.rules import (
    ACTIVE,
    Cancellation,
    OrderKind,
    OrderStatus,
    PaymentStatus,
    RefundMode,
    Settled,
    SuspensionCheck,
    can_cancel,
    cancellation_refund_mode,
)
from hospital_bff.services.notices import NoticeKind
from hospital_bff.services.staff import StaffActor
from hospital_bff.store.models import Order, SuspendedSchedule
from hospital_bff.store.upsert import insert_ignore

log = structlog.get_logger(__name__)


class CancelNotAllowed(DomainError):
    code = "CANCEL_NOT_ALLOWED"


class RetryLater(Exception):
    """The order is between states (PAID, awaiting the HIS); the job retries."""


async def cancel_by_patient(
    runtime: Runtime, user_id: str | None, order_id: str, reason: str | None
) -> Order:
    reason = (reason or "患者主动取消").strip()[:200] or "患者主动取消"
    async with uow.unit_of_work(runtime) as session:
        order = await orders.owned_order(session, user_id, order_id)
    if order.status == OrderStatus.AWAITING_PAYMENT:
        if await _close_unpaid(runtime, order, reason) is Settled.CANCELLED:
            # The patient hears "cancelled" once the place is on sale again, the HIS's hold
            # included; if the HIS does not answer, the job the commit enqueued gives it back
            # (an idempotent DELETE, so it may do it twice).
            with contextlib.suppress(UpstreamUnavailable):
                await PaymentService(runtime).release_his_hold(order.id)
    elif order.status == OrderStatus.CONFIRMED:
        if order.kind != OrderKind.REGISTRATION:
            raise CancelNotAllowed(
                "门诊缴费请到医院窗口办理退费",
                message_en="Bill payments are refunded at the hospital",
            )
        # The expert stopped work and the suspension's own job has not reached this order
        # yet: the patient's cancel is the hospital's, a full refund at once and
        # EXPERT_SUSPENDED, as the job would have done, not a patient's next-day batch.
        stopped = await _suspension_of(runtime, order.schedule_id)
        await _cancel_confirmed(
            runtime,
            order,
            stopped.reason if stopped else reason,
            by_hospital=False,
            stopped=stopped is not None,
        )
    elif order.status == OrderStatus.COMPLETED:
        # The visit took place: the contract's CANCEL_NOT_ALLOWED, not a bare INVALID_STATE.
        raise CancelNotAllowed("已就诊，不能退号", message_en="The visit took place: cannot cancel")
    else:
        verdict = can_cancel(
            OrderStatus(order.status), order.starts_at, runtime.clock.now(), False, False
        )
        code = verdict or "INVALID_STATE"
        raise DomainError(
            "订单当前状态不能取消"
            if order.status != OrderStatus.PAID
            else "订单正在确认中，请稍后再试",
            code=code,
            message_en=f"An order {order.status} cannot be cancelled",
        )
    async with uow.unit_of_work(runtime) as session:
        fresh = await session.get(Order, order.id)
        assert fresh is not None
        return fresh


async def _close_unpaid(
    runtime: Runtime, order: Order, reason: str, *, notice: UnpaidNotice | None = None
) -> Settled:
    payments = PaymentService(runtime)
    try:
        outcome = await payments.close_open_payments(order.id)
    except UpstreamUnavailable as exc:
        raise UpstreamUnavailableError("bank") from exc
    if outcome is not Settled.CLOSED:
        return outcome  # the money came after all: the order moves on as paid (or refunded)
    return await payments.close_unpaid(order.id, OrderStatus.CANCELLED, reason, notice=notice)


async def _cancel_confirmed(
    runtime: Runtime, order: Order, reason: str, *, by_hospital: bool, stopped: bool = False
) -> Cancellation:
    """Cancel at the HIS, then here. `by_hospital`: the suspension's job (the patient's rules
    do not apply); `stopped`: a patient's cancel of a suspended session, refunded and told as
    the hospital's."""
    now = runtime.clock.now()
    his = runtime.his
    try:
        registrations = await his.registrations_for_order(order.id)
    except UpstreamUnavailable as exc:
        raise UpstreamUnavailableError("his") from exc
    registration = registrations[0] if registrations else None
    visited = registration is not None and registration.status == "VISITED"
    printed = registration is not None and registration.invoice_printed
    if not by_hospital:
        refusal = can_cancel(OrderStatus(order.status), order.starts_at, now, visited, printed)
        if refusal is not None:
            raise DomainError(
                "已就诊、已打印发票或已过就诊时间，不能退号",
                code=refusal,
                message_en="Visited, invoice printed, or past the visit: cannot cancel",
            )
    if by_hospital and visited:
        # The visit took place before the suspension: the business was done, nothing is owed.
        log.warning("suspension_after_visit", order=order.id)
        return Cancellation.NOTHING_TO_DO
    if registration is not None and registration.status != "CANCELLED":
        # The intent is written first: if the HIS's answer is lost, or this process dies
        # after the HIS cancelled, the sweep finds the intent and settles it by asking.
        await _set_cancel_intent(runtime, order.id, reason, now)
        try:
            await his.cancel_registration(registration.id, reason)
        except UpstreamRejected as exc:
            await _set_cancel_intent(runtime, order.id, None, None)
            if not by_hospital:
                raise CancelNotAllowed(
                    "医院系统不允许退号：" + exc.detail, message_en=exc.detail
                ) from exc
            # The registration stands at the HIS, so the money stays with the business it
            # paid for; refunding it would pay for a visit the HIS still holds. Staff decide,
            # but the patient hears now that the expert will not be there (once, whatever
            # the sweep's retries).
            log.error("his_cancel_refused_on_suspension", order=order.id, code=exc.code)
            await _tell_kept_registration(runtime, order, reason)
            return Cancellation.NOT_CANCELLED_AT_HIS
        except UpstreamUnavailable as exc:
            if not await _his_cancelled(runtime, order.id):
                raise UpstreamUnavailableError("his") from exc
    return await _complete_cancellation(runtime, order, reason, by_hospital=by_hospital or stopped)


async def _tell_kept_registration(runtime: Runtime, order: Order, reason: str) -> None:
    """EXPERT_SUSPENDED for a registration the HIS would not cancel (an invoice printed, the
    session begun): no refund is promised, the window settles it."""
    async with uow.unit_of_work(runtime) as session:
        await notices.notify(
            session,
            now=runtime.clock.now(),
            user_id=order.user_id,
            kind=NoticeKind.EXPERT_SUSPENDED,
            title="专家停诊",
            body=(
                f"{order.expert_name or '专家'}{order.visit_date}停诊（{reason}）。"
                "您的挂号未能自动取消，请到医院窗口办理退号退费。"
            ),
            dedupe_key=notices.kept_registration_key(order.id),
            patient_id=order.his_patient_id,
            order_id=order.id,
        )


async def _set_cancel_intent(
    runtime: Runtime, order_id: str, reason: str | None, at: datetime | None
) -> None:
    async with uow.unit_of_work(runtime) as session:
        values: dict[str, object] = {"cancel_requested_at": at}
        if reason is not None:
            values["cancel_reason"] = reason[:256]
        await session.execute(
            update(Order)
            .where(col(Order.id) == order_id, col(Order.status) == OrderStatus.CONFIRMED.value)
            .values(**values)
        )


async def _his_cancelled(runtime: Runtime, order_id: str) -> bool:
    """Did the HIS cancel the registration? False when it cannot even be asked."""
    try:
        found = await runtime.his.registrations_for_order(order_id)
    except UpstreamUnavailable:
        return False
    return bool(found) and found[0].status == "CANCELLED"


async def finish_cancellation(runtime: Runtime, order_id: str) -> Cancellation:
    """Settle a cancellation whose HIS answer was lost: the HIS cancelled it, so finish it
    here with its refund; or it did not, so the intent is dropped and the order stands."""
    async with uow.unit_of_work(runtime) as session:
        order = await session.get(Order, order_id)
    if order is None or order.status != OrderStatus.CONFIRMED or order.cancel_requested_at is None:
        return Cancellation.NOTHING_TO_DO
    try:
        found = await runtime.his.registrations_for_order(order_id)
    except UpstreamUnavailable as exc:
        raise RetryLater(order_id) from exc
    if found and found[0].status == "CANCELLED":
        suspended = await _suspension_of(runtime, order.schedule_id)
        return await _complete_cancellation(
            runtime, order, order.cancel_reason or "患者主动取消", by_hospital=suspended is not None
        )
    await _set_cancel_intent(runtime, order_id, None, None)
    return Cancellation.NOT_CANCELLED_AT_HIS


def refund_promise(amount: int, mode: RefundMode, expected_by: datetime) -> str:
    """What the patient is told about their money: a BATCH refund goes with the next day's
    reconciliation, so it names the date the money is promised by, not just "原路退回"."""
    if mode is RefundMode.BATCH:
        by = expected_by.astimezone(SHANGHAI)
        return f"{yuan(amount)}元将原路退回，预计{by:%Y年%m月%d日}前到账。"
    return f"{yuan(amount)}元将原路退回。"


async def _suspension_of(runtime: Runtime, schedule_id: str | None) -> SuspendedSchedule | None:
    if schedule_id is None:
        return None
    async with uow.unit_of_work(runtime) as session:
        return await session.get(SuspendedSchedule, schedule_id)


async def _complete_cancellation(
    runtime: Runtime, order: Order, reason: str, *, by_hospital: bool
) -> Cancellation:
    """The HIS has cancelled: CANCELLED here, the place back, the refund, the notice."""
    now = runtime.clock.now()
    async with uow.unit_of_work(runtime) as session:
        locked = await orders.lock_order(session, order.id)
        if locked is None or locked.status != OrderStatus.CONFIRMED:
            return Cancellation.NOTHING_TO_DO
        payment = await orders.succeeded_payment(session, order.id)
        await orders.transition(
            session, locked, OrderStatus.CANCELLED, closed_at=now, cancel_reason=reason
        )
        if locked.slot_id:
            await holds.release_place(session, locked.slot_id, now)
        if payment is not None and payment.status == PaymentStatus.SUCCEEDED:
            mode = (
                RefundMode.REFUND
                if by_hospital
                else cancellation_refund_mode(payment.paid_at or now, now)
            )
            refund = await refunds.open_refund(
                session,
                runtime,
                order=locked,
                payment=payment,
                mode=mode,
                reason=reason,
            )
            money = refund_promise(refund.amount, RefundMode(refund.mode), refund.expected_by)
        else:
            money = "费用将原路退回。"
        kind = NoticeKind.EXPERT_SUSPENDED if by_hospital else NoticeKind.ORDER_CANCELLED
        await notices.notify(
            session,
            now=now,
            user_id=locked.user_id,
            kind=kind,
            title="专家停诊，预约已取消" if by_hospital else "退号成功",
            body=(
                f"{locked.expert_name or '专家'}{locked.visit_date}停诊（{reason}），"
                f"您的预约已取消，{money}"
                if by_hospital
                else f"您已取消{locked.visit_date}{locked.department_name or ''}"
                f"{locked.expert_name or ''}的预约，{money}"
            ),
            dedupe_key=f"{kind}:{locked.id}",
            patient_id=locked.his_patient_id,
            order_id=locked.id,
        )
    if order.department_id:
        await runtime.catalogue.invalidate_schedules(order.department_id)
    if order.visit_date:
        # The HIS's registrations kept for the limits still list this one: read them afresh,
        # or the patient's next booking counts it as another channel's and is refused.
        await runtime.cache.delete(his_bookings.cache_key(order.his_patient_id, order.visit_date))
    return Cancellation.CANCELLED


# --- the expert stops work ------------------------------------------------------------------------


async def suspend_by_staff(
    runtime: Runtime, staff: StaffActor, schedule_id: str, reason: str
) -> tuple[Schedule, int]:
    """A staff member stops a session: with a reason (1-200 characters), of a schedule the
    catalogue knows. Returns the schedule as it is now and how many orders it cancels."""
    reason_text = reason.strip()
    if not reason_text or len(reason_text) > 200:
        raise InvalidInput("请填写停诊原因", message_en="A reason (1-200 characters) is required")
    if await runtime.catalogue.schedule(schedule_id) is None:
        raise NotFound("排班", "schedule")
    affected = await suspend_schedule(
        runtime, schedule_id, reason_text, tell_his=True, asked_by=staff
    )
    fresh = await runtime.catalogue.schedule(schedule_id)
    assert fresh is not None
    return fresh, affected


async def suspend_schedule(
    runtime: Runtime,
    schedule_id: str,
    reason: str,
    *,
    tell_his: bool,
    asked_by: StaffActor | None = None,
) -> int:
    """Suspend at the HIS (staff) or after the HIS told us; fan out one job per active order.
    A suspension a staff member asked for is on the audit trail in the same commit."""
    if tell_his:
        try:
            await runtime.his.suspend_schedule(schedule_id, reason)
        except UpstreamUnavailable as exc:
            raise UpstreamUnavailableError("his") from exc
    schedule = await _schedule_or_none(runtime, schedule_id)
    async with uow.unit_of_work(runtime) as session:
        # Kept in the same commit as the jobs it fans out: a lost job is sent again by the
        # suspension sweep, so no booked order of a stopped session is ever left standing.
        suspended_now = await insert_ignore(
            session,
            SuspendedSchedule,
            {
                "schedule_id": schedule_id,
                "reason": reason[:256],
                "visit_date": schedule.date if schedule else None,
                "suspended_at": runtime.clock.now(),
            },
        )
        if suspended_now:
            count_after_commit(session, SCHEDULES_SUSPENDED)
        ids = await active_orders_on(session, schedule_id)
        for order_id in ids:
            enqueue_after_commit(session, "cancel_for_suspension", order_id, reason)
        if asked_by is not None:
            audit.record(
                session,
                runtime.clock.now(),
                "SUSPEND_SCHEDULE",
                **asked_by.audit_fields(),
                schedule=schedule_id,
                reason=reason,
            )
        uow.publish_after_commit(session, schedule_topic(schedule_id), {"id": schedule_id})
    if schedule is not None:
        await runtime.catalogue.invalidate_schedules(schedule.department_id)
    return len(ids)


async def _schedule_or_none(runtime: Runtime, schedule_id: str) -> Schedule | None:
    try:
        return await runtime.catalogue.schedule(schedule_id)
    except UpstreamUnavailable:
        return None


async def active_orders_on(session: AsyncSession, schedule_id: str) -> list[str]:
    rows = await session.exec(
        select(Order.id).where(
            Order.schedule_id == schedule_id,
            col(Order.status).in_([s.value for s in ACTIVE]),
        )
    )
    return list(rows.all())


async def unfinished_suspensions(runtime: Runtime, within_days: int = 30) -> list[tuple[str, str]]:
    """(order id, reason) of every active order on a schedule suspended in the last days."""
    since = runtime.clock.now() - timedelta(days=within_days)
    async with uow.unit_of_work(runtime) as session:
        rows = await session.exec(
            select(Order.id, SuspendedSchedule.reason)
            .join(SuspendedSchedule, col(SuspendedSchedule.schedule_id) == col(Order.schedule_id))
            .where(
                col(SuspendedSchedule.suspended_at) >= since,
                col(Order.status).in_([s.value for s in ACTIVE]),
            )
        )
        return [(order_id, reason) for order_id, reason in rows.all()]


async def schedules_to_check_at_his(runtime: Runtime) -> list[str]:
    """Schedules in the coming days that hold open orders (unpaid, paid, confirmed) and that
    we do not know to be suspended: the ones whose SCHEDULE_SUSPENDED event, if it was
    lost, would leave patients booked, charged and untold. Those we know are suspended
    are `unfinished_suspensions`' work."""
    today = runtime.clock.today()
    last = today + timedelta(days=runtime.settings.his_schedule_check_days)
    known = select(SuspendedSchedule.schedule_id)
    async with uow.unit_of_work(runtime) as session:
        rows = await session.exec(
            select(Order.schedule_id)
            .where(
                col(Order.schedule_id).is_not(None),
                col(Order.status).in_([s.value for s in ACTIVE]),
                col(Order.visit_date) >= today,
                col(Order.visit_date) <= last,
                col(Order.schedule_id).not_in(known),
            )
            .distinct()
        )
        return sorted(sid for sid in rows.all() if sid is not None)


async def check_schedule_at_his(runtime: Runtime, schedule_id: str) -> SuspensionCheck:
    """Ask the HIS for the schedule's status; a suspension we were never told of is finished
    here exactly as the HIS's event would have been (the webhook's own path, idempotent)."""
    try:
        found = await runtime.his.schedules(ids=[schedule_id])
    except UpstreamUnavailable as exc:
        raise RetryLater(schedule_id) from exc
    if not found or found[0].status != "SUSPENDED":
        return SuspensionCheck.NOT_SUSPENDED
    log.warning("his_suspension_found_by_sweep", schedule=schedule_id)
    await suspend_schedule(
        runtime, schedule_id, found[0].suspend_reason or "专家停诊", tell_his=False
    )
    return SuspensionCheck.SUSPENDED


async def unfinished_cancellations(runtime: Runtime, older_than_seconds: int = 60) -> list[str]:
    cutoff = runtime.clock.now() - timedelta(seconds=older_than_seconds)
    async with uow.unit_of_work(runtime) as session:
        rows = await session.exec(
            select(Order.id).where(
                Order.status == OrderStatus.CONFIRMED.value,
                col(Order.cancel_requested_at).is_not(None),
                col(Order.cancel_requested_at) <= cutoff,
            )
        )
        return list(rows.all())


async def cancel_for_suspension(
    runtime: Runtime, order_id: str, reason: str
) -> Settled | Cancellation:
    async with uow.unit_of_work(runtime) as session:
        order = await session.get(Order, order_id)
    if order is None:
        return Cancellation.NOTHING_TO_DO
    if order.status == OrderStatus.AWAITING_PAYMENT:
        # One notice, in the cancelling transaction: the suspension, not a generic cancellation.
        return await _close_unpaid(
            runtime,
            order,
            f"专家停诊：{reason}",
            notice=UnpaidNotice(
                kind=NoticeKind.EXPERT_SUSPENDED,
                title="专家停诊",
                body=f"{order.expert_name or '专家'}{order.visit_date}停诊（{reason}），"
                "您未支付的预约已取消。",
            ),
        )
    if order.status == OrderStatus.PAID:
        raise RetryLater(order.id)
    if order.status == OrderStatus.CONFIRMED:
        return await _cancel_confirmed(runtime, order, reason, by_hospital=True)
    return Cancellation.NOTHING_TO_DO
