"""The reconciliation matcher (对账, paper §4.3) as a pure function: the bank's bill lines
against our payments, refunds and orders → findings, totals on both sides, and corrections.

No I/O here. The runner (``services/reconciliation.py``) loads the facts, applies the
corrections, and keeps the findings. Running it again on the same facts gives the same
findings with the same keys, so a re-run changes no finding.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from hospital_bff.datasources.bank_models import (
    REFUSED_REFUND_STATES,
    FundFlowSummary,
    TradeBillLine,
    TradeBillSummary,
)
from hospital_bff.services.money.rules import RefundStatus

# The reason a refund opened by reconciliation carries: it marks the payment as a long one for
# good, so the LONG_PAYMENT finding stays true after the refund is on its way.
LONG_PAYMENT_REASON = "对账发现长款，批量退回"


class FindingKind(enum.StrEnum):
    """What reconciliation can find."""

    LONG_PAYMENT = "LONG_PAYMENT"  # the bank took money for an order we did not carry out
    SHORT_PAYMENT = "SHORT_PAYMENT"  # we counted a payment the bank does not list
    UNKNOWN_PAYMENT = "UNKNOWN_PAYMENT"  # the bank lists a payment we never asked for
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"  # the bank took another amount than we asked
    UNKNOWN_REFUND = "UNKNOWN_REFUND"  # the bank lists a refund we never asked for
    REFUND_AMOUNT_MISMATCH = "REFUND_AMOUNT_MISMATCH"
    REFUND_NOT_IN_BILL = "REFUND_NOT_IN_BILL"  # we counted a refund the bank does not list
    REFUND_FAILED = "REFUND_FAILED"  # the bank refused a refund for good: pay back another way
    BILL_TOTALS_MISMATCH = "BILL_TOTALS_MISMATCH"  # the bill's summary disagrees with its lines
    TOTALS_DIFFER = "TOTALS_DIFFER"  # the bank's net for the day is not ours
    # The account's fund flow (money that really moved) disagrees with our payments/refunds.
    FUND_FLOW_MISMATCH = "FUND_FLOW_MISMATCH"
    FUND_FLOW_UNAVAILABLE = "FUND_FLOW_UNAVAILABLE"  # the fund-flow bill could not be had


class FindingAction(enum.StrEnum):
    """What follows from a finding."""

    BATCH_REFUND = "BATCH_REFUND"  # refunded with the day's batch, nothing for a person to do
    CHECK = "CHECK"  # a person checks (人工核查)
    MANUAL_REFUND = "MANUAL_REFUND"  # a person pays the patient back another way (人工退款)


@dataclass(frozen=True)
class PaymentFact:
    """One of our payments, as reconciliation needs it."""

    out_trade_no: str
    order_id: str
    amount: int
    succeeded: bool
    paid_in_day: bool
    order_kept: bool


@dataclass(frozen=True)
class RefundFact:
    """One of our refunds, as reconciliation needs it."""

    out_refund_no: str
    out_trade_no: str
    order_id: str
    amount: int
    status: RefundStatus
    for_long_payment: bool
    succeeded_in_day: bool
    # A refused refund is listed once, on the first day whose run saw it refused.
    failed_flagged_on_other_day: bool = False


@dataclass(frozen=True)
class Finding:
    """One fact; ``key`` names it, so the same fact is the same finding on every run."""

    kind: FindingKind
    action: FindingAction
    amount: int
    ref: str
    order_id: str | None = None
    out_trade_no: str | None = None
    out_refund_no: str | None = None
    bank_transaction_id: str | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ref}"


@dataclass(frozen=True)
class Totals:
    """Money in and out for the day, in fen."""

    paid: int = 0
    refunded: int = 0

    @property
    def net(self) -> int:
        return self.paid - self.refunded


@dataclass(frozen=True)
class LongPayment:
    """Money the bank took that we must record as paid and refund."""

    out_trade_no: str
    transaction_id: str
    traded_at: datetime


@dataclass(frozen=True)
class RefundCorrection:
    """The bill says how a refund ended; we had not heard."""

    out_refund_no: str
    bank_status: str
    at: datetime


@dataclass(frozen=True)
class Matching:
    """What the matcher found."""

    findings: list[Finding]
    bank: Totals
    hospital: Totals
    matched: int
    long_payments: list[LongPayment] = field(default_factory=list)
    refund_corrections: list[RefundCorrection] = field(default_factory=list)


def match(
    lines: Sequence[TradeBillLine],
    summary: TradeBillSummary | None,
    payments: Iterable[PaymentFact],
    refunds: Iterable[RefundFact],
) -> Matching:
    """Match every payment and refund line of the bill to ours, and ours to the bill."""
    by_trade = {p.out_trade_no: p for p in payments}
    refund_list = list(refunds)
    refund_by_no = {r.out_refund_no: r for r in refund_list}
    refund_by_trade = {r.out_trade_no: r for r in refund_list}
    findings: dict[str, Finding] = {}
    long_payments: list[LongPayment] = []
    corrections: list[RefundCorrection] = []
    matched = 0
    bank_paid = bank_refunded = 0
    bill_settled = 0
    listed_payments: set[str] = set()
    listed_refunds: set[str] = set()

    def add(finding: Finding) -> None:
        findings.setdefault(finding.key, finding)

    for line in lines:
        if line.is_refund:
            if line.refund_status == "SUCCESS":
                bank_refunded += line.refund_amount
                listed_refunds.add(line.out_refund_no)
            refund = refund_by_no.get(line.out_refund_no)
            if refund is None:
                add(
                    Finding(
                        FindingKind.UNKNOWN_REFUND,
                        FindingAction.CHECK,
                        line.refund_amount,
                        line.out_refund_no or line.refund_id,
                        out_trade_no=line.out_trade_no,
                        out_refund_no=line.out_refund_no,
                        bank_transaction_id=line.transaction_id,
                    )
                )
                continue
            if line.refund_amount != refund.amount:
                add(
                    Finding(
                        FindingKind.REFUND_AMOUNT_MISMATCH,
                        FindingAction.CHECK,
                        line.refund_amount,
                        refund.out_refund_no,
                        order_id=refund.order_id,
                        out_trade_no=refund.out_trade_no,
                        out_refund_no=refund.out_refund_no,
                        bank_transaction_id=line.transaction_id,
                    )
                )
                continue
            settled = line.refund_status == "SUCCESS" and refund.status != RefundStatus.SUCCEEDED
            refused = line.refund_status in REFUSED_REFUND_STATES and refund.status in (
                RefundStatus.PENDING,
                RefundStatus.PROCESSING,
            )
            if settled or refused:
                corrections.append(
                    RefundCorrection(refund.out_refund_no, line.refund_status, line.traded_at)
                )
            matched += 1
            continue

        bank_paid += line.order_amount
        bill_settled += line.settlement_amount
        listed_payments.add(line.out_trade_no)
        payment = by_trade.get(line.out_trade_no)
        if payment is None:
            add(
                Finding(
                    FindingKind.UNKNOWN_PAYMENT,
                    FindingAction.CHECK,
                    line.order_amount,
                    line.transaction_id,
                    out_trade_no=line.out_trade_no,
                    bank_transaction_id=line.transaction_id,
                )
            )
            continue
        if line.order_amount != payment.amount:
            add(
                Finding(
                    FindingKind.AMOUNT_MISMATCH,
                    FindingAction.CHECK,
                    line.order_amount,
                    payment.out_trade_no,
                    order_id=payment.order_id,
                    out_trade_no=payment.out_trade_no,
                    bank_transaction_id=line.transaction_id,
                )
            )
            continue
        if payment.order_kept:
            matched += 1
            continue
        refund = refund_by_trade.get(payment.out_trade_no)
        if refund is not None and not refund.for_long_payment:
            matched += 1  # an order cancelled or failed after payment, refunded as it should be
            continue
        if refund is None or not payment.succeeded:
            long_payments.append(
                LongPayment(payment.out_trade_no, line.transaction_id, line.traded_at)
            )
        add(
            Finding(
                FindingKind.LONG_PAYMENT,
                FindingAction.BATCH_REFUND,
                line.order_amount,
                payment.out_trade_no,
                order_id=payment.order_id,
                out_trade_no=payment.out_trade_no,
                bank_transaction_id=line.transaction_id,
            )
        )

    hospital_paid = 0
    for payment in by_trade.values():
        if not (payment.succeeded and payment.paid_in_day):
            continue
        hospital_paid += payment.amount
        if payment.out_trade_no not in listed_payments:
            add(
                Finding(
                    FindingKind.SHORT_PAYMENT,
                    FindingAction.CHECK,
                    payment.amount,
                    payment.out_trade_no,
                    order_id=payment.order_id,
                    out_trade_no=payment.out_trade_no,
                )
            )

    hospital_refunded = 0
    for refund in refund_list:
        if refund.status == RefundStatus.SUCCEEDED and refund.succeeded_in_day:
            hospital_refunded += refund.amount
            if refund.out_refund_no not in listed_refunds:
                add(
                    Finding(
                        FindingKind.REFUND_NOT_IN_BILL,
                        FindingAction.CHECK,
                        refund.amount,
                        refund.out_refund_no,
                        order_id=refund.order_id,
                        out_trade_no=refund.out_trade_no,
                        out_refund_no=refund.out_refund_no,
                    )
                )
        if refund.status == RefundStatus.FAILED and not refund.failed_flagged_on_other_day:
            add(
                Finding(
                    FindingKind.REFUND_FAILED,
                    FindingAction.MANUAL_REFUND,
                    refund.amount,
                    refund.out_refund_no,
                    order_id=refund.order_id,
                    out_trade_no=refund.out_trade_no,
                    out_refund_no=refund.out_refund_no,
                )
            )

    bank = Totals(bank_paid, bank_refunded)
    hospital = Totals(hospital_paid, hospital_refunded)
    if summary is not None and (
        summary.settlement_total != bill_settled or summary.refund_total != bank_refunded
    ):
        add(
            Finding(
                FindingKind.BILL_TOTALS_MISMATCH,
                FindingAction.CHECK,
                summary.settlement_total - summary.refund_total - (bill_settled - bank_refunded),
                "summary",
            )
        )
    if bank != hospital:
        add(Finding(FindingKind.TOTALS_DIFFER, FindingAction.CHECK, bank.net - hospital.net, "net"))
    return Matching(
        findings=list(findings.values()),
        bank=bank,
        hospital=hospital,
        matched=matched,
        long_payments=long_payments,
        refund_corrections=corrections,
    )


def match_fund_flow(flow: FundFlowSummary | None, hospital: Totals) -> list[Finding]:
    """The basic account's fund flow for the day against our side: its income against the
    payments we count for the day, its expense against our refunds paid out that day. ``None``
    (the bill could not be downloaded) is itself a finding, so nobody takes silence for a
    match; a later run that gets the bill retires it."""
    if flow is None:
        return [Finding(FindingKind.FUND_FLOW_UNAVAILABLE, FindingAction.CHECK, 0, "fundflow")]
    found = []
    if flow.income_total != hospital.paid:
        found.append(
            Finding(
                FindingKind.FUND_FLOW_MISMATCH,
                FindingAction.CHECK,
                flow.income_total - hospital.paid,
                "income",
            )
        )
    if flow.expense_total != hospital.refunded:
        found.append(
            Finding(
                FindingKind.FUND_FLOW_MISMATCH,
                FindingAction.CHECK,
                flow.expense_total - hospital.refunded,
                "expense",
            )
        )
    return found
