"""The mails the jobs worker queues on its own: the daily notification digest and learning
reminders (docs/mail.md).

Both walk the accounts in batches in id order (a million learners: a few queries per batch,
never one per account over the whole table), and both are safe to run twice at once: an
account's notifications (digest) or the account itself (reminders) is claimed by one
conditional UPDATE … RETURNING in the transaction that queues the mail, and only what the
UPDATE returned is mailed. A second run's UPDATE waits for the first to commit and then finds
nothing left to claim (PostgreSQL re-checks the condition on the updated row; SQLite runs one
writer at a time). Reads happen before, outside the claiming transaction, so SQLite's writer
never has to upgrade a read snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from catalogue import mail_texts
from catalogue.models import (
    Course,
    CourseStatus,
    Event,
    EventKind,
    LessonPosition,
    Notification,
    User,
    utcnow,
)
from catalogue.services.mail import queue_mail
from catalogue.services.mail_links import MailLinks

# (language) → gettext function, e.g. functools.partial(mail_texts.translator, folder).
Translators = Callable[[str], mail_texts.Translate]

BATCH = 500
# Notifications older than this are not mailed any more: the digest tells what is new.
DIGEST_MAX_AGE = timedelta(days=7)

REMINDER_PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
# A run may start a little earlier than the one a period before: the cron time is the same.
REMINDER_SLACK = timedelta(hours=1)
# A started course untouched for this long is worth a reminder ...
REMINDER_IDLE = timedelta(days=3)
# ... unless it was left longer ago than this: the learner has moved on.
REMINDER_HORIZON = timedelta(days=60)
REMINDER_COURSES = 3


def _mailable():
    """Accounts that may get these mails: active, with a confirmed address."""
    return and_(User.is_active.is_(True), User.email_verified_at.is_not(None))


def send_digests(
    sessions: sessionmaker[Session],
    links: MailLinks,
    translators: Translators,
    *,
    now: datetime | None = None,
    batch: int = BATCH,
) -> dict[str, Any]:
    """Queue one digest mail to every account with the digest on that has unread
    notifications not mailed before (younger than DIGEST_MAX_AGE), and mark them mailed."""
    now = now or utcnow()
    since = now - DIGEST_MAX_AGE
    waiting = and_(
        Notification.read_at.is_(None),
        Notification.mailed_at.is_(None),
        Notification.created_at >= since,
    )
    figures = {"mails": 0, "notifications": 0}
    after = 0
    while True:
        with sessions() as session:
            ids = list(
                session.scalars(
                    select(Notification.user_id)
                    .join(User, User.id == Notification.user_id)
                    .where(waiting, User.digest_mail.is_(True), _mailable())
                    .where(Notification.user_id > after)
                    .group_by(Notification.user_id)
                    .order_by(Notification.user_id)
                    .limit(batch)
                )
            )
        if not ids:
            return figures
        after = ids[-1]
        with sessions() as session:
            wanted = select(User.id).where(
                User.id.in_(ids), User.digest_mail.is_(True), _mailable()
            )
            claimed = session.execute(
                update(Notification)
                .where(waiting, Notification.user_id.in_(wanted))
                .values(mailed_at=now)
                .returning(Notification.id, Notification.user_id)
                .execution_options(synchronize_session=False)
            ).all()
            if claimed:
                sent = _queue_digests(session, [row.id for row in claimed], links, translators)
                figures["mails"] += sent
                figures["notifications"] += len(claimed)
            session.commit()
        if len(ids) < batch:
            return figures


def _queue_digests(
    session: Session, notification_ids: list[int], links: MailLinks, translators: Translators
) -> int:
    items: dict[int, list[mail_texts.DigestItem]] = defaultdict(list)
    rows = session.execute(
        select(Notification.id, Notification.user_id, Notification.kind, Notification.data)
        .where(Notification.id.in_(notification_ids))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    for row in rows:
        items[row.user_id].append(mail_texts.DigestItem(row.id, row.kind, dict(row.data or {})))
    users = session.execute(
        select(User.id, User.email, User.display_name, User.preferred_language).where(
            User.id.in_(list(items))
        )
    )
    for user in users:
        text = mail_texts.digest_mail(
            translators(user.preferred_language), user.display_name, user.id, items[user.id], links
        )
        queue_mail(session, user.email, text.subject, text.body, "digest")
    return len(items)


def _reminder_due(now: datetime):
    """Accounts whose reminder period has passed since their last reminder."""
    return or_(
        *(
            and_(
                User.reminders == choice,
                or_(User.reminded_at.is_(None), User.reminded_at <= now - period + REMINDER_SLACK),
            )
            for choice, period in REMINDER_PERIODS.items()
        )
    )


def send_reminders(
    sessions: sessionmaker[Session],
    links: MailLinks,
    translators: Translators,
    *,
    now: datetime | None = None,
    batch: int = BATCH,
) -> dict[str, Any]:
    """Queue a reminder to every account that asked for them, is due (a day or a week since
    the last) and has started, unfinished published courses it has not touched for
    REMINDER_IDLE (nor left longer than REMINDER_HORIZON ago): up to REMINDER_COURSES of
    them, most recently touched first."""
    now = now or utcnow()
    figures = {"mails": 0, "courses": 0}
    after = 0
    while True:
        with sessions() as session:
            ids = list(
                session.scalars(
                    select(User.id)
                    .where(
                        User.reminders.in_(tuple(REMINDER_PERIODS)),
                        _reminder_due(now),
                        _mailable(),
                        User.id > after,
                    )
                    .order_by(User.id)
                    .limit(batch)
                )
            )
            if not ids:
                return figures
            after = ids[-1]
            courses = idle_courses(session, ids, now)
        if courses:
            with sessions() as session:
                claimed = session.execute(
                    update(User)
                    .where(User.id.in_(list(courses)), _reminder_due(now), _mailable())
                    .values(reminded_at=now)
                    .returning(
                        User.id,
                        User.email,
                        User.display_name,
                        User.preferred_language,
                        User.reminders,
                    )
                    .execution_options(synchronize_session=False)
                ).all()
                for user in claimed:
                    text = mail_texts.reminder_mail(
                        translators(user.preferred_language),
                        user.display_name,
                        user.id,
                        user.reminders,
                        courses[user.id],
                        links,
                    )
                    queue_mail(session, user.email, text.subject, text.body, "reminder")
                    figures["mails"] += 1
                    figures["courses"] += len(courses[user.id])
                session.commit()
        if len(ids) < batch:
            return figures


_JOURNEY = (EventKind.START, EventKind.PROGRESS, EventKind.COMPLETE, EventKind.VIEW)


def idle_courses(
    session: Session, user_ids: list[int], now: datetime
) -> dict[int, list[mail_texts.ReminderCourse]]:
    """For these accounts: the published courses each started and did not complete, last
    touched (an activity event, or a saved place in a lesson) between REMINDER_HORIZON and
    REMINDER_IDLE ago; up to REMINDER_COURSES each, most recently touched first. Accounts
    with none are left out. Two grouped queries for the whole batch."""
    kind = Event.kind
    touched: dict[tuple[int, int], datetime] = {}
    for user_id, course_id, last in session.execute(
        select(Event.user_id, Event.course_id, func.max(Event.created_at))
        .where(Event.user_id.in_(user_ids), kind.in_(_JOURNEY))
        .group_by(Event.user_id, Event.course_id)
        .having(
            func.sum(case((kind == EventKind.COMPLETE, 1), else_=0)) == 0,
            func.sum(case((kind.in_((EventKind.START, EventKind.PROGRESS)), 1), else_=0)) > 0,
        )
    ):
        touched[(user_id, course_id)] = last
    if not touched:
        return {}
    for user_id, course_id, last in session.execute(
        select(
            LessonPosition.user_id, LessonPosition.course_id, func.max(LessonPosition.updated_at)
        )
        .where(LessonPosition.user_id.in_(user_ids))
        .group_by(LessonPosition.user_id, LessonPosition.course_id)
    ):
        if (user_id, course_id) in touched and last is not None:
            touched[(user_id, course_id)] = max(touched[(user_id, course_id)], _aware(last))
    left = {
        key: _aware(last)
        for key, last in touched.items()
        if now - REMINDER_HORIZON <= _aware(last) <= now - REMINDER_IDLE
    }
    titles = dict(
        session.execute(
            select(Course.id, Course.title).where(
                Course.id.in_({course_id for _user, course_id in left}),
                Course.status == CourseStatus.PUBLISHED,
            )
        ).all()
    )
    found: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for (user_id, course_id), last in left.items():
        if course_id in titles:
            found[user_id].append((last, course_id))
    return {
        user_id: [
            mail_texts.ReminderCourse(course_id, titles[course_id])
            for _last, course_id in sorted(entries, reverse=True)[:REMINDER_COURSES]
        ]
        for user_id, entries in found.items()
    }


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
