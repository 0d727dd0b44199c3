"""upload_staged_courses: a running upload's valid rows, staged in short batches before the switch

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(
        *values,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(v) for v in values),
    )


def upgrade() -> None:
    op.create_table(
        "upload_staged_courses",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("subtitle", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "area",
            _enum(
                "staged_course_area",
                "life_skills",
                "hobbies",
                "workplace",
                "professional",
                "elderly",
                "continuing",
            ),
            nullable=False,
        ),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column(
            "format",
            _enum("staged_course_format", "video", "audio", "reading", "live", "mixed"),
            nullable=False,
        ),
        sa.Column(
            "level",
            _enum("staged_course_level", "beginner", "intermediate", "advanced", "all"),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("lesson_count", sa.Integer(), nullable=False),
        sa.Column("cover_url", sa.String(length=1000), nullable=True),
        sa.Column("source_url", sa.String(length=1000), nullable=True),
        sa.Column("is_free", sa.Boolean(), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            _enum("staged_course_status", "draft", "published", "withdrawn"),
            nullable=False,
        ),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["upload_id"],
            ["uploads.id"],
            name=op.f("fk_upload_staged_courses_upload_id_uploads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_staged_courses")),
    )
    op.create_index(
        "ix_upload_staged_courses_upload_key",
        "upload_staged_courses",
        ["upload_id", "external_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_upload_staged_courses_upload_key", table_name="upload_staged_courses")
    op.drop_table("upload_staged_courses")
