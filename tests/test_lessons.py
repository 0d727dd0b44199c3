"""Lesson pages: the player or a placeholder, saving where the learner stopped, finishing a
lesson by playing it to the end, and "resume where I left off" on the course page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalogue.errors import NotFound, ValidationError
from catalogue.models import Event, Lesson, LessonPosition, MediaType, Note
from catalogue.services import playback
from catalogue.services.courses import CourseData, LessonData, create_course
from catalogue.services.users import register_user
from catalogue.timecodes import clock, parse_clock
from tests.helpers import login, make_provider, page_token
from webapp.views.lessons import player_kind

JSON = {"Accept": "application/json"}


def course_with_media(session):
    provider = make_provider(session).id
    data = CourseData(
        external_id="media-1",
        title="八段锦跟练",
        area="elderly",
        lessons=[
            LessonData(
                title="第一式",
                duration_seconds=600,
                media_type=MediaType.VIDEO,
                url="https://media.example.org/baduanjin/1.mp4",
            ),
            LessonData(
                title="第二式",
                duration_seconds=300,
                media_type=MediaType.VIDEO,
                url="https://www.example.org/course/2",
            ),
        ],
    )
    course = create_course(session, provider, data, publish=True)
    learner = register_user(session, "lu@example.cn", "password-123", "陆")
    session.commit()
    first, second = session.scalars(
        select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.position)
    ).all()
    return course.id, first, second, learner.id


def kinds(session, user_id):
    session.expire_all()
    rows = select(Event.kind).where(Event.user_id == user_id).order_by(Event.id)
    return [str(k) for k in session.scalars(rows)]


@pytest.mark.parametrize(
    ("media", "url", "kind"),
    [
        (MediaType.VIDEO, "https://cdn.example.org/a/lesson.MP4?token=1", "video"),
        (MediaType.VIDEO, "https://cdn.example.org/a/lesson.mp3", "audio"),
        (MediaType.AUDIO, "https://cdn.example.org/a/talk.m4a", "audio"),
        (MediaType.AUDIO, "https://cdn.example.org/a/talk.mp4", None),
        (MediaType.VIDEO, "https://www.icourse163.org/learn/X", None),
        (MediaType.TEXT, "https://example.org/book.mp3", None),
        (MediaType.VIDEO, None, None),
    ],
)
def test_the_player_is_used_only_for_media_files_the_browser_plays(media, url, kind):
    assert player_kind(media, url) == kind


def test_clock_times_round_trip_and_bad_ones_are_refused():
    assert all(parse_clock(clock(s)) == s for s in range(0, 4 * 3600, 37))
    for bad in ("2:5", "2:60", "1:60:00", "x", "", "1:2:3:4", "-5"):
        assert parse_clock(bad) is None, bad


def test_saving_a_position_starts_the_course_and_is_clamped(session):
    course, first, _second, learner = course_with_media(session)
    saved = playback.save_position(session, learner, course, first, 125)
    assert (saved.position_seconds, saved.finished) == (125, False)
    assert kinds(session, learner) == ["start"]
    playback.save_position(session, learner, course, first, 200)
    assert playback.position_in(session, learner, first) == 200
    assert kinds(session, learner) == ["start"]  # positions do not flood the events
    assert len(session.scalars(select(LessonPosition)).all()) == 1
    with pytest.raises(ValidationError):
        playback.save_position(session, learner, course, first, -1)
    with pytest.raises(NotFound):
        playback.save_position(session, learner, course + 1, first, 10)


def test_playing_to_the_end_finishes_the_lesson(session):
    course, first, second, learner = course_with_media(session)
    saved = playback.save_position(session, learner, course, first, 5000)
    assert saved.position_seconds == 600 and saved.finished and saved.course_fraction == 0.5
    assert kinds(session, learner) == ["start", "progress"]
    assert playback.resume_point(session, learner, course) is None  # finished: next lesson
    playback.save_position(session, learner, course, second, 40)
    resume = playback.resume_point(session, learner, course)
    assert (resume.lesson_id, resume.lesson_title, resume.position_seconds) == (
        second,
        "第二式",
        40,
    )
    playback.save_position(session, learner, course, second, 290)
    assert kinds(session, learner)[-2:] == ["progress", "complete"]


def test_the_lesson_page_plays_media_files_and_links_to_the_rest(client, session):
    course, first, second, _learner = course_with_media(session)
    video = client.get(f"/courses/{course}/lessons/{first}").get_data(as_text=True)
    assert '<video slot="media" class="media" controls preload="metadata"' in video
    assert "<media-controller" in video and "media-player.js" in video
    assert "hls.light.min.js" not in video  # a file, not a stream
    assert 'src="https://media.example.org/baduanjin/1.mp4"' in video
    assert "data-position-url" not in video  # a visitor's place is not kept
    page = client.get(f"/courses/{course}/lessons/{second}").get_data(as_text=True)
    assert "<video" not in page and 'href="https://www.example.org/course/2"' in page
    assert 'rel="prev"' in page and 'rel="next"' not in page
    assert client.get(f"/courses/{course}/lessons/999999").status_code == 404
    assert client.get(f"/courses/999999/lessons/{first}").status_code == 404
    csp = client.get(f"/courses/{course}/lessons/{first}").headers["Content-Security-Policy"]
    assert "media-src 'self' https:" in csp


def test_the_player_and_the_typed_time_save_the_position(client, session):
    course, first, second, learner = course_with_media(session)
    login(client, "lu@example.cn", "password-123")
    page = client.get(f"/courses/{course}/lessons/{first}").get_data(as_text=True)
    assert f'data-position-url="/courses/{course}/lessons/{first}/position"' in page
    token = page_token(client)
    answer = client.post(
        f"/courses/{course}/lessons/{first}/position",
        data={"csrf_token": token, "position": "95"},
        headers=JSON,
    ).get_json()
    assert answer == {"ok": True, "position": 95, "finished": False, "fraction": 0.0}
    assert 'data-start="95"' in client.get(f"/courses/{course}/lessons/{first}").get_data(
        as_text=True
    )
    # Without the script: a time typed as m:ss.
    client.post(
        f"/courses/{course}/lessons/{second}/position",
        data={"csrf_token": token, "position": "2:30"},
    )
    assert playback.position_in(session, learner, second) == 150
    course_page = client.get(f"/courses/{course}").get_data(as_text=True)
    assert "继续上次的学习：第二式 (2:30)" in course_page
    bad = client.post(
        f"/courses/{course}/lessons/{second}/position",
        data={"csrf_token": token, "position": "2:75"},
        headers=JSON,
    )
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "BAD_POSITION"
    assert playback.position_in(session, learner, second) == 150
    no_token = client.post(f"/courses/{course}/lessons/{second}/position", data={"position": "1"})
    assert no_token.status_code == 400


def test_a_note_taken_on_the_lesson_page_keeps_the_lesson_and_time(client, session):
    course, first, _second, learner = course_with_media(session)
    login(client, "lu@example.cn", "password-123")
    response = client.post(
        f"/courses/{course}/notes",
        data={
            "csrf_token": page_token(client),
            "body": "两手托天理三焦",
            "lesson_id": str(first),
            "position": "1:05",
            "next": f"/courses/{course}/lessons/{first}#lesson-note-heading",
        },
    )
    assert response.headers["Location"] == f"/courses/{course}/lessons/{first}#lesson-note-heading"
    note = session.scalars(select(Note)).one()
    assert (note.lesson_id, note.position_seconds) == (first, 65)
    assert "note" in kinds(session, learner)
