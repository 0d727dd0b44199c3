"""The app API's learner routes: the account and its settings, courses and lessons, like and
save, positions and progress, my learning, and the learning profile. Each view parses the
request, calls the service the site's own page calls, and answers JSON."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from catalogue.models import Course, Lesson
from catalogue.services import app_api as app_service
from catalogue.services import courses as course_service
from catalogue.services import engagement, playback
from catalogue.services import notifications as notification_service
from catalogue.services import users as user_service
from catalogue.services.engagement import LearningEntry
from records import learning_time
from records import profile as profile_service
from records.learning_time import zone_of
from webapp.api_auth import app_token_required, user_id
from webapp.app_writes import StillConflicting, twice_on_duplicate
from webapp.credentials import issue_course_certificate
from webapp.db import get_session
from webapp.feed_tracking import PARAMETER as FEED_PARAMETER
from webapp.feed_tracking import opened as feed_opened
from webapp.settings import get_settings
from webapp.views.app_api import ApiProblem, bp, field_error, iso, json_body, whole_number
from webapp.views.lessons import player_kind

SETTINGS_FIELDS = frozenset(
    {"caring_mode", "text_size", "preferred_language", "time_zone", "interest_areas"}
)


def _site_zone() -> str:
    return get_settings().jobs_timezone


def account_json(uid: int) -> dict[str, Any]:
    """The learner's account, caring-mode settings and language."""
    db = get_session()
    user = user_service.get_user(db, uid)
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "role": str(user.role.value),
        "preferred_language": user.preferred_language,
        "time_zone": user.time_zone,
        "interest_areas": list(user.interest_areas or []),
        "caring_mode": {"enabled": bool(user.caring_mode), "text_size": user.text_size},
        "unread_notifications": notification_service.unread_count(db, uid),
    }


@bp.route("/me")
@app_token_required
def me():
    """The signed-in learner's account and settings."""
    return jsonify(account_json(user_id()))


@bp.route("/me/settings", methods=["PUT", "PATCH"])
@app_token_required
def settings():
    """Change caring mode (on/off, text size), language, time zone or interest areas; fields
    left out stay as they are."""
    data = json_body()
    unknown = sorted(set(data) - SETTINGS_FIELDS)
    if unknown:
        raise field_error(unknown[0], "UNKNOWN_FIELD", "not a setting")
    changes: dict[str, Any] = {}
    if "caring_mode" in data:
        if not isinstance(data["caring_mode"], bool):
            raise field_error("caring_mode", "NOT_BOOLEAN", "must be true or false")
        changes["caring_mode"] = data["caring_mode"]
    for name in ("text_size", "preferred_language"):
        if name in data:
            if not isinstance(data[name], str):
                raise field_error(name, "INVALID_CHOICE", "must be one of the choices")
            changes[name] = data[name]
    if "time_zone" in data:
        zone = data["time_zone"]
        if zone is None:
            changes["clear_time_zone"] = True
        elif isinstance(zone, str) and zone:
            changes["time_zone"] = zone
        else:
            raise field_error("time_zone", "INVALID_CHOICE", "an IANA time zone name, or null")
    if "interest_areas" in data:
        areas = data["interest_areas"]
        if not isinstance(areas, list) or not all(isinstance(a, str) for a in areas):
            raise field_error("interest_areas", "INVALID_CHOICE", "a list of area names")
        changes["interest_areas"] = areas
    db = get_session()
    user_service.update_preferences(db, user_id(), **changes)
    db.commit()
    return jsonify(account_json(user_id()))


def lesson_json(lesson: Lesson, done: frozenset[int]) -> dict[str, Any]:
    """A lesson as listed in its course."""
    return {
        "id": lesson.id,
        "position": lesson.position,
        "title": lesson.title,
        "media_type": str(lesson.media_type.value),
        "duration_seconds": lesson.duration_seconds,
        "done": lesson.id in done,
    }


def course_json(course: Course) -> dict[str, Any]:
    """A course's public description."""
    return {
        "id": course.id,
        "title": course.title,
        "subtitle": course.subtitle,
        "description": course.description,
        "area": str(course.area.value),
        "subjects": list(course.subjects or []),
        "format": str(course.format.value),
        "level": str(course.level.value),
        "language": course.language,
        "duration_minutes": course.duration_minutes,
        "provider": {"id": course.provider.id, "name": course.provider.name},
        "cover_url": course.cover_url,
        "source_url": course.source_url,
        "is_free": course.is_free,
    }


