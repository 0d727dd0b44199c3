"""Insight (issue 17): the cockpit's rollup tables, kept incrementally by the jobs worker

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-02 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insight_watermarks",
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_insight_watermarks")),
    )
    op.create_table(
        "insight_daily",
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("area", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("metric", "area", "day", name=op.f("pk_insight_daily")),
    )
    op.create_table(
        "insight_learner_days",
        sa.Column("area", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_insight_learner_days_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("area", "day", "user_id", name=op.f("pk_insight_learner_days")),
    )
    op.create_table(
        "insight_search_terms",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("zero_results", sa.Integer(), nullable=False),
        sa.Column("poor", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "text", name=op.f("pk_insight_search_terms")),
    )
    op.create_table(
        "insight_top_queries",
        sa.Column("period_days", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("zero_results", sa.Integer(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("period_days", "kind", "rank", name=op.f("pk_insight_top_queries")),
    )


def downgrade() -> None:
    op.drop_table("insight_top_queries")
    op.drop_table("insight_search_terms")
    op.drop_table("insight_learner_days")
    op.drop_table("insight_daily")
    op.drop_table("insight_watermarks")
