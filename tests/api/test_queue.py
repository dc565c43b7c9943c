"""Check-in and the queue on the phone, end to end: checkIn through GraphQL, the room calling
patients at the simulated HIS, its signed events reaching the webhook, and the patient's
queueUpdates subscription moving live; the near and called notices arrive once each, even
when the HIS sends every event twice."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select
from starlette.applications import Starlette

from conftest import make_settings
from fixtures.journey import eventually, open_slot, verified_user
from fixtures.money import confirmed_order, drained, his_faults, his_state
from fixtures.ws import Socket, connect
from hospital_bff.clock import FrozenClock
from hospital_bff.config import Settings
from hospital_bff.events import queue_topic
from hospital_bff.runtime import Runtime
from hospital_bff.simulators.his import queue_rules
from hospital_bff.store.models import Notice

CHECK_IN = """
mutation CheckIn($orderId: ID!, $location: CheckInLocation) {
  checkIn(orderId: $orderId, location: $location) {
    __typename
    ... on CheckInSuccess { order { id status } queue { status position ahead estimatedCallAt } }
    ... on UserError { code message }
  }
}
"""
ORDER_QUEUE = "query Q($id: ID!) { order(id: $id) { queue { status position ahead room } } }"
QUEUE_UPDATES = """
subscription Watch($orderId: ID!) {
  queueUpdates(orderId: $orderId) { status position ahead estimatedCallAt calledAt room }
}
"""
ACCEPT = """
mutation Accept($ids: [String!]!) {
  acceptNoticeSubscriptions(templateIds: $ids) { __typename }
}
"""
WINDOW_PATIENTS = ["pat-0001", "pat-0002", "pat-0003", "pat-0004"]


async def graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def check_in(
    client: httpx.AsyncClient, token: str, order_id: str, location: dict[str, float] | None = None
) -> dict[str, Any]:
    data = await graphql(client, CHECK_IN, {"orderId": order_id, "location": location}, token)
    result: dict[str, Any] = data["checkIn"]
    return result


async def next_state(ws: Socket) -> dict[str, Any] | None:
    message = await ws.receive(timeout=20)
    assert message["type"] == "next", message
    state: dict[str, Any] | None = message["payload"]["data"]["queueUpdates"]
    return state


async def call_next(client: httpx.AsyncClient, schedule_id: str) -> None:
    answer = await client.post(f"/sim/his/schedules/{schedule_id}/queue/call-next")
    assert answer.status_code == 200, answer.text


async def a_visit_day_queue(
    client: httpx.AsyncClient, app: Starlette, clock: FrozenClock, token: str
) -> tuple[str, str, datetime]:
    """Four patients registered at the window before ours, so four are ahead once all check
    in; the clock then stands 30 minutes before our slot. (order ID, schedule ID, slot start)"""
    found = await open_slot(client)
    schedule = found["schedule"]
    others = [s for s in schedule["slots"] if s["id"] != found["slot"]["id"]]
    window_ids = []
    for patient_id, slot in zip(WINDOW_PATIENTS, reversed(others), strict=False):
        body = {"slotId": slot["id"], "patientId": patient_id}
        answer = await client.post("/sim/his/window-registrations", json=body)
        assert answer.status_code == 200, answer.text
        window_ids.append(answer.json()["id"])
    order = await confirmed_order(client, token, found["slot"]["id"])
    starts_at = datetime.fromisoformat(found["slot"]["startsAt"])
    clock.set(starts_at - timedelta(minutes=30))
    state = his_state(app)
    async with state.lock:
        for registration_id in window_ids:
            queue_rules.check_in(state, registration_id)
    return order["id"], schedule["id"], starts_at


async def notices_of(runtime: Runtime, order_id: str) -> list[str]:
    async with runtime.sessions() as session:
        rows = (await session.exec(select(Notice).where(Notice.order_id == order_id))).all()
    return sorted(r.kind for r in rows if r.kind.startswith("QUEUE_"))


async def accept_queue_pushes(client: httpx.AsyncClient, runtime: Runtime, token: str) -> str:
    """The user accepts the queue's template in WeChat's prompt, and the app tells the BFF."""
    template_id = runtime.settings.wechat_push_templates["QUEUE_CALLED"]
    body = {"openid": "o-queue", "templateIds": [template_id]}
    assert (await client.post("/sim/wechat/subscribe", json=body)).status_code == 200
    accepted = await graphql(client, ACCEPT, {"ids": [template_id]}, token)
    assert accepted["acceptNoticeSubscriptions"]["__typename"] == "AcceptNoticeSubscriptionsSuccess"
    return template_id


async def pushed(client: httpx.AsyncClient, template_id: str, count: int) -> list[str]:
    """The titles of the queue's messages the phone got, once `count` have arrived."""
    titles: list[str] = []

    async def arrived() -> bool:
        nonlocal titles
        body = (await client.get("/sim/wechat/messages", params={"touser": "o-queue"})).json()
        titles = [
            m["data"]["thing1"]["value"] for m in body["messages"] if m["templateId"] == template_id
        ]
        return len(titles) >= count

    await eventually(arrived)
    return titles


