"""The mails the jobs worker queues itself: the daily digest of unread notifications and
learning reminders. The real job functions run against the real database and the tests read
the outbox; nothing is mailed twice, even by two runs at once; the account page turns them
on and off, and so does the signed link in every such mail, without logging in."""

from __future__ import annotations

import dataclasses
import re
import threading
from datetime import timedelta
from functools import partial

import pytest
from sqlalchemy import func, select
from werkzeug.routing import RequestRedirect

from catalogue import mail_texts
from catalogue.db import make_session_factory
from catalogue.models import Event, EventKind, LessonPosition, OutgoingMail, User
from catalogue.models import utcnow as now_utc
from catalogue.services import columns as column_service
from catalogue.services import digests, notifications, social
from catalogue.services.mail_links import BadStopLink, MailLinks, read_stop_token, stop_token
from catalogue.services.users import register_user
from jobs import tasks
from jobs.registry import get_job
from jobs.runner import run_job
from tests.helpers import csrf_token, login, make_course
from webapp.db import get_database
from webapp.messages import JOB_DESCRIPTIONS, JOB_FIGURES
from webapp.settings import get_settings

PASSWORD = "mail-jobs-pass-2026"
SITE = "https://learn.example.cn"


def _context(app):
    return dataclasses.replace(get_settings(app).job_context(), site_url=SITE)


def _run(app, job_id: str) -> dict:
    outcome, figures = run_job(
        get_job(job_id), _context(app), get_database(app).sessions, trigger="test"
    )
    assert outcome.value == "succeeded", figures
    return figures


def _mails(session, kind: str) -> list[OutgoingMail]:
    session.expire_all()
    return list(
        session.scalars(select(OutgoingMail).where(OutgoingMail.kind == kind).order_by("id"))
    )


def _user(session, name: str, language: str = "zh", **fields) -> int:
    user = register_user(session, f"{name}@example.cn", PASSWORD, name, preferred_language=language)
    for key, value in fields.items():
        setattr(user, key, value)
    session.flush()
    return user.id


def _notify(session, user_id: int, course_id: int, text: str = "说得好") -> None:
    notifications.notify(
        session, user_id, notifications.REPLY, author="王伯伯", course_id=course_id,
        course_title="书法入门", comment_id=1, excerpt=text,
    )  # fmt: skip


def _reply_to(session, user_id: int, course_id: int, by: int, text: str = "说得好") -> None:
    top = social.add_comment(session, user_id, course_id, f"我的问题 {text}")
    social.add_comment(session, by, course_id, text, parent_id=top.id)


# -- the digest ---------------------------------------------------------------------------


