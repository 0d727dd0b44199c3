"""The learner's side of the desk: ask, get an answer with its sources or a person, read replies."""

from __future__ import annotations

import secrets
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from assistant.hours import OfficeHours
from assistant.knowledge import HelpArticle
from assistant.labels import COURSE_SEARCH, HUMAN, UNSURE
from assistant.models import Author, Conversation, ConversationStatus, Message, Outcome, Question
from assistant.redaction import redact
from catalogue.models.base import utcnow

MAX_QUESTION = 1000
MAX_PAGE = 300
COURSES_SHOWN = 5
# Minutes a hand-off waits for its first reply when there is no recent history to go by.
DEFAULT_HANDLING_MINUTES = 5.0
# From this many minutes of expected wait (a working day) the learner is not told a number.
LONG_WAIT_MINUTES = 8 * 60
HANDLING_SAMPLE = 50

# Why a conversation went to a person.
ASKED = "asked"
LOW_CONFIDENCE = "low_confidence"
# The matcher judged the question outside what the help articles cover (out of scope as its
# best label, close behind the best one, or by the hand-over model: another service's name,
# words the articles never use).
OUTSIDE = "outside"
NO_COURSES = "no_courses"
NOT_HELPFUL = "not_helpful"

# (question, language, limit) → courses as {"id", "title", "url"}: the project's search,
# handed in by the web app (the assistant does not import search).
CourseFinder = Callable[[str, str, int], list[dict[str, Any]]]


class Predictor(Protocol):
    """The question matcher as the desk uses it."""

    def predict(self, text: str) -> Any:
        """A match with `label`, `confidence` and `reason` (label out_of_scope: hand over)."""


class DeskError(ValueError):
    """A request the desk refuses, with a code for API clients and a message for people."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Asker:
    """Who asks, from where: the context support staff see."""

    user_id: int | None = None
    language: str = "zh"
    caring: bool = False
    page: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class Wait:
    """What a learner handed over is told: open now or when, the hours, the expected wait."""

    open_now: bool
    hours: str
    minutes: int | None
    next_opening: datetime | None
    # The expected wait as the learner reads it (describe_wait), None when there is none.
    expected: str | None = None


@dataclass
class Reply:
    """The desk's answer to one question (the API's JSON contract)."""

    conversation_id: str
    answer: str | None
    confidence: float
    sources: list[dict[str, Any]]
    handed_off: bool
    status: str
    wait: Wait | None = None
    label: str | None = None
    # Why this question went to a person (ASKED, LOW_CONFIDENCE, …); None when it did not, or
    # when a person had the conversation already.
    handoff_reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The documented JSON body of POST /api/v1/assistant/ask."""
        data: dict[str, Any] = {
            "conversation_id": self.conversation_id,
            "answer": self.answer,
            "confidence": round(float(self.confidence), 4),
            "sources": self.sources,
            "handed_off": self.handed_off,
            "handoff_reason": self.handoff_reason,
            "status": self.status,
        }
        if self.wait is not None:
            data["wait"] = {
                "open_now": self.wait.open_now,
                "office_hours": self.wait.hours,
                "expected_minutes": self.wait.minutes,
                "expected": self.wait.expected,
                "next_opening": self.wait.next_opening.isoformat()
                if self.wait.next_opening
                else None,
            }
        return data


@dataclass(frozen=True)
class Desk:
    """What answering needs: the matcher, the articles by slug, the course finder, the hours."""

    matcher: Predictor
    articles: Mapping[str, HelpArticle]
    find_courses: CourseFinder
    hours: OfficeHours
    article_url: Callable[[str], str] = lambda slug: f"/help/{slug}"


