"""The "ask the data" page and its JSON: only administrators and editors, CSRF on the form,
the question escaped wherever it is shown, answers in the question's language and the page in
the interface's. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from catalogue.models import Event, EventKind
from insight.rollups import run_rollups
from tests.helpers import csrf_token, world_of_every_role
from webapp.db import get_database
from webapp.settings import get_settings

PASSWORD = "correct horse battery"
URL = "/admin/cockpit/ask/"


@pytest.fixture
def world(app, session):
    """Every role signed in, a completion today, the rollups brought up to date."""
    world = world_of_every_role(app, session, PASSWORD)
    from catalogue.models import User

    learner = session.query(User).filter_by(email="learner@example.cn").one()
    session.add(
        Event(
            user_id=learner.id,
            course_id=world["course"],
            kind=EventKind.COMPLETE,
            created_at=datetime.now(ZoneInfo("UTC")),
        )
    )
    session.commit()
    run_rollups(get_database(app).sessions, ZoneInfo(get_settings(app).jobs_timezone))
    return world


def _post(client, question: str):
    token = csrf_token(client.get(URL).get_data(as_text=True))
    return client.post(URL, data={"q": question, "csrf_token": token})


def test_only_admins_and_editors(app, world):
    clients = world["clients"]
    for role in ("learner", "partner", "registrar", "organiser"):
        assert clients[role].get(URL).status_code == 403, role
        assert clients[role].get(URL + "answer.json?q=新增学员").status_code == 403, role
    for role in ("admin", "editor"):
        assert clients[role].get(URL).status_code == 200, role
    anonymous = app.test_client().get(URL)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_form_needs_its_csrf_token(world):
    admin = world["clients"]["admin"]
    assert admin.post(URL, data={"q": "今天完成课程多少次"}).status_code == 400
    response = _post(admin, "今天完成课程多少次")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="ask-figure">1 次</p>' in html
    assert "完成课程 · " in html
    assert 'id="ask-chart"' not in html  # one day: the figure alone


def test_a_link_with_the_question_answers_and_draws_the_chart(world):
    html = world["clients"]["editor"].get(URL + "?q=最近7天每天完成课程").get_data(as_text=True)
    assert 'id="ask-understood"' in html and "完成课程 · " in html and "每天" in html
    assert 'id="ask-chart"' in html and 'class="insight-chart-data"' in html


def test_the_question_is_escaped(world):
    admin = world["clients"]["admin"]
    question = "<script>alert(1)</script>上个月新增学员"
    for response in (_post(admin, question), admin.get(URL, query_string={"q": question})):
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert 'id="ask-refusal"' in html  # "script", "alert": words it did not understand


def test_refusals_say_why_and_offer_questions(world):
    html = _post(world["clients"]["admin"], "按年龄统计新增学员").get_data(as_text=True)
    assert "不能回答" in html or "This cannot be answered" in html
    assert "年龄" in html
    assert "?q=" in html  # the suggestions are links that ask them


def test_english_question_and_english_interface(world):
    admin = world["clients"]["admin"]
    token = csrf_token(admin.get("/").get_data(as_text=True))
    assert (
        admin.post("/language", data={"lang": "en", "next": "/", "csrf_token": token}).status_code
        == 302
    )
    html = _post(admin, "completions today").get_data(as_text=True)
    assert "Understood as:" in html and "Ask the data" in html
    assert "course completions" in html
    chinese = _post(admin, "今天完成课程多少次").get_data(as_text=True)
    assert "Understood as:" in chinese and "为 1 次" in chinese


def test_json_answer_and_errors(world):
    admin = world["clients"]["admin"]
    missing = admin.get(URL + "answer.json")
    assert missing.status_code == 400
    assert missing.get_json()["error"]["code"] == "MISSING_QUESTION"
    body = admin.get(URL + "answer.json", query_string={"q": "completions today"}).get_json()
    assert body["answered"] is True and body["value"] == 1
    assert body["query"]["metric"] == "completions"
    refused = admin.get(URL + "answer.json", query_string={"q": "revenue last year"}).get_json()
    assert refused["answered"] is False and refused["reason"] == "unsupported_metric"
    assert refused["suggestions"]
