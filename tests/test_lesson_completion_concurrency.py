"""A course's completion when its last lessons are finished at the same moment (two tabs, a
phone and a tablet): the finishes of one learner are serialised, so the later one sees the
earlier one's lesson, records the full fraction and the completion, once; a course left
uncompleted with every lesson finished (by the defect this guards against) is completed by
the learner's next finish or save."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from catalogue.db import make_session_factory
from catalogue.models import Event, EventKind, Lesson
from catalogue.services import engagement
from catalogue.services.activity import record_event
from catalogue.services.users import register_user
from records import certificates as certs
from records import learning_time
from records.models.certificates import Certificate
from records.models.progress import CourseProgress
from records.signing import Signer, load_signer
from tests.helpers import make_course

BASE = "https://learn.example.cn"
ROUNDS = 4
LESSONS = 3


@pytest.fixture
def signer(tmp_path) -> Signer:
    return load_signer(tmp_path / "keys")


def _course(session) -> tuple[int, list[int]]:
    course = make_course(session, lessons=LESSONS)
    session.commit()
    lessons = list(
        session.scalars(
            select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.position)
        )
    )
    return course.id, lessons


def _standing(session, user_id: int, course_id: int) -> dict:
    session.expire_all()
    completions = session.scalar(
        select(func.count()).where(
            Event.user_id == user_id,
            Event.course_id == course_id,
            Event.kind == EventKind.COMPLETE,
        )
    )
    best = session.scalar(
        select(func.max(Event.value)).where(
            Event.user_id == user_id,
            Event.course_id == course_id,
            Event.kind == EventKind.PROGRESS,
        )
    )
    kept = session.get(CourseProgress, (user_id, course_id))
    certificates = session.scalar(
        select(func.count()).where(
            Certificate.user_id == user_id, Certificate.course_id == course_id
        )
    )
    return {
        "completions": completions,
        "progress": best,
        "kept": (kept.progress, kept.completed) if kept else None,
        "certificates": certificates,
        "fraction": engagement.lesson_progress(session, user_id, course_id).fraction,
    }


COMPLETED = {
    "completions": 1,
    "progress": 1.0,
    "kept": (1.0, True),
    "certificates": 1,
    "fraction": 1.0,
}


def _at_once(engine, work: Callable, lessons: list[int]) -> list[BaseException]:
    """Run `work(session, lesson)` for each lesson in its own thread and session, released
    together by a barrier, each committing; the errors raised."""
    factory = make_session_factory(engine)
    barrier = threading.Barrier(len(lessons))
    errors: list[BaseException] = []

    def run(lesson: int) -> None:
        with factory() as own:
            try:
                barrier.wait(10)
                work(own, lesson)
                own.commit()
            except Exception as exc:  # reported by the caller
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(lesson,)) for lesson in lessons]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a finish hung"
    return errors


def test_the_last_two_lessons_finished_at_once_complete_the_course_once(engine, session, signer):
    course_id, lessons = _course(session)
    for round_ in range(ROUNDS):
        learner = register_user(session, f"both-{round_}@example.cn", "pass-word-123", "两台")
        session.commit()
        engagement.finish_lesson(session, learner.id, course_id, lessons[0])
        session.commit()

        def finish(own, lesson, user_id=learner.id):
            engagement.finish_lesson(own, user_id, course_id, lesson)
            certs.issue_if_complete(own, user_id, course_id, signer, BASE)

        assert _at_once(engine, finish, lessons[1:]) == []
        assert _standing(session, learner.id, course_id) == COMPLETED, f"round {round_}"


def test_the_last_two_lessons_saved_at_their_end_at_once_complete_the_course_once(
    engine, session, signer
):
    course_id, lessons = _course(session)
    for round_ in range(ROUNDS):
        learner = register_user(session, f"saves-{round_}@example.cn", "pass-word-123", "播放")
        session.commit()
        learning_time.save_position(session, learner.id, course_id, lessons[0], 300)
        session.commit()

        def save(own, lesson, user_id=learner.id):
            learning_time.save_position(own, user_id, course_id, lesson, 300)
            certs.issue_if_complete(own, user_id, course_id, signer, BASE)

        assert _at_once(engine, save, lessons[1:]) == []
        assert _standing(session, learner.id, course_id) == COMPLETED, f"round {round_}"


def test_every_lesson_finished_at_once_completes_the_course_once(engine, session, signer):
    course_id, lessons = _course(session)
    learner = register_user(session, "all@example.cn", "pass-word-123", "全部")
    session.commit()

    def finish(own, lesson):
        engagement.finish_lesson(own, learner.id, course_id, lesson)
        certs.issue_if_complete(own, learner.id, course_id, signer, BASE)

    assert _at_once(engine, finish, lessons + lessons) == []
    assert _standing(session, learner.id, course_id) == COMPLETED
    starts = session.scalar(
        select(func.count()).where(Event.user_id == learner.id, Event.kind == EventKind.START)
    )
    assert starts == 1


def test_first_saves_of_different_lessons_at_once_start_the_course_once(engine, session):
    course_id, lessons = _course(session)
    for round_ in range(ROUNDS):
        learner = register_user(session, f"first-{round_}@example.cn", "pass-word-123", "开始")
        session.commit()

        def save(own, lesson, user_id=learner.id):
            learning_time.save_position(own, user_id, course_id, lesson, 20)

        assert _at_once(engine, save, lessons) == []
        session.expire_all()
        starts = session.scalar(
            select(func.count()).where(
                Event.user_id == learner.id,
                Event.course_id == course_id,
                Event.kind == EventKind.START,
            )
        )
        assert starts == 1, f"round {round_}"


def _stuck(session, course_id: int, lessons: list[int], email: str) -> int:
    """A learner with every lesson finished but no completion, as the lost write left them:
    the last two progress events each counted only its own lesson."""
    learner = register_user(session, email, "pass-word-123", "卡住")
    session.commit()
    engagement.finish_lesson(session, learner.id, course_id, lessons[0])
    for lesson in lessons[1:]:
        record_event(
            session, learner.id, course_id, EventKind.PROGRESS, value=2 / 3, lesson_id=lesson
        )
    session.commit()
    assert _standing(session, learner.id, course_id)["completions"] == 0
    return learner.id


def test_finishing_a_lesson_again_completes_a_course_left_uncompleted(session, signer):
    course_id, lessons = _course(session)
    learner = _stuck(session, course_id, lessons, "again@example.cn")
    assert engagement.finish_lesson(session, learner, course_id, lessons[1]) == 1.0
    certs.issue_if_complete(session, learner, course_id, signer, BASE)
    session.commit()
    assert _standing(session, learner, course_id) == COMPLETED
    # Once complete, finishing again writes nothing.
    events = session.scalar(select(func.count()).where(Event.user_id == learner))
    assert engagement.finish_lesson(session, learner, course_id, lessons[2]) == 1.0
    session.commit()
    assert session.scalar(select(func.count()).where(Event.user_id == learner)) == events


def test_saving_a_position_completes_a_course_left_uncompleted(session, signer):
    course_id, lessons = _course(session)
    learner = _stuck(session, course_id, lessons, "save@example.cn")
    saved = learning_time.save_position(session, learner, course_id, lessons[0], 20).saved
    assert not saved.finished and saved.course_fraction == 1.0
    certs.issue_if_complete(session, learner, course_id, signer, BASE)
    session.commit()
    assert _standing(session, learner, course_id) == COMPLETED


def test_first_saves_of_a_lesson_from_two_tabs_at_once_are_both_answered(app, session) -> None:
    """Two tabs of one learner save a lesson's first position at the same moment through a
    real threaded server: both insert the position row; the second is run again as an
    update, so neither gets a 5xx and one row per lesson holds one of the two positions."""
    from collections import Counter

    from catalogue.models import LessonPosition
    from tests.browser_support import serving
    from tests.test_concurrency import Browser

    course_id, lessons = _course(session)
    password = "two-tabs-2026-pass"
    user = register_user(session, "tabs@example.cn", password, "学员")
    session.commit()
    outcomes: Counter = Counter()
    failures: list[str] = []
    with serving(app) as base:
        tabs = [Browser(base, outcomes, failures) for _ in range(2)]
        for tab in tabs:
            tab.request("GET", "/login")
            tab.post("/login", {"email": "tabs@example.cn", "password": password})
        assert failures == []
        for lesson_id in lessons:
            barrier = threading.Barrier(2)

            def save(tab: Browser, seconds: int, lesson_id=lesson_id, barrier=barrier) -> None:
                barrier.wait()
                path = f"/courses/{course_id}/lessons/{lesson_id}/position"
                tab.post(path, {"position": f"0:{seconds}"})

            threads = [
                threading.Thread(target=save, args=(tab, 20 + n)) for n, tab in enumerate(tabs)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
    assert failures == []
    assert outcomes[5] == 0
    session.expire_all()
    rows = session.scalars(select(LessonPosition).where(LessonPosition.user_id == user.id)).all()
    assert sorted(row.lesson_id for row in rows) == sorted(lessons)
    assert {row.position_seconds for row in rows} <= {20, 21}
