"""The simulated HIS's rules: seats and their holds, registrations, and what people at the
hospital do (register a patient, suspend a clinic, see a patient, write a report). Bills are in
`bill_rules`.

Each function changes a `HisState` and returns records; the caller holds `state.lock`.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from hospital_bff.simulators.his.errors import HisError, invalid, not_found
from hospital_bff.simulators.his.events import emit
from hospital_bff.simulators.his.id_numbers import id_number_facts
from hospital_bff.simulators.his.queue_rules import leave_queue
from hospital_bff.simulators.his.records import (
    BillLockRecord,
    PatientRecord,
    RegistrationRecord,
    ReportRecord,
    ScheduleRecord,
    SlotLockRecord,
    SlotRecord,
)
from hospital_bff.simulators.his.state import HisState

SEXES = {"MALE", "FEMALE"}
INSURANCES = {"SELF_PAY", "MEDICAL_INSURANCE"}
REPORT_KINDS = {"LAB", "EXAM"}
REPORT_STATUSES = {"PENDING", "FINAL"}
# A registration that still holds its seat: a cancelled one gives it back, a missed one does not.
SEAT_HOLDING = {"CONFIRMED", "VISITED", "MISSED"}


# --- capacity ---------------------------------------------------------------------------------


def lock_active(lock: SlotLockRecord | BillLockRecord, now: datetime) -> bool:
    return not lock.released and lock.consumed_by is None and lock.expires_at > now


def slot_remaining(state: HisState, slot: SlotRecord, now: datetime) -> int:
    lock_ids = state.locks_by_slot.get(slot.id, set())
    expired = {i for i in lock_ids if not lock_active(state.slot_locks[i], now)}
    lock_ids -= expired  # lazily forget expired holds
    held = sum(
        1
        for r in state.registrations_by_slot.get(slot.id, set())
        if state.registrations[r].status in SEAT_HOLDING
    )
    return max(0, slot.capacity - len(lock_ids) - held)


def schedule_remaining(state: HisState, schedule: ScheduleRecord, now: datetime) -> int:
    return sum(slot_remaining(state, state.slots[s], now) for s in schedule.slot_ids)


def schedule_status(
    state: HisState, schedule: ScheduleRecord, now: datetime, remaining: int | None = None
) -> str:
    """`remaining`: the schedule's, when the caller has counted it already."""
    closed = _closed_status(schedule, now)
    if closed is not None:
        return closed
    if remaining is None:
        remaining = schedule_remaining(state, schedule, now)
    if remaining == 0:
        return "FULL"
    return "OPEN"


def _closed_status(schedule: ScheduleRecord, now: datetime) -> str | None:
    """SUSPENDED or CLOSED, or None for a schedule on sale now (OPEN or FULL)."""
    if schedule.status == "SUSPENDED":
        return "SUSPENDED"
    if now < schedule.release_at or now >= schedule.ends_at:
        return "CLOSED"
    return None


# --- slot locks and registrations -------------------------------------------------------------


def _free_seat(
    state: HisState, slot_id: str, patient_id: str, now: datetime
) -> tuple[SlotRecord, ScheduleRecord]:
    """The slot and its schedule, when a seat in it can be taken now by this known patient."""
    slot = state.slots.get(slot_id)
    if slot is None:
        raise not_found("slot")
    state.get_patient(patient_id)
    schedule = state.schedules[slot.schedule_id]
    # Whether the schedule is on sale asks no count of its places (every lock of every slot).
    closed = _closed_status(schedule, now)
    if closed is not None or slot.ends_at <= now:
        status = closed or schedule_status(state, schedule, now)
        raise HisError(409, "SCHEDULE_NOT_OPEN", f"schedule is {status.lower()}")
    if slot_remaining(state, slot, now) <= 0:
        raise HisError(409, "SLOT_FULL", "no seat left in this slot")
    return slot, schedule


def lock_slot(
    state: HisState, lock_id: str, slot_id: str, patient_id: str, ttl_seconds: int
) -> SlotLockRecord:
    now = state.clock.now()
    existing = state.slot_locks.get(lock_id)
    if existing is not None:
        if (existing.slot_id, existing.patient_id) != (slot_id, patient_id):
            raise HisError(409, "IDEMPOTENCY_CONFLICT", "lockId used for another slot")
        if existing.consumed_by is not None or lock_active(existing, now):
            return existing
        # Released or expired: a retry under the same key tries for the seat again.
    _free_seat(state, slot_id, patient_id, now)
    lock = SlotLockRecord(
        lock_id, slot_id, patient_id, expires_at=now + timedelta(seconds=ttl_seconds)
    )
    state.slot_locks[lock_id] = lock
    state.locks_by_slot.setdefault(slot_id, set()).add(lock_id)
    return lock


