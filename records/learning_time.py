"""Learning time: credited from the positions the players and the reading view save, not from
page views, per learner, course and the learner's local day (docs/records.md).

A save credits the forward movement of the position since the previous save of the same
lesson, bounded by the wall-clock time between the two saves (a seek or a faster playback
rate does not add time) and by MAX_CREDIT_PER_SAVE (a tab left open, a save after a long
pause). The first save of a lesson credits at most FIRST_SAVE_CREDIT.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from catalogue.models import Event, LessonPosition, User, utcnow
from catalogue.services import playback
from records.models.learning_time import LearningDay

# The players save every 15 s while playing; browsers slow the timers of hidden tabs to
# once a minute. Two minutes covers both and a reader's pause on one screen of text.
MAX_CREDIT_PER_SAVE = 120
# A lesson's first save has no previous one to measure from: the player's first save comes
# 15 s after pressing play.
FIRST_SAVE_CREDIT = 30
SITE_ZONE = "Asia/Shanghai"
_BATCH = 500


def zone_of(time_zone: str | None, site_zone: str = SITE_ZONE) -> ZoneInfo:
    """The learner's zone (their account's choice), else the site's."""
    if time_zone:
        try:
            return ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(site_zone)


def user_zone(session: Session, user_id: int, site_zone: str = SITE_ZONE) -> ZoneInfo:
    """The zone whose days a learner's time is counted in."""
    return zone_of(session.scalar(select(User.time_zone).where(User.id == user_id)), site_zone)


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    """The learner's calendar day of a moment."""
    return moment.astimezone(zone).date()


def credit_for(
    previous_position: int | None,
    previous_at: datetime | None,
    position: int,
    now: datetime,
) -> int:
    """Seconds to credit for a save moving a lesson's position to `position` at `now`."""
    if previous_position is None or previous_at is None:
        return max(0, min(position, FIRST_SAVE_CREDIT))
    forward = position - previous_position
    elapsed = int((now - previous_at).total_seconds())
    return max(0, min(forward, elapsed, MAX_CREDIT_PER_SAVE))


def _upsert(session: Session, user_id: int, course_id: int, day: date, seconds: int) -> None:
    """Add seconds to a learner's day of a course in one statement (INSERT .. ON CONFLICT DO
    UPDATE seconds = seconds + new): concurrent saves never overwrite each other's time."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(LearningDay).values(
        user_id=user_id, course_id=course_id, day=day, seconds=seconds
    )
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "course_id", "day"],
        set_={"seconds": LearningDay.seconds + statement.excluded.seconds},
    )
    session.execute(statement)


def add_time(
    session: Session,
    user_id: int,
    course_id: int,
    seconds: int,
    end: datetime,
    zone: ZoneInfo,
) -> dict[date, int]:
    """Credit `seconds` of learning that ended at `end`, split at the learner's local
    midnight when the span crosses it. Returns the seconds per day added."""
    if seconds <= 0:
        return {}
    start = end - timedelta(seconds=seconds)
    first, last = local_day(start, zone), local_day(end, zone)
    parts: dict[date, int] = {}
    if first == last:
        parts[last] = seconds
    else:
        midnight = datetime.combine(last, datetime.min.time(), tzinfo=zone)
        after = int((end - midnight).total_seconds())
        parts[last] = after
        parts[first] = seconds - after
    for day, part in parts.items():
        if part > 0:
            _upsert(session, user_id, course_id, day, part)
    return {day: part for day, part in parts.items() if part > 0}


@dataclass(frozen=True)
class Credited:
    """What saving a position did, and the learning time it credited."""

    saved: playback.Saved
    seconds: int


def save_position(
    session: Session,
    user_id: int,
    course_id: int,
    lesson_id: int,
    seconds: int,
    *,
    site_zone: str = SITE_ZONE,
    now: datetime | None = None,
) -> Credited:
    """Save a lesson position (catalogue's playback.save_position) and credit the time the
    move stands for to the learner's local day. The previous position is read with a row lock
    (PostgreSQL) so two saves of one lesson at once do not both count the same stretch."""
    now = now or utcnow()
    previous = session.get(LessonPosition, (user_id, lesson_id), with_for_update=True)
    before = (previous.position_seconds, previous.updated_at) if previous else (None, None)
    saved = playback.save_position(session, user_id, course_id, lesson_id, seconds)
    # The next save measures its wall-clock time from this one, moved or not.
    session.get(LessonPosition, (user_id, lesson_id)).updated_at = now
    credit = credit_for(before[0], before[1], saved.position_seconds, now)
    if credit:
        add_time(session, user_id, course_id, credit, now, user_zone(session, user_id, site_zone))
    return Credited(saved, credit)


def course_seconds(session: Session, user_id: int, course_id: int) -> int:
    """All the learning time a learner spent in a course."""
    return int(
        session.scalar(
            select(func.coalesce(func.sum(LearningDay.seconds), 0)).where(
                LearningDay.user_id == user_id, LearningDay.course_id == course_id
            )
        )
    )


def seconds_in(
    session: Session,
    user_id: int,
    course_ids: Collection[int] | None,
    start: date,
    end: date,
) -> int:
    """A learner's learning time from local day `start` to `end` (both included), in the
    given courses or (None) in any."""
    query = select(func.coalesce(func.sum(LearningDay.seconds), 0)).where(
        LearningDay.user_id == user_id, LearningDay.day >= start, LearningDay.day <= end
    )
    if course_ids is not None:
        if not course_ids:
            return 0
        query = query.where(LearningDay.course_id.in_(list(course_ids)))
    return int(session.scalar(query))


def last_activity(session: Session, user_ids: Collection[int]) -> dict[int, datetime]:
    """When each learner last did something: the latest lesson position saved or activity
    event (learners with neither are left out)."""
    ids = sorted(set(user_ids))
    latest: dict[int, datetime] = {}
    for i in range(0, len(ids), _BATCH):
        chunk = ids[i : i + _BATCH]
        for column, user in (
            (LessonPosition.updated_at, LessonPosition.user_id),
            (Event.created_at, Event.user_id),
        ):
            rows = session.execute(
                select(user, func.max(column)).where(user.in_(chunk)).group_by(user)
            )
            for user_id, moment in rows:
                if moment is None:
                    continue
                if isinstance(moment, str):  # pragma: no cover - SQLite aggregate of a string
                    moment = datetime.fromisoformat(moment)
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=ZoneInfo("UTC"))
                if user_id not in latest or moment > latest[user_id]:
                    latest[user_id] = moment
    return latest
