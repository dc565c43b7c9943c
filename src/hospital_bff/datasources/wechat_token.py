"""WeChat's access token, fetched by one process at a time and shared through Redis.

WeChat asks for one central refresher: every `GET /cgi-bin/token` issues a new token and the
previous one stops working five minutes later, so processes fetching on their own would
keep invalidating each other's tokens (and the daily fetch quota is small). Here the token
lives in Redis with its expiry (shortened by a margin, so it is renewed before WeChat drops
it); a process that finds none takes a Redis lock, fetches, and stores; the others wait for
the stored token instead of fetching too.

While Redis is away each process uses the last token it saw, for as long as that is known to
be valid (a token Redis still held lives at least the margin longer), and otherwise answers
WechatUnavailable (a push job retries later) rather than fetching on its own.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from hospital_bff.datasources.errors import WechatUnavailable
from hospital_bff.outages import REDIS_DOWN

# A refresher that dies holding the lock blocks the others only this long.
LOCK_MS = 10_000
# How often a process waiting for another's refresh looks for the token.
POLL_SECONDS = 0.05


class AccessTokenStore:
    """The shared access token of one WeChat app ID."""

    def __init__(
        self,
        redis: aioredis.Redis,
        app_id: str,
        fetch: Callable[[], Awaitable[tuple[str, int]]],
        *,
        refresh_margin_seconds: int = 300,
    ) -> None:
        self.redis = redis
        self.key = f"wechat:access_token:{app_id}"
        self.lock_key = f"{self.key}:lock"
        self._fetch = fetch  # -> (token, expires_in seconds)
        self.margin = refresh_margin_seconds
        self._last: tuple[str, float] | None = None  # (token, monotonic time it stops being sure)

    async def get(self) -> str:
        """The current token; fetched from WeChat only if none is stored."""
        try:
            token = await self._get()
        except REDIS_DOWN as exc:
            if self._last is not None and time.monotonic() < self._last[1]:
                return self._last[0]
            raise WechatUnavailable(
                "wechat access token store unavailable", system="wechat"
            ) from exc
        self._last = (token, time.monotonic() + self.margin)
        return token

    async def _get(self) -> str:
        deadline = asyncio.get_running_loop().time() + LOCK_MS / 1000
        while True:
            token = _text(await self.redis.get(self.key))
            if token is not None:
                return token
            owner = secrets.token_hex(8)
            if await self.redis.set(self.lock_key, owner, nx=True, px=LOCK_MS):
                try:
                    return await self._refresh()
                finally:
                    await self._release(owner)
            if asyncio.get_running_loop().time() > deadline:
                raise WechatUnavailable("wechat access token refresh stuck", system="wechat")
            await asyncio.sleep(POLL_SECONDS)

    async def invalidate(self, token: str) -> None:
        """WeChat called `token` invalid or expired (40001/42001): drop it, unless another
        process has already replaced it, so that one bad token causes one refresh."""
        if self._last is not None and self._last[0] == token:
            self._last = None
        await self._delete_if(self.key, token)

    async def _refresh(self) -> str:
        # Another process may have stored one between our read and our lock.
        stored = _text(await self.redis.get(self.key))
        if stored is not None:
            return stored
        token, expires_in = await self._fetch()
        ttl = max(expires_in - self.margin, min(expires_in, 60), 1)
        await self.redis.set(self.key, token, ex=ttl)
        return token

    async def _release(self, owner: str) -> None:
        await self._delete_if(self.lock_key, owner)

    async def _delete_if(self, key: str, expected: str) -> None:
        # Compare-and-delete in a WATCH transaction (no Lua: the in-process stand-in has none).
        async with self.redis.pipeline(transaction=True) as pipe:
            try:
                await pipe.watch(key)
                if _text(await pipe.get(key)) != expected:
                    await pipe.unwatch()  # type: ignore[no-untyped-call]
                    return
                pipe.multi()  # type: ignore[no-untyped-call]
                pipe.delete(key)
                await pipe.execute()
            except WatchError:
                return  # changed meanwhile: someone else replaced or removed it


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value
