"""Activity events, popularity, columns, notes, comments and feedback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from catalogue.errors import NotFound, PermissionDenied, ValidationError
from catalogue.models import CommentStatus, CourseStats, utcnow
from catalogue.services import columns as columns_svc
from catalogue.services import moderation, social
from catalogue.services.activity import record_event, refresh_course_stats
from catalogue.services.courses import withdraw_course
from catalogue.services.users import register_user
from tests.helpers import make_course


@pytest.fixture
def learner(session):
    return register_user(session, "learner@example.cn", "password-1", "学员")


def test_events_validate_kind_value_and_course(session, learner):
    course = make_course(session)
    with pytest.raises(ValidationError):
        record_event(session, learner.id, course.id, "teleport")
    with pytest.raises(ValidationError):
        record_event(session, learner.id, course.id, "progress", value=1.5)
    draft = make_course(session, publish=False)
    with pytest.raises(NotFound):
        record_event(session, learner.id, draft.id, "view")
    other = make_course(session)
    with pytest.raises(NotFound):
        record_event(session, learner.id, course.id, "view", lesson_id=other.lessons[0].id)
    event = record_event(session, learner.id, course.id, "progress", value=0.5)
    assert event.id and event.value == 0.5


def test_stats_net_out_undo_events(session, learner):
    course = make_course(session)
    for kind in ("view", "view", "like", "unlike", "save", "unsave", "unsave"):
        record_event(session, learner.id, course.id, kind)
    assert refresh_course_stats(session) == 1
    stats = session.scalar(select(CourseStats))
    # Two views the same day by the same learner are one view (tests/test_popularity_gaming.py).
    assert (stats.views, stats.likes, stats.saves) == (1, 0, 0)
    assert stats.popularity == 1.0


def test_columns_respect_publish_window_and_order(session):
    a, b, c = (make_course(session, title=t) for t in ("八段锦", "广场舞", "智能手机"))
    now = utcnow()
    current = columns_svc.create_column(
        session, "smart-living", "智慧助老", publish_from=now - timedelta(days=1)
    )
    columns_svc.set_column_courses(session, current.id, [c.id, a.id, b.id, a.id])
    future = columns_svc.create_column(
        session, "next-year", "明年专题", publish_from=now + timedelta(days=30)
    )
    draft = columns_svc.create_column(session, "draft", "草稿")
    for column in (current, future):
        columns_svc.publish_column(session, column.id)
    withdraw_course(session, b.id)
    session.commit()
    shown = columns_svc.current_columns(session)
    assert [col.id for col, _ in shown] == [current.id]
    assert [course.id for course in shown[0][1]] == [c.id, a.id]
    assert draft.id not in [col.id for col, _ in shown]
    with pytest.raises(ValidationError):
        columns_svc.create_column(session, "bad slug!", "x")
    with pytest.raises(NotFound):
        columns_svc.set_column_courses(session, current.id, [999999])


def test_notes_are_private(session, learner):
    course = make_course(session)
    other = register_user(session, "other@example.cn", "password-1", "别人")
    note = social.add_note(
        session, learner.id, course.id, "第一讲很好", lesson_id=course.lessons[0].id,
        position_seconds=95,
    )  # fmt: skip
    assert [n.id for n in social.list_notes(session, learner.id)] == [note.id]
    assert social.list_notes(session, other.id) == []
    with pytest.raises(NotFound):
        social.update_note(session, other.id, note.id, "改掉")
    with pytest.raises(NotFound):
        social.delete_note(session, other.id, note.id)
    social.update_note(session, learner.id, note.id, "改好了")
    assert social.list_notes(session, learner.id)[0].body == "改好了"
    social.delete_note(session, learner.id, note.id)
    assert social.list_notes(session, learner.id) == []


def test_comments_replies_reports_and_moderation(session, learner):
    course = make_course(session)
    elsewhere = make_course(session)
    top = social.add_comment(session, learner.id, course.id, "<b>很实用</b>")
    reply = social.add_comment(session, learner.id, course.id, "同意", parent_id=top.id)
    with pytest.raises(NotFound):
        social.add_comment(session, learner.id, elsewhere.id, "串台", parent_id=top.id)
    with pytest.raises(ValidationError):
        social.add_comment(session, learner.id, course.id, "   ")
    social.report_comment(session, learner.id, reply.id, "广告")
    with pytest.raises(PermissionDenied):
        moderation.moderate_comment(session, reply.id, "hide", role="learner")
    moderation.moderate_comment(session, reply.id, "hide", role="editor")
    assert reply.status == CommentStatus.HIDDEN
    [thread] = social.comment_threads(session, course.id)
    assert thread.comment.id == top.id and thread.replies == []
    assert top.body == "<b>很实用</b>"  # stored as typed; escaping happens on output


def test_feedback_rating_range(session, learner):
    course = make_course(session)
    for bad in (0, 6, "five", None):
        with pytest.raises(ValidationError):
            social.give_feedback(session, learner.id, course.id, bad)
    assert social.give_feedback(session, learner.id, course.id, 5, "讲得清楚").rating == 5
