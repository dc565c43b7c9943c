"""The simulated HIS's records as docs/his-api.md puts them on the wire (camelCase JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hospital_bff.simulators.his.bill_rules import bill_status
from hospital_bff.simulators.his.queue_rules import WAITING, estimated_call_at, positions
from hospital_bff.simulators.his.records import (
    BillPaymentRecord,
    BillRecord,
    DepartmentRecord,
    ExpertRecord,
    PatientRecord,
    PrescriptionRecord,
    QueueEntryRecord,
    RegistrationRecord,
    ReportRecord,
    ScheduleRecord,
    SlotRecord,
)
from hospital_bff.simulators.his.rules import schedule_status, slot_remaining
from hospital_bff.simulators.his.state import HisState


def department_json(d: DepartmentRecord) -> dict[str, Any]:
    return {
        "id": d.id,
        "name": d.name,
        "intro": d.intro,
        "parentId": d.parent_id,
        "location": d.location,
        "restriction": {"sex": d.sex, "minAge": d.min_age, "maxAge": d.max_age},
    }


def expert_json(e: ExpertRecord) -> dict[str, Any]:
    return {
        "id": e.id,
        "departmentId": e.department_id,
        "name": e.name,
        "title": e.title,
        "specialty": e.specialty,
        "intro": e.intro,
        "photoUrl": e.photo_url,
    }


def slot_json(state: HisState, slot: SlotRecord, now: datetime) -> dict[str, Any]:
    return {
        "id": slot.id,
        "scheduleId": slot.schedule_id,
        "startsAt": slot.starts_at.isoformat(),
        "endsAt": slot.ends_at.isoformat(),
        "capacity": slot.capacity,
        "remaining": slot_remaining(state, slot, now),
    }


def schedule_json(
    state: HisState, s: ScheduleRecord, now: datetime, *, with_slots: bool = True
) -> dict[str, Any]:
    # Each slot's places counted once, for the slots, the schedule's sum and its status.
    slots = [slot_json(state, state.slots[i], now) for i in s.slot_ids]
    remaining = sum(slot["remaining"] for slot in slots)
    body: dict[str, Any] = {
        "id": s.id,
        "expertId": s.expert_id,
        "departmentId": s.department_id,
        "date": s.date.isoformat(),
        "period": s.period,
        "status": schedule_status(state, s, now, remaining),
        "releaseAt": s.release_at.isoformat(),
        "registrationFee": s.registration_fee,
        "diagnosisFee": s.diagnosis_fee,
        "capacity": sum(state.slots[i].capacity for i in s.slot_ids),
        "remaining": remaining,
        "location": s.location,
        "suspendReason": s.suspended_reason if s.status == "SUSPENDED" else None,
    }
    if with_slots:
        body["slots"] = slots
    return body


def patient_json(p: PatientRecord) -> dict[str, Any]:
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


def registration_json(state: HisState, r: RegistrationRecord) -> dict[str, Any]:
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
        "departmentId": state.schedules[r.schedule_id].department_id,
        "visitDate": state.schedules[r.schedule_id].date.isoformat(),
    }


def bill_json(state: HisState, b: BillRecord, now: datetime) -> dict[str, Any]:
    return {
        "id": b.id,
        "patientId": b.patient_id,
        "title": b.title,
        "amount": b.amount,
        "issuedAt": b.issued_at.isoformat(),
        "status": bill_status(state, b, now),
        "items": [dict(i) for i in b.items],
    }


def bill_payment_json(p: BillPaymentRecord) -> dict[str, Any]:
    return {
        "id": p.id,
        "orderId": p.order_id,
        "patientId": p.patient_id,
        "billIds": list(p.bill_ids),
        "amount": p.amount,
        "status": "CONFIRMED",
        "paidAt": p.paid_at.isoformat(),
    }


def report_summary_json(r: ReportRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "patientId": r.patient_id,
        "kind": r.kind,
        "title": r.title,
        "status": r.status,
        "issuedAt": r.issued_at.isoformat(),
    }


def report_json(r: ReportRecord) -> dict[str, Any]:
    return {
        **report_summary_json(r),
        "conclusion": r.conclusion,
        "items": [dict(i) for i in r.items],
    }


def prescription_json(p: PrescriptionRecord) -> dict[str, Any]:
    return {
        "id": p.id,
        "patientId": p.patient_id,
        "issuedAt": p.issued_at.isoformat(),
        "doctorName": p.doctor_name,
        "diagnosis": p.diagnosis,
        "items": [dict(i) for i in p.items],
    }


def queue_entry_json(state: HisState, e: QueueEntryRecord, now: datetime) -> dict[str, Any]:
    position = (
        positions(state, e.schedule_id).get(e.registration_id) if e.status == WAITING else None
    )
    ahead = 0 if position is None else position - 1
    return {
        "registrationId": e.registration_id,
        "orderId": state.registrations[e.registration_id].order_id,
        "scheduleId": e.schedule_id,
        "number": e.number,
        "status": e.status,
        "position": position,
        "ahead": ahead,
        "estimatedCallAt": (
            None if position is None else estimated_call_at(state, ahead, now).isoformat()
        ),
        "checkedInAt": e.checked_in_at.isoformat(),
        "calledAt": None if e.called_at is None else e.called_at.isoformat(),
        "room": e.room,
    }