def test_the_digest_mails_each_account_its_new_unread_notifications_once(app, session):
    course = make_course(session, title="书法入门").id
    mei = _user(session, "mei")
    wang = _user(session, "wang", "en")
    quiet = _user(session, "quiet", digest_mail=False)
    unconfirmed = _user(session, "unconfirmed", email_verified_at=None)
    gone = _user(session, "gone", is_active=False)
    replier = _user(session, "replier")
    column = column_service.create_column(session, "tea", "茶文化专题")
    column_service.publish_column(session, column.id)
    for learner in (mei, wang):
        column_service.follow_column(session, learner, "tea")
    for learner in (mei, wang, quiet, unconfirmed, gone):
        _reply_to(session, learner, course, replier)
    column_service.add_column_course(session, column.id, make_course(session, title="普洱").id)
    # Read already, or older than a week: not in the digest.
    notifications.notify(session, mei, notifications.REPLY, author="旧", course_title="旧课")
    old = notifications.notify(session, wang, notifications.REPLY, author="x", course_title="y")
    session.flush()
    old.created_at = now_utc() - timedelta(days=8)
    read = notifications.notify(session, mei, notifications.REPLY, author="读", course_title="读")
    read.read_at = now_utc()
    session.commit()

    figures = _run(app, "notification-digest")
    assert figures == {"mails": 2, "notifications": 5}
    mails = {m.to_address: m for m in _mails(session, "digest")}
    assert set(mails) == {"mei@example.cn", "wang@example.cn"}
    zh, en = mails["mei@example.cn"], mails["wang@example.cn"]
    assert zh.subject == "您有 3 条新通知" and en.subject == "2 new notifications for you"
    assert "mei，您好：" in zh.body and "replier 回复了您在《书法入门》的评论" in zh.body
    assert "专题“茶文化专题”有新课程：《普洱》" in zh.body
    assert "旧 回复了您在《旧课》的评论" in zh.body and "《读》" not in zh.body
    assert "Hello wang," in en.body and "replier replied to your comment on “书法入门”" in en.body
    assert "New in the column “茶文化专题”: “普洱”" in en.body and "“y”" not in en.body
    links = re.findall(r"https://learn\.example\.cn/\S+", zh.body)
    assert f"{SITE}/me/notifications" in links
    assert any(re.fullmatch(rf"{SITE}/me/notifications/\d+", link) for link in links)
    assert links[-1].startswith(f"{SITE}/mail/stop/")
    assert "zhou" not in zh.body and zh.status == "queued"

    # Nothing new: nothing mailed. A new notification: only it, in the next digest.
    assert _run(app, "notification-digest") == {"mails": 0, "notifications": 0}
    _reply_to(session, mei, course, replier, "又一条回复")
    session.commit()
    assert _run(app, "notification-digest") == {"mails": 1, "notifications": 1}
    latest = _mails(session, "digest")[-1]
    assert latest.subject == "您有 1 条新通知" and "《书法入门》" in latest.body
    assert "《旧课》" not in latest.body


def test_a_digest_link_opens_the_notification_after_logging_in(app, session):
    course = make_course(session, title="书法入门").id
    mei = _user(session, "mei")
    _reply_to(session, mei, course, _user(session, "wang"))
    session.commit()
    _run(app, "notification-digest")
    [mail] = _mails(session, "digest")
    link = re.search(rf"{SITE}(/me/notifications/\d+)", mail.body).group(1)
    client = app.test_client()
    assert "/login" in client.get(link).headers["Location"]
    login(client, "mei@example.cn", PASSWORD)
    assert "/courses/" in client.get(link).headers["Location"]
    assert notifications.unread_count(session, mei) == 0


def test_the_digest_walks_accounts_in_batches(engine, session):
    course = make_course(session).id
    learners = [_user(session, f"l{n}") for n in range(7)]
    for learner in learners:
        _notify(session, learner, course)
    session.commit()
    links = MailLinks(SITE, "secret")
    sessions = make_session_factory(engine)
    translators = partial(mail_texts.translator, None)
    figures = digests.send_digests(sessions, links, translators, batch=3)
    assert figures == {"mails": 7, "notifications": 7}
    assert sorted(m.to_address for m in _mails(session, "digest")) == sorted(
        f"l{n}@example.cn" for n in range(7)
    )
    assert digests.send_digests(sessions, links, translators, batch=3)["mails"] == 0


def test_two_digest_runs_at_once_mail_each_account_once(app, session):
    course = make_course(session).id
    learners = [_user(session, f"l{n}") for n in range(40)]
    for learner in learners:
        _notify(session, learner, course)
        _notify(session, learner, course, "第二条")
    session.commit()
    context = _context(app)
    start = threading.Barrier(2)
    results: list = []

    def run() -> None:
        start.wait()
        results.append(tasks.notification_digest(context))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 2, results
    assert sum(r["mails"] for r in results) == 40
    assert sum(r["notifications"] for r in results) == 80
    per_address = session.execute(
        select(OutgoingMail.to_address, func.count())
        .where(OutgoingMail.kind == "digest")
        .group_by(OutgoingMail.to_address)
    ).all()
    assert len(per_address) == 40 and {n for _a, n in per_address} == {1}


