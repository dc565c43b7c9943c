"""The simulated HIS's queue endpoints: the BFF's check-in and queue read, and the room's
controls (call the next patient now, or at a pace for demos)."""

from __future__ import annotations

import asyncio

import structlog
from starlette.requests import Request
from starlette.responses import Response

from hospital_bff.simulators.his import queue_rules
from hospital_bff.simulators.his.errors import HisError, invalid, not_found
from hospital_bff.simulators.his.parse import json_object, ok, state_of
from hospital_bff.simulators.his.serialise import queue_entry_json
from hospital_bff.simulators.his.state import HisState

log = structlog.get_logger(__name__)

MAX_PACE_SECONDS = 3600


async def check_in(request: Request) -> Response:
    state = state_of(request)
    async with state.lock:
        entry = queue_rules.check_in(state, request.path_params["registration_id"])
        return ok(queue_entry_json(state, entry, state.clock.now()))


async def queue_entry(request: Request) -> Response:
    state = state_of(request)
    registration = state.get_registration(request.path_params["registration_id"])
    entry = state.queue.get(registration.id)
    if entry is None:
        raise HisError(404, "NOT_CHECKED_IN", "the registration is not in a queue")
    return ok(queue_entry_json(state, entry, state.clock.now()))


async def schedule_queue(request: Request) -> Response:
    state = state_of(request)
    schedule_id = request.path_params["schedule_id"]
    if schedule_id not in state.schedules:
        raise not_found("schedule")
    now = state.clock.now()
    entries = sorted(
        (e for e in state.queue.values() if e.schedule_id == schedule_id),
        key=lambda e: (e.status != queue_rules.CALLED, e.status != queue_rules.WAITING, e.number),
    )
    return ok({"entries": [queue_entry_json(state, e, now) for e in entries]})


async def call_next(request: Request) -> Response:
    state = state_of(request)
    schedule_id = request.path_params["schedule_id"]
    if schedule_id not in state.schedules:
        raise not_found("schedule")
    async with state.lock:
        called = queue_rules.call_next(state, schedule_id)
        now = state.clock.now()
        return ok({"called": None if called is None else queue_entry_json(state, called, now)})


async def set_pace(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    seconds = body.get("secondsPerPatient")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise invalid("secondsPerPatient must be a number")
    if not 0 <= seconds <= MAX_PACE_SECONDS:
        raise invalid(f"secondsPerPatient must be from 0 to {MAX_PACE_SECONDS}")
    async with state.lock:
        state.stop_pace()
        if seconds:
            state.pace_seconds = float(seconds)
            state.pace_task = asyncio.get_running_loop().create_task(_paced(state))
    return ok({"secondsPerPatient": state.pace_seconds})


async def _paced(state: HisState) -> None:
    """Call the next patient of each of today's queues every `pace_seconds`, until stopped."""
    while state.pace_seconds:
        await asyncio.sleep(state.pace_seconds)
        try:
            async with state.lock:
                called = queue_rules.call_due_queues(state)
        except Exception:
            # One bad tick must not stop the demo's room; the next tick tries again.
            log.exception("his_queue_paced_call_failed")
            continue
        log.info("his_queue_paced_call", called=[c.registration_id for c in called])
