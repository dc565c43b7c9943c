"""The simulated HIS's HTTP endpoints for a patient's bills, reports and prescriptions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hospital_bff.simulators.his import bill_rules, rules
from hospital_bff.simulators.his.errors import invalid, not_found
from hospital_bff.simulators.his.parse import (
    bill_items,
    integer,
    json_object,
    ok,
    report_items,
    state_of,
    string,
    string_list,
)
from hospital_bff.simulators.his.serialise import (
    bill_json,
    bill_payment_json,
    prescription_json,
    report_json,
    report_summary_json,
)

MAX_TTL_SECONDS = 24 * 3600


# --- bills -------------------------------------------------------------------------------------


async def patient_bills(request: Request) -> Response:
    state = state_of(request)
    status = request.query_params.get("status")
    async with state.lock:
        owner = state.get_patient(request.path_params["patient_id"])
        now = state.clock.now()
        bills = [bill_json(state, b, now) for b in state.bills.values() if b.patient_id == owner.id]
    bills = [b for b in bills if status is None or b["status"] == status]
    bills.sort(key=lambda b: b["issuedAt"], reverse=True)
    return ok(bills)


async def quote_bills(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    patient_id, bill_ids = string(body, "patientId"), string_list(body, "billIds")
    async with state.lock:
        items, amount = bill_rules.quote(state, patient_id, bill_ids)
    return ok({"items": items, "amount": amount})


async def lock_bills(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    lock_id, patient_id = string(body, "lockId"), string(body, "patientId")
    bill_ids = string_list(body, "billIds")
    ttl = integer(body, "ttlSeconds", low=1, high=MAX_TTL_SECONDS)
    async with state.lock:
        lock = bill_rules.lock_bills(state, lock_id, patient_id, bill_ids, ttl)
    expires_at = lock.expires_at.isoformat()
    return ok({"lockId": lock.lock_id, "amount": lock.amount, "expiresAt": expires_at})


async def release_bill_lock(request: Request) -> Response:
    state = state_of(request)
    async with state.lock:
        bill_rules.release_bill_lock(state, request.path_params["lock_id"])
    return Response(status_code=204)


async def pay_bills(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    fields = {
        "order_id": string(body, "orderId"),
        "lock_id": string(body, "lockId"),
        "patient_id": string(body, "patientId"),
        "payment_ref": string(body, "paymentRef"),
    }
    bill_ids, amount = string_list(body, "billIds"), integer(body, "amount")
    async with state.lock:
        payment = bill_rules.pay_bills(state, bill_ids=bill_ids, amount=amount, **fields)
        return ok(bill_payment_json(payment))


async def bill_payments(request: Request) -> Response:
    state = state_of(request)
    order_id = request.query_params.get("orderId")
    if not order_id:
        raise invalid("orderId is required")
    payment_id = state.bill_payment_by_order.get(order_id)
    if payment_id is None:
        return ok([])
    return ok([bill_payment_json(state.bill_payments[payment_id])])


async def create_bill(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    patient_id = string(body, "patientId")
    items = bill_items(body)
    title = string(body, "title", required=False) or "门诊费用"
    async with state.lock:
        bill = bill_rules.create_bill(state, patient_id, title, items)
    return ok({"id": bill.id})


# --- reports and prescriptions -----------------------------------------------------------------


async def patient_reports(request: Request) -> Response:
    state = state_of(request)
    owner = state.get_patient(request.path_params["patient_id"])
    found = [r for r in state.reports.values() if r.patient_id == owner.id]
    found.sort(key=lambda r: r.issued_at, reverse=True)
    return ok([report_summary_json(r) for r in found])


async def report(request: Request) -> Response:
    found = state_of(request).reports.get(request.path_params["report_id"])
    if found is None:
        raise not_found("report")
    return ok(report_json(found))


async def create_report(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    patient_id = string(body, "patientId")
    kind = body.get("kind", "LAB")
    title = string(body, "title")
    status = body.get("status", "FINAL")
    conclusion = body.get("conclusion")
    items = report_items(body)
    async with state.lock:
        created = rules.create_report(
            state,
            patient_id=patient_id,
            kind=kind,
            title=title,
            status=status,
            conclusion=str(conclusion) if conclusion is not None else None,
            items=items,
        )
    return ok({"id": created.id})


async def patient_prescriptions(request: Request) -> Response:
    state = state_of(request)
    owner = state.get_patient(request.path_params["patient_id"])
    found = [p for p in state.prescriptions.values() if p.patient_id == owner.id]
    found.sort(key=lambda p: p.issued_at, reverse=True)
    return ok([prescription_json(p) for p in found])
