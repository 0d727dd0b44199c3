"""The partner portal and the partner API, end to end on the real app and database."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from catalogue.models import Course, Role
from catalogue.services.users import register_user
from tests.helpers import csrf_token, login, make_provider
from tests.ingest_helpers import csv_bytes

ROWS = [
    ["Course Code", "Course Name", "领域", "Length"],
    ["P1", "广场舞入门", "兴趣爱好", "30 min"],
    ["P2", "手机拍照技巧", "生活技能", "1.5 hours"],
    ["P3", "<script>alert(1)</script>", "火星", "10"],
]


@pytest.fixture
def partner(session):
    provider = make_provider(session, "北京开放大学")
    register_user(
        session,
        "partner@bjou.cn",
        "password-123",
        "北开",
        role=Role.PARTNER,
        provider_id=provider.id,
    )
    session.commit()
    return provider


def _applied_by_the_worker(apply_uploads, fetch) -> dict:
    """The web process only queues an upload; the jobs worker's job applies it."""
    assert fetch()["status"] == "queued"
    apply_uploads()
    return fetch()


def test_upload_preview_map_apply_and_report(client, session, partner, apply_uploads):
    login(client, "partner@bjou.cn", "password-123")
    dashboard = client.get("/partner/").get_data(as_text=True)
    assert "北京开放大学" in dashboard
    response = client.post(
        "/partner/uploads",
        data={
            "csrf_token": csrf_token(dashboard),
            "policy": "valid_rows",
            "encoding": "",
            "default_area": "",
            "file": (io.BytesIO(csv_bytes(ROWS)), "目录.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page_url = response.headers["Location"]
    preview = client.get(page_url).get_data(as_text=True)
    assert "广场舞入门" in preview and "UNKNOWN_AREA" in preview
    assert "学习领域不在六大领域之中" in preview
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview and "<script>alert" not in preview
    # Set the mapping by hand and ask for it to be remembered.
    upload_id = int(page_url.rstrip("/").split("/")[-1])
    form = {
        "csrf_token": csrf_token(preview),
        "policy": "valid_rows",
        "default_area": "",
        "header-count": "4",
        "save_mapping": "1",
    }
    for i, (header, field) in enumerate(
        [
            ("Course Code", "external_id"),
            ("Course Name", "title"),
            ("领域", "area"),
            ("Length", ""),
        ]
    ):
        form[f"header-{i}"], form[f"field-{i}"] = header, field
    assert client.post(f"/partner/uploads/{upload_id}/configure", data=form).status_code == 302
    preview = client.get(page_url).get_data(as_text=True)
    apply = client.post(
        f"/partner/uploads/{upload_id}/apply", data={"csrf_token": csrf_token(preview)}
    )
    assert apply.status_code == 302
    state = _applied_by_the_worker(
        apply_uploads, lambda: client.get(f"/partner/uploads/{upload_id}/status").get_json()
    )
    assert state["status"] == "applied"
    assert state["summary"] == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "rejected": 1,
    }
    outcome = client.get(page_url).get_data(as_text=True)
    assert 'data-count="created">2<' in outcome
    report = client.get(f"/partner/uploads/{upload_id}/report.csv")
    assert report.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(report.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][:4] == ["4", "UNKNOWN_AREA", "领域", "火星"]
    # The partner reads the report in the portal's language; the code stays for programs.
    assert rows[0] == ["行", "代码", "列", "值", "问题"]
    assert rows[1][4] and all(ord(ch) < 128 for ch in rows[1][1])
    assert not any(word in rows[1][4] for word in ("area", "unknown", "must"))
    assert session.scalar(select(func.count()).select_from(Course)) == 2
    courses = client.get("/partner/courses").get_data(as_text=True)
    assert "广场舞入门" in courses and "手机拍照技巧" in courses
    # The saved mapping (which ignores "Length") is used for the next upload of this provider.
    again = client.post(
        "/partner/uploads",
        data={
            "csrf_token": csrf_token(courses),
            "policy": "valid_rows",
            "encoding": "",
            "default_area": "",
            "file": (io.BytesIO(csv_bytes(ROWS)), "again.csv"),
        },
        content_type="multipart/form-data",
    )
    second = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "忽略的列: Length" in second


def test_too_large_upload_is_refused_with_a_message(engine, tmp_path, partner):
    from webapp import create_app

    app = create_app(
        {
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "INSTANCE_PATH": str(tmp_path / "i"),
            "MAX_UPLOAD_BYTES": "2000",
        }
    )
    client = app.test_client()
    login(client, "partner@bjou.cn", "password-123")
    token = csrf_token(client.get("/partner/").get_data(as_text=True))
    big = client.post(
        "/partner/uploads",
        data={
            "csrf_token": token,
            "policy": "valid_rows",
            "file": (io.BytesIO(b"x" * 2_000_000), "big.csv"),
        },
        content_type="multipart/form-data",
    )
    assert big.status_code == 413
    assert "上传的文件太大" in big.get_data(as_text=True)
    slightly = client.post(
        "/partner/uploads",
        data={
            "csrf_token": token,
            "policy": "valid_rows",
            "encoding": "",
            "default_area": "",
            "file": (io.BytesIO(b"title\n" + b"x" * 2500), "slightly.csv"),
        },
        content_type="multipart/form-data",
    )
    page = client.get(slightly.headers["Location"]).get_data(as_text=True)
    assert "FILE_TOO_LARGE" not in page and "文件大于允许的上限" in page
    app.extensions["lifelong.db"].engine.dispose()


def test_api_upload_preview_then_apply(client, session, partner, apply_uploads):
    from catalogue.services.tokens import create_token

    _token, plain = create_token(session, partner.id, "nightly feed")
    session.commit()
    auth = {"Authorization": f"Bearer {plain}"}
    preview = client.post(
        "/api/v1/partner/uploads",
        data={
            "preview": "1",
            "file": (io.BytesIO(csv_bytes(ROWS)), "feed.csv"),
            "mapping": '{"Course Code": "external_id", "Course Name": "title", "领域": "area"}',
        },
        headers=auth,
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200, preview.get_json()
    body = preview.get_json()
    assert body["preview"]["mapping"]["领域"] == "area"
    assert body["preview"]["rows"][2]["errors"][0]["code"] == "UNKNOWN_AREA"
    assert session.scalar(select(func.count()).select_from(Course)) == 0
    applied = client.post(body["links"]["self"] + "/apply", headers=auth)
    assert applied.status_code == 202
    state = _applied_by_the_worker(
        apply_uploads, lambda: client.get(body["links"]["self"], headers=auth).get_json()["upload"]
    )
    assert state["summary"]["created"] == 2 and state["summary"]["rejected"] == 1
    errors = client.get(body["links"]["errors"], headers=auth).get_json()["errors"]
    assert [(e["row"], e["code"]) for e in errors] == [(4, "UNKNOWN_AREA")]
    again = client.post(body["links"]["self"] + "/apply", headers=auth)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "ALREADY_APPLIED"


def test_api_rejects_bad_requests_with_codes(client, session, partner):
    from catalogue.services.tokens import create_token, revoke_token

    token, plain = create_token(session, partner.id, "feed")
    session.commit()
    auth = {"Authorization": f"Bearer {plain}"}
    missing = client.post("/api/v1/partner/uploads", headers=auth)
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "FILE_REQUIRED"
    archive = client.post(
        "/api/v1/partner/uploads",
        data={"file": (io.BytesIO(b"\x1f\x8b\x08\x00" + b"\x00" * 30), "feed.csv.gz")},
        headers=auth,
        content_type="multipart/form-data",
    )
    assert archive.status_code == 422
    assert archive.get_json()["error"]["code"] == "ARCHIVE_NOT_ALLOWED"
    bad_option = client.post(
        "/api/v1/partner/uploads",
        data={"policy": "yolo", "file": (io.BytesIO(csv_bytes(ROWS)), "f.csv")},
        headers=auth,
        content_type="multipart/form-data",
    )
    assert bad_option.get_json()["error"]["code"] == "BAD_OPTION"
    revoke_token(session, partner.id, token.id)
    session.commit()
    assert client.get("/api/v1/partner/uploads", headers=auth).status_code == 401
