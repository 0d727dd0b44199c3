"""Learning records (issue 16): the credit bank's ledger and recognition requests

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
