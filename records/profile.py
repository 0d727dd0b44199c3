"""A learner's own profile: learning time per day and week, areas and subjects, courses,
notes, the streak, the weekly goal, and the reminder job for goals going behind
(docs/records.md "Learning time and the profile")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from catalogue.errors import Collector
from catalogue.models import Course, Note, User, utcnow
from catalogue.services import engagement
from catalogue.services import notifications as notification_service
from records.learning_time import SITE_ZONE, add_time, local_day, zone_of
from records.models.learning_time import LearningDay, LearningGoal

DAYS = 30
WEEKS = 12
# The streak looks back at most this far (one indexed range of the learner's rows).
STREAK_DAYS = 400
MIN_GOAL_MINUTES = 10
MAX_GOAL_MINUTES = 6000
TOP_SUBJECTS = 12
# Reminders start on the learner's Thursday: earlier, a slow start is no sign of a lost week.
REMIND_FROM_WEEKDAY = 3


def week_start(day: date) -> date:
    """The Monday of a day's week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Period:
    """Learning time in one day or one week (starting that Monday)."""

    start: date
    seconds: int

    @property
    def minutes(self) -> int:
        """Whole minutes (what the charts and tables show)."""
        return self.seconds // 60


@dataclass(frozen=True)
class Share:
    """Learning time in one area or subject."""

    name: str
    seconds: int


@dataclass(frozen=True)
class Streak:
    """Consecutive days with learning: ending today (or yesterday, today not over yet), and
    the longest in the period looked at."""

    current: int
    longest: int
    learned_today: bool


@dataclass(frozen=True)
class GoalProgress:
    """The learner's weekly target and this week's progress."""

    weekly_minutes: int
    reminders: bool
    week_start: date
    done_seconds: int

    @property
    def done_minutes(self) -> int:
        """Minutes learned this week."""
        return self.done_seconds // 60

    @property
    def fraction(self) -> float:
        """Share of the target reached (0–1)."""
        return min(1.0, self.done_seconds / (self.weekly_minutes * 60))

    @property
    def reached(self) -> bool:
        """Whether this week's target is met."""
        return self.done_seconds >= self.weekly_minutes * 60


