"""The support console's side of the desk: the queue, claiming, replying, transferring,
resolving, saved replies, and labelling questions for the matcher."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from assistant.clusters import Cluster, cluster_questions, trend
from assistant.desk import DeskError, _add
from assistant.models import (
    Author,
    Conversation,
    ConversationStatus,
    Message,
    Outcome,
    Question,
    SavedReply,
    StaffArticle,
)
from catalogue.mail_texts import DESK_REPLY
from catalogue.models import Role, User
from catalogue.models.base import utcnow
from catalogue.services.mail import queue_mail
from catalogue.services.notifications import notify

STAFF_ROLES = (Role.SUPPORT, Role.ADMIN)
MAX_REPLY = 5000
# A learner who has not looked at the conversation for this long has left: a reply is also
# sent as a notification and a mail.
AWAY_AFTER = timedelta(minutes=2)
QUEUE_PAGE = 100


@dataclass(frozen=True)
class QueueItem:
    """One handed-over conversation in the queue, with what staff need to pick it."""

    conversation: Conversation
    learner: User | None
    assignee: User | None
    first_question: str | None
    messages: int


def queue(
    session: Session, staff_id: int, mine_only: bool = False, limit: int = QUEUE_PAGE
) -> list[QueueItem]:
    """Waiting conversations (oldest hand-off first) and those claimed, the caller's first."""
    query = select(Conversation).where(
        Conversation.status.in_((ConversationStatus.WAITING, ConversationStatus.CLAIMED))
    )
    if mine_only:
        query = query.where(Conversation.assigned_to == staff_id)
    rows = list(
        session.scalars(query.order_by(Conversation.handed_off_at, Conversation.id).limit(limit))
    )
    return _items(session, rows)


def resolved_recently(session: Session, limit: int = 50) -> list[QueueItem]:
    """The most recently resolved conversations."""
    rows = session.scalars(
        select(Conversation)
        .where(Conversation.status == ConversationStatus.RESOLVED)
        .order_by(Conversation.resolved_at.desc(), Conversation.id.desc())
        .limit(limit)
    ).all()
    return _items(session, list(rows))


def conversation_detail(session: Session, conversation_pk: int) -> tuple[QueueItem, list[Message]]:
    """A conversation for staff: its context and every message."""
    conversation = _get(session, conversation_pk)
    messages = list(
        session.scalars(
            select(Message).where(Message.conversation_id == conversation.id).order_by(Message.id)
        )
    )
    return _items(session, [conversation])[0], messages


