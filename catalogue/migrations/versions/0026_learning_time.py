"""Learning records (issue 16): learning time per day (from playing and reading), goals
and reminders

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "learning_days",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.CheckConstraint("seconds >= 0", name=op.f("ck_learning_days_seconds_not_negative")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_learning_days_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_learning_days_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "course_id", "day", name=op.f("pk_learning_days")),
    )
    op.create_index("ix_learning_days_course_day", "learning_days", ["course_id", "day"])
    op.create_table(
        "learning_goals",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("weekly_minutes", sa.Integer(), nullable=False),
        sa.Column("reminders", sa.Boolean(), nullable=False),
        sa.Column("reminded_week", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "weekly_minutes >= 10 AND weekly_minutes <= 6000",
            name=op.f("ck_learning_goals_weekly_minutes_range"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_learning_goals_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_learning_goals")),
    )
    op.create_index("ix_learning_goals_reminders_user", "learning_goals", ["reminders", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_learning_goals_reminders_user", table_name="learning_goals")
    op.drop_table("learning_goals")
    op.drop_index("ix_learning_days_course_day", table_name="learning_days")
    op.drop_table("learning_days")