def new_public_id() -> str:
    """An unguessable conversation id (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def ask(
    session: Session,
    desk: Desk,
    question: str,
    asker: Asker,
    conversation_id: str | None = None,
    now: datetime | None = None,
) -> Reply:
    """Answer one question in a new or continued conversation; hand over to a person when the
    assistant cannot answer, when asked to, or when a person already has the conversation."""
    now = now or utcnow()
    text = _clean_question(question)
    conversation = _conversation_for(session, conversation_id, asker, now)
    _add(session, conversation, Author.LEARNER, text, now=now)
    conversation.learner_seen_at = now
    language = _language(asker.language)

    if conversation.status in (ConversationStatus.WAITING, ConversationStatus.CLAIMED):
        # A person has it: the message waits for them.
        _record(session, conversation, text, language, None, None, Outcome.HANDED_OFF, now)
        session.commit()
        return _reply(session, desk, conversation, None, 0.0, [], True, now)

    match = desk.matcher.predict(text)
    label, confidence = str(match.label), float(match.confidence)
    if label == COURSE_SEARCH:
        courses = desk.find_courses(text, language, COURSES_SHOWN)
        if courses:
            answer = _courses_text(courses, language)
            sources = [{"kind": "course", **c} for c in courses]
            _add(session, conversation, Author.ASSISTANT, answer, sources, confidence, now)
            _record(session, conversation, text, language, label, confidence, Outcome.COURSES, now)
            session.commit()
            return _reply(
                session, desk, conversation, answer, confidence, sources, False, now, label
            )
        reason = NO_COURSES
    elif label in desk.articles:
        article = desk.articles[label]
        answer = article_text(article, language)
        sources = [article_source(article, language, desk.article_url)]
        _add(session, conversation, Author.ASSISTANT, answer, sources, confidence, now)
        _record(session, conversation, text, language, label, confidence, Outcome.ANSWERED, now)
        session.commit()
        return _reply(session, desk, conversation, answer, confidence, sources, False, now, label)
    else:
        reason = handoff_reason(label, str(match.reason))
    _record(session, conversation, text, language, label, confidence, Outcome.HANDED_OFF, now)
    if not _hand_off(session, conversation, reason, now):
        reason = None  # another request handed it over at the same moment
    session.commit()
    return _reply(session, desk, conversation, None, confidence, [], True, now, label, reason)


def handoff_reason(label: str, why: str) -> str:
    """Why a question the matcher did not answer goes to a person, from its label and the
    matcher's reason: asked for one, not sure enough, or outside what the articles cover."""
    if label == HUMAN:
        return ASKED
    if why in UNSURE:
        return LOW_CONFIDENCE
    return OUTSIDE


def not_helpful(
    session: Session, desk: Desk, conversation_id: str, asker: Asker, now: datetime | None = None
) -> Reply:
    """The learner says the last answer did not help: a person takes over."""
    now = now or utcnow()
    conversation = _owned(session, conversation_id, asker.user_id)
    last = session.scalars(
        select(Question)
        .where(Question.conversation_id == conversation.id)
        .order_by(Question.id.desc())
        .limit(1)
    ).first()
    if last is not None and last.outcome in (Outcome.ANSWERED, Outcome.COURSES):
        last.outcome = Outcome.NOT_HELPFUL
    reason = None
    if conversation.status == ConversationStatus.BOT and _hand_off(
        session, conversation, NOT_HELPFUL, now
    ):
        reason = NOT_HELPFUL
    session.commit()
    return _reply(session, desk, conversation, None, 0.0, [], True, now, reason=reason)


def leave_contact(session: Session, conversation_id: str, asker: Asker, email: str) -> Conversation:
    """An anonymous visitor leaves an address for a person's reply."""
    conversation = _owned(session, conversation_id, asker.user_id)
    email = email.strip()
    if len(email) > 254 or "@" not in email or " " in email or email.startswith("@"):
        raise DeskError(
            "INVALID_EMAIL", "请填写有效的电子邮箱地址 / Please give a valid e-mail address"
        )
    conversation.contact_email = email
    session.commit()
    return conversation


def rate(
    session: Session,
    conversation_id: str,
    asker: Asker,
    rating: int,
    comment: str = "",
) -> Conversation:
    """The learner rates a resolved conversation (1–5, once)."""
    conversation = _owned(session, conversation_id, asker.user_id)
    if conversation.status != ConversationStatus.RESOLVED:
        raise DeskError(
            "NOT_RESOLVED", "对话结束后才能评价 / You can rate once it is resolved", 409
        )
    if conversation.rating is not None:
        raise DeskError("ALREADY_RATED", "您已经评价过了 / You have already rated it", 409)
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise DeskError("INVALID_RATING", "评分应为 1 到 5 / A rating is 1 to 5")
    conversation.rating = rating
    conversation.rating_comment = (comment or "").strip()[:2000] or None
    session.commit()
    return conversation


