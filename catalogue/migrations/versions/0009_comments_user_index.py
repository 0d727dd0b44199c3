"""comments: an index on (user_id, created_at) for the per-learner posting limits

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 00:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_comments_user_created", "comments", ["user_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_comments_user_created", table_name="comments")
