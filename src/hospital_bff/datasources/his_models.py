"""The HIS WebAPI's payloads (docs/his-api.md) as typed, immutable DTOs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

Sex = Literal["MALE", "FEMALE"]
Period = Literal["MORNING", "AFTERNOON", "EVENING"]
ScheduleStatus = Literal["OPEN", "FULL", "SUSPENDED", "CLOSED"]
Insurance = Literal["SELF_PAY", "MEDICAL_INSURANCE"]
RegistrationStatus = Literal["CONFIRMED", "CANCELLED", "VISITED", "MISSED"]
BillStatus = Literal["UNPAID", "LOCKED", "PAID"]
ReportKind = Literal["LAB", "EXAM"]
ReportStatus = Literal["PENDING", "FINAL"]
ResultFlag = Literal["NORMAL", "HIGH", "LOW", "ABNORMAL"]
QueueStatus = Literal["WAITING", "CALLED", "MISSED", "DONE"]
HisEventType = Literal[
    "REPORT_READY",
    "SCHEDULE_SUSPENDED",
    "VISIT_COMPLETED",
    "VISIT_MISSED",
    "QUEUE_UPDATED",
    "QUEUE_CALLED",
]


class HisModel(BaseModel):
    """Base of the HIS DTOs: camelCase on the wire, snake_case in Python, immutable."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="ignore"
    )


class Restriction(HisModel):
    """Who a department sees; ages are whole years on the visit day, bounds inclusive."""

    sex: Sex | None = None
    min_age: int | None = None
    max_age: int | None = None


class Department(HisModel):
    """A clinical department; `parent_id` links a sub-department to its parent."""

    id: str
    name: str
    intro: str
    parent_id: str | None = None
    location: str
    restriction: Restriction = Restriction()


class Expert(HisModel):
    """A doctor who holds clinics."""

    id: str
    department_id: str
    name: str
    title: str
    specialty: str
    intro: str
    photo_url: str | None = None


class Slot(HisModel):
    """A time slot inside a schedule; `remaining` = capacity - live locks - registrations."""

    id: str
    schedule_id: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    remaining: int


class Schedule(HisModel):
    """One expert's clinic in one period of one day; `slots` is empty when embedded in a Slot."""

    id: str
    expert_id: str
    department_id: str
    date: date
    period: Period
    status: ScheduleStatus
    release_at: datetime
    registration_fee: int
    diagnosis_fee: int
    capacity: int
    remaining: int
    location: str
    slots: list[Slot] = []
    # Why the expert stopped work, while SUSPENDED; lets a sweep that finds a suspension whose
    # event was lost tell the patients the hospital's reason.
    suspend_reason: str | None = None

    @property
    def fee(self) -> int:
        """What a registration costs the patient, in fen (the amount POST /registrations wants)."""
        return self.registration_fee + self.diagnosis_fee


class SlotWithSchedule(Slot):
    """A slot with its schedule, as `GET /slots/{id}` answers."""

    schedule: Schedule


class HisPatient(HisModel):
    """An entry of the hospital's patient master index."""

    id: str
    name: str
    id_number: str
    sex: Sex
    birth_date: date
    phone: str | None = None
    insurance: Insurance
    card_number: str


class SlotLock(HisModel):
    """A seat held for a patient until `expires_at`."""

    lock_id: str
    slot_id: str
    expires_at: datetime


class Registration(HisModel):
    """A registration the HIS confirmed: the patient's numbered ticket."""

    id: str
    # None for a registration made at the hospital's window or a kiosk (no order of ours).
    order_id: str | None
    slot_id: str
    schedule_id: str
    patient_id: str
    status: RegistrationStatus
    number: int
    suggested_arrival: datetime
    location: str
    invoice_printed: bool
    # The schedule's department and day, so booking limits can count registrations from every
    # channel without a schedule look-up each; a HIS that omits them is asked per schedule.
    department_id: str | None = None
    visit_date: date | None = None


class QueueEntry(HisModel):
    """A checked-in registration's place in its schedule's queue on the visit day."""

    registration_id: str
    order_id: str | None = None
    schedule_id: str
    number: int
    status: QueueStatus
    position: int | None = None
    ahead: int = 0
    estimated_call_at: datetime | None = None
    checked_in_at: datetime
    called_at: datetime | None = None
    room: str | None = None


class RegistrationTotal(HisModel):
    """The HIS's count of one day's registrations at every channel (window, phone, ours)."""

    date: date
    department_id: str | None = None
    total: int


class BillItem(HisModel):
    """One charge on a bill."""

    code: str
    name: str
    amount: int


class Bill(HisModel):
    """An outpatient bill."""

    id: str
    patient_id: str
    title: str
    amount: int
    issued_at: datetime
    status: BillStatus
    items: list[BillItem]


class BillQuote(HisModel):
    """What paying some bills costs, with the supplementary items the HIS adds."""

    items: list[BillItem]
    amount: int


class BillLock(HisModel):
    """Bills held at `amount` until `expires_at`."""

    lock_id: str
    amount: int
    expires_at: datetime


class BillPayment(HisModel):
    """Bills the HIS recorded as paid."""

    id: str
    order_id: str
    patient_id: str
    bill_ids: list[str]
    amount: int
    status: Literal["CONFIRMED"]
    paid_at: datetime


class ReportSummary(HisModel):
    """A report as listed."""

    id: str
    patient_id: str
    kind: ReportKind
    title: str
    status: ReportStatus
    issued_at: datetime


class ReportItem(HisModel):
    """One result line of a report."""

    name: str
    value: str
    unit: str | None = None
    reference_range: str | None = None
    flag: ResultFlag = "NORMAL"


class Report(ReportSummary):
    """A report with its conclusion and results (none while PENDING)."""

    conclusion: str | None = None
    items: list[ReportItem] = []


class PrescriptionItem(HisModel):
    """One drug of a prescription, with how to take it."""

    drug_name: str
    dose: str
    frequency: str
    route: str
    days: int
    guidance: str | None = None


class Prescription(HisModel):
    """A prescription."""

    id: str
    patient_id: str
    issued_at: datetime
    doctor_name: str
    diagnosis: str
    items: list[PrescriptionItem]


class HisEvent(HisModel):
    """An event the HIS POSTs to the BFF's webhook; `id` is the deduplication key."""

    id: str
    type: HisEventType
    occurred_at: datetime
    data: dict[str, Any]
