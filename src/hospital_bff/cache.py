"""Redis, or an in-process stand-in with the same API, and a small JSON cache on top."""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import redis.asyncio as aioredis
import structlog

from hospital_bff.outages import REDIS_DOWN

log = structlog.get_logger(__name__)

T = TypeVar("T")

_fake_server: Any = None
# What else the embedded default keeps in the process beside the stand-in (its slot counts),
# forgotten with it.
_in_process: dict[str, Any] = {}
PARSED_ENTRIES = 512


def create_redis(
    url: str | None,
    *,
    max_connections: int = 64,
    timeout: float = 1.0,
    connect_timeout: float = 1.0,
) -> aioredis.Redis:
    """A client with a bounded, blocking pool: a burst waits for a connection instead of
    failing with "Too many connections" (redis-py's default pool raises at its limit).

    Every command has a deadline (`timeout`): a Redis that hangs (stopped, swapping, a network
    that drops packets) would otherwise hold every request that asks it for as long as the
    kernel keeps the connection; with it, the command raises TimeoutError, one of
    `outages.REDIS_DOWN`, and the caller treats Redis as away. One retry, at once, still
    replaces a pooled connection that a restarted Redis closed; more would only multiply the
    wait on a hung one."""
    if url:
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        pool = aioredis.BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=10,
            decode_responses=True,
            socket_timeout=timeout,
            socket_connect_timeout=connect_timeout,
            retry=Retry(NoBackoff(), 1),
        )
        return aioredis.Redis(connection_pool=pool)
    import fakeredis

    global _fake_server
    if _fake_server is None:
        # One fake server per process: the API and the in-process workers see the same data.
        _fake_server = fakeredis.FakeServer()
    return fakeredis.FakeAsyncRedis(server=_fake_server, decode_responses=True)  # type: ignore[no-any-return]


def create_pubsub_redis(url: str | None, *, client_name: str) -> aioredis.Redis:
    """A client of its own for the event hub's one pub/sub connection, outside the request
    pool, so listening can never take a connection a query or a booking is waiting for.

    redis-py's own retries are off: the hub reconnects with backoff and subscribes again
    itself, so a broken connection surfaces there instead of being half-retried underneath."""
    if url:
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        return aioredis.Redis.from_url(
            url,
            decode_responses=True,
            client_name=client_name,  # CLIENT LIST shows which process each listener is
            max_connections=2,  # the live one, and its replacement while reconnecting
            retry=Retry(NoBackoff(), 0),
            socket_connect_timeout=5,
        )
    import fakeredis

    global _fake_server
    if _fake_server is None:
        _fake_server = fakeredis.FakeServer()
    return fakeredis.FakeAsyncRedis(server=_fake_server, decode_responses=True)  # type: ignore[no-any-return]


def reset_fake_redis() -> None:
    """Forget the in-process stand-in's data (tests)."""
    global _fake_server
    _fake_server = None
    _in_process.clear()


def in_process_state(name: str, make: Callable[[], T]) -> T:
    """One object per process under `name` (made on first use), shared by the API and the
    in-process job threads like the stand-in itself."""
    state: T | None = _in_process.get(name)
    if state is None:
        state = _in_process.setdefault(name, make())  # atomic: two threads get one object
    return state


