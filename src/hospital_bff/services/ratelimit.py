"""Sliding-window attempt counters in Redis: shared by every process, timed by the business clock.

Each attempt is a member of a sorted set scored by the clock's timestamp, so the window follows
the injectable clock (a test moving it an hour frees the caller) rather than Redis's own TTLs.
A refused attempt is taken back out, so hammering a closed door does not keep it closed; a
caller that only wants failures counted takes its attempt back (`forgive`) once it succeeded,
so an attempt is counted before the work it guards and the count is never behind.

What lives here is lost with Redis: fine for per-address and per-openid limits (they slow
floods, an hour of them is little to lose). The identity attempts of an account, which guard
personal data, are kept in the database instead (services/identity_attempts.py). While Redis
is away a limited door does not open unguarded: `hit` raises TryAgain (outages.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import redis.asyncio as aioredis
import structlog

from hospital_bff.outages import REDIS_DOWN, TryAgain
from hospital_bff.services.errors import DomainError

log = structlog.get_logger(__name__)


class RateLimited(DomainError):
    code = "RATE_LIMITED"

    def __init__(self) -> None:
        super().__init__(
            "尝试次数过多，请稍后再试", message_en="Too many attempts; please try again later"
        )


async def hit(
    redis: aioredis.Redis, key: str, limit: int, window_seconds: int, now: datetime
) -> str:
    """Count one attempt under `key` at `now`; refuse it if `limit` already fall in the window.

    Answers the attempt's member, for `forgive`."""
    full = f"bff:rl:{key}"
    at = now.timestamp()
    member = f"{at:.6f}:{uuid.uuid4().hex}"
    # One MULTI: concurrent attempts each see every attempt added before their own count.
    try:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(full, "-inf", at - window_seconds)
            pipe.zadd(full, {member: at})
            pipe.zcard(full)
            # Redis forgets an idle key by itself; the window proper is kept by the scores.
            pipe.expire(full, window_seconds + 60)
            _removed, _added, count, _expiring = await pipe.execute()
        if count > limit:
            await redis.zrem(full, member)
            raise RateLimited()
    except REDIS_DOWN as exc:
        raise TryAgain("redis") from exc
    return member


async def forgive(redis: aioredis.Redis, key: str, member: str) -> None:
    """Take back an attempt that succeeded: only failures keep counting."""
    try:
        await redis.zrem(f"bff:rl:{key}", member)
    except REDIS_DOWN as exc:
        # The work is done; the attempt counts against the window until it lapses.
        log.warning("rate_limit_forgive_skipped", key=key, error=repr(exc))
