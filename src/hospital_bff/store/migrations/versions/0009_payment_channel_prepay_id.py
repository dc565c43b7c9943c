"""payments remember their channel (H5 or JSAPI) and, for JSAPI, the bank's prepay_id

Revision ID: 9b4e6c2a7d15
Revises: 7d3f2b8e1c09
Create Date: 2026-12-03 04:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "9b4e6c2a7d15"
down_revision: str | None = "7d3f2b8e1c09"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        # Every payment made before this was an H5 one.
        batch_op.add_column(
            sa.Column(
                "channel",
                sqlmodel.sql.sqltypes.AutoString(length=8),
                nullable=False,
                server_default="H5",
            )
        )
        batch_op.add_column(
            sa.Column("prepay_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_column("prepay_id")
        batch_op.drop_column("channel")
