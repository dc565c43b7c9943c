"""Publish what changed; subscriptions in any process hear it through Redis pub/sub.

Publishing goes through the request pool (one PUBLISH, like any command). Listening does not:
every subscription of a process shares ONE dedicated pub/sub connection held by the
`EventHub`, so a thousand open subscriptions cost one Redis connection, not a thousand taken
from the pool that queries, bookings and /healthz need.

The hub subscribes a channel when its first local subscriber arrives and unsubscribes it when
the last one leaves, and fans each message out to one bounded queue per subscriber. A
subscriber whose queue is full (its client does not read) is closed rather than buffered
without end. If Redis goes away the hub reconnects with backoff and subscribes every channel
again; subscribers stay open through the outage. Pub/sub keeps no history, so what was
published while the connection was down is lost; instead, once Redis confirms a channel again,
each of its subscribers gets a `{"resync": true}` event. Each of our events only says "look
again", so a subscriber that reads the current state on every event (`EventBus.watch`, which
also starts with one such read) misses nothing.

Pub/sub channels are the server's, not a database's: each is named with the hub's database
number (`bff:events:<db>:<topic>`), so deployments on one Redis hear only their own events.

Over 400 lines: the hub and the bus are the two ends of one channel naming and one failure
rule (Redis away loses an event, never the caller's work); the bus also lends its commands to
a unit's single after-commit round trip (services/uow.py).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any

import redis.asyncio as aioredis
import structlog
from redis.exceptions import RedisError

from hospital_bff.metrics import EVENT_HUB_EVENTS

log = structlog.get_logger(__name__)

PREFIX = "bff:events:"
# Events the hub makes itself: "read the current state" (the first, and after a reconnection).
CURRENT = "current"
RESYNC = "resync"

# What a broken or silent connection raises; anything else is a bug and is not retried blindly.
_CONNECTION_ERRORS = (RedisError, OSError, asyncio.TimeoutError)


def channel_prefix(client: aioredis.Redis) -> str:
    """`bff:events:<db>:` for the database `client` is connected to (0 when it names none)."""
    kwargs = getattr(getattr(client, "connection_pool", None), "connection_kwargs", {})
    return f"{PREFIX}{int(kwargs.get('db') or 0)}:"


def order_topic(order_id: str) -> str:
    return f"order:{order_id}"


def queue_topic(order_id: str) -> str:
    """A checked-in registration's place in the queue changed: look at the HIS again."""
    return f"queue:{order_id}"


def schedule_topic(schedule_id: str) -> str:
    return f"schedule:{schedule_id}"


def notices_topic(user_id: str) -> str:
    return f"notices:{user_id}"


def catalogue_topic() -> str:
    """A department's schedules changed (a booking, a cancellation, a suspension, an expiry):
    `{"departmentId", "version"}`; every process's response cache forgets what it showed."""
    return "catalogue"


class _Closed:
    """The end-of-stream marker put in a subscriber's queue."""


_CLOSED = _Closed()


class Subscriber:
    """One local listener on one topic: an async iterator over its events, bounded."""

    def __init__(self, topic: str, queue_size: int) -> None:
        self.topic = topic
        self.dropped = False  # closed because it fell `queue_size` events behind
        self._queue: asyncio.Queue[dict[str, Any] | _Closed] = asyncio.Queue(queue_size)

    def offer(self, event: dict[str, Any]) -> bool:
        """Queue one event without waiting; False (and closed) if the queue was full."""
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self.dropped = True
            self.close()
            return False
        return True

    def close(self) -> None:
        # Emptied first so the marker always fits: a closed subscriber is not owed its backlog.
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(_CLOSED)

    def __aiter__(self) -> Subscriber:
        return self

    async def __anext__(self) -> dict[str, Any]:
        item = await self._queue.get()
        if isinstance(item, _Closed):
            self._queue.put_nowait(item)  # a second read ends too
            raise StopAsyncIteration
        return item


