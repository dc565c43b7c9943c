"""Our rows and the HIS's DTOs as FHIR R4B resources, each validated by its model as it is
made; FHIR ids and references read back into ours.

A FHIR id is `[A-Za-z0-9-.]{1,64}`: the HIS's ids already are; our own (`ord_<hex>`) carry an
underscore, so an Appointment's id is the order's with `-` for `_`, read back by `order_id`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.diagnosticreport import DiagnosticReport
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.resource import Resource
from fhir.resources.R4B.schedule import Schedule as FhirSchedule
from fhir.resources.R4B.slot import Slot as FhirSlot

from hospital_bff.datasources.his_models import (
    Department,
    Expert,
    Prescription,
    Report,
    ReportSummary,
    Schedule,
    Slot,
)
from hospital_bff.services.money.rules import OrderStatus
from hospital_bff.store.models import Order, PatientBinding, Payment

EXTENSION = "urn:hospital-bff:fhir:extension:"
EXT_ORDER_STATUS = EXTENSION + "order-status"
EXT_PAYMENT = EXTENSION + "payment"
EXT_SCHEDULE_STATUS = EXTENSION + "schedule-status"
EXT_FEE = EXTENSION + "fee"
EXT_DEPARTMENT = EXTENSION + "department"
EXT_ELIGIBILITY = EXTENSION + "eligibility"
CARD_NUMBER_SYSTEM = "urn:hospital-bff:card-number"
REPORT_KIND_SYSTEM = "urn:hospital-bff:report-kind"
INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
PROPOSAL_PREFIX = "proposed."

# Where an order's status lands among FHIR's appointment statuses; the exact one rides along
# in the order-status extension.
APPOINTMENT_STATUS: dict[OrderStatus, str] = {
    OrderStatus.AWAITING_PAYMENT: "pending",
    OrderStatus.PAID: "pending",
    OrderStatus.CONFIRMED: "booked",
    OrderStatus.COMPLETED: "fulfilled",
    OrderStatus.EXPIRED: "cancelled",
    OrderStatus.CANCELLED: "cancelled",
    OrderStatus.FAILED: "cancelled",
}
_SEX = {"MALE": "male", "FEMALE": "female"}
_FLAG = {"NORMAL": "N", "HIGH": "H", "LOW": "L", "ABNORMAL": "A"}


def appointment_id(order_id: str) -> str:
    return order_id.replace("_", "-")


def order_id(appointment: str) -> str | None:
    """The order behind an Appointment id; None for an id no order of ours can have."""
    prefix, sep, rest = appointment.partition("-")
    return f"{prefix}_{rest}" if prefix == "ord" and sep and rest else None


def proposal_id(slot_id: str, patient_id: str) -> str:
    """A proposed Appointment of $find, named by what it proposes ($hold reads it back)."""
    return f"{PROPOSAL_PREFIX}{slot_id}.{patient_id}"


def proposal_of(appointment: str) -> tuple[str, str] | None:
    """(slot id, patient id) of a proposal id; None for any other id."""
    if not appointment.startswith(PROPOSAL_PREFIX):
        return None
    slot_id, sep, patient_id = appointment.removeprefix(PROPOSAL_PREFIX).rpartition(".")
    return (slot_id, patient_id) if sep and slot_id and patient_id else None


def reference_id(value: str, resource_type: str) -> str:
    """`Type/id` or a bare id (also an absolute URL ending so) as the id; '' for another type."""
    parts = value.rstrip("/").split("/")
    if len(parts) == 1:
        return parts[0]
    return parts[-1] if parts[-2] == resource_type else ""


def _money(fen: int) -> dict[str, Any]:
    return {"value": Decimal(fen) / 100, "currency": "CNY"}


def patient(binding: PatientBinding) -> Patient:
    return Patient.model_validate(
        {
            "resourceType": "Patient",
            "id": binding.his_patient_id,
            "active": binding.active,
            "identifier": [{"system": CARD_NUMBER_SYSTEM, "value": binding.card_number}],
            "name": [{"text": binding.name}],
            "gender": _SEX.get(binding.sex, "unknown"),
            "birthDate": binding.birth_date,
        }
    )


def practitioner(expert: Expert) -> Practitioner:
    return Practitioner.model_validate(
        {
            "resourceType": "Practitioner",
            "id": expert.id,
            "extension": [
                {
                    "url": EXT_DEPARTMENT,
                    "valueReference": {"reference": f"Organization/{expert.department_id}"},
                }
            ],
            "active": True,
            "name": [{"text": expert.name}],
            "qualification": [{"code": {"text": expert.title}}],
            "photo": [{"url": expert.photo_url}] if expert.photo_url else None,
        }
    )


def organization(department: Department) -> Organization:
    return Organization.model_validate(
        {
            "resourceType": "Organization",
            "id": department.id,
            "active": True,
            "type": [{"text": "department"}],
            "name": department.name,
            "address": [{"text": department.location}],
            "partOf": (
                {"reference": f"Organization/{department.parent_id}"}
                if department.parent_id
                else None
            ),
        }
    )


def schedule(item: Schedule) -> FhirSchedule:
    return FhirSchedule.model_validate(
        {
            "resourceType": "Schedule",
            "id": item.id,
            "extension": [
                {"url": EXT_SCHEDULE_STATUS, "valueCode": item.status},
                {"url": EXT_FEE, "valueMoney": _money(item.fee)},
            ],
            "active": item.status in ("OPEN", "FULL"),
            "serviceType": [{"text": item.period}],
            "actor": [{"reference": f"Practitioner/{item.expert_id}"}],
            "planningHorizon": _horizon(item),
            "comment": item.location,
        }
    )


def _horizon(item: Schedule) -> dict[str, datetime] | None:
    if not item.slots:
        return None
    return {
        "start": min(s.starts_at for s in item.slots),
        "end": max(s.ends_at for s in item.slots),
    }


def slot_is_free(item: Slot, of: Schedule) -> bool:
    return of.status == "OPEN" and item.remaining > 0


def slot(item: Slot, of: Schedule) -> FhirSlot:
    return FhirSlot.model_validate(
        {
            "resourceType": "Slot",
            "id": item.id,
            "schedule": {"reference": f"Schedule/{of.id}"},
            "status": "free" if slot_is_free(item, of) else "busy",
            "start": item.starts_at,
            "end": item.ends_at,
            "comment": f"{item.remaining}/{item.capacity}",
        }
    )


def appointment(order: Order, payment: Payment | None = None) -> Appointment:
    status = OrderStatus(order.status)
    fhir_status = "noshow" if order.no_show else APPOINTMENT_STATUS[status]
    extensions: list[dict[str, Any]] = [{"url": EXT_ORDER_STATUS, "valueCode": order.status}]
    if payment is not None:
        extensions.append(payment_extension(payment))
    participants: list[dict[str, Any]] = [
        {
            "actor": {
                "reference": f"Patient/{order.his_patient_id}",
                "display": order.patient_name,
            },
            "status": "accepted",
        }
    ]
    if order.expert_id:
        participants.append(
            {
                "actor": {
                    "reference": f"Practitioner/{order.expert_id}",
                    "display": order.expert_name,
                },
                "status": "accepted",
            }
        )
    return Appointment.model_validate(
        {
            "resourceType": "Appointment",
            "id": appointment_id(order.id),
            "extension": extensions,
            "identifier": [{"system": "urn:hospital-bff:order", "value": order.id}],
            "status": fhir_status,
            "cancelationReason": (
                {"text": order.cancel_reason}
                if fhir_status == "cancelled" and order.cancel_reason
                else None
            ),
            "description": " ".join(
                x for x in (order.department_name, order.expert_name, order.location) if x
            )
            or None,
            "start": order.starts_at,
            "end": order.ends_at,
            "created": order.created_at,
            "slot": [{"reference": f"Slot/{order.slot_id}"}] if order.slot_id else None,
            "comment": (
                f"ticket {order.ticket_number}, arrive by {order.suggested_arrival.isoformat()}"
                if order.ticket_number is not None and order.suggested_arrival is not None
                else None
            ),
            "participant": participants,
        }
    )


def payment_extension(payment: Payment) -> dict[str, Any]:
    """How to pay a booked order: the bank order, its amount, its cashier and its deadline."""
    parts: list[dict[str, Any]] = [
        {"url": "paymentId", "valueString": payment.id},
        {"url": "status", "valueCode": payment.status},
        {"url": "channel", "valueCode": payment.channel},
        {"url": "amount", "valueMoney": _money(payment.amount)},
        {"url": "amountFen", "valueInteger": payment.amount},
        {"url": "expiresAt", "valueDateTime": payment.expires_at},
    ]
    if payment.pay_url:
        parts.append({"url": "payUrl", "valueUrl": payment.pay_url})
    return {"url": EXT_PAYMENT, "extension": parts}


def proposed_appointment(item: Slot, of: Schedule, patient_id: str) -> Appointment:
    return Appointment.model_validate(
        {
            "resourceType": "Appointment",
            "id": proposal_id(item.id, patient_id),
            "extension": [{"url": EXT_FEE, "valueMoney": _money(of.fee)}],
            "status": "proposed",
            "start": item.starts_at,
            "end": item.ends_at,
            "slot": [{"reference": f"Slot/{item.id}"}],
            "description": of.location,
            "participant": [
                {"actor": {"reference": f"Patient/{patient_id}"}, "status": "needs-action"},
                {"actor": {"reference": f"Practitioner/{of.expert_id}"}, "status": "accepted"},
            ],
        }
    )


def diagnostic_report(item: ReportSummary) -> DiagnosticReport:
    full = item if isinstance(item, Report) else None
    contained = []
    for n, line in enumerate(full.items if full else [], start=1):
        contained.append(
            {
                "resourceType": "Observation",
                "id": f"r{n}",
                "status": "final",
                "code": {"text": line.name},
                "valueString": f"{line.value} {line.unit}" if line.unit else line.value,
                "interpretation": [
                    {"coding": [{"system": INTERPRETATION_SYSTEM, "code": _FLAG[line.flag]}]}
                ],
                "referenceRange": (
                    [{"text": line.reference_range}] if line.reference_range else None
                ),
            }
        )
    return DiagnosticReport.model_validate(
        {
            "resourceType": "DiagnosticReport",
            "id": item.id,
            "contained": contained or None,
            "status": "final" if item.status == "FINAL" else "registered",
            "category": [{"coding": [{"system": REPORT_KIND_SYSTEM, "code": item.kind}]}],
            "code": {"text": item.title},
            "subject": {"reference": f"Patient/{item.patient_id}"},
            "issued": item.issued_at,
            "conclusion": full.conclusion if full else None,
            "result": [{"reference": f"#{c['id']}"} for c in contained] or None,
        }
    )


def medication_requests(item: Prescription) -> list[MedicationRequest]:
    """One MedicationRequest a drug, grouped by the prescription's id."""
    return [
        MedicationRequest.model_validate(
            {
                "resourceType": "MedicationRequest",
                "id": f"{item.id}.{n}",
                "groupIdentifier": {"system": "urn:hospital-bff:prescription", "value": item.id},
                "status": "active",
                "intent": "order",
                "medicationCodeableConcept": {"text": drug.drug_name},
                "subject": {"reference": f"Patient/{item.patient_id}"},
                "authoredOn": item.issued_at,
                "requester": {"display": item.doctor_name},
                "reasonCode": [{"text": item.diagnosis}],
                "dosageInstruction": [
                    {
                        "text": f"{drug.dose} {drug.frequency}",
                        "route": {"text": drug.route},
                        "patientInstruction": drug.guidance,
                    }
                ],
                "dispenseRequest": {
                    "expectedSupplyDuration": {
                        "value": drug.days,
                        "unit": "d",
                        "system": "http://unitsofmeasure.org",
                        "code": "d",
                    }
                },
            }
        )
        for n, drug in enumerate(item.items, start=1)
    ]


def searchset(base: str, self_url: str, resources: Sequence[Resource], *extra: Resource) -> Bundle:
    """A search's answer: the matches, and (mode outcome) what the search wants said."""
    entries: list[dict[str, Any]] = [
        {
            "fullUrl": f"{base}/{r.get_resource_type()}/{r.id}",
            "resource": r,
            "search": {"mode": "match"},
        }
        for r in resources
    ]
    entries += [{"resource": r, "search": {"mode": "outcome"}} for r in extra]
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(resources),
            "link": [{"relation": "self", "url": self_url}],
            "entry": entries or None,
        }
    )
