"""Learning records (issue 16): special events (a thematic column run as an event) and sign-ups

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