async def test_a_checked_in_phone_watches_the_queue_move_and_is_told_once(
    server: str, client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _person = await verified_user(client, openid="o-queue")
    template_id = await accept_queue_pushes(client, runtime, token)
    order_id, schedule_id, _starts = await a_visit_day_queue(client, app, clock, token)
    hub = runtime.events.hub
    async with connect(server, token=token) as ws:
        await ws.subscribe("q", QUEUE_UPDATES, {"orderId": order_id})
        async with asyncio.timeout(20):
            await hub.wait_until(lambda: hub.is_listening(queue_topic(order_id)))
        assert await next_state(ws) is None  # not checked in yet

        checked = await check_in(client, token, order_id)
        assert checked["__typename"] == "CheckInSuccess", checked
        assert (checked["queue"]["position"], checked["queue"]["ahead"]) == (5, 4)
        live = await next_state(ws)
        assert live is not None and (live["status"], live["ahead"]) == ("WAITING", 4)

        again = await check_in(client, token, order_id)
        assert again["code"] == "ALREADY_CHECKED_IN"

        # Every event twice from here on: the notices must still come once.
        await his_faults(client, duplicateNotifications=True)
        for ahead in (3, 2, 1, 0):
            await call_next(client, schedule_id)
            live = await next_state(ws)
            assert live is not None and (live["status"], live["ahead"]) == ("WAITING", ahead)
        await call_next(client, schedule_id)
        called = await next_state(ws)
        assert called is not None and called["status"] == "CALLED"
        assert called["room"] and called["calledAt"] and called["position"] is None

    await drained(app)
    assert await notices_of(runtime, order_id) == ["QUEUE_CALLED", "QUEUE_NEAR"]
    # On the phone through WeChat too: one message each.
    assert sorted(await pushed(client, template_id, 2)) == ["即将叫到您的号", "请到诊室就诊"]
    queue = (await graphql(client, ORDER_QUEUE, {"id": order_id}, token))["order"]["queue"]
    assert queue["status"] == "CALLED" and queue["room"] == called["room"]


async def test_another_users_queue_looks_like_none(
    server: str, client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    token, _person = await verified_user(client, openid="o-owner")
    found = await open_slot(client)
    order_id = (await confirmed_order(client, token, found["slot"]["id"]))["id"]
    other, _ = await verified_user(client, openid="o-nosy")
    async with connect(server, token=other) as ws:
        await ws.subscribe("q", QUEUE_UPDATES, {"orderId": order_id})
        message = await ws.receive(timeout=20)
    assert message["type"] == "next", message
    assert message["payload"]["data"] is None
    assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await graphql(client, ORDER_QUEUE, {"id": order_id}, other))["order"] is None


async def test_check_in_refusals(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    token, _person = await verified_user(client, openid="o-refused")
    found = await open_slot(client)
    order = await confirmed_order(client, token, found["slot"]["id"])
    order_id = order["id"]
    starts_at = datetime.fromisoformat(found["slot"]["startsAt"])

    # The day before the visit: too early, and nothing changed at the HIS.
    assert (await check_in(client, token, order_id))["code"] == "CHECK_IN_NOT_OPEN"
    assert not his_state(app).queue
    # Not the caller's: exactly like a missing order.
    other, _ = await verified_user(client, openid="o-other")
    assert (await check_in(client, other, order_id))["code"] == "NOT_FOUND"
    assert (await check_in(client, token, "ord-missing"))["code"] == "NOT_FOUND"
    # After the slot: too late.
    clock.set(starts_at + timedelta(minutes=31))
    assert (await check_in(client, token, order_id))["code"] == "CHECK_IN_CLOSED"
    assert not his_state(app).queue
    assert (await graphql(client, ORDER_QUEUE, {"id": order_id}, token))["order"]["queue"] is None


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings a test changes; parametrize this name to change them."""
    return {}


@pytest.fixture
def settings(backend: str, tmp_path: Path, settings_overrides: dict[str, Any]) -> Settings:
    return make_settings(backend, tmp_path, **settings_overrides)


FENCE = {
    "check_in_radius_meters": 500,
    "hospital_latitude": 39.9087,
    "hospital_longitude": 116.3975,
}


@pytest.mark.parametrize("settings_overrides", [FENCE])
async def test_check_in_near_the_hospital_when_it_asks(
    client: httpx.AsyncClient, app: Starlette, clock: FrozenClock
) -> None:
    token, _person = await verified_user(client, openid="o-fence")
    found = await open_slot(client)
    order_id = (await confirmed_order(client, token, found["slot"]["id"]))["id"]
    clock.set(datetime.fromisoformat(found["slot"]["startsAt"]) - timedelta(minutes=10))

    assert (await check_in(client, token, order_id))["code"] == "INVALID_INPUT"
    far = {"latitude": 39.99, "longitude": 116.3975}
    assert (await check_in(client, token, order_id, far))["code"] == "TOO_FAR_FROM_HOSPITAL"
    assert not his_state(app).queue
    near = {"latitude": 39.9095, "longitude": 116.3980}
    checked = await check_in(client, token, order_id, near)
    assert checked["__typename"] == "CheckInSuccess", checked
    assert checked["queue"]["status"] == "WAITING"


# Told only when one is ahead: the move below writes no notice of ours (which alone would
# move the generation), so only the queue event's own bump can end the kept answer.
@pytest.mark.parametrize("settings_overrides", [{"queue_near_ahead": 1}])
async def test_an_orders_queue_is_never_answered_from_a_kept_answer_once_it_moved(
    client: httpx.AsyncClient, app: Starlette, clock: FrozenClock
) -> None:
    """`order { queue }` is read from the HIS: a personal answer kept before the check-in or
    before a call must not be given after it (services/queue.py bumps the owner's generation)."""
    from prometheus_client import REGISTRY

    def hits() -> float:
        sample = REGISTRY.get_sample_value("bff_personal_answers_total", {"outcome": "hit"})
        return sample or 0.0

    async def queue_now() -> dict[str, Any] | None:
        state: dict[str, Any] | None = (
            await graphql(client, ORDER_QUEUE, {"id": order_id}, token)
        )["order"]["queue"]
        return state

    async def answered_from_what_was_kept() -> bool:
        # Background work (the booking's notices) may move the generation a few times first.
        before = hits()
        await queue_now()
        return hits() == before + 1

    token, _ = await verified_user(client)
    order_id, schedule_id, _ = await a_visit_day_queue(client, app, clock, token)
    assert await queue_now() is None
    await eventually(answered_from_what_was_kept)
    assert await queue_now() is None

    assert (await check_in(client, token, order_id))["__typename"] == "CheckInSuccess"
    checked_in = await queue_now()
    assert checked_in is not None and checked_in["ahead"] == 4
    await eventually(answered_from_what_was_kept)
    assert await queue_now() == checked_in

    await call_next(client, schedule_id)

    async def moved_up() -> bool:
        state = await queue_now()
        return state is not None and state["ahead"] == 3

    await eventually(moved_up)
