"""Special events: a thematic column run as an event (start and end, sign-up, a participation
threshold, a participation certificate), and the learners signed up for it.

(The catalogue's `events` table is the learner activity log; these tables are `special_events`
and `event_signups`.)"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, str_enum, utcnow


class ParticipationRule(enum.StrEnum):
    """What counts towards an event's participation threshold."""

    # Distinct lessons of the event's courses finished inside the event window (exact to the
    # second, from the catalogue's activity log).
    LESSONS = "lessons"
    # Minutes of learning in the event's courses on the event's days (the learning-time
    # record keeps whole days in the learner's zone, so the window is counted by day).
    MINUTES = "minutes"


class SpecialEvent(Base):
    """A thematic column run as an event; one event per column."""

    __tablename__ = "special_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    column_id: Mapped[int] = mapped_column(
        ForeignKey("thematic_columns.id", ondelete="CASCADE"), unique=True
    )
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    signup_open: Mapped[bool] = mapped_column(Boolean, default=True)
    rule: Mapped[ParticipationRule] = mapped_column(
        str_enum(ParticipationRule, "participation_rule"), default=ParticipationRule.LESSONS
    )
    threshold: Mapped[int] = mapped_column(Integer)
    certificate_title_zh: Mapped[str] = mapped_column(String(200))
    certificate_title_en: Mapped[str] = mapped_column(String(200))
    # Set by the closing run after the end: every signed-up learner's progress was counted and
    # every certificate due was issued.
    closed_at: Mapped[datetime | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class EventSignup(Base):
    """A learner signed up for an event, with their last counted progress and certificate."""

    __tablename__ = "event_signups"
    __table_args__ = (
        # The counts (signed up, participating, certified) of an event read this index only.
        Index("ix_event_signups_event_id_state", "event_id", "participating_at", "certified_at"),
        Index("ix_event_signups_user_id", "user_id"),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("special_events.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    signed_up_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Lessons finished or seconds learnt (by the event's rule) when last counted.
    progress: Mapped[int] = mapped_column(Integer, default=0)
    counted_at: Mapped[datetime | None] = mapped_column()
    # First counted learning in the event's courses inside the window.
    participating_at: Mapped[datetime | None] = mapped_column()
    certified_at: Mapped[datetime | None] = mapped_column()
    # The participation certificate (records.models.certificates; no foreign key, so that the
    # two areas' tables stay independent).
    certificate_id: Mapped[int | None] = mapped_column(Integer)
