"""Special events: an editor runs a thematic column as an event (a window, sign-up, a
participation threshold, a participation certificate); learners sign up on the column page and
their learning in the column's courses inside the window counts towards the threshold.

Progress is kept on the learner's sign-up row (`progress`, `participating_at`,
`certified_at`), counted for one learner when they look at the event, and for every
signed-up learner in one UPDATE by `count_progress` (the periodic and closing run). The counts
(signed up, participating, certified) are one grouped COUNT over an index of the sign-ups."""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from sqlalchemy import and_, case, distinct, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from catalogue.errors import Collector, Conflict, NotFound
from catalogue.models import ColumnCourse, ColumnStatus, Event, EventKind, ThematicColumn, utcnow
from catalogue.services.validation import text_field
from records.certificates import issue_event_certificate
from records.models.certificates import Certificate
from records.models.events import EventSignup, ParticipationRule, SpecialEvent
from records.signing import Signer

# A threshold above these is a typing slip, not an event (a year of lessons or of minutes).
MAX_THRESHOLD = {ParticipationRule.LESSONS: 1000, ParticipationRule.MINUTES: 100_000}
CERTIFICATE_BATCH = 500

# (session, user_id, event) -> the id of the participation certificate just issued.
EventCertificateIssuer = Callable[[Session, int, SpecialEvent], int]


def certificate_issuer(signer: Signer, base_url: str) -> EventCertificateIssuer:
    """Issues participation certificates as signed credentials (records.certificates)."""

    def issue(session: Session, user_id: int, event: SpecialEvent) -> int:
        return issue_event_certificate(
            session,
            user_id,
            event.id,
            event.certificate_title_zh,
            event.certificate_title_en,
            signer,
            base_url,
        ).id

    return issue


@dataclass(frozen=True)
class EventCounts:
    """How many learners signed up, took part (learnt something in the window), were certified."""

    signed_up: int = 0
    participating: int = 0
    certified: int = 0


