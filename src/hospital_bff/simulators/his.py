"""A simulated hospital information system (HIS) speaking the WebAPI of docs/his-api.md.

It holds its records in memory, sells no slot beyond its capacity, signs and sends the events a
real HIS would send, and injects faults on request so that the BFF can be tested against a
slow, failing or refusing hospital.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

import httpx
import structlog
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hospital_bff.clock import Clock
from hospital_bff.simulators.his_seed import (
    BOOKING_HORIZON_DAYS,
    BillRecord,
    DepartmentRecord,
    ExpertRecord,
    PatientRecord,
    PrescriptionRecord,
    ReportRecord,
    ScheduleRecord,
    SlotRecord,
    add_schedules,
    build_seed,
    id_number_facts,
)

log = structlog.get_logger(__name__)

SEXES = {"MALE", "FEMALE"}
INSURANCES = {"SELF_PAY", "MEDICAL_INSURANCE"}
REPORT_KINDS = {"LAB", "EXAM"}
RESULT_FLAGS = {"NORMAL", "HIGH", "LOW", "ABNORMAL"}
MAX_TTL_SECONDS = 24 * 3600
# A registration that still holds its seat: a cancelled one gives it back, a missed one does not.
SEAT_HOLDING = {"CONFIRMED", "VISITED", "MISSED"}
REGISTRATION_STATUS_FILTERS = {"active", "CONFIRMED", "CANCELLED", "VISITED", "MISSED"}
# Supplementary charges the HIS adds when bills are paid: one blood draw whatever the tests.
BLOOD_DRAW = {"code": "SUP-BLOOD", "name": "采血费", "amount": 500}
MATERIALS = {"code": "SUP-MAT", "name": "一次性材料费", "amount": 200}


class HisError(Exception):
    """A refusal the simulated HIS answers as `{code, message}` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def _not_found(what: str) -> HisError:
    return HisError(404, "NOT_FOUND", f"{what} not found")


def _invalid(message: str) -> HisError:
    return HisError(422, "INVALID_INPUT", message)


@dataclass(slots=True)
class Faults:
    """What is currently going wrong with the simulated HIS."""

    latency_ms: int = 0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    fail_confirm: bool = False
    drop_notifications: bool = False
    duplicate_notifications: bool = False

    _WIRE: ClassVar[dict[str, str]] = {
        "latencyMs": "latency_ms",
        "errorRate": "error_rate",
        "timeoutRate": "timeout_rate",
        "failConfirm": "fail_confirm",
        "dropNotifications": "drop_notifications",
        "duplicateNotifications": "duplicate_notifications",
    }

    def to_json(self) -> dict[str, Any]:
        return {wire: getattr(self, attr) for wire, attr in self._WIRE.items()}

    def update(self, body: dict[str, Any]) -> None:
        unknown = set(body) - set(self._WIRE)
        if unknown:
            raise _invalid(f"unknown faults: {sorted(unknown)}")
        for wire, value in body.items():
            attr = self._WIRE[wire]
            current = getattr(self, attr)
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise _invalid(f"{wire} must be a boolean")
            elif isinstance(current, int) and not isinstance(current, bool):
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise _invalid(f"{wire} must be a non-negative integer")
            else:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise _invalid(f"{wire} must be a number")
                if not 0.0 <= float(value) <= 1.0:
                    raise _invalid(f"{wire} must be between 0 and 1")
                value = float(value)
            setattr(self, attr, value)


@dataclass(slots=True)
class SlotLockRecord:
    """A seat held for a patient while they pay."""

    lock_id: str
    slot_id: str
    patient_id: str
    expires_at: datetime
    released: bool = False
    consumed_by: str | None = None  # the order whose registration took the seat


@dataclass(slots=True)
class RegistrationRecord:
    """A confirmed registration (a numbered ticket for a slot)."""

    id: str
    order_id: str | None  # None: made at the hospital's window or a kiosk
    lock_id: str | None
    slot_id: str
    schedule_id: str
    patient_id: str
    amount: int
    payment_ref: str | None
    number: int
    suggested_arrival: datetime
    location: str
    status: str = "CONFIRMED"
    invoice_printed: bool = False
    cancel_reason: str | None = None


@dataclass(slots=True)
class BillLockRecord:
    """Bills held at a price while the patient pays."""

    lock_id: str
    patient_id: str
    bill_ids: tuple[str, ...]
    amount: int
    expires_at: datetime
    released: bool = False
    consumed_by: str | None = None


@dataclass(slots=True)
class BillPaymentRecord:
    """Bills paid through the BFF."""

    id: str
    order_id: str
    lock_id: str
    patient_id: str
    bill_ids: tuple[str, ...]
    amount: int
    payment_ref: str
    paid_at: datetime


