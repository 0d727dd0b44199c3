"""Authorisation matrix over every partner route: who gets what, and nothing else changes."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from catalogue.ingest import service as ingest
from catalogue.models import ApiToken, Course, Feedback, Role, Upload, User
from catalogue.services import social
from catalogue.services.tokens import create_token
from catalogue.services.users import register_user
from tests.helpers import login, make_course, make_provider, page_token
from tests.ingest_helpers import csv_bytes
from webapp.settings import get_settings

PASSWORD = "password-123"


@dataclass
class World:
    a: int
    b: int
    b_upload: int
    b_token_id: int
    a_token: str
    b_token: str
    b_feedback: int


@pytest.fixture
def world(app, session) -> World:
    a = make_provider(session, "甲大学")
    b = make_provider(session, "乙大学")
    b_course = make_course(session, b.id, title="乙的课程")
    for email, role, provider in [
        ("pa@a.cn", Role.PARTNER, a.id),
        ("pb@b.cn", Role.PARTNER, b.id),
        ("learner@x.cn", Role.LEARNER, None),
        ("editor@x.cn", Role.EDITOR, None),
        ("admin@x.cn", Role.ADMIN, None),
    ]:
        register_user(
            session, email, PASSWORD, email.split("@")[0], role=role, provider_id=provider
        )
    data = csv_bytes([["课程名称", "学习领域"], ["乙的新课", "生活技能"]])
    upload = ingest.receive_upload(
        session,
        ingest.Actor(None, Role.PARTNER, b.id),
        b.id,
        "b.csv",
        io.BytesIO(data),
        get_settings(app).upload_dir,
        channel="web",
    )
    b_token, b_plain = create_token(session, b.id, "乙的接口")
    _a_token, a_plain = create_token(session, a.id, "甲的接口")
    learner = session.scalar(select(User.id).where(User.email == "learner@x.cn"))
    feedback = social.give_feedback(session, learner, b_course.id, 2, "乙的课讲得太快")
    session.commit()
    return World(a.id, b.id, upload.id, b_token.id, a_plain, b_plain, feedback.id)


def _snapshot(session, world: World) -> tuple:
    session.expire_all()
    return (
        session.scalar(
            select(func.count()).select_from(Upload).where(Upload.provider_id == world.b)
        ),
        session.scalar(
            select(func.count()).select_from(Course).where(Course.provider_id == world.b)
        ),
        session.scalar(select(Upload.status).where(Upload.id == world.b_upload)),
        session.scalars(select(ApiToken.revoked_at).where(ApiToken.provider_id == world.b)).all(),
        session.scalar(select(Feedback.read_at).where(Feedback.id == world.b_feedback)),
    )


def web_routes(w: World) -> list[tuple[str, str, dict]]:
    u = w.b_upload
    return [
        ("GET", f"/partner/uploads/{u}", {}),
        ("POST", f"/partner/uploads/{u}/configure", {"policy": "valid_rows", "header-count": "0"}),
        ("POST", f"/partner/uploads/{u}/apply", {}),
        ("GET", f"/partner/uploads/{u}/status", {}),
        ("GET", f"/partner/uploads/{u}/report.csv", {}),
        ("POST", f"/partner/tokens/{w.b_token_id}/revoke", {"provider_id": str(w.b)}),
        ("POST", f"/partner/feedback/{w.b_feedback}/read", {"provider_id": str(w.b)}),
    ]


def provider_routes(w: World) -> list[tuple[str, str, dict]]:
    return [
        ("GET", f"/partner/?provider={w.b}", {}),
        ("GET", f"/partner/courses?provider={w.b}", {}),
        ("GET", f"/partner/feedback?provider={w.b}", {}),
        ("POST", "/partner/uploads", {"provider_id": str(w.b)}),
        ("POST", "/partner/tokens", {"provider_id": str(w.b), "name": "偷来的"}),
    ]


def _call(client, method, url, data, with_token=True):
    if method == "GET":
        return client.get(url)
    payload = dict(data)
    if with_token:
        payload["csrf_token"] = page_token(client)
    if url == "/partner/uploads":
        payload["file"] = (
            io.BytesIO(csv_bytes([["课程名称", "学习领域"], ["偷偷加课", "生活技能"]])),
            "x.csv",
        )
        payload.update(policy="valid_rows", encoding="", default_area="")
    return client.post(url, data=payload, content_type="multipart/form-data")


def test_anonymous_is_sent_to_log_in(client, session, world):
    before = _snapshot(session, world)
    for method, url, data in web_routes(world) + provider_routes(world):
        response = _call(client, method, url, data, with_token=False)
        if method == "POST" and response.status_code == 400:
            continue  # refused by CSRF before anything else: also nothing changed
        assert response.status_code == 302, (method, url)
        assert "/login" in response.headers["Location"]
    assert _snapshot(session, world) == before


@pytest.mark.parametrize("email", ["learner@x.cn", "editor@x.cn"])
def test_other_roles_are_forbidden(client, session, world, email):
    login(client, email, PASSWORD)
    before = _snapshot(session, world)
    for method, url, data in web_routes(world) + provider_routes(world):
        assert _call(client, method, url, data).status_code == 403, (email, method, url)
    assert _snapshot(session, world) == before


def test_a_partner_cannot_reach_another_providers_data(client, session, world):
    login(client, "pa@a.cn", PASSWORD)
    before = _snapshot(session, world)
    for method, url, data in web_routes(world):
        assert _call(client, method, url, data).status_code == 404, (method, url)
    # Provider-wide routes ignore the provider asked for and show the partner's own.
    for method, url, data in provider_routes(world):
        response = _call(client, method, url, data)
        assert response.status_code in (200, 302), (method, url)
        assert "乙大学" not in response.get_data(as_text=True)
        assert "乙的课讲得太快" not in response.get_data(as_text=True)
    assert _snapshot(session, world) == before
    a_tokens = session.scalars(select(ApiToken.name).where(ApiToken.provider_id == world.a)).all()
    assert "偷来的" in a_tokens
    assert session.scalar(select(Upload.provider_id).order_by(Upload.id.desc())) == world.a


def test_the_owning_partner_and_admins_get_through(client, session, world):
    login(client, "pb@b.cn", PASSWORD)
    assert client.get(f"/partner/uploads/{world.b_upload}").status_code == 200
    assert "乙大学" in client.get("/partner/").get_data(as_text=True)
    assert "乙的课讲得太快" in client.get("/partner/feedback").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": page_token(client)})
    login(client, "admin@x.cn", PASSWORD)
    chooser = client.get("/partner/").get_data(as_text=True)
    assert "甲大学" in chooser and "乙大学" in chooser
    assert "乙大学" in client.get(f"/partner/?provider={world.b}").get_data(as_text=True)
    assert (
        client.get(f"/partner/uploads/{world.b_upload}/status").get_json()["status"] == "received"
    )


def api_routes(w: World) -> list[tuple[str, str]]:
    u = w.b_upload
    return [
        ("POST", f"/api/v1/partner/uploads/{u}/apply"),
        ("GET", f"/api/v1/partner/uploads/{u}"),
        ("GET", f"/api/v1/partner/uploads/{u}/errors"),
        ("GET", f"/api/v1/partner/uploads/{u}/report.csv"),
    ]


def test_api_needs_a_live_token_of_the_owner(client, session, world):
    before = _snapshot(session, world)
    for method, url in [
        *api_routes(world),
        ("GET", "/api/v1/partner/uploads"),
        ("POST", "/api/v1/partner/uploads"),
    ]:
        for headers in ({}, {"Authorization": "Bearer llp_not-a-token"}, {"Authorization": "x"}):
            response = client.open(url, method=method, headers=headers)
            assert response.status_code == 401, (method, url, headers)
            assert response.get_json()["error"]["code"] == "UNAUTHORIZED"
    other = {"Authorization": f"Bearer {world.a_token}"}
    for method, url in api_routes(world):
        response = client.open(url, method=method, headers=other)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "NOT_FOUND"
    listing = client.get("/api/v1/partner/uploads", headers=other).get_json()
    assert listing["uploads"] == []
    assert _snapshot(session, world) == before
    owner = {"Authorization": f"Bearer {world.b_token}"}
    assert client.get(f"/api/v1/partner/uploads/{world.b_upload}", headers=owner).status_code == 200
