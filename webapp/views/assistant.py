"""The assistant for learners and visitors: its JSON API, its own page (which works without
JavaScript) and the help articles it answers from."""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, lazy_gettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from assistant import desk as desk_service
from assistant.articles import all_articles
from assistant.desk import Asker, DeskError
from webapp.assistant import COMMON_QUESTIONS, desk, get_assistant
from webapp.caring import caring_on
from webapp.db import get_session
from webapp.errors import api_error
from webapp.limits import Rule, client_ip, limited

api = Blueprint("assistant_api", __name__, url_prefix="/api/v1/assistant")
bp = Blueprint("assistant", __name__)

# Each question may run a search: a visitor asks at a person's pace, a script does not.
ASK_PER_IP = Rule("assistant-ask", "assistant_limit_per_ip", client_ip)
SESSION_KEY = "desk_conversation"

TOPIC_LABELS = {
    "accounts": lazy_gettext("Your account"),
    "caring": lazy_gettext("Caring mode"),
    "finding-courses": lazy_gettext("Finding courses"),
    "studying": lazy_gettext("Studying"),
    "notifications": lazy_gettext("Notifications and mail"),
    "community": lazy_gettext("Comments and community"),
    "partners": lazy_gettext("For partners"),
    "privacy": lazy_gettext("Privacy and safety"),
    "app": lazy_gettext("The app and your devices"),
    "staff": lazy_gettext("More answers"),
}


def topic_label(topic: str) -> str:
    """A topic of help articles as readers see it."""
    return str(TOPIC_LABELS.get(topic, topic.replace("-", " ").capitalize()))


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "zh"


def _signed_in_id() -> int | None:
    """The signed-in person's id, or None for a visitor (the page's forms carry CSRF)."""
    return int(current_user.id) if current_user.is_authenticated else None


def _api_user_id() -> int | None:
    """The signed-in learner, when the request proves it comes from the site's own pages (the
    CSRF token in a header); other clients ask as anonymous visitors."""
    if not current_user.is_authenticated:
        return None
    try:
        validate_csrf(request.headers.get("X-CSRFToken", ""))
    except ValidationError:  # a missing or bad token: an anonymous visitor
        return None
    return int(current_user.id)


def _asker(user_id: int | None, page: Any = None) -> Asker:
    return Asker(
        user_id=user_id,
        language=_language(),
        caring=caring_on(),
        page=page if isinstance(page, str) else request.referrer,
        user_agent=request.headers.get("User-Agent"),
    )


# Characters no question, address or comment holds (PostgreSQL refuses NUL in text), and the
# shape of a conversation id (URL-safe base64, new_public_id); an id of any other shape is unknown.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def _clean(value: Any) -> Any:
    """Text without control characters and with lone surrogates replaced; others unchanged."""
    if not isinstance(value, str):
        return value
    text = _CONTROL.sub("", value)
    return text.encode("utf-8", "replace").decode("utf-8") if not text.isascii() else text


def _known_id(conversation_id: str) -> str:
    """The id if it has the shape of a conversation id, else UNKNOWN_CONVERSATION (404)."""
    if not _PUBLIC_ID.fullmatch(conversation_id):
        raise DeskError("UNKNOWN_CONVERSATION", "找不到这个对话 / No such conversation", 404)
    return conversation_id


def _json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DeskError("INVALID_JSON", "请求体应为 JSON 对象 / The body must be a JSON object")
    return data


@api.post("/ask")
@limited(ASK_PER_IP)
def api_ask():
    """Ask a question: {"question", "conversation_id"?, "page"?} → the answer or a hand-off."""
    try:
        data = _json_body()
        conversation_id = data.get("conversation_id")
        if conversation_id is not None and not isinstance(conversation_id, str):
            raise DeskError("UNKNOWN_CONVERSATION", "找不到这个对话 / No such conversation", 404)
        if conversation_id:
            _known_id(conversation_id)
        reply = desk_service.ask(
            get_session(),
            desk(),
            _clean(data.get("question")),
            _asker(_api_user_id(), _clean(data.get("page"))),
            conversation_id=conversation_id,
        )
    except DeskError as error:
        return api_error(error.status, error.code, error.message)
    return jsonify(_reply_json(reply))


