"""staged lessons: partner files carry each course's lessons

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("upload_staged_courses", recreate="never") as batch:
        batch.add_column(
            sa.Column("has_lessons", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "upload_staged_lessons",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("media_type", sa.String(length=16), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("captions_url", sa.String(length=1000), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("body_format", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["upload_id"],
            ["uploads.id"],
            name=op.f("fk_upload_staged_lessons_upload_id_uploads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_staged_lessons")),
    )
    op.create_index(
        "ix_upload_staged_lessons_upload_key",
        "upload_staged_lessons",
        ["upload_id", "external_id", "position"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_upload_staged_lessons_upload_key", table_name="upload_staged_lessons")
    op.drop_table("upload_staged_lessons")
    with op.batch_alter_table("upload_staged_courses", recreate="never") as batch:
        batch.drop_column("has_lessons")
