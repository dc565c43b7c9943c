"""The simulated HIS's queues (签到, 排队叫号): one per schedule, in ticket-number order among the
patients who checked in; the room calls them one by one.

Each change tells the BFF what moved: QUEUE_CALLED for the patient called, QUEUE_UPDATED for
every other patient whose place changed. The caller holds `state.lock`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hospital_bff.simulators.his.errors import HisError
from hospital_bff.simulators.his.events import emit
from hospital_bff.simulators.his.records import QueueEntryRecord, RegistrationRecord
from hospital_bff.simulators.his.state import HisState

WAITING, CALLED, MISSED, DONE = "WAITING", "CALLED", "MISSED", "DONE"
# The simulator's estimate of one consultation when it is not paced.
DEFAULT_MINUTES_PER_PATIENT = 10


def waiting(state: HisState, schedule_id: str) -> list[QueueEntryRecord]:
    """The schedule's waiting patients, the next to be called first."""
    found = [
        e for e in state.queue.values() if e.schedule_id == schedule_id and e.status == WAITING
    ]
    return sorted(found, key=lambda e: e.number)


def positions(state: HisState, schedule_id: str) -> dict[str, int]:
    """Registration ID -> 1-based position of each waiting patient of the schedule."""
    return {e.registration_id: i for i, e in enumerate(waiting(state, schedule_id), start=1)}


def seconds_per_patient(state: HisState) -> float:
    return state.pace_seconds or DEFAULT_MINUTES_PER_PATIENT * 60


def estimated_call_at(state: HisState, ahead: int, now: datetime) -> datetime:
    return now + timedelta(seconds=seconds_per_patient(state) * ahead)


def room_of(state: HisState, schedule_id: str) -> str:
    """The consulting room of the schedule's expert (the simulator numbers them per expert)."""
    schedule = state.schedules[schedule_id]
    return f"{schedule.location} {schedule.expert_id.rsplit('-', 1)[-1]}诊室"


def check_in(state: HisState, registration_id: str) -> QueueEntryRecord:
    """Put a CONFIRMED registration of today in its queue; a repeat answers its entry."""
    registration = state.get_registration(registration_id)
    entry = state.queue.get(registration_id)
    if entry is not None:
        return entry
    schedule = state.schedules[registration.schedule_id]
    if registration.status != "CONFIRMED":
        raise HisError(409, "NOT_CHECKABLE", f"the registration is {registration.status}")
    if schedule.date != state.clock.today():
        raise HisError(409, "NOT_CHECKABLE", "the visit is not today")
    before = positions(state, schedule.id)
    entry = QueueEntryRecord(
        registration_id=registration.id,
        schedule_id=schedule.id,
        number=registration.number,
        checked_in_at=state.clock.now(),
    )
    state.queue[registration.id] = entry
    _tell_moves(state, schedule.id, before)
    return entry


def call_next(state: HisState, schedule_id: str) -> QueueEntryRecord | None:
    """The room calls its next patient: the one called before is seen (DONE)."""
    before = positions(state, schedule_id)
    for entry in state.queue.values():
        if entry.schedule_id == schedule_id and entry.status == CALLED:
            entry.status = DONE
    queue = waiting(state, schedule_id)
    if not queue:
        return None
    called = queue[0]
    called.status = CALLED
    called.called_at = state.clock.now()
    called.room = room_of(state, schedule_id)
    emit(
        state, "QUEUE_CALLED", {**_event_ids(state, called), "status": CALLED, "room": called.room}
    )
    _tell_moves(state, schedule_id, before)
    return called


def leave_queue(state: HisState, registration: RegistrationRecord) -> None:
    """The patient was seen (DONE) or marked absent (MISSED): out of the queue."""
    entry = state.queue.get(registration.id)
    if entry is None or entry.status in (DONE, MISSED):
        return
    before = positions(state, entry.schedule_id)
    entry.status = DONE if registration.status == "VISITED" else MISSED
    if entry.status == MISSED:
        emit(state, "QUEUE_UPDATED", {**_event_ids(state, entry), **_place(None)})
    _tell_moves(state, entry.schedule_id, before)


def call_due_queues(state: HisState) -> list[QueueEntryRecord]:
    """Paced mode's tick: each of today's queues with someone waiting calls its next."""
    today = state.clock.today()
    schedule_ids = sorted(
        {
            e.schedule_id
            for e in state.queue.values()
            if e.status == WAITING and state.schedules[e.schedule_id].date == today
        }
    )
    return [c for s in schedule_ids if (c := call_next(state, s)) is not None]


def _tell_moves(state: HisState, schedule_id: str, before: dict[str, int]) -> None:
    for registration_id, position in positions(state, schedule_id).items():
        if before.get(registration_id) != position:
            entry = state.queue[registration_id]
            emit(state, "QUEUE_UPDATED", {**_event_ids(state, entry), **_place(position)})


def _place(position: int | None) -> dict[str, Any]:
    return {
        "status": WAITING if position is not None else MISSED,
        "position": position,
        "ahead": 0 if position is None else position - 1,
    }


def _event_ids(state: HisState, entry: QueueEntryRecord) -> dict[str, Any]:
    registration = state.registrations[entry.registration_id]
    return {
        "registrationId": registration.id,
        "orderId": registration.order_id,
        "scheduleId": entry.schedule_id,
    }
