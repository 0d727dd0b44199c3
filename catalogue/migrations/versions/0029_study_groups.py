"""Learning records (issue 16): study groups, members, assignments and notices; an events index
for the group's member table (each member's progress in each assigned course)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "study_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("invite_code", sa.String(length=16), nullable=True),
        sa.Column("invite_token", sa.String(length=43), nullable=True),
        sa.Column("inactive_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "inactive_days BETWEEN 1 AND 365", name=op.f("ck_study_groups_inactive_days_range")
        ),
        sa.ForeignKeyConstraint(
            ["organiser_id"],
            ["users.id"],
            name=op.f("fk_study_groups_organiser_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_groups")),
        sa.UniqueConstraint("invite_code", name=op.f("uq_study_groups_invite_code")),
        sa.UniqueConstraint("invite_token", name=op.f("uq_study_groups_invite_token")),
    )
    op.create_index(
        "ix_study_groups_organiser_id", "study_groups", ["organiser_id", "id"], unique=False
    )
    op.create_table(
        "group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("consent_scope", sa.String(length=64), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["study_groups.id"],
            name=op.f("fk_group_members_group_id_study_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_group_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_group_members")),
    )
    op.create_index(
        "ix_group_members_user_id", "group_members", ["user_id", "group_id"], unique=False
    )
    op.create_table(
        "group_assignments",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_group_assignments_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["study_groups.id"],
            name=op.f("fk_group_assignments_group_id_study_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_assignments")),
    )
    op.create_index(
        "ix_group_assignments_group_course",
        "group_assignments",
        ["group_id", "course_id"],
        unique=True,
    )
    op.create_table(
        "group_notices",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_group_notices_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["study_groups.id"],
            name=op.f("fk_group_notices_group_id_study_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_notices")),
    )
    op.create_index("ix_group_notices_group_id", "group_notices", ["group_id", "id"], unique=False)
    op.create_index(
        "ix_events_user_course_kind",
        "events",
        ["user_id", "course_id", "kind", "value"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_events_user_course_kind", table_name="events")
    op.drop_index("ix_group_notices_group_id", table_name="group_notices")
    op.drop_table("group_notices")
    op.drop_index("ix_group_assignments_group_course", table_name="group_assignments")
    op.drop_table("group_assignments")
    op.drop_index("ix_group_members_user_id", table_name="group_members")
    op.drop_table("group_members")
    op.drop_index("ix_study_groups_organiser_id", table_name="study_groups")
    op.drop_table("study_groups")
