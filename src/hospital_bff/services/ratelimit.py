"""Fixed-window counters in Redis: shared by every process, forgotten after the window."""

from __future__ import annotations

import redis.asyncio as aioredis

from hospital_bff.services.errors import DomainError


class RateLimited(DomainError):
    code = "RATE_LIMITED"

    def __init__(self) -> None:
        super().__init__(
            "尝试次数过多，请稍后再试", message_en="Too many attempts; please try again later"
        )


async def hit(redis: aioredis.Redis, key: str, limit: int, window_seconds: int) -> None:
    """Count one attempt under `key`; refuse once more than `limit` fall in the window."""
    full = f"bff:rl:{key}"
    count = await redis.incr(full)
    if count == 1:
        await redis.expire(full, window_seconds)
    if count > limit:
        raise RateLimited()
