"""Learning time credited from saved positions, days by the learner's zone, streaks, goals
and goal reminders (records/learning_time.py, records/profile.py), on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from catalogue.errors import ValidationError
from catalogue.models import Lesson, Notification, User
from catalogue.services.users import register_user
from records import learning_time, profile
from records.models.learning_time import LearningDay, LearningGoal
from tests.helpers import make_course

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday, 10:00 in Shanghai.
T0 = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


@pytest.fixture
def learner(session):
    user = register_user(session, "time@example.com", "a-long-password-1", "学员")
    course = make_course(session, lessons=3)
    session.commit()
    lessons = list(session.scalars(select(Lesson.id).where(Lesson.course_id == course.id)))
    return user.id, course.id, lessons


def _save(session, learner, position, at, lesson=0):
    user_id, course_id, lessons = learner
    credited = learning_time.save_position(
        session, user_id, course_id, lessons[lesson], position, now=at
    )
    session.commit()
    return credited.seconds


def _days(session, user_id):
    rows = session.execute(
        select(LearningDay.day, LearningDay.seconds).where(LearningDay.user_id == user_id)
    )
    return dict(rows.all())


def test_playing_credits_the_time_between_saves(session, learner):
    assert _save(session, learner, 15, T0) == 15  # first save: at most 30 s
    assert _save(session, learner, 30, T0 + timedelta(seconds=15)) == 15
    assert _save(session, learner, 45, T0 + timedelta(seconds=30)) == 15
    assert learning_time.course_seconds(session, learner[0], learner[1]) == 45
    assert _days(session, learner[0]) == {date(2026, 11, 25): 45}


def test_a_seek_or_a_faster_rate_counts_only_the_wall_clock_time(session, learner):
    _save(session, learner, 10, T0)
    # Jumped 200 s ahead 20 s later: 20 s were spent.
    assert _save(session, learner, 210, T0 + timedelta(seconds=20)) == 20
    # Back to the start: nothing.
    assert _save(session, learner, 5, T0 + timedelta(seconds=40)) == 0
    assert learning_time.course_seconds(session, learner[0], learner[1]) == 10 + 20


def test_a_tab_left_open_or_a_long_gap_is_capped(session, learner):
    _save(session, learner, 0, T0)
    # Paused, left for an hour, then moved: no more than the cap for one save.
    credit = _save(session, learner, 280, T0 + timedelta(hours=1))
    assert credit == learning_time.MAX_CREDIT_PER_SAVE
    # The same position saved again: nothing.
    assert _save(session, learner, 280, T0 + timedelta(hours=1, seconds=15)) == 0


def test_first_save_is_capped_and_lessons_are_separate(session, learner):
    assert _save(session, learner, 290, T0) == learning_time.FIRST_SAVE_CREDIT
    assert _save(session, learner, 10, T0 + timedelta(seconds=10), lesson=1) == 10


def test_bad_positions_are_refused_and_credit_nothing(session, learner):
    user_id, course_id, lessons = learner
    with pytest.raises(ValidationError):
        learning_time.save_position(session, user_id, course_id, lessons[0], -5, now=T0)
    session.rollback()
    assert _days(session, user_id) == {}


def test_days_follow_the_learners_time_zone(session, learner):
    user_id = learner[0]
    # 23:59:50 on 25 November in Shanghai = 15:59:50 UTC.
    late = datetime(2026, 11, 25, 15, 59, 50, tzinfo=UTC)
    _save(session, learner, 0, late)
    _save(session, learner, 30, late + timedelta(seconds=30))  # crosses Shanghai midnight
    assert _days(session, user_id) == {date(2026, 11, 25): 10, date(2026, 11, 26): 20}
    # A learner in New York: the same moment is still 25 November there.
    session.get(User, user_id).time_zone = "America/New_York"
    session.commit()
    _save(session, learner, 0, late, lesson=1)
    _save(session, learner, 30, late + timedelta(seconds=30), lesson=1)
    assert _days(session, user_id)[date(2026, 11, 25)] == 10 + 30
    # An unknown zone name falls back to the site's.
    assert learning_time.zone_of("Mars/Olympus") == SHANGHAI


def test_add_time_adds_up_across_calls_and_courses(session, learner):
    user_id, course_id, _lessons = learner
    other = make_course(session, lessons=1).id
    session.commit()
    for _ in range(3):
        learning_time.add_time(session, user_id, course_id, 60, T0, SHANGHAI)
    learning_time.add_time(session, user_id, other, 90, T0, SHANGHAI)
    session.commit()
    day = date(2026, 11, 25)
    assert learning_time.seconds_in(session, user_id, None, day, day) == 270
    assert learning_time.seconds_in(session, user_id, [other], day, day) == 90
    assert learning_time.seconds_in(session, user_id, [], day, day) == 0
    assert learning_time.seconds_in(session, user_id, None, day + timedelta(days=1), day) == 0


def test_last_activity_is_the_latest_save_or_event(session, learner):
    user_id = learner[0]
    other = register_user(session, "idle@example.com", "a-long-password-1", "没来过").id
    session.commit()
    _save(session, learner, 15, T0)
    latest = learning_time.last_activity(session, [user_id, other])
    assert other not in latest
    # The save (T0) and the start event the first save wrote (now): the later one.
    assert latest[user_id] >= T0


def test_streaks():
    today = date(2026, 11, 25)
    days = {today - timedelta(days=i) for i in (1, 2, 3, 5, 6, 7, 8, 9)}
    streak = profile.streak_of(days, today)
    assert (streak.current, streak.longest, streak.learned_today) == (3, 5, False)
    assert profile.streak_of(days | {today}, today).current == 4
    assert profile.streak_of({today - timedelta(days=2)}, today).current == 0
    assert profile.streak_of(set(), today) == profile.Streak(0, 0, False)


def test_profile_figures(session, learner):
    user_id, course_id, _lessons = learner
    for back, minutes in ((0, 20), (1, 30), (2, 10), (9, 60)):
        learning_time.add_time(
            session, user_id, course_id, minutes * 60, T0 - timedelta(days=back), SHANGHAI
        )
    session.commit()
    page = profile.profile(session, user_id, SHANGHAI, now=T0)
    assert page.today == date(2026, 11, 25)
    assert len(page.days) == profile.DAYS and page.days[-1].minutes == 20
    assert [d.minutes for d in page.days[-3:]] == [10, 30, 20]
    assert len(page.weeks) == profile.WEEKS
    assert page.weeks[-1].start == date(2026, 11, 23)  # the Monday
    assert page.weeks[-1].minutes == 60 and page.weeks[-2].minutes == 60
    assert page.total_seconds == 120 * 60
    assert page.areas[0].seconds == 120 * 60
    assert page.streak.current == 3
    assert page.goal is None


def test_goals_and_their_progress(session, learner):
    user_id, course_id, _lessons = learner
    profile.set_goal(session, user_id, "3", True)
    session.commit()
    assert session.get(LearningGoal, user_id).weekly_minutes == 180
    profile.set_goal(session, user_id, "1,5", False)
    session.commit()
    # Last week's Sunday does not count for this week; Monday does.
    learning_time.add_time(
        session, user_id, course_id, 3600, datetime(2026, 11, 22, 12, tzinfo=UTC), SHANGHAI
    )
    learning_time.add_time(
        session, user_id, course_id, 1800, datetime(2026, 11, 23, 2, tzinfo=UTC), SHANGHAI
    )
    session.commit()
    goal = profile.goal_progress(session, user_id, SHANGHAI, now=T0)
    assert (goal.weekly_minutes, goal.reminders, goal.done_minutes) == (90, False, 30)
    assert goal.fraction == pytest.approx(1 / 3) and not goal.reached
    for bad in ("", "three", "0", "0.1", "101", "nan", "-2"):
        with pytest.raises(ValidationError):
            profile.set_goal(session, user_id, bad, True)
    assert profile.clear_goal(session, user_id) and not profile.clear_goal(session, user_id)


def test_behind_only_from_thursday_and_below_the_days_share():
    goal = profile.GoalProgress(180, True, date(2026, 11, 23), 30 * 60)
    assert not profile.is_behind(goal, date(2026, 11, 25))  # Wednesday
    assert profile.is_behind(goal, date(2026, 11, 26))  # Thursday: 30 < 3/7 of 180
    ahead = profile.GoalProgress(180, True, date(2026, 11, 23), 80 * 60)
    assert not profile.is_behind(ahead, date(2026, 11, 26))
    assert profile.is_behind(ahead, date(2026, 11, 29))  # Sunday: 80 < 6/7 of 180


def test_reminder_job_notifies_once_a_week_and_only_when_on(session, engine, learner):
    from catalogue.db import make_session_factory

    user_id, course_id, _lessons = learner
    quiet = register_user(session, "quiet@example.com", "a-long-password-1", "不要提醒").id
    done = register_user(session, "done@example.com", "a-long-password-1", "学够了").id
    profile.set_goal(session, user_id, "3", True)
    profile.set_goal(session, quiet, "3", False)
    profile.set_goal(session, done, "1", True)
    learning_time.add_time(session, done, course_id, 3600, T0, SHANGHAI)
    session.commit()
    thursday = T0 + timedelta(days=1, hours=10)  # Thursday 20:00 in Shanghai
    sessions = make_session_factory(engine)
    assert profile.send_goal_reminders(sessions, now=T0) == {"checked": 2, "sent": 0}
    assert profile.send_goal_reminders(sessions, now=thursday) == {"checked": 2, "sent": 1}
    assert profile.send_goal_reminders(sessions, now=thursday) == {"checked": 2, "sent": 0}
    session.expire_all()
    notes = session.scalars(select(Notification)).all()
    assert [(n.user_id, n.kind) for n in notes] == [(user_id, "goal_behind")]
    assert notes[0].data == {"done_minutes": 0, "weekly_minutes": 180}
    # The next week both are behind (last week's hour does not count), each reminded again.
    assert profile.send_goal_reminders(sessions, now=thursday + timedelta(days=7))["sent"] == 2


def test_seed_learning_is_idempotent(session, learner):
    user_id, course_id, _lessons = learner
    profile.seed_learning(session, [user_id], [course_id], now=T0)
    session.commit()
    first = _days(session, user_id)
    assert len(first) > 20 and session.get(LearningGoal, user_id).weekly_minutes == 180
    profile.seed_learning(session, [user_id], [course_id], now=T0)
    session.commit()
    assert _days(session, user_id) == first
    assert profile.profile(session, user_id, SHANGHAI, now=T0).streak.current >= 7


def test_seed_demo_makes_a_demo_learner_once(session, learner):
    user_id = profile.seed_demo(session, now=T0)
    session.commit()
    assert user_id is not None and user_id != learner[0]
    assert profile.seed_demo(session, now=T0) == user_id
    session.commit()
    page = profile.profile(session, user_id, SHANGHAI, now=T0)
    assert page.total_seconds > 0 and page.goal is not None and page.in_progress
    # A named learner (an existing account) instead of the demo one.
    assert profile.seed_demo(session, "time@example.com", now=T0) == learner[0]


def test_reading_a_text_lesson_is_credited_like_playing(session):
    from catalogue.models import MediaType
    from catalogue.services.courses import CourseData, LessonData, create_course
    from catalogue.services.providers import create_provider

    user_id = register_user(session, "reader@example.com", "a-long-password-1", "读者").id
    provider = create_provider(session, "读书会", "university").id
    text = "第一段。\n\n" * 200
    course = create_course(
        session,
        provider,
        CourseData(
            external_id="reading-1",
            title="读书",
            area=make_course(session).area,
            lessons=[
                LessonData(
                    title="一篇文章", media_type=MediaType.TEXT, body=text, duration_seconds=600
                )
            ],
        ),
        publish=True,
    )
    session.commit()
    lesson = session.scalar(select(Lesson.id).where(Lesson.course_id == course.id))
    reader = (user_id, course.id, [lesson])
    # Scrolled a screen at a time: the reading position (seconds of reading time) moves on.
    assert _save(session, reader, 20, T0) == 20
    assert _save(session, reader, 80, T0 + timedelta(seconds=70)) == 60
    # Scrolled to the end at once, 5 s later: 5 s.
    assert _save(session, reader, 600, T0 + timedelta(seconds=75)) == 5
    assert learning_time.course_seconds(session, user_id, course.id) == 85
