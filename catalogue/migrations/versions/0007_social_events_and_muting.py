"""events: "note", "comment" and "rate" kinds; users: muted_at (editors can mute commenters)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "view",
    "like",
    "unlike",
    "save",
    "unsave",
    "start",
    "progress",
    "complete",
    "share",
    "dismiss",
)
NEW_KINDS = ("note", "comment", "rate")


def _kinds(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("events", schema=None, recreate="always") as batch_op:
        batch_op.drop_constraint(op.f("ck_events_event_kind"), type_="check")
        batch_op.create_check_constraint("event_kind", sa.column("kind").in_(kinds))


def upgrade() -> None:
    _kinds((*KINDS, *NEW_KINDS))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("muted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("muted_at")
    op.execute(sa.text("DELETE FROM events WHERE kind IN ('note', 'comment', 'rate')"))
    _kinds(KINDS)