@dataclass(frozen=True)
class LearnerStanding:
    """One learner's place in an event: signed up or not, progress towards the threshold."""

    signed_up: bool
    progress: int
    threshold: int
    certified: bool
    certificate_id: int | None
    certificate_code: str | None = None

    @property
    def reached(self) -> bool:
        """Whether the learner's progress reaches the threshold."""
        return self.progress >= self.threshold

    @property
    def percent(self) -> int:
        """Progress as a whole percentage of the threshold, at most 100."""
        return min(100, self.progress * 100 // self.threshold) if self.threshold else 100


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def state(event: SpecialEvent, now: datetime | None = None) -> str:
    """`upcoming`, `running` or `ended`: the window is [starts_at, ends_at)."""
    now = now or utcnow()
    if now < _aware(event.starts_at):
        return "upcoming"
    if now < _aware(event.ends_at):
        return "running"
    return "ended"


def can_sign_up(event: SpecialEvent, now: datetime | None = None) -> bool:
    """Sign-up is open and the event has not ended."""
    return event.signup_open and state(event, now) != "ended"


def minutes_rule_available() -> bool:
    """Whether the learning-time record (helper A's `learning_days`) is there to count minutes."""
    try:
        from records.models.learning_time import LearningDay  # noqa: F401
    except ImportError:
        return False
    return True


def event_for_column(session: Session, column_id: int) -> SpecialEvent | None:
    """The event run on a column, if any."""
    return session.scalar(select(SpecialEvent).where(SpecialEvent.column_id == column_id))


def get_event(session: Session, event_id: int) -> SpecialEvent:
    """An event by id; NotFound if there is none."""
    event = session.get(SpecialEvent, event_id)
    if event is None:
        raise NotFound(f"event {event_id} does not exist")
    return event


def save_event(
    session: Session,
    column_id: int,
    *,
    starts_at: datetime | None,
    ends_at: datetime | None,
    signup_open: bool,
    rule: ParticipationRule | str,
    threshold: int | None,
    certificate_title_zh: str | None,
    certificate_title_en: str | None,
    created_by_id: int | None = None,
) -> SpecialEvent:
    """Run a column as an event, or change its event (one event per column)."""
    column = session.get(ThematicColumn, column_id)
    if column is None:
        raise NotFound(f"column {column_id} does not exist")
    errors = Collector()
    try:
        chosen = ParticipationRule(rule)
    except ValueError:
        errors.add("rule", "BAD_RULE", "the rule is lessons or minutes")
        chosen = ParticipationRule.LESSONS
    if chosen == ParticipationRule.MINUTES and not minutes_rule_available():
        errors.add("rule", "RULE_UNAVAILABLE", "learning time is not recorded on this site")
    if starts_at is None:
        errors.add("starts_at", "REQUIRED", "the start is required")
    if ends_at is None:
        errors.add("ends_at", "REQUIRED", "the end is required")
    if starts_at and ends_at and _aware(ends_at) <= _aware(starts_at):
        errors.add("ends_at", "BAD_WINDOW", "the event must end after it starts")
    if threshold is None:
        errors.add("threshold", "REQUIRED", "the threshold is required")
    elif not 1 <= threshold <= MAX_THRESHOLD[chosen]:
        errors.add("threshold", "BAD_THRESHOLD", f"1 to {MAX_THRESHOLD[chosen]}")
    title_zh = text_field(
        errors, "certificate_title_zh", certificate_title_zh, max_len=200, required=True
    )
    title_en = text_field(
        errors, "certificate_title_en", certificate_title_en, max_len=200, required=True
    )
    errors.raise_if_any()
    event = event_for_column(session, column_id)
    if event is None:
        event = SpecialEvent(column_id=column_id, created_by_id=created_by_id)
        session.add(event)
    event.starts_at, event.ends_at = _aware(starts_at), _aware(ends_at)  # type: ignore[arg-type]
    event.signup_open, event.rule, event.threshold = signup_open, chosen, threshold
    event.certificate_title_zh, event.certificate_title_en = title_zh, title_en
    event.closed_at = None  # a changed window or threshold is counted again at the end
    session.flush()
    return event


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    return postgresql_insert if dialect == "postgresql" else sqlite_insert


def sign_up(session: Session, event_id: int, user_id: int, now: datetime | None = None) -> bool:
    """Sign the learner up (True), or nothing if they already are (False). Conflict with code
    SIGNUP_CLOSED when sign-up is closed or the event has ended; NotFound when the event's
    column is not published."""
    now = now or utcnow()
    event = get_event(session, event_id)
    column = session.get(ThematicColumn, event.column_id)
    if column is None or column.status != ColumnStatus.PUBLISHED:
        raise NotFound(f"event {event_id} is not available")
    if not can_sign_up(event, now):
        raise Conflict("sign-up for this event is closed", code="SIGNUP_CLOSED")
    # INSERT … ON CONFLICT DO NOTHING: a double click or two tabs at once is one sign-up.
    added = session.execute(
        _insert(session)(EventSignup.__table__)
        .values(event_id=event_id, user_id=user_id, signed_up_at=now, progress=0)
        .on_conflict_do_nothing()
        .returning(EventSignup.__table__.c.user_id)
    ).first()
    return added is not None


def course_ids(session: Session, event: SpecialEvent) -> list[int]:
    """The event's courses: the column's courses now, in order."""
    return list(
        session.scalars(
            select(ColumnCourse.course_id)
            .where(ColumnCourse.column_id == event.column_id)
            .order_by(ColumnCourse.position)
        )
    )


def local_days(event: SpecialEvent, zone: tzinfo) -> tuple[date, date]:
    """The first and last day of the event's window in the zone (both inclusive)."""
    first = _aware(event.starts_at).astimezone(zone).date()
    last = (_aware(event.ends_at) - timedelta(microseconds=1)).astimezone(zone).date()
    return first, last


def _progress_expr(event: SpecialEvent, courses: Collection[int], user_id, zone: tzinfo):
    """A scalar subquery: the learner's progress by the event's rule (lessons or seconds)."""
    if event.rule == ParticipationRule.MINUTES:
        from records.models.learning_time import LearningDay

        first, last = local_days(event, zone)
        return (
            select(func.coalesce(func.sum(LearningDay.seconds), 0))
            .where(
                LearningDay.user_id == user_id,
                LearningDay.course_id.in_(courses),
                LearningDay.day >= first,
                LearningDay.day <= last,
            )
            .scalar_subquery()
        )
    return (
        select(func.count(distinct(Event.lesson_id)))
        .where(
            Event.user_id == user_id,
            Event.course_id.in_(courses),
            Event.kind == EventKind.PROGRESS,
            Event.lesson_id.is_not(None),
            Event.created_at >= _aware(event.starts_at),
            Event.created_at < _aware(event.ends_at),
        )
        .scalar_subquery()
    )


def learner_progress(
    session: Session, event: SpecialEvent, user_id: int, zone: tzinfo = UTC
) -> int:
    """The learner's progress now: lessons finished, or seconds learnt, by the event's rule."""
    courses = course_ids(session, event)
    if not courses:
        return 0
    return int(session.scalar(select(_progress_expr(event, courses, user_id, zone))) or 0)


def threshold_units(event: SpecialEvent) -> int:
    """The threshold in the unit progress is kept in (lessons, or seconds for minutes)."""
    return event.threshold * 60 if event.rule == ParticipationRule.MINUTES else event.threshold


def _issue_due(
    session: Session,
    event: SpecialEvent,
    user_id: int,
    issue: EventCertificateIssuer,
    now: datetime,
) -> int | None:
    """Claim the learner's certificate (one UPDATE that only one request can win) and issue
    it; the caller commits both together."""
    claimed = session.execute(
        update(EventSignup)
        .where(
            EventSignup.event_id == event.id,
            EventSignup.user_id == user_id,
            EventSignup.certified_at.is_(None),
            EventSignup.progress >= threshold_units(event),
        )
        .values(certified_at=now)
        .returning(EventSignup.user_id)
        .execution_options(synchronize_session=False)
    ).first()
    if claimed is None:
        return None
    certificate_id = issue(session, user_id, event)
    session.execute(
        update(EventSignup)
        .where(EventSignup.event_id == event.id, EventSignup.user_id == user_id)
        .values(certificate_id=certificate_id)
        .execution_options(synchronize_session=False)
    )
    return certificate_id


def standing(
    session: Session,
    event: SpecialEvent,
    user_id: int,
    *,
    issue: EventCertificateIssuer | None = None,
    zone: tzinfo = UTC,
    now: datetime | None = None,
) -> LearnerStanding:
    """The learner's standing, counted afresh (their progress is stored on their sign-up); a
    certificate is issued when the threshold is reached and `issue` is given. The caller
    commits."""
    now = now or utcnow()
    signup = session.get(EventSignup, (event.id, user_id), populate_existing=True)
    if signup is None:
        return LearnerStanding(False, 0, threshold_units(event), False, None)
    progress = learner_progress(session, event, user_id, zone)
    written = signup.progress
    if progress == written and not (
        issue is not None and progress >= threshold_units(event) and signup.certified_at is None
    ):
        # Nothing changed and nothing is due: no write on a page view.
        return _standing_of(session, event, signup)
    session.execute(
        update(EventSignup)
        .where(EventSignup.event_id == event.id, EventSignup.user_id == user_id)
        .values(
            progress=progress,
            counted_at=now,
            participating_at=case(
                (and_(EventSignup.participating_at.is_(None), progress > 0), now),
                else_=EventSignup.participating_at,
            ),
        )
        .execution_options(synchronize_session=False)
    )
    if issue is not None and progress >= threshold_units(event):
        _issue_due(session, event, user_id, issue, now)
    session.refresh(signup)
    return _standing_of(session, event, signup)


def _standing_of(session: Session, event: SpecialEvent, signup: EventSignup) -> LearnerStanding:
    code = None
    if signup.certificate_id is not None:
        code = session.scalar(
            select(Certificate.code).where(Certificate.id == signup.certificate_id)
        )
    return LearnerStanding(
        True,
        signup.progress,
        threshold_units(event),
        signup.certified_at is not None,
        signup.certificate_id,
        code,
    )


def refresh_standing(
    session: Session,
    event: SpecialEvent,
    user_id: int,
    *,
    issue: EventCertificateIssuer | None = None,
    zone: tzinfo = UTC,
) -> LearnerStanding | None:
    """`standing`, committed; None when the database is too busy to count now (the page is
    shown without the learner's progress rather than failing)."""
    try:
        found = standing(session, event, user_id, issue=issue, zone=zone)
        session.commit()
    except OperationalError:
        session.rollback()
        return None
    return found


def count_progress(
    session: Session, event: SpecialEvent, *, zone: tzinfo = UTC, now: datetime | None = None
) -> int:
    """Count every signed-up learner's progress in one UPDATE (a correlated subquery per row,
    on the activity log's (user_id, created_at) index) that writes only the rows whose
    progress changed (so a periodic run does not rewrite a large event's table); returns the
    rows changed."""
    now = now or utcnow()
    courses = course_ids(session, event)
    if not courses:
        return 0
    progress = _progress_expr(event, courses, EventSignup.user_id, zone)
    result = session.execute(
        update(EventSignup)
        .where(EventSignup.event_id == event.id, EventSignup.progress != progress)
        .values(
            progress=progress,
            counted_at=now,
            participating_at=case(
                (and_(EventSignup.participating_at.is_(None), progress > 0), now),
                else_=EventSignup.participating_at,
            ),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def certify_reached(
    session: Session,
    event: SpecialEvent,
    issue: EventCertificateIssuer,
    *,
    now: datetime | None = None,
    batch: int = CERTIFICATE_BATCH,
    limit: int | None = None,
) -> int:
    """Issue the certificates due (counted progress at the threshold, none issued yet),
    committing every `batch`, at most `limit` in this run; returns how many were issued."""
    now = now or utcnow()
    issued = 0
    while limit is None or issued < limit:
        if limit is not None:
            batch = min(batch, limit - issued)
        due = list(
            session.scalars(
                select(EventSignup.user_id)
                .where(
                    EventSignup.event_id == event.id,
                    EventSignup.certified_at.is_(None),
                    EventSignup.progress >= threshold_units(event),
                )
                .order_by(EventSignup.user_id)
                .limit(batch)
            )
        )
        if not due:
            return issued
        for user_id in due:
            if _issue_due(session, event, user_id, issue, now) is not None:
                issued += 1
        session.commit()
    return issued


def run_events(
    session: Session,
    issue: EventCertificateIssuer | None,
    *,
    zone: tzinfo = UTC,
    now: datetime | None = None,
) -> dict[str, int]:
    """The periodic run: count progress of running events and of ended events not closed yet,
    issue the certificates due, and close ended events. Returns figures."""
    now = now or utcnow()
    figures = {"changed": 0, "certified": 0, "closed": 0}
    events = session.scalars(
        select(SpecialEvent).where(SpecialEvent.starts_at <= now, SpecialEvent.closed_at.is_(None))
    ).all()
    for event in events:
        figures["changed"] += count_progress(session, event, zone=zone, now=now)
        session.commit()
        if issue is not None:
            figures["certified"] += certify_reached(session, event, issue, now=now)
        if state(event, now) == "ended" and issue is not None:
            event.closed_at = now
            figures["closed"] += 1
        session.commit()
    return figures


def counts(session: Session, event_ids: Collection[int]) -> dict[int, EventCounts]:
    """Signed up, participating and certified for each event: one grouped COUNT that reads
    only the (event_id, participating_at, certified_at) index."""
    if not event_ids:
        return {}
    rows = session.execute(
        select(
            EventSignup.event_id,
            func.count(),
            func.count(EventSignup.participating_at),
            func.count(EventSignup.certified_at),
        )
        .where(EventSignup.event_id.in_(list(event_ids)))
        .group_by(EventSignup.event_id)
    ).all()
    found = {eid: EventCounts(int(a), int(b), int(c)) for eid, a, b, c in rows}
    return {eid: found.get(eid, EventCounts()) for eid in event_ids}


def list_events(session: Session) -> list[tuple[SpecialEvent, ThematicColumn, EventCounts]]:
    """Every event with its column and counts, the latest start first (for editors)."""
    rows = session.execute(
        select(SpecialEvent, ThematicColumn)
        .join(ThematicColumn, ThematicColumn.id == SpecialEvent.column_id)
        .order_by(SpecialEvent.starts_at.desc(), SpecialEvent.id.desc())
    ).all()
    numbers = counts(session, [event.id for event, _column in rows])
    return [(event, column, numbers[event.id]) for event, column in rows]


def seed_demo(session: Session, *, now: datetime | None = None) -> SpecialEvent | None:
    """A demo event on the first published demo column, running now (a week back to three
    weeks ahead), with a few demo learners signed up; nothing if there is no column or the
    column already runs an event. The caller commits."""
    from catalogue.models import User

    now = now or utcnow()
    column = session.scalar(
        select(ThematicColumn)
        .where(ThematicColumn.status == ColumnStatus.PUBLISHED)
        .order_by(ThematicColumn.id)
        .limit(1)
    )
    if column is None or event_for_column(session, column.id) is not None:
        return None
    event = save_event(
        session,
        column.id,
        starts_at=now - timedelta(days=7),
        ends_at=now + timedelta(days=21),
        signup_open=True,
        rule=ParticipationRule.LESSONS,
        threshold=3,
        certificate_title_zh=f"{column.title} · 参与证书",
        certificate_title_en=f"{column.title} · certificate of participation",
    )
    learners = list(
        session.scalars(select(User.id).where(User.role == "learner").order_by(User.id).limit(40))
    )
    rng = random.Random(16)
    for user_id in rng.sample(learners, min(len(learners), 25)):
        session.execute(
            _insert(session)(EventSignup.__table__)
            .values(event_id=event.id, user_id=user_id, signed_up_at=now, progress=0)
            .on_conflict_do_nothing()
        )
    count_progress(session, event, now=now)
    return event
