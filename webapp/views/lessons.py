"""A lesson: the player (video, audio, HLS streams), the reading view, or a card with the
provider's link; where the learner stopped, and saving the position as they go ("resume where I
left off"). Also serves the demo's own clips (catalogue/demo/media.py)."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from catalogue.demo import media as demo_media
from catalogue.errors import NotFound, ValidationError
from catalogue.models import MediaType
from catalogue.services import courses as course_service
from catalogue.services import engagement, playback, reading
from catalogue.timecodes import parse_clock
from records import learning_time
from webapp.app_writes import StillConflicting, twice_on_duplicate
from webapp.credentials import issue_course_certificate
from webapp.db import get_session
from webapp.forms import NoteForm, require_plain_form
from webapp.settings import get_settings
from webapp.templating import content_security_policy
from webapp.views.learning import wants_json

bp = Blueprint("lessons", __name__)

VIDEO_FILES = (".mp4", ".webm", ".ogv", ".m4v")
AUDIO_FILES = (".mp3", ".m4a", ".ogg", ".oga", ".wav", ".aac", ".opus")
STREAM_FILES = (".m3u8",)
DEMO_MEDIA_MAX_AGE = 24 * 3600


def player_kind(media_type: MediaType, url: str | None) -> str | None:
    """ "video" or "audio" when the lesson's link is a media file or an HLS stream the page can
    play, else None (the page shows a card with the link to the provider)."""
    if not url:
        return None
    path = urlparse(url).path.lower()
    playable = VIDEO_FILES + STREAM_FILES if media_type == MediaType.VIDEO else ()
    if media_type == MediaType.VIDEO and path.endswith(playable):
        return "video"
    if media_type in (MediaType.AUDIO, MediaType.VIDEO) and path.endswith(
        AUDIO_FILES + STREAM_FILES
    ):
        return "audio"
    return None


def is_stream(url: str | None) -> bool:
    """Whether the lesson's link is an HLS playlist (played with hls.js where the browser
    cannot play HLS itself)."""
    return bool(url) and urlparse(url).path.lower().endswith(STREAM_FILES)


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
    body = course_service.lesson_body(db, lesson_id)
    text = reading.render(*body) if body is not None else None
    player = None if text else player_kind(current.media_type, current.url)
    page = render_template(
        "lesson.html",
        course=course,
        lesson=current,
        previous=lessons[index - 1] if index > 0 else None,
        following=lessons[index + 1] if index + 1 < len(lessons) else None,
        player=player,
        stream=is_stream(current.url),
        text=text,
        position=position,
        done=done,
        note_form=note_form,
    )
    response = make_response(page)
    if player:
        response.headers["Content-Security-Policy"] = content_security_policy(inline_styles=True)
    return response


def site_zone() -> str:
    """The site's time zone (JOBS_TIMEZONE): learners' days where the account names none."""
    return get_settings().jobs_timezone


@bp.route("/courses/<int:course_id>/lessons/<int:lesson_id>/position", methods=["POST"])
@login_required
def save_position(course_id: int, lesson_id: int):
    """Remember where the learner stopped: seconds from the player, or "m:ss" typed."""
    require_plain_form()
    back = url_for("lessons.lesson", course_id=course_id, lesson_id=lesson_id)
    seconds = parse_clock(request.form.get("position", ""))
    db = get_session()

    def work() -> playback.Saved:
        # The move is credited as learning time too (records/learning_time.py).
        saved = learning_time.save_position(
            db, current_user.id, course_id, lesson_id, seconds, site_zone=site_zone()
        ).saved
        issue_course_certificate(db, current_user.id, course_id)
        return saved

    try:
        if seconds is None:
            raise ValidationError([])
        # The first save of a lesson from two tabs at once: the second inserts the same
        # position row, and is run again as an update.
        saved = twice_on_duplicate(db, work)
    except NotFound:
        abort(404)
    except ValidationError:
        db.rollback()
        if wants_json():
            return jsonify(ok=False, error={"code": "BAD_POSITION"}), 400
        flash(_("Write the time as minutes:seconds, for example 12:30."), "error")
        return redirect(back)
    except StillConflicting:
        if wants_json():
            return jsonify(ok=False, error={"code": "CHANGED_MEANWHILE"}), 409
        flash(_("Saved elsewhere at the same moment. Please try again."), "error")
        return redirect(back)
    if wants_json():
        return jsonify(
            ok=True,
            position=saved.position_seconds,
            finished=saved.finished,
            fraction=saved.course_fraction,
        )
    flash(_("We will bring you back here next time."), "success")
    return redirect(back)


# -- the demo's clips ------------------------------------------------------------------------


def _demo_clip(slug: str, seconds: int) -> demo_media.Clip:
    clip = demo_media.clips().get(slug)
    if clip is None or not 0 < seconds <= playback.MAX_POSITION:
        abort(404)
    return clip


def _cached(response: Response) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = DEMO_MEDIA_MAX_AGE
    return response


@bp.route(f"{demo_media.URL_PREFIX}/lessons/<slug>/<int:seconds>.m3u8")
def demo_playlist(slug: str, seconds: int):
    """The HLS playlist of a demo lesson: the clip repeated for the lesson's length."""
    clip = _demo_clip(slug, seconds)
    segment = url_for("lessons.demo_file", name="NAME").replace("NAME", "{name}")
    body = demo_media.lesson_playlist(clip, seconds, segment)
    return _cached(Response(body, mimetype="application/vnd.apple.mpegurl"))


@bp.route(f"{demo_media.URL_PREFIX}/lessons/<slug>/<int:seconds>.vtt")
def demo_captions(slug: str, seconds: int):
    """The subtitles of a demo lesson, repeated as its playlist repeats the clip."""
    clip = _demo_clip(slug, seconds)
    body = demo_media.lesson_captions(clip, seconds)
    return _cached(Response(body, mimetype="text/vtt"))


@bp.route(f"{demo_media.URL_PREFIX}/<path:name>")
def demo_file(name: str):
    """A file of the demo's clips (segments, WebM, subtitles), with range requests."""
    return send_from_directory(demo_media.MEDIA_DIR, name, max_age=DEMO_MEDIA_MAX_AGE)
