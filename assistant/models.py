"""Tables of the service desk: conversations, their messages, the problem database, staff
articles and saved replies. They use catalogue's declarative Base and its one Alembic history."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, BigIntPK, str_enum, utcnow


class ConversationStatus(enum.StrEnum):
    """Where a conversation is: with the assistant, waiting for a person, with one, or done."""

    BOT = "bot"
    WAITING = "waiting"
    CLAIMED = "claimed"
    RESOLVED = "resolved"


class Author(enum.StrEnum):
    """Who wrote a message."""

    LEARNER = "learner"
    ASSISTANT = "assistant"
    STAFF = "staff"
    SYSTEM = "system"


class Outcome(enum.StrEnum):
    """What the assistant did with a question."""

    ANSWERED = "answered"
    COURSES = "courses"
    HANDED_OFF = "handed_off"
    NOT_HELPFUL = "not_helpful"


class Conversation(Base):
    """One visitor's or learner's conversation with the desk."""

    __tablename__ = "desk_conversations"
    __table_args__ = (
        # The support queue: waiting and claimed conversations, oldest hand-off first.
        Index("ix_desk_conversations_status_handed", "status", "handed_off_at", "id"),
        Index("ix_desk_conversations_user", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    # What clients hold: unguessable, so an anonymous visitor's conversation is theirs alone.
    public_id: Mapped[str] = mapped_column(String(43), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[ConversationStatus] = mapped_column(
        str_enum(ConversationStatus, "desk_conversation_status"), default=ConversationStatus.BOT
    )
    language: Mapped[str] = mapped_column(String(8), default="zh")
    caring: Mapped[bool] = mapped_column(Boolean, default=False)
    page: Mapped[str | None] = mapped_column(String(300))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    # An anonymous visitor who leaves a message may leave an address for the reply.
    contact_email: Mapped[str | None] = mapped_column(String(254))
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    handoff_reason: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    handed_off_at: Mapped[datetime | None] = mapped_column()
    first_reply_at: Mapped[datetime | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()
    # When the learner last read the conversation (a reply after it is unread).
    learner_seen_at: Mapped[datetime | None] = mapped_column()
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)


class Message(Base):
    """One message of a conversation."""

    __tablename__ = "desk_messages"
    __table_args__ = (Index("ix_desk_messages_conversation", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("desk_conversations.id", ondelete="CASCADE")
    )
    author: Mapped[Author] = mapped_column(str_enum(Author, "desk_author"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    # The help articles or courses an answer used: [{"kind", "id"/"slug", "title", "url"}].
    sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    confidence: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Question(Base):
    """The problem database: every question asked, redacted before it is stored."""

    __tablename__ = "desk_questions"
    __table_args__ = (
        Index("ix_desk_questions_created", "created_at", "id"),
        Index("ix_desk_questions_cluster", "cluster", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("desk_conversations.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)  # redacted
    language: Mapped[str] = mapped_column(String(8))
    predicted: Mapped[str | None] = mapped_column(String(80))
    confidence: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome, "desk_outcome"))
    # A label set by staff (an article slug or a special label): training data for the matcher.
    label: Mapped[str | None] = mapped_column(String(80))
    labelled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cluster: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffArticle(Base):
    """A help article written by support staff (the shipped ones live in package files)."""

    __tablename__ = "desk_articles"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    topic: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(16), default="all")
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    keywords_zh: Mapped[str] = mapped_column(Text, default="")
    keywords_en: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedReply(Base):
    """A reply support staff reuse."""

    __tablename__ = "desk_saved_replies"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RequestError(Base):
    """A request of a signed-in person that failed (4xx/5xx): what support staff see as the
    learner's recent errors. Only the newest few per account are kept."""

    __tablename__ = "desk_request_errors"
    __table_args__ = (Index("ix_desk_request_errors_user", "user_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(300))
    status: Mapped[int] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
