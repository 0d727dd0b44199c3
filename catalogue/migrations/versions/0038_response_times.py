"""Insight (issue 17): the site's response times, per UTC hour, endpoint, status class and
time bucket, added to by every web process about once a minute (insight/response_times.py)

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-02 06:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The key leads with the hour: the cockpit reads a range of hours and the flushes delete
    # the hours older than 90 days, both by the primary key's index.
    op.create_table(
        "insight_response_times",
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=120), nullable=False),
        sa.Column("status_class", sa.SmallInteger(), nullable=False),
        sa.Column("bucket", sa.SmallInteger(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "hour", "endpoint", "status_class", "bucket", name=op.f("pk_insight_response_times")
        ),
    )


def downgrade() -> None:
    op.drop_table("insight_response_times")
