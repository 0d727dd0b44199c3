"""Public pages rendered by the app on a real database."""

from __future__ import annotations

from catalogue.models import Area
from catalogue.services.courses import withdraw_course
from tests.helpers import csrf_token, make_course, make_provider


def test_home_lists_areas_and_courses(client, session):
    course = make_course(session, title="家常菜烹饪", area=Area.LIFE_SKILLS)
    session.commit()
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in html
    for label in ("生活技能", "兴趣爱好", "职场能力", "专业技能", "老年教育", "学历继续教育"):
        assert label in html
    assert f'href="/courses/{course.id}"' in html
    assert "家常菜烹饪" in html
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_course_page_shows_lessons(client, session):
    course = make_course(session, title="太极拳入门", lessons=3, subjects=["太极"])
    session.commit()
    html = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "<h1 data-read-aloud>太极拳入门</h1>" in html
    assert html.count('class="lesson-length"') == 3
    assert "第3讲" in html and "太极" in html
    assert "15 分钟" in html


def test_withdrawn_and_missing_courses_are_404(client, session):
    course = make_course(session)
    withdraw_course(session, course.id)
    session.commit()
    assert client.get(f"/courses/{course.id}").status_code == 404
    missing = client.get("/courses/987654")
    assert missing.status_code == 404
    assert "找不到这个页面" in missing.get_data(as_text=True)


def test_markup_in_course_text_is_escaped(client, session):
    course = make_course(
        session,
        title="<script>alert('x')</script>课",
        description='<img src=x onerror="alert(1)">',
    )
    session.commit()
    html = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;课" in html
    assert "<img src=x" not in html


def test_area_listing_paginates(client, session):
    provider = make_provider(session)
    for i in range(30):
        make_course(session, provider.id, title=f"广场舞第{i}课", area=Area.HOBBIES)
    session.commit()
    first = client.get("/areas/hobbies").get_data(as_text=True)
    assert first.count('<article class="card') == 24
    assert "第 1 页，共 2 页" in first
    second = client.get("/areas/hobbies?page=2&sort=popular").get_data(as_text=True)
    assert second.count('<article class="card') == 6
    assert client.get("/areas/hobbies?page=3").status_code == 404
    assert client.get("/areas/hobbies?page=abc").status_code == 200
    assert client.get("/areas/astrology").status_code == 404


def test_language_switch_to_english_and_back(client, session):
    make_course(session)
    session.commit()
    token = csrf_token(client.get("/").get_data(as_text=True))
    response = client.post(
        "/language", data={"lang": "en", "next": "/areas/elderly", "csrf_token": token}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/areas/elderly"
    html = client.get("/areas/elderly").get_data(as_text=True)
    assert '<html lang="en">' in html and "Elderly learning" in html and "1 course" in html
    off_site = client.post(
        "/language", data={"lang": "zh", "next": "//evil.example", "csrf_token": token}
    )
    assert off_site.headers["Location"] == "/"
    assert "老年教育" in client.get("/").get_data(as_text=True)


def test_language_switch_needs_csrf(client):
    response = client.post("/language", data={"lang": "en"})
    assert response.status_code == 400
    assert "表单已失效" in response.get_data(as_text=True)


def test_livez_reports_the_schema_without_a_worker(client):
    response = client.get("/livez")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok" and response.get_json()["schema"]


def test_api_errors_are_json_with_a_code(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "NOT_FOUND"
