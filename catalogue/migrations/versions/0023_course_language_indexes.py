"""courses: indexes over (status, language, …) and (status, area, language, …), so that
"newest" and "most popular" in the learner's language (home page shelves, cold-start feeds)
are read in index order whatever the share of that language

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 15:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {
    "ix_courses_status_language_published": ["status", "language", "published_at", "id"],
    "ix_courses_status_language_popularity": ["status", "language", "popularity", "id"],
    "ix_courses_status_area_language_published": [
        "status",
        "area",
        "language",
        "published_at",
        "id",
    ],
    "ix_courses_status_area_language_popularity": [
        "status",
        "area",
        "language",
        "popularity",
        "id",
    ],
}


def upgrade() -> None:
    for name, columns in _INDEXES.items():
        op.create_index(name, "courses", columns, unique=False)


def downgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, table_name="courses")