def history(
    session: Session, conversation_id: str, asker: Asker, now: datetime | None = None
) -> tuple[Conversation, list[Message]]:
    """A conversation and its messages, marked as read by its learner."""
    conversation = _owned(session, conversation_id, asker.user_id)
    messages = list(
        session.scalars(
            select(Message).where(Message.conversation_id == conversation.id).order_by(Message.id)
        )
    )
    conversation.learner_seen_at = now or utcnow()
    session.commit()
    return conversation, messages


def latest_conversation(session: Session, user_id: int) -> Conversation | None:
    """A signed-in learner's most recent conversation (the widget reopens it)."""
    return session.scalars(
        select(Conversation)
        .where(Conversation.user_id == user_id)
        .order_by(Conversation.id.desc())
        .limit(1)
    ).first()


def wait_for(
    session: Session, hours: OfficeHours, now: datetime, conversation: Conversation
) -> Wait:
    """The expected wait of a handed-over conversation: the conversations ahead of it times
    the median time to a first reply of recent hand-offs, during office hours."""
    open_now = hours.is_open(now)
    minutes = None
    if open_now and conversation.status == ConversationStatus.WAITING:
        ahead = session.scalar(
            select(func.count())
            .select_from(Conversation)
            .where(
                Conversation.status == ConversationStatus.WAITING,
                Conversation.handed_off_at <= (conversation.handed_off_at or now),
                Conversation.id != conversation.id,
            )
        )
        minutes = max(1, round((int(ahead or 0) + 1) * handling_minutes(session)))
    return Wait(
        open_now,
        hours.describe(conversation.language),
        minutes,
        hours.next_opening(now),
        describe_wait(minutes, conversation.language),
    )


def describe_wait(minutes: int | None, language: str) -> str | None:
    """The expected wait as a learner reads it: in minutes, in hours, or, beyond a working
    day, that many are waiting and the reply will keep (a count of hours would mean little)."""
    if minutes is None:
        return None
    zh = language.startswith("zh")
    if minutes >= LONG_WAIT_MINUTES:
        if zh:
            return (
                "很多问题正在排队，回复可能要超过一个工作日。"
                "您不必在此等候：回复会保存在这个对话里。"
            )
        return (
            "Many questions are waiting, so a reply may take more than a working day. "
            "You need not wait here: the reply will be kept in this conversation."
        )
    if minutes >= 60:
        hours = round(minutes / 60)
        if zh:
            return f"预计等待：约 {hours} 小时。"
        return f"Expected wait: about {hours} hour{'' if hours == 1 else 's'}."
    if zh:
        return f"预计等待：约 {minutes} 分钟。"
    return f"Expected wait: about {minutes} minute{'' if minutes == 1 else 's'}."


def handling_minutes(session: Session) -> float:
    """The median minutes from hand-off to first reply over recent hand-offs."""
    rows = session.execute(
        select(Conversation.handed_off_at, Conversation.first_reply_at)
        .where(Conversation.first_reply_at.is_not(None), Conversation.handed_off_at.is_not(None))
        .order_by(Conversation.first_reply_at.desc())
        .limit(HANDLING_SAMPLE)
    ).all()
    waits = [(reply - handed).total_seconds() / 60 for handed, reply in rows if reply >= handed]
    return statistics.median(waits) if waits else DEFAULT_HANDLING_MINUTES


def article_text(article: HelpArticle, language: str) -> str:
    """An article as an answer: its title, then its body, in the learner's language."""
    zh = language.startswith("zh")
    title = article.title_zh if zh else article.title_en
    body = article.body_zh if zh else article.body_en
    return f"{title}\n\n{body.strip()}"


def article_source(
    article: HelpArticle, language: str, url: Callable[[str], str]
) -> dict[str, Any]:
    """The source entry of an answer taken from an article."""
    title = article.title_zh if language.startswith("zh") else article.title_en
    return {"kind": "article", "slug": article.slug, "title": title, "url": url(article.slug)}


def _courses_text(courses: list[dict[str, Any]], language: str) -> str:
    head = "这些课程可能适合您：" if language.startswith("zh") else "These courses may suit you:"
    return "\n".join([head, *(f"· {c['title']}" for c in courses)])


