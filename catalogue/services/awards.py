"""What completing a course earns, as its provider sets it (course_awards): reading raw values
(from the partner's form or a catalogue file's row) with every problem listed, and saving them
for one of the provider's own courses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import FieldError, NotFound, ValidationError
from catalogue.models import Course
from catalogue.models.awards import CompletionRule, CourseAward, OutcomeType

MAX_CREDITS = Decimal("100")
MAX_MINUTES = 100_000

# Words a catalogue file may use for the outcome type and the completion rule.
OUTCOME_WORDS = {
    "academic": OutcomeType.ACADEMIC,
    "学历教育": OutcomeType.ACADEMIC,
    "学历": OutcomeType.ACADEMIC,
    "vocational": OutcomeType.VOCATIONAL,
    "职业技能": OutcomeType.VOCATIONAL,
    "职业": OutcomeType.VOCATIONAL,
    "training": OutcomeType.TRAINING,
    "非学历培训": OutcomeType.TRAINING,
    "培训": OutcomeType.TRAINING,
    "culture": OutcomeType.CULTURE,
    "社会文化生活": OutcomeType.CULTURE,
    "文化": OutcomeType.CULTURE,
}
COMPLETION_WORDS = {
    "all_lessons": CompletionRule.ALL_LESSONS,
    "all": CompletionRule.ALL_LESSONS,
    "全部": CompletionRule.ALL_LESSONS,
    "share": CompletionRule.SHARE,
    "比例": CompletionRule.SHARE,
    "minutes": CompletionRule.MINUTES,
    "时长": CompletionRule.MINUTES,
}


@dataclass(frozen=True)
class AwardInput:
    """A course's completion rule, credits and outcome type, checked."""

    completion: CompletionRule
    share: float | None
    minimum_minutes: int | None
    credits: Decimal
    outcome_type: OutcomeType


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _word(value: Any) -> str:
    return str(value).strip().lower().replace("-", "_").replace(" ", "_")


def parse_award(values: Mapping[str, Any], prefix: str = "") -> AwardInput:
    """Read `credits`, `outcome_type`, `completion`, `completion_share` (0–1, or a per cent
    such as "80%") and `completion_minutes`; ValidationError lists every problem (codes
    NOT_A_NUMBER, OUT_OF_RANGE, INVALID_CHOICE, REQUIRED; fields named with `prefix`)."""
    errors: list[FieldError] = []

    def problem(name: str, code: str, message: str) -> None:
        errors.append(FieldError(prefix + name, code, message))

    credits = Decimal("0")
    raw = values.get("credits")
    if not _blank(raw):
        try:
            credits = Decimal(str(raw).strip())
            if not credits.is_finite():
                raise InvalidOperation
            if not Decimal("0") <= credits <= MAX_CREDITS or credits != credits.quantize(
                Decimal("0.01")
            ):
                problem("credits", "OUT_OF_RANGE", f"credits must be 0–{MAX_CREDITS}, 2 decimals")
        except InvalidOperation:
            problem("credits", "NOT_A_NUMBER", "credits must be a number")
    outcome = OutcomeType.TRAINING
    raw = values.get("outcome_type")
    if not _blank(raw):
        outcome = OUTCOME_WORDS.get(_word(raw)) or OUTCOME_WORDS.get(str(raw).strip())
        if outcome is None:
            problem("outcome_type", "INVALID_CHOICE", "unknown outcome type")
            outcome = OutcomeType.TRAINING
    completion = CompletionRule.ALL_LESSONS
    raw = values.get("completion")
    if not _blank(raw):
        completion = COMPLETION_WORDS.get(_word(raw)) or COMPLETION_WORDS.get(str(raw).strip())
        if completion is None:
            problem("completion", "INVALID_CHOICE", "unknown completion rule")
            completion = CompletionRule.ALL_LESSONS
    share = None
    if completion == CompletionRule.SHARE:
        raw = values.get("completion_share")
        if _blank(raw):
            problem("completion_share", "REQUIRED", "a share of lessons is required")
        else:
            text = str(raw).strip()
            try:
                number = Decimal(text.rstrip("%％").strip())
                if text.endswith(("%", "％")) or number > 1:
                    number = number / 100
                if not Decimal("0") < number <= 1:
                    problem("completion_share", "OUT_OF_RANGE", "the share must be above 0, ≤ 1")
                share = float(number)
            except InvalidOperation:
                problem("completion_share", "NOT_A_NUMBER", "the share must be a number")
    minutes = None
    if completion == CompletionRule.MINUTES:
        raw = values.get("completion_minutes")
        if _blank(raw):
            problem("completion_minutes", "REQUIRED", "a minimum time is required")
        else:
            text = str(raw).strip()
            if text.endswith(".0"):
                text = text[:-2]
            if not text.isdigit():
                problem("completion_minutes", "NOT_A_NUMBER", "minutes must be a whole number")
            elif not 0 < int(text) <= MAX_MINUTES:
                problem("completion_minutes", "OUT_OF_RANGE", "minutes out of range")
            else:
                minutes = int(text)
    if errors:
        raise ValidationError(errors)
    return AwardInput(completion, share, minutes, credits.quantize(Decimal("0.01")), outcome)


def get_award(session: Session, course_id: int) -> CourseAward | None:
    """The course's award settings, or None (all lessons, no credits)."""
    return session.get(CourseAward, course_id)


def set_award(session: Session, provider_id: int, course_id: int, award: AwardInput) -> CourseAward:
    """Save the settings of one of the provider's own courses (NotFound for others')."""
    owned = session.scalar(
        select(Course.id).where(Course.id == course_id, Course.provider_id == provider_id)
    )
    if owned is None:
        raise NotFound(f"course {course_id} is not one of provider {provider_id}'s")
    row = session.get(CourseAward, course_id)
    if row is None:
        row = CourseAward(course_id=course_id)
        session.add(row)
    row.completion = award.completion
    row.share = award.share
    row.minimum_minutes = award.minimum_minutes
    row.credits = award.credits
    row.outcome_type = award.outcome_type
    session.flush()
    return row