@dataclass(frozen=True)
class Profile:
    """Everything the profile page shows about the learner."""

    today: date
    days: list[Period]
    weeks: list[Period]
    total_seconds: int
    areas: list[Share]
    subjects: list[Share]
    in_progress: list[engagement.LearningEntry]
    completed: list[engagement.LearningEntry]
    notes: int
    streak: Streak
    goal: GoalProgress | None
    courses_with_time: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def streak_of(days: set[date], today: date) -> Streak:
    """The streak of a set of days with learning, as of `today`."""
    learned_today = today in days
    current = 0
    cursor = today if learned_today else today - timedelta(days=1)
    while cursor in days:
        current += 1
        cursor -= timedelta(days=1)
    longest, run, previous = 0, 0, None
    for day in sorted(days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    return Streak(current, longest, learned_today)


def _per_day(session: Session, user_id: int, start: date, end: date) -> dict[date, int]:
    rows = session.execute(
        select(LearningDay.day, func.sum(LearningDay.seconds))
        .where(LearningDay.user_id == user_id, LearningDay.day >= start, LearningDay.day <= end)
        .group_by(LearningDay.day)
    )
    return {day: int(seconds or 0) for day, seconds in rows}


def _goal(session: Session, user_id: int, today: date, per_day: dict[date, int] | None = None):
    goal = session.get(LearningGoal, user_id)
    if goal is None:
        return None
    monday = week_start(today)
    if per_day is None:
        per_day = _per_day(session, user_id, monday, today)
    done = sum(s for d, s in per_day.items() if monday <= d <= today)
    return GoalProgress(goal.weekly_minutes, goal.reminders, monday, done)


def profile(session: Session, user_id: int, zone: ZoneInfo, now: datetime | None = None) -> Profile:
    """The learner's profile as of `now` in their zone (a handful of queries, each on the
    learner's own rows through the primary key or an index)."""
    today = local_day(now or utcnow(), zone)
    first_week = week_start(today) - timedelta(weeks=WEEKS - 1)
    per_day = _per_day(session, user_id, min(first_week, today - timedelta(days=DAYS - 1)), today)
    days = [
        Period(day, per_day.get(day, 0))
        for day in (today - timedelta(days=i) for i in range(DAYS - 1, -1, -1))
    ]
    weekly: dict[date, int] = defaultdict(int)
    for day, seconds in per_day.items():
        weekly[week_start(day)] += seconds
    weeks = [
        Period(monday, weekly.get(monday, 0))
        for monday in (first_week + timedelta(weeks=i) for i in range(WEEKS))
    ]
    per_course = dict(
        session.execute(
            select(LearningDay.course_id, func.sum(LearningDay.seconds))
            .where(LearningDay.user_id == user_id)
            .group_by(LearningDay.course_id)
        ).all()
    )
    described = session.execute(
        select(Course.id, Course.area, Course.subjects).where(Course.id.in_(list(per_course)))
    ).all()
    areas: dict[str, int] = defaultdict(int)
    subjects: dict[str, int] = defaultdict(int)
    total = 0
    for course_id, area, course_subjects in described:
        seconds = int(per_course[course_id] or 0)
        total += seconds
        areas[str(area.value if hasattr(area, "value") else area)] += seconds
        for subject in course_subjects or []:
            subjects[subject] += seconds
    learned = set(
        session.scalars(
            select(LearningDay.day)
            .where(
                LearningDay.user_id == user_id,
                LearningDay.day >= today - timedelta(days=STREAK_DAYS),
                LearningDay.day <= today,
                LearningDay.seconds > 0,
            )
            .distinct()
        )
    )
    lists = engagement.my_learning(session, user_id)
    notes = session.scalar(select(func.count()).select_from(Note).where(Note.user_id == user_id))
    return Profile(
        today=today,
        days=days,
        weeks=weeks,
        total_seconds=total,
        areas=[Share(a, s) for a, s in sorted(areas.items(), key=lambda i: (-i[1], i[0]))],
        subjects=[Share(n, s) for n, s in sorted(subjects.items(), key=lambda i: (-i[1], i[0]))][
            :TOP_SUBJECTS
        ],
        in_progress=lists.in_progress,
        completed=lists.completed,
        notes=int(notes or 0),
        streak=streak_of(learned, today),
        goal=_goal(session, user_id, today, per_day),
        courses_with_time=len(per_course),
    )


def goal_progress(
    session: Session, user_id: int, zone: ZoneInfo, now: datetime | None = None
) -> GoalProgress | None:
    """The learner's goal and this week's progress (None without a goal)."""
    return _goal(session, user_id, local_day(now or utcnow(), zone))


def parse_hours(errors: Collector, value: object) -> int | None:
    """A weekly target typed in hours ("3", "1.5", "2,5") as whole minutes."""
    text = str(value or "").strip().replace(",", ".").replace("，", ".")
    if not text:
        errors.add("hours", "REQUIRED", "hours per week is required")
        return None
    try:
        hours = Decimal(text)
    except InvalidOperation:
        errors.add("hours", "NOT_A_NUMBER", "hours per week must be a number")
        return None
    if not hours.is_finite():
        errors.add("hours", "NOT_A_NUMBER", "hours per week must be a number")
        return None
    minutes = int((hours * 60).to_integral_value())
    if not MIN_GOAL_MINUTES <= minutes <= MAX_GOAL_MINUTES:
        errors.add(
            "hours",
            "OUT_OF_RANGE",
            f"hours per week must be between {MIN_GOAL_MINUTES / 60:g} and "
            f"{MAX_GOAL_MINUTES // 60}",
        )
        return None
    return minutes


def set_goal(session: Session, user_id: int, hours: object, reminders: bool) -> LearningGoal:
    """Set (or change) the learner's weekly target in hours, and whether to remind them;
    raises ValidationError for a target that is not a number of hours in range."""
    errors = Collector()
    minutes = parse_hours(errors, hours)
    errors.raise_if_any()
    goal = session.get(LearningGoal, user_id)
    if goal is None:
        goal = LearningGoal(user_id=user_id, weekly_minutes=minutes, reminders=reminders)
        session.add(goal)
    else:
        goal.weekly_minutes = minutes
        goal.reminders = reminders
    session.flush()
    return goal


def set_reminders(session: Session, user_id: int, on: bool) -> bool:
    """Turn the goal's reminders on or off; False when the learner has no goal."""
    goal = session.get(LearningGoal, user_id)
    if goal is None:
        return False
    goal.reminders = on
    return True


def clear_goal(session: Session, user_id: int) -> bool:
    """Remove the learner's goal (and with it the reminders); whether there was one."""
    goal = session.get(LearningGoal, user_id)
    if goal is None:
        return False
    session.delete(goal)
    session.flush()
    return True


def is_behind(goal: GoalProgress, today: date) -> bool:
    """Whether the week is going behind: from Thursday on, less learned than the target's
    share of the days already over (Thursday: 3/7 of it)."""
    if goal.reached or today.weekday() < REMIND_FROM_WEEKDAY:
        return False
    expected = goal.weekly_minutes * 60 * today.weekday() / 7
    return goal.done_seconds < expected


def send_goal_reminders(
    sessions: sessionmaker, now: datetime | None = None, site_zone: str = SITE_ZONE
) -> dict[str, int]:
    """The job: an in-site notification to each learner with reminders on whose week is going
    behind, at most once per week (the learner's local week). Returns its figures."""
    now = now or utcnow()
    checked = sent = 0
    after = 0
    while True:
        with sessions() as session:
            rows = session.execute(
                select(LearningGoal, User.time_zone)
                .join(User, User.id == LearningGoal.user_id)
                .where(
                    LearningGoal.reminders.is_(True),
                    LearningGoal.user_id > after,
                    User.is_active.is_(True),
                )
                .order_by(LearningGoal.user_id)
                .limit(500)
            ).all()
            if not rows:
                break
            for goal, time_zone in rows:
                after = goal.user_id
                checked += 1
                today = local_day(now, zone_of(time_zone, site_zone))
                monday = week_start(today)
                if goal.reminded_week == monday:
                    continue
                progress = _goal(session, goal.user_id, today)
                if progress is None or not is_behind(progress, today):
                    continue
                notification_service.notify(
                    session,
                    goal.user_id,
                    notification_service.GOAL_BEHIND,
                    done_minutes=progress.done_minutes,
                    weekly_minutes=progress.weekly_minutes,
                )
                goal.reminded_week = monday
                sent += 1
            session.commit()
    return {"checked": checked, "sent": sent}


def seed_learning(
    session: Session,
    user_ids: list[int],
    course_ids: list[int],
    *,
    days: int = 45,
    site_zone: str = SITE_ZONE,
    now: datetime | None = None,
) -> None:
    """Give demo learners some learning days over the last `days` days in the demo courses
    and a 3-hour weekly goal (idempotent: learners who already have learning time or a goal
    are left as they are)."""
    now = now or utcnow()
    if not course_ids:
        return
    for index, user_id in enumerate(user_ids):
        if session.get(LearningGoal, user_id) is None:
            session.add(LearningGoal(user_id=user_id, weekly_minutes=180, reminders=True))
        has_time = session.scalar(
            select(func.count()).select_from(LearningDay).where(LearningDay.user_id == user_id)
        )
        if has_time:
            continue
        zone = zone_of(session.scalar(select(User.time_zone).where(User.id == user_id)), site_zone)
        for back in range(days):
            # A steady pattern with gaps: most days, a few skipped, the last week every day.
            if back > 6 and (back * 7 + index) % 5 == 0:
                continue
            minutes = 10 + (back * 13 + index * 7) % 40
            course_id = course_ids[(back // 3 + index) % len(course_ids)]
            end = now - timedelta(days=back)
            end = datetime.combine(local_day(end, zone), datetime.min.time(), tzinfo=zone)
            add_time(session, user_id, course_id, minutes * 60, end + timedelta(hours=20), zone)
    session.flush()


DEMO_EMAIL = "profile-demo@example.org"


def seed_demo(
    session: Session,
    learner_email: str | None = None,
    password: str | None = None,
    *,
    site_zone: str = SITE_ZONE,
    now: datetime | None = None,
) -> int | None:
    """Make the profile visible on the demo site: the learner `learner_email` (else a demo
    learner profile-demo@example.org, with `password` or a random one) gets 45 days of learning
    in the first three published courses with lessons, those courses started, and a 3-hour
    weekly goal. Idempotent; returns the learner's id (None without published courses)."""
    import secrets

    from catalogue.models import CourseStatus, EventKind, Lesson
    from catalogue.services.activity import record_event
    from catalogue.services.engagement import has_started
    from catalogue.services.users import register_user

    courses = list(
        session.scalars(
            select(Course.id)
            .where(
                Course.status == CourseStatus.PUBLISHED,
                select(Lesson.id).where(Lesson.course_id == Course.id).exists(),
            )
            .order_by(Course.id)
            .limit(3)
        )
    )
    if not courses:
        return None
    email = learner_email or DEMO_EMAIL
    user_id = session.scalar(select(User.id).where(User.email == email))
    if user_id is None:
        user_id = register_user(
            session, email, password or secrets.token_urlsafe(16), "档案示例学员"
        ).id
    for course_id in courses:
        if not has_started(session, user_id, course_id):
            record_event(session, user_id, course_id, EventKind.START)
    seed_learning(session, [user_id], courses, site_zone=site_zone, now=now)
    return user_id
