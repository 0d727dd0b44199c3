"""The service desk: conversations, messages, the problem database (redacted questions), staff
help articles, saved replies and signed-in people's recent failed requests (issue 15)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 18:45:06.387386
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "desk_articles",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("body_zh", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("keywords_zh", sa.Text(), nullable=False),
        sa.Column("keywords_en", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_desk_articles_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_articles")),
        sa.UniqueConstraint("slug", name=op.f("uq_desk_articles_slug")),
    )
    op.create_table(
        "desk_conversations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("public_id", sa.String(length=43), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "bot",
                "waiting",
                "claimed",
                "resolved",
                name="desk_conversation_status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("caring", sa.Boolean(), nullable=False),
        sa.Column("page", sa.String(length=300), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("assigned_to", sa.Integer(), nullable=True),
        sa.Column("handoff_reason", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_reply_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("learner_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_to"],
            ["users.id"],
            name=op.f("fk_desk_conversations_assigned_to_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_desk_conversations_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_conversations")),
        sa.UniqueConstraint("public_id", name=op.f("uq_desk_conversations_public_id")),
    )
    op.create_index(
        "ix_desk_conversations_status_handed",
        "desk_conversations",
        ["status", "handed_off_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_desk_conversations_user", "desk_conversations", ["user_id", "id"], unique=False
    )

    op.create_table(
        "desk_saved_replies",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_desk_saved_replies_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_saved_replies")),
    )
    op.create_table(
        "desk_messages",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "conversation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "author",
            sa.Enum(
                "learner",
                "assistant",
                "staff",
                "system",
                name="desk_author",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["desk_conversations.id"],
            name=op.f("fk_desk_messages_conversation_id_desk_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["users.id"],
            name=op.f("fk_desk_messages_staff_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_messages")),
    )
    op.create_index(
        "ix_desk_messages_conversation", "desk_messages", ["conversation_id", "id"], unique=False
    )

    op.create_table(
        "desk_questions",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "conversation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("predicted", sa.String(length=80), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "answered",
                "courses",
                "handed_off",
                "not_helpful",
                name="desk_outcome",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("label", sa.String(length=80), nullable=True),
        sa.Column("labelled_by", sa.Integer(), nullable=True),
        sa.Column("cluster", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["desk_conversations.id"],
            name=op.f("fk_desk_questions_conversation_id_desk_conversations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["labelled_by"],
            ["users.id"],
            name=op.f("fk_desk_questions_labelled_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_questions")),
    )
    op.create_index(
        "ix_desk_questions_cluster", "desk_questions", ["cluster", "created_at"], unique=False
    )
    op.create_index(
        "ix_desk_questions_created", "desk_questions", ["created_at", "id"], unique=False
    )

    op.create_table(
        "desk_request_errors",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_desk_request_errors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_request_errors")),
    )
    op.create_index(
        "ix_desk_request_errors_user", "desk_request_errors", ["user_id", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_desk_request_errors_user", table_name="desk_request_errors")
    op.drop_table("desk_request_errors")
    op.drop_index("ix_desk_questions_created", table_name="desk_questions")
    op.drop_index("ix_desk_questions_cluster", table_name="desk_questions")

    op.drop_table("desk_questions")
    op.drop_index("ix_desk_messages_conversation", table_name="desk_messages")

    op.drop_table("desk_messages")
    op.drop_table("desk_saved_replies")
    op.drop_index("ix_desk_conversations_user", table_name="desk_conversations")
    op.drop_index("ix_desk_conversations_status_handed", table_name="desk_conversations")

    op.drop_table("desk_conversations")
    op.drop_table("desk_articles")
