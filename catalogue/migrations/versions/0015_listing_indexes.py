"""courses.popularity (a copy of course_stats.popularity) and the indexes that make listings
under every sort, and long discussions, fast at full scale

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

_NEWEST = {
    "ix_courses_status_area_published": ["status", "area", "published_at"],
    "ix_courses_status_published": ["status", "published_at"],
}


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
    op.create_index(
        "ix_courses_status_popularity", "courses", ["status", "popularity", "id"], unique=False
    )
    # With the id as the last key PostgreSQL reads "newest first" (published_at, id) straight
    # from the index, as SQLite (whose indexes end with the rowid) already did.
    for name, columns in _NEWEST.items():
        op.drop_index(name, table_name="courses")
        op.create_index(name, "courses", [*columns, "id"], unique=False)
    op.create_index(op.f("ix_comments_parent_id"), "comments", ["parent_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_comments_parent_id"), table_name="comments")
    for name, columns in _NEWEST.items():
        op.drop_index(name, table_name="courses")
        op.create_index(name, "courses", columns, unique=False)
    op.drop_index("ix_courses_status_popularity", table_name="courses")
    op.drop_index("ix_courses_status_area_popularity", table_name="courses")
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("popularity")
