"""Learning records (issue 16): personal-data archives asked for by learners and built by the
jobs worker (records/personal_archives.py), one row per learner

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-02 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "personal_data_archives",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("file_key", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'ready')", name=op.f("ck_personal_data_archives_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_personal_data_archives_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_personal_data_archives")),
    )
    op.create_index(
        "ix_personal_data_archives_status",
        "personal_data_archives",
        ["status", "requested_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_personal_data_archives_status", table_name="personal_data_archives")
    op.drop_table("personal_data_archives")
