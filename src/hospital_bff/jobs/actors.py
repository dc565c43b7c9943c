"""The actors: each takes ids, re-checks the state first, and is safe to run twice."""

from __future__ import annotations

from datetime import date
from typing import Any

import dramatiq

from hospital_bff.jobs.runtime import current_runtime
from hospital_bff.resolvers.log_context import order_context
from hospital_bff.services.money import cancellation, confirmation, his_locks, holds, refunds
from hospital_bff.services.money.payments import PaymentService
from hospital_bff.services.money.rules import OrderKind


@dramatiq.actor(queue_name="default", max_retries=20, min_backoff=2_000, max_backoff=120_000)
async def confirm_order(order_id: str) -> None:
    """PAID -> CONFIRMED at the HIS, or FAILED and refunded."""
    with order_context(order_id):
        await confirmation.confirm_order(current_runtime(), order_id)


@dramatiq.actor(queue_name="default")
async def expire_order(order_id: str) -> None:
    """The payment window ended: close, release, or settle a payment that came after all."""
    with order_context(order_id):
        await PaymentService(current_runtime()).expire_grouped(order_id)


@dramatiq.actor(queue_name="default", max_retries=10)
async def poll_payment(payment_id: str) -> None:
    """No notification yet: ask the bank."""
    await PaymentService(current_runtime()).poll(payment_id)


@dramatiq.actor(queue_name="default", max_retries=20, min_backoff=2_000, max_backoff=300_000)
async def send_refund(refund_id: str) -> None:
    """Money back through the bank (REFUND or REVERSAL), idempotent on out_refund_no."""
    await refunds.send_refund(current_runtime(), refund_id)


# Follow-ups of a transition already committed (the place is free in our count, the notice
# stored): behind the jobs that are due at an instant, so that a burst of expiries is not
# made late by the HIS releases and pushes the previous expiries set off. A worker thread
# takes the lowest priority first among the messages it has fetched.
FOLLOW_UP = 100


@dramatiq.actor(queue_name="default", max_retries=10, priority=FOLLOW_UP)
async def release_his_hold(order_id: str) -> None:
    """Give the HIS its slot (or bills) back; idempotent at the HIS."""
    with order_context(order_id):
        await PaymentService(current_runtime()).release_his_hold(order_id)


@dramatiq.actor(
    queue_name="default", max_retries=12, min_backoff=2_000, max_backoff=60_000, priority=FOLLOW_UP
)
async def release_his_lock(lock_id: str, kind: str) -> None:
    """An HIS lock whose order never committed, its first release failed or its outcome
    unknown: released again, retried until the HIS answers (his_locks.py)."""
    await his_locks.release_later(current_runtime(), lock_id, OrderKind(kind))


@dramatiq.actor(queue_name="default", max_retries=10)
async def free_place_hold(hold_id: str) -> None:
    """A booking died between its hold and its order: give the place back."""
    await holds.free_lapsed_hold(current_runtime(), hold_id)


@dramatiq.actor(queue_name="default", max_retries=30, min_backoff=2_000, max_backoff=60_000)
async def cancel_for_suspension(order_id: str, reason: str) -> None:
    """The expert stopped work: cancel and refund one order in full."""
    with order_context(order_id):
        await cancellation.cancel_for_suspension(current_runtime(), order_id, reason)


@dramatiq.actor(queue_name="default", max_retries=5, min_backoff=5_000, max_backoff=60_000)
async def check_schedule_at_his(schedule_id: str) -> None:
    """Is this schedule suspended at the HIS without our knowing? Then finish the suspension."""
    await cancellation.check_schedule_at_his(current_runtime(), schedule_id)


@dramatiq.actor(queue_name="default", max_retries=20, min_backoff=5_000, max_backoff=300_000)
async def finish_cancellation(order_id: str) -> None:
    """A cancellation whose HIS answer was lost: settle it by asking the HIS."""
    with order_context(order_id):
        await cancellation.finish_cancellation(current_runtime(), order_id)


@dramatiq.actor(queue_name="default", max_retries=10, min_backoff=10_000, max_backoff=600_000)
async def send_refund_batch(batch_id: str) -> None:
    """Send (again) a batch refund file the bank did not take."""
    from hospital_bff.services.money.reconciliation import send_batch

    await send_batch(current_runtime(), batch_id)


@dramatiq.actor(queue_name="default", max_retries=5, min_backoff=60_000, max_backoff=600_000)
async def run_reconciliation(day: str) -> None:
    """The next-day comparison of the bank's trade bill with our orders."""
    from hospital_bff.services.money.reconciliation import reconcile

    await reconcile(current_runtime(), date.fromisoformat(day))


@dramatiq.actor(queue_name="default", max_retries=3)
async def send_visit_reminders(day: str) -> None:
    """Tell every patient with a confirmed visit on `day` when to arrive."""
    from hospital_bff.services.reminders import send_reminders

    await send_reminders(current_runtime(), date.fromisoformat(day))


@dramatiq.actor(
    queue_name="default",
    max_retries=20,
    min_backoff=5_000,
    max_backoff=300_000,
    priority=FOLLOW_UP,
)
async def push_notice(notice_id: str) -> None:
    """Push a stored notice to its user's phone through WeChat; the delivery rows bound the
    tries (BFF_WECHAT_PUSH_ATTEMPTS) and make a second run send nothing twice."""
    from hospital_bff.services.notice_push import deliver

    await deliver(current_runtime(), notice_id)


@dramatiq.actor(queue_name="default", max_retries=6, min_backoff=500, max_backoff=10_000)
async def offer_waitlist_place(slot_id: str) -> None:
    """A place came back: hold it for the first eligible waiter (services/waitlist/offers.py)."""
    from hospital_bff.services.waitlist import offers

    try:
        await offers.offer_place(current_runtime(), slot_id)
    except offers.NotYetFreeAtHis:
        # Expected, and brief: the HIS lock goes back by a job of its own; no traceback.
        raise dramatiq.Retry(f"slot {slot_id} not yet free at the HIS") from None


@dramatiq.actor(queue_name="default", max_retries=5, min_backoff=5_000, max_backoff=60_000)
async def offer_waitlist_schedule(schedule_id: str) -> None:
    """The sweep's net: every free place of a schedule someone waits for is offered."""
    from hospital_bff.services.waitlist import sweep

    await sweep.offer_schedule(current_runtime(), schedule_id)


@dramatiq.actor(queue_name="default", max_retries=10)
async def lapse_waitlist_offer(offer_id: str) -> None:
    """An offer's minutes are up: the place passes to the next waiter (or back on sale)."""
    from hospital_bff.services.waitlist import offers

    await offers.lapse(current_runtime(), offer_id)


ALL: list[dramatiq.Actor[..., Any]] = [
    confirm_order,
    expire_order,
    poll_payment,
    send_refund,
    release_his_hold,
    release_his_lock,
    free_place_hold,
    cancel_for_suspension,
    run_reconciliation,
    send_visit_reminders,
    finish_cancellation,
    send_refund_batch,
    check_schedule_at_his,
    push_notice,
    offer_waitlist_place,
    offer_waitlist_schedule,
    lapse_waitlist_offer,
]
