"""The bank simulator: the subset of WeChat Pay API v3 a hospital uses, with its wire format.

Signed API (the merchant's ``Authorization`` is checked; every answer is signed by the platform):
- ``POST /v3/pay/transactions/h5`` → ``{h5_url}``, idempotent on out_trade_no;
- ``GET /v3/pay/transactions/out-trade-no/{no}?mchid=`` query; ``POST .../{no}/close`` → 204;
- ``GET /v3/pay/transactions/id/{transaction_id}?mchid=``: the query by the bank's own id;
- ``POST /v3/refund/domestic/refunds`` and ``GET /v3/refund/domestic/refunds/{no}``: a refund
  is SUCCESS at once, notified (REFUND.SUCCESS) in the background. Two faults bend that:
  ``refundsProcessing`` keeps new refunds PROCESSING until the fault is switched off (then they
  succeed and are notified); ``refundsAbnormal`` refuses new refunds for good, as for a
  payer's closed card: ABNORMAL, notified as REFUND.ABNORMAL, the money stays with the merchant;
- ``GET /v3/bill/tradebill?bill_date=&bill_type=ALL`` → ``{hash_type, hash_value, download_url}``
  and ``GET /v3/billdownload/file?token=`` → the CSV (not signed, like the real one: the SHA1
  in the first answer protects it): payment lines on the day paid, refund lines (SUCCESS) on
  the day refunded. A day without trades gives a file with only headers and a zero summary;
  a future day is refused.

Unsigned helpers for people and tests: the cashier ``GET|POST /cashier/{prepay_id}`` (its
"cancel" closes the bank order, so that payUrl can never be paid),
``GET /ledger``, ``GET|PUT /faults``, ``POST /reset``.

Faults apply to the signed API only. ``timeoutRate`` does the work and then holds the answer
for ``state.hang_seconds``: the worst case for a client, whose money moved but who never hears.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import itertools
import json
import random
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import httpx
import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from hospital_bff.clock import SHANGHAI, Clock
from hospital_bff.datasources.wechatpay_crypto import (
    MAX_CLOCK_SKEW,
    BankKeys,
    WechatPayCryptoError,
    jsapi_pay_message,
    parse_authorization,
    seal_resource,
    signed_headers,
    timestamp_is_fresh,
    verify_message,
    verify_request,
)

log = structlog.get_logger(__name__)

BILL_HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
    "交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,"
    "充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
)
BILL_SUMMARY_HEADER = (
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
)
FUND_FLOW_HEADER = (
    "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),"
    "资金变更提交申请人,备注,业务凭证号"
)
FUND_FLOW_SUMMARY_HEADER = "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额"
PAID_STATES = frozenset({"SUCCESS", "REFUND", "REVOKED"})
DEFAULT_OPENID = "o-sim-payer"
# What the page passes to getBrandWCPayRequest, and so what the stand-in JSBridge takes.
JSAPI_PAY_FIELDS = ("appId", "timeStamp", "nonceStr", "package", "signType", "paySign")

# The fault names on the wire (the contract's camelCase), the attribute each sets, and its type.
FAULT_FIELDS: dict[str, tuple[str, type]] = {
    "latencyMs": ("latency_ms", int),
    "errorRate": ("error_rate", float),
    "timeoutRate": ("timeout_rate", float),
    "dropNotifications": ("drop_notifications", bool),
    "duplicateNotifications": ("duplicate_notifications", bool),
    "reorderNotifications": ("reorder_notifications", bool),
    "latePayments": ("late_payments", bool),
    "refundsProcessing": ("refunds_processing", bool),
    "refundsAbnormal": ("refunds_abnormal", bool),
}
IGNORED_FAULTS = frozenset({"failConfirm"})


class BankError(Exception):
    """A refusal the platform answers with ``{code, message}`` and an HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


@dataclass
class Faults:
    """What the bank does wrong on purpose."""

    latency_ms: int = 0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    drop_notifications: bool = False
    duplicate_notifications: bool = False
    reorder_notifications: bool = False
    late_payments: bool = False
    refunds_processing: bool = False
    refunds_abnormal: bool = False

    def to_json(self) -> dict[str, Any]:
        return {wire: getattr(self, attr) for wire, (attr, _) in FAULT_FIELDS.items()}

    def update(self, changes: Mapping[str, Any]) -> None:
        for key, value in changes.items():
            if key in IGNORED_FAULTS:
                continue
            if key not in FAULT_FIELDS:
                raise BankError(400, "PARAM_ERROR", f"unknown fault {key!r}")
            attr, kind = FAULT_FIELDS[key]
            if kind is bool and not isinstance(value, bool):
                raise BankError(400, "PARAM_ERROR", f"{key} must be a boolean")
            if kind is not bool and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise BankError(400, "PARAM_ERROR", f"{key} must be a number")
            setattr(self, attr, kind(value))


