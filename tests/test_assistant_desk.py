"""The assistant for learners and visitors: the JSON contract of POST /api/v1/assistant/ask,
answers from help articles and from the catalogue, hand-offs, a person's reply reaching the
learner, ratings, bad input, privacy of conversations and of what is stored for learning."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from assistant import support
from assistant.desk import LONG_WAIT_MINUTES, describe_wait, handoff_reason
from assistant.hours import OfficeHours
from assistant.models import Conversation, Question
from catalogue.models import OutgoingMail, Role
from catalogue.services.notifications import recent
from catalogue.services.users import register_user
from search.indexer import rebuild
from tests.helpers import login, make_course, make_provider, page_token
from webapp.db import get_database

PASSWORD = "desk-Pa55word!"
ASK = "/api/v1/assistant/ask"


def _ask(client, question, conversation_id=None, **headers):
    body = {"question": question}
    if conversation_id:
        body["conversation_id"] = conversation_id
    answer = client.post(ASK, json=body, headers=headers)
    return answer.status_code, answer.get_json()


def _user(session, email, name, role=Role.LEARNER):
    user = register_user(session, email, PASSWORD, name, role=role)
    session.commit()
    return user


def _staff(session, email="helper@example.org"):
    return _user(session, email, "Desk helper", Role.SUPPORT)


def test_a_visitor_gets_an_article_with_its_source(desk_app):
    status, body = _ask(desk_app.test_client(), "字太小了看不清楚怎么办")
    assert status == 200
    assert set(body) >= {"answer", "confidence", "sources", "handed_off", "conversation_id"}
    assert body["handed_off"] is False
    assert body["answer"] and 0 < body["confidence"] <= 1
    source = body["sources"][0]
    assert source["kind"] == "article" and source["url"] == f"/help/articles/{source['slug']}"
    assert source["slug"] in {"caring-mode", "text-size"} or "字" in body["answer"]
    assert len(body["conversation_id"]) >= 40
    # The source is a real page.
    page = desk_app.test_client().get(source["url"])
    assert page.status_code == 200 and source["title"] in page.get_data(as_text=True)


def test_english_questions_get_english_answers(desk_app):
    client = desk_app.test_client()
    client.post("/language", data={"lang": "en", "csrf_token": page_token(client)})
    status, body = _ask(client, "I forgot my password, how can I log in again?")
    assert status == 200 and not body["handed_off"]
    assert body["sources"][0]["slug"] == "forgot-password"
    assert "password" in body["answer"].lower()


def test_a_question_for_courses_is_answered_from_the_catalogue(desk_app, session):
    provider = make_provider(session, "上海老年大学")
    course = make_course(session, provider.id, title="太极拳入门", lessons=1)
    session.commit()
    rebuild(get_database(desk_app).sessions, desk_app.extensions["lifelong.search"].store)
    status, body = _ask(desk_app.test_client(), "有没有教太极拳的课")
    assert status == 200 and not body["handed_off"]
    assert body["sources"][0] == {
        "kind": "course",
        "id": course.id,
        "title": "太极拳入门",
        "url": f"/courses/{course.id}",
    }


def test_asking_for_a_person_hands_over_and_a_reply_reaches_the_visitor(desk_app, session):
    client = desk_app.test_client()
    _, first = _ask(client, "字太小怎么办")
    cid = first["conversation_id"]
    status, body = _ask(client, "转人工", cid)
    assert status == 200 and body["handed_off"] is True and body["answer"] is None
    assert (
        session.scalar(sa.select(Conversation.handoff_reason).where(Conversation.public_id == cid))
        == "asked"
    )
    assert body["wait"]["office_hours"]
    # The reply says why, in the page's language; a further message to the person does not
    # say it again (the conversation was with a person already).
    assert body["handoff_reason"] == "asked" and "您要求人工服务" in body["handoff_message"]
    _, follow_up = _ask(client, "我还想问一下字体的事", cid)
    assert follow_up["handed_off"] is True
    assert (follow_up["handoff_reason"], follow_up["handoff_message"]) == (None, None)
    assert first["handoff_reason"] is None and first["handoff_message"] is None
    # The visitor leaves an address; a person claims and replies while the visitor is away.
    left = client.post(
        f"/api/v1/assistant/conversations/{cid}/contact", json={"email": "v@example.org"}
    )
    assert left.status_code == 200
    staff = _staff(session)
    conversation = session.scalars(
        sa.select(Conversation).where(Conversation.public_id == cid)
    ).one()
    assert [item.conversation.id for item in support.queue(session, staff.id)] == [conversation.id]
    support.claim(session, conversation.id, staff.id)
    conversation.learner_seen_at = None  # the visitor left the page
    session.commit()
    support.reply(session, conversation.id, staff.id, "您好，请点页面顶部的“长辈模式”。")
    history = client.get(f"/api/v1/assistant/conversations/{cid}").get_json()
    assert history["status"] == "claimed"
    assert history["messages"][-1] == history["messages"][-1] | {
        "author": "staff",
        "text": "您好，请点页面顶部的“长辈模式”。",
    }
    mail = session.scalars(
        sa.select(OutgoingMail).where(OutgoingMail.to_address == "v@example.org")
    ).all()
    assert len(mail) == 1 and "长辈模式" in mail[0].body
    # Once resolved, the visitor rates it, once.
    support.resolve(session, conversation.id, staff.id)
    rate = f"/api/v1/assistant/conversations/{cid}/rating"
    assert client.post(rate, json={"rating": 6}).get_json()["error"]["code"] == "INVALID_RATING"
    assert client.post(rate, json={"rating": 5, "comment": "很好"}).status_code == 200
    again = client.post(rate, json={"rating": 4})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "ALREADY_RATED"


def test_out_of_scope_questions_go_to_a_person(desk_app, session):
    client = desk_app.test_client()
    status, body = _ask(client, "明天的股票会涨吗？推荐几只")
    assert status == 200 and body["handed_off"] is True and body["answer"] is None
    # The learner reads why, at once and in the history, and staff see it was outside what
    # the articles cover.
    assert body["handoff_reason"] == "outside" and "本站以外" in body["handoff_message"]
    cid = body["conversation_id"]
    said = client.get(f"/api/v1/assistant/conversations/{cid}").get_json()["messages"][-1]
    assert said["author"] == "system" and "本站以外" in said["text"]
    conversation = session.scalars(
        sa.select(Conversation).where(Conversation.public_id == cid)
    ).one()
    assert conversation.handoff_reason == "outside"


@pytest.mark.parametrize(
    ("label", "why", "reason"),
    [
        ("human", "handoff_phrase", "asked"),
        ("human", "model", "asked"),
        ("out_of_scope", "below_threshold", "low_confidence"),
        ("out_of_scope", "no_model", "low_confidence"),
        ("out_of_scope", "model", "outside"),
        ("out_of_scope", "near_out_of_scope", "outside"),
        ("out_of_scope", "handover_model", "outside"),
    ],
)
def test_a_hand_off_says_why(label, why, reason):
    assert handoff_reason(label, why) == reason


@pytest.mark.parametrize(
    ("minutes", "language", "expected"),
    [
        (None, "zh", None),
        (1, "en", "Expected wait: about 1 minute."),
        (20, "zh", "预计等待：约 20 分钟。"),
        (59, "en", "Expected wait: about 59 minutes."),
        (60, "en", "Expected wait: about 1 hour."),
        (130, "zh", "预计等待：约 2 小时。"),
        (LONG_WAIT_MINUTES - 1, "en", "Expected wait: about 8 hours."),
    ],
)
def test_the_expected_wait_is_told_in_minutes_then_hours(minutes, language, expected):
    assert describe_wait(minutes, language) == expected


@pytest.mark.parametrize("minutes", [LONG_WAIT_MINUTES, 820, 10_000])
def test_a_wait_beyond_a_working_day_is_not_told_as_a_number(minutes):
    zh, en = describe_wait(minutes, "zh"), describe_wait(minutes, "en")
    assert "超过一个工作日" in zh and "more than a working day" in en
    assert not any(ch.isdigit() for ch in zh + en)


def test_the_wait_grows_with_the_queue_and_reads_as_the_learner_expects(desk_app):
    """Each visitor handed over waits behind those before them: with the default five minutes
    a hand-off (no replies yet to go by), the twelfth reads an hour, in words."""
    desk_app.extensions["lifelong.assistant"].hours = OfficeHours.parse(
        "mon-sun 00:00-24:00", "Asia/Shanghai"
    )
    bodies = [_ask(desk_app.test_client(), "转人工")[1] for _ in range(12)]
    assert [b["wait"]["expected_minutes"] for b in bodies] == [5 * n for n in range(1, 13)]
    assert bodies[0]["wait"]["expected"] == "预计等待：约 5 分钟。"
    assert bodies[-1]["wait"]["expected"] == "预计等待：约 1 小时。"


def test_a_signed_in_learner_who_left_gets_a_notification_and_a_mail(desk_app, session):
    learner = _user(session, "learner@example.org", "王阿姨")
    client = desk_app.test_client()
    login(client, "learner@example.org", PASSWORD)
    token = page_token(client)
    _, body = _ask(client, "转人工", **{"X-CSRFToken": token})
    conversation = session.scalars(
        sa.select(Conversation).where(Conversation.public_id == body["conversation_id"])
    ).one()
    assert conversation.user_id == learner.id
    staff = _staff(session)
    conversation.learner_seen_at = None
    session.commit()
    support.reply(session, conversation.id, staff.id, "已经为您处理好了")
    assert [n.kind for n in recent(session, learner.id)] == ["desk_reply"]
    assert (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(OutgoingMail)
            .where(OutgoingMail.to_address == "learner@example.org")
        )
        == 1
    )
    # Without the site's token in the header the same browser asks as an anonymous visitor.
    _, anonymous = _ask(client, "转人工")
    other = session.scalars(
        sa.select(Conversation).where(Conversation.public_id == anonymous["conversation_id"])
    ).one()
    assert other.user_id is None


def test_nobody_else_reads_a_learners_conversation(desk_app, session):
    _user(session, "owner@example.org", "Owner")
    _user(session, "other@example.org", "Other")
    owner, other = desk_app.test_client(), desk_app.test_client()
    login(owner, "owner@example.org", PASSWORD)
    login(other, "other@example.org", PASSWORD)
    _, body = _ask(owner, "我忘记密码了", **{"X-CSRFToken": page_token(owner)})
    cid = body["conversation_id"]
    for client, headers in (
        (other, {"X-CSRFToken": page_token(other)}),
        (desk_app.test_client(), {}),
    ):
        seen = client.get(f"/api/v1/assistant/conversations/{cid}", headers=headers)
        assert seen.status_code == 404
        assert seen.get_json()["error"]["code"] == "UNKNOWN_CONVERSATION"
        status, posted = _ask(client, "我也要看", cid, **headers)
        assert status == 404 and posted["error"]["code"] == "UNKNOWN_CONVERSATION"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"question": ""}, "EMPTY_QUESTION"),
        ({"question": "   \n "}, "EMPTY_QUESTION"),
        ({"question": 42}, "INVALID_QUESTION"),
        ({"question": "字" * 1001}, "QUESTION_TOO_LONG"),
        ({"question": "你好", "conversation_id": "no-such-conversation"}, "UNKNOWN_CONVERSATION"),
        ({"question": "你好", "conversation_id": ["x"]}, "UNKNOWN_CONVERSATION"),
        ([1, 2], "INVALID_JSON"),
    ],
)
def test_bad_requests_get_a_json_error_with_a_code(desk_app, body, code):
    answer = desk_app.test_client().post(ASK, json=body)
    assert answer.status_code in (400, 404)
    assert answer.get_json()["error"]["code"] == code


def test_a_body_that_is_not_json_is_refused_plainly(desk_app):
    answer = desk_app.test_client().post(ASK, data="question=hi", content_type="text/plain")
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "INVALID_JSON"


def test_personal_data_is_redacted_in_the_problem_database(desk_app, session):
    client = desk_app.test_client()
    _, body = _ask(client, "我的手机号13800138000收不到验证码，邮箱 wang@example.org")
    stored = session.scalars(sa.select(Question)).one()
    assert "13800138000" not in stored.text and "wang@example.org" not in stored.text
    assert "‹phone›" in stored.text and "‹email›" in stored.text
    # The conversation itself keeps what was written, for the person who answers it.
    history = client.get(f"/api/v1/assistant/conversations/{body['conversation_id']}").get_json()
    assert "13800138000" in history["messages"][0]["text"]


def test_the_page_works_without_javascript_and_escapes_what_was_typed(desk_app):
    client = desk_app.test_client()
    token = page_token(client)
    sent = client.post(
        "/assistant", data={"question": "<script>alert(1)</script>字太小", "csrf_token": token}
    )
    assert sent.status_code == 302
    html = client.get("/assistant").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;字太小" in html
    # "This did not help" hands the conversation to a person.
    client.post("/assistant/not-helpful", data={"csrf_token": page_token(client)})
    assert "客服" in client.get("/assistant").get_data(as_text=True)
    # Without the form's token nothing is asked.
    refused = client.post("/assistant", data={"question": "你好"})
    assert refused.status_code == 400


def test_every_page_has_the_help_button(desk_app):
    html = desk_app.test_client().get("/").get_data(as_text=True)
    assert 'href="/assistant"' in html and 'id="desk-dialog"' in html


def test_two_people_claiming_at_once_one_gets_it(desk_app, session):
    client = desk_app.test_client()
    _, body = _ask(client, "转人工")
    conversation = session.scalars(sa.select(Conversation)).one()
    first, second = _staff(session, "a@example.org"), _staff(session, "b@example.org")
    engine = get_database(desk_app).engine

    def claim(staff_id):
        from catalogue.db import make_session_factory

        with make_session_factory(engine)() as own:
            try:
                support.claim(own, conversation.id, staff_id)
            except support.DeskError as error:
                return error.code
            return "claimed"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(claim, [first.id, second.id]))
    assert outcomes == ["ALREADY_CLAIMED", "claimed"]
    assert body["handed_off"]


def test_one_address_cannot_flood_the_assistant(engine, tmp_path, trained_matcher):
    from webapp import create_app

    app = create_app(
        {
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
            "ASSISTANT_LIMIT_PER_IP": "3 per minute",
        }
    )
    store = app.extensions["lifelong.assistant"].store
    store.promote(store.write(trained_matcher, {"metrics": {}}))
    client = app.test_client()
    answers = [client.post(ASK, json={"question": "字太小怎么办"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].is_json and answers[-1].get_json()["error"]["code"]
    get_database(app).engine.dispose()


def test_support_staff_see_a_learners_recent_failed_requests(desk_app, session):
    from assistant.request_errors import KEEP_PER_ACCOUNT, recent

    learner = _user(session, "errors@example.org", "出错的学员")
    client = desk_app.test_client()
    login(client, "errors@example.org", PASSWORD)
    assert client.get("/courses/999999").status_code == 404
    assert _ask(client, "", None, **{"X-CSRFToken": page_token(client)})[0] == 400
    assert client.get("/static/missing.png").status_code == 404  # not the learner's trouble
    failed = recent(session, learner.id)
    assert [(e.path, e.status, e.code) for e in failed] == [
        ("/api/v1/assistant/ask", 400, "EMPTY_QUESTION"),
        ("/courses/999999", 404, None),
    ]
    for n in range(KEEP_PER_ACCOUNT + 5):
        client.get(f"/courses/{900000 + n}")
    session.expire_all()
    assert len(recent(session, learner.id, limit=100)) == KEEP_PER_ACCOUNT
    # The console shows them beside the learner's conversation.
    _, body = _ask(client, "转人工", **{"X-CSRFToken": page_token(client)})
    conversation = session.scalars(
        sa.select(Conversation).where(Conversation.public_id == body["conversation_id"])
    ).one()
    _staff(session)
    staff = desk_app.test_client()
    login(staff, "helper@example.org", PASSWORD)
    page = staff.get(f"/support/conversations/{conversation.id}").get_data(as_text=True)
    assert f"/courses/{900000 + KEEP_PER_ACCOUNT + 4}" in page


def test_the_nightly_training_is_gated_and_shown_on_the_admin_page(app, session):
    from assistant.knowledge import load_articles, load_questions
    from assistant.nightly import FIRST_START
    from assistant.training import train_and_publish

    store = app.extensions["lifelong.assistant"].store
    fast = FIRST_START
    articles, questions = load_articles(), load_questions()
    good = train_and_publish(articles, questions, store, settings=fast)
    assert good.promoted and store.current() == good.version
    # A matcher trained on one question per label is worse on the same held-out phrasings.
    firsts = list({q.label: q for q in questions}.values())
    crippled = train_and_publish(articles[:5], firsts, store, settings=fast)
    assert not crippled.promoted and store.current() == good.version
    _user(session, "admin@example.org", "管理员", Role.ADMIN)
    admin = app.test_client()
    login(admin, "admin@example.org", PASSWORD)
    page = admin.get("/admin/assistant")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert good.version in html and crippled.version in html
    assert "未发布" in html and "（当前）" in html


def test_a_learners_conversation_follows_them_to_another_device(desk_app, session):
    _user(session, "devices@example.org", "两台设备")
    phone, computer = desk_app.test_client(), desk_app.test_client()
    login(phone, "devices@example.org", PASSWORD)
    login(computer, "devices@example.org", PASSWORD)
    _, body = _ask(phone, "我忘记密码了", **{"X-CSRFToken": page_token(phone)})
    latest = "/api/v1/assistant/conversations/latest"
    found = computer.get(latest, headers={"X-CSRFToken": page_token(computer)}).get_json()
    assert found == {"conversation_id": body["conversation_id"]}
    # Without the site's token (another site's script, say) nobody's conversation is named.
    assert computer.get(latest).get_json() == {"conversation_id": None}
    assert desk_app.test_client().get(latest).get_json() == {"conversation_id": None}
