"""The app API's routes for what learners write and read: private notes, a course's public
comments, and notifications."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext
from flask_login import current_user

from catalogue.mail_texts import notification_text
from catalogue.models import Comment, Note, Notification
from catalogue.services import app_api as app_service
from catalogue.services import courses as course_service
from catalogue.services import notifications as notification_service
from catalogue.services import social
from webapp.api_auth import app_token_required, user_id
from webapp.db import get_session
from webapp.views.app_api import (
    bp,
    cursor_arg,
    field_error,
    iso,
    json_body,
    limit_arg,
    optional_id,
    whole_number,
)


def note_json(note: Note) -> dict[str, Any]:
    """One of the learner's notes."""
    return {
        "id": note.id,
        "course_id": note.course_id,
        "lesson_id": note.lesson_id,
        "position_seconds": note.position_seconds,
        "body": note.body,
        "created_at": iso(note.created_at),
        "updated_at": iso(note.updated_at),
    }


def _body(data: dict[str, Any]) -> str:
    body = data.get("body")
    if not isinstance(body, str):
        raise field_error("body", "REQUIRED", "text is required")
    return body


def _position(data: dict[str, Any]) -> int | None:
    if data.get("position_seconds") is None:
        return None
    value = whole_number(data["position_seconds"])
    if value is None or not 0 <= value <= 1_000_000:
        raise field_error("position_seconds", "OUT_OF_RANGE", "whole seconds, 0 to 1000000")
    return value


def _notes(course_id: int | None):
    page = app_service.notes_page(
        get_session(), user_id(), course_id=course_id, before=cursor_arg(), limit=limit_arg()
    )
    return jsonify(items=[note_json(n) for n in page.items], next_cursor=page.next_cursor)


@bp.route("/me/notes")
@app_token_required
def my_notes():
    """The learner's notes, newest first, a page at a time."""
    return _notes(None)


# One rule per path (all its methods): Werkzeug answers 405 instead of 404 for an id out of
# range when a path's methods are split over several rules.
@bp.route("/courses/<int:course_id>/notes", methods=["GET", "POST"])
@app_token_required
def course_notes(course_id: int):
    """GET: the learner's notes on one course, newest first. POST: write one."""
    if request.method == "GET":
        return _notes(course_id)
    return add_note(course_id)


def add_note(course_id: int):
    """Write a private note on a course, optionally at a lesson and a time in it."""
    data = json_body()
    body, lesson_id, position = _body(data), optional_id(data, "lesson_id"), _position(data)
    db = get_session()
    note = social.add_note(
        db, user_id(), course_id, body, lesson_id=lesson_id, position_seconds=position
    )
    db.commit()
    return jsonify(note_json(note)), 201


@bp.route("/me/notes/<int:note_id>", methods=["GET", "PUT", "PATCH", "DELETE"])
@app_token_required
def note(note_id: int):
    """One of the learner's notes: read it, change its text (PUT/PATCH) or delete it."""
    if request.method == "GET":
        return jsonify(note_json(social.get_note(get_session(), user_id(), note_id)))
    if request.method == "DELETE":
        return delete_note(note_id)
    return update_note(note_id)


def update_note(note_id: int):
    """Change a note's text."""
    body = _body(json_body())
    db = get_session()
    note = social.update_note(db, user_id(), note_id, body)
    db.commit()
    return jsonify(note_json(note))


def delete_note(note_id: int):
    """Delete a note."""
    db = get_session()
    social.delete_note(db, user_id(), note_id)
    db.commit()
    return "", 204


# -- comments --------------------------------------------------------------------------------


def comment_json(comment: Comment, author: str, uid: int) -> dict[str, Any]:
    """A visible comment as the app shows it."""
    return {
        "id": comment.id,
        "parent_id": comment.parent_id,
        "author": author,
        "mine": comment.user_id == uid,
        "body": comment.body,
        "created_at": iso(comment.created_at),
    }


@bp.route("/courses/<int:course_id>/comments", methods=["GET", "POST"])
@app_token_required
def comments(course_id: int):
    """GET: a course's discussion, newest threads first, each with its replies oldest first.
    POST: post a comment or a reply."""
    if request.method == "POST":
        return post_comment(course_id)
    db = get_session()
    course_service.get_published_course(db, course_id)
    uid = user_id()
    page = social.discussion(db, course_id, before=cursor_arg(), limit=limit_arg())
    items = [
        {
            **comment_json(thread.comment, thread.author, uid),
            "replies": [comment_json(reply, name, uid) for reply, name in thread.replies],
        }
        for thread in page.threads
    ]
    return jsonify(items=items, next_cursor=page.older)


def post_comment(course_id: int):
    """Post a comment, or a reply with `parent_id` (as on the site: muted accounts and too
    many comments in a short time are refused; the same text again is the same comment)."""
    data = json_body()
    body, parent = _body(data), optional_id(data, "parent_id")
    db = get_session()
    uid = user_id()
    posted = social.add_comment(db, uid, course_id, body, parent_id=parent)
    db.commit()
    return jsonify(comment_json(posted, current_user.display_name, uid)), 201


@bp.route("/comments/<int:comment_id>", methods=["DELETE"])
@app_token_required
def delete_comment(comment_id: int):
    """Delete one's own comment (not once others have replied to it: 409 HAS_REPLIES)."""
    db = get_session()
    app_service.delete_own_comment(db, user_id(), comment_id)
    db.commit()
    return "", 204


@bp.route("/comments/<int:comment_id>/report", methods=["POST"])
@app_token_required
def report_comment(comment_id: int):
    """Report a comment to the editors: {"reason": "…"}."""
    data = json_body()
    reason = data.get("reason")
    if not isinstance(reason, str):
        raise field_error("reason", "REQUIRED", "say why")
    db = get_session()
    social.report_comment(db, user_id(), comment_id, reason)
    db.commit()
    return jsonify(reported=True)


# -- notifications ---------------------------------------------------------------------------


def notification_json(notification: Notification) -> dict[str, Any]:
    """A notification with its sentence in the learner's language."""
    return {
        "id": notification.id,
        "kind": notification.kind,
        "text": notification_text(gettext, notification.kind, notification.data or {}),
        "data": notification.data or {},
        "read": notification.read_at is not None,
        "created_at": iso(notification.created_at),
    }


@bp.route("/me/notifications")
@app_token_required
def notifications():
    """The learner's notifications, newest first, and how many are unread."""
    db = get_session()
    uid = user_id()
    page = app_service.notifications_page(db, uid, before=cursor_arg(), limit=limit_arg())
    return jsonify(
        items=[notification_json(n) for n in page.items],
        next_cursor=page.next_cursor,
        unread=notification_service.unread_count(db, uid),
    )


@bp.route("/me/notifications/<int:notification_id>/read", methods=["POST"])
@app_token_required
def read_one(notification_id: int):
    """Mark one notification read."""
    db = get_session()
    notification = notification_service.open_notification(db, user_id(), notification_id)
    db.commit()
    return jsonify(notification_json(notification))


@bp.route("/me/notifications/read", methods=["POST"])
@app_token_required
def read_all():
    """Mark every notification read."""
    db = get_session()
    count = notification_service.mark_all_read(db, user_id())
    db.commit()
    return jsonify(marked=count, unread=0)
