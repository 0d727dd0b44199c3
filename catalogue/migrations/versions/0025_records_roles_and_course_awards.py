"""Learning records (issue 16): the registrar and organiser roles, and course_awards (a course's
completion rule, credits and outcome type)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("learner", "partner", "editor", "support", "admin")
NEW_ROLES = ("registrar", "organiser")


def _roles(roles: tuple[str, ...], width: int, old_width: int) -> None:
    with op.batch_alter_table("users", schema=None, recreate="auto") as batch_op:
        batch_op.drop_constraint(op.f("ck_users_user_role"), type_="check")
        batch_op.alter_column(
            "role",
            existing_type=sa.String(length=old_width),
            type_=sa.String(length=width),
            existing_nullable=False,
        )
        batch_op.create_check_constraint("user_role", sa.column("role").in_(roles))


def upgrade() -> None:
    _roles((*ROLES, *NEW_ROLES), 9, 7)
    op.create_table(
        "course_awards",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column(
            "completion",
            sa.Enum(
                "all_lessons",
                "share",
                "minutes",
                name="completion_rule",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("share", sa.Float(), nullable=True),
        sa.Column("minimum_minutes", sa.Integer(), nullable=True),
        sa.Column("credits", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column(
            "outcome_type",
            sa.Enum(
                "academic",
                "vocational",
                "training",
                "culture",
                name="outcome_type",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "share IS NULL OR (share > 0 AND share <= 1)",
            name=op.f("ck_course_awards_share_range"),
        ),
        sa.CheckConstraint(
            "minimum_minutes IS NULL OR minimum_minutes > 0",
            name=op.f("ck_course_awards_minutes_positive"),
        ),
        sa.CheckConstraint("credits >= 0", name=op.f("ck_course_awards_credits_non_negative")),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_awards_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("course_id", name=op.f("pk_course_awards")),
    )


def downgrade() -> None:
    op.drop_table("course_awards")
    op.execute(
        sa.text("UPDATE users SET role = 'learner' WHERE role IN ('registrar', 'organiser')")
    )
    _roles(ROLES, 7, 9)
