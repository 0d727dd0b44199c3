"""A learner's (or partner's) notifications: the count in the header, the list, opening one."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from catalogue.errors import NotFound
from catalogue.mail_texts import DESK_REPLY, notification_text
from catalogue.models import Notification
from catalogue.services import notifications as notification_service
from webapp.db import get_session
from webapp.forms import require_plain_form

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _unread() -> dict:
    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        return notification_service.unread_count_or_zero(get_session(), current_user.id)

    def describe(kind: str, data: dict | None) -> str:
        return notification_text(gettext, kind, data or {})

    return {"unread_notifications": unread_notifications, "notification_text": describe}


def target(notification: Notification) -> str:
    """Where a notification leads."""
    data = notification.data or {}
    if notification.kind == notification_service.REPLY:
        return (
            url_for("pages.course", course_id=data.get("course_id", 0))
            + f"#comment-{data.get('comment_id', '')}"
        )
    if notification.kind == notification_service.UPLOAD_DONE:
        return url_for("partner.upload", upload_id=data.get("upload_id", 0))
    if notification.kind == notification_service.FEEDBACK_REPLY:
        return url_for("pages.course", course_id=data.get("course_id", 0)) + "#feedback"
    if notification.kind == notification_service.REVIEW_DECIDED:
        return url_for("partner_courses.edit", course_id=data.get("course_id", 0))
    if notification.kind == notification_service.COLUMN_COURSE:
        if data.get("more"):  # several new courses: the column shows them all
            return url_for("pages.column", slug=data.get("column_slug") or "-")
        return url_for("pages.course", course_id=data.get("course_id", 0))
    if notification.kind == DESK_REPLY:
        return url_for("assistant.page", _anchor="latest")
    if notification.kind in (
        notification_service.GROUP_NOTICE,
        notification_service.GROUP_ASSIGNMENT,
    ):
        return url_for("groups.my_groups", _anchor=f"group-{data.get('group_id', 0)}")
    if notification.kind == notification_service.GOAL_BEHIND:
        return url_for("profile.page", _anchor="goal")
    if notification.kind == notification_service.CREDIT_RECOGNITION:
        return url_for("credits.account", _anchor=f"request-{data.get('request_id', 0)}")
    if notification.kind == notification_service.PERSONAL_DATA_READY:
        return url_for("personal_data.overview", _anchor="download")
    return url_for("notifications.overview")


@bp.route("/me/notifications")
@login_required
def overview():
    """The newest notifications, unread ones marked."""
    items = notification_service.recent(get_session(), current_user.id)
    return render_template("notifications.html", items=items)


@bp.route("/me/notifications/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    """Open a notification: it is read, and the page it is about opens."""
    db = get_session()
    try:
        notification = notification_service.open_notification(db, current_user.id, notification_id)
    except NotFound:
        abort(404)
    db.commit()
    return redirect(target(notification))


@bp.route("/me/notifications/read", methods=["POST"])
@login_required
def read_all():
    """Mark every notification read."""
    require_plain_form()
    db = get_session()
    notification_service.mark_all_read(db, current_user.id)
    db.commit()
    return redirect(url_for("notifications.overview"))