@api.get("/conversations/latest")
def api_latest():
    """The signed-in learner's latest conversation id (the dialog reopens it on any device)."""
    user_id = _api_user_id()
    latest = desk_service.latest_conversation(get_session(), user_id) if user_id else None
    return jsonify(conversation_id=latest.public_id if latest else None)


@api.get("/conversations/<conversation_id>")
def api_conversation(conversation_id: str):
    """A conversation's messages (the widget polls it for a person's replies)."""
    try:
        conversation, messages = desk_service.history(
            get_session(), _known_id(conversation_id), _asker(_api_user_id())
        )
        wait = desk_service.wait_for(
            get_session(), get_assistant().hours, conversation.last_message_at, conversation
        )
    except DeskError as error:
        return api_error(error.status, error.code, error.message)
    return jsonify(
        conversation_id=conversation.public_id,
        status=str(conversation.status),
        handed_off=conversation.handed_off_at is not None,
        rating=conversation.rating,
        can_rate=str(conversation.status) == "resolved" and conversation.rating is None,
        office_hours=wait.hours,
        open_now=wait.open_now,
        messages=[_message_json(m) for m in messages],
    )


@api.post("/conversations/<conversation_id>/not-helpful")
def api_not_helpful(conversation_id: str):
    """The last answer did not help: a person takes over."""
    try:
        reply = desk_service.not_helpful(
            get_session(), desk(), _known_id(conversation_id), _asker(_api_user_id())
        )
    except DeskError as error:
        return api_error(error.status, error.code, error.message)
    return jsonify(_reply_json(reply))


@api.post("/conversations/<conversation_id>/rating")
def api_rate(conversation_id: str):
    """Rate a resolved conversation: {"rating": 1–5, "comment"?}."""
    try:
        data = _json_body()
        comment = _clean(data.get("comment")) if isinstance(data.get("comment"), str) else ""
        desk_service.rate(
            get_session(),
            _known_id(conversation_id),
            _asker(_api_user_id()),
            data.get("rating"),
            comment,
        )
    except DeskError as error:
        return api_error(error.status, error.code, error.message)
    return jsonify(ok=True)


@api.post("/conversations/<conversation_id>/contact")
def api_contact(conversation_id: str):
    """Leave an e-mail address for a person's reply: {"email"}."""
    try:
        email = _json_body().get("email")
        if not isinstance(email, str) or _clean(email) != email:
            raise DeskError(
                "INVALID_EMAIL", "请填写有效的电子邮箱地址 / Please give a valid e-mail address"
            )
        desk_service.leave_contact(
            get_session(), _known_id(conversation_id), _asker(_api_user_id()), email
        )
    except DeskError as error:
        return api_error(error.status, error.code, error.message)
    return jsonify(ok=True)


def _message_json(message) -> dict[str, Any]:
    return {
        "id": message.id,
        "author": str(message.author),
        "text": _system_text(message.text) if str(message.author) == "system" else message.text,
        "sources": message.sources or [],
        "created_at": message.created_at.isoformat(),
    }


def _reply_json(reply: desk_service.Reply) -> dict[str, Any]:
    """The reply's JSON, with what a hand-off's reason means in the page's language."""
    body = reply.to_json()
    reason = reply.handoff_reason
    body["handoff_message"] = _system_text(reason) if reason else None
    return body


def _system_text(code: str) -> str:
    texts = {
        "asked": _("You asked for a person: your question is with our support staff."),
        "low_confidence": _(
            "The assistant is not sure: a person from our support staff will answer."
        ),
        "outside": _(
            "The assistant has no answer to this, it may be about something beyond this site:"
            " a person from our support staff will answer."
        ),
        "no_courses": _("No course matched: a person from our support staff will help."),
        "not_helpful": _(
            "Sorry the answer did not help: a person from our support staff will answer."
        ),
        "transferred": _("Your conversation was passed to a colleague."),
        "resolved": _("Support marked this conversation as resolved."),
    }
    return str(texts.get(code, code))


