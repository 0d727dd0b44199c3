"""Learning time per learner, course and local day, and the weekly goals learners set
(issue 16, area A: docs/records.md "Learning time and the profile")."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, utcnow


class LearningDay(Base):
    """Seconds a learner spent playing or reading a course's lessons on one of their local
    days; one row per learner, course and day, added to as the player saves positions."""

    __tablename__ = "learning_days"
    __table_args__ = (
        CheckConstraint("seconds >= 0", name="seconds_not_negative"),
        # Participation in a course's event, time in a group's courses: by course and day.
        Index("ix_learning_days_course_day", "course_id", "day"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    seconds: Mapped[int] = mapped_column(Integer, default=0)


class LearningGoal(Base):
    """A learner's weekly learning target ("每周学习 3 小时") and whether the site may remind
    them when the week is going behind; at most one reminder per week."""

    __tablename__ = "learning_goals"
    __table_args__ = (
        CheckConstraint(
            "weekly_minutes >= 10 AND weekly_minutes <= 6000", name="weekly_minutes_range"
        ),
        # The reminder job reads only the goals with reminders on.
        Index("ix_learning_goals_reminders_user", "reminders", "user_id"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    weekly_minutes: Mapped[int] = mapped_column(Integer)
    reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    # The Monday (learner's local week) of the last reminder sent; None: never.
    reminded_week: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
