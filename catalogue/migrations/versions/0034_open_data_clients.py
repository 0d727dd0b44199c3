"""Insight (issue 17): open data API clients, their tokens, quotas and the call audit log

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-02 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigIntPK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "open_data_clients",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(length=48), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("rate_per_minute", sa.Integer(), nullable=False),
        sa.Column("daily_quota", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("secret_rotated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_open_data_clients_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_data_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_open_data_clients_client_id")),
    )
    op.create_table(
        "open_data_tokens",
        sa.Column("id", BigIntPK, autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_pk"],
            ["open_data_clients.id"],
            name=op.f("fk_open_data_tokens_client_pk_open_data_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_data_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_open_data_tokens_token_hash")),
    )
    op.create_index("ix_open_data_tokens_client_pk", "open_data_tokens", ["client_pk"])
    op.create_index("ix_open_data_tokens_expires_at", "open_data_tokens", ["expires_at"])
    op.create_table(
        "open_data_consents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_open_data_consents_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_pk"],
            ["open_data_clients.id"],
            name=op.f("fk_open_data_consents_client_pk_open_data_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_data_consents")),
        sa.UniqueConstraint(
            "user_id", "client_pk", name=op.f("uq_open_data_consents_user_id_client_pk")
        ),
    )
    op.create_index("ix_open_data_consents_client_pk", "open_data_consents", ["client_pk"])
    op.create_table(
        "open_data_audit",
        sa.Column("id", BigIntPK, autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_pk", sa.Integer(), nullable=True),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("endpoint", sa.String(length=300), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("error_code", sa.String(length=40), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_pk"],
            ["open_data_clients.id"],
            name=op.f("fk_open_data_audit_client_pk_open_data_clients"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open_data_audit")),
    )
    op.create_index("ix_open_data_audit_at", "open_data_audit", ["at"])
    op.create_index("ix_open_data_audit_client_at", "open_data_audit", ["client_pk", "at"])
    op.create_index("ix_courses_updated_at_id", "courses", ["updated_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_courses_updated_at_id", table_name="courses")
    op.drop_table("open_data_audit")
    op.drop_table("open_data_consents")
    op.drop_table("open_data_tokens")
    op.drop_table("open_data_clients")
