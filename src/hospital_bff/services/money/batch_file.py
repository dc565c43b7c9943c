"""The day's batch refund file (批量退款文件, paper §4.3) as the finance office's record.

WeChat Pay API v3 has no batch refund call: each refund goes through the refunds API. The file
is what we write for the finance office: one CSV line per refund, then the totals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from hospital_bff.amounts import yuan

HEADER = (
    "序号",
    "商户订单号",
    "微信支付订单号",
    "商户退款单号",
    "订单金额",
    "退款金额",
    "退款原因",
)
TOTALS_HEADER = ("总笔数", "总退款金额")


@dataclass(frozen=True)
class BatchLine:
    """One refund in the file."""

    out_trade_no: str
    transaction_id: str | None
    out_refund_no: str
    total: int
    amount: int
    reason: str


def render(batch_id: str, day: date, lines: Sequence[BatchLine]) -> str:
    """The file's text: a title line, a header, one line per refund, the totals (yuan)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("批次号", batch_id, "对账日期", day.isoformat()))
    writer.writerow(HEADER)
    for n, line in enumerate(sorted(lines, key=lambda item: item.out_refund_no), start=1):
        writer.writerow(
            (
                n,
                line.out_trade_no,
                line.transaction_id or "",
                line.out_refund_no,
                yuan(line.total),
                yuan(line.amount),
                line.reason,
            )
        )
    writer.writerow(TOTALS_HEADER)
    writer.writerow((len(lines), yuan(sum(line.amount for line in lines))))
    return out.getvalue()
