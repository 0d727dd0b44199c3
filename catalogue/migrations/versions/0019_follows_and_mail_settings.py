"""column follows; the notification digest and learning reminders by e-mail

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "column_follows",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("column_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["column_id"],
            ["thematic_columns.id"],
            name=op.f("fk_column_follows_column_id_thematic_columns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_column_follows_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "column_id", name=op.f("pk_column_follows")),
    )
    op.create_index(
        "ix_column_follows_column_id_user_id", "column_follows", ["column_id", "user_id"]
    )
    # ALTER TABLE only, never a copy of the table: users and notifications have millions of
    # rows at scale. The new columns have constant defaults (instant on both databases).
    with op.batch_alter_table("notifications", recreate="never") as batch:
        batch.add_column(sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_notifications_digest", "notifications", ["read_at", "mailed_at", "user_id"])
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.add_column(
            sa.Column("digest_mail", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(
            sa.Column("reminders", sa.String(length=8), nullable=False, server_default="off")
        )
        batch.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_users_reminders_id", "users", ["reminders", "id"])


def downgrade() -> None:
    op.drop_index("ix_users_reminders_id", table_name="users")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("reminded_at")
        batch.drop_column("reminders")
        batch.drop_column("digest_mail")
    op.drop_index("ix_notifications_digest", table_name="notifications")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("mailed_at")
    op.drop_index("ix_column_follows_column_id_user_id", table_name="column_follows")
    op.drop_table("column_follows")
