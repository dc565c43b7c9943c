"""The event hub: one pub/sub connection for any number of local subscribers, on the in-process
stand-in and on real Redis; fan-out once each, reference-counted channels, a slow subscriber
cut off, and a lost connection re-established with every channel subscribed again, each
subscriber told to look again (what was published meanwhile is lost)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import pytest
import redis.asyncio as aioredis

from conftest import REDIS_URL, require_service
from hospital_bff import cache
from hospital_bff.cache import create_pubsub_redis, create_redis, reset_fake_redis
from hospital_bff.events import (
    CURRENT,
    RESYNC,
    EventBus,
    EventHub,
    Subscriber,
    channel_prefix,
)


@dataclass
class Setup:
    hub: EventHub
    bus: EventBus
    redis: aioredis.Redis
    url: str | None
    name: str


@pytest.fixture(params=["fake", "redis"])
async def setup(request: pytest.FixtureRequest) -> AsyncIterator[Setup]:
    url: str | None = None
    if request.param == "redis":
        require_service("Redis", "127.0.0.1", 6379)
        url = REDIS_URL
    reset_fake_redis()
    redis = create_redis(url)
    name = f"test-events-{uuid.uuid4().hex[:8]}"
    hub = EventHub(
        create_pubsub_redis(url, client_name=name),
        queue_size=4,
        backoff_initial=0.05,
        backoff_max=0.2,
        # The stand-in cannot cut a connection, only refuse commands: a short idle PING is
        # how the hub notices there, as it notices a half-open TCP connection in production.
        idle_ping_seconds=0.1 if url is None else 15.0,
    )
    yield Setup(hub, EventBus(redis, hub), redis, url, name)
    await hub.aclose()
    await redis.aclose()


async def _next(subscriber: Subscriber) -> dict[str, object]:
    return await asyncio.wait_for(anext(subscriber), 5)


async def _numsub(redis: aioredis.Redis, topic: str) -> int:
    [(_channel, count)] = await redis.pubsub_numsub(channel_prefix(redis) + topic)
    return int(count)


async def test_many_subscribers_share_one_subscription_and_hear_each_event_once(
    setup: Setup,
) -> None:
    hub, bus = setup.hub, setup.bus
    async with AsyncExitStack() as stack:
        many = [await stack.enter_async_context(hub.listen("a")) for _ in range(50)]
        other = await stack.enter_async_context(hub.listen("b"))
        assert hub.is_listening("a") and hub.is_listening("b")
        assert await _numsub(setup.redis, "a") == 1  # one connection for all fifty
        await bus.publish("a", {"n": 1})
        await bus.publish("a", {"n": 2})
        await bus.publish("b", {"n": 3})
        for subscriber in many:
            # In order, and the second is not a repeat of the first.
            assert [await _next(subscriber), await _next(subscriber)] == [{"n": 1}, {"n": 2}]
        assert await _next(other) == {"n": 3}  # "b" heard nothing of "a"
    async with asyncio.timeout(5):
        await hub.wait_until(lambda: not hub.is_listening("a") and not hub.is_listening("b"))
    assert hub.subscriber_count() == 0


async def test_a_hub_hears_only_its_own_database(setup: Setup) -> None:
    """Pub/sub channels are the server's, not a database's: another deployment (or test run)
    on the same Redis with another database number publishes on channels of its own."""
    if setup.url is None:
        pytest.skip("the stand-in has one database")
    db = int(setup.redis.connection_pool.connection_kwargs.get("db") or 0)
    neighbour_url = setup.url.rsplit("/", 1)[0] + f"/{(db + 1) % 16}"
    neighbour = create_redis(neighbour_url)
    try:
        assert channel_prefix(neighbour) != setup.hub.prefix
        async with setup.hub.listen("a") as subscriber:
            await EventBus(neighbour, setup.hub).publish("a", {"from": "ours"})
            await EventBus(neighbour, _HubOf(neighbour)).publish("a", {"from": "neighbour"})
            await setup.bus.publish("a", {"from": "ours, again"})
            # Published in this order on one server: the neighbour's, had it come, came second.
            assert await _next(subscriber) == {"from": "ours"}
            assert await _next(subscriber) == {"from": "ours, again"}
    finally:
        await neighbour.aclose()


class _HubOf:
    """What EventBus.publish reads of a hub: the prefix of `client`'s database."""

    def __init__(self, client: aioredis.Redis) -> None:
        self.prefix = channel_prefix(client)


