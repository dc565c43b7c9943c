"""Sliding-window attempt counters in Redis: shared by every process, timed by the business clock.

Each attempt is a member of a sorted set scored by the clock's timestamp, so the window follows
the injectable clock (a test moving it an hour frees the caller) rather than Redis's own TTLs.
A refused attempt is taken back out, so hammering a closed door does not keep it closed.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import redis.asyncio as aioredis

from hospital_bff.services.errors import DomainError


class RateLimited(DomainError):
    code = "RATE_LIMITED"

    def __init__(self) -> None:
        super().__init__(
            "尝试次数过多，请稍后再试", message_en="Too many attempts; please try again later"
        )


async def hit(
    redis: aioredis.Redis, key: str, limit: int, window_seconds: int, now: datetime
) -> None:
    """Count one attempt under `key` at `now`; refuse it if `limit` already fall in the window."""
    full = f"bff:rl:{key}"
    at = now.timestamp()
    member = f"{at:.6f}:{uuid.uuid4().hex}"
    # One MULTI: concurrent attempts each see every attempt added before their own count.
    async with redis.pipeline(transaction=True) as pipe:
        pipe.zremrangebyscore(full, "-inf", at - window_seconds)
        pipe.zadd(full, {member: at})
        pipe.zcard(full)
        # Redis forgets an idle key by itself; the window proper is kept by the scores above.
        pipe.expire(full, window_seconds + 60)
        _removed, _added, count, _expiring = await pipe.execute()
    if count > limit:
        await redis.zrem(full, member)
        raise RateLimited()
