"""Insight (issue 17): per-course rollups for partners' course analytics

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-02 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = (
    "views",
    "starts",
    "completions",
    "likes",
    "unlikes",
    "saves",
    "unsaves",
    "ratings",
    "rating_sum",
    "search_visits",
)
PERIOD_COUNTS = (
    "views",
    "starts",
    "completions",
    "likes",
    "saves",
    "ratings",
    "rating_sum",
    "search_visits",
)


def _counts(names: Sequence[str]) -> list[sa.Column]:
    columns = [sa.Column(name, sa.Integer(), nullable=False) for name in names]
    return [*columns, sa.Column("learning_seconds", sa.BigInteger(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "analytics_course_days",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        *_counts(COUNTS),
        sa.PrimaryKeyConstraint("course_id", "day", name=op.f("pk_analytics_course_days")),
    )
    op.create_index(
        "ix_analytics_course_days_provider_day",
        "analytics_course_days",
        ["provider_id", "day"],
        unique=False,
    )
    op.create_table(
        "analytics_provider_days",
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *_counts(COUNTS),
        sa.PrimaryKeyConstraint("provider_id", "day", name=op.f("pk_analytics_provider_days")),
    )
    op.create_table(
        "analytics_lesson_funnel",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("finished", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("course_id", "lesson_id", name=op.f("pk_analytics_lesson_funnel")),
    )
    op.create_table(
        "analytics_course_periods",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=32), nullable=False),
        *_counts(PERIOD_COUNTS),
        sa.PrimaryKeyConstraint(
            "course_id", "period_days", name=op.f("pk_analytics_course_periods")
        ),
    )
    op.create_index(
        "ix_analytics_course_periods_provider",
        "analytics_course_periods",
        ["provider_id", "period_days", "views", "course_id"],
        unique=False,
    )
    op.create_table(
        "analytics_area_medians",
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("median", sa.Float(), nullable=False),
        sa.Column("courses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "area", "period_days", "metric", name=op.f("pk_analytics_area_medians")
        ),
    )
    op.create_table(
        "analytics_search_visits",
        sa.Column("search_query_id", sa.BigInteger(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "search_query_id", "course_id", "day", name=op.f("pk_analytics_search_visits")
        ),
    )
    op.create_index(
        "ix_analytics_search_visits_course_day",
        "analytics_search_visits",
        ["course_id", "day"],
        unique=False,
    )
    op.create_index(
        "ix_analytics_search_visits_provider_day",
        "analytics_search_visits",
        ["provider_id", "day"],
        unique=False,
    )
    op.create_table(
        "analytics_provider_terms",
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "provider_id", "period_days", "text", name=op.f("pk_analytics_provider_terms")
        ),
    )
    op.create_table(
        "analytics_poor_searches",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("zero_results", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "text", name=op.f("pk_analytics_poor_searches")),
    )
    op.create_table(
        "analytics_poor_search_periods",
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("zero_results", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "period_days", "text", name=op.f("pk_analytics_poor_search_periods")
        ),
    )
    op.create_table(
        "analytics_provider_subjects",
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("courses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "provider_id", "subject", name=op.f("pk_analytics_provider_subjects")
        ),
    )
    op.create_table(
        "analytics_marks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_analytics_marks")),
    )


def downgrade() -> None:
    for table in (
        "analytics_marks",
        "analytics_provider_subjects",
        "analytics_poor_search_periods",
        "analytics_poor_searches",
        "analytics_provider_terms",
        "analytics_search_visits",
        "analytics_area_medians",
        "analytics_course_periods",
        "analytics_lesson_funnel",
        "analytics_provider_days",
        "analytics_course_days",
    ):
        op.drop_table(table)
