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
import json
from typing import Any

import httpx

from fixtures.graphql import contract_document
from fixtures.journey import book, open_slot, patient_of, pay, verified_user, wait_for_status
from fixtures.money import cancel, cashier_pay
from fixtures.ws import Socket, connect
from hospital_bff.events import schedule_topic
from hospital_bff.graphql_over_http import json_text
from hospital_bff.resolvers import shared_events
from hospital_bff.runtime import Runtime


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


WATCH = """subscription Watch($scheduleId: ID!) {
  scheduleUpdated(scheduleId: $scheduleId) { id status remaining slots { id remaining } }
}"""
WATCH_FOR = """subscription WatchFor($scheduleId: ID!, $patientId: ID) {
  scheduleUpdated(scheduleId: $scheduleId) { id remaining eligibility(patientId: $patientId) {
    eligible code } }
}"""


async def _raw_next(ws: Socket) -> str:
    raw: str = await asyncio.wait_for(ws.ws.recv(), 20)
    assert json.loads(raw)["type"] == "next", raw
    return raw


async def test_every_subscriber_of_a_public_subscription_gets_the_same_bytes_executed_once(
    server: str, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Three subscriptions (two on an anonymous socket, one signed in) of one document: one
    execution of the event, and the very payload bytes in each `next`, as json_text makes."""
    token, _person = await verified_user(client, openid="o-shared")
    patient_id = await patient_of(client, token)
    found = await open_slot(client)
    schedule_id = found["schedule"]["id"]
    hub = runtime.events.hub
    variables = {"scheduleId": schedule_id}
    async with connect(server) as anonymous, connect(server, token=token) as signed_in:
        for ws, op_id in ((anonymous, "a"), (anonymous, "b"), (signed_in, "c")):
            await ws.subscribe(op_id, WATCH, variables, "Watch")
        for ws in (anonymous, anonymous, signed_in):  # each starts with the state as it is
            await _raw_next(ws)
        async with asyncio.timeout(20):
            await hub.wait_until(lambda: hub.subscriber_count(schedule_topic(schedule_id)) == 3)
        executions = shared_events.SHARED.executions

        booked = await book(client, token, patient_id, found["slot"]["id"], key="shared-1")
        assert booked["__typename"] == "BookAppointmentSuccess", booked
        frames = [await _raw_next(ws) for ws in (anonymous, anonymous, signed_in)]

    assert shared_events.SHARED.executions == executions + 1
    messages = [json.loads(frame) for frame in frames]
    assert sorted(m["id"] for m in messages) == ["a", "b", "c"]
    update = messages[0]["payload"]["data"]["scheduleUpdated"]
    assert update["remaining"] == found["schedule"]["remaining"] - 1
    payloads = {frame[frame.index(',"type"') :] for frame in frames}
    assert len(payloads) == 1, frames
    assert all(frame == json_text(message) for frame, message in zip(frames, messages, strict=True))


async def test_a_selection_that_asks_who_is_calling_is_never_shared(
    server: str, client: httpx.AsyncClient, runtime: Runtime
) -> None:
    """Two users send the same document with the same variables (the first one's patient):
    each event is executed for each of them, and the second never sees the first's verdict."""
    owner, _ = await verified_user(client, openid="o-owner")
    stranger, _ = await verified_user(client, openid="o-stranger", name="韩梅梅")
    booker, _ = await verified_user(client, openid="o-booker", name="林涛")
    found = await open_slot(client)
    schedule_id = found["schedule"]["id"]
    variables = {"scheduleId": schedule_id, "patientId": await patient_of(client, owner)}
    hub = runtime.events.hub
    async with connect(server, token=owner) as mine, connect(server, token=stranger) as theirs:
        await mine.subscribe("m", WATCH_FOR, variables, "WatchFor")
        await theirs.subscribe("t", WATCH_FOR, variables, "WatchFor")
        first = [json.loads(await _raw_next(ws)) for ws in (mine, theirs)]
        async with asyncio.timeout(20):
            await hub.wait_until(lambda: hub.subscriber_count(schedule_topic(schedule_id)) == 2)
        booked = await book(
            client, booker, await patient_of(client, booker), found["slot"]["id"], key="own-1"
        )
        assert booked["__typename"] == "BookAppointmentSuccess", booked
        then = [json.loads(await _raw_next(ws)) for ws in (mine, theirs)]

    for ours, stranger_s in (first, then):
        own = ours["payload"]["data"]["scheduleUpdated"]["eligibility"]
        other = stranger_s["payload"]["data"]["scheduleUpdated"]["eligibility"]
        assert own["code"] != "NOT_FOUND", own
        assert other == {"eligible": False, "code": "NOT_FOUND"}, other
