"""The simulated HIS's records: the hospital's catalogue and people, and what the BFF holds
there (slot and bill locks, registrations, bill payments). Plain data; the rules that change
them are in `rules`, their wire shapes in `serialise`.

These look like our client's `datasources.his_models` on purpose and share nothing with them:
the simulator stands for the hospital's system, so it keeps its own records, and a mistake in
our client's models cannot pass unseen by being the simulator's too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(slots=True)
class DepartmentRecord:
    """A clinical department and who may be seen there."""

    id: str
    name: str
    intro: str
    location: str
    parent_id: str | None = None
    sex: str | None = None
    min_age: int | None = None
    max_age: int | None = None


@dataclass(slots=True)
class ExpertRecord:
    """A doctor who holds clinics."""

    id: str
    department_id: str
    name: str
    title: str
    specialty: str
    intro: str
    photo_url: str


@dataclass(slots=True)
class ScheduleRecord:
    """One expert's half-day clinic; `status` holds only what people decide (OPEN, SUSPENDED)."""

    id: str
    expert_id: str
    department_id: str
    # dt.date: the field is named `date`, which would shadow the type when annotations are read.
    date: dt.date
    period: str
    starts_at: datetime
    ends_at: datetime
    release_at: datetime
    registration_fee: int
    diagnosis_fee: int
    location: str
    slot_ids: list[str] = field(default_factory=list)
    status: str = "OPEN"
    suspended_reason: str | None = None
    last_number: int = 0


@dataclass(slots=True)
class SlotRecord:
    """A time slot inside a schedule."""

    id: str
    schedule_id: str
    starts_at: datetime
    ends_at: datetime
    capacity: int


@dataclass(slots=True)
class PatientRecord:
    """An entry of the patient master index."""

    id: str
    name: str
    id_number: str
    sex: str
    birth_date: date
    phone: str | None
    insurance: str
    card_number: str


@dataclass(slots=True)
class BillRecord:
    """An outpatient bill that a doctor's order created."""

    id: str
    patient_id: str
    title: str
    issued_at: datetime
    items: list[dict[str, Any]]
    paid_by: str | None = None

    @property
    def amount(self) -> int:
        return sum(int(item["amount"]) for item in self.items)


@dataclass(slots=True)
class ReportRecord:
    """A lab or exam report."""

    id: str
    patient_id: str
    kind: str
    title: str
    status: str
    issued_at: datetime
    conclusion: str | None
    items: list[dict[str, Any]]


@dataclass(slots=True)
class PrescriptionRecord:
    """A prescription with its drugs."""

    id: str
    patient_id: str
    issued_at: datetime
    doctor_name: str
    diagnosis: str
    items: list[dict[str, Any]]


@dataclass(slots=True)
class HisSeed:
    """The records a simulator starts from."""

    departments: dict[str, DepartmentRecord] = field(default_factory=dict)
    experts: dict[str, ExpertRecord] = field(default_factory=dict)
    schedules: dict[str, ScheduleRecord] = field(default_factory=dict)
    slots: dict[str, SlotRecord] = field(default_factory=dict)
    patients: dict[str, PatientRecord] = field(default_factory=dict)
    bills: dict[str, BillRecord] = field(default_factory=dict)
    reports: dict[str, ReportRecord] = field(default_factory=dict)
    prescriptions: dict[str, PrescriptionRecord] = field(default_factory=dict)


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


@dataclass(slots=True)
class QueueEntryRecord:
    """A checked-in registration's place in its schedule's queue (签到, 叫号)."""

    registration_id: str
    schedule_id: str
    number: int  # the ticket number: the queue's order
    checked_in_at: datetime
    status: str = "WAITING"  # WAITING, CALLED, MISSED, DONE
    called_at: datetime | None = None
    room: str | None = None
