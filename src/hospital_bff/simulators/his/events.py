"""The events the simulated HIS sends the BFF (REPORT_READY, SCHEDULE_SUSPENDED, VISIT_...):
recorded, signed with the webhook secret, POSTed in the background with retries, and bent by
the drop and duplicate faults."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import structlog

if TYPE_CHECKING:
    from hospital_bff.simulators.his.state import HisState

log = structlog.get_logger(__name__)


def sign_event(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of `{timestamp}.{body}`, as in the X-His-Signature header."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def emit(state: HisState, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """Record an event and, with a webhook configured, deliver it in the background."""
    event = {
        "id": f"evt-{uuid.uuid4().hex}",
        "type": event_type,
        "occurredAt": state.clock.now().isoformat(),
        "data": data,
    }
    state.sent_events.append(event)
    if state.webhook_url is None or state.faults.drop_notifications:
        return event
    copies = 2 if state.faults.duplicate_notifications else 1
    task = asyncio.get_running_loop().create_task(_deliver(state, event, copies))
    state.deliveries.add(task)
    task.add_done_callback(state.deliveries.discard)
    return event


async def _deliver(state: HisState, event: dict[str, Any], copies: int) -> None:
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    if state.http is not None:
        for _ in range(copies):
            await _post_with_retries(state, state.http, event["id"], body)
        return
    async with httpx.AsyncClient(timeout=5.0) as client:
        for _ in range(copies):
            await _post_with_retries(state, client, event["id"], body)


async def _post_with_retries(
    state: HisState, client: httpx.AsyncClient, event_id: str, body: bytes
) -> None:
    assert state.webhook_url is not None
    for delay in (0.0, *state.retry_delays):
        if delay:
            await asyncio.sleep(delay)
        # Signed at each attempt, so a late retry does not look stale to the receiver.
        timestamp = str(int(state.clock.now().timestamp()))
        headers = {
            "Content-Type": "application/json",
            "X-His-Timestamp": timestamp,
            "X-His-Signature": sign_event(state.webhook_secret, timestamp, body),
        }
        try:
            response = await client.post(
                state.webhook_url, content=body, headers=headers, timeout=5.0
            )
        except httpx.HTTPError as exc:
            log.info("his_event_delivery_failed", event_id=event_id, error=repr(exc))
            continue
        if response.is_success:
            state.delivered.append(event_id)
            return
        log.info("his_event_rejected", event_id=event_id, status=response.status_code)
    log.warning("his_event_undelivered", event_id=event_id)
