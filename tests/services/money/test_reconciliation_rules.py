"""The reconciliation matcher, table-driven: bill lines and our facts in; findings, totals out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from hospital_bff.clock import SHANGHAI
from hospital_bff.datasources.bank_models import (
    FundFlowSummary,
    TradeBillLine,
    TradeBillSummary,
)
from hospital_bff.services.money.reconciliation_rules import (
    LONG_PAYMENT_REASON,
    PaymentFact,
    RefundFact,
    Totals,
    match,
    match_fund_flow,
)
from hospital_bff.services.money.rules import RefundStatus

AT = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)


def pay_line(no: str, amount: int = 500) -> TradeBillLine:
    return _line(out_trade_no=no, transaction_id=f"T{no}", trade_state="SUCCESS",
                 settlement_amount=amount, order_amount=amount)  # fmt: skip


def refund_line(no: str, amount: int = 500, status: str = "SUCCESS") -> TradeBillLine:
    return _line(out_trade_no=no, transaction_id=f"T{no}", trade_state="REFUND",
                 refund_id=f"B{no}", out_refund_no=f"R{no}", refund_amount=amount,
                 refund_requested_amount=amount, refund_status=status)  # fmt: skip


def _line(**values: Any) -> TradeBillLine:
    base: dict[str, Any] = dict(
        traded_at=AT, appid="wx", mchid="1", sub_mchid="0", device_info="", transaction_id="",
        out_trade_no="", openid="o", trade_type="MWEB", trade_state="SUCCESS", bank_type="X",
        currency="CNY", settlement_amount=0, voucher_amount=0, refund_id="0", out_refund_no="0",
        refund_amount=0, voucher_refund_amount=0, refund_type="", refund_status="",
        description="", attach="", fee=0, fee_rate="0.00%", order_amount=0,
        refund_requested_amount=0, fee_rate_note="",
    )  # fmt: skip
    return TradeBillLine.model_validate({**base, **values})


def paid(no: str, amount: int = 500, *, kept: bool = True, succeeded: bool = True,
         in_day: bool = True) -> PaymentFact:  # fmt: skip
    return PaymentFact(no, f"ord-{no}", amount, succeeded, in_day and succeeded, kept)


def refund(no: str, amount: int = 500, status: RefundStatus = RefundStatus.SUCCEEDED, *,
           long: bool = False, in_day: bool = True,
           elsewhere: bool = False) -> RefundFact:  # fmt: skip
    return RefundFact(f"R{no}", no, f"ord-{no}", amount, status, long,
                      in_day and status == RefundStatus.SUCCEEDED, elsewhere)  # fmt: skip


CASES = [
    # name, lines, payments, refunds, findings (kind:ref), bank totals, our totals, matched
    ("all kept", [pay_line("A")], [paid("A")], [], [], (500, 0), (500, 0), 1),
    ("unknown payment", [pay_line("X")], [], [], ["UNKNOWN_PAYMENT:TX", "TOTALS_DIFFER:net"],
     (500, 0), (0, 0), 0),
    ("amount differs", [pay_line("A", 600)], [paid("A")], [],
     ["AMOUNT_MISMATCH:A", "TOTALS_DIFFER:net"], (600, 0), (500, 0), 0),
    ("short payment", [], [paid("A")], [], ["SHORT_PAYMENT:A", "TOTALS_DIFFER:net"],
     (0, 0), (500, 0), 0),
    ("long payment never heard of", [pay_line("A")], [paid("A", kept=False, succeeded=False)],
     [], ["LONG_PAYMENT:A", "TOTALS_DIFFER:net"], (500, 0), (0, 0), 0),
    ("long payment already refunding stays long",
     [pay_line("A")], [paid("A", kept=False)],
     [refund("A", status=RefundStatus.PENDING, long=True)],
     ["LONG_PAYMENT:A"], (500, 0), (500, 0), 0),
    ("cancelled and reversed the same day",
     [pay_line("A"), refund_line("A")], [paid("A", kept=False)], [refund("A")], [],
     (500, 500), (500, 500), 2),
    ("refund line of an earlier payment",
     [refund_line("A")], [paid("A", kept=False, in_day=False)], [refund("A")], [],
     (0, 500), (0, 500), 1),
    ("refund the bank lists that we never asked for", [refund_line("Z")], [], [],
     ["UNKNOWN_REFUND:RZ", "TOTALS_DIFFER:net"], (0, 500), (0, 0), 0),
    ("refund amount differs", [refund_line("A", 400)], [paid("A", kept=False, in_day=False)],
     [refund("A", in_day=False)], ["REFUND_AMOUNT_MISMATCH:RA", "TOTALS_DIFFER:net"],
     (0, 400), (0, 0), 0),
    ("our refund missing from the bill", [], [paid("A", kept=False, in_day=False)],
     [refund("A")], ["REFUND_NOT_IN_BILL:RA", "TOTALS_DIFFER:net"], (0, 0), (0, 500), 0),
    ("refused refund is flagged for a person", [pay_line("A")], [paid("A", kept=False)],
     [refund("A", status=RefundStatus.FAILED)], ["REFUND_FAILED:RA"], (500, 0), (500, 0), 1),
    ("refused refund flagged on another day is not flagged again", [],
     [paid("A", kept=False, in_day=False)],
     [refund("A", status=RefundStatus.FAILED, elsewhere=True)], [], (0, 0), (0, 0), 0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "payments", "refunds", "kinds", "bank", "ours", "matched"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_match(
    lines: list[TradeBillLine],
    payments: list[PaymentFact],
    refunds: list[RefundFact],
    kinds: list[str],
    bank: tuple[int, int],
    ours: tuple[int, int],
    matched: int,
) -> None:
    found = match(lines, None, payments, refunds)
    assert sorted(f.key for f in found.findings) == sorted(kinds)
    assert found.bank == Totals(*bank)
    assert found.hospital == Totals(*ours)
    assert found.matched == matched


def test_same_facts_same_findings() -> None:
    args = ([pay_line("A"), pay_line("B")], None, [paid("A", kept=False), paid("B")], [])
    assert match(*args).findings == match(*args).findings


def test_long_payment_needs_a_correction_only_until_its_refund_exists() -> None:
    lines = [pay_line("A")]
    first = match(lines, None, [paid("A", kept=False, succeeded=False)], [])
    assert [p.out_trade_no for p in first.long_payments] == ["A"]
    again = match(
        lines, None, [paid("A", kept=False)], [refund("A", status=RefundStatus.PENDING, long=True)]
    )
    assert again.long_payments == []
    assert [f.key for f in again.findings] == [f.key for f in first.findings if "LONG" in f.key]
    assert LONG_PAYMENT_REASON


def test_refund_lines_correct_what_we_had_not_heard() -> None:
    processing = refund("A", status=RefundStatus.PROCESSING, in_day=False)
    found = match([refund_line("A")], None, [paid("A", kept=False, in_day=False)], [processing])
    assert [(c.out_refund_no, c.bank_status) for c in found.refund_corrections] == [
        ("RA", "SUCCESS")
    ]


def test_a_bill_whose_summary_disagrees_with_its_lines_is_flagged() -> None:
    summary = TradeBillSummary(
        total_count=1, settlement_total=900, refund_total=0, voucher_refund_total=0,
        fee_total=0, order_total=900, refund_requested_total=0,
    )  # fmt: skip
    found = match([pay_line("A")], summary, [paid("A")], [])
    assert [f.key for f in found.findings] == ["BILL_TOTALS_MISMATCH:summary"]


def _flow(income: int, expense: int) -> FundFlowSummary:
    return FundFlowSummary(
        total_count=2, income_count=1, income_total=income, expense_count=1, expense_total=expense
    )


@pytest.mark.parametrize(
    ("flow", "ours", "expected"),
    [
        pytest.param(_flow(500, 200), Totals(500, 200), [], id="agrees"),
        pytest.param(_flow(0, 0), Totals(), [], id="a quiet day"),
        pytest.param(
            _flow(700, 200),
            Totals(500, 200),
            [("FUND_FLOW_MISMATCH:income", 200)],
            id="more money came in than we counted",
        ),
        pytest.param(
            _flow(500, 0),
            Totals(500, 200),
            [("FUND_FLOW_MISMATCH:expense", -200)],
            id="a refund we counted never left the account",
        ),
        pytest.param(
            _flow(400, 300),
            Totals(500, 200),
            [("FUND_FLOW_MISMATCH:income", -100), ("FUND_FLOW_MISMATCH:expense", 100)],
            id="both sides differ",
        ),
        pytest.param(None, Totals(500, 200), [("FUND_FLOW_UNAVAILABLE:fundflow", 0)], id="no bill"),
    ],
)
def test_fund_flow_against_our_day(
    flow: FundFlowSummary | None, ours: Totals, expected: list[tuple[str, int]]
) -> None:
    found = match_fund_flow(flow, ours)
    assert [(f.key, f.amount) for f in found] == expected
    assert all(f.action == "CHECK" for f in found)
