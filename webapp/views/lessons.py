"""A lesson: the player (or a placeholder with the provider's link), where the learner stopped,
and saving the position as they go ("resume where I left off")."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from catalogue.errors import NotFound, ValidationError
from catalogue.models import MediaType
from catalogue.services import courses as course_service
from catalogue.services import engagement, playback
from catalogue.timecodes import parse_clock
from webapp.db import get_session
from webapp.forms import NoteForm, require_plain_form
from webapp.views.learning import wants_json

bp = Blueprint("lessons", __name__)

VIDEO_FILES = (".mp4", ".webm", ".ogv", ".m4v")
AUDIO_FILES = (".mp3", ".m4a", ".ogg", ".oga", ".wav", ".aac")


def player_kind(media_type: MediaType, url: str | None) -> str | None:
    """ "video" or "audio" when the lesson's link is a media file the browser can play, else
    None (the page shows a placeholder with the link to the provider)."""
    if not url:
        return None
    path = urlparse(url).path.lower()
    if media_type == MediaType.VIDEO and path.endswith(VIDEO_FILES):
        return "video"
    if media_type in (MediaType.AUDIO, MediaType.VIDEO) and path.endswith(AUDIO_FILES):
        return "audio"
    return None


@bp.route("/courses/<int:course_id>/lessons/<int:lesson_id>")
def lesson(course_id: int, lesson_id: int):
    """The lesson page."""
    db = get_session()
    try:
        course = course_service.get_published_course(db, course_id)
    except NotFound:
        abort(404)
    lessons = list(course.lessons)
    index = next((i for i, item in enumerate(lessons) if item.id == lesson_id), None)
    if index is None:
        abort(404)
    current = lessons[index]
    position, done, note_form = 0, False, None
    if current_user.is_authenticated:
        position = playback.position_in(db, current_user.id, lesson_id)
        done = lesson_id in engagement.lesson_progress(db, current_user.id, course_id).done
        note_form = NoteForm(lesson_id=str(lesson_id))
        note_form.lesson_id.choices = [(str(lesson_id), current.title)]
    return render_template(
        "lesson.html",
        course=course,
        lesson=current,
        previous=lessons[index - 1] if index > 0 else None,
        following=lessons[index + 1] if index + 1 < len(lessons) else None,
        player=player_kind(current.media_type, current.url),
        position=position,
        done=done,
        note_form=note_form,
    )


@bp.route("/courses/<int:course_id>/lessons/<int:lesson_id>/position", methods=["POST"])
@login_required
def save_position(course_id: int, lesson_id: int):
    """Remember where the learner stopped: seconds from the player, or "m:ss" typed."""
    require_plain_form()
    back = url_for("lessons.lesson", course_id=course_id, lesson_id=lesson_id)
    seconds = parse_clock(request.form.get("position", ""))
    db = get_session()
    try:
        if seconds is None:
            raise ValidationError([])
        saved = playback.save_position(db, current_user.id, course_id, lesson_id, seconds)
    except NotFound:
        abort(404)
    except ValidationError:
        db.rollback()
        if wants_json():
            return jsonify(ok=False, error={"code": "BAD_POSITION"}), 400
        flash(_("Write the time as minutes:seconds, for example 12:30."), "error")
        return redirect(back)
    db.commit()
    if wants_json():
        return jsonify(
            ok=True,
            position=saved.position_seconds,
            finished=saved.finished,
            fraction=saved.course_fraction,
        )
    flash(_("We will bring you back here next time."), "success")
    return redirect(back)
