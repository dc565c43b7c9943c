"""Redis going away: what needs it answers TRY_AGAIN, what does not carries on without it.

Redis holds caches, short locks, rate limits and pub/sub. None of it is the truth (that is
the database), so an outage must not stop what the truth alone can do: jobs, sweeps,
payments, webhooks. The rule, applied where each use of Redis sits:
- a cache is skipped (read: a miss; write: dropped);
- a publish is best-effort (a subscription re-reads the state on reconnection);
- a lock falls back to the database's row lock where the work takes one;
- what cannot be done without Redis (a rate limit that guards a door) raises `TryAgain`,
  which reaches the client as a GraphQL error coded TRY_AGAIN, never INTERNAL.
"""

from __future__ import annotations

import asyncio

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from hospital_bff.language import Message

# What a Redis client raises when the server is away or silent (a refused or broken
# connection, a timeout, a pool that could not hand out a connection in time).
REDIS_DOWN: tuple[type[BaseException], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    asyncio.TimeoutError,
)

TRY_AGAIN_CODE = "TRY_AGAIN"
# What a client reads when Redis is away, on /graphql and /fhir alike.
TRY_AGAIN_MESSAGE = Message(
    "服务暂时繁忙，请稍后再试", "The service is briefly unavailable; please try again shortly"
)


class TryAgain(Exception):
    """A service this needs (Redis) is away for a moment; the client retries shortly."""

    code = TRY_AGAIN_CODE

    def __init__(self, what: str = "redis") -> None:
        super().__init__(f"{what} unavailable")
        self.what = what
