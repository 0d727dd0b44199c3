"""The account page's profile and settings: name, interests, language, caring mode and its
text size, and the time zone every time on the site is shown in (the account's choice, else
the browser's, else Beijing time); bad values are refused with a message and change nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from catalogue.models import User
from catalogue.services import social
from catalogue.services.users import register_user
from tests.helpers import login, make_course, page_token

PASSWORD = "settings-pass-2026"


def _learner(app, session, email: str = "zhou@example.cn"):
    register_user(session, email, PASSWORD, "周阿姨", interest_areas=["elderly"])
    session.commit()
    client = app.test_client()
    login(client, email, PASSWORD)
    return client


def _settings(client, **values):
    data = {
        "csrf_token": page_token(client),
        "display_name": "周老师",
        "interest_areas": ["hobbies", "life_skills"],
        "preferred_language": "zh",
        "text_size": "large",
        "time_zone": "",
    }
    data.update(values)
    return client.post("/me/account/settings", data=data)


def _user(session, email: str = "zhou@example.cn") -> User:
    session.expire_all()
    return session.scalars(select(User).where(User.email == email)).one()


def test_profile_and_settings_are_saved_and_the_page_follows_them(app, session):
    client = _learner(app, session)
    assert client.get("/profile").headers["Location"].endswith("/me/profile")
    assert client.get("/settings").headers["Location"].endswith("/me/account")
    page = client.get("/me/account").get_data(as_text=True)
    assert 'value="周阿姨"' in page and "个人资料与设置" in page
    answer = _settings(
        client,
        preferred_language="en",
        caring_mode="y",
        text_size="larger",
        time_zone="Asia/Tokyo",
    )
    assert answer.status_code == 302
    user = _user(session)
    assert (user.display_name, user.interest_areas) == ("周老师", ["hobbies", "life_skills"])
    assert (user.preferred_language, user.caring_mode, user.text_size, user.time_zone) == (
        "en",
        True,
        "larger",
        "Asia/Tokyo",
    )
    after = client.get("/me/account").get_data(as_text=True)
    assert "Your settings are saved." in after and 'class="caring text-larger"' in after
    # The same account in another browser: caring mode at the chosen size, in English.
    other = app.test_client()
    login(other, "zhou@example.cn", PASSWORD)
    home = other.get("/").get_data(as_text=True)
    assert 'class="caring text-larger"' in home and '<html lang="en"' in home
    # Back to the browser's zone.
    _settings(client)
    assert _user(session).time_zone is None


def test_bad_settings_are_refused_with_a_message_and_change_nothing(app, session):
    client = _learner(app, session)
    for values, message in (
        ({"display_name": "  "}, 'id="display_name-error">该字段是必填字段'),
        ({"display_name": "名" * 51}, 'id="display_name-error"'),
        ({"time_zone": "Mars/Olympus_Mons"}, 'id="time_zone-error">请从选项中选择一项'),
        ({"text_size": "gigantic"}, 'id="text_size-error"'),
        ({"interest_areas": ["astrology"]}, 'id="interest_areas-error"'),
    ):
        answer = _settings(client, **values)
        assert answer.status_code == 400, values
        assert message in answer.get_data(as_text=True), values
    user = _user(session)
    assert (user.display_name, user.interest_areas, user.time_zone, user.text_size) == (
        "周阿姨",
        ["elderly"],
        None,
        "large",
    )
    no_token = client.post("/me/account/settings", data={"display_name": "黑客"})
    assert no_token.status_code == 400 and _user(session).display_name == "周阿姨"
    assert app.test_client().post("/me/account/settings").status_code in (302, 400)


def test_times_follow_the_accounts_zone_else_the_browsers_else_beijing(app, session):
    course = make_course(session, title="书法入门").id
    writer = register_user(session, "li@example.cn", PASSWORD, "李").id
    comment = social.add_comment(session, writer, course, "写得好")
    comment.created_at = datetime(2026, 12, 1, 5, 32, tzinfo=UTC)
    session.commit()

    def shown(client) -> str:
        html = client.get(f"/courses/{course}").get_data(as_text=True)
        return next(t for t in ("13:32", "14:32", "05:32", "06:32") if f"2026-12-01 {t}" in html)

    visitor = app.test_client()
    assert shown(visitor) == "13:32"  # Beijing time
    visitor.set_cookie("tz", "Europe/London")
    assert shown(visitor) == "05:32"
    visitor.set_cookie("tz", "Not/AZone")
    assert shown(visitor) == "13:32"
    learner = _learner(app, session)
    learner.set_cookie("tz", "Europe/Berlin")
    assert shown(learner) == "06:32"  # the browser's, until the account chooses one
    _settings(learner, time_zone="Asia/Tokyo")
    assert shown(learner) == "14:32"


def test_the_caring_text_size_is_kept_on_the_account(app, session):
    client = _learner(app, session)
    client.post("/caring", data={"on": "1", "csrf_token": page_token(client)})
    client.post("/caring/text-size", data={"size": "larger", "csrf_token": page_token(client)})
    assert _user(session).text_size == "larger"
    other = app.test_client()
    login(other, "zhou@example.cn", PASSWORD)
    assert 'class="caring text-larger"' in other.get("/").get_data(as_text=True)


def _mail_link(session, to: str, kind: str) -> str:
    import re

    from catalogue.models import OutgoingMail

    session.expire_all()
    body = session.scalars(
        select(OutgoingMail.body)
        .where(OutgoingMail.to_address == to, OutgoingMail.kind == kind)
        .order_by(OutgoingMail.id.desc())
    ).first()
    assert body, f"no {kind} mail to {to}"
    return re.search(r"https?://[^/\s]+(/\S+)", body).group(1)


def _ask(client, new_email: str, password: str = PASSWORD):
    return client.post(
        "/me/account/email",
        data={
            "csrf_token": page_token(client),
            "new_email": new_email,
            "current_password": password,
        },
    )


def test_the_address_changes_only_through_the_link_mailed_to_it(app, session):
    client = _learner(app, session)
    register_user(session, "taken@example.cn", PASSWORD, "别人")
    session.commit()
    for new, password, field in (
        ("Zhou.New@Example.cn", "wrong-password-1", "current_password"),
        ("not-an-address", PASSWORD, "new_email"),
        ("taken@example.cn", PASSWORD, "new_email"),
        ("zhou@example.cn", PASSWORD, "new_email"),
    ):
        answer = _ask(client, new, password)
        assert answer.status_code == 400
        assert f'id="{field}-error"' in answer.get_data(as_text=True), new
    assert _ask(client, "Zhou.New@Example.cn").status_code == 302
    assert _user(session).email == "zhou@example.cn"  # not before the link is opened
    link = _mail_link(session, "zhou.new@example.cn", "email_change")
    # Opened in another browser (say, on the phone where the new mailbox is): it still works.
    answer = app.test_client().get(link)
    assert answer.status_code == 302
    user = _user(session, "zhou.new@example.cn")
    assert user.email_verified_at is not None
    notice = _mail_link(session, "zhou@example.cn", "email_changed")
    assert notice.startswith("/password/forgot")
    login(app.test_client(), "zhou.new@example.cn", PASSWORD)
    # The link is spent: the account's address is no longer the one it was made for.
    assert app.test_client().get(link).status_code == 400
    assert app.test_client().get(link[:-3] + "abc").status_code == 400


def test_address_change_requests_are_limited_per_account(app, session):
    """Each request mails a link to an address someone types: five an hour, then a pause."""
    client = _learner(app, session)
    for n in range(5):
        assert _ask(client, f"new{n}@example.cn").status_code == 302
    assert _ask(client, "new5@example.cn").status_code == 429
