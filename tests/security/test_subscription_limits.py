"""Open subscriptions cannot starve Redis: they share one pub/sub connection outside the request
pool, and each caller may hold only so many (RATE_LIMITED beyond, with nothing opened).

The app is served by uvicorn in the test's own event loop, so WebSockets are real and the
test can watch the process's event hub and Redis pool directly."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from graphql import GraphQLError
from starlette.applications import Starlette

from conftest import make_settings
from fixtures.graphql import contract_document, gql_data
from fixtures.journey import book, open_slot, patient_of, sign_in, verified_user
from fixtures.money import cancel
from fixtures.ws import Socket, connect
from hospital_bff.config import Settings
from hospital_bff.events import schedule_topic
from hospital_bff.runtime import Runtime
from hospital_bff.subscription_limits import SubscriptionLimits, SubscriptionLimitValues

DOCUMENT = contract_document()


@pytest.fixture
def limits() -> dict[str, int]:
    return {}


@pytest.fixture
def settings(backend: str, tmp_path: Path, limits: dict[str, int]) -> Settings:
    return make_settings(backend, tmp_path, **limits)


async def _schedule_id(client: httpx.AsyncClient) -> str:
    found = await open_slot(client)
    schedule_id: str = found["schedule"]["id"]
    return schedule_id


async def _watch(ws: Socket, op_id: str, schedule_id: str) -> None:
    await ws.subscribe(op_id, DOCUMENT, {"scheduleId": schedule_id}, "ScheduleAvailability")


async def _refusal(ws: Socket, op_id: str) -> dict[str, Any]:
    """The error answering `op_id` (any other message on the socket, but the current state
    each admitted subscription starts with, is a failure)."""
    message = await ws.receive(timeout=10)
    while message["id"] != op_id and message["type"] == "next" and "data" in message["payload"]:
        message = await ws.receive(timeout=10)
    assert message["id"] == op_id and message["type"] in ("error", "next"), message
    payload = message["payload"]
    errors: list[dict[str, Any]] = payload if message["type"] == "error" else payload["errors"]
    return errors[0]


async def _subscribers(runtime: Runtime, topic: str, count: int) -> None:
    hub = runtime.events.hub
    async with asyncio.timeout(20):
        await hub.wait_until(lambda: hub.subscriber_count(topic) == count)


def _pool_in_use(runtime: Runtime) -> int:
    return len(runtime.redis.connection_pool._in_use_connections)


@pytest.mark.parametrize(
    "limits", [{"subscriptions_per_connection": 50, "subscriptions_per_address": 200}]
)
async def test_two_hundred_subscriptions_use_one_connection_and_leave_the_pool_alone(
    server: str, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    schedule_id = await _schedule_id(client)
    token, _person = await verified_user(client, openid="o-many")
    patient_id = await patient_of(client, token)
    slot = (await open_slot(client))["slot"]
    topic = schedule_topic(schedule_id)
    in_use_before = _pool_in_use(runtime)
    async with AsyncExitStack() as stack:
        sockets = [await stack.enter_async_context(connect(server)) for _ in range(4)]
        for ws in sockets:
            for n in range(50):
                await _watch(ws, str(n), schedule_id)
        # Each subscription starts with the schedule as it is now: heard before any change, so
        # that a change made while a start state is being read cannot merge into it.
        for ws in sockets:
            started = [(await ws.receive(timeout=20)) for _ in range(50)]
            assert sorted(m["id"] for m in started) == sorted(str(n) for n in range(50))
            assert {m["type"] for m in started} == {"next"}, started
        await _subscribers(runtime, topic, 200)
        hub = runtime.events.hub
        async with asyncio.timeout(10):
            await hub.wait_until(lambda: hub.is_listening(topic))

        # One pub/sub connection serves all 200, and the request pool lends none to them.
        [(_channel, listeners)] = await runtime.redis.pubsub_numsub(
            runtime.events.hub.channel(topic)
        )
        assert listeners == 1
        assert _pool_in_use(runtime) <= in_use_before
        assert runtime.subscription_limits.open == 200

        # A query and a mutation still answer, and the mutation's event reaches everyone once.
        departments = await gql_data(client, "Departments")
        assert departments["departments"]
        booked = await book(client, token, patient_id, slot["id"], key="many")
        assert booked["__typename"] == "BookAppointmentSuccess", booked
        # A second change, told apart: the place given back. (A publish that changes nothing
        # is no event: the subscription sends a schedule only when it differs.)
        cancelled = await cancel(client, token, booked["order"]["id"])
        assert cancelled["__typename"] == "CancelAppointmentSuccess", cancelled
        for ws in sockets:
            heard: list[str] = []
            while len(heard) < 100:
                message = await ws.receive(timeout=20)
                assert message["type"] == "next", message
                assert message["payload"]["data"]["scheduleUpdated"]["id"] == schedule_id
                heard.append(message["id"])
            # Every operation heard exactly two events: the booking's and the cancellation's.
            assert sorted(heard) == sorted([str(n) for n in range(50)] * 2)
        assert _pool_in_use(runtime) <= in_use_before
    async with asyncio.timeout(20):
        await hub.wait_until(lambda: hub.subscriber_count(topic) == 0)
    health = await client.get("/healthz")
    assert health.status_code == 200, health.text


@pytest.mark.parametrize("limits", [{"subscriptions_per_connection": 3}])
async def test_one_socket_may_hold_only_so_many(
    server: str, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    schedule_id = await _schedule_id(client)
    topic = schedule_topic(schedule_id)
    async with connect(server) as ws, connect(server) as other:
        for n in range(3):
            await _watch(ws, str(n), schedule_id)
        await _subscribers(runtime, topic, 3)
        await _watch(ws, "3", schedule_id)
        error = await _refusal(ws, "3")
        assert error["extensions"] == {"code": "RATE_LIMITED", "limit": "connection"}
        assert runtime.events.hub.subscriber_count(topic) == 3  # the refused one opened nothing
        assert runtime.subscription_limits.open == 3
        await _watch(other, "1", schedule_id)  # another socket is not refused
        await _subscribers(runtime, topic, 4)


@pytest.mark.parametrize(
    "limits", [{"subscriptions_per_user": 2, "subscriptions_per_connection": 10}]
)
async def test_one_account_may_hold_only_so_many_across_sockets(
    server: str, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    schedule_id = await _schedule_id(client)
    topic = schedule_topic(schedule_id)
    token = await sign_in(client, "o-greedy")
    async with (
        connect(server, token=token) as first,
        connect(server, token=token) as second,
        connect(server) as anonymous,
    ):
        await _watch(first, "1", schedule_id)
        await _watch(second, "1", schedule_id)
        await _subscribers(runtime, topic, 2)
        await _watch(second, "2", schedule_id)
        error = await _refusal(second, "2")
        assert error["extensions"] == {"code": "RATE_LIMITED", "limit": "user"}
        assert runtime.subscription_limits.open == 2
        await _watch(anonymous, "1", schedule_id)  # someone else is not refused
        await _subscribers(runtime, topic, 3)


@pytest.mark.parametrize(
    "limits", [{"subscriptions_per_address": 2, "subscriptions_per_connection": 10}]
)
async def test_anonymous_subscriptions_are_counted_by_address(
    server: str, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """The reviewer's attack: many anonymous ScheduleAvailability from one place."""
    schedule_id = await _schedule_id(client)
    topic = schedule_topic(schedule_id)
    token = await sign_in(client, "o-neighbour")
    async with (
        connect(server) as first,
        connect(server) as second,
        connect(server, token=token) as signed_in,
    ):
        await _watch(first, "1", schedule_id)
        await _watch(second, "1", schedule_id)
        await _subscribers(runtime, topic, 2)
        await _watch(second, "2", schedule_id)  # a new socket does not reset the count
        error = await _refusal(second, "2")
        assert error["extensions"] == {"code": "RATE_LIMITED", "limit": "address"}
        assert runtime.subscription_limits.open == 2
        await _watch(signed_in, "1", schedule_id)  # a signed-in caller counts by account
        await _subscribers(runtime, topic, 3)


