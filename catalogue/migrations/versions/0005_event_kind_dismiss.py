"""events: the "dismiss" kind (a learner's "not interested")

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 01:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("view", "like", "unlike", "save", "unsave", "start", "progress", "complete", "share")


def _kinds(kinds: tuple[str, ...]) -> None:
    with op.batch_alter_table("events", schema=None, recreate="always") as batch_op:
        batch_op.drop_constraint(op.f("ck_events_event_kind"), type_="check")
        batch_op.create_check_constraint("event_kind", sa.column("kind").in_(kinds))


def upgrade() -> None:
    _kinds((*KINDS, "dismiss"))


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM events WHERE kind = 'dismiss'"))
    _kinds(KINDS)