class EventHub:
    """The process's one pub/sub connection, multiplexed over every local subscriber."""

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        queue_size: int = 64,
        backoff_initial: float = 0.1,
        backoff_max: float = 5.0,
        idle_ping_seconds: float = 15.0,
    ) -> None:
        self._queue_size = queue_size
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._idle_ping_seconds = idle_ping_seconds
        # A client of the hub's own (cache.create_pubsub_redis), never the request pool's.
        self._client = client
        self._pubsub: Any = None  # redis.asyncio.client.PubSub while connected
        self._subscribers: dict[str, set[Subscriber]] = {}
        self._sent: set[str] = set()  # channels SUBSCRIBE was sent for on this connection
        self._confirmed: set[str] = set()  # channels Redis confirmed on this connection
        # Channels subscribed again on a new connection: their subscribers may have missed
        # events while there was none, and are told to look again once Redis confirms.
        self._resync_due: set[str] = set()
        self._lock = asyncio.Lock()  # one SUBSCRIBE/UNSUBSCRIBE on the wire at a time
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()
        self._closed = False
        self._down = False  # the last connection attempt failed; Redis is away
        self.connects = 0  # successful (re)connections: observability and tests
        self.prefix = channel_prefix(client)

    def channel(self, topic: str) -> str:
        """The pub/sub channel of `topic` for this hub's Redis database."""
        return self.prefix + topic

    # --- what subscribers and tests see -------------------------------------------------------

    def subscriber_count(self, topic: str | None = None) -> int:
        if topic is not None:
            return len(self._subscribers.get(self.prefix + topic, ()))
        return sum(len(s) for s in self._subscribers.values())

    def is_listening(self, topic: str) -> bool:
        """Redis confirmed this process's subscription to `topic` on the live connection."""
        return self.prefix + topic in self._confirmed

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Wait for a state change that makes `predicate` true (under the caller's timeout)."""
        while not predicate():
            await self._changed.wait()

    @asynccontextmanager
    async def listen(self, topic: str) -> AsyncIterator[Subscriber]:
        """A subscriber on `topic` for the duration of the block."""
        if self._closed:
            raise RuntimeError("event hub is closed")
        self._ensure_reader()
        channel = self.prefix + topic
        subscriber = Subscriber(topic, self._queue_size)
        self._subscribers.setdefault(channel, set()).add(subscriber)
        self._notify()
        try:
            await self._sync(channel)
            # What is published once Redis confirmed is heard; a Redis outage does not stop
            # the subscription from opening (the reconnect subscribes it).
            with suppress(TimeoutError):
                async with asyncio.timeout(5.0):
                    await self.wait_until(
                        lambda: channel in self._confirmed or self._down or self._closed
                    )
            yield subscriber
        finally:
            subscribers = self._subscribers.get(channel)
            if subscribers is not None:
                subscribers.discard(subscriber)
                if not subscribers:
                    del self._subscribers[channel]
            self._notify()
            await self._sync(channel)

    async def aclose(self) -> None:
        """Stop listening and end every open subscriber's stream."""
        if self._closed:
            return
        self._closed = True
        if self._reader is not None:
            self._reader.cancel()
            with suppress(asyncio.CancelledError):
                await self._reader
        for subscribers in self._subscribers.values():
            for subscriber in subscribers:
                subscriber.close()
        self._subscribers.clear()
        await self._discard()
        await self._client.aclose()
        self._notify()

    # --- the connection -----------------------------------------------------------------------

    def _ensure_reader(self) -> None:
        # Started by the first subscriber: a process that never listens (a job worker) holds
        # no pub/sub connection at all.
        if self._reader is None:
            self._reader = asyncio.create_task(self._run(), name="event-hub")

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _sync(self, channel: str) -> None:
        """Make the live connection's subscription to `channel` match the local subscribers."""
        async with self._lock:
            pubsub = self._pubsub
            if pubsub is None:
                return  # down: the reconnect subscribes what is wanted then
            wanted = channel in self._subscribers
            try:
                if wanted and channel not in self._sent:
                    self._sent.add(channel)
                    await pubsub.subscribe(channel)
                elif not wanted and channel in self._sent:
                    self._sent.discard(channel)
                    await pubsub.unsubscribe(channel)
            except _CONNECTION_ERRORS as exc:
                # The reader hits the same broken connection and reconnects.
                log.warning("events_subscribe_failed", channel=channel, error=repr(exc))

    async def _run(self) -> None:
        delay = self._backoff_initial
        while not self._closed:
            try:
                await self._open()
                delay = self._backoff_initial
                await self._read()
            except asyncio.CancelledError:
                raise
            except _CONNECTION_ERRORS as exc:
                self._down = True
                EVENT_HUB_EVENTS.labels("lost").inc()
                log.warning(
                    "events_connection_lost",
                    error=repr(exc),
                    channels=len(self._subscribers),
                    retry_in=round(delay, 2),
                )
            await self._discard()
            # Full jitter: many processes losing one Redis do not all come back at once.
            await asyncio.sleep(random.uniform(delay / 2, delay))
            delay = min(delay * 2, self._backoff_max)

    async def _open(self) -> None:
        pubsub: Any = self._client.pubsub()  # redis-py's PubSub is partly untyped
        try:
            async with self._lock:
                await pubsub.connect()
                channels = list(self._subscribers)
                if channels:
                    await pubsub.subscribe(*channels)
                self._pubsub, self._sent, self._confirmed = pubsub, set(channels), set()
                # Not on a first connection that nobody waited through: its subscribers
                # were confirmed before they read anything.
                self._resync_due = set(channels) if self.connects or self._down else set()
        except BaseException:
            with suppress(*_CONNECTION_ERRORS):
                await pubsub.aclose()
            raise
        self._down = False
        self.connects += 1
        EVENT_HUB_EVENTS.labels("connected").inc()
        log.info("events_connected", channels=len(channels), connects=self.connects)
        self._notify()

    async def _read(self) -> None:
        awaiting_pong = False
        while True:
            message = await self._pubsub.get_message(timeout=self._idle_ping_seconds)
            if message is None and not self._sent:
                continue  # nothing subscribed, nothing to lose
            if message is None:
                # Quiet for a while: a PING proves the connection is alive; no answer by the
                # next quiet period means it is not (a half-open TCP connection never errors).
                if awaiting_pong:
                    raise TimeoutError("no answer to PING on the pub/sub connection")
                awaiting_pong = True
                async with self._lock:
                    await self._pubsub.ping()
                continue
            awaiting_pong = False
            self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind, channel = message.get("type"), message.get("channel")
        if not isinstance(channel, str):
            return
        if kind == "subscribe" and channel in self._sent:
            self._confirmed.add(channel)
            self._notify()
            if channel in self._resync_due:
                self._resync_due.discard(channel)
                self._fan_out(channel, {RESYNC: True})
        elif kind == "unsubscribe" and channel not in self._sent:
            self._confirmed.discard(channel)
            self._notify()
        if kind != "message":
            return
        subscribers = self._subscribers.get(channel)
        if not subscribers:
            return  # unsubscribed while this one was on the wire
        data = message.get("data")
        try:
            event: dict[str, Any] = json.loads(data)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            log.warning("events_unreadable_message", channel=channel)
            return
        self._fan_out(channel, event)

    def _fan_out(self, channel: str, event: dict[str, Any]) -> None:
        subscribers = self._subscribers.get(channel)
        if not subscribers:
            return
        for subscriber in list(subscribers):
            if not subscriber.offer(event):
                subscribers.discard(subscriber)
                EVENT_HUB_EVENTS.labels("dropped").inc()
                log.warning("events_subscriber_dropped", topic=subscriber.topic)

    async def _discard(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        self._sent, self._confirmed = set(), set()
        self._notify()
        if pubsub is not None:
            with suppress(*_CONNECTION_ERRORS):
                await pubsub.aclose()


class EventBus:
    """Fire-and-forget publish; a subscriber gets what is published after it subscribed."""

    def __init__(self, redis: aioredis.Redis, hub: EventHub) -> None:
        self.redis = redis
        self.hub = hub

    async def publish(self, topic: str, payload: dict[str, Any]) -> None:
        """Best-effort: Redis away loses this event, never the caller's work (it is committed;
        a subscription reads the current state again when its connection comes back)."""
        try:
            await self.redis.publish(self.hub.prefix + topic, json.dumps(payload, default=str))
        except _CONNECTION_ERRORS as exc:
            EVENT_HUB_EVENTS.labels("publish_lost").inc()
            log.warning("events_publish_lost", topic=topic, error=repr(exc))

    async def publish_many(self, events: list[tuple[str, dict[str, Any]]]) -> None:
        """`publish` for each, in one round trip (a pipeline; one command each was a third of a
        bank notification's CPU). Best-effort as `publish`: Redis away loses these events."""
        if len(events) <= 1:
            for topic, payload in events:
                await self.publish(topic, payload)
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                self.publish_in(pipe, events)
                await pipe.execute()
        except _CONNECTION_ERRORS as exc:
            self.lost(events, exc)

    def publish_in(self, pipe: Any, events: list[tuple[str, dict[str, Any]]]) -> None:
        """`publish_many`'s commands, in a pipeline on this bus's Redis that carries others."""
        for topic, payload in events:
            pipe.publish(self.hub.prefix + topic, json.dumps(payload, default=str))

    @staticmethod
    def lost(events: list[tuple[str, dict[str, Any]]], exc: BaseException) -> None:
        EVENT_HUB_EVENTS.labels("publish_lost").inc(len(events))
        log.warning("events_publish_lost", topics=len(events), error=repr(exc))

    async def subscribe(self, topic: str) -> AsyncIterator[dict[str, Any]]:
        async with self.hub.listen(topic) as subscriber:
            async for event in subscriber:
                yield event

    async def watch(self, topic: str) -> AsyncIterator[dict[str, Any]]:
        """`subscribe`, starting with a `{"current": true}` event once listening: a watcher
        that reads the state on every event starts with the current state, read after no
        change can be missed any more, so a client that reconnects misses nothing."""
        async with self.hub.listen(topic) as subscriber:
            yield {CURRENT: True}
            async for event in subscriber:
                yield event
