"""The profile page: learning time from the player's saves, figures as tables, goals and
reminders through the forms, privacy, bad input (records/profile views)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from catalogue.models import Lesson, LessonPosition, utcnow
from catalogue.services.users import register_user
from records.models.learning_time import LearningDay, LearningGoal
from tests.helpers import csrf_token, login, make_course, make_provider

PASSWORD = "password-123"


def setup(session):
    provider = make_provider(session).id
    course = make_course(session, provider, title="<b>太极</b>拳入门", subjects=["太极拳"])
    lesson = session.scalars(select(Lesson).where(Lesson.course_id == course.id)).first()
    register_user(session, "ann@example.cn", PASSWORD, "Ann")
    register_user(session, "bob@example.cn", PASSWORD, "Bob")
    session.commit()
    return course, lesson


def save(client, course_id: int, lesson_id: int, seconds: int):
    token = csrf_token(client.get(f"/courses/{course_id}/lessons/{lesson_id}").get_data(True))
    return client.post(
        f"/courses/{course_id}/lessons/{lesson_id}/position",
        data={"csrf_token": token, "position": str(seconds)},
        headers={"Accept": "application/json"},
    )


def profile_token(client) -> str:
    return csrf_token(client.get("/me/profile").get_data(as_text=True))


def test_playing_shows_as_learning_time_on_the_profile(client, session):
    course, lesson = setup(session)
    login(client, "ann@example.cn", PASSWORD)
    assert save(client, course.id, lesson.id, 15).status_code == 200
    # The next save comes 75 s later (the previous save's time is moved back to say so).
    session.execute(
        LessonPosition.__table__.update().values(updated_at=utcnow() - timedelta(seconds=75))
    )
    session.commit()
    assert save(client, course.id, lesson.id, 90).status_code == 200
    session.expire_all()
    assert session.scalar(select(LearningDay.seconds)) == 15 + 75
    page = client.get("/me/profile").get_data(as_text=True)
    assert "我的学习档案" in page or "My learning profile" in page
    assert '<td data-value="1">1</td>' in page  # 90 s: one whole minute today
    assert "<table" in page and "<caption>" in page and "chart.umd.min.js" in page
    assert "太极拳" in page
    # The course title is escaped wherever it shows.
    assert "<b>太极</b>" not in page and "&lt;b&gt;太极&lt;/b&gt;" in page


def test_the_profile_is_private(client, session):
    course, lesson = setup(session)
    assert client.get("/me/profile").status_code == 302  # to log in
    login(client, "ann@example.cn", PASSWORD)
    save(client, course.id, lesson.id, 20)
    client.post("/logout", data={"csrf_token": profile_token(client)})
    login(client, "bob@example.cn", PASSWORD)
    page = client.get("/me/profile").get_data(as_text=True)
    assert '<td data-value="0">0</td>' in page and "太极拳" not in page
    # There is no way to name another learner: other paths are not pages.
    assert client.get("/me/profile/1").status_code == 404


def test_goal_reminders_and_removal_through_the_forms(client, session):
    setup(session)
    login(client, "ann@example.cn", PASSWORD)
    response = client.post(
        "/me/profile/goal",
        data={"csrf_token": profile_token(client), "hours": "3", "reminders": "y"},
    )
    assert response.status_code == 302
    session.expire_all()
    goal = session.get(LearningGoal, session.scalar(select(LearningGoal.user_id)))
    assert (goal.weekly_minutes, goal.reminders) == (180, True)
    page = client.get("/me/profile").get_data(as_text=True)
    assert 'value="3"' in page
    client.post("/me/profile/goal/reminders", data={"csrf_token": profile_token(client), "on": "0"})
    session.expire_all()
    assert session.scalar(select(LearningGoal.reminders)) is False
    client.post("/me/profile/goal/delete", data={"csrf_token": profile_token(client)})
    session.expire_all()
    assert session.scalar(select(LearningGoal.user_id)) is None


def test_bad_goals_and_forged_forms_are_refused(client, session):
    setup(session)
    login(client, "ann@example.cn", PASSWORD)
    for hours, words in (("lots", "例如 3"), ("500", "0.5"), ("", "例如 3")):
        response = client.post(
            "/me/profile/goal", data={"csrf_token": profile_token(client), "hours": hours}
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and 'aria-invalid="true"' in page, hours
        assert words in page or "for example 3" in page or "0.5" in page
    assert client.post("/me/profile/goal", data={"hours": "3"}).status_code == 400  # no CSRF
    assert client.post("/me/profile/goal/reminders", data={"on": "0"}).status_code == 400
    bad = client.post(
        "/me/profile/goal/reminders", data={"csrf_token": profile_token(client), "on": "maybe"}
    )
    assert bad.status_code == 400
    assert session.scalar(select(LearningGoal.user_id)) is None


def test_caring_mode_keeps_the_table(client, session):
    setup(session)
    login(client, "ann@example.cn", PASSWORD)
    client.post("/caring", data={"on": "1", "csrf_token": profile_token(client)})
    page = client.get("/me/profile").get_data(as_text=True)
    assert 'class="caring text-' in page and "<table" in page


def test_the_goal_reminders_job_is_registered_and_runs(app, session):
    from jobs.registry import get_job
    from jobs.runner import run_job
    from webapp.db import get_database
    from webapp.settings import get_settings

    setup(session)
    outcome, figures = run_job(
        get_job("goal-reminders"),
        get_settings(app).job_context(),
        get_database(app).sessions,
        trigger="test",
    )
    assert outcome.value == "succeeded", figures
    assert figures == {"checked": 0, "sent": 0}
