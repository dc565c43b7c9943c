"""ScheduleAvailability sends one event per change of availability, never the same state twice.

Each order transition used to publish "look at this schedule again", paid and confirmed ones
too, and so did giving the HIS hold back after an expiry: the subscription answered every
hint with the schedule as it was, so a booking that was paid reached every watcher three
times with the same `remaining`. The test counts the events of a whole journey, ending each
phase with a real change so that a duplicate would arrive before it. Every subscription first
sends the state it starts from (issue 12); the changes are counted after that message.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from fixtures.graphql import contract_document
from fixtures.journey import book, open_slot, patient_of, pay, verified_user, wait_for_status
from fixtures.money import cancel, cashier_pay
from fixtures.ws import Socket, connect
from hospital_bff.events import schedule_topic
from hospital_bff.runtime import Runtime


@pytest.fixture
async def server(app: Starlette) -> AsyncIterator[str]:
    """The app (lifespan already entered by the `app` fixture) on a loopback port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    uv = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_config=None, log_level="warning"))
    task = asyncio.create_task(uv.serve(sockets=[sock]))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    uv.should_exit = True
    await task
    sock.close()


async def _next_remaining(ws: Socket) -> int:
    message = await ws.receive(timeout=20)
    assert message["type"] == "next", message
    update: dict[str, Any] = message["payload"]["data"]["scheduleUpdated"]
    return int(update["remaining"])


async def test_a_paid_confirmed_and_cancelled_booking_sends_each_change_once(
    server: str, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    token, _person = await verified_user(client, openid="o-watch")
    patient_id = await patient_of(client, token)
    found = await open_slot(client)
    schedule_id, slot_id = found["schedule"]["id"], found["slot"]["id"]
    before = found["schedule"]["remaining"]
    topic = schedule_topic(schedule_id)
    hub = runtime.events.hub

    async with connect(server) as ws:
        await ws.subscribe(
            "s", contract_document(), {"scheduleId": schedule_id}, "ScheduleAvailability"
        )
        async with asyncio.timeout(20):
            await hub.wait_until(lambda: hub.is_listening(topic))
        # A subscription starts with the current state, so a client that reconnects misses
        # nothing; the changes follow it.
        assert await _next_remaining(ws) == before

        booked = await book(client, token, patient_id, slot_id, key="watch-1")
        assert booked["__typename"] == "BookAppointmentSuccess", booked
        order_id = booked["order"]["id"]
        assert await _next_remaining(ws) == before - 1

        # Paid, then confirmed by the HIS: the place was taken already, nothing to send.
        payment = (await pay(client, token, order_id))["payment"]
        assert (await cashier_pay(client, payment["payUrl"])).status_code == 200
        await wait_for_status(client, token, order_id, "CONFIRMED")
        # Cancelled: the place is free again, once. A duplicate of `before - 1` from the
        # payment or the confirmation would arrive first and fail here.
        assert (await cancel(client, token, order_id))["__typename"] == "CancelAppointmentSuccess"
        assert await _next_remaining(ws) == before

        # Another booking: the next event is its change, not a late copy of the cancellation.
        again = await book(client, token, patient_id, slot_id, key="watch-2")
        assert again["__typename"] == "BookAppointmentSuccess", again
        assert await _next_remaining(ws) == before - 1


async def test_a_hint_that_changes_nothing_sends_nothing(
    server: str, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """A publish without a change (another process's hint, a retried job) is not an event."""
    token, _person = await verified_user(client, openid="o-hint")
    patient_id = await patient_of(client, token)
    found = await open_slot(client)
    schedule_id = found["schedule"]["id"]
    topic = schedule_topic(schedule_id)
    hub = runtime.events.hub
    async with connect(server) as ws:
        await ws.subscribe(
            "s", contract_document(), {"scheduleId": schedule_id}, "ScheduleAvailability"
        )
        async with asyncio.timeout(20):
            await hub.wait_until(lambda: hub.is_listening(topic))
        assert await _next_remaining(ws) == found["schedule"]["remaining"]
        for _ in range(3):
            await runtime.events.publish(topic, {"id": schedule_id})
        booked = await book(client, token, patient_id, found["slot"]["id"], key="hint")
        assert booked["__typename"] == "BookAppointmentSuccess", booked
        assert await _next_remaining(ws) == found["schedule"]["remaining"] - 1
