"""/api/v1/feed and /api/v1/courses/<id>/similar, through the app."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from catalogue.models import Course
from catalogue.services.activity import record_event
from catalogue.services.users import register_user
from recommender.pipeline import train_and_publish
from tests.helpers import login
from tests.test_recommender_serving import CONFIG
from tests.test_recommender_training import NOW, clustered_activity
from webapp.recommendations import get_models


def train(app, engine) -> str:
    clustered_activity(engine)
    with engine.connect() as connection:
        report = train_and_publish(connection, get_models(app), CONFIG, now=NOW)
    assert report.promoted, report.reason
    return report.version


def published(session) -> list[int]:
    return session.scalars(
        sa.select(Course.id).where(Course.status == "published").order_by(Course.id)
    ).all()


def test_visitors_get_popular_courses_and_learners_their_own_feed(app, client, engine, session):
    version = train(app, engine)
    visitor = client.get("/api/v1/feed?limit=5").get_json()
    assert not visitor["personalised"] and len(visitor["items"]) == 5
    assert visitor["items"][0]["reason"]["text"] in ("学员喜爱的热门课程", "平台新课")
    user = register_user(session, "feed@example.cn", "password-123", "学员").id
    liked = published(session)[:4]
    for course in liked:
        record_event(session, user, course, "like", at=datetime.now(UTC))
    session.commit()
    login(client, "feed@example.cn", "password-123")
    mine = client.get("/api/v1/feed?limit=8").get_json()
    assert mine["personalised"] and mine["model_version"] == version
    assert not {i["id"] for i in mine["items"]} & set(liked)
    # "Because you liked …" only for a similar course (tests/test_recommendation_trust.py).
    for item in mine["items"]:
        reason = item["reason"]
        assert reason["text"] and item["language"] in ("zh", "en")
        if reason["kind"] == "because":
            assert reason["course_id"] in liked and reason["text"].startswith("因为您点赞了《")


def test_similar_courses_and_errors_as_json(app, client, engine, session):
    train(app, engine)
    course = published(session)[0]
    body = client.get(f"/api/v1/courses/{course}/similar?limit=4").get_json()
    assert body["course_id"] == course and len(body["items"]) == 4
    assert course not in {i["id"] for i in body["items"]}
    missing = client.get("/api/v1/courses/999999/similar")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "NOT_FOUND"
    for bad in ("0", "51", "ten"):
        response = client.get(f"/api/v1/feed?limit={bad}")
        assert response.status_code == 400
        assert response.get_json()["error"]["code"] == "BAD_LIMIT"


def test_a_damaged_model_is_served_around_not_crashed_on(app, client, engine):
    version = train(app, engine)
    (get_models(app).root / version / "factors.npz").write_bytes(b"damaged")
    response = client.get("/api/v1/feed")
    assert response.status_code == 200 and not response.get_json()["personalised"]


def test_the_home_page_and_course_pages_show_recommendations(app, client, engine, session):
    train(app, engine)
    course = published(session)[0]
    page = client.get(f"/courses/{course}").get_data(as_text=True)
    assert "喜欢这门课的学员还喜欢" in page
    visitor_home = client.get("/").get_data(as_text=True)
    assert "为您推荐" not in visitor_home
    user = register_user(session, "home@example.cn", "password-123", "学员").id
    for liked in published(session)[:4]:
        record_event(session, user, liked, "like", at=datetime.now(UTC))
    session.commit()
    login(client, "home@example.cn", "password-123")
    home = client.get("/").get_data(as_text=True)
    assert "为您推荐" in home and "因为您点赞了《" in home
