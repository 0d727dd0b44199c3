"""lesson media: subtitles for video and audio lessons, the text of reading lessons

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BODY_FORMAT = sa.Enum(
    "markdown", "html", name="body_format", native_enum=False, create_constraint=True, length=8
)


def upgrade() -> None:
    # ALTER TABLE only, never a copy of the table: lessons has millions of rows at scale.
    with op.batch_alter_table("lessons", recreate="never") as batch:
        batch.add_column(sa.Column("captions_url", sa.String(length=1000), nullable=True))
        batch.add_column(sa.Column("body", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # Alembic can add a CHECK constraint on SQLite only by copying the table; SQLite
        # itself takes it inline in ADD COLUMN.
        op.execute(
            "ALTER TABLE lessons ADD COLUMN body_format VARCHAR(8) CONSTRAINT "
            "ck_lessons_body_format CHECK (body_format IN ('markdown', 'html'))"
        )
    else:
        op.add_column("lessons", sa.Column("body_format", BODY_FORMAT, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lessons") as batch:
        batch.drop_constraint(op.f("ck_lessons_body_format"), type_="check")
        batch.drop_column("body_format")
        batch.drop_column("body")
        batch.drop_column("captions_url")
