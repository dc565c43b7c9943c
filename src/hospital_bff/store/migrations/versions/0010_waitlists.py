"""waitlists: patients waiting for a place, and the places held for them as offers

Revision ID: a1c7e5d3b820
Revises: 9b4e6c2a7d15
Create Date: 2026-12-03 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "a1c7e5d3b820"
down_revision: str | None = "9b4e6c2a7d15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _s(length: int | None = None) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "waitlist_entry",
        sa.Column("id", _s(), nullable=False),
        sa.Column("user_id", _s(), nullable=False),
        sa.Column("his_patient_id", _s(64), nullable=False),
        sa.Column("patient_name", _s(64), nullable=False),
        sa.Column("schedule_id", _s(96), nullable=True),
        sa.Column("expert_id", _s(96), nullable=True),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=False),
        sa.Column("status", _s(16), nullable=False),
        sa.Column("live_key", _s(200), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["hospital_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("live_key"),
    )
    with op.batch_alter_table("waitlist_entry", schema=None) as batch_op:
        for column in ("user_id", "his_patient_id", "schedule_id", "expert_id", "status"):
            batch_op.create_index(batch_op.f(f"ix_waitlist_entry_{column}"), [column])
        batch_op.create_index(batch_op.f("ix_waitlist_entry_joined_at"), ["joined_at"])

    op.create_table(
        "waitlist_offer",
        sa.Column("id", _s(), nullable=False),
        sa.Column("entry_id", _s(), nullable=False),
        sa.Column("live_entry_id", _s(64), nullable=True),
        sa.Column("slot_id", _s(96), nullable=False),
        sa.Column("schedule_id", _s(96), nullable=False),
        sa.Column("hold_id", _s(96), nullable=False),
        sa.Column("status", _s(16), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["waitlist_entry.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("live_entry_id"),
        sa.UniqueConstraint("hold_id"),
    )
    with op.batch_alter_table("waitlist_offer", schema=None) as batch_op:
        for column in ("entry_id", "slot_id", "status", "expires_at"):
            batch_op.create_index(batch_op.f(f"ix_waitlist_offer_{column}"), [column])


def downgrade() -> None:
    op.drop_table("waitlist_offer")
    op.drop_table("waitlist_entry")
