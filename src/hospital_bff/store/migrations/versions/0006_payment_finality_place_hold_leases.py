"""payment finality (closed_at, final_at) and leased place holds

Revision ID: 5e7c1a9d2b40
Revises: 5b7e0c4d2a91
Create Date: 2026-12-03 03:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "5e7c1a9d2b40"
down_revision: str | None = "5b7e0c4d2a91"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "place_hold",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("slot_id", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("held_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("place_hold", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_place_hold_slot_id"), ["slot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_place_hold_held_until"), ["held_until"], unique=False)

    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("final_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_payment_final_at"), ["final_at"], unique=False)

    # Payments settled before this revision are taken as final: the next-day reconciliation
    # has covered them. Only PENDING ones are still asked about.
    op.execute(
        "UPDATE payment SET final_at = COALESCE(paid_at, created_at), "
        "closed_at = CASE WHEN status IN ('CLOSED', 'FAILED') THEN created_at END "
        "WHERE status <> 'PENDING'"
    )


def downgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_final_at"))
        batch_op.drop_column("final_at")
        batch_op.drop_column("closed_at")

    with op.batch_alter_table("place_hold", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_place_hold_held_until"))
        batch_op.drop_index(batch_op.f("ix_place_hold_slot_id"))

    op.drop_table("place_hold")
