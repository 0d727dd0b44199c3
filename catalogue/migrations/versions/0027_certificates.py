"""Learning records (issue 16): certificates, their signing keys and revocations

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