@bp.route("/courses/<int:course_id>")
@app_token_required
def course(course_id: int):
    """A course with its lessons and where the learner stands with it."""
    db = get_session()
    found = course_service.get_published_course(db, course_id)
    uid = user_id()
    feed_opened(course_id, request.args.get(FEED_PARAMETER))  # opened from a feed's item
    standing = engagement.standing(db, uid, course_id)
    progress = engagement.lesson_progress(db, uid, course_id)
    resume = playback.resume_point(db, uid, course_id)
    return jsonify(
        **course_json(found),
        lessons=[lesson_json(lesson, progress.done) for lesson in found.lessons],
        me={
            "liked": standing.liked,
            "saved": standing.saved,
            "completed": standing.completed,
            "progress": progress.fraction,
            "next_lesson_id": progress.resume_lesson_id,
            "resume": None
            if resume is None
            else {"lesson_id": resume.lesson_id, "position_seconds": resume.position_seconds},
        },
    )


@bp.route("/lessons/<int:lesson_id>")
@app_token_required
def lesson(lesson_id: int):
    """A lesson: its media link (or reading text) and the learner's position in it."""
    db = get_session()
    course_id = app_service.lesson_course_id(db, lesson_id)
    found = course_service.get_published_course(db, course_id)
    current = next((item for item in found.lessons if item.id == lesson_id), None)
    if current is None:
        raise ApiProblem(404, "NOT_FOUND", "未找到 / Not found")
    uid = user_id()
    done = engagement.lesson_progress(db, uid, course_id).done
    body = course_service.lesson_body(db, lesson_id)
    ids = [item.id for item in found.lessons]
    index = ids.index(lesson_id)
    return jsonify(
        **lesson_json(current, done),
        course_id=course_id,
        url=current.url,
        captions_url=current.captions_url,
        player=None if body else player_kind(current.media_type, current.url),
        text=None if body is None else {"body": body[0], "format": str(body[1].value)},
        previous_lesson_id=ids[index - 1] if index > 0 else None,
        next_lesson_id=ids[index + 1] if index + 1 < len(ids) else None,
        position_seconds=playback.position_in(db, uid, lesson_id),
    )


def _set(course_id: int, action: str, wanted: bool):
    db = get_session()
    uid = user_id()
    course_service.get_published_course(db, course_id)
    standing = engagement.standing(db, uid, course_id)
    now_on = standing.liked if action == "like" else standing.saved
    if now_on != wanted:
        now_on = engagement.toggle(db, uid, course_id, action)
        db.commit()
    key = "liked" if action == "like" else "saved"
    return jsonify({"course_id": course_id, key: now_on})


# One rule per path (all its methods): Werkzeug answers 405 instead of 404 for an id out of
# range when a path's methods are split over several rules.
@bp.route("/courses/<int:course_id>/like", methods=["PUT", "DELETE"])
@app_token_required
def like(course_id: int):
    """Like a course (PUT), or take the like back (DELETE); both idempotent."""
    return _set(course_id, "like", request.method == "PUT")


@bp.route("/courses/<int:course_id>/save", methods=["PUT", "DELETE"])
@app_token_required
def save(course_id: int):
    """Save (bookmark) a course (PUT), or remove it from the saved ones (DELETE)."""
    return _set(course_id, "save", request.method == "PUT")


def _position_value(data: dict[str, Any]) -> int:
    value = whole_number(data.get("position_seconds"))
    if value is None:
        raise field_error("position_seconds", "NOT_INTEGER", "whole seconds from the start")
    if not 0 <= value <= playback.MAX_POSITION:
        raise field_error(
            "position_seconds", "OUT_OF_RANGE", f"between 0 and {playback.MAX_POSITION}"
        )
    return value


@bp.route("/lessons/<int:lesson_id>/position", methods=["GET", "PUT"])
@app_token_required
def position(lesson_id: int):
    """GET: where the learner stopped in a lesson. PUT: remember where the learner is (as the
    site's player does; credits learning time; played almost to its end counts as finished)."""
    if request.method == "GET":
        return get_position(lesson_id)
    seconds = _position_value(json_body())
    db = get_session()
    course_id = app_service.lesson_course_id(db, lesson_id)
    uid = user_id()

    def work():
        saved = learning_time.save_position(
            db, uid, course_id, lesson_id, seconds, site_zone=_site_zone()
        ).saved
        issue_course_certificate(db, uid, course_id)
        return saved

    try:
        saved = twice_on_duplicate(db, work)
    except StillConflicting:
        raise ApiProblem(
            409, "CHANGED_MEANWHILE", "请重试 / Saved elsewhere at the same moment: retry"
        ) from None
    return jsonify(
        lesson_id=lesson_id,
        course_id=course_id,
        position_seconds=saved.position_seconds,
        finished=saved.finished,
        course_progress=saved.course_fraction,
    )