# -- the page of its own (no JavaScript needed) ------------------------------------------------


def _page_conversation_id() -> str | None:
    user_id = _signed_in_id()
    if user_id is not None:
        latest = desk_service.latest_conversation(get_session(), user_id)
        return latest.public_id if latest else None
    value = session.get(SESSION_KEY)
    return value if isinstance(value, str) else None


@bp.get("/assistant")
def page():
    """The assistant as a page: the conversation so far, the question form, common questions."""
    conversation, messages, wait = None, [], None
    public_id = _page_conversation_id()
    user_id = _signed_in_id()
    if public_id:
        try:
            conversation, messages = desk_service.history(get_session(), public_id, _asker(user_id))
            wait = desk_service.wait_for(
                get_session(), get_assistant().hours, conversation.last_message_at, conversation
            )
        except DeskError:
            session.pop(SESSION_KEY, None)
    common = [zh if _language() == "zh" else en for zh, en in COMMON_QUESTIONS]
    return render_template(
        "assistant/page.html",
        conversation=conversation,
        messages=messages,
        wait=wait,
        system_text=_system_text,
        common_questions=common,
    )


@bp.post("/assistant")
@limited(ASK_PER_IP)
def ask_from_page():
    """The question form of the page."""
    user_id = _signed_in_id()
    try:
        reply = desk_service.ask(
            get_session(),
            desk(),
            _clean(request.form.get("question", "")),
            _asker(user_id, _clean(request.form.get("page")) or request.referrer),
            conversation_id=_page_conversation_id(),
        )
    except DeskError as error:
        flash(error.message, "error")
        return redirect(url_for("assistant.page"))
    if user_id is None:
        session[SESSION_KEY] = reply.conversation_id
    return redirect(url_for("assistant.page", _anchor="latest"))


@bp.post("/assistant/not-helpful")
def not_helpful_from_page():
    """ "This did not help" on the page."""
    return _page_action(
        lambda pid, asker: desk_service.not_helpful(get_session(), desk(), pid, asker)
    )


@bp.post("/assistant/contact")
def contact_from_page():
    """An anonymous visitor leaves an e-mail address on the page."""
    email = request.form.get("email", "")
    if _clean(email) != email:
        email = ""  # refused as not an address
    return _page_action(
        lambda pid, asker: desk_service.leave_contact(get_session(), pid, asker, email),
        _("We will write to you at this address."),
    )


@bp.post("/assistant/rating")
def rate_from_page():
    """Rate a resolved conversation on the page."""
    try:
        rating = int(request.form.get("rating", ""))
    except ValueError:
        rating = 0
    comment = _clean(request.form.get("comment", ""))
    return _page_action(
        lambda pid, asker: desk_service.rate(get_session(), pid, asker, rating, comment),
        _("Thank you for your rating."),
    )


def _page_action(action, done: str | None = None):
    public_id = _page_conversation_id()
    user_id = _signed_in_id()
    if not public_id:
        flash(_("Ask a question first."), "error")
        return redirect(url_for("assistant.page"))
    try:
        action(public_id, _asker(user_id))
    except DeskError as error:
        flash(error.message, "error")
    else:
        if done:
            flash(done, "success")
    return redirect(url_for("assistant.page", _anchor="latest"))


@bp.get("/help/articles/")
def articles():
    """Every help article, by topic."""
    by_topic: dict[str, list] = {}
    for item in all_articles(get_session(), get_assistant().shipped).values():
        by_topic.setdefault(item.topic, []).append(item)
    return render_template(
        "assistant/articles.html",
        by_topic=sorted(by_topic.items()),
        language=_language(),
        topic_label=topic_label,
    )


@bp.get("/help/articles/<slug>")
def article(slug: str):
    """One help article, in the page's language."""
    found = all_articles(get_session(), get_assistant().shipped).get(slug)
    if found is None:
        abort(404)
    return render_template("assistant/article.html", article=found, language=_language())
