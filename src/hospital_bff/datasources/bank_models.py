"""Typed DTOs of the bank (WeChat Pay API v3 subset); amounts are integer fen throughout."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

TradeState = Literal["SUCCESS", "REFUND", "NOTPAY", "CLOSED", "REVOKED", "USERPAYING", "PAYERROR"]
RefundStatus = Literal["SUCCESS", "CLOSED", "PROCESSING", "ABNORMAL"]
# A refund the bank will never pay: the payer's account is gone (ABNORMAL) or it was closed.
REFUSED_REFUND_STATES: frozenset[str] = frozenset({"ABNORMAL", "CLOSED"})
# The trade states in which the bank holds (or held) the payer's money.
PAID_STATES: frozenset[str] = frozenset({"SUCCESS", "REFUND", "REVOKED"})


class _Wire(BaseModel):
    # The platform adds fields over time; an unknown one must not break a payment.
    model_config = ConfigDict(extra="ignore", frozen=True)


class H5Order(_Wire):
    """A created H5 order: the URL the patient's browser opens to pay."""

    h5_url: str


class JsapiOrder(_Wire):
    """A created JSAPI order: the prepay_id the WeChat client pays with."""

    prepay_id: str


class JsapiPayParams(_Wire):
    """What the page inside WeChat hands to ``WeixinJSBridge.invoke('getBrandWCPayRequest')``."""

    app_id: str
    timestamp: str
    nonce_str: str
    package: str
    sign_type: str
    pay_sign: str


class Payer(_Wire):
    """Who paid, as the platform knows them."""

    openid: str | None = None


class TransactionAmount(_Wire):
    """An order's amount; ``payer_total`` is what left the payer's account."""

    total: int
    payer_total: int | None = None
    currency: str = "CNY"
    payer_currency: str | None = None


class Transaction(_Wire):
    """An order as the bank sees it: the answer to a query and the TRANSACTION.SUCCESS resource."""

    appid: str | None = None
    mchid: str | None = None
    out_trade_no: str
    transaction_id: str | None = None
    trade_type: str | None = None
    trade_state: TradeState
    trade_state_desc: str | None = None
    bank_type: str | None = None
    attach: str | None = None
    success_time: datetime | None = None
    payer: Payer | None = None
    amount: TransactionAmount | None = None

    @property
    def is_paid(self) -> bool:
        return self.trade_state in PAID_STATES


class RefundAmount(_Wire):
    """A refund's amounts: ``refund`` of the order's ``total``."""

    total: int
    refund: int
    payer_total: int | None = None
    payer_refund: int | None = None
    currency: str = "CNY"


class Refund(_Wire):
    """A refund as the bank sees it: the answer to a refund call or a refund query."""

    refund_id: str
    out_refund_no: str
    transaction_id: str | None = None
    out_trade_no: str
    channel: str | None = None
    user_received_account: str | None = None
    status: RefundStatus
    success_time: datetime | None = None
    create_time: datetime | None = None
    amount: RefundAmount


class RefundNoticeAmount(_Wire):
    """The amounts in a refund notification's resource."""

    total: int
    refund: int
    payer_total: int | None = None
    payer_refund: int | None = None


class RefundNotice(_Wire):
    """The decrypted resource of a REFUND.SUCCESS / .ABNORMAL / .CLOSED notification
    (note: ``refund_status``, where a query answers ``status``)."""

    mchid: str | None = None
    out_trade_no: str
    transaction_id: str | None = None
    out_refund_no: str
    refund_id: str
    refund_status: RefundStatus
    success_time: datetime | None = None
    user_received_account: str | None = None
    amount: RefundNoticeAmount


class TradeBillLine(_Wire):
    """One row of the trade bill: a payment (trade_state SUCCESS) or a refund (REFUND)."""

    traded_at: datetime
    appid: str
    mchid: str
    sub_mchid: str
    device_info: str
    transaction_id: str
    out_trade_no: str
    openid: str
    trade_type: str
    trade_state: str
    bank_type: str
    currency: str
    settlement_amount: int
    voucher_amount: int
    refund_id: str
    out_refund_no: str
    refund_amount: int
    voucher_refund_amount: int
    refund_type: str
    refund_status: str
    description: str
    attach: str
    fee: int
    fee_rate: str
    order_amount: int
    refund_requested_amount: int
    fee_rate_note: str

    @property
    def is_refund(self) -> bool:
        return self.trade_state == "REFUND"


class TradeBillSummary(_Wire):
    """The bill's last two lines: counts and totals for the day."""

    total_count: int
    settlement_total: int
    refund_total: int
    voucher_refund_total: int
    fee_total: int
    order_total: int
    refund_requested_total: int


class TradeBill(_Wire):
    """A day's trade bill (bill_type ALL), parsed and checked against its SHA1."""

    bill_date: date
    lines: list[TradeBillLine]
    summary: TradeBillSummary


class FundFlowLine(_Wire):
    """One row of the fund-flow bill: money into (收入) or out of (支出) the basic account."""

    booked_at: datetime
    transaction_id: str
    flow_id: str
    business_name: str
    business_type: str
    direction: str
    amount: int
    balance: int
    applicant: str
    note: str
    voucher_no: str

    @property
    def is_income(self) -> bool:
        return self.direction == "收入"


class FundFlowSummary(_Wire):
    """The fund-flow bill's last two lines: counts and totals of income and expense."""

    total_count: int
    income_count: int
    income_total: int
    expense_count: int
    expense_total: int


class FundFlowBill(_Wire):
    """A day's fund-flow bill of one account (account_type BASIC), checked against its SHA1."""

    bill_date: date
    account_type: str
    lines: list[FundFlowLine]
    summary: FundFlowSummary