async def test_a_channel_is_unsubscribed_with_its_last_subscriber_only(setup: Setup) -> None:
    hub = setup.hub
    async with hub.listen("a"):
        async with hub.listen("a"):
            pass
        assert hub.is_listening("a")  # one still listens
        assert await _numsub(setup.redis, "a") == 1
    async with asyncio.timeout(5):
        await hub.wait_until(lambda: not hub.is_listening("a"))
    assert await _numsub(setup.redis, "a") == 0


async def test_a_subscriber_that_falls_behind_is_cut_off_and_others_go_on(setup: Setup) -> None:
    hub, bus = setup.hub, setup.bus
    async with hub.listen("a") as slow, hub.listen("a") as fast:
        for n in range(6):  # the queues hold 4
            await bus.publish("a", {"n": n})
            assert await _next(fast) == {"n": n}
        assert slow.dropped
        with pytest.raises(StopAsyncIteration):
            await _next(slow)
        assert hub.subscriber_count("a") == 1


async def test_a_lost_connection_comes_back_subscribed_and_subscribers_stay_open(
    setup: Setup,
) -> None:
    hub, bus = setup.hub, setup.bus
    async with hub.listen("a") as first, hub.listen("b") as second:
        await bus.publish("a", {"n": 1})
        assert await _next(first) == {"n": 1}
        assert hub.connects == 1
        if setup.url is None:
            server = cache._fake_server
            server.connected = False
            async with asyncio.timeout(5):
                await hub.wait_until(lambda: not hub.is_listening("a"))
            server.connected = True
        else:
            # Only this hub's connection: other processes on this Redis keep theirs.
            [client] = [
                c for c in await setup.redis.client_list(_type="pubsub") if c["name"] == setup.name
            ]
            await setup.redis.client_kill_filter(_id=client["id"])
        async with asyncio.timeout(10):
            await hub.wait_until(
                lambda: hub.connects == 2 and hub.is_listening("a") and hub.is_listening("b")
            )
        # Whatever was published while the connection was down is lost: each is told so.
        assert await _next(first) == {RESYNC: True}
        assert await _next(second) == {RESYNC: True}
        await bus.publish("a", {"n": 2})
        await bus.publish("b", {"n": 3})
        assert await _next(first) == {"n": 2}
        assert await _next(second) == {"n": 3}
        assert not first.dropped and not second.dropped


async def test_a_watch_starts_with_the_current_state_once_listening(setup: Setup) -> None:
    watch = setup.bus.watch("a")
    assert await asyncio.wait_for(anext(watch), 5) == {CURRENT: True}
    # Read "the current state" now, and no later change is missed: the channel is live.
    assert setup.hub.is_listening("a")
    await setup.bus.publish("a", {"n": 1})
    assert await asyncio.wait_for(anext(watch), 5) == {"n": 1}
    await watch.aclose()


async def test_a_publish_with_redis_away_is_lost_not_raised() -> None:
    reset_fake_redis()
    redis = create_redis(None)
    hub = EventHub(create_pubsub_redis(None, client_name="away"))
    cache._fake_server.connected = False
    try:
        await EventBus(redis, hub).publish("a", {"n": 1})  # no exception: the caller goes on
    finally:
        cache._fake_server.connected = True
        await hub.aclose()
        await redis.aclose()


async def test_many_published_in_one_round_trip_arrive_in_order(setup: Setup) -> None:
    async with setup.hub.listen("a") as a, setup.hub.listen("b") as b:
        await setup.bus.publish_many([("a", {"n": 1}), ("b", {"n": 2}), ("a", {"n": 3})])
        assert [await _next(a), await _next(a)] == [{"n": 1}, {"n": 3}]
        assert await _next(b) == {"n": 2}


async def test_many_published_with_redis_away_are_lost_not_raised() -> None:
    reset_fake_redis()
    redis = create_redis(None)
    hub = EventHub(create_pubsub_redis(None, client_name="away"))
    cache._fake_server.connected = False
    try:
        await EventBus(redis, hub).publish_many([("a", {"n": 1}), ("b", {"n": 2})])
    finally:
        cache._fake_server.connected = True
        await hub.aclose()
        await redis.aclose()


async def test_closing_the_hub_ends_every_stream(setup: Setup) -> None:
    hub = setup.hub
    async with hub.listen("a") as subscriber:
        await hub.aclose()
        with pytest.raises(StopAsyncIteration):
            await _next(subscriber)
