"""account_audit records operators' changes too: the provider concerned, the channel (web or
command line) and OS user, and the changed fields before and after

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("account_audit") as batch:
        batch.add_column(sa.Column("provider_id", sa.Integer(), nullable=True))
        # Every entry before this revision was made by a signed-in admin on the site.
        batch.add_column(
            sa.Column("channel", sa.String(8), nullable=False, server_default=sa.text("'web'"))
        )
        batch.add_column(sa.Column("os_user", sa.String(64), nullable=True))
        batch.add_column(sa.Column("before", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("after", sa.JSON(), nullable=True))
        batch.create_foreign_key(
            "fk_account_audit_provider_id_providers",
            "providers",
            ["provider_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_account_audit_provider_id", ["provider_id"])


def downgrade() -> None:
    with op.batch_alter_table("account_audit") as batch:
        batch.drop_index("ix_account_audit_provider_id")
        batch.drop_constraint("fk_account_audit_provider_id_providers", type_="foreignkey")
        batch.drop_column("after")
        batch.drop_column("before")
        batch.drop_column("os_user")
        batch.drop_column("channel")
        batch.drop_column("provider_id")