@dataclass
class Order:
    """One order at the bank: H5 (trade_type MWEB) or JSAPI (paid by ``payer_openid`` only)."""

    prepay_id: str
    appid: str
    mchid: str
    description: str
    out_trade_no: str
    total: int
    currency: str
    time_expire: datetime | None
    notify_url: str
    attach: str
    scene_info: dict[str, Any]
    created_at: datetime
    trade_state: str = "NOTPAY"
    transaction_id: str | None = None
    success_time: datetime | None = None
    openid: str | None = None
    refunded: int = 0
    closed: bool = False
    cancelled_by_payer: bool = False
    late: bool = False
    trade_type: str = "MWEB"
    payer_openid: str | None = None

    def same_request(self, other: Order) -> bool:
        return (
            self.appid,
            self.trade_type,
            self.payer_openid,
            self.description,
            self.total,
            self.currency,
            self.notify_url,
        ) == (
            other.appid,
            other.trade_type,
            other.payer_openid,
            other.description,
            other.total,
            other.currency,
            other.notify_url,
        )

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "appid": self.appid,
            "mchid": self.mchid,
            "out_trade_no": self.out_trade_no,
            "trade_type": self.trade_type,
            "trade_state": self.trade_state,
            "trade_state_desc": TRADE_STATE_DESC[self.trade_state],
            "attach": self.attach,
            "amount": {"total": self.total, "currency": self.currency},
        }
        if self.transaction_id is not None:
            body["transaction_id"] = self.transaction_id
            body["bank_type"] = "OTHERS"
            body["success_time"] = _rfc3339(self.success_time)
            body["payer"] = {"openid": self.openid}
            body["amount"] = {
                "total": self.total,
                "payer_total": self.total,
                "currency": self.currency,
                "payer_currency": self.currency,
            }
        return body


TRADE_STATE_DESC = {
    "NOTPAY": "未支付",
    "SUCCESS": "支付成功",
    "REFUND": "转入退款",
    "CLOSED": "已关闭",
    "REVOKED": "已撤销",
    "PAYERROR": "支付失败",
    "USERPAYING": "用户支付中",
}


@dataclass
class RefundRecord:
    """One refund the bank made."""

    refund_id: str
    out_refund_no: str
    out_trade_no: str
    transaction_id: str
    amount: int
    total: int
    reason: str
    notify_url: str | None
    created_at: datetime
    status: str = "SUCCESS"
    success_time: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "refund_id": self.refund_id,
            "out_refund_no": self.out_refund_no,
            "transaction_id": self.transaction_id,
            "out_trade_no": self.out_trade_no,
            "channel": "ORIGINAL",
            "user_received_account": self.received_account,
            "success_time": _rfc3339(self.success_time),
            "create_time": _rfc3339(self.created_at),
            "status": self.status,
            "funds_account": "UNSETTLED",
            "amount": {
                "total": self.total,
                "refund": self.amount,
                "payer_total": self.total,
                "payer_refund": self.amount,
                "settlement_refund": self.amount,
                "settlement_total": self.total,
                "discount_refund": 0,
                "currency": "CNY",
            },
        }

    @property
    def received_account(self) -> str:
        return "支付用户零钱" if self.status != "ABNORMAL" else "支付用户银行卡(已注销)"

    def notice(self, mchid: str) -> dict[str, Any]:
        return {
            "mchid": mchid,
            "out_trade_no": self.out_trade_no,
            "transaction_id": self.transaction_id,
            "out_refund_no": self.out_refund_no,
            "refund_id": self.refund_id,
            "refund_status": self.status,
            "success_time": _rfc3339(self.success_time),
            "user_received_account": self.received_account,
            "amount": {
                "total": self.total,
                "refund": self.amount,
                "payer_total": self.total,
                "payer_refund": self.amount,
            },
        }


