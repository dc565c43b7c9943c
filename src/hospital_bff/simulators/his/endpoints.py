"""The simulated HIS's HTTP endpoints for the catalogue, the patient index and registrations:
read the request, apply a rule under the state's lock, answer the record's wire shape. A
patient's bills, reports and prescriptions are in `record_endpoints`."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hospital_bff.simulators.his import rules
from hospital_bff.simulators.his.errors import invalid, not_found
from hospital_bff.simulators.his.parse import (
    date_param,
    ids_param,
    integer,
    json_object,
    ok,
    state_of,
    string,
)
from hospital_bff.simulators.his.records import ExpertRecord, RegistrationRecord
from hospital_bff.simulators.his.serialise import (
    department_json,
    expert_json,
    patient_json,
    registration_json,
    schedule_json,
    slot_json,
)

MAX_TTL_SECONDS = 24 * 3600
REGISTRATION_STATUS_FILTERS = {"active", "CONFIRMED", "CANCELLED", "VISITED", "MISSED"}


# --- catalogue ---------------------------------------------------------------------------------


async def departments(request: Request) -> Response:
    return ok([department_json(d) for d in state_of(request).departments.values()])


async def experts(request: Request) -> Response:
    department_id = request.query_params.get("departmentId")
    ids = ids_param(request)
    return ok(
        [
            expert_json(e)
            for e in state_of(request).experts.values()
            if (department_id is None or e.department_id == department_id)
            and (ids is None or e.id in ids)
        ]
    )


async def schedules(request: Request) -> Response:
    state = state_of(request)
    params = request.query_params
    department_id = params.get("departmentId")
    expert_id = params.get("expertId")
    ids = ids_param(request)
    date_from, date_to = date_param(request, "from"), date_param(request, "to")
    async with state.lock:
        state.roll_calendar()
        now = state.clock.now()
        found = [
            s
            for s in state.schedules.values()
            if (department_id is None or s.department_id == department_id)
            and (expert_id is None or s.expert_id == expert_id)
            and (ids is None or s.id in ids)
            and (date_from is None or s.date >= date_from)
            and (date_to is None or s.date <= date_to)
        ]
        found.sort(key=lambda s: (s.date, s.starts_at, s.expert_id))
        return ok([schedule_json(state, s, now) for s in found])


async def slot(request: Request) -> Response:
    state = state_of(request)
    found = state.slots.get(request.path_params["slot_id"])
    if found is None:
        raise not_found("slot")
    async with state.lock:
        now = state.clock.now()
        schedule = state.schedules[found.schedule_id]
        body = slot_json(state, found, now)
        body["schedule"] = schedule_json(state, schedule, now, with_slots=False)
        return ok(body)


async def photo(request: Request) -> Response:
    expert = state_of(request).experts.get(request.path_params["expert_id"])
    if expert is None:
        raise not_found("expert")
    return Response(
        _photo_svg(expert),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def _photo_svg(expert: ExpertRecord) -> str:
    # A hue derived from the ID gives every expert a stable, distinct avatar.
    hue = int(hashlib.sha256(expert.id.encode()).hexdigest()[:4], 16) % 360
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120">'
        f'<rect width="120" height="120" rx="60" fill="hsl({hue},55%,55%)"/>'
        '<text x="60" y="78" font-size="52" text-anchor="middle" fill="#fff" '
        f'font-family="sans-serif">{expert.name[0]}</text></svg>'
    )


# --- patient master index ----------------------------------------------------------------------


async def lookup_patients(request: Request) -> Response:
    id_number = string(await json_object(request), "idNumber").upper()
    found = [p for p in state_of(request).patients.values() if p.id_number == id_number]
    return ok({"patients": [patient_json(p) for p in found]})


async def patient(request: Request) -> Response:
    return ok(patient_json(state_of(request).get_patient(request.path_params["patient_id"])))


async def create_patient(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    name = string(body, "name")
    id_number = string(body, "idNumber").upper()
    birth_date = date_of(body.get("birthDate"))
    phone = body.get("phone")
    async with state.lock:
        created = rules.create_patient(
            state,
            name=name,
            id_number=id_number,
            sex=body.get("sex") or None,
            birth_date=birth_date,
            phone=str(phone) if phone else None,
            insurance=body.get("insurance") or None,
        )
    return ok({"id": created.id, "cardNumber": created.card_number})


def date_of(value: Any) -> date | None:
    """The birth date on the wire, or None when absent."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise invalid("birthDate must be a date") from exc


# --- registration ------------------------------------------------------------------------------