def claim(
    session: Session, conversation_pk: int, staff_id: int, now: datetime | None = None
) -> Conversation:
    """Take a waiting conversation; two people claiming at once: one gets it, the other is told."""
    now = now or utcnow()
    _staff(session, staff_id)
    taken = session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation_pk,
            or_(
                Conversation.status == ConversationStatus.WAITING,
                Conversation.assigned_to == staff_id,
            ),
            Conversation.status != ConversationStatus.RESOLVED,
        )
        .values(status=ConversationStatus.CLAIMED, assigned_to=staff_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    conversation = _get(session, conversation_pk)
    if not taken:
        session.rollback()
        raise DeskError("ALREADY_CLAIMED", "这个对话已由其他同事接手 / Someone else has it", 409)
    session.refresh(conversation)
    session.commit()
    return conversation


def reply(
    session: Session,
    conversation_pk: int,
    staff_id: int,
    text: str,
    now: datetime | None = None,
) -> Message:
    """A person's reply; if the learner has left, they also get a notification and a mail."""
    now = now or utcnow()
    text = (text or "").strip()
    if not text:
        raise DeskError("EMPTY_REPLY", "回复不能为空 / A reply cannot be empty")
    if len(text) > MAX_REPLY:
        raise DeskError(
            "REPLY_TOO_LONG", f"回复最多 {MAX_REPLY} 字 / At most {MAX_REPLY} characters"
        )
    conversation = _get(session, conversation_pk)
    staff = _staff(session, staff_id)
    if conversation.status == ConversationStatus.WAITING:
        conversation = claim(session, conversation_pk, staff_id, now)
    if conversation.assigned_to != staff_id:
        raise DeskError("NOT_YOURS", "请先接手这个对话 / Claim the conversation first", 409)
    if conversation.status != ConversationStatus.CLAIMED:
        raise DeskError("NOT_OPEN", "这个对话已结束 / This conversation is closed", 409)
    message = _add(session, conversation, Author.STAFF, text, now=now, staff_id=staff.id)
    if conversation.first_reply_at is None:
        conversation.first_reply_at = now
    away = conversation.learner_seen_at is None or now - conversation.learner_seen_at > AWAY_AFTER
    if away:
        _tell_learner(session, conversation, text)
    session.commit()
    return message


def transfer(
    session: Session, conversation_pk: int, staff_id: int, to_staff_id: int
) -> Conversation:
    """Hand a claimed conversation to another member of staff."""
    conversation = _get(session, conversation_pk)
    _staff(session, staff_id)
    target = _staff(session, to_staff_id)
    if conversation.status == ConversationStatus.RESOLVED:
        raise DeskError("NOT_OPEN", "这个对话已结束 / This conversation is closed", 409)
    conversation.status = ConversationStatus.CLAIMED
    conversation.assigned_to = target.id
    _add(session, conversation, Author.SYSTEM, "transferred")
    session.commit()
    return conversation


def release(session: Session, conversation_pk: int, staff_id: int) -> Conversation:
    """Put a claimed conversation back in the queue."""
    conversation = _get(session, conversation_pk)
    if conversation.assigned_to != staff_id or conversation.status != ConversationStatus.CLAIMED:
        raise DeskError("NOT_YOURS", "只能放回自己接手的对话 / Only your own", 409)
    conversation.status = ConversationStatus.WAITING
    conversation.assigned_to = None
    session.commit()
    return conversation


def resolve(
    session: Session, conversation_pk: int, staff_id: int, now: datetime | None = None
) -> Conversation:
    """Close a conversation; its learner may then rate it."""
    now = now or utcnow()
    conversation = _get(session, conversation_pk)
    _staff(session, staff_id)
    if conversation.status == ConversationStatus.RESOLVED:
        return conversation
    conversation.status = ConversationStatus.RESOLVED
    conversation.resolved_at = now
    conversation.assigned_to = conversation.assigned_to or staff_id
    _add(session, conversation, Author.SYSTEM, "resolved", now=now)
    session.commit()
    return conversation


def saved_replies(session: Session) -> list[SavedReply]:
    """Every saved reply, by title."""
    return list(session.scalars(select(SavedReply).order_by(SavedReply.title, SavedReply.id)))


def save_reply(
    session: Session, staff_id: int, title: str, text: str, language: str = "zh"
) -> SavedReply:
    """Keep a reply for reuse."""
    title, text = (title or "").strip(), (text or "").strip()
    if not title or not text:
        raise DeskError("EMPTY_SAVED_REPLY", "标题和内容都要填写 / Title and text are required")
    if len(title) > 120 or len(text) > MAX_REPLY:
        raise DeskError("SAVED_REPLY_TOO_LONG", "标题或内容太长 / Title or text too long")
    saved = SavedReply(
        title=title, text=text, language="en" if language == "en" else "zh", created_by=staff_id
    )
    session.add(saved)
    session.commit()
    return saved


def delete_saved_reply(session: Session, saved_id: int) -> None:
    """Remove a saved reply (gone already: nothing to do)."""
    saved = session.get(SavedReply, saved_id)
    if saved is not None:
        session.delete(saved)
        session.commit()


def label_question(
    session: Session, question_id: int, staff_id: int, label: str | None, known: set[str]
) -> Question:
    """Attach a question of the problem database to an article (or a special label), as
    training data for the matcher; None removes the label."""
    question = session.get(Question, question_id)
    if question is None:
        raise DeskError("UNKNOWN_QUESTION", "找不到这个问题 / No such question", 404)
    if label is not None and label not in known:
        raise DeskError("UNKNOWN_LABEL", "没有这篇帮助文章 / No such help article")
    question.label = label
    question.labelled_by = staff_id if label else None
    session.commit()
    return question


def recent_questions(
    session: Session, limit: int = 200, unlabelled_only: bool = False
) -> list[Question]:
    """The newest questions of the problem database (redacted)."""
    query = select(Question)
    if unlabelled_only:
        query = query.where(Question.label.is_(None))
    return list(session.scalars(query.order_by(Question.id.desc()).limit(limit)))


def labelled_questions(session: Session) -> list[tuple[str, str, str]]:
    """(text, label, language) of every staff-labelled question: training data."""
    rows = session.execute(
        select(Question.text, Question.label, Question.language)
        .where(Question.label.is_not(None))
        .order_by(Question.id)
    )
    return [(text, label, language) for text, label, language in rows]


def desk_figures(session: Session, since: datetime) -> dict[str, Any]:
    """Questions, answers, hand-offs and satisfaction since a time."""
    counts = dict(
        session.execute(
            select(Question.outcome, func.count())
            .where(Question.created_at >= since)
            .group_by(Question.outcome)
        ).all()
    )
    rated = session.execute(
        select(func.count(), func.avg(Conversation.rating)).where(
            Conversation.rating.is_not(None), Conversation.resolved_at >= since
        )
    ).one()
    waiting = session.scalar(
        select(func.count())
        .select_from(Conversation)
        .where(Conversation.status == ConversationStatus.WAITING)
    )
    total = sum(counts.values())
    return {
        "questions": total,
        "answered": counts.get(Outcome.ANSWERED, 0) + counts.get(Outcome.COURSES, 0),
        "handed_off": counts.get(Outcome.HANDED_OFF, 0),
        "not_helpful": counts.get(Outcome.NOT_HELPFUL, 0),
        "ratings": int(rated[0] or 0),
        "satisfaction": round(float(rated[1]), 2) if rated[1] is not None else None,
        "waiting": int(waiting or 0),
    }


def staff_members(session: Session) -> list[User]:
    """Everyone who may answer (support staff and admins)."""
    return list(
        session.scalars(
            select(User)
            .where(User.role.in_(STAFF_ROLES), User.is_active.is_(True))
            .order_by(User.display_name, User.id)
        )
    )


def _items(session: Session, conversations: list[Conversation]) -> list[QueueItem]:
    """Queue items of several conversations in four queries, whatever their number."""
    ids = [c.id for c in conversations]
    if not ids:
        return []
    firsts = (
        select(Message.conversation_id, func.min(Message.id).label("first_id"))
        .where(Message.conversation_id.in_(ids), Message.author == Author.LEARNER)
        .group_by(Message.conversation_id)
        .subquery()
    )
    first_text = dict(
        session.execute(
            select(firsts.c.conversation_id, Message.text).join(
                Message, Message.id == firsts.c.first_id
            )
        ).all()
    )
    counts = dict(
        session.execute(
            select(Message.conversation_id, func.count())
            .where(Message.conversation_id.in_(ids))
            .group_by(Message.conversation_id)
        ).all()
    )
    people = {c.user_id for c in conversations} | {c.assigned_to for c in conversations}
    people.discard(None)
    users = (
        {u.id: u for u in session.scalars(select(User).where(User.id.in_(people)))}
        if people
        else {}
    )
    return [
        QueueItem(
            c,
            users.get(c.user_id) if c.user_id else None,
            users.get(c.assigned_to) if c.assigned_to else None,
            first_text.get(c.id),
            int(counts.get(c.id, 0)),
        )
        for c in conversations
    ]


def _get(session: Session, conversation_pk: int) -> Conversation:
    conversation = session.get(Conversation, conversation_pk)
    if conversation is None:
        raise DeskError("UNKNOWN_CONVERSATION", "找不到这个对话 / No such conversation", 404)
    return conversation


def _staff(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.role not in STAFF_ROLES or not user.is_active:
        raise DeskError("NOT_STAFF", "只有客服人员可以处理 / Support staff only", 403)
    return user


def _tell_learner(session: Session, conversation: Conversation, text: str) -> None:
    excerpt = text if len(text) <= 120 else text[:119] + "…"
    zh = conversation.language != "en"
    subject = "客服回复了您的问题" if zh else "Support replied to your question"
    body = (
        f"您好！客服回复了您的问题：\n\n{excerpt}\n\n请打开网站的“帮助”查看完整对话。"
        if zh
        else f"Hello! Support replied to your question:\n\n{excerpt}\n\n"
        "Open Help on the site to read the whole conversation."
    )
    if conversation.user_id is not None:
        notify(
            session,
            conversation.user_id,
            DESK_REPLY,
            conversation=conversation.public_id,
            excerpt=excerpt,
        )
        learner = session.get(User, conversation.user_id)
        if learner is not None and learner.is_active:
            queue_mail(session, learner.email, subject, body, DESK_REPLY)
    elif conversation.contact_email:
        queue_mail(session, conversation.contact_email, subject, body, DESK_REPLY)


# -- added for the support console's pages (webapp/views/support.py) ------------------------

RECURRING_DAYS = 30
# The newest questions of each period that are grouped: grouping takes about a second for
# 4,000 short questions on one core, and the page is computed on request.
RECURRING_SAMPLE = 2000
RECURRING_SHOWN = 30
UNANSWERED = (Outcome.HANDED_OFF, Outcome.NOT_HELPFUL)


def questions_between(
    session: Session, since: datetime, until: datetime, limit: int = RECURRING_SAMPLE
) -> list[tuple[str, datetime, Outcome]]:
    """(redacted text, asked at, outcome) of the questions asked in [since, until), newest
    first, at most `limit`."""
    return list(
        session.execute(
            select(Question.text, Question.created_at, Question.outcome)
            .where(Question.created_at >= since, Question.created_at < until)
            .order_by(Question.created_at.desc(), Question.id.desc())
            .limit(limit)
        ).all()
    )


@dataclass(frozen=True)
class RecurringProblem:
    """A group of similar questions: how often it was asked now and in the period before."""

    representative: str
    count: int
    previous: int
    unanswered: int
    trend: str
    top_terms: tuple[str, ...]
    examples: tuple[str, ...]


@dataclass(frozen=True)
class RecurringReport:
    """The recurring problems of a period and whether only a sample of it was grouped."""

    problems: list[RecurringProblem]
    days: int
    sampled: bool


def recurring_problems(
    session: Session,
    now: datetime | None = None,
    days: int = RECURRING_DAYS,
    sample: int = RECURRING_SAMPLE,
    min_count: int = 2,
    shown: int = RECURRING_SHOWN,
) -> RecurringReport:
    """The questions of the last `days` grouped by wording, each group with its count, the
    count of the `days` before (its trend), and how many went unanswered (handed off or not
    helpful); groups asked at least `min_count` times, most asked first."""
    now = now or utcnow()
    start, before = now - timedelta(days=days), now - timedelta(days=2 * days)
    current = questions_between(session, start, now, sample)
    previous = questions_between(session, before, start, sample)
    rows = current + previous
    if not rows:
        return RecurringReport([], days, False)
    grouped = cluster_questions([text for text, _at, _outcome in rows])
    this_period: dict[int, int] = {}
    last_period: dict[int, int] = {}
    found: list[tuple[int, Cluster]] = []
    for number, group in enumerate(grouped):
        this_period[number] = sum(1 for i in group.members if i < len(current))
        last_period[number] = group.size - this_period[number]
        if this_period[number] >= min_count:
            found.append((number, group))
    trends = trend(this_period, last_period)
    problems = []
    for number, group in sorted(found, key=lambda pair: (-this_period[pair[0]], pair[0]))[:shown]:
        mine = [i for i in group.members if i < len(current)]
        examples = list(
            dict.fromkeys(current[i][0] for i in mine if current[i][0] != group.representative)
        )
        problems.append(
            RecurringProblem(
                representative=group.representative,
                count=this_period[number],
                previous=last_period[number],
                unanswered=sum(1 for i in mine if current[i][2] in UNANSWERED),
                trend=str(trends[number]),
                top_terms=group.top_terms,
                examples=tuple(examples[:3]),
            )
        )
    return RecurringReport(problems, days, len(current) >= sample or len(previous) >= sample)


def staff_articles(session: Session) -> list[StaffArticle]:
    """Every article support staff wrote, the latest changed first."""
    return list(
        session.scalars(
            select(StaffArticle).order_by(StaffArticle.updated_at.desc(), StaffArticle.id.desc())
        )
    )


def staff_article(session: Session, article_id: int) -> StaffArticle | None:
    """One staff article, or None."""
    return session.get(StaffArticle, article_id)
