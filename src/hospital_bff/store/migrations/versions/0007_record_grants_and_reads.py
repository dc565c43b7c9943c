"""record grants (a patient's leave to read their records) and the record read trail

Revision ID: 7a3d5f1c9e22
Revises: 5e7c1a9d2b40
Create Date: 2026-12-04 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "7a3d5f1c9e22"
down_revision: str | None = "5e7c1a9d2b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "record_grant",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("his_patient_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("grantor_user_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("grantee_user_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("binding_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["grantor_user_id"], ["hospital_user.id"]),
        sa.ForeignKeyConstraint(["grantee_user_id"], ["hospital_user.id"]),
        sa.ForeignKeyConstraint(["binding_id"], ["patient_binding.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("record_grant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_grant_his_patient_id"), ["his_patient_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_record_grant_grantee_user_id"), ["grantee_user_id"], unique=False
        )

    op.create_table(
        "record_read",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("reader_user_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("his_patient_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("record_ids", sa.JSON(), nullable=False),
        sa.Column("basis", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["reader_user_id"], ["hospital_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("record_read", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_read_reader_user_id"), ["reader_user_id"], unique=False
        )
        batch_op.create_index("ix_record_read_patient_at", ["his_patient_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("record_read", schema=None) as batch_op:
        batch_op.drop_index("ix_record_read_patient_at")
        batch_op.drop_index(batch_op.f("ix_record_read_reader_user_id"))
    op.drop_table("record_read")
    with op.batch_alter_table("record_grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_grant_grantee_user_id"))
        batch_op.drop_index(batch_op.f("ix_record_grant_his_patient_id"))
    op.drop_table("record_grant")
