"""The simulated HIS as an ASGI app: its routes (docs/his-api.md), the gate, the error shape."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hospital_bff.clock import Clock
from hospital_bff.simulators.his import endpoints as api
from hospital_bff.simulators.his import queue_endpoints as queue
from hospital_bff.simulators.his import record_endpoints as records
from hospital_bff.simulators.his.errors import HisError
from hospital_bff.simulators.his.gate import HisGate
from hospital_bff.simulators.his.state import HisState


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
        Route("/patients/{patient_id}/bills", records.patient_bills, methods=["GET"]),
        Route("/patients/{patient_id}/reports", records.patient_reports, methods=["GET"]),
        Route(
            "/patients/{patient_id}/prescriptions", records.patient_prescriptions, methods=["GET"]
        ),
        Route("/patients/{patient_id}/registrations", api.patient_registrations, methods=["GET"]),
        Route("/window-registrations", api.register_at_window, methods=["POST"]),
        Route("/slot-locks", api.lock_slot, methods=["POST"]),
        Route("/slot-locks/{lock_id}", api.release_slot_lock, methods=["DELETE"]),
        Route("/registrations", api.register, methods=["POST"]),
        Route("/registrations", api.registrations, methods=["GET"]),
        Route("/registrations/{registration_id}/cancel", api.cancel_registration, methods=["POST"]),
        Route("/registrations/{registration_id}/check-in", queue.check_in, methods=["POST"]),
        Route("/registrations/{registration_id}/queue", queue.queue_entry, methods=["GET"]),
        Route("/schedules/{schedule_id}/queue", queue.schedule_queue, methods=["GET"]),
        Route("/schedules/{schedule_id}/queue/call-next", queue.call_next, methods=["POST"]),
        Route("/queue/pace", queue.set_pace, methods=["PUT"]),
        Route("/statistics/registrations", api.registration_statistics, methods=["GET"]),
        Route("/registrations/{registration_id}/visit", api.visit, methods=["POST"]),
        Route("/registrations/{registration_id}/miss", api.miss, methods=["POST"]),
        Route(
            "/registrations/{registration_id}/print-invoice", api.print_invoice, methods=["POST"]
        ),
        Route("/bills", records.create_bill, methods=["POST"]),
        Route("/bill-payments/quote", records.quote_bills, methods=["POST"]),
        Route("/bill-locks", records.lock_bills, methods=["POST"]),
        Route("/bill-locks/{lock_id}", records.release_bill_lock, methods=["DELETE"]),
        Route("/bill-payments", records.pay_bills, methods=["POST"]),
        Route("/bill-payments", records.bill_payments, methods=["GET"]),
        Route("/reports", records.create_report, methods=["POST"]),
        Route("/reports/{report_id}", records.report, methods=["GET"]),
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