def sign_event(secret: str, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of `{timestamp}.{body}`, as in the X-His-Signature header."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class HisState:
    """Everything the simulated HIS knows, in memory; `lock` serialises every change."""

    def __init__(
        self,
        clock: Clock,
        *,
        seed: bool = True,
        webhook_url: str | None = None,
        webhook_secret: str = "",
        http: httpx.AsyncClient | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.clock = clock
        self.seed = seed
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.http = http
        self.random = rng or random.Random()
        self.lock = asyncio.Lock()
        # How long a "timeout" fault holds the answer back; tests shorten it.
        self.hang_seconds = 30.0
        # Pauses between webhook attempts; a delivery gives up after the last.
        self.retry_delays: tuple[float, ...] = (0.5, 2.0, 5.0)
        self.faults = Faults()
        self.sent_events: list[dict[str, Any]] = []
        self.delivered: list[str] = []  # event IDs, once per accepted POST
        self._deliveries: set[asyncio.Task[None]] = set()
        self.reset()

    def reset(self) -> None:
        """Back to the state of a fresh simulator (the catalogue relative to today)."""
        today = self.clock.today()
        seed = build_seed(today, self.clock.tz, demo_patients=self.seed)
        self._seed = seed
        self.departments: dict[str, DepartmentRecord] = seed.departments
        self.experts: dict[str, ExpertRecord] = seed.experts
        self.schedules: dict[str, ScheduleRecord] = seed.schedules
        self.slots: dict[str, SlotRecord] = seed.slots
        self.patients: dict[str, PatientRecord] = seed.patients
        self.bills: dict[str, BillRecord] = seed.bills
        self.reports: dict[str, ReportRecord] = seed.reports
        self.prescriptions: dict[str, PrescriptionRecord] = seed.prescriptions
        self.slot_locks: dict[str, SlotLockRecord] = {}
        self.registrations: dict[str, RegistrationRecord] = {}
        self.registration_by_order: dict[str, str] = {}
        self.bill_locks: dict[str, BillLockRecord] = {}
        self.bill_payments: dict[str, BillPaymentRecord] = {}
        self.bill_payment_by_order: dict[str, str] = {}
        # Per-slot indexes keep `remaining` cheap when a week of schedules is listed.
        self._locks_by_slot: dict[str, set[str]] = {}
        self._registrations_by_slot: dict[str, set[str]] = {}
        self._seeded_through = today + timedelta(days=BOOKING_HORIZON_DAYS)
        self._counter = 0
        self.faults = Faults()
        self.sent_events = []
        self.delivered = []

    def next_number(self) -> int:
        """One sequence for every ID the simulator makes, so IDs never repeat within a run."""
        self._counter += 1
        return self._counter

    def next_id(self, prefix: str) -> str:
        return f"{prefix}-{self.next_number():06d}"

    def roll_calendar(self) -> None:
        """A long-running simulator keeps a week of schedules ahead of today."""
        horizon = self.clock.today() + timedelta(days=BOOKING_HORIZON_DAYS)
        while self._seeded_through < horizon:
            self._seeded_through += timedelta(days=1)
            add_schedules(self._seed, self._seeded_through, self.clock.tz)

    # --- capacity -----------------------------------------------------------------------------

    def _lock_active(self, lock: SlotLockRecord | BillLockRecord, now: datetime) -> bool:
        return not lock.released and lock.consumed_by is None and lock.expires_at > now

    def slot_remaining(self, slot: SlotRecord, now: datetime) -> int:
        lock_ids = self._locks_by_slot.get(slot.id, set())
        expired = {i for i in lock_ids if not self._lock_active(self.slot_locks[i], now)}
        lock_ids -= expired  # lazily forget expired holds
        held = sum(
            1
            for r in self._registrations_by_slot.get(slot.id, set())
            if self.registrations[r].status in SEAT_HOLDING
        )
        return max(0, slot.capacity - len(lock_ids) - held)

    def schedule_remaining(self, schedule: ScheduleRecord, now: datetime) -> int:
        return sum(self.slot_remaining(self.slots[s], now) for s in schedule.slot_ids)

    def schedule_status(self, schedule: ScheduleRecord, now: datetime) -> str:
        if schedule.status == "SUSPENDED":
            return "SUSPENDED"
        if now < schedule.release_at or now >= schedule.ends_at:
            return "CLOSED"
        if self.schedule_remaining(schedule, now) == 0:
            return "FULL"
        return "OPEN"

    # --- wire shapes --------------------------------------------------------------------------

    def department_json(self, d: DepartmentRecord) -> dict[str, Any]:
        return {
            "id": d.id,
            "name": d.name,
            "intro": d.intro,
            "parentId": d.parent_id,
            "location": d.location,
            "restriction": {"sex": d.sex, "minAge": d.min_age, "maxAge": d.max_age},
        }

    def expert_json(self, e: ExpertRecord) -> dict[str, Any]:
        return {
            "id": e.id,
            "departmentId": e.department_id,
            "name": e.name,
            "title": e.title,
            "specialty": e.specialty,
            "intro": e.intro,
            "photoUrl": e.photo_url,
        }

    def slot_json(self, slot: SlotRecord, now: datetime) -> dict[str, Any]:
        return {
            "id": slot.id,
            "scheduleId": slot.schedule_id,
            "startsAt": slot.starts_at.isoformat(),
            "endsAt": slot.ends_at.isoformat(),
            "capacity": slot.capacity,
            "remaining": self.slot_remaining(slot, now),
        }

    def schedule_json(
        self, s: ScheduleRecord, now: datetime, *, with_slots: bool = True
    ) -> dict[str, Any]:
        slots = [self.slot_json(self.slots[i], now) for i in s.slot_ids]
        body: dict[str, Any] = {
            "id": s.id,
            "expertId": s.expert_id,
            "departmentId": s.department_id,
            "date": s.date.isoformat(),
            "period": s.period,
            "status": self.schedule_status(s, now),
            "releaseAt": s.release_at.isoformat(),
            "registrationFee": s.registration_fee,
            "diagnosisFee": s.diagnosis_fee,
            "capacity": sum(self.slots[i].capacity for i in s.slot_ids),
            "remaining": sum(slot["remaining"] for slot in slots),
            "location": s.location,
            "suspendReason": s.suspended_reason if s.status == "SUSPENDED" else None,
        }
        if with_slots:
            body["slots"] = slots
        return body

    def patient_json(self, p: PatientRecord) -> dict[str, Any]:
        return {
            "id": p.id,
            "name": p.name,
            "idNumber": p.id_number,
            "sex": p.sex,
            "birthDate": p.birth_date.isoformat(),
            "phone": p.phone,
            "insurance": p.insurance,
            "cardNumber": p.card_number,
        }

    def registration_json(self, r: RegistrationRecord) -> dict[str, Any]:
        return {
            "id": r.id,
            "orderId": r.order_id,
            "slotId": r.slot_id,
            "scheduleId": r.schedule_id,
            "patientId": r.patient_id,
            "status": r.status,
            "number": r.number,
            "suggestedArrival": r.suggested_arrival.isoformat(),
            "location": r.location,
            "invoicePrinted": r.invoice_printed,
            "departmentId": self.schedules[r.schedule_id].department_id,
            "visitDate": self.schedules[r.schedule_id].date.isoformat(),
        }

    def bill_status(self, bill: BillRecord, now: datetime) -> str:
        if bill.paid_by is not None:
            return "PAID"
        if self._bill_holder(bill.id, now) is not None:
            return "LOCKED"
        return "UNPAID"

    def _bill_holder(self, bill_id: str, now: datetime) -> BillLockRecord | None:
        for lock in self.bill_locks.values():
            if bill_id in lock.bill_ids and self._lock_active(lock, now):
                return lock
        return None

    def bill_json(self, b: BillRecord, now: datetime) -> dict[str, Any]:
        return {
            "id": b.id,
            "patientId": b.patient_id,
            "title": b.title,
            "amount": b.amount,
            "issuedAt": b.issued_at.isoformat(),
            "status": self.bill_status(b, now),
            "items": [dict(i) for i in b.items],
        }

    def bill_payment_json(self, p: BillPaymentRecord) -> dict[str, Any]:
        return {
            "id": p.id,
            "orderId": p.order_id,
            "patientId": p.patient_id,
            "billIds": list(p.bill_ids),
            "amount": p.amount,
            "status": "CONFIRMED",
            "paidAt": p.paid_at.isoformat(),
        }

    def report_summary_json(self, r: ReportRecord) -> dict[str, Any]:
        return {
            "id": r.id,
            "patientId": r.patient_id,
            "kind": r.kind,
            "title": r.title,
            "status": r.status,
            "issuedAt": r.issued_at.isoformat(),
        }

    def report_json(self, r: ReportRecord) -> dict[str, Any]:
        return {
            **self.report_summary_json(r),
            "conclusion": r.conclusion,
            "items": [dict(i) for i in r.items],
        }

    def prescription_json(self, p: PrescriptionRecord) -> dict[str, Any]:
        return {
            "id": p.id,
            "patientId": p.patient_id,
            "issuedAt": p.issued_at.isoformat(),
            "doctorName": p.doctor_name,
            "diagnosis": p.diagnosis,
            "items": [dict(i) for i in p.items],
        }

    # --- lookups ------------------------------------------------------------------------------

    def get_patient(self, patient_id: str) -> PatientRecord:
        patient = self.patients.get(patient_id)
        if patient is None:
            raise _not_found("patient")
        return patient

    def get_registration(self, registration_id: str) -> RegistrationRecord:
        registration = self.registrations.get(registration_id)
        if registration is None:
            raise _not_found("registration")
        return registration

    # --- slot locks and registrations ---------------------------------------------------------

    def lock_slot(
        self, lock_id: str, slot_id: str, patient_id: str, ttl_seconds: int
    ) -> SlotLockRecord:
        now = self.clock.now()
        existing = self.slot_locks.get(lock_id)
        if existing is not None:
            if (existing.slot_id, existing.patient_id) != (slot_id, patient_id):
                raise HisError(409, "IDEMPOTENCY_CONFLICT", "lockId used for another slot")
            if existing.consumed_by is not None or self._lock_active(existing, now):
                return existing
            # Released or expired: a retry under the same key tries for the seat again.
        slot = self.slots.get(slot_id)
        if slot is None:
            raise _not_found("slot")
        self.get_patient(patient_id)
        schedule = self.schedules[slot.schedule_id]
        status = self.schedule_status(schedule, now)
        if status in {"SUSPENDED", "CLOSED"} or slot.ends_at <= now:
            raise HisError(409, "SCHEDULE_NOT_OPEN", f"schedule is {status.lower()}")
        if self.slot_remaining(slot, now) <= 0:
            raise HisError(409, "SLOT_FULL", "no seat left in this slot")
        lock = SlotLockRecord(
            lock_id, slot_id, patient_id, expires_at=now + timedelta(seconds=ttl_seconds)
        )
        self.slot_locks[lock_id] = lock
        self._locks_by_slot.setdefault(slot_id, set()).add(lock_id)
        return lock

    def release_slot_lock(self, lock_id: str) -> None:
        lock = self.slot_locks.get(lock_id)
        if lock is None or lock.consumed_by is not None:
            return
        lock.released = True
        self._locks_by_slot.get(lock.slot_id, set()).discard(lock_id)

    def register(
        self,
        *,
        order_id: str,
        lock_id: str,
        slot_id: str,
        patient_id: str,
        amount: int,
        payment_ref: str,
    ) -> RegistrationRecord:
        now = self.clock.now()
        existing_id = self.registration_by_order.get(order_id)
        if existing_id is not None:
            existing = self.registrations[existing_id]
            if (existing.slot_id, existing.patient_id) != (slot_id, patient_id):
                raise HisError(409, "IDEMPOTENCY_CONFLICT", "orderId used for another slot")
            return existing
        if self.faults.fail_confirm:
            raise HisError(409, "CONFIRM_REFUSED", "the HIS refused to confirm (simulated)")
        lock = self.slot_locks.get(lock_id)
        if lock is None or not self._lock_active(lock, now):
            raise HisError(409, "CONFIRM_REFUSED", "the slot lock is gone")
        if (lock.slot_id, lock.patient_id) != (slot_id, patient_id):
            raise HisError(409, "CONFIRM_REFUSED", "the slot lock is for another slot or patient")
        slot = self.slots[slot_id]
        schedule = self.schedules[slot.schedule_id]
        if schedule.status == "SUSPENDED":
            raise HisError(409, "CONFIRM_REFUSED", "the schedule is suspended")
        fee = schedule.registration_fee + schedule.diagnosis_fee
        if amount != fee:
            raise HisError(409, "AMOUNT_MISMATCH", f"the fee is {fee} fen, not {amount}")
        schedule.last_number += 1
        registration = RegistrationRecord(
            id=self.next_id("reg"),
            order_id=order_id,
            lock_id=lock_id,
            slot_id=slot_id,
            schedule_id=schedule.id,
            patient_id=patient_id,
            amount=amount,
            payment_ref=payment_ref,
            number=schedule.last_number,
            suggested_arrival=slot.starts_at - timedelta(minutes=15),
            location=self.departments[schedule.department_id].location,
        )
        # The seat moves from the lock to the registration in one step, so it is never free.
        lock.consumed_by = order_id
        self._locks_by_slot.get(slot_id, set()).discard(lock_id)
        self.registrations[registration.id] = registration
        self.registration_by_order[order_id] = registration.id
        self._registrations_by_slot.setdefault(slot_id, set()).add(registration.id)
        return registration

    def register_at_window(self, slot_id: str, patient_id: str) -> RegistrationRecord:
        """A clerk or a kiosk registers a patient: a seat and a number, and no order of ours."""
        now = self.clock.now()
        slot = self.slots.get(slot_id)
        if slot is None:
            raise _not_found("slot")
        self.get_patient(patient_id)
        schedule = self.schedules[slot.schedule_id]
        status = self.schedule_status(schedule, now)
        if status in {"SUSPENDED", "CLOSED"} or slot.ends_at <= now:
            raise HisError(409, "SCHEDULE_NOT_OPEN", f"schedule is {status.lower()}")
        if self.slot_remaining(slot, now) <= 0:
            raise HisError(409, "SLOT_FULL", "no seat left in this slot")
        schedule.last_number += 1
        registration = RegistrationRecord(
            id=self.next_id("reg"),
            order_id=None,
            lock_id=None,
            slot_id=slot_id,
            schedule_id=schedule.id,
            patient_id=patient_id,
            amount=schedule.registration_fee + schedule.diagnosis_fee,
            payment_ref=None,
            number=schedule.last_number,
            suggested_arrival=slot.starts_at - timedelta(minutes=15),
            location=self.departments[schedule.department_id].location,
        )
        self.registrations[registration.id] = registration
        self._registrations_by_slot.setdefault(slot_id, set()).add(registration.id)
        return registration

    def patient_registrations(
        self, patient_id: str, date_from: date | None, date_to: date | None, status: str | None
    ) -> list[RegistrationRecord]:
        """A patient's registrations from every channel, by visit day; `active` = CONFIRMED."""
        self.get_patient(patient_id)
        wanted = "CONFIRMED" if status == "active" else status
        found = []
        for r in self.registrations.values():
            day = self.schedules[r.schedule_id].date
            if r.patient_id != patient_id or (wanted is not None and r.status != wanted):
                continue
            if (date_from is not None and day < date_from) or (
                date_to is not None and day > date_to
            ):
                continue
            found.append(r)
        return sorted(found, key=lambda r: (self.slots[r.slot_id].starts_at, r.id))

    def cancel_registration(self, registration_id: str, reason: str) -> RegistrationRecord:
        registration = self.get_registration(registration_id)
        if registration.status == "CANCELLED":
            return registration
        if registration.status != "CONFIRMED" or registration.invoice_printed:
            raise HisError(409, "CANCEL_NOT_ALLOWED", "visited, missed or invoice printed")
        if self.slots[registration.slot_id].ends_at <= self.clock.now():
            raise HisError(409, "CANCEL_NOT_ALLOWED", "the visit time has passed")
        registration.status = "CANCELLED"
        registration.cancel_reason = reason
        return registration

    def registration_total(self, day: date, department_id: str | None) -> int:
        """Registrations for visits on `day` at every channel: the BFF's (held in `registrations`)
        plus the window's, phone's and kiosks', which this simulator stands for by a baseline
        drawn from the department and date alone, so the same question gets the same answer."""
        if department_id is not None and department_id not in self.departments:
            raise _not_found("department")
        departments = [department_id] if department_id else sorted(self.departments)
        total = sum(
            random.Random(f"window:{dep}:{day.isoformat()}").randint(20, 60) for dep in departments
        )
        for registration in self.registrations.values():
            if registration.status == "CANCELLED":
                continue
            schedule = self.schedules[registration.schedule_id]
            if schedule.date == day and department_id in (None, schedule.department_id):
                total += 1
        return total

    # --- bills --------------------------------------------------------------------------------

    def _payable_bills(self, patient_id: str, bill_ids: list[str]) -> list[BillRecord]:
        self.get_patient(patient_id)
        if not bill_ids or len(set(bill_ids)) != len(bill_ids):
            raise _invalid("billIds must be a non-empty list without repeats")
        bills = []
        for bill_id in bill_ids:
            bill = self.bills.get(bill_id)
            if bill is None or bill.patient_id != patient_id:
                raise HisError(409, "BILL_NOT_PAYABLE", f"bill {bill_id} is not this patient's")
            bills.append(bill)
        return bills

    def quote(self, patient_id: str, bill_ids: list[str]) -> tuple[list[dict[str, Any]], int]:
        bills = self._payable_bills(patient_id, bill_ids)
        for bill in bills:
            if bill.paid_by is not None:
                raise HisError(409, "BILL_NOT_PAYABLE", f"bill {bill.id} is already paid")
        items = [dict(item) for bill in bills for item in bill.items]
        if any(str(i["code"]).startswith("LAB-") for i in items):
            items.append(dict(BLOOD_DRAW))
        if any(str(i["code"]).startswith("EXAM-") for i in items):
            items.append(dict(MATERIALS))
        return items, sum(int(i["amount"]) for i in items)

    def lock_bills(
        self, lock_id: str, patient_id: str, bill_ids: list[str], ttl_seconds: int
    ) -> BillLockRecord:
        now = self.clock.now()
        existing = self.bill_locks.get(lock_id)
        if existing is not None:
            if (existing.patient_id, set(existing.bill_ids)) != (patient_id, set(bill_ids)):
                raise HisError(409, "IDEMPOTENCY_CONFLICT", "lockId used for other bills")
            if existing.consumed_by is not None or self._lock_active(existing, now):
                return existing
        bills = self._payable_bills(patient_id, bill_ids)
        for bill in bills:
            holder = self._bill_holder(bill.id, now)
            if bill.paid_by is not None or (holder is not None and holder.lock_id != lock_id):
                raise HisError(409, "BILL_NOT_PAYABLE", f"bill {bill.id} is paid or being paid")
        _, amount = self.quote(patient_id, bill_ids)
        lock = BillLockRecord(
            lock_id,
            patient_id,
            tuple(bill_ids),
            amount,
            expires_at=now + timedelta(seconds=ttl_seconds),
        )
        self.bill_locks[lock_id] = lock
        return lock

    def release_bill_lock(self, lock_id: str) -> None:
        lock = self.bill_locks.get(lock_id)
        if lock is not None and lock.consumed_by is None:
            lock.released = True

    def pay_bills(
        self,
        *,
        order_id: str,
        lock_id: str,
        patient_id: str,
        bill_ids: list[str],
        amount: int,
        payment_ref: str,
    ) -> BillPaymentRecord:
        now = self.clock.now()
        existing_id = self.bill_payment_by_order.get(order_id)
        if existing_id is not None:
            existing = self.bill_payments[existing_id]
            if (existing.patient_id, set(existing.bill_ids)) != (patient_id, set(bill_ids)):
                raise HisError(409, "IDEMPOTENCY_CONFLICT", "orderId used for other bills")
            return existing
        if self.faults.fail_confirm:
            raise HisError(409, "CONFIRM_REFUSED", "the HIS refused to confirm (simulated)")
        lock = self.bill_locks.get(lock_id)
        if lock is None or not self._lock_active(lock, now):
            raise HisError(409, "CONFIRM_REFUSED", "the bill lock is gone")
        if (lock.patient_id, set(lock.bill_ids)) != (patient_id, set(bill_ids)):
            raise HisError(409, "CONFIRM_REFUSED", "the bill lock is for other bills")
        if amount != lock.amount:
            raise HisError(409, "AMOUNT_MISMATCH", f"the amount is {lock.amount} fen")
        payment = BillPaymentRecord(
            id=self.next_id("bp"),
            order_id=order_id,
            lock_id=lock_id,
            patient_id=patient_id,
            bill_ids=tuple(bill_ids),
            amount=amount,
            payment_ref=payment_ref,
            paid_at=now,
        )
        lock.consumed_by = order_id
        for bill_id in bill_ids:
            self.bills[bill_id].paid_by = payment.id
        self.bill_payments[payment.id] = payment
        self.bill_payment_by_order[order_id] = payment.id
        return payment

    # --- events -------------------------------------------------------------------------------

    def emit(self, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
        """Record an event and, with a webhook configured, deliver it in the background."""
        event = {
            "id": f"evt-{uuid.uuid4().hex}",
            "type": event_type,
            "occurredAt": self.clock.now().isoformat(),
            "data": data,
        }
        self.sent_events.append(event)
        if self.webhook_url is None or self.faults.drop_notifications:
            return event
        copies = 2 if self.faults.duplicate_notifications else 1
        task = asyncio.get_running_loop().create_task(self._deliver(event, copies))
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)
        return event

    async def drain(self) -> None:
        """Wait until every pending webhook delivery has succeeded or given up."""
        while self._deliveries:
            await asyncio.gather(*list(self._deliveries), return_exceptions=True)

    async def _deliver(self, event: dict[str, Any], copies: int) -> None:
        body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        if self.http is not None:
            for _ in range(copies):
                await self._post_with_retries(self.http, event["id"], body)
            return
        async with httpx.AsyncClient(timeout=5.0) as client:
            for _ in range(copies):
                await self._post_with_retries(client, event["id"], body)

    async def _post_with_retries(
        self, client: httpx.AsyncClient, event_id: str, body: bytes
    ) -> None:
        assert self.webhook_url is not None
        for delay in (0.0, *self.retry_delays):
            if delay:
                await asyncio.sleep(delay)
            # Signed at each attempt, so a late retry does not look stale to the receiver.
            timestamp = str(int(self.clock.now().timestamp()))
            headers = {
                "Content-Type": "application/json",
                "X-His-Timestamp": timestamp,
                "X-His-Signature": sign_event(self.webhook_secret, timestamp, body),
            }
            try:
                response = await client.post(
                    self.webhook_url, content=body, headers=headers, timeout=5.0
                )
            except httpx.HTTPError as exc:
                log.info("his_event_delivery_failed", event_id=event_id, error=repr(exc))
                continue
            if response.is_success:
                self.delivered.append(event_id)
                return
            log.info("his_event_rejected", event_id=event_id, status=response.status_code)
        log.warning("his_event_undelivered", event_id=event_id)


# --- request parsing --------------------------------------------------------------------------


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:
        raise _invalid("the body is not JSON") from exc
    if not isinstance(body, dict):
        raise _invalid("the body must be a JSON object")
    return body


def _str(body: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = body.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value:
        raise _invalid(f"{key} must be a non-empty string")
    return value


def _int(body: dict[str, Any], key: str, *, low: int = 0, high: int | None = None) -> int:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _invalid(f"{key} must be an integer >= {low}")
    if high is not None and value > high:
        raise _invalid(f"{key} must be at most {high}")
    return value


def _str_list(body: dict[str, Any], key: str) -> list[str]:
    value = body.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _invalid(f"{key} must be a list of strings")
    return list(value)


def _date_param(request: Request, key: str) -> date | None:
    raw = request.query_params.get(key)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise _invalid(f"{key} must be a date (YYYY-MM-DD)") from exc


def _ids_param(request: Request) -> set[str] | None:
    raw = request.query_params.get("ids")
    if raw is None:
        return None
    return {i for i in raw.split(",") if i}


def _bill_items(body: dict[str, Any]) -> list[dict[str, Any]]:
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise _invalid("items must be a non-empty list")
    result = []
    for item in items:
        if not isinstance(item, dict):
            raise _invalid("each item must be an object")
        result.append(
            {"code": _str(item, "code"), "name": _str(item, "name"), "amount": _int(item, "amount")}
        )
    return result


def _report_items(body: dict[str, Any]) -> list[dict[str, Any]]:
    items = body.get("items", [])
    if not isinstance(items, list):
        raise _invalid("items must be a list")
    result = []
    for item in items:
        if not isinstance(item, dict):
            raise _invalid("each item must be an object")
        flag = item.get("flag", "NORMAL")
        if flag not in RESULT_FLAGS:
            raise _invalid(f"flag must be one of {sorted(RESULT_FLAGS)}")
        result.append(
            {
                "name": _str(item, "name"),
                "value": str(item.get("value", "")),
                "unit": item.get("unit"),
                "referenceRange": item.get("referenceRange"),
                "flag": flag,
            }
        )
    return result


def _ok(body: Any) -> JSONResponse:
    return JSONResponse(body)


def _photo_svg(expert: ExpertRecord) -> str:
    # A hue derived from the ID gives every expert a stable, distinct avatar.
    hue = int(hashlib.sha256(expert.id.encode()).hexdigest()[:4], 16) % 360
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">'
        f'<rect width="120" height="120" rx="60" fill="hsl({hue},55%,55%)"/>'
        '<text x="60" y="78" font-size="52" text-anchor="middle" fill="#fff" '
        f'font-family="sans-serif">{expert.name[0]}</text></svg>'
    )


class HisEndpoints:
    """The HTTP face of a HisState."""

    def __init__(self, state: HisState) -> None:
        self.state = state

    # --- catalogue ----------------------------------------------------------------------------

    async def departments(self, request: Request) -> Response:
        return _ok([self.state.department_json(d) for d in self.state.departments.values()])

    async def experts(self, request: Request) -> Response:
        department_id = request.query_params.get("departmentId")
        ids = _ids_param(request)
        experts = [
            self.state.expert_json(e)
            for e in self.state.experts.values()
            if (department_id is None or e.department_id == department_id)
            and (ids is None or e.id in ids)
        ]
        return _ok(experts)

    async def schedules(self, request: Request) -> Response:
        params = request.query_params
        department_id = params.get("departmentId")
        expert_id = params.get("expertId")
        ids = _ids_param(request)
        date_from, date_to = _date_param(request, "from"), _date_param(request, "to")
        async with self.state.lock:
            self.state.roll_calendar()
            now = self.state.clock.now()
            found = [
                s
                for s in self.state.schedules.values()
                if (department_id is None or s.department_id == department_id)
                and (expert_id is None or s.expert_id == expert_id)
                and (ids is None or s.id in ids)
                and (date_from is None or s.date >= date_from)
                and (date_to is None or s.date <= date_to)
            ]
            found.sort(key=lambda s: (s.date, s.starts_at, s.expert_id))
            return _ok([self.state.schedule_json(s, now) for s in found])

    async def slot(self, request: Request) -> Response:
        slot = self.state.slots.get(request.path_params["slot_id"])
        if slot is None:
            raise _not_found("slot")
        async with self.state.lock:
            now = self.state.clock.now()
            schedule = self.state.schedules[slot.schedule_id]
            body = self.state.slot_json(slot, now)
            body["schedule"] = self.state.schedule_json(schedule, now, with_slots=False)
            return _ok(body)

    async def photo(self, request: Request) -> Response:
        expert = self.state.experts.get(request.path_params["expert_id"])
        if expert is None:
            raise _not_found("expert")
        return Response(
            _photo_svg(expert),
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    # --- patient master index -----------------------------------------------------------------

    async def lookup_patients(self, request: Request) -> Response:
        id_number = _str(await _json_object(request), "idNumber").upper()
        found = [p for p in self.state.patients.values() if p.id_number == id_number]
        return _ok({"patients": [self.state.patient_json(p) for p in found]})

    async def patient(self, request: Request) -> Response:
        patient = self.state.get_patient(request.path_params["patient_id"])
        return _ok(self.state.patient_json(patient))

    async def create_patient(self, request: Request) -> Response:
        body = await _json_object(request)
        name = _str(body, "name")
        id_number = _str(body, "idNumber").upper()
        facts = id_number_facts(id_number)
        if facts is None:
            raise HisError(422, "INVALID_ID_NUMBER", "not a valid resident ID number")
        sex = body.get("sex") or facts[0]
        if sex not in SEXES:
            raise _invalid("sex must be MALE or FEMALE")
        try:
            birth_date = date.fromisoformat(body["birthDate"]) if body.get("birthDate") else None
        except (TypeError, ValueError) as exc:
            raise _invalid("birthDate must be a date") from exc
        birth_date = birth_date or facts[1]
        insurance = body.get("insurance") or "SELF_PAY"
        if insurance not in INSURANCES:
            raise _invalid(f"insurance must be one of {sorted(INSURANCES)}")
        phone = body.get("phone")
        async with self.state.lock:
            number = self.state.next_number()
            patient_id = f"pat-{number:06d}"
            patient = PatientRecord(
                id=patient_id,
                name=name,
                id_number=id_number,
                sex=sex,
                birth_date=birth_date,
                phone=str(phone) if phone else None,
                insurance=insurance,
                card_number=f"3{number:09d}",
            )
            self.state.patients[patient_id] = patient
        return _ok({"id": patient.id, "cardNumber": patient.card_number})

    # --- registration -------------------------------------------------------------------------

    async def lock_slot(self, request: Request) -> Response:
        body = await _json_object(request)
        lock_id, slot_id = _str(body, "lockId"), _str(body, "slotId")
        patient_id = _str(body, "patientId")
        ttl = _int(body, "ttlSeconds", low=1, high=MAX_TTL_SECONDS)
        async with self.state.lock:
            lock = self.state.lock_slot(lock_id, slot_id, patient_id, ttl)
        expires_at = lock.expires_at.isoformat()
        return _ok({"lockId": lock.lock_id, "slotId": lock.slot_id, "expiresAt": expires_at})

    async def release_slot_lock(self, request: Request) -> Response:
        async with self.state.lock:
            self.state.release_slot_lock(request.path_params["lock_id"])
        return Response(status_code=204)

    async def register(self, request: Request) -> Response:
        body = await _json_object(request)
        fields = {
            "order_id": _str(body, "orderId"),
            "lock_id": _str(body, "lockId"),
            "slot_id": _str(body, "slotId"),
            "patient_id": _str(body, "patientId"),
            "payment_ref": _str(body, "paymentRef"),
        }
        amount = _int(body, "amount")
        async with self.state.lock:
            registration = self.state.register(amount=amount, **fields)
            return _ok(self.state.registration_json(registration))

    async def registrations(self, request: Request) -> Response:
        order_id = request.query_params.get("orderId")
        if not order_id:
            raise _invalid("orderId is required")
        registration_id = self.state.registration_by_order.get(order_id)
        if registration_id is None:
            return _ok([])
        return _ok([self.state.registration_json(self.state.registrations[registration_id])])

    async def patient_registrations(self, request: Request) -> Response:
        status = request.query_params.get("status") or None
        if status is not None and status not in REGISTRATION_STATUS_FILTERS:
            raise _invalid(f"status must be one of {sorted(REGISTRATION_STATUS_FILTERS)}")
        found = self.state.patient_registrations(
            request.path_params["patient_id"],
            _date_param(request, "from"),
            _date_param(request, "to"),
            status,
        )
        return _ok([self.state.registration_json(r) for r in found])

    async def register_at_window(self, request: Request) -> Response:
        body = await _json_object(request)
        async with self.state.lock:
            registration = self.state.register_at_window(
                _str(body, "slotId"), _str(body, "patientId")
            )
            return _ok(self.state.registration_json(registration))

    async def registration_statistics(self, request: Request) -> Response:
        day = _date_param(request, "date")
        if day is None:
            raise _invalid("date is required")
        department_id = request.query_params.get("departmentId") or None
        total = self.state.registration_total(day, department_id)
        return _ok({"date": day.isoformat(), "departmentId": department_id, "total": total})

    async def cancel_registration(self, request: Request) -> Response:
        body = await _json_object(request)
        reason = _str(body, "reason", required=False)
        async with self.state.lock:
            registration = self.state.cancel_registration(
                request.path_params["registration_id"], reason
            )
            return _ok(self.state.registration_json(registration))

    async def visit(self, request: Request) -> Response:
        return await self._settle_visit(request, "VISITED", "VISIT_COMPLETED")

    async def miss(self, request: Request) -> Response:
        return await self._settle_visit(request, "MISSED", "VISIT_MISSED")

    async def _settle_visit(self, request: Request, status: str, event_type: str) -> Response:
        async with self.state.lock:
            registration = self.state.get_registration(request.path_params["registration_id"])
            if registration.status == status:
                return _ok(self.state.registration_json(registration))
            if registration.status != "CONFIRMED":
                raise HisError(409, "INVALID_STATE", f"the registration is {registration.status}")
            registration.status = status
            self.state.emit(
                event_type,
                {
                    "registrationId": registration.id,
                    "orderId": registration.order_id,
                    "patientId": registration.patient_id,
                },
            )
            return _ok(self.state.registration_json(registration))

    async def print_invoice(self, request: Request) -> Response:
        async with self.state.lock:
            registration = self.state.get_registration(request.path_params["registration_id"])
            registration.invoice_printed = True
            return _ok(self.state.registration_json(registration))

    async def suspend_schedule(self, request: Request) -> Response:
        body = await _json_object(request)
        reason = _str(body, "reason", required=False) or "专家停诊"
        async with self.state.lock:
            schedule = self.state.schedules.get(request.path_params["schedule_id"])
            if schedule is None:
                raise _not_found("schedule")
            if schedule.status != "SUSPENDED":
                schedule.status = "SUSPENDED"
                schedule.suspended_reason = reason
                self.state.emit("SCHEDULE_SUSPENDED", {"scheduleId": schedule.id, "reason": reason})
            return _ok(self.state.schedule_json(schedule, self.state.clock.now()))

    async def set_slot_capacity(self, request: Request) -> Response:
        """The hospital adds or withdraws places in a slot (load tests size schedules with it)."""
        body = await _json_object(request)
        capacity = _int(body, "capacity", low=0, high=10_000)
        async with self.state.lock:
            slot = self.state.slots.get(request.path_params["slot_id"])
            if slot is None:
                raise _not_found("slot")
            slot.capacity = capacity
            return _ok({"id": slot.id, "capacity": slot.capacity})

    # --- bills --------------------------------------------------------------------------------

    async def patient_bills(self, request: Request) -> Response:
        status = request.query_params.get("status")
        async with self.state.lock:
            patient = self.state.get_patient(request.path_params["patient_id"])
            now = self.state.clock.now()
            bills = [
                self.state.bill_json(b, now)
                for b in self.state.bills.values()
                if b.patient_id == patient.id
            ]
        bills = [b for b in bills if status is None or b["status"] == status]
        bills.sort(key=lambda b: b["issuedAt"], reverse=True)
        return _ok(bills)

    async def quote_bills(self, request: Request) -> Response:
        body = await _json_object(request)
        patient_id, bill_ids = _str(body, "patientId"), _str_list(body, "billIds")
        async with self.state.lock:
            items, amount = self.state.quote(patient_id, bill_ids)
        return _ok({"items": items, "amount": amount})

    async def lock_bills(self, request: Request) -> Response:
        body = await _json_object(request)
        lock_id, patient_id = _str(body, "lockId"), _str(body, "patientId")
        bill_ids = _str_list(body, "billIds")
        ttl = _int(body, "ttlSeconds", low=1, high=MAX_TTL_SECONDS)
        async with self.state.lock:
            lock = self.state.lock_bills(lock_id, patient_id, bill_ids, ttl)
        expires_at = lock.expires_at.isoformat()
        return _ok({"lockId": lock.lock_id, "amount": lock.amount, "expiresAt": expires_at})

    async def release_bill_lock(self, request: Request) -> Response:
        async with self.state.lock:
            self.state.release_bill_lock(request.path_params["lock_id"])
        return Response(status_code=204)

    async def pay_bills(self, request: Request) -> Response:
        body = await _json_object(request)
        fields = {
            "order_id": _str(body, "orderId"),
            "lock_id": _str(body, "lockId"),
            "patient_id": _str(body, "patientId"),
            "payment_ref": _str(body, "paymentRef"),
        }
        bill_ids, amount = _str_list(body, "billIds"), _int(body, "amount")
        async with self.state.lock:
            payment = self.state.pay_bills(bill_ids=bill_ids, amount=amount, **fields)
            return _ok(self.state.bill_payment_json(payment))

    async def bill_payments(self, request: Request) -> Response:
        order_id = request.query_params.get("orderId")
        if not order_id:
            raise _invalid("orderId is required")
        payment_id = self.state.bill_payment_by_order.get(order_id)
        if payment_id is None:
            return _ok([])
        return _ok([self.state.bill_payment_json(self.state.bill_payments[payment_id])])

    async def create_bill(self, request: Request) -> Response:
        body = await _json_object(request)
        patient_id = _str(body, "patientId")
        items = _bill_items(body)
        title = _str(body, "title", required=False) or "门诊费用"
        async with self.state.lock:
            self.state.get_patient(patient_id)
            bill = BillRecord(
                id=self.state.next_id("bill"),
                patient_id=patient_id,
                title=title,
                issued_at=self.state.clock.now(),
                items=items,
            )
            self.state.bills[bill.id] = bill
        return _ok({"id": bill.id})

    # --- reports and prescriptions ------------------------------------------------------------

    async def patient_reports(self, request: Request) -> Response:
        patient = self.state.get_patient(request.path_params["patient_id"])
        reports = [r for r in self.state.reports.values() if r.patient_id == patient.id]
        reports.sort(key=lambda r: r.issued_at, reverse=True)
        return _ok([self.state.report_summary_json(r) for r in reports])

    async def report(self, request: Request) -> Response:
        report = self.state.reports.get(request.path_params["report_id"])
        if report is None:
            raise _not_found("report")
        return _ok(self.state.report_json(report))

    async def create_report(self, request: Request) -> Response:
        body = await _json_object(request)
        patient_id = _str(body, "patientId")
        kind = body.get("kind", "LAB")
        if kind not in REPORT_KINDS:
            raise _invalid("kind must be LAB or EXAM")
        title = _str(body, "title")
        status = body.get("status", "FINAL")
        if status not in {"PENDING", "FINAL"}:
            raise _invalid("status must be PENDING or FINAL")
        conclusion = body.get("conclusion")
        items = _report_items(body)
        async with self.state.lock:
            self.state.get_patient(patient_id)
            report = ReportRecord(
                id=self.state.next_id("rpt"),
                patient_id=patient_id,
                kind=kind,
                title=title,
                status=status,
                issued_at=self.state.clock.now(),
                conclusion=str(conclusion) if conclusion is not None else None,
                items=items,
            )
            self.state.reports[report.id] = report
            if status == "FINAL":
                self.state.emit("REPORT_READY", {"reportId": report.id, "patientId": patient_id})
        return _ok({"id": report.id})

    async def patient_prescriptions(self, request: Request) -> Response:
        patient = self.state.get_patient(request.path_params["patient_id"])
        found = [p for p in self.state.prescriptions.values() if p.patient_id == patient.id]
        found.sort(key=lambda p: p.issued_at, reverse=True)
        return _ok([self.state.prescription_json(p) for p in found])

    # --- simulator control --------------------------------------------------------------------

    async def get_faults(self, request: Request) -> Response:
        return _ok(self.state.faults.to_json())

    async def put_faults(self, request: Request) -> Response:
        body = await _json_object(request)
        async with self.state.lock:
            self.state.faults.update(body)
        return _ok(self.state.faults.to_json())

    async def reset(self, request: Request) -> Response:
        async with self.state.lock:
            self.state.reset()
        return _ok({"ok": True})

    async def events(self, request: Request) -> Response:
        return _ok({"events": self.state.sent_events, "delivered": self.state.delivered})


# --- the gate: faults and the API key ---------------------------------------------------------

_ADMIN_EXACT = {
    ("GET", "/faults"),
    ("PUT", "/faults"),
    ("POST", "/reset"),
    ("GET", "/events"),
    ("POST", "/patients"),
    ("POST", "/bills"),
    ("POST", "/reports"),
    ("POST", "/window-registrations"),
}
_ADMIN_ACTIONS = {
    ("schedules", "suspend"),
    ("registrations", "visit"),
    ("registrations", "miss"),
    ("registrations", "print-invoice"),
    ("slots", "capacity"),
}


def is_admin_path(method: str, path: str) -> bool:
    """Calls that stand for people at the hospital, not for the BFF: no key, no faults."""
    if (method, path) in _ADMIN_EXACT or path.startswith("/photos/"):
        return True
    parts = path.strip("/").split("/")
    return method == "POST" and len(parts) == 3 and (parts[0], parts[2]) in _ADMIN_ACTIONS


def _route_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


class HisGate:
    """ASGI middleware: the injected faults, then the API key, in front of the BFF's calls."""

    def __init__(self, app: ASGIApp, state: HisState, api_key: str | None) -> None:
        self.app = app
        self.state = state
        self.api_key = api_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_admin_path(scope["method"], _route_path(scope)):
            await self.app(scope, receive, send)
            return
        faults, rng = self.state.faults, self.state.random
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if faults.error_rate and rng.random() < faults.error_rate:
            response = JSONResponse(
                {"code": "UNAVAILABLE", "message": "simulated HIS failure"}, status_code=503
            )
            await response(scope, receive, send)
            return
        if self.api_key is not None:
            given = Request(scope).headers.get("x-his-key", "")
            if not hmac.compare_digest(given.encode(), self.api_key.encode()):
                response = JSONResponse(
                    {"code": "UNAUTHORIZED", "message": "missing or wrong X-His-Key"},
                    status_code=401,
                )
                await response(scope, receive, send)
                return
        if faults.timeout_rate and rng.random() < faults.timeout_rate:
            await self._late(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _late(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The HIS does the work but the answer comes too late: the caller's outcome is unknown,
        # which is exactly the case the BFF must settle by querying.
        messages: list[Message] = []

        async def hold(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, hold)
        await asyncio.sleep(self.state.hang_seconds)
        with contextlib.suppress(OSError, RuntimeError):
            for message in messages:
                await send(message)


async def _his_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HisError)
    return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.status)


async def _http_error(request: Request, exc: Exception) -> Response:
    # Unknown paths and wrong methods answer in the same {code, message} shape as refusals.
    assert isinstance(exc, HTTPException)
    code = "NOT_FOUND" if exc.status_code == 404 else f"HTTP_{exc.status_code}"
    return JSONResponse({"code": code, "message": exc.detail}, status_code=exc.status_code)


def create_his_app(
    *,
    clock: Clock,
    webhook_url: str | None,
    webhook_secret: str,
    api_key: str | None,
    seed: bool = True,
    http: httpx.AsyncClient | None = None,
) -> Starlette:
    """The simulated HIS as an ASGI app; its state is `app.state.his`."""
    state = HisState(
        clock, seed=seed, webhook_url=webhook_url, webhook_secret=webhook_secret, http=http
    )
    api = HisEndpoints(state)
    routes = [
        Route("/departments", api.departments, methods=["GET"]),
        Route("/experts", api.experts, methods=["GET"]),
        Route("/schedules", api.schedules, methods=["GET"]),
        Route("/schedules/{schedule_id}/suspend", api.suspend_schedule, methods=["POST"]),
        Route("/slots/{slot_id}", api.slot, methods=["GET"]),
        Route("/slots/{slot_id}/capacity", api.set_slot_capacity, methods=["POST"]),
        Route("/photos/{expert_id}.svg", api.photo, methods=["GET"]),
        Route("/patients", api.create_patient, methods=["POST"]),
        Route("/patients/lookup", api.lookup_patients, methods=["POST"]),
        Route("/patients/{patient_id}", api.patient, methods=["GET"]),
        Route("/patients/{patient_id}/bills", api.patient_bills, methods=["GET"]),
        Route("/patients/{patient_id}/reports", api.patient_reports, methods=["GET"]),
        Route("/patients/{patient_id}/prescriptions", api.patient_prescriptions, methods=["GET"]),
        Route("/patients/{patient_id}/registrations", api.patient_registrations, methods=["GET"]),
        Route("/window-registrations", api.register_at_window, methods=["POST"]),
        Route("/slot-locks", api.lock_slot, methods=["POST"]),
        Route("/slot-locks/{lock_id}", api.release_slot_lock, methods=["DELETE"]),
        Route("/registrations", api.register, methods=["POST"]),
        Route("/registrations", api.registrations, methods=["GET"]),
        Route("/registrations/{registration_id}/cancel", api.cancel_registration, methods=["POST"]),
        Route("/statistics/registrations", api.registration_statistics, methods=["GET"]),
        Route("/registrations/{registration_id}/visit", api.visit, methods=["POST"]),
        Route("/registrations/{registration_id}/miss", api.miss, methods=["POST"]),
        Route(
            "/registrations/{registration_id}/print-invoice", api.print_invoice, methods=["POST"]
        ),
        Route("/bills", api.create_bill, methods=["POST"]),
        Route("/bill-payments/quote", api.quote_bills, methods=["POST"]),
        Route("/bill-locks", api.lock_bills, methods=["POST"]),
        Route("/bill-locks/{lock_id}", api.release_bill_lock, methods=["DELETE"]),
        Route("/bill-payments", api.pay_bills, methods=["POST"]),
        Route("/bill-payments", api.bill_payments, methods=["GET"]),
        Route("/reports", api.create_report, methods=["POST"]),
        Route("/reports/{report_id}", api.report, methods=["GET"]),
        Route("/faults", api.get_faults, methods=["GET"]),
        Route("/faults", api.put_faults, methods=["PUT"]),
        Route("/reset", api.reset, methods=["POST"]),
        Route("/events", api.events, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(HisGate, state=state, api_key=api_key)],
        exception_handlers={HisError: _his_error, HTTPException: _http_error},
    )
    app.state.his = state
    return app
