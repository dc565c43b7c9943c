"""Each account's and each hospital user's change generation: a counter in Redis (the
in-process stand-in on the embedded default) that every committed write touching their rows
moves on, so an answer kept for them (`personal_answers`) is known to be still true by
reading a few counters in one round trip.

The writes are noticed at one place (`store.touched`, the session's own events), and bumped
here by `uow.unit_of_work` after the commit and before its caller answers: a mutation's next
read, in any process, sees the new generation. After the commit, never before: a read that
started in between would keep the old rows under the new generation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import structlog

from hospital_bff.outages import REDIS_DOWN

if TYPE_CHECKING:
    from hospital_bff.runtime import Runtime
    from hospital_bff.store.touched import Touched

log = structlog.get_logger(__name__)

PREFIX: Final = "bff:pgen:"
# Counters nobody bumped for a week are dropped (a kept answer lives seconds, not days).
TTL_SECONDS: Final = 7 * 24 * 3600


def account_key(account_id: str) -> str:
    return f"{PREFIX}a:{account_id}"


def user_key(user_id: str) -> str:
    return f"{PREFIX}u:{user_id}"


# The embedded default's generations: without Redis there is one process, and a dict is what
# the in-process stand-in would be, at a fraction of its cost per read.
_LOCAL: dict[str, int] = {}


async def bump(runtime: Runtime, touched: Touched) -> None:
    """Move on the generation of every owner `touched` names."""
    keys = keys_of(touched)
    if not keys:
        return
    if runtime.settings.redis_url is None:
        for key in keys:
            _LOCAL[key] = _LOCAL.get(key, 0) + 1
        return
    try:
        async with runtime.redis.pipeline(transaction=False) as pipe:
            bump_in(pipe, keys)
            await pipe.execute()
    except REDIS_DOWN as exc:
        not_bumped(keys, exc)


def keys_of(touched: Touched) -> list[str]:
    """The generation counters of the owners `touched` names."""
    keys = [account_key(a) for a in sorted(touched.accounts)]
    keys += [user_key(u) for u in sorted(touched.users)]
    return keys


def bump_in(pipe: Any, keys: list[str]) -> None:
    """`bump`'s commands on Redis, in a pipeline that also carries others (uow.py)."""
    for key in keys:
        pipe.incr(key)
        pipe.expire(key, TTL_SECONDS)


def not_bumped(keys: list[str], exc: BaseException) -> None:
    # Committed all the same; what was kept for them lapses by its short lifetime.
    log.warning("personal_generations_not_bumped", owners=len(keys), error=repr(exc))


def mirror_version(key: str, version: int) -> None:
    """The embedded default's copy of another counter (a department's schedule version, told
    by the catalogue in this process, the only one), read with the generations."""
    _LOCAL[key] = version


async def read(runtime: Runtime, keys: list[str]) -> list[Any]:
    """The current value of each key: generations, and other counters kept in Redis (the
    catalogue's schedule versions), in one round trip. Raises one of `REDIS_DOWN`."""
    if runtime.settings.redis_url is not None:
        values: list[Any] = await runtime.redis.mget(keys)
        return values
    return [_LOCAL.get(k, 0) for k in keys]
