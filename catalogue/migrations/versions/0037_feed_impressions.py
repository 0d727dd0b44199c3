"""Insight (issue 17): recommendation lists shown and the courses opened from them, and their
daily rollup per surface and model version (the cockpit's feed click-through)

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-02 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "feed_impressions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "surface",
            sa.Enum(
                "home",
                "course",
                "api_feed",
                "api_similar",
                name="feed_surface",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("model_version", sa.String(length=40), nullable=False),
        sa.Column("items", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_feed_impressions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_impressions")),
    )
    op.create_index(
        op.f("ix_feed_impressions_user_id"), "feed_impressions", ["user_id"], unique=False
    )
    op.create_table(
        "feed_clicks",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("impression_id", sa.BigInteger(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["impression_id"],
            ["feed_impressions.id"],
            name=op.f("fk_feed_clicks_impression_id_feed_impressions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_clicks")),
        sa.UniqueConstraint(
            "impression_id", "course_id", name=op.f("uq_feed_clicks_impression_id_course_id")
        ),
    )
    op.create_table(
        "insight_feed_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("surface", sa.String(length=16), nullable=False),
        sa.Column("model_version", sa.String(length=40), nullable=False),
        sa.Column("lists", sa.BigInteger(), nullable=False),
        sa.Column("items", sa.BigInteger(), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "surface", "model_version", name=op.f("pk_insight_feed_days")
        ),
    )


def downgrade() -> None:
    op.drop_table("insight_feed_days")
    op.drop_table("feed_clicks")
    op.drop_index(op.f("ix_feed_impressions_user_id"), table_name="feed_impressions")
    op.drop_table("feed_impressions")