def _clean_question(question: Any) -> str:
    if not isinstance(question, str):
        raise DeskError("INVALID_QUESTION", "问题应为文字 / The question must be text")
    text = " ".join(question.split())
    if not text:
        raise DeskError("EMPTY_QUESTION", "请输入您的问题 / Please type your question")
    if len(text) > MAX_QUESTION:
        raise DeskError(
            "QUESTION_TOO_LONG",
            f"问题最多 {MAX_QUESTION} 个字 / A question has at most {MAX_QUESTION} characters",
        )
    return text


def _language(language: str) -> str:
    return "en" if (language or "").lower().startswith("en") else "zh"


def _conversation_for(
    session: Session, public_id: str | None, asker: Asker, now: datetime
) -> Conversation:
    if public_id:
        conversation = _owned(session, public_id, asker.user_id)
        if conversation.status == ConversationStatus.RESOLVED:
            # A question after resolution starts over with the assistant.
            conversation.status = ConversationStatus.BOT
            conversation.assigned_to = None
        conversation.language = _language(asker.language)
        conversation.caring = asker.caring
        if asker.page:
            conversation.page = asker.page[:MAX_PAGE]
        return conversation
    conversation = Conversation(
        public_id=new_public_id(),
        user_id=asker.user_id,
        language=_language(asker.language),
        caring=asker.caring,
        page=(asker.page or "")[:MAX_PAGE] or None,
        user_agent=(asker.user_agent or "")[:300] or None,
        created_at=now,
        last_message_at=now,
    )
    session.add(conversation)
    session.flush()
    return conversation


def _owned(session: Session, public_id: str, user_id: int | None) -> Conversation:
    """The conversation of that id if the asker may see it: its learner's, or an anonymous one
    (held by whoever has its unguessable id)."""
    if not isinstance(public_id, str) or not 8 <= len(public_id) <= 64:
        raise DeskError("UNKNOWN_CONVERSATION", "找不到这个对话 / No such conversation", 404)
    conversation = session.scalars(
        select(Conversation).where(Conversation.public_id == public_id)
    ).first()
    if conversation is None or (
        conversation.user_id is not None and conversation.user_id != user_id
    ):
        raise DeskError("UNKNOWN_CONVERSATION", "找不到这个对话 / No such conversation", 404)
    if conversation.user_id is None and user_id is not None:
        conversation.user_id = user_id  # signed in since: the conversation is theirs now
    return conversation


def _add(
    session: Session,
    conversation: Conversation,
    author: Author,
    text: str,
    sources: list[dict[str, Any]] | None = None,
    confidence: float | None = None,
    now: datetime | None = None,
    staff_id: int | None = None,
) -> Message:
    now = now or utcnow()
    message = Message(
        conversation_id=conversation.id,
        author=author,
        staff_id=staff_id,
        text=text,
        sources=sources or [],
        confidence=confidence,
        created_at=now,
    )
    session.add(message)
    conversation.last_message_at = now
    return message


def _record(
    session: Session,
    conversation: Conversation,
    text: str,
    language: str,
    label: str | None,
    confidence: float | None,
    outcome: Outcome,
    now: datetime,
) -> None:
    session.add(
        Question(
            conversation_id=conversation.id,
            text=redact(text).text,
            language=language,
            predicted=label,
            confidence=confidence,
            outcome=outcome,
            created_at=now,
        )
    )


def _hand_off(session: Session, conversation: Conversation, reason: str, now: datetime) -> bool:
    """Give a conversation still with the assistant to a person; whether this call did (two
    requests at once hand over once)."""
    moved = session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id, Conversation.status == ConversationStatus.BOT)
        .values(status=ConversationStatus.WAITING, handed_off_at=now, handoff_reason=reason)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved:
        session.refresh(conversation, ["status", "handed_off_at", "handoff_reason"])
        _add(session, conversation, Author.SYSTEM, reason, now=now)
    return bool(moved)


def _reply(
    session: Session,
    desk: Desk,
    conversation: Conversation,
    answer: str | None,
    confidence: float,
    sources: list[dict[str, Any]],
    handed_off: bool,
    now: datetime,
    label: str | None = None,
    reason: str | None = None,
) -> Reply:
    wait = wait_for(session, desk.hours, now, conversation) if handed_off else None
    return Reply(
        conversation_id=conversation.public_id,
        answer=answer,
        confidence=confidence,
        sources=sources,
        handed_off=handed_off,
        status=str(conversation.status),
        wait=wait,
        label=label,
        handoff_reason=reason,
    )
