"""account settings: caring mode's text size and the time zone, per account

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 06:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ALTER TABLE only, never a copy of the table: users has millions of rows at scale.
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.add_column(
            sa.Column("text_size", sa.String(length=8), nullable=False, server_default="large")
        )
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("time_zone")
        batch.drop_column("text_size")
