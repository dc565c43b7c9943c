"""Read and search of the resources /fhir serves, through the same services as GraphQL: the
catalogue (public), the caller's own patients and orders, and the records through the
record-access rules and their audit trail (services/records.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource
from sqlmodel import col, select

from hospital_bff.datasources.his_models import Schedule
from hospital_bff.fhir import mapping
from hospital_bff.fhir.context import (
    FhirContext,
    compares,
    one,
    parse_date,
    parse_instant,
    prefixed,
    referenced,
)
from hospital_bff.fhir.outcomes import bad_request, not_found
from hospital_bff.services.accounts import patients
from hospital_bff.services.errors import NotFound
from hospital_bff.services.money import orders
from hospital_bff.services.money.rules import OrderKind, OrderStatus, PaymentStatus
from hospital_bff.services.records import RecordService
from hospital_bff.store.models import Order, Payment

Params = dict[str, list[str]]
Read = Callable[[FhirContext, str], Awaitable[Resource]]
Search = Callable[[FhirContext, Params], Awaitable[Bundle]]

DEFAULT_SCHEDULE_DAYS = 7
APPOINTMENT_PAGE = 100


def _ref(params: Params, name: str, resource_type: str, *, required: bool = False) -> str | None:
    return referenced(one(params, name, required=required), name, resource_type)


# --- Patient -------------------------------------------------------------------------


async def read_patient(ctx: FhirContext, patient_id: str) -> Resource:
    caller = await ctx.caller()
    async with ctx.runtime.sessions() as session:
        try:
            binding = await patients.binding_of(session, caller.user_id, patient_id)
        except NotFound:
            raise not_found("Patient") from None
    return mapping.patient(binding)


async def search_patients(ctx: FhirContext, params: Params) -> Bundle:
    caller = await ctx.caller()
    wanted = one(params, "_id")
    async with ctx.runtime.sessions() as session:
        bound = await patients.bound_patients(session, caller.user_id) if caller.user_id else []
    found = [mapping.patient(b) for b in bound if wanted in (None, b.his_patient_id)]
    return mapping.searchset(ctx.base, ctx.self_url(), found)


# --- the catalogue --------------------------------------------------------------------


async def read_practitioner(ctx: FhirContext, expert_id: str) -> Resource:
    await ctx.caller()
    expert = (await ctx.runtime.catalogue.catalogue()).experts_by_id.get(expert_id)
    if expert is None:
        raise not_found("Practitioner")
    return mapping.practitioner(expert)


async def search_practitioners(ctx: FhirContext, params: Params) -> Bundle:
    await ctx.caller()
    department = _ref(params, "organization", "Organization")
    catalogue = await ctx.runtime.catalogue.catalogue()
    experts = catalogue.experts_of(department) if department else catalogue.experts
    return mapping.searchset(ctx.base, ctx.self_url(), [mapping.practitioner(e) for e in experts])


async def read_organization(ctx: FhirContext, department_id: str) -> Resource:
    await ctx.caller()
    found = (await ctx.runtime.catalogue.catalogue()).departments_by_id.get(department_id)
    if found is None:
        raise not_found("Organization")
    return mapping.organization(found)


async def search_organizations(ctx: FhirContext, params: Params) -> Bundle:
    await ctx.caller()
    departments = (await ctx.runtime.catalogue.catalogue()).departments
    return mapping.searchset(
        ctx.base, ctx.self_url(), [mapping.organization(d) for d in departments]
    )


async def read_schedule(ctx: FhirContext, schedule_id: str) -> Resource:
    await ctx.caller()
    found = await ctx.runtime.catalogue.schedule(schedule_id)
    if found is None:
        raise not_found("Schedule")
    return mapping.schedule(found)


def day_range(ctx: FhirContext, values: list[str], name: str) -> tuple[date, date]:
    """The days a date parameter (eq, ge, le, gt, lt; repeatable) spans; the next week when
    absent."""
    start = ctx.runtime.clock.today()
    end: date | None = None
    for raw in values:
        prefix, value = prefixed(raw)
        day = parse_date(value, name)
        if prefix == "eq":
            start, end = day, day
        elif prefix in ("ge", "gt"):
            start = day + timedelta(days=1) if prefix == "gt" else day
        elif prefix in ("le", "lt"):
            end = day - timedelta(days=1) if prefix == "lt" else day
        else:
            raise bad_request(f"参数 {name} 不支持 ne", f"Parameter {name} does not take ne")
    return start, end or start + timedelta(days=DEFAULT_SCHEDULE_DAYS - 1)


async def search_schedules(ctx: FhirContext, params: Params) -> Bundle:
    await ctx.caller()
    expert_id = _ref(params, "actor", "Practitioner", required=True)
    start, end = day_range(ctx, params.get("date", []), "date")
    schedules = await _schedules_of(ctx, expert_id or "", start, end)
    return mapping.searchset(ctx.base, ctx.self_url(), [mapping.schedule(s) for s in schedules])


async def _schedules_of(ctx: FhirContext, expert_id: str, start: date, end: date) -> list[Schedule]:
    expert = (await ctx.runtime.catalogue.catalogue()).experts_by_id.get(expert_id)
    if expert is None:
        return []
    found = await ctx.runtime.catalogue.schedules_of_department(expert.department_id, start, end)
    return [s for s in found if s.expert_id == expert_id]


async def read_slot(ctx: FhirContext, slot_id: str) -> Resource:
    await ctx.caller()
    found = await ctx.runtime.his.slot(slot_id)
    if found is None:
        raise not_found("Slot")
    return mapping.slot(found, found.schedule)


async def search_slots(ctx: FhirContext, params: Params) -> Bundle:
    await ctx.caller()
    schedule_id = _ref(params, "schedule", "Schedule", required=True)
    status = one(params, "status")
    if status not in (None, "free", "busy"):
        raise bad_request("status 只能是 free 或 busy", "status is free or busy")
    bounds = [prefixed(v) for v in params.get("start", [])]
    parsed = [(p, parse_instant(v, "start")) for p, v in bounds]
    schedule = await ctx.runtime.catalogue.schedule(schedule_id or "")
    slots = []
    for item in schedule.slots if schedule is not None else []:
        assert schedule is not None
        if status is not None and (mapping.slot_is_free(item, schedule) != (status == "free")):
            continue
        if all(compares(p, item.starts_at, b) for p, b in parsed):
            slots.append(mapping.slot(item, schedule))
    return mapping.searchset(ctx.base, ctx.self_url(), slots)


# --- the caller's registrations -------------------------------------------------------


async def _payment_of(ctx: FhirContext, order: Order) -> Payment | None:
    """The payment to show on a pending order: the live one, or none."""
    if order.status != OrderStatus.AWAITING_PAYMENT:
        return None
    async with ctx.runtime.sessions() as session:
        rows = await session.exec(
            select(Payment)
            .where(Payment.order_id == order.id, Payment.status == PaymentStatus.PENDING)
            .order_by(col(Payment.created_at).desc())
        )
        return rows.first()


async def appointment_of(ctx: FhirContext, order_id: str | None) -> Order:
    """The caller's registration behind an Appointment id; another's is not found."""
    caller = await ctx.caller()
    async with ctx.runtime.sessions() as session:
        try:
            order = await orders.owned_order(session, caller.user_id, order_id or "")
        except NotFound:
            raise not_found("Appointment") from None
    if order.kind != OrderKind.REGISTRATION:
        raise not_found("Appointment")
    return order


async def read_appointment(ctx: FhirContext, appointment: str) -> Resource:
    return await appointment_resource(ctx, mapping.order_id(appointment))


async def appointment_resource(ctx: FhirContext, order_id: str | None) -> Appointment:
    """The caller's registration as an Appointment, with the payment it awaits if any."""
    order = await appointment_of(ctx, order_id)
    return mapping.appointment(order, await _payment_of(ctx, order))