# -- reminders ----------------------------------------------------------------------------


def _touch(session, user_id: int, course_id: int, kind: EventKind, days_ago: float) -> None:
    session.add(
        Event(
            user_id=user_id,
            course_id=course_id,
            kind=kind,
            created_at=now_utc() - timedelta(days=days_ago),
        )
    )


def test_reminders_name_started_courses_left_for_days_at_most_once_a_period(app, session):
    left = make_course(session, title="太极拳入门")
    also_left = make_course(session, title="八段锦")
    done = make_course(session, title="已学完")
    fresh = make_course(session, title="昨天还在学")
    ancient = make_course(session, title="早就放下了")
    viewed = make_course(session, title="只看过")
    watching = make_course(session, title="刚看过视频")
    daily = _user(session, "daily", reminders="daily")
    weekly = _user(session, "weekly", "en", reminders="weekly")
    off = _user(session, "off")
    for learner in (daily, weekly, off):
        _touch(session, learner, left.id, EventKind.START, 10)
        _touch(session, learner, left.id, EventKind.PROGRESS, 5)
    _touch(session, daily, also_left.id, EventKind.START, 4)
    _touch(session, daily, done.id, EventKind.START, 9)
    _touch(session, daily, done.id, EventKind.COMPLETE, 8)
    _touch(session, daily, fresh.id, EventKind.START, 9)
    _touch(session, daily, fresh.id, EventKind.VIEW, 1)
    _touch(session, daily, ancient.id, EventKind.START, 90)
    _touch(session, daily, viewed.id, EventKind.VIEW, 6)
    _touch(session, daily, watching.id, EventKind.START, 20)
    lesson = watching.lessons[0].id
    session.add(
        LessonPosition(user_id=daily, lesson_id=lesson, course_id=watching.id, position_seconds=9)
    )
    session.commit()

    assert _run(app, "learning-reminders") == {"mails": 2, "courses": 3}
    mails = {m.to_address: m for m in _mails(session, "reminder")}
    zh, en = mails["daily@example.cn"], mails["weekly@example.cn"]
    assert zh.subject == "接着学吧" and en.subject == "Continue where you left off"
    assert zh.body.index("八段锦") < zh.body.index("太极拳入门")  # most recently touched first
    for title in ("已学完", "昨天还在学", "早就放下了", "只看过", "刚看过视频"):
        assert title not in zh.body
    assert f"{SITE}/courses/{left.id}" in zh.body and "最多每天提醒一次" in zh.body
    assert f"{SITE}/mail/stop/" in zh.body and f"{SITE}/me/account" in zh.body
    assert "at most once a week" in en.body

    # The same day: nothing. A day later the daily learner again; a week later both.
    assert _run(app, "learning-reminders") == {"mails": 0, "courses": 0}
    sessions = get_database(app).sessions
    links, translators = MailLinks(SITE, "s"), partial(mail_texts.translator, None)
    later = now_utc() + timedelta(days=1)
    assert digests.send_reminders(sessions, links, translators, now=later)["mails"] == 1
    assert digests.send_reminders(sessions, links, translators, now=later)["mails"] == 0
    week = now_utc() + timedelta(days=7)
    assert digests.send_reminders(sessions, links, translators, now=week)["mails"] == 2
    assert [m.to_address for m in _mails(session, "reminder")].count("off@example.cn") == 0


def test_nothing_left_means_no_reminder_and_no_claim(app, session):
    course = make_course(session)
    learner = _user(session, "keen", reminders="daily")
    _touch(session, learner, course.id, EventKind.START, 1)
    session.commit()
    assert _run(app, "learning-reminders") == {"mails": 0, "courses": 0}
    session.expire_all()
    assert session.get(User, learner).reminded_at is None


# -- settings and the stop links ----------------------------------------------------------


