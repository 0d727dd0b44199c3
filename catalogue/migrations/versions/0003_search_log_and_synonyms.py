"""search log and synonyms

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 23:21:03.800109
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "search_queries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("results", sa.Integer(), nullable=False),
        sa.Column("relaxed", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_queries")),
    )
    with op.batch_alter_table("search_queries", schema=None) as batch_op:
        batch_op.create_index("ix_search_queries_created", ["created_at"], unique=False)

    op.create_table(
        "search_synonyms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_search_synonyms_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_synonyms")),
    )


def downgrade() -> None:

    op.drop_table("search_synonyms")
    with op.batch_alter_table("search_queries", schema=None) as batch_op:
        batch_op.drop_index("ix_search_queries_created")

    op.drop_table("search_queries")
