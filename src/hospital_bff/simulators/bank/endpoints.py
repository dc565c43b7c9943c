"""The bank simulator's HTTP endpoints. The signed API (`signed`: faults, then the merchant's
signature checked, then the answer signed by the platform) and the unsigned helpers for people
and tests: the cashier, the JSBridge stand-in, the ledger, faults and reset. What the app holds
(`request.app.state`): `bank` (the state), `bank_notifier`, `bank_keys`, `bank_base_url`."""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from hospital_bff.datasources.wechatpay_crypto import BankKeys
from hospital_bff.simulators.bank import bills, rules
from hospital_bff.simulators.bank.cashier import cashier_html, page
from hospital_bff.simulators.bank.errors import BankError
from hospital_bff.simulators.bank.notifications import (
    Notifier,
    refund_notification,
    transaction_notification,
)
from hospital_bff.simulators.bank.parse import json_body, text
from hospital_bff.simulators.bank.records import Notification
from hospital_bff.simulators.bank.serialise import (
    ledger_json,
    order_json,
    refund_json,
    trade_answer,
)
from hospital_bff.simulators.bank.signing import (
    SignatureRefused,
    pay_sign_verified,
    platform_headers,
    read_authorization,
    request_verified,
    within_skew,
)
from hospital_bff.simulators.bank.state import BankState

DEFAULT_OPENID = "o-sim-payer"
# What the page passes to getBrandWCPayRequest, and so what the stand-in JSBridge takes.
JSAPI_PAY_FIELDS = ("appId", "timeStamp", "nonceStr", "package", "signType", "paySign")

Handler = Callable[[Request, bytes], Awaitable[tuple[int, Any]]]


def _bank(request: Request) -> BankState:
    state: BankState = request.app.state.bank
    return state


def _notifier(request: Request) -> Notifier:
    notifier: Notifier = request.app.state.bank_notifier
    return notifier


def _keys(request: Request) -> BankKeys:
    keys: BankKeys = request.app.state.bank_keys
    return keys


def _reply(request: Request, status: int, payload: Any) -> Response:
    body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    keys = _keys(request)
    now = _bank(request).clock.now()
    headers = platform_headers(keys.platform_key, keys.platform_serial, body, now)
    media = "application/json" if body else None
    return Response(body, status_code=status, headers=headers, media_type=media)


def _signed_url(request: Request) -> str:
    # The merchant signs the path it sent, mount prefix included; raw_path is that, untouched
    # by Starlette's mounting. The query string is part of the signed URL.
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path
    query = request.scope.get("query_string", b"")
    return f"{path}?{query.decode('latin-1')}" if query else path


def authenticate(request: Request, body: bytes) -> None:
    """Refuse a request the merchant did not sign, or signed too long ago."""
    state, keys = _bank(request), _keys(request)
    header = request.headers.get("authorization")
    if not header:
        raise BankError(401, "SIGN_ERROR", "缺少Authorization")
    try:
        auth = read_authorization(header)
    except SignatureRefused as exc:
        raise BankError(401, "SIGN_ERROR", str(exc)) from exc
    if auth.mchid != state.mch_id or auth.serial_no != keys.merchant_serial:
        raise BankError(401, "SIGN_ERROR", "商户号或证书序列号不匹配")
    if not within_skew(auth.timestamp, state.clock.now()):
        raise BankError(401, "SIGN_ERROR", "请求时间戳已过期")
    if not request_verified(
        keys.merchant_public_key, auth, request.method, _signed_url(request), body
    ):
        raise BankError(401, "SIGN_ERROR", "签名错误")