class Cache:
    """JSON values under namespaced keys, with a long-lived "last good" copy for outages.

    Redis away is a miss, and a write lost: callers load from the source of truth instead
    (outages.py), so a Redis outage costs speed, never an answer."""

    def __init__(self, redis: aioredis.Redis, prefix: str = "bff:cache:") -> None:
        self.redis = redis
        self.prefix = prefix
        # One load per key at a time in this process: when a short-lived entry lapses under
        # load, the first request asks the HIS and the others wait for its answer.
        self._loading: dict[str, asyncio.Future[Any]] = {}
        # The last copy of each key this process parsed, with the text it came from: an
        # unchanged entry (the usual case) is not parsed and validated again per request.
        self._parsed: OrderedDict[str, tuple[str | bytes, Any]] = OrderedDict()

    async def get_json(self, key: str) -> Any | None:
        raw = await self._get(key)
        return None if raw is None else json.loads(raw)

    async def get_many_json(self, keys: list[str]) -> list[Any | None]:
        """Several keys in one round trip, None for each one missing."""
        if not keys:
            return []
        try:
            raws = await self.redis.mget([self.prefix + k for k in keys])
        except REDIS_DOWN as exc:
            log.warning("cache_read_skipped", keys=len(keys), error=repr(exc))
            return [None] * len(keys)
        return [None if raw is None else json.loads(raw) for raw in raws]

    async def lifetimes(self, keys: list[str]) -> list[float]:
        """Seconds each key has left; 0 for one that is gone or never expires."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.pttl(self.prefix + key)
            left = await pipe.execute()
        return [max(int(ms), 0) / 1000 for ms in left]

    async def set_json(self, key: str, value: Any, ttl: int) -> None:
        await self._set_text(key, _text(value), ttl)

    async def _set_text(self, key: str, text: str, ttl: int) -> None:
        try:
            await self.redis.set(self.prefix + key, text, ex=ttl)
        except REDIS_DOWN as exc:
            log.warning("cache_write_skipped", key=key, error=repr(exc))

    async def delete(self, *keys: str) -> None:
        if keys:
            try:
                await self.redis.delete(*(self.prefix + k for k in keys))
            except REDIS_DOWN as exc:
                # Entries left behind expire by their TTL, which bounds how stale they get.
                log.warning("cache_delete_skipped", keys=list(keys), error=repr(exc))

    async def _get(self, key: str) -> Any | None:
        try:
            return await self.redis.get(self.prefix + key)
        except REDIS_DOWN as exc:
            log.warning("cache_read_skipped", key=key, error=repr(exc))
            return None

    async def _get_lasting(self, key: str, seconds: float) -> Any | None:
        """The key's text, or None if it has no more than `seconds` left (read again early)."""
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.get(self.prefix + key)
                pipe.pttl(self.prefix + key)
                raw, left = await pipe.execute()
        except REDIS_DOWN as exc:
            log.warning("cache_read_skipped", key=key, error=repr(exc))
            return None
        return raw if int(left) > seconds * 1000 else None

    async def get_or_load(
        self,
        key: str,
        ttl: int,
        load: Callable[[], Awaitable[T]],
        dump: Callable[[T], Any],
        parse: Callable[[Any], T],
        *,
        stale_ttl: int = 24 * 3600,
        texts: dict[str, str] | None = None,
        refresh_within: float = 0.0,
    ) -> T:
        """Fresh copy if any; else load; if loading fails, the last good copy, else the error.
        `texts` gets the key's text as kept (what was read can be told from what is there).
        With `refresh_within`, a copy with no more than that many seconds left is loaded again
        (a kept answer read from it is refreshed before it lapses: `response_cache`)."""
        raw = await (self._get_lasting(key, refresh_within) if refresh_within else self._get(key))
        if raw is not None and texts is not None:
            texts[key] = raw if isinstance(raw, str) else raw.decode()
        if raw is not None:
            last = self._parsed.get(key)
            if last is not None and last[0] == raw:
                self._parsed.move_to_end(key)
                hit: T = last[1]
                return hit
            value = parse(json.loads(raw))
            self._parsed[key] = (raw, value)
            if len(self._parsed) > PARSED_ENTRIES:
                self._parsed.popitem(last=False)  # schedule keys change with every booking
            return value
        pending = self._loading.get(key)
        if pending is not None:
            dumped, text = await asyncio.shield(pending)
            if texts is not None:
                texts[key] = text
            return parse(dumped)
        future: asyncio.Future[tuple[Any, str]] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        try:
            dumped, text = await self._load(key, ttl, load, dump, stale_ttl)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: a load nobody else waited for is not "never seen"
            raise
        else:
            future.set_result((dumped, text))
        finally:
            del self._loading[key]
        if texts is not None:
            texts[key] = text
        loaded = parse(dumped)
        # The next read of this text (another answer's, or this one's at its refresh) is not
        # parsed and validated again.
        self._parsed[key] = (text, loaded)
        if len(self._parsed) > PARSED_ENTRIES:
            self._parsed.popitem(last=False)
        return loaded

    async def _load(
        self,
        key: str,
        ttl: int,
        load: Callable[[], Awaitable[T]],
        dump: Callable[[T], Any],
        stale_ttl: int,
    ) -> tuple[Any, str]:
        """The value loaded, dumped, and its text as kept (made once for both copies)."""
        try:
            value = await load()
        except Exception:
            stale = await self.get_json("stale:" + key)
            if stale is not None:
                log.warning("cache_serving_stale", key=key)
                return stale, _text(stale)
            raise
        dumped = dump(value)
        text = _text(dumped)
        await self._set_text(key, text, ttl)
        await self._set_text("stale:" + key, text, stale_ttl)
        return dumped, text


def _text(value: Any) -> str:
    """A value as it is kept in Redis: the same value, the same text."""
    return json.dumps(value, default=str)
