"""Learning records (issue 16): the credit bank's ledger and recognition requests, and a
catalogue file's completion rule and credits columns staged with its rows

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
OUTCOME_TYPES = ("academic", "vocational", "training", "culture")


def _outcome_type() -> sa.Enum:
    return sa.Enum(*OUTCOME_TYPES, name="outcome_type", native_enum=False, create_constraint=True)


STAGED_AWARD_COLUMNS = (
    "award_outcome",
    "award_credits",
    "award_minutes",
    "award_share",
    "award_completion",
    "has_award",
)


def upgrade() -> None:
    with op.batch_alter_table("upload_staged_courses", recreate="never") as batch:
        batch.add_column(
            sa.Column("has_award", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("award_completion", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("award_share", sa.Float(), nullable=True))
        batch.add_column(sa.Column("award_minutes", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("award_credits", sa.Numeric(precision=6, scale=2), nullable=True)
        )
        batch.add_column(sa.Column("award_outcome", sa.String(length=16), nullable=True))
    op.create_table(
        "credit_accounts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_credit_accounts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_credit_accounts")),
    )
    op.create_table(
        "credit_entries",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "award",
                "recognition",
                "correction",
                name="credit_entry_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("credits", sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column("outcome_type", _outcome_type(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=True),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("provider_name", sa.String(length=200), nullable=False),
        sa.Column("certificate_id", sa.BigInteger(), nullable=True),
        sa.Column("recognition_id", sa.BigInteger(), nullable=True),
        sa.Column("corrects_id", sa.BigInteger(), nullable=True),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_by_role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("seq > 0", name=op.f("ck_credit_entries_seq_positive")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_credit_entries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_entries")),
        sa.UniqueConstraint("user_id", "seq", name=op.f("uq_credit_entries_user_id_seq")),
        sa.UniqueConstraint(
            "user_id", "source_key", name=op.f("uq_credit_entries_user_id_source_key")
        ),
    )
    op.create_table(
        "credit_recognitions",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("institution", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("achieved_on", sa.Date(), nullable=False),
        sa.Column("credits_claimed", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("outcome_type", _outcome_type(), nullable=False),
        sa.Column("document_name", sa.String(length=200), nullable=False),
        sa.Column("document_key", sa.String(length=64), nullable=False),
        sa.Column("document_type", sa.String(length=32), nullable=False),
        sa.Column("document_size", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "accepted",
                "refused",
                name="recognition_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column(
            "conversion",
            sa.Enum(
                "ratio", "fixed", name="conversion_kind", native_enum=False, create_constraint=True
            ),
            nullable=True,
        ),
        sa.Column("conversion_value", sa.Numeric(precision=8, scale=4), nullable=True),
        sa.Column("rule_text", sa.Text(), nullable=False),
        sa.Column("credits_granted", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "credits_claimed >= 0", name=op.f("ck_credit_recognitions_claimed_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["users.id"],
            name=op.f("fk_credit_recognitions_decided_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_credit_recognitions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_recognitions")),
    )
    op.create_index(
        "ix_credit_recognitions_status_id", "credit_recognitions", ["status", "id"], unique=False
    )
    op.create_index(
        op.f("ix_credit_recognitions_user_id"), "credit_recognitions", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_credit_recognitions_user_id"), table_name="credit_recognitions")
    op.drop_index("ix_credit_recognitions_status_id", table_name="credit_recognitions")
    op.drop_table("credit_recognitions")
    op.drop_table("credit_entries")
    op.drop_table("credit_accounts")
    with op.batch_alter_table("upload_staged_courses", recreate="never") as batch:
        for column in STAGED_AWARD_COLUMNS:
            batch.drop_column(column)
