"""Learning records (issue 16): special events (a thematic column run as an event) and sign-ups

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "special_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("column_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signup_open", sa.Boolean(), nullable=False),
        sa.Column(
            "rule",
            sa.Enum(
                "lessons",
                "minutes",
                name="participation_rule",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("certificate_title_zh", sa.String(length=200), nullable=False),
        sa.Column("certificate_title_en", sa.String(length=200), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["column_id"],
            ["thematic_columns.id"],
            name=op.f("fk_special_events_column_id_thematic_columns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_special_events_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_special_events")),
        sa.UniqueConstraint("column_id", name=op.f("uq_special_events_column_id")),
    )
    op.create_table(
        "event_signups",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("signed_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("participating_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("certified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("certificate_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["special_events.id"],
            name=op.f("fk_event_signups_event_id_special_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_event_signups_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "user_id", name=op.f("pk_event_signups")),
    )
    op.create_index(
        "ix_event_signups_event_id_state",
        "event_signups",
        ["event_id", "participating_at", "certified_at"],
    )
    op.create_index("ix_event_signups_user_id", "event_signups", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_event_signups_user_id", table_name="event_signups")
    op.drop_index("ix_event_signups_event_id_state", table_name="event_signups")
    op.drop_table("event_signups")
    op.drop_table("special_events")
