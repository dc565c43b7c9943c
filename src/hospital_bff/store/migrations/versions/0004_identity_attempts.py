"""identity attempts per account, in the database

Revision ID: a198b10ab452
Revises: 4b4d808c9678
Create Date: 2026-11-27 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "a198b10ab452"
down_revision: str | None = "4b4d808c9678"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identity_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=96), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("identity_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_identity_attempt_key_at", ["key", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("identity_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_identity_attempt_key_at")
    op.drop_table("identity_attempt")