def release_slot_lock(state: HisState, lock_id: str) -> None:
    lock = state.slot_locks.get(lock_id)
    if lock is None or lock.consumed_by is not None:
        return
    lock.released = True
    state.locks_by_slot.get(lock.slot_id, set()).discard(lock_id)


def register(
    state: HisState,
    *,
    order_id: str,
    lock_id: str,
    slot_id: str,
    patient_id: str,
    amount: int,
    payment_ref: str,
) -> RegistrationRecord:
    now = state.clock.now()
    existing_id = state.registration_by_order.get(order_id)
    if existing_id is not None:
        existing = state.registrations[existing_id]
        if (existing.slot_id, existing.patient_id) != (slot_id, patient_id):
            raise HisError(409, "IDEMPOTENCY_CONFLICT", "orderId used for another slot")
        return existing
    if state.faults.fail_confirm:
        raise HisError(409, "CONFIRM_REFUSED", "the HIS refused to confirm (simulated)")
    lock = state.slot_locks.get(lock_id)
    if lock is None or not lock_active(lock, now):
        raise HisError(409, "CONFIRM_REFUSED", "the slot lock is gone")
    if (lock.slot_id, lock.patient_id) != (slot_id, patient_id):
        raise HisError(409, "CONFIRM_REFUSED", "the slot lock is for another slot or patient")
    slot = state.slots[slot_id]
    schedule = state.schedules[slot.schedule_id]
    if schedule.status == "SUSPENDED":
        raise HisError(409, "CONFIRM_REFUSED", "the schedule is suspended")
    fee = schedule.registration_fee + schedule.diagnosis_fee
    if amount != fee:
        raise HisError(409, "AMOUNT_MISMATCH", f"the fee is {fee} fen, not {amount}")
    schedule.last_number += 1
    registration = RegistrationRecord(
        id=state.next_id("reg"),
        order_id=order_id,
        lock_id=lock_id,
        slot_id=slot_id,
        schedule_id=schedule.id,
        patient_id=patient_id,
        amount=amount,
        payment_ref=payment_ref,
        number=schedule.last_number,
        suggested_arrival=slot.starts_at - timedelta(minutes=15),
        location=state.departments[schedule.department_id].location,
    )
    # The seat moves from the lock to the registration in one step, so it is never free.
    lock.consumed_by = order_id
    state.locks_by_slot.get(slot_id, set()).discard(lock_id)
    state.registrations[registration.id] = registration
    state.registration_by_order[order_id] = registration.id
    state.registrations_by_slot.setdefault(slot_id, set()).add(registration.id)
    return registration


def register_at_window(state: HisState, slot_id: str, patient_id: str) -> RegistrationRecord:
    """A clerk or a kiosk registers a patient: a seat and a number, and no order of ours."""
    now = state.clock.now()
    slot, schedule = _free_seat(state, slot_id, patient_id, now)
    schedule.last_number += 1
    registration = RegistrationRecord(
        id=state.next_id("reg"),
        order_id=None,
        lock_id=None,
        slot_id=slot_id,
        schedule_id=schedule.id,
        patient_id=patient_id,
        amount=schedule.registration_fee + schedule.diagnosis_fee,
        payment_ref=None,
        number=schedule.last_number,
        suggested_arrival=slot.starts_at - timedelta(minutes=15),
        location=state.departments[schedule.department_id].location,
    )
    state.registrations[registration.id] = registration
    state.registrations_by_slot.setdefault(slot_id, set()).add(registration.id)
    return registration


def patient_registrations(
    state: HisState,
    patient_id: str,
    date_from: date | None,
    date_to: date | None,
    status: str | None,
) -> list[RegistrationRecord]:
    """A patient's registrations from every channel, by visit day; `active` = CONFIRMED."""
    state.get_patient(patient_id)
    wanted = "CONFIRMED" if status == "active" else status
    found = []
    for r in state.registrations.values():
        day = state.schedules[r.schedule_id].date
        if r.patient_id != patient_id or (wanted is not None and r.status != wanted):
            continue
        if (date_from is not None and day < date_from) or (date_to is not None and day > date_to):
            continue
        found.append(r)
    return sorted(found, key=lambda r: (state.slots[r.slot_id].starts_at, r.id))


def cancel_registration(state: HisState, registration_id: str, reason: str) -> RegistrationRecord:
    registration = state.get_registration(registration_id)
    if registration.status == "CANCELLED":
        return registration
    if registration.status != "CONFIRMED" or registration.invoice_printed:
        raise HisError(409, "CANCEL_NOT_ALLOWED", "visited, missed or invoice printed")
    if state.slots[registration.slot_id].ends_at <= state.clock.now():
        raise HisError(409, "CANCEL_NOT_ALLOWED", "the visit time has passed")
    registration.status = "CANCELLED"
    registration.cancel_reason = reason
    return registration


