"""What the hospital's staff tools see and do."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from hospital_bff.schema.catalogue import Schedule
from hospital_bff.services.money.reconciliation_rules import FindingKind

_KINDS = ", ".join(kind.value for kind in FindingKind)


@strawberry.type(description="A difference between the bank's bill and our orders")
class ReconciliationAnomaly:
    kind: str = strawberry.field(description=f"One of {_KINDS}")
    order_id: strawberry.ID | None = strawberry.field(description="Our order, if known")
    bank_transaction_id: str | None = strawberry.field(description="The bank's transaction")
    amount: int = strawberry.field(description="Amount in fen")
    resolution: str = strawberry.field(
        description="BATCH_REFUND (refunded with the day's batch), CHECK (a person checks) "
        "or MANUAL_REFUND (the bank refused the refund: a person pays back another way)"
    )


@strawberry.type(description="One fact a reconciliation found; kept, with a person's note")
class ReconciliationFinding:
    id: strawberry.ID = strawberry.field(description="Stable across re-runs of the day")
    kind: str = strawberry.field(description=f"One of {_KINDS}")
    order_id: strawberry.ID | None = strawberry.field(description="Our order, if known")
    out_trade_no: str | None = strawberry.field(description="The payment's merchant number")
    out_refund_no: str | None = strawberry.field(description="The refund's merchant number")
    bank_transaction_id: str | None = strawberry.field(description="The bank's transaction")
    amount: int = strawberry.field(description="Amount in fen")
    action: str = strawberry.field(description="BATCH_REFUND, CHECK or MANUAL_REFUND")
    current: bool = strawberry.field(
        description="False once a re-run no longer finds it (kept, not deleted)"
    )
    status: str = strawberry.field(description="OPEN, or RESOLVED by a person")
    note: str | None = strawberry.field(description="The person's note on resolving it")
    resolved_by: str | None = strawberry.field(description="Who resolved it")
    resolved_at: datetime | None = strawberry.field(description="When it was resolved")


@strawberry.type(description="The day's batch refund file (批量退款文件), the finance record")
class RefundBatch:
    id: strawberry.ID = strawberry.field(description="The batch's ID")
    lines: int = strawberry.field(description="Refunds in the file")
    amount: int = strawberry.field(description="Total in fen")
    status: str = strawberry.field(
        description="PENDING (a refund not yet at the bank), SENT, or PARTIAL (one refused)"
    )
    file: str = strawberry.field(
        description="The file itself: CSV, one line per refund, then the count and total (yuan)"
    )


@strawberry.type(description="One day's reconciliation of the bank's trade bill against our orders")
class Reconciliation:
    date: date = strawberry.field(description="The day reconciled (hospital zone)")
    status: str = strawberry.field(
        description="BALANCED, ANOMALIES (an open finding), or RESOLVED (all findings resolved)"
    )
    bank_total: int = strawberry.field(description="The bank's net for the day (paid - refunded)")
    hospital_total: int = strawberry.field(description="Our net for the day (paid - refunded)")
    bank_paid: int = strawberry.field(description="Payments in the bank's bill, in fen")
    bank_refunded: int = strawberry.field(description="Refunds in the bank's bill, in fen")
    hospital_paid: int = strawberry.field(description="Our payments of the day, in fen")
    hospital_refunded: int = strawberry.field(description="Our refunds settled that day, in fen")
    matched: int = strawberry.field(description="Bill lines (payments and refunds) that matched")
    anomalies: list[ReconciliationAnomaly] = strawberry.field(
        description="The findings still true, as one list"
    )
    findings: list[ReconciliationFinding] = strawberry.field(
        description="Every finding of the day, current ones first, resolved ones included"
    )
    refund_batch: RefundBatch | None = strawberry.field(description="The day's batch, if any")


@strawberry.type(
    description="The schedule is suspended; its orders are being cancelled and refunded"
)
class SuspendScheduleSuccess:
    schedule: Schedule = strawberry.field(description="The schedule, now SUSPENDED")
    affected_orders: int = strawberry.field(description="Orders being cancelled and refunded")


@strawberry.type(description="The finding is resolved")
class ResolveReconciliationFindingSuccess:
    finding: ReconciliationFinding = strawberry.field(description="The finding, resolved")


@strawberry.type(description="Reconciliation ran")
class RunReconciliationSuccess:
    reconciliation: Reconciliation = strawberry.field(description="The day's result")


@strawberry.type(description="Refunds of one mode owed on a day")
class RefundFigure:
    mode: str = strawberry.field(description="REVERSAL, REFUND or BATCH")
    count: int = strawberry.field(description="Refunds owed that day")
    amount: int = strawberry.field(description="Their total in fen")


@strawberry.type(description="One day's figures of the patient channel (hospital zone)")
class DayStatistics:
    date: date = strawberry.field(description="The day (hospital zone)")
    booked: int = strawberry.field(description="Registration orders created that day")
    registrations: int = strawberry.field(
        description="Our registrations for visits that day the HIS holds (not cancelled)"
    )
    his_registrations: int | None = strawberry.field(
        description="The HIS's registrations for visits that day at every channel; "
        "null when the HIS did not answer"
    )
    channel_share: float | None = strawberry.field(
        description="registrations / hisRegistrations (0 to 1); null when the HIS did not answer"
    )
    payments: int = strawberry.field(description="Payments whose money arrived that day")
    payments_amount: int = strawberry.field(description="Money that arrived that day, in fen")
    refunds: list[RefundFigure] = strawberry.field(description="Refunds owed that day, by mode")
    cancellations: int = strawberry.field(description="Registrations the patient cancelled")
    suspensions: int = strawberry.field(
        description="Registrations cancelled because the expert stopped work (停诊)"
    )
    no_shows: int = strawberry.field(description="Registrations for visits that day missed")


@strawberry.type(description="The patient channel's figures over a range of days")
class Statistics:
    from_: date = strawberry.field(name="from", description="First day")
    to: date = strawberry.field(description="Last day (included)")
    department_id: strawberry.ID | None = strawberry.field(
        description="The department counted, or null for the whole hospital"
    )
    days: list[DayStatistics] = strawberry.field(description="One entry per day, oldest first")
