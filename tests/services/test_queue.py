"""The queue commands (services/queue.py) against the simulated HIS: an event is a hint to read
the entry again, so a late one never notifies what is no longer true; a refused check-in asks
the HIS nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest
from sqlmodel import select
from starlette.applications import Starlette

from fixtures.journey import open_slot, verified_user
from fixtures.money import confirmed_order, his_faults, his_state, order_row
from hospital_bff.clock import FrozenClock
from hospital_bff.runtime import Runtime
from hospital_bff.services import queue
from hospital_bff.services.errors import DomainError
from hospital_bff.simulators.his import queue_rules
from hospital_bff.store.models import Notice


async def queue_notices(runtime: Runtime, order_id: str) -> list[str]:
    async with runtime.sessions() as session:
        rows = (await session.exec(select(Notice).where(Notice.order_id == order_id))).all()
    return sorted(r.kind for r in rows if r.kind.startswith("QUEUE_"))


async def checked_in_order(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock, openid: str
) -> tuple[str, str, str]:
    """A registration checked in on its visit morning: (user ID, order ID, schedule ID)."""
    token, _ = await verified_user(client, openid=openid)
    found = await open_slot(client)
    order_id = (await confirmed_order(client, token, found["slot"]["id"]))["id"]
    row = await order_row(runtime, order_id)
    clock.set(datetime.fromisoformat(found["slot"]["startsAt"]) - timedelta(minutes=20))
    # The HIS's events are not delivered from here on: each test hands them over itself.
    await his_faults(client, dropNotifications=True)
    await queue.check_in(runtime, row.user_id, order_id, None)
    return row.user_id, order_id, found["schedule"]["id"]


async def test_a_late_event_is_read_as_the_state_now(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    _user, order_id, schedule_id = await checked_in_order(client, runtime, clock, "o-late")
    state = his_state(app)
    async with state.lock:
        queue_rules.call_next(state, schedule_id)
    # The QUEUE_UPDATED of when it still waited arrives after the call: it says "look again",
    # and what is there now is CALLED, so the patient is told that, not that it is near.
    await queue.record_queue_event(runtime, order_id)
    await queue.record_queue_event(runtime, order_id)
    assert await queue_notices(runtime, order_id) == ["QUEUE_CALLED"]
    assert [e["type"] for e in state.sent_events if e["type"].startswith("QUEUE_")] == [
        "QUEUE_UPDATED",
        "QUEUE_CALLED",
    ]


async def test_a_refused_check_in_asks_the_his_nothing(
    client: httpx.AsyncClient, app: Starlette, runtime: Runtime, clock: FrozenClock
) -> None:
    _user, order_id, _schedule = await checked_in_order(client, runtime, clock, "o-twice")
    row = await order_row(runtime, order_id)
    state = his_state(app)
    entries = dict(state.queue)
    with pytest.raises(DomainError) as again:
        await queue.check_in(runtime, row.user_id, order_id, None)
    assert again.value.code == "ALREADY_CHECKED_IN"
    clock.advance(hours=2)
    with pytest.raises(DomainError) as late:
        await queue.check_in(runtime, row.user_id, order_id, None)
    assert late.value.code == "CHECK_IN_CLOSED"
    assert state.queue == entries
