"""Publish what changed; subscriptions in any process hear it through Redis pub/sub."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import redis.asyncio as aioredis

PREFIX = "bff:events:"


def order_topic(order_id: str) -> str:
    return f"order:{order_id}"


def schedule_topic(schedule_id: str) -> str:
    return f"schedule:{schedule_id}"


def notices_topic(user_id: str) -> str:
    return f"notices:{user_id}"


class EventBus:
    """Fire-and-forget publish; a subscriber gets what is published after it subscribed."""

    def __init__(self, redis: aioredis.Redis) -> None:
        self.redis = redis

    async def publish(self, topic: str, payload: dict[str, Any]) -> None:
        await self.redis.publish(PREFIX + topic, json.dumps(payload, default=str))

    async def subscribe(self, topic: str) -> AsyncIterator[dict[str, Any]]:
        pubsub = self.redis.pubsub()
        await pubsub.subscribe(PREFIX + topic)
        try:
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is None:
                    continue
                data = message.get("data")
                if isinstance(data, bytes):
                    data = data.decode()
                yield json.loads(data)
        finally:
            await pubsub.unsubscribe(PREFIX + topic)
            await pubsub.aclose()  # type: ignore[no-untyped-call]
