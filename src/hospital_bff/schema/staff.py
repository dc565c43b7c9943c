"""What the hospital's staff tools see and do."""

from __future__ import annotations

from datetime import date

import strawberry

from hospital_bff.schema.catalogue import Schedule


@strawberry.type(description="A difference between the bank's bill and our orders")
class ReconciliationAnomaly:
    kind: str = strawberry.field(
        description="LONG_PAYMENT, SHORT_PAYMENT, AMOUNT_MISMATCH or UNKNOWN_PAYMENT"
    )
    order_id: strawberry.ID | None = strawberry.field(description="Our order, if known")
    bank_transaction_id: str | None = strawberry.field(description="The bank's transaction")
    amount: int = strawberry.field(description="Amount in fen")
    resolution: str = strawberry.field(description="BATCH_REFUND, or what a person must check")


@strawberry.type(description="The batch refund file (批扣文件) sent to the bank")
class RefundBatch:
    id: strawberry.ID
    lines: int = strawberry.field(description="Refunds in the file")
    amount: int = strawberry.field(description="Total in fen")
    status: str = strawberry.field(description="PENDING, SENT or PARTIAL")


@strawberry.type(description="One day's reconciliation of the bank's trade bill against our orders")
class Reconciliation:
    date: date
    status: str = strawberry.field(description="BALANCED or ANOMALIES")
    bank_total: int = strawberry.field(description="Net money the bank reports for the day, in fen")
    hospital_total: int = strawberry.field(description="What our kept orders account for, in fen")
    matched: int = strawberry.field(description="Payments that matched")
    anomalies: list[ReconciliationAnomaly]
    refund_batch: RefundBatch | None


@strawberry.type(
    description="The schedule is suspended; its orders are being cancelled and refunded"
)
class SuspendScheduleSuccess:
    schedule: Schedule
    affected_orders: int = strawberry.field(description="Orders being cancelled and refunded")


@strawberry.type(description="Reconciliation ran")
class RunReconciliationSuccess:
    reconciliation: Reconciliation