def get_position(lesson_id: int):
    """Where the learner stopped in a lesson (0 if never)."""
    db = get_session()
    app_service.lesson_course_id(db, lesson_id)
    return jsonify(
        lesson_id=lesson_id, position_seconds=playback.position_in(db, user_id(), lesson_id)
    )


@bp.route("/lessons/<int:lesson_id>/complete", methods=["POST"])
@app_token_required
def complete(lesson_id: int):
    """Mark a lesson finished ("学完这一讲"); a certificate follows when its rule is met."""
    db = get_session()
    course_id = app_service.lesson_course_id(db, lesson_id)
    uid = user_id()
    fraction = engagement.finish_lesson(db, uid, course_id, lesson_id)
    issue_course_certificate(db, uid, course_id)
    db.commit()
    return jsonify(
        lesson_id=lesson_id,
        course_id=course_id,
        course_progress=fraction,
        course_completed=fraction >= 1.0,
    )


def entry_json(entry: LearningEntry) -> dict[str, Any]:
    """A course on one of the "my learning" lists."""
    return {
        "course_id": entry.course_id,
        "title": entry.title,
        "area": entry.area,
        "duration_minutes": entry.duration_minutes,
        "at": iso(entry.at),
        "progress": entry.progress,
    }


@bp.route("/me/learning")
@app_token_required
def my_learning():
    """Saved, in-progress, completed and recently viewed courses (50 newest of each)."""
    lists = engagement.my_learning(get_session(), user_id())
    return jsonify(
        saved=[entry_json(e) for e in lists.saved],
        in_progress=[entry_json(e) for e in lists.in_progress],
        completed=[entry_json(e) for e in lists.completed],
        history=[entry_json(e) for e in lists.history],
    )


def _zone():
    db = get_session()
    return zone_of(user_service.get_user(db, user_id()).time_zone, _site_zone())


def goal_json(goal) -> dict[str, Any] | None:
    """The weekly goal and this week's progress, or None."""
    if goal is None:
        return None
    return {
        "weekly_minutes": goal.weekly_minutes,
        "reminders": goal.reminders,
        "week_start": goal.week_start.isoformat(),
        "done_minutes": goal.done_minutes,
        "fraction": goal.fraction,
        "reached": goal.reached,
    }


@bp.route("/me/profile")
@app_token_required
def profile():
    """The learning profile: learning time by day and week, areas, streak, goal."""
    data = profile_service.profile(get_session(), user_id(), _zone())
    return jsonify(
        today=data.today.isoformat(),
        total_seconds=data.total_seconds,
        courses_with_time=data.courses_with_time,
        days=[{"date": p.start.isoformat(), "seconds": p.seconds} for p in data.days],
        weeks=[{"week_start": p.start.isoformat(), "seconds": p.seconds} for p in data.weeks],
        areas=[{"name": s.name, "seconds": s.seconds} for s in data.areas],
        subjects=[{"name": s.name, "seconds": s.seconds} for s in data.subjects],
        notes=data.notes,
        streak={
            "current": data.streak.current,
            "longest": data.streak.longest,
            "learned_today": data.streak.learned_today,
        },
        goal=goal_json(data.goal),
        in_progress=len(data.in_progress),
        completed=len(data.completed),
    )


@bp.route("/me/profile/goal", methods=["PUT"])
@app_token_required
def set_goal():
    """Set the weekly goal: {"weekly_hours": 0.5–100, "reminders": bool}."""
    data = json_body()
    hours = data.get("weekly_hours")
    if isinstance(hours, bool) or not isinstance(hours, int | float):
        raise field_error("weekly_hours", "NOT_A_NUMBER", "hours per week, a number")
    reminders = data.get("reminders", True)
    if not isinstance(reminders, bool):
        raise field_error("reminders", "NOT_BOOLEAN", "must be true or false")
    db = get_session()
    try:
        twice_on_duplicate(
            db, lambda: profile_service.set_goal(db, user_id(), str(hours), reminders)
        )
    except StillConflicting:
        raise ApiProblem(
            409, "CHANGED_MEANWHILE", "请重试 / Changed at the same moment: retry"
        ) from None
    goal = profile_service.goal_progress(db, user_id(), _zone())
    return jsonify(goal=goal_json(goal))


@bp.route("/me/profile/goal", methods=["DELETE"])
@app_token_required
def clear_goal():
    """Remove the weekly goal."""
    db = get_session()
    if profile_service.clear_goal(db, user_id()):
        db.commit()
    return "", 204
