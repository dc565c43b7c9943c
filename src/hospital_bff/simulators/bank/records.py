"""What the bank simulator holds: orders (H5 and JSAPI), refunds, and the notifications it
owes the merchant. Plain data; the rules are in `rules`, the wire shapes in `serialise`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Trade states in which the payer's money reached the merchant.
PAID_STATES = frozenset({"SUCCESS", "REFUND", "REVOKED"})


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

    @property
    def received_account(self) -> str:
        return "支付用户零钱" if self.status != "ABNORMAL" else "支付用户银行卡(已注销)"


@dataclass
class Notification:
    """One notification to deliver: where, and the plaintext resource before encryption."""

    url: str
    event_type: str
    original_type: str
    summary: str
    resource: dict[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
