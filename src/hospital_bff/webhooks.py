"""Signed inbound calls: the bank's payment and refund notifications, the HIS's events.

Each is verified before anything is read, handled idempotently, and answered fast; a
failure answers 5xx so the sender retries, and a retry changes nothing twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from hospital_bff.datasources.bank_models import RefundNotice, Transaction
from hospital_bff.datasources.his_models import HisEvent
from hospital_bff.datasources.his_webhook import verify_his_signature
from hospital_bff.datasources.wechatpay_crypto import (
    MalformedNotification,
    NotificationVerifier,
    WechatPayCryptoError,
)
from hospital_bff.metrics import WEBHOOKS
from hospital_bff.request_limits import BodyTooLarge, read_body
from hospital_bff.runtime import Runtime
from hospital_bff.services import queue, uow
from hospital_bff.services.money import cancellation, confirmation, refunds
from hospital_bff.services.money.notifications import settle_notification
from hospital_bff.services.records import announce_report
from hospital_bff.store.models import ProcessedEvent
from hospital_bff.store.upsert import insert_ignore

log = structlog.get_logger(__name__)


def _fail(message: str, status: int = 400) -> Response:
    return JSONResponse({"code": "FAIL", "message": message}, status_code=status)


async def _body(request: Request) -> bytes | None:
    """The body, or None once it is known to pass the limit (nothing more of it is read)."""
    runtime: Runtime = request.app.state.runtime
    try:
        return await read_body(request, runtime.settings.max_webhook_body_bytes)
    except BodyTooLarge:
        return None


async def _seen(runtime: Runtime, source: str, event_id: str) -> bool:
    async with uow.unit_of_work(runtime) as session:
        return await session.get(ProcessedEvent, f"{source}:{event_id}") is not None


async def _remember(runtime: Runtime, source: str, event_id: str) -> None:
    async with uow.unit_of_work(runtime) as session:
        await insert_ignore(
            session,
            ProcessedEvent,
            {"id": f"{source}:{event_id}", "source": source, "received_at": runtime.clock.now()},
        )


async def bank_notification(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    body = await _body(request)
    if body is None:
        return _fail("too large", 413)
    verifier = NotificationVerifier(
        platform_keys=runtime.bank.keys.platform_keys,
        apiv3_key=runtime.settings.bank_apiv3_key.get_secret_value().encode(),
        clock=runtime.clock,
    )
    try:
        notice = verifier.verify(request.headers, body)
    except MalformedNotification:
        # Signed, so the bank sent it: a 400 says so, where a 401 would say "forged".
        log.warning("bank_notification_malformed")
        return _fail("malformed notification")
    except WechatPayCryptoError as exc:
        log.warning("bank_notification_rejected", reason=type(exc).__name__)
        return _fail("signature or payload rejected", 401)
    if notice.event_type.startswith("TRANSACTION."):
        return await _payment_notification(runtime, notice.id, notice.resource)
    if await _seen(runtime, "bank", notice.id):
        return Response(status_code=204)
    try:
        if notice.event_type.startswith("REFUND."):
            rn = RefundNotice.model_validate(notice.resource)
            if rn.mchid not in (None, runtime.settings.bank_mch_id):
                return _fail("not our merchant")
            recorded = await refunds.record_refund_notice(runtime, rn)
            if recorded is None:
                log.warning("refund_notification_unmatched", out_refund_no=rn.out_refund_no)
            else:
                log.info("refund_notification", out_refund_no=rn.out_refund_no, outcome=recorded)
    except Exception:
        log.exception("bank_notification_failed", id=notice.id)
        return _fail("try again", 500)
    await _remember(runtime, "bank", notice.id)
    return Response(status_code=204)


async def _payment_notification(
    runtime: Runtime, notice_id: str, resource: dict[str, Any]
) -> Response:
    """Settled with the others arriving meanwhile, in one transaction (services/money/
    notifications.py); answered 204 only once that transaction has committed."""
    tx = Transaction.model_validate(resource)
    if tx.mchid not in (None, runtime.settings.bank_mch_id):
        return _fail("not our merchant")
    try:
        settled = await settle_notification(runtime, notice_id, tx)
    except Exception:
        log.exception("bank_notification_failed", id=notice_id)
        return _fail("try again", 500)
    if settled is not None:
        log.info("bank_notification", out_trade_no=tx.out_trade_no, outcome=settled)
    return Response(status_code=204)


async def his_event(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    body = await _body(request)
    if body is None:
        return _fail("too large", 413)
    ok = verify_his_signature(
        runtime.settings.his_webhook_secret.get_secret_value(),
        request.headers.get("x-his-timestamp", ""),
        body,
        request.headers.get("x-his-signature", ""),
        runtime.clock.now(),
    )
    if not ok:
        return _fail("bad signature", 401)
    try:
        event = HisEvent.model_validate_json(body)
    except ValueError:
        return _fail("bad event")
    problem = his_event_problem(event)
    if problem is not None:
        # Signed, so the HIS sent it, but no retry will make it handleable: a 400 stops the
        # retries, where the 500 of a failing insert (NUL byte, ID longer than its column) or
        # a missing key had the HIS send it forever.
        log.warning("his_event_malformed", id=event.id[:96], type=event.type, problem=problem)
        return _fail("bad event")
    if await _seen(runtime, "his", event.id):
        return Response(status_code=204)
    try:
        await handle_his_event(runtime, event)
    except Exception:
        log.exception("his_event_failed", id=event.id, type=event.type)
        return _fail("try again", 500)
    await _remember(runtime, "his", event.id)
    return Response(status_code=204)


# The fields each event type needs (IDs) and may carry (free text), checked as a client's
# input is at the GraphQL edge before any of them reaches SQL, Redis or a notice.
_HIS_EVENT_IDS: dict[str, tuple[str, ...]] = {
    "SCHEDULE_SUSPENDED": ("scheduleId",),
    "REPORT_READY": ("patientId", "reportId"),
    "VISIT_COMPLETED": ("orderId",),
    "VISIT_MISSED": ("orderId",),
    "QUEUE_UPDATED": ("registrationId",),
    "QUEUE_CALLED": ("registrationId",),
}
# IDs that may be null: a queue event of a registration made at the window has no order.
_HIS_EVENT_OPTIONAL_IDS = ("orderId", "scheduleId")
_HIS_EVENT_TEXT: dict[str, int] = {"reason": 500, "title": 128, "room": 128}  # free text


def his_event_problem(event: HisEvent) -> str | None:
    """Why a verified HIS event cannot be handled (never quoting its values), or None."""
    # Imported here: edge_input imports the schema, which imports the app's resolvers.
    from hospital_bff.resolvers.edge_input import TextRule, id_problem, text_problem

    if id_problem(event.id) is not None:
        return "id is not a valid ID"
    for key in _HIS_EVENT_IDS[event.type]:
        value = event.data.get(key)
        if not isinstance(value, str) or id_problem(value) is not None:
            return f"data.{key} is not a valid ID"
    for key in _HIS_EVENT_OPTIONAL_IDS:
        value = event.data.get(key)
        if value is not None and (not isinstance(value, str) or id_problem(value) is not None):
            return f"data.{key} is not a valid ID"
    for key, max_length in _HIS_EVENT_TEXT.items():
        value = event.data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            return f"data.{key} is not a string"
        reason = text_problem(value, TextRule(max_length=max_length, free_text=True))
        if reason is not None:
            return f"data.{key} {reason[1]}"
    return None


async def handle_his_event(runtime: Runtime, event: HisEvent) -> None:
    """One command per event type; the rules live in the services they call."""
    data = event.data
    if event.type == "SCHEDULE_SUSPENDED":
        await cancellation.suspend_schedule(
            runtime, str(data["scheduleId"]), str(data.get("reason") or "专家停诊"), tell_his=False
        )
    elif event.type == "REPORT_READY":
        await announce_report(
            runtime, str(data["patientId"]), str(data["reportId"]), data.get("title")
        )
    elif event.type in ("VISIT_COMPLETED", "VISIT_MISSED"):
        await confirmation.record_visit(
            runtime, str(data.get("orderId") or ""), attended=event.type == "VISIT_COMPLETED"
        )
    elif event.type in ("QUEUE_UPDATED", "QUEUE_CALLED") and data.get("orderId"):
        # (A registration made at the window has no order of ours: nothing to tell anyone.)
        await queue.record_queue_event(runtime, str(data["orderId"]))


Handler = Callable[[Request], Awaitable[Response]]


def _outcome(status: int) -> str:
    if status < 300:
        return "ok"
    if status in (401, 403):
        return "rejected"
    return "error" if status >= 500 else "bad"


def _counted(source: str, handler: Handler) -> Handler:
    """Count each delivery by outcome: a rise in `rejected` is someone forging, in `error` a bug."""

    async def counted(request: Request) -> Response:
        response = await handler(request)
        WEBHOOKS.labels(source, _outcome(response.status_code)).inc()
        return response

    return counted


def routes() -> list[Route]:
    return [
        Route("/webhooks/bank", _counted("bank", bank_notification), methods=["POST"]),
        Route("/webhooks/his", _counted("his", his_event), methods=["POST"]),
    ]


class WebhookLane:
    """A POST to a webhook goes straight to its handler, past the middleware and routing that
    serve the GraphQL endpoint: at a thousand bank notifications a second, gzip (an answer of
    a few bytes is never compressed), the router's walk over every route and the exception
    wrappers took about a tenth of a notification's CPU. CORS is passed too: a bank or a HIS
    is no browser page (a browser's preflight is an OPTIONS, which still reaches it). The
    answers are the router's own: the same handlers (`routes`), and anything but a POST to
    one of their paths passes on to the app. Placed inside the request id (every log line
    keeps it) and inside Starlette's ServerErrorMiddleware (an unexpected exception is still
    a logged 500)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.handlers: dict[str, Handler] = {route.path: route.endpoint for route in routes()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = (
            self.handlers.get(scope["path"])
            if scope["type"] == "http" and scope["method"] == "POST"
            else None
        )
        if handler is None:
            await self.app(scope, receive, send)
            return
        response = await handler(Request(scope, receive, send))
        await response(scope, receive, send)
