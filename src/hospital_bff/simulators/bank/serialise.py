"""The bank simulator's records in WeChat Pay v3's wire shapes (snake_case JSON, RFC 3339)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hospital_bff.simulators.bank.records import PAID_STATES, Order, RefundRecord
from hospital_bff.simulators.bank.state import BankState

TRADE_STATE_DESC = {
    "NOTPAY": "未支付",
    "SUCCESS": "支付成功",
    "REFUND": "转入退款",
    "CLOSED": "已关闭",
    "REVOKED": "已撤销",
    "PAYERROR": "支付失败",
    "USERPAYING": "用户支付中",
}


def rfc3339(at: datetime | None) -> str | None:
    return at.replace(microsecond=0).isoformat() if at is not None else None


def order_json(order: Order) -> dict[str, Any]:
    """An order as the query API and the TRANSACTION.SUCCESS resource show it."""
    body: dict[str, Any] = {
        "appid": order.appid,
        "mchid": order.mchid,
        "out_trade_no": order.out_trade_no,
        "trade_type": order.trade_type,
        "trade_state": order.trade_state,
        "trade_state_desc": TRADE_STATE_DESC[order.trade_state],
        "attach": order.attach,
        "amount": {"total": order.total, "currency": order.currency},
    }
    if order.transaction_id is not None:
        body["transaction_id"] = order.transaction_id
        body["bank_type"] = "OTHERS"
        body["success_time"] = rfc3339(order.success_time)
        body["payer"] = {"openid": order.openid}
        body["amount"] = {
            "total": order.total,
            "payer_total": order.total,
            "currency": order.currency,
            "payer_currency": order.currency,
        }
    return body


def refund_json(record: RefundRecord) -> dict[str, Any]:
    """A refund as the refund API answers it."""
    return {
        "refund_id": record.refund_id,
        "out_refund_no": record.out_refund_no,
        "transaction_id": record.transaction_id,
        "out_trade_no": record.out_trade_no,
        "channel": "ORIGINAL",
        "user_received_account": record.received_account,
        "success_time": rfc3339(record.success_time),
        "create_time": rfc3339(record.created_at),
        "status": record.status,
        "funds_account": "UNSETTLED",
        "amount": {
            "total": record.total,
            "refund": record.amount,
            "payer_total": record.total,
            "payer_refund": record.amount,
            "settlement_refund": record.amount,
            "settlement_total": record.total,
            "discount_refund": 0,
            "currency": "CNY",
        },
    }


def refund_notice(record: RefundRecord, mchid: str) -> dict[str, Any]:
    """A refund as the REFUND.* notification's resource shows it."""
    return {
        "mchid": mchid,
        "out_trade_no": record.out_trade_no,
        "transaction_id": record.transaction_id,
        "out_refund_no": record.out_refund_no,
        "refund_id": record.refund_id,
        "refund_status": record.status,
        "success_time": rfc3339(record.success_time),
        "user_received_account": record.received_account,
        "amount": {
            "total": record.total,
            "refund": record.amount,
            "payer_total": record.total,
            "payer_refund": record.amount,
        },
    }


def trade_answer(order: Order) -> dict[str, Any]:
    """What the cashier and the JSBridge stand-in tell the payer after paying."""
    return {
        "out_trade_no": order.out_trade_no,
        "trade_state": order.trade_state,
        "transaction_id": order.transaction_id,
        "success_time": rfc3339(order.success_time),
    }


def ledger_json(state: BankState) -> dict[str, Any]:
    """Every payment and refund the bank holds, for checking that no money is lost."""
    payments = [
        {
            "out_trade_no": o.out_trade_no,
            "transaction_id": o.transaction_id,
            "amount": o.total,
            "state": o.trade_state,
            "paid_at": rfc3339(o.success_time),
            "late": o.late,
        }
        for o in state.orders.values()
        if o.trade_state in PAID_STATES
    ]
    refunds = [
        {
            "out_refund_no": r.out_refund_no,
            "out_trade_no": r.out_trade_no,
            "amount": r.amount,
            "state": r.status,
        }
        for r in state.refunds.values()
    ]
    return {
        "payments": payments,
        "refunds": refunds,
        "totals": {
            "paid": sum(p["amount"] for p in payments),
            "refunded": sum(r.amount for r in state.refunds.values() if r.status == "SUCCESS"),
        },
    }
