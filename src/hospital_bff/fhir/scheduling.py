"""Appointment $find, $hold and $book, after HL7's scheduling guidance (IHE ITI Scheduling,
from Argonaut Scheduling), on the app's own commands:

- $find: proposed Appointments for the free slots of a department's or an expert's schedules
  that the patient may book (BookingService's eligibility); each schedule the patient may not
  book is named in an OperationOutcome entry, with the contract's code.
- $hold: the app's booking path (BookingService.book): the place is held, locked at the HIS,
  and the order awaits payment within the usual window. The Appointment reads `pending`.
- $book: the payment opens (PaymentService.pay_order, as payOrder): the answer carries its
  cashier in the `payment` extension; once the bank says paid and the HIS confirms, the
  Appointment reads `booked`. A proposal is held first. An appointment-resource with status
  `cancelled` cancels instead (cancel_by_patient: the same refund rules), as the guidance
  cancels through $book.
"""

from __future__ import annotations

import json
from typing import Any

from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.parameters import Parameters
from pydantic import ValidationError

from hospital_bff.datasources.errors import UpstreamUnavailable
from hospital_bff.fhir import mapping
from hospital_bff.fhir.context import FhirContext, parse_date, referenced
from hospital_bff.fhir.outcomes import ERROR_CODE_SYSTEM, bad_request, not_found
from hospital_bff.fhir.reads import appointment_of, appointment_resource
from hospital_bff.metrics import BOOKING_OUTCOMES
from hospital_bff.services.booking import BookingService
from hospital_bff.services.errors import DomainError, NotFound, UpstreamUnavailableError
from hospital_bff.services.money.cancellation import cancel_by_patient
from hospital_bff.services.money.payments import PaymentService
from hospital_bff.services.money.rules import PaymentChannel

IDEMPOTENCY_HEADER = "idempotency-key"


def parameters(body: bytes) -> Parameters:
    """The operation's input: a Parameters resource (an empty body is no parameters)."""
    if not body.strip():
        return Parameters.model_validate({"resourceType": "Parameters"})
    try:
        raw = json.loads(body)
    except ValueError:
        raise bad_request("请求体不是 JSON", "The body is not JSON") from None
    if not isinstance(raw, dict) or raw.get("resourceType") != "Parameters":
        raise bad_request("请求体应为 Parameters", "The body must be a Parameters resource")
    try:
        return Parameters.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise bad_request(f"Parameters 无效: {where}", f"Invalid Parameters: {where}") from None


def _param(given: Parameters, name: str) -> Any:
    found = [p for p in given.parameter or [] if p.name == name]
    if len(found) > 1:
        raise bad_request(f"参数 {name} 只能出现一次", f"Parameter {name} may appear only once")
    return found[0] if found else None


def _string(given: Parameters, name: str, *, required: bool = False) -> str | None:
    """A parameter's value, whichever value[x] it came in as (a date, a string, a reference)."""
    found = _param(given, name)
    value: Any = None
    if found is not None:
        if found.valueReference is not None:
            value = found.valueReference.reference
        else:
            value = found.valueDate or found.valueString or found.valueCode or found.valueId
    if value is None and required:
        raise bad_request(f"缺少参数 {name}", f"Parameter {name} is required")
    return None if value is None else str(value)


def _reference(given: Parameters, name: str, resource_type: str, **kw: bool) -> str | None:
    return referenced(_string(given, name, **kw), name, resource_type)


