"""Scheduled work: the sweeps that settle whatever a lost message or a crash left behind.

Every process may run the loop; the one holding the scheduler's lease (jobs/lease.py) does
the sweeps, so no sweep ever runs in two processes at once, and another takes over when it
stops or dies. Each sweep fans out one idempotent job per id, like the delayed jobs it backs
up. The sweeps only schedule: what is due is asked of the services that own it
(services/money/).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from datetime import time, timedelta
from time import monotonic

import structlog

from hospital_bff.jobs.enqueue import send_now
from hospital_bff.jobs.lease import SchedulerLease, lease_for
from hospital_bff.logs import log_failure
from hospital_bff.runtime import Runtime
from hospital_bff.services.money import (
    cancellation,
    confirmation,
    holds,
    payments,
    reconciliation,
    refunds,
)

log = structlog.get_logger(__name__)

REMIND_AT = time(18, 0)


async def expire_unpaid_orders(runtime: Runtime) -> int:
    """Every AWAITING_PAYMENT order past its window gets an expiry job."""
    ids = await payments.orders_past_window(runtime)
    for order_id in ids:
        send_now("expire_order", order_id)
    return len(ids)


async def poll_unsettled_payments(runtime: Runtime) -> int:
    """Every payment the bank has not answered finally (pending, or closed but still open to
    a late payment), once its notification is overdue: ask the bank, one job each."""
    ids = await payments.unsettled_payments(runtime)
    for payment_id in ids:
        send_now("poll_payment", payment_id)
    return len(ids)


async def free_expired_holds(runtime: Runtime) -> int:
    """Places held by bookings that never committed their order (a crash half-way)."""
    ids = await holds.expired_holds(runtime)
    for hold_id in ids:
        send_now("free_place_hold", hold_id)
    return len(ids)


async def confirm_paid_orders(runtime: Runtime) -> int:
    """PAID orders not confirmed in time (a lost confirm job): try again."""
    ids = await confirmation.unconfirmed_paid_orders(
        runtime, older_than_seconds=runtime.settings.sweep_retry_after_seconds
    )
    for order_id in ids:
        send_now("confirm_order", order_id)
    return len(ids)


async def resend_refunds(runtime: Runtime) -> int:
    ids = await refunds.pending_immediate_refunds(
        runtime, older_than_seconds=runtime.settings.sweep_retry_after_seconds
    )
    for refund_id in ids:
        send_now("send_refund", refund_id)
    return len(ids)


async def resync_inventory(runtime: Runtime) -> int:
    return await holds.resync_places(runtime)


async def daily(runtime: Runtime) -> int:
    """After 18:00, remind tomorrow's patients (once a day)."""
    now = runtime.clock.now()
    if now.time() >= REMIND_AT and await _once(runtime, f"remind:{now.date()}", 26 * 3600):
        send_now("send_visit_reminders", (now.date() + timedelta(days=1)).isoformat())
        return 1
    return 0


async def reconcile_recent_days(runtime: Runtime) -> int:
    """Every recent day without a finished reconciliation is tried (again): a bank that was
    down at the hour, or a bill that did not match its hash, costs a delay, never a day."""
    todo = await reconciliation.days_due(runtime)
    for day in todo:
        send_now("run_reconciliation", day.isoformat())
    return len(todo)


async def resend_refund_batches(runtime: Runtime) -> int:
    ids = await reconciliation.unsent_batches(runtime)
    for batch_id in ids:
        send_now("send_refund_batch", batch_id)
    return len(ids)


async def finish_cancellations(runtime: Runtime) -> int:
    """Cancellations whose HIS answer was lost: ask the HIS and finish (or drop) each."""
    ids = await cancellation.unfinished_cancellations(
        runtime, runtime.settings.sweep_retry_after_seconds
    )
    for order_id in ids:
        send_now("finish_cancellation", order_id)
    return len(ids)


async def finish_suspensions(runtime: Runtime) -> int:
    """Every active order on a suspended schedule gets its cancellation job (again)."""
    pending = await cancellation.unfinished_suspensions(runtime)
    for order_id, reason in pending:
        send_now("cancel_for_suspension", order_id, reason)
    return len(pending)