def signed(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint of the signed API, with the faults in front of it."""

    async def endpoint(request: Request) -> Response:
        state = _bank(request)
        body = await request.body()
        faults = state.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if faults.error_rate and state.rng.random() < faults.error_rate:
            return _reply(request, 500, {"code": "SYSTEM_ERROR", "message": "系统错误"})
        hang = bool(faults.timeout_rate) and state.rng.random() < faults.timeout_rate
        try:
            authenticate(request, body)
            status, payload = await handler(request, body)
        except BankError as exc:
            status, payload = exc.status, {"code": exc.code, "message": exc.message}
        if hang:
            await asyncio.sleep(state.hang_seconds)
        return _reply(request, status, payload)

    return endpoint


def _require_mchid(state: BankState, given: object) -> None:
    if given != state.mch_id:
        raise BankError(400, "PARAM_ERROR", "mchid is required")


# --- the signed API ----------------------------------------------------------------------------


async def create_h5(request: Request, body: bytes) -> tuple[int, Any]:
    state = _bank(request)
    data = json_body(body)
    async with state.lock:
        order = rules.create_order(state, data, state.clock.now())
    return 200, {"h5_url": f"{request.app.state.bank_base_url}/cashier/{order.prepay_id}"}


async def create_jsapi(request: Request, body: bytes) -> tuple[int, Any]:
    state = _bank(request)
    data = json_body(body)
    async with state.lock:
        order = rules.create_order(state, data, state.clock.now(), trade_type="JSAPI")
    return 200, {"prepay_id": order.prepay_id}


async def query_order(request: Request, body: bytes) -> tuple[int, Any]:
    state = _bank(request)
    _require_mchid(state, request.query_params.get("mchid"))
    async with state.lock:
        return 200, order_json(state.order(request.path_params["out_trade_no"]))


async def close_order(request: Request, body: bytes) -> tuple[int, Any]:
    state = _bank(request)
    _require_mchid(state, json_body(body).get("mchid"))
    async with state.lock:
        rules.close(state, request.path_params["out_trade_no"])
    return 204, None


async def query_by_transaction(request: Request, body: bytes) -> tuple[int, Any]:
    state = _bank(request)
    _require_mchid(state, request.query_params.get("mchid"))
    transaction_id = request.path_params["transaction_id"]
    async with state.lock:
        for order in state.orders.values():
            if order.transaction_id == transaction_id:
                return 200, order_json(order)
    raise BankError(404, "ORDER_NOT_EXIST", "订单不存在")


async def create_refund(request: Request, body: bytes) -> tuple[int, Any]:
    state = _bank(request)
    data = json_body(body)
    async with state.lock:
        record, new = rules.refund(state, data, state.clock.now())
        answer = refund_json(record)
    if new and (notice := refund_notification(record, state.mch_id)):
        _notifier(request).send(notice)
    return 200, answer


async def query_refund(request: Request, body: bytes) -> tuple[int, Any]:
    state = _bank(request)
    async with state.lock:
        record = state.refunds.get(request.path_params["out_refund_no"])
        if record is None:
            raise BankError(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
        return 200, refund_json(record)


def _bill_date(request: Request) -> date:
    try:
        bill_date = date.fromisoformat(request.query_params.get("bill_date", ""))
    except ValueError as exc:
        raise BankError(400, "PARAM_ERROR", "bill_date must be YYYY-MM-DD") from exc
    if bill_date > _bank(request).clock.today():
        raise BankError(400, "NO_STATEMENT_EXIST", "账单不存在")
    return bill_date


async def trade_bill(request: Request, body: bytes) -> tuple[int, Any]:
    if request.query_params.get("bill_type", "ALL") != "ALL":
        raise BankError(400, "PARAM_ERROR", "only bill_type=ALL is supported")
    bill_date = _bill_date(request)
    state = _bank(request)
    async with state.lock:
        return 200, _offer_bill(request, bills.trade_bill(state, bill_date))


async def fund_flow_bill(request: Request, body: bytes) -> tuple[int, Any]:
    # Only the basic account exists here: the operation and fee accounts hold nothing.
    if request.query_params.get("account_type", "BASIC") != "BASIC":
        raise BankError(400, "PARAM_ERROR", "only account_type=BASIC is supported")
    bill_date = _bill_date(request)
    state = _bank(request)
    async with state.lock:
        return 200, _offer_bill(request, bills.fund_flow_bill(state, bill_date))


def _offer_bill(request: Request, content: bytes) -> dict[str, Any]:
    token = secrets.token_urlsafe(16)
    _bank(request).bills[token] = content
    return {
        "hash_type": "SHA1",
        "hash_value": hashlib.sha1(content, usedforsecurity=False).hexdigest(),
        "download_url": f"{request.app.state.bank_base_url}/v3/billdownload/file?token={token}",
    }


async def download_bill(request: Request) -> Response:
    body = await request.body()
    try:
        authenticate(request, body)
    except BankError as exc:
        return _reply(request, exc.status, {"code": exc.code, "message": exc.message})
    content = _bank(request).bills.get(request.query_params.get("token", ""))
    if content is None:
        return _reply(
            request, 404, {"code": "RESOURCE_NOT_EXISTS", "message": "账单不存在或已过期"}
        )
    return Response(content, media_type="text/csv; charset=utf-8")


# --- the payer's side: the cashier and the JSBridge stand-in -----------------------------------


async def cashier_page(request: Request) -> Response:
    state = _bank(request)
    async with state.lock:
        try:
            order = state.order_by_prepay(request.path_params["prepay_id"])
        except BankError as exc:
            return HTMLResponse(page("订单不存在", exc.message), status_code=404)
        back = request.query_params.get("redirect_url")
        return HTMLResponse(cashier_html(order, state.clock.now(), None, back))


async def cashier_action(request: Request) -> Response:
    state = _bank(request)
    is_form = "json" not in request.headers.get("content-type", "")
    if is_form:
        form = await request.form()
        data: dict[str, Any] = {k: str(v) for k, v in form.items()}
    else:
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError:
            data = {}
    action = data.get("action")
    notice: Notification | None = None
    async with state.lock:
        now = state.clock.now()
        try:
            order = state.order_by_prepay(request.path_params["prepay_id"])
            if order.trade_type != "MWEB":
                # A JSAPI order is paid inside WeChat only (see /jsapi/pay).
                raise BankError(400, "TRADE_ERROR", "此订单须在微信内支付")
            if action == "pay":
                if rules.pay(state, order, now, str(data.get("openid") or DEFAULT_OPENID)):
                    notice = transaction_notification(order)
            elif action == "cancel":
                rules.cancel_at_cashier(state, order)
            else:
                raise BankError(400, "PARAM_ERROR", "action must be pay or cancel")
        except BankError as exc:
            if is_form:
                return HTMLResponse(page("支付失败", exc.message), status_code=exc.status)
            return JSONResponse({"code": exc.code, "message": exc.message}, exc.status)
        answer = {**trade_answer(order), "cancelled": order.cancelled_by_payer}
        note = "已取消" if action == "cancel" else None
        html = cashier_html(order, now, note, request.query_params.get("redirect_url"))
    if notice is not None:
        _notifier(request).send(notice)
    return HTMLResponse(html) if is_form else JSONResponse(answer)


async def jsapi_pay(request: Request) -> Response:
    """Stands in for the WeChat client's JSBridge: it pays a JSAPI order only with the
    getBrandWCPayRequest parameters the merchant signed, as the payer it was made for."""
    state, keys = _bank(request), _keys(request)
    try:
        data = json.loads(await request.body() or b"{}")
    except ValueError:
        data = None
    notice: Notification | None = None
    async with state.lock:
        now = state.clock.now()
        try:
            if not isinstance(data, dict):
                raise BankError(400, "PARAM_ERROR", "body must be a JSON object")
            fields = {name: text(data, name) for name in JSAPI_PAY_FIELDS}
            if fields["signType"] != "RSA":
                raise BankError(400, "PARAM_ERROR", "signType must be RSA")
            package = fields["package"]
            if not package.startswith("prepay_id="):
                raise BankError(400, "PARAM_ERROR", "package must be prepay_id=...")
            if not pay_sign_verified(
                keys.merchant_public_key,
                fields["appId"],
                fields["timeStamp"],
                fields["nonceStr"],
                package,
                fields["paySign"],
            ):
                raise BankError(401, "SIGN_ERROR", "paySign 签名错误")
            if not within_skew(fields["timeStamp"], now):
                raise BankError(400, "PARAM_ERROR", "timeStamp 已过期")
            order = state.order_by_prepay(package.removeprefix("prepay_id="))
            if order.trade_type != "JSAPI" or order.appid != fields["appId"]:
                raise BankError(400, "PARAM_ERROR", "not a JSAPI order of this appId")
            payer = str(data.get("openid") or order.payer_openid)
            if payer != order.payer_openid:
                raise BankError(403, "NO_AUTH", "此订单不属于当前微信用户")
            if rules.pay(state, order, now, payer):
                notice = transaction_notification(order)
        except BankError as exc:
            return JSONResponse({"code": exc.code, "message": exc.message}, exc.status)
        answer = trade_answer(order)
    if notice is not None:
        _notifier(request).send(notice)
    return JSONResponse(answer)


# --- for people and tests ----------------------------------------------------------------------


async def ledger(request: Request) -> Response:
    state = _bank(request)
    async with state.lock:
        return JSONResponse(ledger_json(state))


async def faults(request: Request) -> Response:
    state = _bank(request)
    if request.method == "PUT":
        try:
            changes = json.loads(await request.body() or b"{}")
            if not isinstance(changes, dict):
                raise BankError(400, "PARAM_ERROR", "faults must be an object")
            async with state.lock:
                state.faults.update(changes)
                settled = (
                    []
                    if state.faults.refunds_processing
                    else rules.settle_processing_refunds(state, state.clock.now())
                )
            for record in settled:
                if notice := refund_notification(record, state.mch_id):
                    _notifier(request).send(notice)
        except ValueError:
            return JSONResponse({"code": "PARAM_ERROR", "message": "not JSON"}, 400)
        except BankError as exc:
            return JSONResponse({"code": exc.code, "message": exc.message}, exc.status)
    return JSONResponse(state.faults.to_json())


async def reset(request: Request) -> Response:
    state = _bank(request)
    async with state.lock:
        state.reset()
    return Response(status_code=204)