def registration_total(state: HisState, day: date, department_id: str | None) -> int:
    """Registrations for visits on `day` at every channel: the BFF's (held in `registrations`)
    plus the window's, phone's and kiosks', which this simulator stands for by a baseline
    drawn from the department and date alone, so the same question gets the same answer."""
    if department_id is not None and department_id not in state.departments:
        raise not_found("department")
    departments = [department_id] if department_id else sorted(state.departments)
    total = sum(
        random.Random(f"window:{dep}:{day.isoformat()}").randint(20, 60) for dep in departments
    )
    for registration in state.registrations.values():
        if registration.status == "CANCELLED":
            continue
        schedule = state.schedules[registration.schedule_id]
        if schedule.date == day and department_id in (None, schedule.department_id):
            total += 1
    return total


# --- what people at the hospital do ------------------------------------------------------------


def create_patient(
    state: HisState,
    *,
    name: str,
    id_number: str,
    sex: str | None,
    birth_date: date | None,
    phone: str | None,
    insurance: str | None,
) -> PatientRecord:
    """A person registered in the patient master index; sex and birth date default to what
    the ID number says."""
    facts = id_number_facts(id_number)
    if facts is None:
        raise HisError(422, "INVALID_ID_NUMBER", "not a valid resident ID number")
    sex = sex or facts[0]
    if sex not in SEXES:
        raise invalid("sex must be MALE or FEMALE")
    insurance = insurance or "SELF_PAY"
    if insurance not in INSURANCES:
        raise invalid(f"insurance must be one of {sorted(INSURANCES)}")
    number = state.next_number()
    patient = PatientRecord(
        id=f"pat-{number:06d}",
        name=name,
        id_number=id_number,
        sex=sex,
        birth_date=birth_date or facts[1],
        phone=phone,
        insurance=insurance,
        card_number=f"3{number:09d}",
    )
    state.patients[patient.id] = patient
    return patient


def suspend_schedule(state: HisState, schedule_id: str, reason: str) -> ScheduleRecord:
    """The expert stops work; the HIS tells the BFF once."""
    schedule = state.schedules.get(schedule_id)
    if schedule is None:
        raise not_found("schedule")
    if schedule.status != "SUSPENDED":
        schedule.status = "SUSPENDED"
        schedule.suspended_reason = reason
        emit(state, "SCHEDULE_SUSPENDED", {"scheduleId": schedule.id, "reason": reason})
    return schedule


def set_slot_capacity(state: HisState, slot_id: str, capacity: int) -> SlotRecord:
    """The hospital adds or withdraws places in a slot (load tests size schedules with it)."""
    slot = state.slots.get(slot_id)
    if slot is None:
        raise not_found("slot")
    slot.capacity = capacity
    return slot


def settle_visit(
    state: HisState, registration_id: str, status: str, event_type: str
) -> RegistrationRecord:
    """The patient was seen (VISITED) or did not come (MISSED); the HIS tells the BFF once."""
    registration = state.get_registration(registration_id)
    if registration.status == status:
        return registration
    if registration.status != "CONFIRMED":
        raise HisError(409, "INVALID_STATE", f"the registration is {registration.status}")
    registration.status = status
    leave_queue(state, registration)
    emit(
        state,
        event_type,
        {
            "registrationId": registration.id,
            "orderId": registration.order_id,
            "patientId": registration.patient_id,
        },
    )
    return registration


def print_invoice(state: HisState, registration_id: str) -> RegistrationRecord:
    registration = state.get_registration(registration_id)
    registration.invoice_printed = True
    return registration


def create_report(
    state: HisState,
    *,
    patient_id: str,
    kind: str,
    title: str,
    status: str,
    conclusion: str | None,
    items: list[dict[str, Any]],
) -> ReportRecord:
    """A report is written; a FINAL one is announced to the BFF (REPORT_READY)."""
    if kind not in REPORT_KINDS:
        raise invalid("kind must be LAB or EXAM")
    if status not in REPORT_STATUSES:
        raise invalid("status must be PENDING or FINAL")
    state.get_patient(patient_id)
    report = ReportRecord(
        id=state.next_id("rpt"),
        patient_id=patient_id,
        kind=kind,
        title=title,
        status=status,
        issued_at=state.clock.now(),
        conclusion=conclusion,
        items=items,
    )
    state.reports[report.id] = report
    if status == "FINAL":
        emit(state, "REPORT_READY", {"reportId": report.id, "patientId": patient_id})
    return report