async def search_appointments(ctx: FhirContext, params: Params) -> Bundle:
    caller = await ctx.caller()
    patient_id = _ref(params, "patient", "Patient")
    status = one(params, "status")
    if status is not None and status not in set(mapping.APPOINTMENT_STATUS.values()) | {
        "noshow",
        "proposed",
    }:
        raise bad_request("status 不是预约状态", "status is not an appointment status")
    rows: list[Order] = []
    if caller.user_id is not None:
        async with ctx.runtime.sessions() as session:
            rows = await orders.page(
                session,
                caller.user_id,
                patient_id=patient_id,
                statuses=None,
                first=APPOINTMENT_PAGE,
                after=None,
            )
    found = [
        a
        for a in (mapping.appointment(o) for o in rows if o.kind == OrderKind.REGISTRATION)
        if status in (None, a.status)
    ]
    return mapping.searchset(ctx.base, ctx.self_url(), found)


# --- records, through the access rules -------------------------------------------------


async def read_report(ctx: FhirContext, report_id: str) -> Resource:
    caller = await ctx.caller()
    try:
        report = await RecordService(ctx.runtime).report(caller.user_id, report_id)
    except NotFound:
        raise not_found("DiagnosticReport") from None
    return mapping.diagnostic_report(report)


async def search_reports(ctx: FhirContext, params: Params) -> Bundle:
    caller = await ctx.caller()
    patient_id = _ref(params, "patient", "Patient", required=True) or ""
    try:
        items = await RecordService(ctx.runtime).reports(caller.user_id, patient_id)
    except NotFound:
        items = []  # as GraphQL's `reports`: a patient one may not read has none to show
    return mapping.searchset(
        ctx.base, ctx.self_url(), [mapping.diagnostic_report(r) for r in items]
    )


async def search_medication_requests(ctx: FhirContext, params: Params) -> Bundle:
    caller = await ctx.caller()
    patient_id = _ref(params, "patient", "Patient", required=True) or ""
    try:
        items = await RecordService(ctx.runtime).prescriptions(caller.user_id, patient_id)
    except NotFound:
        items = []
    found = [m for p in items for m in mapping.medication_requests(p)]
    return mapping.searchset(ctx.base, ctx.self_url(), found)


READS: dict[str, Read] = {
    "Patient": read_patient,
    "Practitioner": read_practitioner,
    "Organization": read_organization,
    "Schedule": read_schedule,
    "Slot": read_slot,
    "Appointment": read_appointment,
    "DiagnosticReport": read_report,
}
SEARCHES: dict[str, Search] = {
    "Patient": search_patients,
    "Practitioner": search_practitioners,
    "Organization": search_organizations,
    "Schedule": search_schedules,
    "Slot": search_slots,
    "Appointment": search_appointments,
    "DiagnosticReport": search_reports,
    "MedicationRequest": search_medication_requests,
}
