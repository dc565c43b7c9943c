"""The bank's daily bills, laid out as WeChat Pay's: the trade bill (payments on the day paid,
refunds on the day refunded) and the basic account's fund-flow bill, each a CSV whose values
start with a backtick, amounts in yuan, ending with a summary."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from hospital_bff.clock import SHANGHAI
from hospital_bff.simulators.bank.state import BankState

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


def trade_bill(state: BankState, bill_date: date) -> bytes:
    payments = sorted(
        (
            o
            for o in state.orders.values()
            if o.success_time and bill_day(o.success_time) == bill_date
        ),
        key=lambda o: o.success_time or o.created_at,
    )
    refunds = sorted(
        (
            r
            for r in state.refunds.values()
            if r.status == "SUCCESS" and r.success_time and bill_day(r.success_time) == bill_date
        ),
        key=lambda r: r.success_time or r.created_at,
    )
    rows: list[tuple[datetime, list[str]]] = []
    for o in payments:
        assert o.success_time is not None
        row = [
            _bill_time(o.success_time), o.appid, o.mchid, "0", "", o.transaction_id or "",
            o.out_trade_no, o.openid or "", o.trade_type, "SUCCESS", "OTHERS", o.currency,
            yuan(o.total), "0.00", "0", "0", "0.00", "0.00", "", "", o.description,
            o.attach, "0.00000", "0.00%", yuan(o.total), "0.00", "",
        ]  # fmt: skip
        rows.append((o.success_time, row))
    for r in refunds:
        o = state.orders[r.out_trade_no]
        assert r.success_time is not None
        row = [
            _bill_time(r.success_time), o.appid, o.mchid, "0", "", r.transaction_id,
            r.out_trade_no, o.openid or "", o.trade_type, "REFUND", "OTHERS", o.currency,
            "0.00", "0.00", r.refund_id, r.out_refund_no, yuan(r.amount), "0.00",
            "ORIGINAL", r.status, o.description, o.attach, "0.00000", "0.00%", "0.00",
            yuan(r.amount), "",
        ]  # fmt: skip
        rows.append((r.success_time, row))
    rows.sort(key=lambda pair: pair[0])
    settled = sum(o.total for o in payments)
    refunded = sum(r.amount for r in refunds)
    summary = [
        str(len(rows)), yuan(settled), yuan(refunded), "0.00", "0.00000", yuan(settled),
        yuan(refunded),
    ]  # fmt: skip
    lines = [BILL_HEADER, *(_bill_row(row) for _, row in rows)]
    lines += [BILL_SUMMARY_HEADER, _bill_row(summary)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def fund_flow_bill(state: BankState, bill_date: date) -> bytes:
    """The basic account's day: income for each payment, expense for each refund paid out,
    with the running balance over all days, as WeChat's fund-flow bill lays it out."""
    events: list[tuple[datetime, int, list[str]]] = []
    for o in state.orders.values():
        if o.success_time is not None and o.transaction_id is not None:
            row = [
                o.transaction_id, f"{o.transaction_id}F", "交易", "交易", "收入",
                yuan(o.total), "system", "", o.out_trade_no,
            ]  # fmt: skip
            events.append((o.success_time, o.total, row))
    for r in state.refunds.values():
        if r.status == "SUCCESS" and r.success_time is not None:
            row = [
                r.refund_id, f"{r.refund_id}F", "退款", "退款", "支出",
                yuan(r.amount), "system", r.reason, f"REF{r.transaction_id}",
            ]  # fmt: skip
            events.append((r.success_time, -r.amount, row))
    events.sort(key=lambda event: event[0])
    balance = 0
    lines = [FUND_FLOW_HEADER]
    income = expense = income_count = expense_count = 0
    for at, change, row in events:
        balance += change
        if bill_day(at) != bill_date:
            continue
        if change > 0:
            income, income_count = income + change, income_count + 1
        else:
            expense, expense_count = expense - change, expense_count + 1
        lines.append(_bill_row([_bill_time(at), *row[:6], yuan(balance), *row[6:]]))
    summary = [
        str(income_count + expense_count), str(income_count), yuan(income),
        str(expense_count), yuan(expense),
    ]  # fmt: skip
    lines += [FUND_FLOW_SUMMARY_HEADER, _bill_row(summary)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def bill_day(at: datetime) -> date:
    # The bill's day is the hospital's (Beijing) day, whatever zone a datetime was made in.
    return at.astimezone(SHANGHAI).date()


def _bill_time(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def yuan(fen: int) -> str:
    return f"{Decimal(fen) / 100:.2f}"


def _bill_row(values: list[str]) -> str:
    # Each value starts with a backtick so that spreadsheets keep long numbers as text; commas
    # would break the format, and WeChat's own files never contain them inside a value.
    return ",".join("`" + v.replace(",", "，") for v in values)