def test_the_account_page_turns_the_digest_and_reminders_on_and_off(app, session):
    _user(session, "mei")
    session.commit()
    client = app.test_client()
    login(client, "mei@example.cn", PASSWORD)
    page = client.get("/me/account").get_data(as_text=True)
    assert "来自我们的邮件" in page
    assert re.search(r'<input checked id="digest" name="digest" type="checkbox"', page)
    assert re.search(
        r'<input checked id="reminders-0" name="reminders" type="radio" value="off"', page
    )
    assert client.post("/me/account/mail", data={"reminders": "weekly"}).status_code == 400
    token = csrf_token(page)
    bad = client.post("/me/account/mail", data={"csrf_token": token, "reminders": "hourly"})
    assert bad.status_code == 400
    answer = client.post("/me/account/mail", data={"csrf_token": token, "reminders": "weekly"})
    assert answer.status_code == 302
    session.expire_all()
    user = session.scalars(select(User)).one()
    assert (user.digest_mail, user.reminders) == (False, "weekly")
    page = client.get("/me/account").get_data(as_text=True)
    assert "邮件设置已保存" in page
    assert re.search(r'<input id="digest" name="digest" type="checkbox"', page)
    client.post("/me/account/mail", data={"csrf_token": token, "digest": "y", "reminders": "off"})
    session.expire_all()
    assert (session.get(User, user.id).digest_mail, session.get(User, user.id).reminders) == (
        True,
        "off",
    )


def test_the_stop_link_in_a_mail_works_without_logging_in(app, session):
    mei = _user(session, "mei", reminders="daily")
    session.commit()
    secret = get_settings(app).secret_key
    client = app.test_client()
    for what, column, after in (
        ("digest", "digest_mail", False),
        ("reminders", "reminders", "off"),
    ):
        path = MailLinks("", secret).stop(mei, what)
        answer = client.get(path)
        assert answer.headers["Cache-Control"] == "no-store, private"
        page = answer.get_data(as_text=True)
        assert "是的，不再发送" in page
        session.expire_all()
        assert getattr(session.get(User, mei), column) != after  # opening it changes nothing
        assert client.post(path).status_code == 400  # the confirming form's token is needed
        done = client.post(path, data={"csrf_token": csrf_token(page)}).get_data(as_text=True)
        assert "已停止" in done
        session.expire_all()
        assert getattr(session.get(User, mei), column) == after
    forged = stop_token("another secret", mei, "digest")
    for token in (forged, f"{mei + 1}.digest.{stop_token(secret, mei, 'digest').split('.')[2]}",
                  "x", f"{mei}.password.abc", ""):  # fmt: skip
        if token:
            assert client.get(f"/mail/stop/{token}").status_code == 400
    with pytest.raises(BadStopLink):
        read_stop_token(secret, forged)
    assert read_stop_token(secret, stop_token(secret, mei, "reminders")) == (mei, "reminders")


def test_the_jobs_mail_links_are_the_sites_routes(app):
    links = MailLinks("", "s")
    adapter = app.url_map.bind("localhost")
    for path, endpoint in (
        (links.notification(7), "notifications.open_one"),
        (links.notifications(), "notifications.overview"),
        (links.course(3), "pages.course"),
        (links.account(), "auth.account"),
        (links.stop(1, "digest"), "auth.stop_mail"),
    ):
        try:
            assert adapter.match(path)[0] == endpoint
        except RequestRedirect:  # pragma: no cover - a trailing-slash mismatch
            pytest.fail(f"{path} redirects")


def test_the_new_jobs_are_registered_with_labels():
    for job_id in ("notification-digest", "learning-reminders"):
        job = get_job(job_id)
        assert "cron" in job.trigger and job_id in JOB_DESCRIPTIONS
    assert {"mails", "notifications", "courses"} <= set(JOB_FIGURES)


def test_every_registered_job_says_what_it_does_on_the_jobs_page():
    from jobs.registry import JOBS

    assert [job.id for job in JOBS if job.id not in JOB_DESCRIPTIONS] == []
