"""After the money: the HIS confirms the registration or bill payment, or the money goes back.

"Take the money first, then do the business": a PAID order is confirmed at the HIS
(idempotent on our order id). A refusal fails the order and refunds it in full at once;
a timeout is settled by asking the HIS whether it registered the order. If the HIS keeps
timing out and holds no record past the confirmation deadline, its hold is released first
(so a late, lost request can no longer succeed), asked once more, and only then the order
fails and the money goes back. While the HIS cannot even be asked, nothing is guessed.
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlmodel import col, select

from hospital_bff.datasources.errors import UpstreamRejected, UpstreamUnavailable
from hospital_bff.datasources.his_models import BillPayment, Registration
from hospital_bff.metrics import NO_SHOWS, count_after_commit
from hospital_bff.runtime import Runtime
from hospital_bff.services import notices, uow
from hospital_bff.services.accounts import restrictions
from hospital_bff.services.money import holds, orders, refunds
from hospital_bff.services.money.rules import (
    Confirmation,
    OrderKind,
    OrderStatus,
    RefundMode,
    Visit,
)
from hospital_bff.services.notices import NoticeKind
from hospital_bff.store.models import Order, SuspendedSchedule

log = structlog.get_logger(__name__)


async def unconfirmed_paid_orders(runtime: Runtime, older_than_seconds: int = 60) -> list[str]:
    """PAID orders not confirmed within `older_than_seconds` of the money (a lost job)."""
    cutoff = runtime.clock.now() - timedelta(seconds=older_than_seconds)
    async with uow.unit_of_work(runtime) as session:
        rows = await session.exec(
            select(Order.id).where(
                Order.status == OrderStatus.PAID.value, col(Order.paid_at) <= cutoff
            )
        )
        return list(rows.all())


async def record_visit(runtime: Runtime, order_id: str, *, attended: bool) -> Visit:
    """The HIS says the patient came (or did not): a CONFIRMED order is COMPLETED, once; a
    missed visit is a no-show, counted against the user's restriction."""
    async with uow.unit_of_work(runtime) as session:
        order = await orders.lock_order(session, order_id)
        if order is None or order.status != OrderStatus.CONFIRMED:
            return Visit.NOTHING_TO_DO
        if attended:
            await orders.transition(session, order, OrderStatus.COMPLETED)
            return Visit.COMPLETED
        stopped = order.schedule_id is not None and (
            await session.get(SuspendedSchedule, order.schedule_id) is not None
        )
        if stopped:
            # A session the expert stopped is nobody's no-show. Its cancellation (and refund)
            # is the suspension's to finish; only a registration the HIS would not cancel,
            # whose patient was told to settle it at the window, is done with here.
            if not await notices.exists(session, notices.kept_registration_key(order.id)):
                return Visit.NOTHING_TO_DO
            await orders.transition(session, order, OrderStatus.COMPLETED)
            return Visit.COMPLETED
        order.no_show = True
        count_after_commit(session, NO_SHOWS)
        session.add(order)
        await session.flush()
        await orders.transition(session, order, OrderStatus.COMPLETED)
        await restrictions.record_no_show(runtime, session, order)
        return Visit.NO_SHOW


class ConfirmationPending(Exception):
    """The HIS could not be reached and holds no record yet: retry later (the job retries)."""


async def confirm_order(runtime: Runtime, order_id: str) -> Confirmation:
    async with uow.unit_of_work(runtime) as session:
        order = await session.get(Order, order_id)
        if order is None or order.status != OrderStatus.PAID:
            return Confirmation.NOTHING_TO_DO
        payment = await orders.succeeded_payment(session, order.id)
        assert payment is not None
    his = runtime.his
    outcome: Registration | BillPayment | None = None
    try:
        if order.kind == OrderKind.REGISTRATION:
            assert order.his_lock_id
            assert order.slot_id
            outcome = await his.register(
                order.id,
                order.his_lock_id,
                order.slot_id,
                order.his_patient_id,
                order.amount,
                payment.out_trade_no,
            )
        else:
            assert order.his_lock_id
            outcome = await his.pay_bills(
                order.id,
                order.his_lock_id,
                order.his_patient_id,
                order.bill_ids,
                order.amount,
                payment.out_trade_no,
            )
    except UpstreamRejected as exc:
        log.warning("his_refused_confirmation", order=order.id, code=exc.code)
        return await fail_order(runtime, order.id, f"医院系统未能确认：{exc.detail}")
    except UpstreamUnavailable:
        # Unknown outcome: did the HIS register it? Ask; if we cannot ask, retry later.
        try:
            found = (
                await his.registrations_for_order(order.id)
                if order.kind == OrderKind.REGISTRATION
                else await his.bill_payments_for_order(order.id)
            )
        except UpstreamUnavailable as exc:
            raise ConfirmationPending(order.id) from exc
        if found:
            outcome = found[0]
        elif _past_deadline(runtime, order):
            return await _give_up(runtime, order)
        else:
            raise ConfirmationPending(order.id) from None
    return await _mark_confirmed(runtime, order.id, outcome)


