"""notices pushed through WeChat: deliveries per openid, accepted templates

Revision ID: 7d3f2b8e1c09
Revises: 7a3d5f1c9e22
Create Date: 2026-12-03 03:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "7d3f2b8e1c09"
down_revision: str | None = "7a3d5f1c9e22"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _s(length: int | None = None) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "notice_delivery",
        sa.Column("id", _s(), nullable=False),
        sa.Column("notice_id", _s(), nullable=False),
        sa.Column("openid", _s(128), nullable=False),
        sa.Column("channel", _s(16), nullable=False),
        sa.Column("template_id", _s(128), nullable=True),
        sa.Column("status", _s(16), nullable=False),
        sa.Column("reason", _s(64), nullable=True),
        sa.Column("msgid", _s(64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("notice_id", "openid"),
    )
    with op.batch_alter_table("notice_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_delivery_notice_id"), ["notice_id"])
        batch_op.create_index(batch_op.f("ix_notice_delivery_status"), ["status"])

    op.create_table(
        "notice_consent",
        sa.Column("id", _s(), nullable=False),
        sa.Column("user_id", _s(), nullable=False),
        sa.Column("openid", _s(128), nullable=False),
        sa.Column("template_id", _s(128), nullable=False),
        sa.Column("long_term", sa.Boolean(), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["hospital_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("openid", "template_id"),
    )
    with op.batch_alter_table("notice_consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_consent_user_id"), ["user_id"])


def downgrade() -> None:
    with op.batch_alter_table("notice_consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_consent_user_id"))
    op.drop_table("notice_consent")
    with op.batch_alter_table("notice_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_delivery_status"))
        batch_op.drop_index(batch_op.f("ix_notice_delivery_notice_id"))
    op.drop_table("notice_delivery")
