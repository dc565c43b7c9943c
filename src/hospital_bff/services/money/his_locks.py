"""Giving back an HIS lock whose order never committed, until the HIS has it back.

A booking (or a bill payment) locks at the HIS under the id of the order it is about to
commit. When that order does not commit (the lock's POST timed out, the hold's lease ran out,
a concurrent request with the same key won), the lock is released at once. That single DELETE
was all: if it failed too (the HIS slow or its breaker open) the seat stayed locked at the HIS
for the payment window and its margin (12 minutes) while our own count showed it free, and
every booking of it heard SLOT_FULL from the HIS. And a lock whose POST timed out may still
land after the DELETE: a released lockId "tries for a seat anew" (docs/his-api.md).

So a release that fails, or follows a lock whose outcome is unknown, is sent again by the
`release_his_lock` job after RELEASE_AGAIN_AFTER_MS, retried with backoff until the HIS
answers. DELETE is idempotent at the HIS (an unknown, lapsed or released lock answers 204, a
lock a registration used is left alone). A booking's lock id is a fresh order id used once,
but a waitlist offer's is its hold's, used again when the patient accepts again: the job
releases nothing whose order committed or whose hold is still held meanwhile.
"""

from __future__ import annotations

import structlog

from hospital_bff.datasources.errors import UpstreamBusy, UpstreamUnavailable
from hospital_bff.jobs import enqueue
from hospital_bff.logs import log_failure
from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.money.rules import OrderKind
from hospital_bff.store.models import Order, PlaceHold

log = structlog.get_logger(__name__)

# Long enough for a POST that timed out on our side to have reached the HIS or died.
RELEASE_AGAIN_AFTER_MS = 10_000


async def release_now(runtime: Runtime, lock_id: str, kind: OrderKind) -> None:
    """One DELETE; raises what the HIS client raises (the job retries on it)."""
    if kind is OrderKind.REGISTRATION:
        await runtime.his.release_slot_lock(lock_id)
    else:
        await runtime.his.release_bill_lock(lock_id)


async def release_later(runtime: Runtime, lock_id: str, kind: OrderKind) -> None:
    """The job's step: released again unless the lock is in use now (an order of that id
    committed, or its hold is held: a waitlist offer accepted again under the same id)."""
    async with uow.reads(runtime) as session:
        if await session.get(Order, lock_id) is not None:
            return
        if await session.get(PlaceHold, lock_id) is not None:
            return
    await release_now(runtime, lock_id, kind)


async def after_failed_lock(
    runtime: Runtime, lock_id: str, kind: OrderKind, failure: UpstreamUnavailable
) -> None:
    """A lock call that failed: one never sent (UpstreamBusy) took nothing; any other may
    have been taken at the HIS or land after the release, so it is released now and again
    later."""
    if not isinstance(failure, UpstreamBusy):
        await release(runtime, lock_id, kind, outcome_unknown=True)


async def release(
    runtime: Runtime, lock_id: str, kind: OrderKind, *, outcome_unknown: bool = False
) -> None:
    """Give the lock back now, and again later by a job when this release failed or the
    lock's own outcome is unknown (see the module's docstring). Never raises."""
    try:
        await release_now(runtime, lock_id, kind)
    except Exception as exc:
        outage = isinstance(exc, UpstreamUnavailable)
        log_failure(log, "his_lock_release_failed", exc, outage=outage, lock=lock_id)
        outcome_unknown = True
    if outcome_unknown:
        try:
            enqueue.send_now(
                "release_his_lock", lock_id, kind.value, delay_ms=RELEASE_AGAIN_AFTER_MS
            )
        except Exception as exc:
            # The broker away too: the lock lapses by itself at the HIS (window + margin).
            log_failure(log, "his_lock_release_not_queued", exc, lock=lock_id)
