"""The operators' console on both databases: providers (create, rename, suspend), accounts
(role, provider, suspension), who may reach it, CSRF, what a suspension does to partners and
account owners, and the audit log of every change."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from catalogue.errors import Conflict, PermissionDenied, ValidationError
from catalogue.ingest import service as ingest
from catalogue.models import (
    AccountAudit,
    ApiToken,
    Provider,
    ProviderStatus,
    Role,
    Upload,
    UploadStatus,
    User,
)
from catalogue.services import account_admin
from catalogue.services import providers as provider_service
from catalogue.services.audit import Operator
from catalogue.services.tokens import create_token
from catalogue.services.users import register_user
from tests.helpers import csrf_token, login, make_course, make_provider, page_token
from tests.ingest_helpers import csv_bytes
from webapp.settings import get_settings

PASSWORD = "operator-pass-4471"
CLI = Operator.command_line("root")


@dataclass
class World:
    a: int
    b: int
    course: int
    users: dict[str, int]
    token: str


@pytest.fixture
def world(session) -> World:
    a = make_provider(session, "甲大学")
    b = make_provider(session, "乙大学")
    course = make_course(session, a.id, title="甲的太极课")
    users = {}
    for name, role, provider in [
        ("learner", Role.LEARNER, None),
        ("partner", Role.PARTNER, a.id),
        ("editor", Role.EDITOR, None),
        ("support", Role.SUPPORT, None),
        ("admin", Role.ADMIN, None),
    ]:
        user = register_user(
            session, f"{name}@ops.cn", PASSWORD, f"{name}-名", role=role, provider_id=provider
        )
        users[name] = user.id
    _token, plain = create_token(session, a.id, "夜间同步")
    session.commit()
    return World(a.id, b.id, course.id, users, plain)


def _client(app, role: str):
    client = app.test_client()
    login(client, f"{role}@ops.cn", PASSWORD)
    return client


def _post(client, url: str, data: dict | None = None, with_token: bool = True):
    payload = dict(data or {})
    if with_token:
        payload["csrf_token"] = page_token(client)
    return client.post(url, data=payload)


def _state(session) -> tuple:
    """Everything the console can change."""
    session.expire_all()
    return (
        session.execute(
            select(Provider.id, Provider.name, Provider.status).order_by(Provider.id)
        ).all(),
        session.execute(
            select(User.id, User.role, User.provider_id, User.is_active).order_by(User.id)
        ).all(),
        session.scalar(select(func.count()).select_from(AccountAudit)),
    )


def _audit(session) -> list[AccountAudit]:
    session.expire_all()
    return list(session.scalars(select(AccountAudit).order_by(AccountAudit.id)))


def read_pages(w: World) -> list[str]:
    return [
        "/admin/providers",
        "/admin/providers?q=甲",
        f"/admin/providers/{w.a}",
        "/admin/accounts?q=ops",
        f"/admin/accounts/{w.users['learner']}",
    ]


def admin_only_pages() -> list[str]:
    return ["/admin/audit", "/admin/audit?provider=1", "/admin/mail"]


def changes(w: World) -> list[tuple[str, dict]]:
    learner, partner = w.users["learner"], w.users["partner"]
    return [
        ("/admin/providers", {"name": "丙大学", "kind": "university"}),
        (f"/admin/providers/{w.a}/rename", {"name": "改名大学"}),
        (f"/admin/providers/{w.a}/suspend", {}),
        (f"/admin/providers/{w.b}/unsuspend", {}),
        (f"/admin/accounts/{learner}/role", {"role": "admin"}),
        (f"/admin/accounts/{learner}/attach", {"provider": str(w.b)}),
        (f"/admin/accounts/{partner}/detach", {}),
        (f"/admin/accounts/{learner}/suspend", {}),
        (f"/admin/accounts/{learner}/unsuspend", {}),
        (f"/admin/accounts/{learner}/sign-out", {}),
        (f"/admin/accounts/{learner}/reset-link", {}),
        (f"/admin/accounts/{learner}/temporary-password", {}),
    ]


# -- who may reach the console ------------------------------------------------------------


def test_visitors_are_sent_to_log_in(client, session, world):
    before = _state(session)
    for url in read_pages(world) + admin_only_pages():
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    for url, data in changes(world):
        assert client.post(url, data=data).status_code in (302, 400), url
    assert _state(session) == before


@pytest.mark.parametrize("role", ["learner", "partner", "editor"])
def test_learners_partners_and_editors_get_403_and_change_nothing(app, session, world, role):
    client = _client(app, role)
    before = _state(session)
    for url in read_pages(world) + admin_only_pages():
        assert client.get(url).status_code == 403, (role, url)
    for url, data in changes(world):
        assert _post(client, url, data).status_code == 403, (role, url)
    assert _state(session) == before
    assert "/admin/providers" not in client.get("/").get_data(as_text=True)


def test_a_partner_cannot_attach_itself_to_another_provider(app, session, world):
    client = _client(app, "partner")
    me = world.users["partner"]
    before = _state(session)
    for url, data in [
        (f"/admin/accounts/{me}/attach", {"provider": str(world.b)}),
        (f"/admin/accounts/{me}/attach", {"provider": "乙大学"}),
        (f"/admin/accounts/{me}/role", {"role": "partner", "provider": "乙大学"}),
        (f"/admin/accounts/{me}/role", {"role": "admin"}),
    ]:
        assert _post(client, url, data).status_code == 403, url
    assert _state(session) == before
    # Nor through the service, whatever the web layer did.
    partner = Operator(user_id=me, role=Role.PARTNER)
    with pytest.raises(PermissionDenied):
        account_admin.attach_to_provider(session, partner, me, world.b)
    session.rollback()
    assert session.get(User, me).provider_id == world.a


def test_support_staff_read_the_console_without_its_forms(app, session, world):
    client = _client(app, "support")
    before = _state(session)
    for url in read_pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        # No form that changes anything.
        assert not re.search(r'<form method="post" action="/admin/', html), url
    assert "learner@ops.cn" in client.get("/admin/accounts?q=learner").get_data(as_text=True)
    for url in admin_only_pages():
        assert client.get(url).status_code == 403, url
    for url, data in changes(world):
        assert _post(client, url, data).status_code == 403, url
    assert _state(session) == before
    assert "/admin/providers" in client.get("/").get_data(as_text=True)


def test_every_console_form_carries_a_csrf_token_and_posts_without_one_are_refused(
    app, session, world
):
    client = _client(app, "admin")
    pages = [f"/admin/providers/{world.a}", "/admin/providers"]
    pages += [f"/admin/accounts/{world.users[r]}" for r in ("learner", "partner")]
    actions = set()
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        for form in re.findall(r'<form[^>]*method="post".*?</form>', html, re.S):
            assert 'name="csrf_token"' in form, (url, form[:200])
            actions.update(re.findall(r'action="(/admin/[^"]+)"', form))
    # The pages offer every change the console has.
    assert {url for url, _ in changes(world)} - actions <= {
        f"/admin/providers/{world.b}/unsuspend",  # shown only for a suspended provider
        f"/admin/accounts/{world.users['learner']}/unsuspend",
        f"/admin/accounts/{world.users['partner']}/detach",  # the partner's own page has it
    }
    before = _state(session)
    for url, data in changes(world):
        assert _post(client, url, data, with_token=False).status_code == 400, url
    assert _state(session) == before


# -- providers on the web ---------------------------------------------------------------


def test_admin_creates_renames_and_suspends_a_provider_audited(app, session, world):
    client = _client(app, "admin")
    page = client.get("/admin/providers").get_data(as_text=True)
    assert "甲大学" in page and "乙大学" in page
    created = client.post(
        "/admin/providers",
        data={
            "csrf_token": csrf_token(page),
            "name": "丙<b>开放</b>大学",
            "kind": "training",
            "contact_email": "c@c.cn",
        },
    )
    assert created.status_code == 302
    provider = session.scalar(select(Provider).where(Provider.name == "丙<b>开放</b>大学"))
    assert provider.kind.value == "training" and provider.contact_email == "c@c.cn"
    shown = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "丙&lt;b&gt;开放&lt;/b&gt;大学" in shown and "<b>开放" not in shown

    duplicate = _post(client, "/admin/providers", {"name": "甲大学", "kind": "media"})
    assert duplicate.status_code == 409
    assert "已有机构使用这个名称" in duplicate.get_data(as_text=True)
    bad_kind = _post(client, "/admin/providers", {"name": "丁大学", "kind": "school"})
    assert bad_kind.status_code == 400
    assert session.scalar(select(func.count()).select_from(Provider)) == 3

    listing = client.get("/admin/providers?q=甲").get_data(as_text=True)
    assert "甲大学" in listing and "乙大学" not in listing
    row = re.search(r"甲大学</a></td>(.*?)</tr>", listing, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == ["1", "1", "1"]  # published, all, partners

    renamed = _post(client, f"/admin/providers/{world.a}/rename", {"name": "甲开放大学"})
    assert renamed.status_code == 302
    taken = _post(client, f"/admin/providers/{world.a}/rename", {"name": "乙大学"})
    assert taken.status_code == 409
    assert _post(client, f"/admin/providers/{world.a}/suspend").status_code == 302
    session.expire_all()
    provider_a = session.get(Provider, world.a)
    assert (provider_a.name, provider_a.status) == ("甲开放大学", ProviderStatus.SUSPENDED)
    assert "该机构已停用" in client.get(f"/admin/providers/{world.a}").get_data(as_text=True)
    assert _post(client, f"/admin/providers/{world.a}/unsuspend").status_code == 302
    assert _post(client, "/admin/providers/999999/suspend").status_code == 404

    entries = _audit(session)
    assert [e.action for e in entries] == [
        "provider_create",
        "provider_rename",
        "provider_suspend",
        "provider_unsuspend",
    ]
    assert {(e.channel, e.actor_id, e.ip) for e in entries} == {
        ("web", world.users["admin"], "127.0.0.1")
    }
    log = client.get("/admin/audit").get_data(as_text=True)
    assert "admin@ops.cn" in log and "甲开放大学" in log
    assert "修改了机构名称" in log and "名称: 甲大学" in log and "名称: 甲开放大学" in log
    assert "status: suspended" in log
    only_a = client.get(f"/admin/audit?provider={world.a}").get_data(as_text=True)
    assert "provider_rename" in only_a and "provider_create" not in only_a


def test_a_suspended_providers_partners_cannot_upload_or_use_tokens(app, session, world):
    partner = _client(app, "partner")
    data = csv_bytes([["课程名称", "学习领域"], ["新课", "生活技能"]])

    def upload(client, provider_id):
        return client.post(
            "/partner/uploads",
            data={
                "csrf_token": page_token(client),
                "provider_id": str(provider_id),
                "policy": "valid_rows",
                "encoding": "",
                "default_area": "",
                "file": (io.BytesIO(data), "a.csv"),
            },
            content_type="multipart/form-data",
        )

    first = upload(partner, world.a)
    assert first.status_code == 302
    waiting = session.scalar(select(Upload.id).order_by(Upload.id.desc()))
    api = {"Authorization": f"Bearer {world.token}"}
    assert partner.get("/api/v1/partner/uploads", headers=api).status_code == 200

    admin = _client(app, "admin")
    assert _post(admin, f"/admin/providers/{world.a}/suspend").status_code == 302

    dashboard = partner.get("/partner/").get_data(as_text=True)
    assert "本机构已被停用" in dashboard
    assert 'action="/partner/uploads"' not in dashboard
    assert 'action="/partner/tokens"' not in dashboard
    refused = upload(partner, world.a)
    assert refused.status_code == 403
    assert "您的机构已被停用" in refused.get_data(as_text=True)
    tokens_before = session.scalar(select(func.count()).select_from(ApiToken))
    token = _post(partner, "/partner/tokens", {"name": "新令牌", "provider_id": str(world.a)})
    assert token.status_code == 403
    assert session.scalar(select(func.count()).select_from(ApiToken)) == tokens_before
    # The upload waiting for the partner's check was stopped, and cannot be applied now.
    session.expire_all()
    stopped = session.get(Upload, waiting)
    assert (stopped.status, stopped.error_code) == (UploadStatus.FAILED, "PROVIDER_SUSPENDED")
    apply = _post(partner, f"/partner/uploads/{waiting}/apply")
    assert apply.status_code == 302
    after = partner.get(f"/partner/uploads/{waiting}").get_data(as_text=True)
    assert "您的机构已被停用" in after and "机构已被停用。没有任何内容被应用" in after
    session.expire_all()
    assert session.get(Upload, waiting).status == UploadStatus.FAILED

    for method, url in [
        ("GET", "/api/v1/partner/uploads"),
        ("POST", "/api/v1/partner/uploads"),
        ("GET", f"/api/v1/partner/uploads/{waiting}"),
    ]:
        response = partner.open(url, method=method, headers=api)
        assert response.status_code == 403, url
        assert response.get_json()["error"]["code"] == "PROVIDER_SUSPENDED"
    uploads = session.scalar(select(func.count()).select_from(Upload))
    # Its courses stay visible to learners (docs/operators.md).
    assert app.test_client().get(f"/courses/{world.course}").status_code == 200
    # Administrators may still act for it, to correct or withdraw its catalogue.
    assert upload(admin, world.a).status_code == 302
    assert session.scalar(select(func.count()).select_from(Upload)) == uploads + 1

    assert _post(admin, f"/admin/providers/{world.a}/unsuspend").status_code == 302
    assert partner.get("/api/v1/partner/uploads", headers=api).status_code == 200
    assert upload(partner, world.a).status_code == 302


def test_the_ingestion_service_refuses_partners_of_a_suspended_provider(app, session, world):
    provider_service.suspend_provider(session, CLI, world.a)
    stream = io.BytesIO(csv_bytes([["课程名称"], ["新课"]]))
    upload_dir = get_settings(app).upload_dir
    with pytest.raises(PermissionDenied) as refused:
        ingest.receive_upload(
            session,
            ingest.Actor(world.users["partner"], Role.PARTNER, world.a),
            world.a,
            "a.csv",
            stream,
            upload_dir,
            channel="api",
        )
    assert refused.value.code == "PROVIDER_SUSPENDED"
    admin = ingest.Actor(world.users["admin"], Role.ADMIN)
    upload = ingest.receive_upload(
        session, admin, world.a, "a.csv", io.BytesIO(stream.getvalue()), upload_dir, channel="web"
    )
    with pytest.raises(PermissionDenied):
        ingest.queue_upload(session, upload, ingest.Actor(None, Role.PARTNER, world.a))
    assert ingest.queue_upload(session, upload, admin).status == UploadStatus.QUEUED


# -- accounts on the web ----------------------------------------------------------------


def test_a_suspended_account_cannot_log_in_and_its_sessions_end(app, session, world):
    phone = _client(app, "learner")
    assert phone.get("/me/notes").status_code == 200
    admin = _client(app, "admin")
    learner = world.users["learner"]
    assert _post(admin, f"/admin/accounts/{learner}/suspend").status_code == 302
    assert phone.get("/me/notes").status_code == 302  # the session ended

    other = app.test_client()
    token = csrf_token(other.get("/login").get_data(as_text=True))
    right = other.post(
        "/login", data={"email": "learner@ops.cn", "password": PASSWORD, "csrf_token": token}
    )
    assert right.status_code == 400 and "该账号已停用" in right.get_data(as_text=True)
    wrong = other.post(
        "/login", data={"email": "learner@ops.cn", "password": "not-it-000", "csrf_token": token}
    )
    assert "该账号已停用" not in wrong.get_data(as_text=True)
    assert "邮箱或密码不正确" in wrong.get_data(as_text=True)
    page = admin.get(f"/admin/accounts/{learner}").get_data(as_text=True)
    assert "该账号已停用" in page

    assert _post(admin, f"/admin/accounts/{learner}/unsuspend").status_code == 302
    login(other, "learner@ops.cn", PASSWORD)
    assert other.get("/me/notes").status_code == 200
    entries = _audit(session)
    assert [(e.action, e.target_id, e.before, e.after) for e in entries] == [
        ("account_suspend", learner, {"active": True}, {"active": False, "ended_sessions": 1}),
        ("account_unsuspend", learner, {"active": False}, {"active": True}),
    ]


def test_admin_changes_roles_and_attaches_and_detaches_partner_accounts(app, session, world):
    admin = _client(app, "admin")
    learner = world.users["learner"]
    owner = _client(app, "learner")
    assert owner.get("/partner/").status_code == 403

    attach = _post(admin, f"/admin/accounts/{learner}/attach", {"provider": "乙大学"})
    assert attach.status_code == 302
    assert "乙大学" in owner.get("/partner/").get_data(as_text=True)
    moved = _post(admin, f"/admin/accounts/{learner}/attach", {"provider": str(world.a)})
    assert moved.status_code == 302
    assert "甲大学" in owner.get("/partner/").get_data(as_text=True)
    assert "learner@ops.cn" in admin.get(f"/admin/providers/{world.a}").get_data(as_text=True)
    assert _post(admin, f"/admin/accounts/{learner}/detach").status_code == 302
    assert owner.get("/partner/").status_code == 403

    unknown = _post(admin, f"/admin/accounts/{learner}/attach", {"provider": "无此机构"})
    assert unknown.status_code == 400
    assert "没有这个名称或编号的机构" in unknown.get_data(as_text=True)
    no_provider = _post(admin, f"/admin/accounts/{learner}/role", {"role": "partner"})
    assert no_provider.status_code == 400
    assert "账号需要所属机构" in no_provider.get_data(as_text=True)
    assert _post(admin, f"/admin/accounts/{learner}/role", {"role": "editor"}).status_code == 302
    assert owner.get("/editor/search").status_code == 200
    staff = _post(admin, f"/admin/accounts/{learner}/attach", {"provider": "乙大学"})
    assert staff.status_code == 409
    assert "工作人员账号请先修改角色" in staff.get_data(as_text=True)
    not_partner = _post(admin, f"/admin/accounts/{learner}/detach")
    assert not_partner.status_code == 409
    to_partner = _post(
        admin, f"/admin/accounts/{learner}/role", {"role": "partner", "provider": "乙大学"}
    )
    assert to_partner.status_code == 302
    session.expire_all()
    user = session.get(User, learner)
    assert (user.role, user.provider_id) == (Role.PARTNER, world.b)

    entries = [e for e in _audit(session) if e.target_id == learner]
    assert [e.action for e in entries] == [
        "provider_attach",
        "provider_attach",
        "provider_detach",
        "role_change",
        "role_change",
    ]
    assert entries[0].before["role"] == "learner"
    assert entries[0].after == {
        "role": "partner",
        "provider_id": world.b,
        "provider": "乙大学",
        "active": True,
    }
    assert entries[1].before["provider"] == "乙大学" and entries[1].after["provider"] == "甲大学"
    assert (entries[3].before["role"], entries[3].after["role"]) == ("learner", "editor")
    history = admin.get(f"/admin/accounts/{learner}").get_data(as_text=True)
    assert "关联到机构" in history and "provider: 乙大学" in history


def test_admins_cannot_lock_themselves_or_everyone_out(app, session, world):
    admin = _client(app, "admin")
    me = world.users["admin"]
    for url, data in [
        (f"/admin/accounts/{me}/suspend", {}),
        (f"/admin/accounts/{me}/role", {"role": "learner"}),
    ]:
        response = _post(admin, url, data)
        assert response.status_code == 403, url
        assert "不能修改自己的角色" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, me).is_active and session.get(User, me).role == Role.ADMIN
    # The command line has no account of its own, but may not remove the last admin either.
    for change in (
        lambda: account_admin.suspend_account(session, CLI, me),
        lambda: account_admin.change_role(session, CLI, me, "support"),
    ):
        with pytest.raises(Conflict) as refused:
            change()
        assert refused.value.code == "LAST_ADMIN"
        session.rollback()
    account_admin.change_role(session, CLI, world.users["support"], "admin")
    account_admin.change_role(session, CLI, me, "support")
    session.commit()
    assert session.get(User, me).role == Role.SUPPORT


def test_account_service_rules(session, world):
    learner, partner = world.users["learner"], world.users["partner"]
    editor = Operator(user_id=world.users["editor"], role=Role.EDITOR)
    for change in (
        lambda: account_admin.suspend_account(session, editor, learner),
        lambda: account_admin.change_role(session, editor, learner, "admin"),
        lambda: provider_service.add_provider(session, editor, "戊大学", "media"),
        lambda: provider_service.suspend_provider(session, editor, world.a),
    ):
        with pytest.raises(PermissionDenied):
            change()
    with pytest.raises(ValidationError) as bad:
        account_admin.change_role(session, CLI, learner, "partner")
    assert bad.value.errors[0].code == "PARTNER_PROVIDER"
    with pytest.raises(ValidationError) as bad:
        account_admin.change_role(session, CLI, learner, "owner")
    assert bad.value.errors[0].code == "INVALID_CHOICE"
    with pytest.raises(ValidationError):
        account_admin.attach_to_provider(session, CLI, learner, 999999)
    # A partner that leaves for another role leaves its provider (the CHECK constraint).
    user = account_admin.change_role(session, CLI, partner, "editor")
    assert user.provider_id is None
    # Changes that change nothing record nothing.
    account_admin.change_role(session, CLI, partner, "editor")
    account_admin.unsuspend_account(session, CLI, learner)
    assert not provider_service.unsuspend_provider(session, CLI, world.a).changed
    provider_service.rename_provider(session, CLI, world.a, "甲大学")
    session.commit()
    assert [e.action for e in _audit(session)] == ["role_change"]


def test_the_console_speaks_english_too(app, world):
    admin = _client(app, "admin")
    admin.post("/language", data={"lang": "en", "csrf_token": page_token(admin)})
    providers = admin.get("/admin/providers").get_data(as_text=True)
    assert "New provider" in providers and "Kind of institution" in providers
    assert "Admin console" in providers and "University" in providers
    account = admin.get(f"/admin/accounts/{world.users['partner']}").get_data(as_text=True)
    assert "Detach from the provider" in account and "Suspend the account" in account
    assert "Audit log" in admin.get("/admin/audit").get_data(as_text=True)


def test_a_session_of_an_account_made_inactive_is_refused_even_if_its_row_remains(
    app, session, world
):
    phone = _client(app, "learner")
    session.get(User, world.users["learner"]).is_active = False  # as a direct database edit
    session.commit()
    assert phone.get("/me/notes").status_code == 302
