"""The bank's business: orders made, paid, closed; refunds made and settled. Each function
changes a `BankState` (the caller holds its lock) and says what a notification is due for."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hospital_bff.simulators.bank.errors import BankError
from hospital_bff.simulators.bank.parse import is_fen, object_field, text
from hospital_bff.simulators.bank.records import PAID_STATES, Order, RefundRecord
from hospital_bff.simulators.bank.state import BankState


def create_order(
    state: BankState, body: Mapping[str, Any], now: datetime, trade_type: str = "MWEB"
) -> Order:
    amount = object_field(body, "amount")
    total = amount.get("total")
    if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
        raise BankError(400, "PARAM_ERROR", "amount.total must be a positive integer (fen)")
    currency = str(amount.get("currency") or "CNY")
    if currency != "CNY":
        raise BankError(400, "PARAM_ERROR", "only CNY is supported")
    if text(body, "mchid") != state.mch_id:
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
        payer_openid = text(object_field(body, "payer"), "openid")
    candidate = Order(
        prepay_id=f"wx{now.strftime('%Y%m%d%H%M%S')}{secrets.token_hex(8)}",
        appid=text(body, "appid"),
        mchid=state.mch_id,
        description=text(body, "description"),
        out_trade_no=text(body, "out_trade_no"),
        total=total,
        currency=currency,
        time_expire=time_expire,
        notify_url=text(body, "notify_url"),
        attach=str(body.get("attach") or ""),
        scene_info=dict(body.get("scene_info") or {}),
        created_at=now,
        trade_type=trade_type,
        payer_openid=payer_openid,
    )
    existing = state.orders.get(candidate.out_trade_no)
    if existing is not None:
        if not existing.same_request(candidate):
            raise BankError(400, "INVALID_REQUEST", "201 商户订单号重复: out_trade_no used")
        if existing.trade_state in PAID_STATES:
            raise BankError(400, "ORDER_PAID", "该订单已支付")
        if existing.trade_state == "CLOSED":
            raise BankError(400, "ORDER_CLOSED", "该订单已关闭")
        return existing
    state.orders[candidate.out_trade_no] = candidate
    state.orders_by_prepay[candidate.prepay_id] = candidate.out_trade_no
    return candidate


def close(state: BankState, out_trade_no: str) -> None:
    order = state.order(out_trade_no)
    if order.trade_state in PAID_STATES:
        raise BankError(400, "ORDER_PAID", "订单已支付，不能关闭")
    order.trade_state = "CLOSED"
    order.closed = True


def pay(state: BankState, order: Order, now: datetime, openid: str) -> bool:
    """Take the payer's money; True if it moved now (so a notification is due)."""
    if order.trade_state in PAID_STATES:
        return False
    expired = order.time_expire is not None and now > order.time_expire
    if (order.closed or expired) and not state.faults.late_payments:
        if order.closed:
            raise BankError(400, "ORDER_CLOSED", "订单已关闭")
        raise BankError(400, "ORDER_EXPIRED", "订单已过期")
    # With latePayments on, a payment started before the window closed still lands: the
    # "long payment" the hospital must give back.
    order.late = order.closed or expired
    order.trade_state = "SUCCESS"
    order.transaction_id = state.next_id("4200000")
    order.success_time = now
    order.openid = openid
    return True


def refund(state: BankState, body: Mapping[str, Any], now: datetime) -> tuple[RefundRecord, bool]:
    """Make a refund; the flag says whether it is new (so a notification is due)."""
    out_refund_no = text(body, "out_refund_no")
    out_trade_no = text(body, "out_trade_no")
    amount = object_field(body, "amount")
    refund, total = amount.get("refund"), amount.get("total")
    if not is_fen(refund) or not is_fen(total):
        raise BankError(400, "PARAM_ERROR", "amount.refund and amount.total must be fen > 0")
    assert isinstance(refund, int)
    assert isinstance(total, int)
    existing = state.refunds.get(out_refund_no)
    if existing is not None:
        if (existing.out_trade_no, existing.amount, existing.total) != (
            out_trade_no,
            refund,
            total,
        ):
            raise BankError(400, "INVALID_REQUEST", "out_refund_no used with other params")
        return existing, False
    order = state.orders.get(out_trade_no)
    if order is None:
        raise BankError(404, "RESOURCE_NOT_EXISTS", "订单不存在")
    if order.trade_state not in PAID_STATES or order.transaction_id is None:
        raise BankError(400, "INVALID_REQUEST", "订单未支付，不能退款")
    if total != order.total:
        raise BankError(400, "PARAM_ERROR", "amount.total differs from the order's total")
    if refund > order.total - order.refunded:
        raise BankError(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额")
    record = RefundRecord(
        refund_id=state.next_id("50300"),
        out_refund_no=out_refund_no,
        out_trade_no=out_trade_no,
        transaction_id=order.transaction_id,
        amount=refund,
        total=total,
        reason=str(body.get("reason") or ""),
        notify_url=str(body["notify_url"]) if body.get("notify_url") else None,
        created_at=now,
    )
    if state.faults.refunds_abnormal:
        record.status = "ABNORMAL"  # the payer's card is closed: the money stays here
    elif state.faults.refunds_processing:
        record.status = "PROCESSING"
    else:
        record.success_time = now
    state.refunds[out_refund_no] = record
    if record.status == "ABNORMAL":
        return record, True
    order.refunded += refund
    if order.trade_state == "SUCCESS":
        order.trade_state = "REFUND"
    return record, True


def settle_processing_refunds(state: BankState, now: datetime) -> list[RefundRecord]:
    """The bank finishes every refund it held PROCESSING: they succeed now."""
    settled = [r for r in state.refunds.values() if r.status == "PROCESSING"]
    for record in settled:
        record.status = "SUCCESS"
        record.success_time = now
    return settled


def cancel_at_cashier(state: BankState, order: Order) -> None:
    """The payer gave up: the order is closed, so this payUrl can never take money."""
    if order.trade_state == "NOTPAY":
        order.cancelled_by_payer = True
        close(state, order.out_trade_no)
