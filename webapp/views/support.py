"""The support console (issue 15): the queue of handed-over conversations, one conversation
with its learner's context and the forms to claim, reply, transfer, release and resolve it,
saved replies, the problem database (labelling questions for the matcher, recurring
problems) and the articles support staff write.

Support staff and administrators only; every change goes through assistant.support or
assistant.articles. A refused action (DeskError) is flashed and the page shown again.
"""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from assistant import request_errors, support
from assistant.articles import all_articles, write_article
from assistant.desk import DeskError
from assistant.knowledge import AUDIENCES
from assistant.labels import SPECIAL_LABELS
from assistant.models import ConversationStatus
from catalogue.models.base import utcnow
from webapp.access import roles_required
from webapp.assistant import get_assistant
from webapp.db import get_session
from webapp.forms import PlainForm, require_plain_form
from webapp.i18n import LANGUAGES, ROLE_LABELS
from webapp.templating import format_duration
from webapp.urls import parse_id, safe_next

bp = Blueprint("support", __name__, url_prefix="/support")
staff_required = roles_required("support", "admin")

RESOLVED_SHOWN = 20
FIGURE_DAYS = 7
QUESTIONS_SHOWN = 100
ARTICLE_FIELDS = (
    "slug",
    "topic",
    "audience",
    "title_zh",
    "title_en",
    "body_zh",
    "body_en",
    "keywords_zh",
    "keywords_en",
)
# Which fields of the article form a refusal points at.
ARTICLE_PROBLEM_FIELDS = {
    "BAD_SLUG": ("slug",),
    "SLUG_TAKEN": ("slug",),
    "TITLE_TOO_LONG": ("title_zh", "title_en"),
}
REQUIRED_ARTICLE_FIELDS = ("slug", "title_zh", "title_en", "body_zh", "body_en")
ARTICLE_LABELS = {
    "slug": _l("Address name"),
    "topic": _l("Topic"),
    "audience": _l("For"),
    "title_zh": _l("Title in Chinese"),
    "title_en": _l("Title in English"),
    "body_zh": _l("Text in Chinese"),
    "body_en": _l("Text in English"),
    "keywords_zh": _l("Keywords in Chinese"),
    "keywords_en": _l("Keywords in English"),
}
_CJK = re.compile(r"[\u3400-\u9fff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# What the desk's system messages record, as staff read them.
EVENTS = {
    "asked": _l("The learner asked for a person."),
    "low_confidence": _l("The assistant was not sure of an answer and handed over."),
    "outside": _l(
        "The question looked outside what the help articles cover (another service, another"
        " topic): handed over."
    ),
    "no_courses": _l("The learner asked for courses and none were found: handed over."),
    "not_helpful": _l("The learner said the answer did not help: handed over."),
    "transferred": _l("Transferred to another member of staff."),
    "resolved": _l("Marked as resolved."),
}
STATUS_LABELS = {
    ConversationStatus.BOT: _l("With the assistant"),
    ConversationStatus.WAITING: _l("Waiting"),
    ConversationStatus.CLAIMED: _l("Claimed"),
    ConversationStatus.RESOLVED: _l("Resolved"),
}
OUTCOME_LABELS = {
    "answered": _l("Answered"),
    "courses": _l("Courses shown"),
    "handed_off": _l("Handed over"),
    "not_helpful": _l("Not helpful"),
}
SPECIAL_LABEL_NAMES = {
    "course_search": _l("Looking for courses"),
    "human": _l("Asks for a person"),
    "out_of_scope": _l("Out of scope"),
}
TREND_LABELS = {
    "new": _l("New this period"),
    "rising": _l("Rising"),
    "falling": _l("Falling"),
    "steady": _l("Steady"),
}
AUDIENCE_LABELS = {
    "learner": _l("Learners"),
    "partner": _l("Partners"),
    "all": _l("Everyone"),
}


@bp.context_processor
def _labels() -> dict:
    return {
        "EVENTS": EVENTS,
        "STATUS_LABELS": {s.value: label for s, label in STATUS_LABELS.items()},
        "OUTCOME_LABELS": OUTCOME_LABELS,
        "ROLE_LABELS": {r.value: label for r, label in ROLE_LABELS.items()},
        "DESK_LANGUAGES": LANGUAGES,
        "local_link": _local_link,
        "waited": _waited,
    }


def _local_link(target: str | None) -> str | None:
    """The path itself when it is a page of this site, else None (shown as text only)."""
    return target if target and safe_next(target, "") == target else None


def _waited(since) -> str:
    """How long ago a moment was, for people: minutes, hours, days."""
    if since is None:
        return ""
    minutes = max(0, int((utcnow() - since).total_seconds() // 60))
    if minutes >= 24 * 60:
        days = minutes // (24 * 60)
        return ngettext("%(num)d day", "%(num)d days", days)
    return format_duration(minutes)


def _form_text(name: str, limit: int) -> str:
    """A posted text field with browsers' CRLF line ends as LF and no control characters
    (PostgreSQL refuses NUL), cut at `limit` characters."""
    text = request.form.get(name, "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)[:limit]


def _desk_message(exc: DeskError) -> str:
    """The desk's message in the page's language (the desk writes "中文 / English")."""
    chinese, separator, english = exc.message.partition(" / ")
    if not separator:
        return exc.message
    return english if str(get_locale()) == "en" else chinese


def _refused(exc: DeskError) -> None:
    """Undo what the refused action began and tell why; unknown ids are 404."""
    get_session().rollback()
    if exc.status == 404:
        abort(404)
    flash(_desk_message(exc), "error")


# -- the queue --------------------------------------------------------------------------------


@bp.route("/")
@staff_required
def queue():
    """Waiting conversations (oldest hand-off first), claimed ones (the caller's first), the
    last week's figures and the most recently resolved."""
    db = get_session()
    items = support.queue(db, current_user.id)
    waiting = [i for i in items if i.conversation.status == ConversationStatus.WAITING]
    claimed = sorted(
        (i for i in items if i.conversation.status == ConversationStatus.CLAIMED),
        key=lambda i: i.conversation.assigned_to != current_user.id,
    )
    return render_template(
        "support/queue.html",
        waiting=waiting,
        claimed=claimed,
        figures=support.desk_figures(db, utcnow() - timedelta(days=FIGURE_DAYS)),
        figure_days=FIGURE_DAYS,
        resolved=support.resolved_recently(db, RESOLVED_SHOWN),
    )


# -- one conversation -------------------------------------------------------------------------


def _conversation_page(conversation_id: int, reply_text: str = "", status: int = 200):
    db = get_session()
    try:
        item, messages = support.conversation_detail(db, conversation_id)
    except DeskError:
        abort(404)
    conversation = item.conversation
    staff = support.staff_members(db)
    names = {member.id: member.display_name for member in staff}
    if item.assignee is not None:
        names[item.assignee.id] = item.assignee.display_name
    seen = conversation.learner_seen_at
    return render_template(
        "support/conversation.html",
        item=item,
        conversation=conversation,
        messages=messages,
        staff_names=names,
        transfer_to=[m for m in staff if m.id != conversation.assigned_to],
        saved=support.saved_replies(db),
        reply_text=reply_text,
        away=seen is None or utcnow() - seen > support.AWAY_AFTER,
        mine=conversation.assigned_to == current_user.id,
        open=conversation.status in (ConversationStatus.WAITING, ConversationStatus.CLAIMED),
        form=PlainForm(),
        max_reply=support.MAX_REPLY,
        errors=request_errors.recent(db, conversation.user_id) if conversation.user_id else [],
    ), status


@bp.route("/conversations/<int:conversation_id>")
@staff_required
def conversation(conversation_id: int):
    """One conversation: the learner's context, every message, and what staff can do."""
    return _conversation_page(conversation_id)


def _back_to(conversation_id: int):
    return redirect(url_for("support.conversation", conversation_id=conversation_id))


@bp.route("/conversations/<int:conversation_id>/claim", methods=["POST"])
@staff_required
def claim(conversation_id: int):
    """Take a waiting conversation (someone faster gets it: the caller is told)."""
    require_plain_form()
    try:
        support.claim(get_session(), conversation_id, current_user.id)
    except DeskError as exc:
        _refused(exc)
    else:
        flash(_("The conversation is yours now."), "success")
    return _back_to(conversation_id)


@bp.route("/conversations/<int:conversation_id>/reply", methods=["POST"])
@staff_required
def reply(conversation_id: int):
    """Send a reply, or (the "insert" button, for browsers without JavaScript) show the form
    again with a saved reply added to the text."""
    require_plain_form()
    text = _form_text("text", support.MAX_REPLY * 2)
    if request.form.get("action") == "insert":
        chosen = parse_id(request.form.get("saved"))
        for saved in support.saved_replies(get_session()):
            if saved.id == chosen:
                text = f"{text.rstrip()}\n\n{saved.text}" if text.strip() else saved.text
        return _conversation_page(conversation_id, text)
    try:
        support.reply(get_session(), conversation_id, current_user.id, text)
    except DeskError as exc:
        # The text typed is kept: the form is shown again with the reason.
        _refused(exc)
        return _conversation_page(conversation_id, text, exc.status)
    flash(_("Reply sent."), "success")
    return _back_to(conversation_id)


@bp.route("/conversations/<int:conversation_id>/transfer", methods=["POST"])
@staff_required
def transfer(conversation_id: int):
    """Hand the conversation to another member of staff."""
    require_plain_form()
    target = parse_id(request.form.get("to"))
    try:
        if target is None:
            raise DeskError("NOT_STAFF", "请选择一位同事 / Choose a member of staff")
        support.transfer(get_session(), conversation_id, current_user.id, target)
    except DeskError as exc:
        _refused(exc)
    else:
        flash(_("The conversation was transferred."), "success")
    return _back_to(conversation_id)


@bp.route("/conversations/<int:conversation_id>/release", methods=["POST"])
@staff_required
def release(conversation_id: int):
    """Put the caller's conversation back in the queue."""
    require_plain_form()
    try:
        support.release(get_session(), conversation_id, current_user.id)
    except DeskError as exc:
        _refused(exc)
        return _back_to(conversation_id)
    flash(_("The conversation is back in the queue."), "success")
    return redirect(url_for("support.queue"))


@bp.route("/conversations/<int:conversation_id>/resolve", methods=["POST"])
@staff_required
def resolve(conversation_id: int):
    """Close the conversation; its learner may then rate it."""
    require_plain_form()
    try:
        support.resolve(get_session(), conversation_id, current_user.id)
    except DeskError as exc:
        _refused(exc)
    else:
        flash(_("The conversation is resolved."), "success")
    return _back_to(conversation_id)


# -- saved replies ----------------------------------------------------------------------------


def _replies_page(entered: dict | None = None, status: int = 200):
    return render_template(
        "support/replies.html",
        replies=support.saved_replies(get_session()),
        entered=entered or {"title": "", "text": "", "language": str(get_locale())},
        form=PlainForm(),
        max_reply=support.MAX_REPLY,
    ), status


@bp.route("/replies")
@staff_required
def replies():
    """Every saved reply, and a form to add one."""
    return _replies_page()


@bp.route("/replies", methods=["POST"])
@staff_required
def add_reply():
    """Keep a reply for reuse."""
    require_plain_form()
    entered = {
        "title": _form_text("title", 500),
        "text": _form_text("text", support.MAX_REPLY * 2),
        "language": "en" if request.form.get("language") == "en" else "zh",
    }
    try:
        support.save_reply(
            get_session(), current_user.id, entered["title"], entered["text"], entered["language"]
        )
    except DeskError as exc:
        _refused(exc)
        return _replies_page(entered, exc.status)
    flash(_("The reply was saved."), "success")
    return redirect(url_for("support.replies"))


@bp.route("/replies/<int:reply_id>/delete", methods=["POST"])
@staff_required
def delete_reply(reply_id: int):
    """Remove a saved reply."""
    require_plain_form()
    support.delete_saved_reply(get_session(), reply_id)
    flash(_("The saved reply was deleted."), "success")
    return redirect(url_for("support.replies"))


# -- the problem database ---------------------------------------------------------------------


def _label_choices() -> list[tuple[str, str]]:
    """Every label a question may get: the special ones, then every article by slug."""
    articles = all_articles(get_session(), get_assistant().shipped)
    english = str(get_locale()) == "en"
    choices = [(slug, str(name)) for slug, name in SPECIAL_LABEL_NAMES.items()]
    for slug in sorted(articles):
        article = articles[slug]
        choices.append((slug, f"{slug}: {article.title_en if english else article.title_zh}"))
    return choices


@bp.route("/questions")
@staff_required
def questions():
    """The newest questions (redacted) with what the assistant made of them, each with a form
    to label it for the matcher."""
    unlabelled = request.args.get("unlabelled") == "1"
    return render_template(
        "support/questions.html",
        questions=support.recent_questions(get_session(), QUESTIONS_SHOWN, unlabelled),
        unlabelled=unlabelled,
        choices=_label_choices(),
        special=SPECIAL_LABEL_NAMES,
        form=PlainForm(),
    )


@bp.route("/questions/<int:question_id>/label", methods=["POST"])
@staff_required
def label(question_id: int):
    """Label a question with an article or a special label (empty: remove the label)."""
    require_plain_form()
    db = get_session()
    chosen = request.form.get("label", "").strip() or None
    known = set(all_articles(db, get_assistant().shipped)) | set(SPECIAL_LABELS)
    try:
        support.label_question(db, question_id, current_user.id, chosen, known)
    except DeskError as exc:
        _refused(exc)
    else:
        flash(_("The label was saved.") if chosen else _("The label was removed."), "success")
    unlabelled = "1" if request.form.get("unlabelled") == "1" else None
    return redirect(url_for("support.questions", unlabelled=unlabelled) + f"#q-{question_id}")


@bp.route("/questions/recurring")
@staff_required
def recurring():
    """Recurring problems: the last 30 days' questions grouped by wording, with their trend."""
    report = support.recurring_problems(get_session())
    return render_template("support/recurring.html", report=report, TREND_LABELS=TREND_LABELS)


# -- staff articles ---------------------------------------------------------------------------


@bp.route("/articles")
@staff_required
def articles():
    """The articles support staff wrote."""
    return render_template(
        "support/articles.html",
        articles=support.staff_articles(get_session()),
        AUDIENCE_LABELS=AUDIENCE_LABELS,
    )


def _article_page(
    entered: dict[str, str],
    article_id: int | None = None,
    problem: DeskError | None = None,
    source: str | None = None,
    status: int = 200,
):
    invalid: set[str] = set()
    message = _desk_message(problem) if problem is not None else None
    if problem is not None:
        if problem.code == "MISSING_FIELDS":
            invalid = {name for name in REQUIRED_ARTICLE_FIELDS if not entered[name].strip()}
            names = [str(ARTICLE_LABELS[n]) for n in REQUIRED_ARTICLE_FIELDS if n in invalid]
            message = _("Please fill in: %(fields)s", fields=_(", ").join(names))
        else:
            invalid = set(ARTICLE_PROBLEM_FIELDS.get(problem.code, ()))
    topics = sorted({a.topic for a in get_assistant().shipped} | {"staff"})
    return render_template(
        "support/article_form.html",
        entered=entered,
        article_id=article_id,
        problem=message,
        ARTICLE_LABELS=ARTICLE_LABELS,
        invalid=invalid,
        source=source,
        topics=topics,
        AUDIENCES=AUDIENCES,
        AUDIENCE_LABELS=AUDIENCE_LABELS,
        form=PlainForm(),
    ), status


def _entered() -> dict[str, str]:
    return {name: _form_text(name, 20000) for name in ARTICLE_FIELDS}


def _save_article(article_id: int | None):
    require_plain_form()
    if article_id is not None and support.staff_article(get_session(), article_id) is None:
        abort(404)
    entered = _entered()
    try:
        row = write_article(
            get_session(), current_user.id, entered, get_assistant().shipped, article_id
        )
    except DeskError as exc:
        get_session().rollback()
        if exc.status == 404:
            abort(404)
        return _article_page(entered, article_id, exc, status=exc.status)
    flash(_("The article %(slug)s was saved.", slug=row.slug), "success")
    return redirect(url_for("support.articles"))


@bp.route("/articles/new", methods=["GET", "POST"])
@staff_required
def new_article():
    """Write a new article; from a recurring problem, its question fills the title."""
    if request.method == "POST":
        return _save_article(None)
    entered = dict.fromkeys(ARTICLE_FIELDS, "")
    entered.update(topic="staff", audience="all")
    source = " ".join(request.args.get("from_cluster", "").split())[:200] or None
    if source:
        entered["title_zh" if _CJK.search(source) else "title_en"] = source
    return _article_page(entered, source=source)


@bp.route("/articles/<int:article_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_article(article_id: int):
    """Change an article support staff wrote."""
    if request.method == "POST":
        return _save_article(article_id)
    row = support.staff_article(get_session(), article_id)
    if row is None:
        abort(404)
    entered = {name: str(getattr(row, name) or "") for name in ARTICLE_FIELDS}
    return _article_page(entered, article_id)
