"""courses.popularity (a copy of course_stats.popularity) and the indexes that make area
listings under every sort, and long discussions, fast at full scale

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("popularity", sa.Float(), server_default="0", nullable=False))
    op.execute(
        "UPDATE courses SET popularity = COALESCE("
        "(SELECT s.popularity FROM course_stats s WHERE s.course_id = courses.id), 0)"
    )
    op.create_index(
        "ix_courses_status_area_popularity",
        "courses",
        ["status", "area", "popularity", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_comments_parent_id"), "comments", ["parent_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_comments_parent_id"), table_name="comments")
    op.drop_index("ix_courses_status_area_popularity", table_name="courses")
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("popularity")
