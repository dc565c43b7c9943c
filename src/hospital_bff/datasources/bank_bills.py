"""WeChat Pay's bill files read into typed bills: the trade bill (every payment and refund of a
day) and the fund-flow bill (the money in and out of one account). Lines are read by column
name, money with the one yuan parser, and a file we cannot read whole is refused."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from hospital_bff.amounts import fen_from_yuan
from hospital_bff.clock import SHANGHAI
from hospital_bff.datasources.bank_models import (
    FundFlowBill,
    FundFlowLine,
    FundFlowSummary,
    TradeBill,
    TradeBillLine,
    TradeBillSummary,
)

# Bill column names, in the hospital's words, keyed by WeChat's header; WeChat warns the column
# order may change, so lines are read by name, never by position.
_BILL_COLUMNS: dict[str, str] = {
    "交易时间": "traded_at",
    "公众账号ID": "appid",
    "商户号": "mchid",
    "特约商户号": "sub_mchid",
    "设备号": "device_info",
    "微信订单号": "transaction_id",
    "商户订单号": "out_trade_no",
    "用户标识": "openid",
    "交易类型": "trade_type",
    "交易状态": "trade_state",
    "付款银行": "bank_type",
    "货币种类": "currency",
    "应结订单金额": "settlement_amount",
    "代金券金额": "voucher_amount",
    "微信退款单号": "refund_id",
    "商户退款单号": "out_refund_no",
    "退款金额": "refund_amount",
    "充值券退款金额": "voucher_refund_amount",
    "退款类型": "refund_type",
    "退款状态": "refund_status",
    "商品名称": "description",
    "商户数据包": "attach",
    "手续费": "fee",
    "费率": "fee_rate",
    "订单金额": "order_amount",
    "申请退款金额": "refund_requested_amount",
    "费率备注": "fee_rate_note",
}
_BILL_MONEY = frozenset(
    {
        "settlement_amount",
        "voucher_amount",
        "refund_amount",
        "voucher_refund_amount",
        "order_amount",
        "refund_requested_amount",
    }
)
_SUMMARY_COLUMNS: dict[str, str] = {
    "总交易单数": "total_count",
    "应结订单总金额": "settlement_total",
    "退款总金额": "refund_total",
    "充值券退款总金额": "voucher_refund_total",
    "手续费总金额": "fee_total",
    "订单总金额": "order_total",
    "申请退款总金额": "refund_requested_total",
}
_FUND_FLOW_COLUMNS: dict[str, str] = {
    "记账时间": "booked_at",
    "微信支付业务单号": "transaction_id",
    "资金流水单号": "flow_id",
    "业务名称": "business_name",
    "业务类型": "business_type",
    "收支类型": "direction",
    "收支金额(元)": "amount",
    "账户结余(元)": "balance",
    "资金变更提交申请人": "applicant",
    "备注": "note",
    "业务凭证号": "voucher_no",
}
_FUND_FLOW_SUMMARY: dict[str, str] = {
    "资金流水总笔数": "total_count",
    "收入笔数": "income_count",
    "收入金额": "income_total",
    "支出笔数": "expense_count",
    "支出金额": "expense_total",
}


def _fen(cell: str, *, round_to_fen: bool = False) -> int:
    # An empty money cell in a bill is nothing paid or refunded.
    return fen_from_yuan(cell or "0", round_to_fen=round_to_fen)


def _cells(line: str) -> list[str]:
    return [cell[1:] if cell.startswith("`") else cell for cell in line.split(",")]


def _bill_sections(
    content: bytes, *, kind: str, columns: Mapping[str, str], summary_marker: str
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Split a WeChat bill (header, backtick-prefixed rows, summary header, summary) into its
    rows and its summary, each as column name -> cell; every column must be one we know."""
    lines = [line for line in content.decode("utf-8-sig").splitlines() if line.strip()]
    if len(lines) < 3:
        raise ValueError(f"a {kind} has at least a header and a summary")
    header = [name.strip() for name in lines[0].split(",")]
    unknown = [name for name in header if name not in columns]
    if unknown:
        raise ValueError(f"unknown {kind} columns {unknown}")
    summary_at = next((i for i, line in enumerate(lines) if line.startswith(summary_marker)), None)
    if summary_at is None or summary_at + 1 >= len(lines):
        raise ValueError(f"the {kind} has no summary")
    rows: list[dict[str, str]] = []
    for line in lines[1:summary_at]:
        cells = _cells(line)
        if len(cells) != len(header):
            raise ValueError(f"{kind} row has {len(cells)} values, header has {len(header)}")
        rows.append(dict(zip(header, cells, strict=True)))
    summary_header = [name.strip() for name in lines[summary_at].split(",")]
    summary = dict(zip(summary_header, _cells(lines[summary_at + 1]), strict=True))
    return rows, summary


def _at_shanghai(cell: str) -> datetime:
    return datetime.strptime(cell, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)


def parse_trade_bill(content: bytes, bill_date: date) -> TradeBill:
    """Read a WeChat ALL trade bill."""
    rows, summary_cells = _bill_sections(
        content, kind="trade bill", columns=_BILL_COLUMNS, summary_marker="总交易单数"
    )
    lines: list[TradeBillLine] = []
    for row in rows:
        values: dict[str, Any] = {}
        for name, cell in row.items():
            field = _BILL_COLUMNS[name]
            if field in _BILL_MONEY:
                values[field] = _fen(cell)
            elif field == "fee":
                values[field] = _fen(cell, round_to_fen=True)
            elif field == "traded_at":
                values[field] = _at_shanghai(cell)
            else:
                values[field] = cell
        lines.append(TradeBillLine.model_validate(values))
    summary: dict[str, int] = {}
    for name, cell in summary_cells.items():
        key = _SUMMARY_COLUMNS.get(name)
        if key == "total_count":
            summary[key] = int(cell)
        elif key is not None:
            summary[key] = _fen(cell, round_to_fen=key == "fee_total")
    return TradeBill(
        bill_date=bill_date, lines=lines, summary=TradeBillSummary.model_validate(summary)
    )


def _count(cell: str) -> int:
    # WeChat writes the fund-flow bill's counts as decimals ("17.0").
    try:
        value = Decimal(cell.strip() or "0")
    except InvalidOperation as exc:
        raise ValueError(f"not a count: {cell!r}") from exc
    if value != value.to_integral_value():
        raise ValueError(f"count {cell!r} is not whole")
    return int(value)


def parse_fund_flow_bill(content: bytes, bill_date: date, account_type: str) -> FundFlowBill:
    """Read a WeChat fund-flow bill."""
    rows, summary_cells = _bill_sections(
        content, kind="fund-flow bill", columns=_FUND_FLOW_COLUMNS, summary_marker="资金流水总笔数"
    )
    lines: list[FundFlowLine] = []
    for row in rows:
        values: dict[str, Any] = {}
        for name, cell in row.items():
            key = _FUND_FLOW_COLUMNS[name]
            if key in ("amount", "balance"):
                values[key] = _fen(cell)
            elif key == "booked_at":
                values[key] = _at_shanghai(cell)
            else:
                values[key] = cell
        lines.append(FundFlowLine.model_validate(values))
    summary: dict[str, int] = {}
    for name, cell in summary_cells.items():
        total = _FUND_FLOW_SUMMARY.get(name)
        if total in ("income_total", "expense_total"):
            summary[total] = _fen(cell)
        elif total is not None:
            summary[total] = _count(cell)
    return FundFlowBill(
        bill_date=bill_date,
        account_type=account_type,
        lines=lines,
        summary=FundFlowSummary.model_validate(summary),
    )
