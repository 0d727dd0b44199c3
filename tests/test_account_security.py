"""Sessions end server-side; weak and look-alike credentials; sign-up that reveals nothing;
password reset and e-mail verification through the outbox; the admin's account tools."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from catalogue.errors import ValidationError
from catalogue.models import AccountAudit, Note, OutgoingMail, Role, User
from catalogue.services import users as svc
from catalogue.services.users import register_user
from tests.helpers import csrf_token, login, make_course, page_token

PASSWORD = "a-long-passphrase-1"


def _copy_session(source, target) -> None:
    cookie = source.get_cookie("session")
    assert cookie is not None
    target.set_cookie("session", cookie.value)


def _note_count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Note))


def _mails(session, to: str) -> list[OutgoingMail]:
    session.expire_all()
    return list(
        session.scalars(
            select(OutgoingMail).where(OutgoingMail.to_address == to).order_by(OutgoingMail.id)
        )
    )


def _link(mail: OutgoingMail) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", mail.body)
    assert match, mail.body
    return match.group(1)


# -- finding 3: sessions end server-side -------------------------------------------------


def test_a_copied_cookie_dies_with_log_out(app, client, session):
    course = make_course(session)
    register_user(session, "ann@example.cn", PASSWORD, "Ann")
    session.commit()
    login(client, "ann@example.cn", PASSWORD)
    thief = app.test_client()
    _copy_session(client, thief)
    assert thief.get("/me/notes").status_code == 200
    token = page_token(thief)
    client.post("/logout", data={"csrf_token": page_token(client)})

    page = thief.get("/me/notes")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    write = thief.post(f"/courses/{course.id}/notes", data={"csrf_token": token, "body": "x"})
    assert write.status_code in (302, 400, 401, 403)
    assert _note_count(session) == 0


def test_log_out_ends_only_this_device(app, client, session):
    register_user(session, "ann@example.cn", PASSWORD, "Ann")
    session.commit()
    phone = app.test_client()
    login(client, "ann@example.cn", PASSWORD)
    login(phone, "ann@example.cn", PASSWORD)
    client.post("/logout", data={"csrf_token": page_token(client)})
    assert phone.get("/me/notes").status_code == 200


def test_password_change_and_sign_out_everywhere_end_other_sessions(app, client, session):
    register_user(session, "ann@example.cn", PASSWORD, "Ann")
    session.commit()
    phone = app.test_client()
    login(client, "ann@example.cn", PASSWORD)
    login(phone, "ann@example.cn", PASSWORD)
    page = client.get("/me/account")
    assert page.status_code == 200
    response = client.post(
        "/me/account/password",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "current": PASSWORD,
            "password": "another-passphrase-2",
            "confirm": "another-passphrase-2",
        },
    )
    assert response.status_code == 302
    assert phone.get("/me/notes").status_code == 302
    # The device that changed the password stays signed in.
    assert client.get("/me/notes").status_code == 200

    login(phone, "ann@example.cn", "another-passphrase-2")
    client.post("/me/account/sign-out-everywhere", data={"csrf_token": page_token(client)})
    assert phone.get("/me/notes").status_code == 302
    assert client.get("/me/notes").status_code == 302


def test_admin_signs_an_account_out_everywhere_audited(app, client, session):
    ann = register_user(session, "ann@example.cn", PASSWORD, "Ann")
    register_user(session, "boss@example.cn", PASSWORD, "Boss", role=Role.ADMIN)
    register_user(session, "bob@example.cn", PASSWORD, "Bob")
    session.commit()
    phone = app.test_client()
    login(phone, "ann@example.cn", PASSWORD)

    login(client, "bob@example.cn", PASSWORD)
    url = f"/admin/accounts/{ann.id}/sign-out"
    assert client.post(url, data={"csrf_token": page_token(client)}).status_code in (403, 404)
    assert phone.get("/me/notes").status_code == 200
    client.post("/logout", data={"csrf_token": page_token(client)})

    login(client, "boss@example.cn", PASSWORD)
    assert client.post(url, data={"csrf_token": page_token(client)}).status_code == 302
    assert phone.get("/me/notes").status_code == 302
    session.expire_all()
    audit = session.scalars(select(AccountAudit)).one()
    assert (audit.target_id, audit.action) == (ann.id, "sign_out_everywhere")
    assert audit.actor_id is not None and audit.ip
    assert "sign_out_everywhere" in client.get("/admin/audit").get_data(as_text=True)


# -- finding 7: weak and look-alike credentials ------------------------------------------


@pytest.mark.parametrize("password", ["12345678", "password", "Password", "iloveyou", "qwertyuiop"])
def test_common_passwords_are_refused(session, password):
    with pytest.raises(ValidationError) as info:
        register_user(session, "a@example.cn", password, "A")
    assert info.value.errors[0].code == "PASSWORD_COMMON"


def test_common_password_refused_on_change_too(session):
    user = register_user(session, "a@example.cn", PASSWORD, "A")
    with pytest.raises(ValidationError):
        svc.set_password(session, user.id, "password1")


@pytest.mark.parametrize(
    "lookalike",
    [
        "ｌearnera@t.io",  # full-width l
        "learner\u200ba@t.io",  # zero-width space
        "\ufeffLearnerA@T.IO ",  # BOM, case, trailing space
        "learner\u00ada@t.io",  # soft hyphen
        "learnera@t.io\u200e",  # left-to-right mark
    ],
)
def test_look_alike_addresses_are_the_same_account(session, lookalike):
    register_user(session, "learnera@t.io", PASSWORD, "A")
    assert svc.normalise_email(lookalike) == "learnera@t.io"
    with pytest.raises(ValidationError) as info:
        register_user(session, lookalike, PASSWORD, "B")
    assert info.value.errors[0].code == "EMAIL_TAKEN"
    assert svc.authenticate(session, lookalike, PASSWORD) is not None


def test_stored_addresses_are_normalised(session):
    user = register_user(session, "plain@t.io", PASSWORD, "A")
    user.email = "ｌearner\u200bB@T.io"
    twin = register_user(session, "twin@t.io", PASSWORD, "B")
    session.flush()
    twin.email = "learnerb@t.io"
    other = register_user(session, "c@t.io", PASSWORD, "C")
    other.email = "Ｃ@T.IO"
    session.commit()
    report = svc.normalise_stored_emails(session)
    session.commit()
    session.expire_all()
    assert session.get(User, other.id).email == "c@t.io"
    # A collision is left as it was and reported, for an admin to resolve.
    assert session.get(User, user.id).email == "ｌearner\u200bB@T.io"
    assert report == {"changed": 1, "collisions": [(user.id, "learnerb@t.io")]}


# -- finding 8 and mail: sign-up that reveals nothing ------------------------------------


def _signup(client, email, password=PASSWORD, lang="zh"):
    token = csrf_token(client.get("/signup").get_data(as_text=True))
    return client.post(
        "/signup",
        data={
            "email": email,
            "display_name": "小明",
            "password": password,
            "confirm": password,
            "preferred_language": lang,
            "csrf_token": token,
        },
        follow_redirects=True,
    )


def _same_page(response) -> str:
    # Each client has its own CSRF token; everything else must match.
    return re.sub(
        r'(name="csrf_token" value|data-csrf)="[^"]+"', "", response.get_data(as_text=True)
    )


def test_sign_up_answers_the_same_for_a_taken_address(app, client, session):
    register_user(session, "taken@example.cn", PASSWORD, "已有", preferred_language="en")
    session.commit()
    new = _signup(client, "new@example.cn")
    taken = _signup(app.test_client(), "TAKEN@example.cn")
    assert new.status_code == taken.status_code == 200
    new_html, taken_html = (_same_page(r) for r in (new, taken))
    assert "已注册" not in taken_html
    assert new_html.replace("new@example.cn", "X") == taken_html.replace("taken@example.cn", "X")
    assert session.scalar(select(func.count()).select_from(User)) == 2
    # The existing account is told, in its own language, with a way in.
    [warning] = _mails(session, "taken@example.cn")
    assert "sign up" in warning.body.lower() and "/password/forgot" in warning.body
    # The new account is not logged in until it follows its link.
    assert client.get("/me/notes").status_code == 302
    [verify] = _mails(session, "new@example.cn")
    assert "确认" in verify.subject
    assert client.get(_link(verify), follow_redirects=True).status_code == 200
    assert client.get("/me/notes").status_code == 200
    # The link does not log anyone in a second time.
    other = app.test_client()
    again = other.get(_link(verify))
    assert again.status_code == 400
    assert other.get("/me/notes").status_code == 302


def test_unverified_account_cannot_log_in_but_gets_a_new_link(client, session):
    _signup(client, "new@example.cn")
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": "new@example.cn", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 400
    assert "确认" in response.get_data(as_text=True)
    assert len(_mails(session, "new@example.cn")) == 2


# -- password reset --------------------------------------------------------------------


def _forgot(client, email):
    token = csrf_token(client.get("/password/forgot").get_data(as_text=True))
    return client.post("/password/forgot", data={"email": email, "csrf_token": token})


def _reset(client, path, password):
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(
        path,
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "password": password,
            "confirm": password,
        },
    )


def test_password_reset_flow(app, client, session):
    register_user(session, "ann@example.cn", PASSWORD, "Ann", preferred_language="en")
    session.commit()
    laptop = app.test_client()
    login(laptop, "ann@example.cn", PASSWORD)

    unknown = _forgot(client, "nobody@example.cn")
    known = _forgot(client, "ann@example.cn")
    assert unknown.status_code == known.status_code
    assert unknown.get_data() == known.get_data()
    assert _mails(session, "nobody@example.cn") == []
    [mail] = _mails(session, "ann@example.cn")
    assert "reset" in mail.subject.lower()
    path = _link(mail)

    weak = _reset(client, path, "password")
    assert weak.status_code == 400
    done = _reset(client, path, "brand-new-phrase-9")
    assert done.status_code == 302
    # Old sessions are ended; the old password no longer works, the new one does.
    assert laptop.get("/me/notes").status_code == 302
    session.expire_all()
    assert svc.authenticate(session, "ann@example.cn", PASSWORD) is None
    login(client, "ann@example.cn", "brand-new-phrase-9")
    # The link works once.
    used = client.get(path)
    assert used.status_code == 400
    assert "already been used" in used.get_data(as_text=True) or "已用过" in used.get_data(
        as_text=True
    )


def test_expired_reset_link_is_refused_clearly(app, client, session):
    user = register_user(session, "ann@example.cn", PASSWORD, "Ann")
    session.commit()
    from webapp import account_links

    with app.test_request_context():
        path = account_links.reset_path(user, issued_at=time.time() - 3 * 3600)
    response = client.get(path)
    assert response.status_code == 400
    assert "过期" in response.get_data(as_text=True)
    assert client.get("/password/reset/garbage").status_code == 400


def test_admin_reset_link_and_temporary_password_are_audited(app, client, session):
    ann = register_user(session, "ann@example.cn", PASSWORD, "Ann")
    register_user(session, "boss@example.cn", PASSWORD, "Boss", role=Role.ADMIN)
    session.commit()
    phone = app.test_client()
    login(phone, "ann@example.cn", PASSWORD)
    assert client.get(f"/admin/accounts/{ann.id}").status_code == 302  # visitor: log in
    login(client, "boss@example.cn", PASSWORD)
    page = client.get("/admin/accounts?q=ann")
    assert "ann@example.cn" in page.get_data(as_text=True)

    link = client.post(
        f"/admin/accounts/{ann.id}/reset-link", data={"csrf_token": page_token(client)}
    )
    assert link.status_code == 200
    match = re.search(r"(/password/reset/[A-Za-z0-9_.\-]+)", link.get_data(as_text=True))
    assert match
    temp = client.post(
        f"/admin/accounts/{ann.id}/temporary-password", data={"csrf_token": page_token(client)}
    )
    assert temp.status_code == 200
    assert "no-store" in temp.headers["Cache-Control"]
    password = re.search(r'data-temporary-password="([^"]+)"', temp.get_data(as_text=True))
    assert password
    session.expire_all()
    assert svc.authenticate(session, "ann@example.cn", password.group(1)) is not None
    assert phone.get("/me/notes").status_code == 302
    session.expire_all()
    actions = [a.action for a in session.scalars(select(AccountAudit).order_by(AccountAudit.id))]
    assert actions == ["reset_link", "temporary_password"]
    audit_page = client.get("/admin/audit").get_data(as_text=True)
    assert "temporary_password" in audit_page and "ann@example.cn" in audit_page


def test_outbox_page_is_for_admins(client, session):
    register_user(session, "boss@example.cn", PASSWORD, "Boss", role=Role.ADMIN)
    register_user(session, "bob@example.cn", PASSWORD, "Bob")
    session.commit()
    _forgot(client, "bob@example.cn")
    login(client, "bob@example.cn", PASSWORD)
    assert client.get("/admin/mail").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    client.post("/logout", data={"csrf_token": page_token(client)})
    login(client, "boss@example.cn", PASSWORD)
    html = client.get("/admin/mail").get_data(as_text=True)
    assert "bob@example.cn" in html


def test_mail_links_use_site_url(engine, session, tmp_path):
    from webapp import create_app
    from webapp.db import get_database

    app = create_app(
        {
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SITE_URL": "https://learn.example.cn/",
        }
    )
    try:
        register_user(session, "ann@example.cn", PASSWORD, "Ann")
        session.commit()
        client = app.test_client()
        evil = "http://evil.example"
        page = client.get("/password/forgot", base_url=evil).get_data(as_text=True)
        client.post(
            "/password/forgot",
            data={"email": "ann@example.cn", "csrf_token": csrf_token(page)},
            base_url=evil,
        )
        [mail] = _mails(session, "ann@example.cn")
        assert "https://learn.example.cn/password/reset/" in mail.body
        assert "evil.example" not in mail.body
    finally:
        get_database(app).engine.dispose()


def test_migration_normalises_stored_addresses(fresh_database_url):
    import sqlalchemy as sa
    from alembic import command

    from catalogue.db import alembic_config, make_engine

    engine = make_engine(fresh_database_url)
    cfg = alembic_config(engine)
    command.upgrade(cfg, "0009")
    insert = sa.text(
        "INSERT INTO users (id, email, password_hash, display_name, role, preferred_language, "
        "caring_mode, interest_areas, is_active, created_at) "
        "VALUES (:id, :email, 'x', 'a', 'learner', 'zh', false, '[]', true, '2026-01-01')"
    )
    rows = [(1, "learnera@t.io"), (2, "ｌearnera@t.io"), (3, "Ｂob\u200b@T.io")]
    with engine.begin() as conn:
        for user_id, email in rows:
            conn.execute(insert, {"id": user_id, "email": email})
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        stored = dict(conn.execute(sa.text("SELECT id, email FROM users")).all())
        verified = conn.execute(
            sa.text("SELECT count(*) FROM users WHERE email_verified_at IS NOT NULL")
        ).scalar()
    engine.dispose()
    # The look-alike of an existing account is left for an admin; the others are rewritten.
    assert stored == {1: "learnera@t.io", 2: "ｌearnera@t.io", 3: "bob@t.io"}
    assert verified == 3