async def check_schedules_at_his(runtime: Runtime) -> int:
    """The HIS is the truth on suspensions: every schedule with open orders soon is asked
    about, one job each, so a lost SCHEDULE_SUSPENDED costs minutes, not a patient's trip."""
    ids = await cancellation.schedules_to_check_at_his(runtime)
    for schedule_id in ids:
        send_now("check_schedule_at_his", schedule_id)
    return len(ids)


async def push_unsent_notices(runtime: Runtime) -> int:
    """Notices whose WeChat push job was lost, or whose retries stopped: push (again)."""
    from hospital_bff.services.notice_push import notices_to_push_again

    ids = await notices_to_push_again(runtime)
    for notice_id in ids:
        send_now("push_notice", notice_id)
    return len(ids)


async def settle_waitlists(runtime: Runtime) -> int:
    """Entries whose days are over end; offers past their minutes (a lost lapse job) and
    accepts left half-way are settled; every schedule someone waits for is asked about (a
    place that came back unseen: capacity added, a suspension undone)."""
    from hospital_bff.services.waitlist import entries, sweep

    ended = await entries.end_past_entries(runtime)
    due = await sweep.offers_due(runtime)
    for offer_id in due:
        send_now("lapse_waitlist_offer", offer_id)
    schedules = await sweep.schedules_waited_for(runtime)
    for schedule_id in schedules:
        send_now("offer_waitlist_schedule", schedule_id)
    return ended + len(due) + len(schedules)


async def _once(runtime: Runtime, key: str, ttl: int) -> bool:
    return bool(await runtime.redis.set(f"bff:once:{key}", "1", nx=True, ex=ttl))


Sweep = Callable[[Runtime], Awaitable[int]]

SWEEPS: list[tuple[str, int, Sweep]] = [
    ("expire_unpaid_orders", 15, expire_unpaid_orders),
    ("poll_unsettled_payments", 30, poll_unsettled_payments),
    ("free_expired_holds", 15, free_expired_holds),
    ("confirm_paid_orders", 60, confirm_paid_orders),
    ("resend_refunds", 60, resend_refunds),
    ("resync_inventory", 60, resync_inventory),
    ("daily", 60, daily),
    ("reconcile_recent_days", 900, reconcile_recent_days),
    ("resend_refund_batches", 300, resend_refund_batches),
    ("finish_cancellations", 60, finish_cancellations),
    ("finish_suspensions", 60, finish_suspensions),
    ("check_schedules_at_his", 120, check_schedules_at_his),
    ("push_unsent_notices", 60, push_unsent_notices),
    ("settle_waitlists", 30, settle_waitlists),
]


async def run_scheduler(
    runtime: Runtime, stop: asyncio.Event, sweeps: list[tuple[str, int, Sweep]] | None = None
) -> None:
    """Tick every few seconds; while this process holds the lease, run each sweep that is due."""
    settings = runtime.settings
    lease = lease_for(runtime.engine)
    due_at: dict[str, float] = {}  # monotonic; a new holder runs every sweep at once
    try:
        while not stop.is_set():
            for name, default_interval, sweep in SWEEPS if sweeps is None else sweeps:
                if stop.is_set() or monotonic() < due_at.get(name, 0.0):
                    continue
                # Asked before each sweep: a holder whose session died stops at once.
                if not await _holds(lease):
                    due_at.clear()
                    break
                due_at[name] = monotonic() + settings.sweep_intervals.get(name, default_interval)
                try:
                    count = await sweep(runtime)
                    if count:
                        log.info("sweep", name=name, count=count)
                except Exception as exc:
                    log_failure(log, "sweep_failed", exc, name=name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=settings.scheduler_tick_seconds)
    finally:
        await lease.release()


async def _holds(lease: SchedulerLease) -> bool:
    try:
        return await lease.hold()
    except Exception as exc:  # the database is down: nobody sweeps
        log_failure(log, "scheduler_lease_failed", exc)
        return False
