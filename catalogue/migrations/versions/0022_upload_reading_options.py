"""uploads: the partner's language for the file, whether to infer areas, the JSON path used

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("uploads", recreate="never") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch.add_column(
            sa.Column("infer_area", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("json_path", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("uploads", recreate="never") as batch:
        batch.drop_column("json_path")
        batch.drop_column("infer_area")
        batch.drop_column("language")
