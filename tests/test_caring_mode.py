"""Caring mode (长辈模式): the switch, where it is remembered, and what it changes on pages.
The browser tests (tests/test_browser_caring.py) check what it looks like."""

from __future__ import annotations

import re
from urllib.parse import unquote

from sqlalchemy import select

from catalogue.models import Area, User
from catalogue.services.activity import record_event, refresh_course_stats
from catalogue.services.users import register_user
from search.indexer import rebuild
from tests.helpers import login, make_course, make_provider, page_token


def caring_page(client, path: str = "/") -> bool:
    html = client.get(path).get_data(as_text=True)
    return 'class="caring text-' in html


def switch(client, on: str, next_path: str = "/", token: str | None = None):
    return client.post(
        "/caring",
        data={"on": on, "next": next_path, "csrf_token": token or page_token(client)},
    )


def test_a_visitor_switches_caring_mode_on_and_off_in_this_browser(client):
    assert not caring_page(client)
    response = switch(client, "1", "/search?q=太极")
    assert response.status_code == 302
    assert unquote(response.headers["Location"]) == "/search?q=太极"
    cookie = client.get_cookie("caring")
    assert cookie.value == "1" and cookie.http_only and cookie.max_age >= 300 * 24 * 3600
    assert caring_page(client) and caring_page(client, "/signup")
    switch(client, "0")
    assert not caring_page(client)


def test_the_switch_needs_a_csrf_token_and_a_known_value(client):
    client.post("/caring", data={"on": "1"})
    assert client.get_cookie("caring") is None and not caring_page(client)
    switch(client, "yes")
    assert client.get_cookie("caring") is None


def test_the_switch_never_redirects_to_another_site(client):
    response = switch(client, "1", "https://evil.example/")
    assert response.headers["Location"] == "/"


def test_the_account_remembers_caring_mode_in_another_browser(app, session):
    register_user(session, "wang@example.cn", "password-123", "王伯伯")
    session.commit()
    first = app.test_client()
    login(first, "wang@example.cn", "password-123")
    switch(first, "1")
    other = app.test_client()
    assert not caring_page(other)
    login(other, "wang@example.cn", "password-123")
    assert caring_page(other)
    switch(other, "0")
    session.expire_all()
    assert session.scalars(select(User.caring_mode)).one() is False
    assert not caring_page(first)  # the account's setting is off again everywhere


def test_caring_mode_chosen_as_a_visitor_is_kept_at_log_in(client, session):
    register_user(session, "li@example.cn", "password-123", "李奶奶")
    session.commit()
    switch(client, "1")
    login(client, "li@example.cn", "password-123")
    session.expire_all()
    assert session.scalars(select(User.caring_mode)).one() is True


def test_text_size_has_a_larger_step(client):
    switch(client, "1")
    assert 'class="caring text-large"' in client.get("/").get_data(as_text=True)
    client.post("/caring/text-size", data={"size": "larger", "csrf_token": page_token(client)})
    assert 'class="caring text-larger"' in client.get("/").get_data(as_text=True)
    client.post("/caring/text-size", data={"size": "huge", "csrf_token": page_token(client)})
    assert 'class="caring text-larger"' in client.get("/").get_data(as_text=True)


def test_home_in_caring_mode_has_one_tap_to_elderly_learning_and_smart_living(client, session):
    provider = make_provider(session).id
    viewer = register_user(session, "viewer@example.cn", "password-123", "看客").id
    for n in range(8):
        course = make_course(session, provider, title=f"课程{n}", area=Area.HOBBIES)
        record_event(session, viewer, course.id, "view")
    session.commit()
    refresh_course_stats(session)
    session.commit()
    normal = client.get("/").get_data(as_text=True)
    switch(client, "1")
    caring = client.get("/").get_data(as_text=True)
    assert 'class="quick-link area-elderly" href="/areas/elderly"' in caring
    assert 'class="quick-link smart-living" href="/smart-living"' in caring
    assert "quick-link" not in normal
    # Fewer items: no newest list, at most four popular courses.
    assert "newest-heading" in normal and "newest-heading" not in caring
    assert caring.count('class="card ') == 4 < normal.count('class="card ')


def test_the_course_page_offers_read_aloud_only_in_caring_mode(client, session):
    course = make_course(session, title="防跌倒小知识", description="起身要慢。")
    session.commit()
    assert 'class="read-aloud"' not in client.get(f"/courses/{course.id}").get_data(as_text=True)
    switch(client, "1")
    html = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert 'class="read-aloud"' in html
    assert (
        "<h1 data-read-aloud>防跌倒小知识</h1>" in html
        and "<p data-read-aloud>起身要慢。</p>" in html
    )


def test_smart_living_lists_courses_per_everyday_skill(app, client, session):
    from webapp.db import get_database

    provider = make_provider(session).id
    make_course(session, provider, title="老年人智能手机入门")
    make_course(session, provider, title="手机支付安全")
    make_course(session, provider, title="书法入门", area=Area.HOBBIES)
    session.commit()
    rebuild(get_database(app).sessions, app.extensions["lifelong.search"].store)
    html = client.get("/smart-living").get_data(as_text=True)
    assert "学用智能手机" in html and "老年人智能手机入门" in html
    assert "手机支付安全" in html and "书法入门" not in html
    # A topic without courses says so instead of showing popular courses.
    assert "这方面暂时还没有课程。" in html


def test_search_shows_fewer_results_a_page_in_caring_mode(app, client, session):
    from webapp.db import get_database

    provider = make_provider(session).id
    for n in range(15):
        make_course(session, provider, title=f"太极拳第{n}式")
    session.commit()
    rebuild(get_database(app).sessions, app.extensions["lifelong.search"].store)
    assert client.get("/search?q=太极拳").get_data(as_text=True).count('class="hit"') == 15
    switch(client, "1")
    assert client.get("/search?q=太极拳").get_data(as_text=True).count('class="hit"') == 10


def test_no_page_has_pop_ups_auto_play_or_timed_refreshes(client, session):
    course = make_course(session, title="手机拍照")
    session.commit()
    paths = ["/", f"/courses/{course.id}", "/areas/elderly", "/signup", "/login", "/search"]
    for on in ("0", "1"):
        switch(client, on)
        for path in paths:
            html = client.get(path).get_data(as_text=True).lower()
            # The one dialog allowed is the assistant's: closed, opened only by the help button.
            help_dialog = re.search(r'<dialog class="desk-dialog"[^>]*>', html)
            assert help_dialog and " open" not in help_dialog.group(0), path
            html = html.replace(help_dialog.group(0), "")
            for forbidden in (
                "autoplay",
                "<dialog",
                'role="dialog"',
                "<marquee",
                'http-equiv="refresh"',
            ):
                assert forbidden not in html, f"{forbidden} on {path}"