def _past_deadline(runtime: Runtime, order: Order) -> bool:
    paid_at = order.paid_at or order.created_at
    waited = (runtime.clock.now() - paid_at).total_seconds()
    return waited >= runtime.settings.confirm_deadline_seconds


async def _give_up(runtime: Runtime, order: Order) -> Confirmation:
    """No record at the HIS after the deadline: release the hold, ask once more, then fail."""
    his = runtime.his
    assert order.his_lock_id
    found: list[Registration] | list[BillPayment]
    try:
        if order.kind == OrderKind.REGISTRATION:
            await his.release_slot_lock(order.his_lock_id)
            found = await his.registrations_for_order(order.id)
        else:
            await his.release_bill_lock(order.his_lock_id)
            found = await his.bill_payments_for_order(order.id)
    except UpstreamUnavailable as exc:
        raise ConfirmationPending(order.id) from exc
    if found:
        return await _mark_confirmed(runtime, order.id, found[0])
    log.error("his_confirmation_deadline_passed", order=order.id)
    return await fail_order(runtime, order.id, "医院系统长时间未能确认")


async def _mark_confirmed(
    runtime: Runtime, order_id: str, outcome: Registration | BillPayment
) -> Confirmation:
    now = runtime.clock.now()
    async with uow.unit_of_work(runtime) as session:
        order = await orders.lock_order(session, order_id)
        if order is None or order.status != OrderStatus.PAID:
            return Confirmation.NOTHING_TO_DO
        fields: dict[str, object] = {"confirmed_at": now}
        if isinstance(outcome, Registration):
            fields.update(
                his_registration_id=outcome.id,
                ticket_number=outcome.number,
                suggested_arrival=outcome.suggested_arrival,
                location=outcome.location,
            )
        else:
            fields.update(his_registration_id=outcome.id)
        await orders.transition(session, order, OrderStatus.CONFIRMED, **fields)
        if order.kind == OrderKind.REGISTRATION:
            body = (
                f"{order.patient_name}，您已成功预约"
                f"{order.department_name or ''}{order.expert_name or ''}"
                f"（{order.visit_date}），就诊序号 {order.ticket_number}，"
                f"建议 {order.suggested_arrival:%H:%M} 前到达{order.location or ''}。"
                if order.suggested_arrival
                else "预约成功。"
            )
        else:
            body = f"{order.patient_name}的门诊费用已缴纳成功。"
        await notices.notify(
            session,
            now=now,
            user_id=order.user_id,
            kind=NoticeKind.ORDER_CONFIRMED,
            title="预约成功" if order.kind == OrderKind.REGISTRATION else "缴费成功",
            body=body,
            dedupe_key=f"ORDER_CONFIRMED:{order.id}",
            patient_id=order.his_patient_id,
            order_id=order.id,
        )
    return Confirmation.CONFIRMED


async def fail_order(runtime: Runtime, order_id: str, reason: str) -> Confirmation:
    """PAID but not confirmable: FAILED, and the whole amount refunded at once."""
    now = runtime.clock.now()
    async with uow.unit_of_work(runtime) as session:
        order = await orders.lock_order(session, order_id)
        if order is None or order.status != OrderStatus.PAID:
            return Confirmation.NOTHING_TO_DO
        payment = await orders.succeeded_payment(session, order.id)
        assert payment is not None
        await orders.transition(
            session, order, OrderStatus.FAILED, closed_at=now, cancel_reason=reason[:256]
        )
        if order.slot_id:
            await holds.release_place(session, order.slot_id, now)
        await refunds.open_refund(
            session,
            runtime,
            order=order,
            payment=payment,
            mode=RefundMode.REFUND,
            reason=reason,
        )
        await notices.notify(
            session,
            now=now,
            user_id=order.user_id,
            kind=NoticeKind.ORDER_FAILED,
            title="预约未成功，已退款"
            if order.kind == OrderKind.REGISTRATION
            else "缴费未成功，已退款",
            body=f"{reason}。已支付金额将原路退回。",
            dedupe_key=f"ORDER_FAILED:{order.id}",
            patient_id=order.his_patient_id,
            order_id=order.id,
        )
        from hospital_bff.jobs.enqueue import enqueue_after_commit

        enqueue_after_commit(session, "release_his_hold", order.id)
    return Confirmation.FAILED