async def lock_slot(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    lock_id, slot_id = string(body, "lockId"), string(body, "slotId")
    patient_id = string(body, "patientId")
    ttl = integer(body, "ttlSeconds", low=1, high=MAX_TTL_SECONDS)
    async with state.lock:
        lock = rules.lock_slot(state, lock_id, slot_id, patient_id, ttl)
    expires_at = lock.expires_at.isoformat()
    return ok({"lockId": lock.lock_id, "slotId": lock.slot_id, "expiresAt": expires_at})


async def release_slot_lock(request: Request) -> Response:
    state = state_of(request)
    async with state.lock:
        rules.release_slot_lock(state, request.path_params["lock_id"])
    return Response(status_code=204)


async def register(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    fields = {
        "order_id": string(body, "orderId"),
        "lock_id": string(body, "lockId"),
        "slot_id": string(body, "slotId"),
        "patient_id": string(body, "patientId"),
        "payment_ref": string(body, "paymentRef"),
    }
    amount = integer(body, "amount")
    async with state.lock:
        registration = rules.register(state, amount=amount, **fields)
        return ok(registration_json(state, registration))


async def registrations(request: Request) -> Response:
    state = state_of(request)
    order_id = request.query_params.get("orderId")
    if not order_id:
        raise invalid("orderId is required")
    registration_id = state.registration_by_order.get(order_id)
    if registration_id is None:
        return ok([])
    return ok([registration_json(state, state.registrations[registration_id])])


async def patient_registrations(request: Request) -> Response:
    state = state_of(request)
    status = request.query_params.get("status") or None
    if status is not None and status not in REGISTRATION_STATUS_FILTERS:
        raise invalid(f"status must be one of {sorted(REGISTRATION_STATUS_FILTERS)}")
    found = rules.patient_registrations(
        state,
        request.path_params["patient_id"],
        date_param(request, "from"),
        date_param(request, "to"),
        status,
    )
    return ok([registration_json(state, r) for r in found])


async def register_at_window(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    async with state.lock:
        registration = rules.register_at_window(
            state, string(body, "slotId"), string(body, "patientId")
        )
        return ok(registration_json(state, registration))


async def registration_statistics(request: Request) -> Response:
    day = date_param(request, "date")
    if day is None:
        raise invalid("date is required")
    department_id = request.query_params.get("departmentId") or None
    total = rules.registration_total(state_of(request), day, department_id)
    return ok({"date": day.isoformat(), "departmentId": department_id, "total": total})


async def cancel_registration(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    reason = string(body, "reason", required=False)
    async with state.lock:
        registration = rules.cancel_registration(
            state, request.path_params["registration_id"], reason
        )
        return ok(registration_json(state, registration))


async def visit(request: Request) -> Response:
    return await _settle_visit(request, "VISITED", "VISIT_COMPLETED")


async def miss(request: Request) -> Response:
    return await _settle_visit(request, "MISSED", "VISIT_MISSED")


async def _settle_visit(request: Request, status: str, event_type: str) -> Response:
    state = state_of(request)
    async with state.lock:
        registration = rules.settle_visit(
            state, request.path_params["registration_id"], status, event_type
        )
        return ok(registration_json(state, registration))


async def print_invoice(request: Request) -> Response:
    state = state_of(request)
    async with state.lock:
        registration: RegistrationRecord = rules.print_invoice(
            state, request.path_params["registration_id"]
        )
        return ok(registration_json(state, registration))


async def suspend_schedule(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    reason = string(body, "reason", required=False) or "专家停诊"
    async with state.lock:
        schedule = rules.suspend_schedule(state, request.path_params["schedule_id"], reason)
        return ok(schedule_json(state, schedule, state.clock.now()))


async def set_slot_capacity(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    capacity = integer(body, "capacity", low=0, high=10_000)
    async with state.lock:
        changed = rules.set_slot_capacity(state, request.path_params["slot_id"], capacity)
        return ok({"id": changed.id, "capacity": changed.capacity})


# --- simulator control -------------------------------------------------------------------------


async def get_faults(request: Request) -> Response:
    return ok(state_of(request).faults.to_json())


async def put_faults(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    async with state.lock:
        state.faults.update(body)
    return ok(state.faults.to_json())


async def reset(request: Request) -> Response:
    state = state_of(request)
    async with state.lock:
        state.reset()
    return ok({"ok": True})


async def events(request: Request) -> Response:
    state = state_of(request)
    return ok({"events": state.sent_events, "delivered": state.delivered})
