"""A HIS event that is signed but cannot be handled is a 400 that changes nothing.

Found against a production deployment: a signed SCHEDULE_SUSPENDED without `scheduleId`, or
with a 10,000-character or NUL-bearing one, answered 500 ("try again") from a KeyError or a
failing insert, so the HIS would send it forever; `"scheduleId": null` suspended a schedule
named "None". A 400 tells the sender that no retry will help.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from sqlmodel import func, select

from hospital_bff.runtime import Runtime
from hospital_bff.simulators.his import sign_event
from hospital_bff.store.models import Notice, ProcessedEvent, SuspendedSchedule


async def post_event(
    client: httpx.AsyncClient, runtime: Runtime, event_type: str, data: dict[str, Any]
) -> httpx.Response:
    event = {
        "id": f"evt-{uuid.uuid4().hex}",
        "type": event_type,
        "occurredAt": runtime.clock.now().isoformat(),
        "data": data,
    }
    body = json.dumps(event).encode()
    timestamp = str(int(runtime.clock.now().timestamp()))
    secret = runtime.settings.his_webhook_secret.get_secret_value()
    headers = {
        "Content-Type": "application/json",
        "X-His-Timestamp": timestamp,
        "X-His-Signature": sign_event(secret, timestamp, body),
    }
    return await client.post("/webhooks/his", content=body, headers=headers)


async def count(runtime: Runtime, model: Any) -> int:
    async with runtime.sessions() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        ("SCHEDULE_SUSPENDED", {}),
        ("SCHEDULE_SUSPENDED", {"scheduleId": None}),
        ("SCHEDULE_SUSPENDED", {"scheduleId": 42}),
        ("SCHEDULE_SUSPENDED", {"scheduleId": "x" * 10_000}),
        ("SCHEDULE_SUSPENDED", {"scheduleId": "sch\x00"}),
        ("SCHEDULE_SUSPENDED", {"scheduleId": "sch-1", "reason": "停诊\x00"}),
        ("SCHEDULE_SUSPENDED", {"scheduleId": "sch-1", "reason": "x" * 10_000}),
        ("REPORT_READY", {}),
        ("REPORT_READY", {"patientId": "pat-000001"}),
        ("REPORT_READY", {"patientId": "pat-000001", "reportId": "r-1", "title": "\ud800"}),
        ("VISIT_MISSED", {"orderId": ["ord_1"]}),
        ("VISIT_COMPLETED", {}),
        ("QUEUE_UPDATED", {"orderId": "ord-1"}),
        ("QUEUE_UPDATED", {"registrationId": "reg-1", "orderId": 7}),
        ("QUEUE_CALLED", {"registrationId": "reg-1", "orderId": "ord\x00"}),
        ("QUEUE_CALLED", {"registrationId": "reg-1", "orderId": "o", "room": "x" * 10_000}),
    ],
)
async def test_a_signed_event_that_cannot_be_handled_is_a_400_that_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime, event_type: str, data: dict[str, Any]
) -> None:
    response = await post_event(client, runtime, event_type, data)

    assert response.status_code == 400, response.text
    assert response.json() == {"code": "FAIL", "message": "bad event"}
    assert await count(runtime, SuspendedSchedule) == 0
    assert await count(runtime, Notice) == 0
    assert await count(runtime, ProcessedEvent) == 0


async def test_a_well_formed_event_is_still_handled(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    response = await post_event(
        client, runtime, "REPORT_READY", {"patientId": "pat-unknown", "reportId": "rpt-1"}
    )

    assert response.status_code == 204, response.text
    assert await count(runtime, ProcessedEvent) == 1


@pytest.mark.parametrize("order_id", [None, "ord-unknown"])
async def test_a_queue_event_of_no_order_of_ours_is_taken_and_changes_nothing(
    client: httpx.AsyncClient, runtime: Runtime, order_id: str | None
) -> None:
    """A registration made at the window (orderId null) or not ours: accepted, no notice."""
    data = {"registrationId": "reg-1", "orderId": order_id, "scheduleId": "sch-1"}
    response = await post_event(client, runtime, "QUEUE_CALLED", {**data, "room": "1诊室"})

    assert response.status_code == 204, response.text
    assert await count(runtime, Notice) == 0
    assert await count(runtime, ProcessedEvent) == 1
