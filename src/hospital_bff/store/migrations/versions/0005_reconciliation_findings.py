"""reconciliation findings kept across re-runs, both totals, batch refund file, refund failure

Revision ID: 5b7e0c4d2a91
Revises: a198b10ab452
Create Date: 2026-11-28 10:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "5b7e0c4d2a91"
down_revision: str | None = "a198b10ab452"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AUTO = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    finding = op.create_table(
        "reconciliation_finding",
        sa.Column("id", _AUTO(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", _AUTO(length=128), nullable=False),
        sa.Column("kind", _AUTO(length=32), nullable=False),
        sa.Column("order_id", _AUTO(length=64), nullable=True),
        sa.Column("out_trade_no", _AUTO(length=64), nullable=True),
        sa.Column("out_refund_no", _AUTO(length=64), nullable=True),
        sa.Column("bank_transaction_id", _AUTO(length=64), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("action", _AUTO(length=32), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("status", _AUTO(length=16), nullable=False),
        sa.Column("note", _AUTO(length=500), nullable=True),
        sa.Column("resolved_by", _AUTO(length=128), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day", "key"),
    )
    with op.batch_alter_table("reconciliation_finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reconciliation_finding_day"), ["day"], unique=False)

    # The anomalies of days already reconciled become findings, so none is lost.
    conn = op.get_bind()
    old = sa.table("reconciliation", sa.column("day", sa.Date()), sa.column("anomalies", sa.JSON()))
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for day, anomalies in conn.execute(sa.select(old.c.day, old.c.anomalies)):
        for n, a in enumerate(anomalies or []):
            ref = a.get("orderId") or a.get("bankTransactionId") or str(n)
            rows.append(
                {
                    "id": f"fnd_{day:%Y%m%d}_{n}",
                    "day": day,
                    "key": f"{a.get('kind')}:{ref}:{n}"[:128],
                    "kind": str(a.get("kind", "UNKNOWN"))[:32],
                    "order_id": a.get("orderId"),
                    "out_trade_no": None,
                    "out_refund_no": None,
                    "bank_transaction_id": a.get("bankTransactionId"),
                    "amount": int(a.get("amount") or 0),
                    "action": str(a.get("resolution", ""))[:32],
                    "current": True,
                    "status": "OPEN",
                    "note": None,
                    "resolved_by": None,
                    "resolved_at": None,
                    "first_seen_at": now,
                    "last_seen_at": now,
                }
            )
    if rows:
        op.bulk_insert(finding, rows)

    with op.batch_alter_table("reconciliation", schema=None) as batch_op:
        for name in ("bank_paid", "bank_refunded", "hospital_paid", "hospital_refunded"):
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        batch_op.drop_column("anomalies")
    with op.batch_alter_table("refund_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failure", _AUTO(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.drop_column("failure")
    with op.batch_alter_table("refund_batch", schema=None) as batch_op:
        batch_op.drop_column("file")
    with op.batch_alter_table("reconciliation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anomalies", sa.JSON(), nullable=False, server_default="[]"))
        for name in ("hospital_refunded", "hospital_paid", "bank_refunded", "bank_paid"):
            batch_op.drop_column(name)
    with op.batch_alter_table("reconciliation_finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reconciliation_finding_day"))
    op.drop_table("reconciliation_finding")