async def find(ctx: FhirContext, given: Parameters) -> Bundle:
    caller = await ctx.caller()
    patient_id = _reference(given, "patient", "Patient", required=True) or ""
    department = _reference(given, "organization", "Organization")
    expert_id = _reference(given, "practitioner", "Practitioner")
    start = parse_date(_string(given, "start", required=True) or "", "start")
    end_raw = _string(given, "end")
    end = parse_date(end_raw, "end") if end_raw else start
    catalogue = await ctx.runtime.catalogue.catalogue()
    if expert_id is not None:
        expert = catalogue.experts_by_id.get(expert_id)
        department = expert.department_id if expert else None
        if department is None:
            return mapping.searchset(ctx.base, ctx.self_url(), [])
    if department is None:
        raise bad_request(
            "需要 organization 或 practitioner",
            "Parameter organization or practitioner is required",
        )
    schedules = await ctx.runtime.catalogue.schedules_of_department(department, start, end)
    schedules = [s for s in schedules if expert_id in (None, s.expert_id)]
    service = BookingService(ctx.runtime)
    async with ctx.runtime.sessions() as session:
        try:
            verdicts = await service.eligibility_of_schedules(
                session, caller.user_id or "", patient_id, schedules
            )
        except NotFound:
            raise not_found("Patient") from None
    proposals: list[Appointment] = []
    refused: list[dict[str, Any]] = []
    for schedule, verdict in zip(schedules, verdicts, strict=True):
        if not verdict.eligible:
            reason = verdict.reason_en if ctx.lang == "en" else verdict.reason
            refused.append(
                {
                    "severity": "information",
                    "code": "business-rule",
                    "details": {
                        "coding": [{"system": ERROR_CODE_SYSTEM, "code": verdict.code}],
                        "text": reason,
                    },
                    "expression": [f"Schedule/{schedule.id}"],
                }
            )
            continue
        proposals += [
            mapping.proposed_appointment(s, schedule, patient_id)
            for s in schedule.slots
            if mapping.slot_is_free(s, schedule)
        ]
    extra = []
    if refused:
        extra.append(
            OperationOutcome.model_validate({"resourceType": "OperationOutcome", "issue": refused})
        )
    return mapping.searchset(ctx.base, ctx.self_url(), proposals, *extra)


def _collection(ctx: FhirContext, appointment: Appointment) -> Bundle:
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {"fullUrl": f"{ctx.base}/Appointment/{appointment.id}", "resource": appointment}
            ],
        }
    )


async def _hold(ctx: FhirContext, proposal: str) -> str:
    """The app's booking of a proposal of $find; the order's id."""
    caller = await ctx.caller()
    parts = mapping.proposal_of(proposal)
    if parts is None:
        raise bad_request(
            "appointment-reference 应为 $find 的提议",
            "appointment-reference must be a $find proposal",
        )
    slot_id, patient_id = parts
    # The client's key makes a retry safe; without one, the proposal itself is the key, so
    # the same proposal held twice is one order.
    key = ctx.request.headers.get(IDEMPOTENCY_HEADER) or f"fhir:{proposal}"
    # Counted as bookAppointment counts its answers: OK, or the code it is refused with.
    try:
        booked = await BookingService(ctx.runtime).book(caller.user_id, patient_id, slot_id, key)
    except DomainError as exc:
        BOOKING_OUTCOMES.labels(exc.code).inc()
        raise
    except UpstreamUnavailable:
        BOOKING_OUTCOMES.labels(UpstreamUnavailableError.code).inc()
        raise
    BOOKING_OUTCOMES.labels("OK").inc()
    return booked.order.id


async def hold(ctx: FhirContext, given: Parameters) -> Bundle:
    reference = _reference(given, "appointment-reference", "Appointment", required=True) or ""
    order_id = await _hold(ctx, reference)
    return _collection(ctx, await appointment_resource(ctx, order_id))


async def book(ctx: FhirContext, given: Parameters) -> Bundle:
    resource = _param(given, "appointment-resource")
    if resource is not None:
        return await _book_resource(ctx, resource.resource)
    reference = _reference(given, "appointment-reference", "Appointment", required=True) or ""
    order_id = mapping.order_id(reference)
    if order_id is None:
        order_id = await _hold(ctx, reference)
    caller = await ctx.caller()
    order = await appointment_of(ctx, order_id)
    await PaymentService(ctx.runtime).pay_order(
        caller.user_id,
        order.id,
        f"fhir-book:{order.id}",
        ctx.client_address,
        channel=PaymentChannel.H5,
        account_id=caller.account_id,
    )
    return _collection(ctx, await appointment_resource(ctx, order.id))


async def _book_resource(ctx: FhirContext, resource: Any) -> Bundle:
    """An Appointment as $book's input: cancelled (with its id) is a cancellation."""
    if not isinstance(resource, Appointment):
        raise bad_request(
            "appointment-resource 应为 Appointment", "appointment-resource must be an Appointment"
        )
    if resource.status != "cancelled" or not resource.id:
        raise bad_request(
            "appointment-resource 只用于取消（status=cancelled 并带 id）",
            "appointment-resource is for cancelling: status cancelled, with its id",
        )
    caller = await ctx.caller()
    order = await appointment_of(ctx, mapping.order_id(resource.id))
    reason = resource.cancelationReason.text if resource.cancelationReason else None
    await cancel_by_patient(ctx.runtime, caller.user_id, order.id, reason)
    return _collection(ctx, await appointment_resource(ctx, order.id))


OPERATIONS = {"find": find, "hold": hold, "book": book}