@pytest.mark.parametrize(
    "limits",
    [
        {
            "subscriptions_per_process": 2,
            "subscriptions_per_connection": 10,
            "subscriptions_per_address": 10,
        }
    ],
)
async def test_the_process_holds_only_so_many_in_all(
    server: str, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    schedule_id = await _schedule_id(client)
    topic = schedule_topic(schedule_id)
    token = await sign_in(client, "o-late")
    async with connect(server) as ws, connect(server, token=token) as late:
        await _watch(ws, "1", schedule_id)
        await _watch(ws, "2", schedule_id)
        await _subscribers(runtime, topic, 2)
        await _watch(late, "1", schedule_id)
        error = await _refusal(late, "1")
        assert error["extensions"] == {"code": "RATE_LIMITED", "limit": "process"}
        assert runtime.events.hub.subscriber_count(topic) == 2


def test_places_are_given_back_when_subscriptions_end() -> None:
    limits = SubscriptionLimits(
        SubscriptionLimitValues(per_connection=1, per_user=1, per_address=1, per_process=2)
    )
    with limits.admit(connection="a", user="u1", address="10.0.0.1"):
        with (
            pytest.raises(GraphQLError, match="同时订阅过多") as refused,
            limits.admit(connection="a", user="u2", address="10.0.0.1"),
        ):
            pass
        assert refused.value.extensions == {"code": "RATE_LIMITED", "limit": "connection"}
        assert limits.open == 1  # the refused one took nothing
    assert limits.open == 0 and limits.count(connection="a") == 0 and limits.count(user="u1") == 0
    with limits.admit(connection="a", user="u1", address="10.0.0.1"):
        pass


@pytest.mark.parametrize("limits", [{"websockets_per_address": 3}])
async def test_one_address_may_hold_only_so_many_sockets(server: str, app: Starlette) -> None:
    """Idle but acknowledged sockets cost the server while they stay open: one address holds
    only so many, and the handshake of one more is refused before anything is allocated."""
    async with AsyncExitStack() as stack:
        for _ in range(3):
            await stack.enter_async_context(connect(server))
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            await stack.enter_async_context(connect(server))
        assert refused.value.response.status_code == 403
    # Closing gives the places back: the address may connect again.
    async with connect(server) as ws:
        await ws.ws.ping()
