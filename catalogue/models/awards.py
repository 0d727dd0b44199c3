"""What completing a course earns, as its provider sets it: the completion rule, credits and
outcome type (read by the learning record, issue 16)."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, Numeric
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, str_enum, utcnow


class CompletionRule(enum.StrEnum):
    """When a learner has completed a course, as its provider decides."""

    ALL_LESSONS = "all_lessons"
    # A share of the lessons (CourseAward.share, 0–1).
    SHARE = "share"
    # A minimum learning time in the course (CourseAward.minimum_minutes).
    MINUTES = "minutes"


class OutcomeType(enum.StrEnum):
    """The kind of learning outcome a course's credits count as in the credit bank."""

    ACADEMIC = "academic"  # 学历教育
    VOCATIONAL = "vocational"  # 职业技能
    TRAINING = "training"  # 非学历培训
    CULTURE = "culture"  # 社会文化生活


class CourseAward(Base):
    """A course's completion rule and credit value; a course without a row is completed by
    finishing all its lessons and earns no credits."""

    __tablename__ = "course_awards"
    __table_args__ = (
        CheckConstraint("share IS NULL OR (share > 0 AND share <= 1)", name="share_range"),
        CheckConstraint("minimum_minutes IS NULL OR minimum_minutes > 0", name="minutes_positive"),
        CheckConstraint("credits >= 0", name="credits_non_negative"),
    )

    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    completion: Mapped[CompletionRule] = mapped_column(
        str_enum(CompletionRule, "completion_rule"), default=CompletionRule.ALL_LESSONS
    )
    share: Mapped[float | None] = mapped_column(Float)
    minimum_minutes: Mapped[int | None] = mapped_column(Integer)
    credits: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("0"))
    outcome_type: Mapped[OutcomeType] = mapped_column(
        str_enum(OutcomeType, "outcome_type"), default=OutcomeType.TRAINING
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
