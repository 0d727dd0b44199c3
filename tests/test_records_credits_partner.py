"""Providers set the completion rule, credits and outcome type of their own courses in the
course editor; bad values get messages and store nothing; other providers' courses are out of
reach."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalogue.errors import ValidationError
from catalogue.models import Role
from catalogue.models.awards import CompletionRule, CourseAward, OutcomeType
from catalogue.services.awards import parse_award
from catalogue.services.users import register_user
from tests.helpers import csrf_token, login, make_course, make_provider

PASSWORD = "password-123"


def test_parse_award_reads_words_and_lists_every_problem():
    award = parse_award(
        {"credits": "2.5", "outcome_type": "职业技能", "completion": "share",
         "completion_share": "80%"}
    )  # fmt: skip
    assert award.credits == Decimal("2.50") and award.outcome_type == OutcomeType.VOCATIONAL
    assert award.completion == CompletionRule.SHARE and award.share == pytest.approx(0.8)
    assert parse_award({"completion": "minutes", "completion_minutes": "90"}).minimum_minutes == 90
    assert parse_award({}).credits == Decimal("0.00")
    with pytest.raises(ValidationError) as caught:
        parse_award(
            {"credits": "many", "outcome_type": "magic", "completion": "share",
             "completion_share": "150%"}
        )  # fmt: skip
    codes = {(e.field, e.code) for e in caught.value.errors}
    assert codes == {
        ("credits", "NOT_A_NUMBER"),
        ("outcome_type", "INVALID_CHOICE"),
        ("completion_share", "OUT_OF_RANGE"),
    }
    for bad in ({"credits": "-1"}, {"credits": "1.234"}, {"credits": "NaN"},
                {"completion": "minutes"}, {"completion": "minutes", "completion_minutes": "1.5"},
                {"completion": "sometimes"}):  # fmt: skip
        with pytest.raises(ValidationError):
            parse_award(bad)


def _partner(session, provider_id: int, email: str):
    register_user(
        session, email, PASSWORD, "P", role=Role.PARTNER, provider_id=provider_id,
        preferred_language="en",
    )  # fmt: skip


def test_partner_sets_credits_on_own_course_only(app, session):
    mine, theirs = make_provider(session), make_provider(session)
    course = make_course(session, mine.id, title="电工基础")
    other = make_course(session, theirs.id, title="别人的课")
    _partner(session, mine.id, "p@example.cn")
    session.commit()
    client = app.test_client()
    login(client, "p@example.cn", PASSWORD)
    page = client.get(f"/partner/courses/{course.id}").get_data(as_text=True)
    assert 'id="credits-settings"' in page
    data = {
        "csrf_token": csrf_token(page),
        "completion": "minutes",
        "completion_minutes": "120",
        "credits": "3",
        "outcome_type": "vocational",
    }
    response = client.post(f"/partner/courses/{course.id}/credits", data=data)
    assert response.status_code == 302
    session.expire_all()
    award = session.get(CourseAward, course.id)
    assert award.credits == Decimal("3.00") and award.minimum_minutes == 120
    assert award.completion == CompletionRule.MINUTES
    page = client.get(f"/partner/courses/{course.id}").get_data(as_text=True)
    assert 'value="120"' in page and 'value="3.00"' in page

    # Bad values: a message per field, the stored settings unchanged.
    bad = {**data, "credits": "lots", "completion": "share", "completion_share": ""}
    page = client.post(
        f"/partner/courses/{course.id}/credits", data=bad, follow_redirects=True
    ).get_data(as_text=True)
    assert "Enter a number" in page and "Please fill in this field" in page
    session.expire_all()
    assert session.get(CourseAward, course.id).credits == Decimal("3.00")

    # Another provider's course: not found, nothing stored; no CSRF token: refused.
    assert client.post(f"/partner/courses/{other.id}/credits", data=data).status_code == 404
    assert session.get(CourseAward, other.id) is None
    no_token = {k: v for k, v in data.items() if k != "csrf_token"}
    assert client.post(f"/partner/courses/{course.id}/credits", data=no_token).status_code == 400


def test_learners_cannot_set_credits(app, session):
    course = make_course(session)
    register_user(session, "l@example.cn", PASSWORD, "L")
    session.commit()
    client = app.test_client()
    login(client, "l@example.cn", PASSWORD)
    token = csrf_token(client.get("/me/credits").get_data(as_text=True))
    response = client.post(
        f"/partner/courses/{course.id}/credits", data={"csrf_token": token, "credits": "9"}
    )
    assert response.status_code == 403
    assert session.get(CourseAward, course.id) is None