@dataclass
class Notification:
    """One notification to deliver: where, and the plaintext resource before encryption."""

    url: str
    event_type: str
    original_type: str
    summary: str
    resource: dict[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class BankState:
    """Everything the bank holds, in memory; every change happens under ``lock``."""

    mch_id: str
    clock: Clock
    orders: dict[str, Order] = field(default_factory=dict)
    orders_by_prepay: dict[str, str] = field(default_factory=dict)
    refunds: dict[str, RefundRecord] = field(default_factory=dict)
    bills: dict[str, bytes] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    rng: random.Random = field(default_factory=random.Random)
    # Knobs tests shrink so that faults cost milliseconds, not seconds.
    hang_seconds: float = 30.0
    notify_retry_delays: tuple[float, ...] = (0.0, 1.0, 5.0, 15.0, 60.0, 300.0)
    reorder_hold_seconds: float = 5.0
    # What happened to notifications, for tests and for people debugging a demo.
    delivered: list[Notification] = field(default_factory=list)
    dropped: list[Notification] = field(default_factory=list)
    undeliverable: list[Notification] = field(default_factory=list)
    held: Notification | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _sequence: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_id(self, prefix: str) -> str:
        stamp = self.clock.now().strftime("%Y%m%d")
        return f"{prefix}{stamp}{next(self._sequence):010d}"

    async def drain(self) -> None:
        """Wait until every notification task (including retries and held ones) has finished."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    def reset(self) -> None:
        for task in self.tasks:
            task.cancel()
        self.tasks.clear()
        self.orders.clear()
        self.orders_by_prepay.clear()
        self.refunds.clear()
        self.bills.clear()
        self.faults = Faults()
        self.delivered.clear()
        self.dropped.clear()
        self.undeliverable.clear()
        self.held = None

    # --- the business of the bank; callers hold the lock ---------------------------------

    def create_order(
        self, body: Mapping[str, Any], now: datetime, trade_type: str = "MWEB"
    ) -> Order:
        amount = _object(body, "amount")
        total = amount.get("total")
        if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
            raise BankError(400, "PARAM_ERROR", "amount.total must be a positive integer (fen)")
        currency = str(amount.get("currency") or "CNY")
        if currency != "CNY":
            raise BankError(400, "PARAM_ERROR", "only CNY is supported")
        if _text(body, "mchid") != self.mch_id:
            raise BankError(400, "MCH_NOT_EXISTS", "mchid does not match the merchant")
        time_expire = None
        if body.get("time_expire"):
            try:
                time_expire = datetime.fromisoformat(str(body["time_expire"]))
            except ValueError as exc:
                raise BankError(400, "PARAM_ERROR", "time_expire is not RFC3339") from exc
            if time_expire.tzinfo is None:
                raise BankError(400, "PARAM_ERROR", "time_expire needs an offset")
        payer_openid = None
        if trade_type == "JSAPI":
            payer_openid = _text(_object(body, "payer"), "openid")
        candidate = Order(
            prepay_id=f"wx{now.strftime('%Y%m%d%H%M%S')}{secrets.token_hex(8)}",
            appid=_text(body, "appid"),
            mchid=self.mch_id,
            description=_text(body, "description"),
            out_trade_no=_text(body, "out_trade_no"),
            total=total,
            currency=currency,
            time_expire=time_expire,
            notify_url=_text(body, "notify_url"),
            attach=str(body.get("attach") or ""),
            scene_info=dict(body.get("scene_info") or {}),
            created_at=now,
            trade_type=trade_type,
            payer_openid=payer_openid,
        )
        existing = self.orders.get(candidate.out_trade_no)
        if existing is not None:
            if not existing.same_request(candidate):
                raise BankError(400, "INVALID_REQUEST", "201 商户订单号重复: out_trade_no used")
            if existing.trade_state in PAID_STATES:
                raise BankError(400, "ORDER_PAID", "该订单已支付")
            if existing.trade_state == "CLOSED":
                raise BankError(400, "ORDER_CLOSED", "该订单已关闭")
            return existing
        self.orders[candidate.out_trade_no] = candidate
        self.orders_by_prepay[candidate.prepay_id] = candidate.out_trade_no
        return candidate

    def order(self, out_trade_no: str) -> Order:
        found = self.orders.get(out_trade_no)
        if found is None:
            raise BankError(404, "ORDER_NOT_EXIST", "订单不存在")
        return found

    def order_by_prepay(self, prepay_id: str) -> Order:
        out_trade_no = self.orders_by_prepay.get(prepay_id)
        if out_trade_no is None:
            raise BankError(404, "ORDER_NOT_EXIST", "订单不存在")
        return self.orders[out_trade_no]

    def close(self, out_trade_no: str) -> None:
        order = self.order(out_trade_no)
        if order.trade_state in PAID_STATES:
            raise BankError(400, "ORDER_PAID", "订单已支付，不能关闭")
        order.trade_state = "CLOSED"
        order.closed = True

    def pay(self, order: Order, now: datetime, openid: str) -> bool:
        """Take the payer's money; True if it moved now (so a notification is due)."""
        if order.trade_state in PAID_STATES:
            return False
        expired = order.time_expire is not None and now > order.time_expire
        if (order.closed or expired) and not self.faults.late_payments:
            if order.closed:
                raise BankError(400, "ORDER_CLOSED", "订单已关闭")
            raise BankError(400, "ORDER_EXPIRED", "订单已过期")
        # With latePayments on, a payment started before the window closed still lands: the
        # "long payment" the hospital must give back.
        order.late = order.closed or expired
        order.trade_state = "SUCCESS"
        order.transaction_id = self.next_id("4200000")
        order.success_time = now
        order.openid = openid
        return True

    def refund(self, body: Mapping[str, Any], now: datetime) -> tuple[RefundRecord, bool]:
        """Make a refund; the flag says whether it is new (so a notification is due)."""
        out_refund_no = _text(body, "out_refund_no")
        out_trade_no = _text(body, "out_trade_no")
        amount = _object(body, "amount")
        refund, total = amount.get("refund"), amount.get("total")
        if not _is_fen(refund) or not _is_fen(total):
            raise BankError(400, "PARAM_ERROR", "amount.refund and amount.total must be fen > 0")
        assert isinstance(refund, int)
        assert isinstance(total, int)
        existing = self.refunds.get(out_refund_no)
        if existing is not None:
            if (existing.out_trade_no, existing.amount, existing.total) != (
                out_trade_no,
                refund,
                total,
            ):
                raise BankError(400, "INVALID_REQUEST", "out_refund_no used with other params")
            return existing, False
        order = self.orders.get(out_trade_no)
        if order is None:
            raise BankError(404, "RESOURCE_NOT_EXISTS", "订单不存在")
        if order.trade_state not in PAID_STATES or order.transaction_id is None:
            raise BankError(400, "INVALID_REQUEST", "订单未支付，不能退款")
        if total != order.total:
            raise BankError(400, "PARAM_ERROR", "amount.total differs from the order's total")
        if refund > order.total - order.refunded:
            raise BankError(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额")
        record = RefundRecord(
            refund_id=self.next_id("50300"),
            out_refund_no=out_refund_no,
            out_trade_no=out_trade_no,
            transaction_id=order.transaction_id,
            amount=refund,
            total=total,
            reason=str(body.get("reason") or ""),
            notify_url=str(body["notify_url"]) if body.get("notify_url") else None,
            created_at=now,
        )
        if self.faults.refunds_abnormal:
            record.status = "ABNORMAL"  # the payer's card is closed: the money stays here
        elif self.faults.refunds_processing:
            record.status = "PROCESSING"
        else:
            record.success_time = now
        self.refunds[out_refund_no] = record
        if record.status == "ABNORMAL":
            return record, True
        order.refunded += refund
        if order.trade_state == "SUCCESS":
            order.trade_state = "REFUND"
        return record, True

    def settle_processing_refunds(self, now: datetime) -> list[RefundRecord]:
        """The bank finishes every refund it held PROCESSING: they succeed now."""
        settled = [r for r in self.refunds.values() if r.status == "PROCESSING"]
        for record in settled:
            record.status = "SUCCESS"
            record.success_time = now
        return settled

    def cancel_at_cashier(self, order: Order) -> None:
        """The payer gave up: the order is closed, so this payUrl can never take money."""
        if order.trade_state == "NOTPAY":
            order.cancelled_by_payer = True
            self.close(order.out_trade_no)

    def trade_bill(self, bill_date: date) -> bytes:
        payments = sorted(
            (
                o
                for o in self.orders.values()
                if o.success_time and _day(o.success_time) == bill_date
            ),
            key=lambda o: o.success_time or o.created_at,
        )
        refunds = sorted(
            (
                r
                for r in self.refunds.values()
                if r.status == "SUCCESS" and r.success_time and _day(r.success_time) == bill_date
            ),
            key=lambda r: r.success_time or r.created_at,
        )
        rows: list[tuple[datetime, list[str]]] = []
        for o in payments:
            assert o.success_time is not None
            row = [
                _bill_time(o.success_time), o.appid, o.mchid, "0", "", o.transaction_id or "",
                o.out_trade_no, o.openid or "", o.trade_type, "SUCCESS", "OTHERS", o.currency,
                _yuan(o.total), "0.00", "0", "0", "0.00", "0.00", "", "", o.description,
                o.attach, "0.00000", "0.00%", _yuan(o.total), "0.00", "",
            ]  # fmt: skip
            rows.append((o.success_time, row))
        for r in refunds:
            o = self.orders[r.out_trade_no]
            assert r.success_time is not None
            row = [
                _bill_time(r.success_time), o.appid, o.mchid, "0", "", r.transaction_id,
                r.out_trade_no, o.openid or "", o.trade_type, "REFUND", "OTHERS", o.currency,
                "0.00", "0.00", r.refund_id, r.out_refund_no, _yuan(r.amount), "0.00",
                "ORIGINAL", r.status, o.description, o.attach, "0.00000", "0.00%", "0.00",
                _yuan(r.amount), "",
            ]  # fmt: skip
            rows.append((r.success_time, row))
        rows.sort(key=lambda pair: pair[0])
        settled = sum(o.total for o in payments)
        refunded = sum(r.amount for r in refunds)
        summary = [
            str(len(rows)), _yuan(settled), _yuan(refunded), "0.00", "0.00000", _yuan(settled),
            _yuan(refunded),
        ]  # fmt: skip
        lines = [BILL_HEADER, *(_bill_row(row) for _, row in rows)]
        lines += [BILL_SUMMARY_HEADER, _bill_row(summary)]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")

    def fund_flow_bill(self, bill_date: date) -> bytes:
        """The basic account's day: income for each payment, expense for each refund paid out,
        with the running balance over all days, as WeChat's fund-flow bill lays it out."""
        events: list[tuple[datetime, int, list[str]]] = []
        for o in self.orders.values():
            if o.success_time is not None and o.transaction_id is not None:
                row = [
                    o.transaction_id, f"{o.transaction_id}F", "交易", "交易", "收入",
                    _yuan(o.total), "system", "", o.out_trade_no,
                ]  # fmt: skip
                events.append((o.success_time, o.total, row))
        for r in self.refunds.values():
            if r.status == "SUCCESS" and r.success_time is not None:
                row = [
                    r.refund_id, f"{r.refund_id}F", "退款", "退款", "支出",
                    _yuan(r.amount), "system", r.reason, f"REF{r.transaction_id}",
                ]  # fmt: skip
                events.append((r.success_time, -r.amount, row))
        events.sort(key=lambda event: event[0])
        balance = 0
        lines = [FUND_FLOW_HEADER]
        income = expense = income_count = expense_count = 0
        for at, change, row in events:
            balance += change
            if _day(at) != bill_date:
                continue
            if change > 0:
                income, income_count = income + change, income_count + 1
            else:
                expense, expense_count = expense - change, expense_count + 1
            lines.append(_bill_row([_bill_time(at), *row[:6], _yuan(balance), *row[6:]]))
        summary = [
            str(income_count + expense_count), str(income_count), _yuan(income),
            str(expense_count), _yuan(expense),
        ]  # fmt: skip
        lines += [FUND_FLOW_SUMMARY_HEADER, _bill_row(summary)]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")

    def ledger(self) -> dict[str, Any]:
        payments = [
            {
                "out_trade_no": o.out_trade_no,
                "transaction_id": o.transaction_id,
                "amount": o.total,
                "state": o.trade_state,
                "paid_at": _rfc3339(o.success_time),
                "late": o.late,
            }
            for o in self.orders.values()
            if o.trade_state in PAID_STATES
        ]
        refunds = [
            {
                "out_refund_no": r.out_refund_no,
                "out_trade_no": r.out_trade_no,
                "amount": r.amount,
                "state": r.status,
            }
            for r in self.refunds.values()
        ]
        return {
            "payments": payments,
            "refunds": refunds,
            "totals": {
                "paid": sum(p["amount"] for p in payments),
                "refunded": sum(r.amount for r in self.refunds.values() if r.status == "SUCCESS"),
            },
        }


# --- small pure helpers ------------------------------------------------------------------------


def _text(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise BankError(400, "PARAM_ERROR", f"{name} is required")
    return value


def _object(body: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = body.get(name)
    if not isinstance(value, dict):
        raise BankError(400, "PARAM_ERROR", f"{name} is required")
    return value


def _is_fen(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _rfc3339(at: datetime | None) -> str | None:
    return at.replace(microsecond=0).isoformat() if at is not None else None


def _day(at: datetime) -> date:
    # The bill's day is the hospital's (Beijing) day, whatever zone a datetime was made in.
    return at.astimezone(SHANGHAI).date()


def _bill_time(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def _yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def _bill_row(values: list[str]) -> str:
    # Each value starts with a backtick so that spreadsheets keep long numbers as text; commas
    # would break the format, and WeChat's own files never contain them inside a value.
    return ",".join("`" + v.replace(",", "，") for v in values)


# --- notifications -----------------------------------------------------------------------------


class Notifier:
    """Delivers notifications in the background with retries, bending the rules under faults."""

    def __init__(
        self,
        state: BankState,
        keys: BankKeys,
        apiv3_key: bytes,
        http: httpx.AsyncClient | None,
    ) -> None:
        self.state = state
        self.keys = keys
        self.apiv3_key = apiv3_key
        self._http = http
        self._owns_http = http is None

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=5.0)
        return self._http

    def use(self, http: httpx.AsyncClient) -> None:
        """Deliver through the host's shared client (which the host closes)."""
        self._http = http
        self._owns_http = False

    async def aclose(self) -> None:
        if self._owns_http and self._http is not None:
            await self._http.aclose()
            self._http = None

    def send(self, notification: Notification) -> None:
        """Queue one notification; faults decide whether it goes once, twice, late or never."""
        faults = self.state.faults
        if faults.drop_notifications:
            self.state.dropped.append(notification)
            log.info("bank_notification_dropped", event_type=notification.event_type)
            return
        copies = 2 if faults.duplicate_notifications else 1
        held = self.state.held
        if faults.reorder_notifications and held is None:
            self.state.held = notification
            self._spawn(self._release_later(notification))
            return
        for _ in range(copies):
            self._spawn(self._deliver(notification))
        if held is not None:
            # The earlier one goes after this later one: out of order.
            self.state.held = None
            self._spawn(self._deliver(held, after=0.01))

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self.state.tasks.add(task)
        task.add_done_callback(self.state.tasks.discard)

    async def _release_later(self, notification: Notification) -> None:
        await asyncio.sleep(self.state.reorder_hold_seconds)
        if self.state.held is notification:
            self.state.held = None
            await self._deliver(notification)

    async def _deliver(self, notification: Notification, *, after: float = 0.0) -> None:
        if after:
            await asyncio.sleep(after)
        for delay in self.state.notify_retry_delays:
            if delay:
                await asyncio.sleep(delay)
            if await self._post(notification):
                self.state.delivered.append(notification)
                return
        self.state.undeliverable.append(notification)
        log.warning("bank_notification_undeliverable", url=notification.url)

    async def _post(self, notification: Notification) -> bool:
        now = self.state.clock.now()
        envelope = {
            "id": notification.id,
            "create_time": _rfc3339(now),
            "resource_type": "encrypt-resource",
            "event_type": notification.event_type,
            "summary": notification.summary,
            "resource": seal_resource(
                self.apiv3_key, notification.resource, original_type=notification.original_type
            ),
        }
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        headers = signed_headers(self.keys.platform_key, self.keys.platform_serial, body, now=now)
        headers["Content-Type"] = "application/json"
        try:
            response = await self.http.post(notification.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            log.info("bank_notification_failed", url=notification.url, error=repr(exc))
            return False
        return 200 <= response.status_code < 300


def transaction_notification(order: Order) -> Notification:
    return Notification(
        url=order.notify_url,
        event_type="TRANSACTION.SUCCESS",
        original_type="transaction",
        summary="支付成功",
        resource=order.to_json(),
    )


REFUND_EVENTS = {
    "SUCCESS": ("REFUND.SUCCESS", "退款成功"),
    "ABNORMAL": ("REFUND.ABNORMAL", "退款异常"),
    "CLOSED": ("REFUND.CLOSED", "退款关闭"),
}


def refund_notification(record: RefundRecord, mchid: str) -> Notification | None:
    """The notice of a refund's final state; none while PROCESSING or without a notify_url."""
    event = REFUND_EVENTS.get(record.status)
    if not record.notify_url or event is None:
        return None
    event_type, summary = event
    return Notification(
        url=record.notify_url,
        event_type=event_type,
        original_type="refund",
        summary=summary,
        resource=record.notice(mchid),
    )


# --- HTTP ------------------------------------------------------------------------------------


Handler = Callable[[Request, bytes], Awaitable[tuple[int, Any]]]


def create_bank_app(
    *,
    clock: Clock,
    keys: BankKeys,
    apiv3_key: str,
    mch_id: str,
    public_base_url: str,
    http: httpx.AsyncClient | None = None,
) -> Starlette:
    """The bank simulator as an ASGI app; its state is ``app.state.bank`` (a ``BankState``)."""
    state = BankState(mch_id=mch_id, clock=clock)
    notifier = Notifier(state, keys, apiv3_key.encode("utf-8"), http)
    base = public_base_url.rstrip("/")

    def reply(status: int, payload: Any) -> Response:
        body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = signed_headers(keys.platform_key, keys.platform_serial, body, now=clock.now())
        media = "application/json" if body else None
        return Response(body, status_code=status, headers=headers, media_type=media)

    def authenticate(request: Request, body: bytes) -> None:
        header = request.headers.get("authorization")
        if not header:
            raise BankError(401, "SIGN_ERROR", "缺少Authorization")
        try:
            auth = parse_authorization(header)
        except WechatPayCryptoError as exc:
            raise BankError(401, "SIGN_ERROR", str(exc)) from exc
        if auth.mchid != mch_id or auth.serial_no != keys.merchant_serial:
            raise BankError(401, "SIGN_ERROR", "商户号或证书序列号不匹配")
        if not timestamp_is_fresh(auth.timestamp, clock.now(), MAX_CLOCK_SKEW):
            raise BankError(401, "SIGN_ERROR", "请求时间戳已过期")
        if not verify_request(
            keys.merchant_public_key, auth, request.method, _signed_url(request), body
        ):
            raise BankError(401, "SIGN_ERROR", "签名错误")

    def signed(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            body = await request.body()
            faults = state.faults
            if faults.latency_ms:
                await asyncio.sleep(faults.latency_ms / 1000)
            if faults.error_rate and state.rng.random() < faults.error_rate:
                return reply(500, {"code": "SYSTEM_ERROR", "message": "系统错误"})
            hang = bool(faults.timeout_rate) and state.rng.random() < faults.timeout_rate
            try:
                authenticate(request, body)
                status, payload = await handler(request, body)
            except BankError as exc:
                status, payload = exc.status, {"code": exc.code, "message": exc.message}
            if hang:
                await asyncio.sleep(state.hang_seconds)
            return reply(status, payload)

        return endpoint

    async def create_h5(request: Request, body: bytes) -> tuple[int, Any]:
        data = _json_body(body)
        async with state.lock:
            order = state.create_order(data, clock.now())
        return 200, {"h5_url": f"{base}/cashier/{order.prepay_id}"}

    async def create_jsapi(request: Request, body: bytes) -> tuple[int, Any]:
        data = _json_body(body)
        async with state.lock:
            order = state.create_order(data, clock.now(), trade_type="JSAPI")
        return 200, {"prepay_id": order.prepay_id}

    async def query_order(request: Request, body: bytes) -> tuple[int, Any]:
        if request.query_params.get("mchid") != mch_id:
            raise BankError(400, "PARAM_ERROR", "mchid is required")
        async with state.lock:
            order = state.order(request.path_params["out_trade_no"])
            return 200, order.to_json()

    async def close_order(request: Request, body: bytes) -> tuple[int, Any]:
        data = _json_body(body)
        if data.get("mchid") != mch_id:
            raise BankError(400, "PARAM_ERROR", "mchid is required")
        async with state.lock:
            state.close(request.path_params["out_trade_no"])
        return 204, None

    async def query_by_transaction(request: Request, body: bytes) -> tuple[int, Any]:
        if request.query_params.get("mchid") != mch_id:
            raise BankError(400, "PARAM_ERROR", "mchid is required")
        transaction_id = request.path_params["transaction_id"]
        async with state.lock:
            for order in state.orders.values():
                if order.transaction_id == transaction_id:
                    return 200, order.to_json()
        raise BankError(404, "ORDER_NOT_EXIST", "订单不存在")

    async def create_refund(request: Request, body: bytes) -> tuple[int, Any]:
        data = _json_body(body)
        async with state.lock:
            record, new = state.refund(data, clock.now())
            answer = record.to_json()
        if new and (notice := refund_notification(record, mch_id)):
            notifier.send(notice)
        return 200, answer

    async def query_refund(request: Request, body: bytes) -> tuple[int, Any]:
        async with state.lock:
            record = state.refunds.get(request.path_params["out_refund_no"])
            if record is None:
                raise BankError(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
            return 200, record.to_json()

    def bill_date_of(request: Request) -> date:
        try:
            bill_date = date.fromisoformat(request.query_params.get("bill_date", ""))
        except ValueError as exc:
            raise BankError(400, "PARAM_ERROR", "bill_date must be YYYY-MM-DD") from exc
        if bill_date > clock.today():
            raise BankError(400, "NO_STATEMENT_EXIST", "账单不存在")
        return bill_date

    async def trade_bill(request: Request, body: bytes) -> tuple[int, Any]:
        if request.query_params.get("bill_type", "ALL") != "ALL":
            raise BankError(400, "PARAM_ERROR", "only bill_type=ALL is supported")
        bill_date = bill_date_of(request)
        async with state.lock:
            return 200, offer_bill(state.trade_bill(bill_date))

    async def fund_flow_bill(request: Request, body: bytes) -> tuple[int, Any]:
        # Only the basic account exists here: the operation and fee accounts hold nothing.
        if request.query_params.get("account_type", "BASIC") != "BASIC":
            raise BankError(400, "PARAM_ERROR", "only account_type=BASIC is supported")
        bill_date = bill_date_of(request)
        async with state.lock:
            return 200, offer_bill(state.fund_flow_bill(bill_date))

    def offer_bill(content: bytes) -> dict[str, Any]:
        token = secrets.token_urlsafe(16)
        state.bills[token] = content
        return {
            "hash_type": "SHA1",
            "hash_value": hashlib.sha1(content, usedforsecurity=False).hexdigest(),
            "download_url": f"{base}/v3/billdownload/file?token={token}",
        }

    async def download_bill(request: Request) -> Response:
        body = await request.body()
        try:
            authenticate(request, body)
        except BankError as exc:
            return reply(exc.status, {"code": exc.code, "message": exc.message})
        content = state.bills.get(request.query_params.get("token", ""))
        if content is None:
            return reply(404, {"code": "RESOURCE_NOT_EXISTS", "message": "账单不存在或已过期"})
        return Response(content, media_type="text/csv; charset=utf-8")

    async def cashier_page(request: Request) -> Response:
        async with state.lock:
            try:
                order = state.order_by_prepay(request.path_params["prepay_id"])
            except BankError as exc:
                return HTMLResponse(_page("订单不存在", exc.message), status_code=404)
            return HTMLResponse(_cashier_html(order, clock.now(), None))

    async def cashier_action(request: Request) -> Response:
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
            try:
                order = state.order_by_prepay(request.path_params["prepay_id"])
                if order.trade_type != "MWEB":
                    # A JSAPI order is paid inside WeChat only (see /jsapi/pay).
                    raise BankError(400, "TRADE_ERROR", "此订单须在微信内支付")
                if action == "pay":
                    if state.pay(order, clock.now(), str(data.get("openid") or DEFAULT_OPENID)):
                        notice = transaction_notification(order)
                elif action == "cancel":
                    state.cancel_at_cashier(order)
                else:
                    raise BankError(400, "PARAM_ERROR", "action must be pay or cancel")
            except BankError as exc:
                if is_form:
                    return HTMLResponse(_page("支付失败", exc.message), status_code=exc.status)
                return JSONResponse({"code": exc.code, "message": exc.message}, exc.status)
            answer = {
                "out_trade_no": order.out_trade_no,
                "trade_state": order.trade_state,
                "transaction_id": order.transaction_id,
                "success_time": _rfc3339(order.success_time),
                "cancelled": order.cancelled_by_payer,
            }
            page = _cashier_html(order, clock.now(), "已取消" if action == "cancel" else None)
        if notice is not None:
            notifier.send(notice)
        return HTMLResponse(page) if is_form else JSONResponse(answer)

    async def jsapi_pay(request: Request) -> Response:
        """Stands in for the WeChat client's JSBridge: it pays a JSAPI order only with the
        getBrandWCPayRequest parameters the merchant signed, as the payer it was made for."""
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError:
            data = None
        notice: Notification | None = None
        async with state.lock:
            try:
                if not isinstance(data, dict):
                    raise BankError(400, "PARAM_ERROR", "body must be a JSON object")
                fields = {name: _text(data, name) for name in JSAPI_PAY_FIELDS}
                if fields["signType"] != "RSA":
                    raise BankError(400, "PARAM_ERROR", "signType must be RSA")
                package = fields["package"]
                if not package.startswith("prepay_id="):
                    raise BankError(400, "PARAM_ERROR", "package must be prepay_id=...")
                message = jsapi_pay_message(
                    fields["appId"], fields["timeStamp"], fields["nonceStr"], package
                )
                if not verify_message(keys.merchant_public_key, message, fields["paySign"]):
                    raise BankError(401, "SIGN_ERROR", "paySign 签名错误")
                if not timestamp_is_fresh(fields["timeStamp"], clock.now(), MAX_CLOCK_SKEW):
                    raise BankError(400, "PARAM_ERROR", "timeStamp 已过期")
                order = state.order_by_prepay(package.removeprefix("prepay_id="))
                if order.trade_type != "JSAPI" or order.appid != fields["appId"]:
                    raise BankError(400, "PARAM_ERROR", "not a JSAPI order of this appId")
                payer = str(data.get("openid") or order.payer_openid)
                if payer != order.payer_openid:
                    raise BankError(403, "NO_AUTH", "此订单不属于当前微信用户")
                if state.pay(order, clock.now(), payer):
                    notice = transaction_notification(order)
            except BankError as exc:
                return JSONResponse({"code": exc.code, "message": exc.message}, exc.status)
            answer = {
                "out_trade_no": order.out_trade_no,
                "trade_state": order.trade_state,
                "transaction_id": order.transaction_id,
                "success_time": _rfc3339(order.success_time),
            }
        if notice is not None:
            notifier.send(notice)
        return JSONResponse(answer)

    async def ledger(request: Request) -> Response:
        async with state.lock:
            return JSONResponse(state.ledger())

    async def faults(request: Request) -> Response:
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
                        else state.settle_processing_refunds(clock.now())
                    )
                for record in settled:
                    if notice := refund_notification(record, mch_id):
                        notifier.send(notice)
            except ValueError:
                return JSONResponse({"code": "PARAM_ERROR", "message": "not JSON"}, 400)
            except BankError as exc:
                return JSONResponse({"code": exc.code, "message": exc.message}, exc.status)
        return JSONResponse(state.faults.to_json())

    async def reset(request: Request) -> Response:
        async with state.lock:
            state.reset()
        return Response(status_code=204)

    routes = [
        Route("/v3/pay/transactions/h5", signed(create_h5), methods=["POST"]),
        Route("/v3/pay/transactions/jsapi", signed(create_jsapi), methods=["POST"]),
        Route(
            "/v3/pay/transactions/out-trade-no/{out_trade_no}",
            signed(query_order),
            methods=["GET"],
        ),
        Route(
            "/v3/pay/transactions/out-trade-no/{out_trade_no}/close",
            signed(close_order),
            methods=["POST"],
        ),
        Route(
            "/v3/pay/transactions/id/{transaction_id}",
            signed(query_by_transaction),
            methods=["GET"],
        ),
        Route("/v3/refund/domestic/refunds", signed(create_refund), methods=["POST"]),
        Route("/v3/refund/domestic/refunds/{out_refund_no}", signed(query_refund), methods=["GET"]),
        Route("/v3/bill/tradebill", signed(trade_bill), methods=["GET"]),
        Route("/v3/bill/fundflowbill", signed(fund_flow_bill), methods=["GET"]),
        Route("/v3/billdownload/file", download_bill, methods=["GET"]),
        Route("/cashier/{prepay_id}", cashier_page, methods=["GET"]),
        Route("/cashier/{prepay_id}", cashier_action, methods=["POST"]),
        Route("/jsapi/pay", jsapi_pay, methods=["POST"]),
        Route("/ledger", ledger, methods=["GET"]),
        Route("/faults", faults, methods=["GET", "PUT"]),
        Route("/reset", reset, methods=["POST"]),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            for task in list(state.tasks):
                task.cancel()
            await notifier.aclose()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.bank = state
    app.state.bank_notifier = notifier
    return app


def _signed_url(request: Request) -> str:
    # The merchant signs the path it sent, mount prefix included; raw_path is that, untouched
    # by Starlette's mounting. The query string is part of the signed URL.
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path
    query = request.scope.get("query_string", b"")
    return f"{path}?{query.decode('latin-1')}" if query else path


def _json_body(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise BankError(400, "PARAM_ERROR", "body is not JSON") from exc
    if not isinstance(data, dict):
        raise BankError(400, "PARAM_ERROR", "body must be a JSON object")
    return data


def _page(title: str, content: str) -> str:
    return (
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{html.escape(title)}</title></head>"
        "<body style='font-family:sans-serif;max-width:28em;margin:2em auto;text-align:center'>"
        f"<h1>{html.escape(title)}</h1>{content}</body></html>"
    )


def _cashier_html(order: Order, now: datetime, note: str | None) -> str:
    amount = f"<p style='font-size:2em'>¥{_yuan(order.total)}</p>"
    description = f"<p>{html.escape(order.description)}</p>"
    if order.trade_state in PAID_STATES:
        status = "<p>支付成功</p>"
        if order.transaction_id:
            status += f"<p><small>{html.escape(order.transaction_id)}</small></p>"
        return _page("微信支付", amount + description + status)
    buttons = (
        "<form method='post'><button name='action' value='pay' "
        "style='font-size:1.2em;padding:.5em 3em'>支付</button></form>"
        "<form method='post'><button name='action' value='cancel'>取消</button></form>"
    )
    extra = f"<p>{html.escape(note)}</p>" if note else ""
    if order.closed:
        extra += "<p>订单已关闭</p>"
    elif order.time_expire is not None and now > order.time_expire:
        extra += "<p>订单已过期</p>"
    return _page("微信支付", amount + description + extra + buttons)
