"""The hourly budget of identity checks per account, kept in the database (see the model).

Counted before the check it guards, in a transaction of its own (the check's own transaction
rolls back on a mismatch, and the attempt must stay counted). An attempt is first written and
committed, then everything in the window is counted: of any set of concurrent attempts the last
to count sees all the others, so no more than `limit` ever pass; a refused attempt is deleted
again, so hammering a closed door does not keep it closed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import col, func, select

from hospital_bff.runtime import Runtime
from hospital_bff.services import uow
from hospital_bff.services.ratelimit import RateLimited
from hospital_bff.store.models import IdentityAttempt


async def reserve(runtime: Runtime, key: str, limit: int, window: timedelta, now: datetime) -> int:
    """Count one attempt under `key`; RateLimited when `limit` are already in the window."""
    since = now - window
    async with uow.unit_of_work(runtime) as session:
        # The expired attempts of this key go first: the table holds about one window's worth.
        await session.exec(
            delete(IdentityAttempt).where(
                col(IdentityAttempt.key) == key, col(IdentityAttempt.at) <= since
            )
        )
        attempt = IdentityAttempt(key=key, at=now)
        session.add(attempt)
        await session.flush()
        assert attempt.id is not None
        attempt_id = attempt.id
    async with runtime.sessions() as session:
        count = (
            await session.exec(
                select(func.count())
                .select_from(IdentityAttempt)
                .where(IdentityAttempt.key == key, col(IdentityAttempt.at) > since)
            )
        ).one()
    if count > limit:
        await forgive(runtime, attempt_id)
        raise RateLimited()
    return attempt_id


async def forgive(runtime: Runtime, attempt_id: int) -> None:
    """Take an attempt back (refused, or nothing was tried: the HIS was away)."""
    async with uow.unit_of_work(runtime) as session:
        await session.exec(delete(IdentityAttempt).where(col(IdentityAttempt.id) == attempt_id))
