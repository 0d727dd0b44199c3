"""Insight (issue 17): HyperLogLog sketches of each day's active learners per area, so distinct
active learners over any span are a union of days, not a distinct count of learner-days

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-02 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Days rolled up before this table are sketched by the job a month of days per run
    # (insight/rollups.py backfill_sketches); until then answers count them exactly.
    op.create_table(
        "insight_active_sketches",
        sa.Column("area", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("learners", sa.Integer(), nullable=False),
        sa.Column("registers", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("area", "day", name=op.f("pk_insight_active_sketches")),
    )
    # The union of each calendar month's day sketches: a year reads 12 sketches, not 365.
    op.create_table(
        "insight_active_month_sketches",
        sa.Column("area", sa.String(length=16), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("registers", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("area", "month", name=op.f("pk_insight_active_month_sketches")),
    )


def downgrade() -> None:
    op.drop_table("insight_active_month_sketches")
    op.drop_table("insight_active_sketches")
