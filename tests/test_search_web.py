"""The search page, the search and suggest API, the query log and the editors' console."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalogue.models import Area, Role, SearchQuery
from catalogue.services.users import register_user
from search.indexer import rebuild
from tests.helpers import csrf_token, login, make_course, make_provider


@pytest.fixture
def indexed(app, session):
    """A few courses, indexed into the app's index directory."""
    provider = make_provider(session, "国家开放大学")
    courses = {
        "taiji": make_course(session, provider.id, title="太极拳入门", area=Area.ELDERLY),
        "phone": make_course(session, provider.id, title="老年人智能手机入门", area=Area.ELDERLY),
        "excel": make_course(
            session, provider.id, title="Excel for the office", area=Area.WORKPLACE, language="en"
        ),
        "xss": make_course(
            session, provider.id, title="<script>alert(1)</script>安全课", area=Area.LIFE_SKILLS
        ),
    }
    session.commit()
    from webapp.db import get_database

    rebuild(get_database(app).sessions, app.extensions["lifelong.search"].store)
    return courses


def test_search_page_shows_highlighted_escaped_results(client, indexed):
    html = client.get("/search?q=太极拳").get_data(as_text=True)
    assert "找到 1 门课程" in html
    assert "<mark>太极拳</mark>入门" in html
    xss = client.get("/search?q=安全课").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xss and "<script>alert(1)" not in xss


def test_pinyin_and_facet_filter(client, indexed):
    html = client.get("/search?q=taijiquan").get_data(as_text=True)
    assert "太极拳入门" in html and "您是不是要找" in html
    filtered = client.get("/search?q=入门&area=workplace").get_data(as_text=True)
    # Nothing in that area matches: popular courses of the area are shown instead.
    assert "为您推荐热门课程" in filtered and "Excel for the office" in filtered
    elderly = client.get("/search?q=入门&area=elderly").get_data(as_text=True)
    assert "太极拳" in elderly and "智能手机" in elderly
    assert "Excel for the office" not in elderly and elderly.count('class="hit"') == 2


def _notices(html: str) -> list[str]:
    return re.findall(r'<p class="(?:notice|did-you-mean)[^"]*">(.*?)</p>', html, re.S)


def test_each_results_page_shows_one_message_that_agrees_with_its_heading(client, indexed):
    corrected = client.get("/search?q=太级拳").get_data(as_text=True)
    # The result links carry the logged search's id (course analytics' search visits).
    assert f'href="/courses/{indexed["taiji"].id}?sq=' in corrected
    [notice] = _notices(corrected)
    assert "太极拳" in notice and "太级拳" in notice and "您是不是要找" not in corrected
    english = client.get("/search?q=excell").get_data(as_text=True)
    assert len(_notices(english)) == 1 and f"/courses/{indexed['excel'].id}?sq=" in english
    nothing = client.get("/search?q=火星移民").get_data(as_text=True)
    # Popular courses instead: the heading says nothing matched, never "found N courses".
    assert "没有与“火星移民”匹配的课程" in nothing and "找到" not in nothing
    assert len(_notices(nothing)) == 1
    # The typed words are escaped inside the message, the suggestion's link is markup.
    hostile = client.get("/search?q=<b>太级拳</b>").get_data(as_text=True)
    assert "<b>太级拳" not in hostile and '<a href="/search?q=' in hostile


def test_api_search_and_suggest(client, indexed):
    body = client.get("/api/v1/search?q=excel").get_json()
    assert body["total"] == 1 and body["hits"][0]["title"] == "Excel for the office"
    assert body["hits"][0]["title_html"] == "<mark>Excel</mark> for the office"
    assert {f["value"] for f in body["facets"]["area"]} == {"workplace"}
    suggestions = client.get("/api/v1/suggest?q=tjq").get_json()["suggestions"]
    assert [s["title"] for s in suggestions] == ["太极拳入门"]
    assert client.get("/api/v1/suggest?q=").get_json() == {"suggestions": []}


def test_api_errors_are_json_with_codes(client, indexed):
    too_long = client.get("/api/v1/search?q=" + "长" * 201)
    assert too_long.status_code == 400 and too_long.get_json()["error"]["code"] == "QUERY_TOO_LONG"
    bad_sort = client.get("/api/v1/search?q=x&sort=random")
    assert bad_sort.get_json()["error"]["code"] == "BAD_SORT"
    bad_page = client.get("/api/v1/search?q=x&page=two")
    assert bad_page.get_json()["error"]["code"] == "BAD_PAGE"
    deep = client.get("/api/v1/search?q=x&page=101&per_page=20")
    assert deep.status_code == 400 and deep.get_json()["error"]["code"] == "PAGE_TOO_DEEP"
    assert client.get("/api/v1/search?q=x&page=100&per_page=20").status_code == 200
    page = client.get("/search?q=" + "长" * 201)
    assert page.status_code == 400 and "最多 200 个字" in page.get_data(as_text=True)


def test_missing_index_is_a_clear_503(client):
    response = client.get("/api/v1/search?q=太极")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "INDEX_MISSING"
    assert client.get("/search?q=太极").status_code == 503


def test_queries_are_logged_without_personal_data(client, session, indexed):
    client.get("/search?q=Taijiquan")
    client.get("/search?q=火星移民")
    client.get("/search?q=taijiquan&page=2")  # later pages are not new searches
    rows = session.scalars(select(SearchQuery).order_by(SearchQuery.id)).all()
    assert [(r.text, r.results > 0) for r in rows] == [("taijiquan", True), ("火星移民", False)]
    assert rows[1].relaxed == "popular"
    assert not hasattr(SearchQuery, "user_id")


def test_editor_console_and_synonyms(client, session, indexed):
    register_user(session, "editor@x.cn", "password-123", "编辑", role=Role.EDITOR)
    register_user(session, "learner@x.cn", "password-123", "学员")
    session.commit()
    client.get("/search?q=火星移民")
    login(client, "learner@x.cn", "password-123")
    assert client.get("/editor/search").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    login(client, "editor@x.cn", "password-123")
    page = client.get("/editor/search").get_data(as_text=True)
    assert "火星移民" in page
    before = client.get("/api/v1/search?q=手机").get_json()["total"]
    client.post("/editor/synonyms", data={"csrf_token": csrf_token(page), "terms": "太极拳，手机"})
    after = client.get("/api/v1/search?q=手机").get_json()
    assert after["total"] == before + 1
    assert "太极拳入门" in [h["title"] for h in after["hits"]]
    bad = client.post("/editor/synonyms", data={"csrf_token": csrf_token(page), "terms": "独"})
    assert bad.status_code == 302
    assert "至少填写两个不同的词" in client.get("/editor/search").get_data(as_text=True)


def test_search_works_while_another_transaction_holds_the_database(app, client, engine, indexed):
    """A long write (a partner upload) must not turn searches into errors."""
    from sqlalchemy import text

    if engine.dialect.name != "sqlite":
        pytest.skip("only SQLite has a single database-wide write lock")
    app.extensions["lifelong.db"].engine.dispose()
    holder = engine.connect()
    holder.exec_driver_sql("BEGIN IMMEDIATE")  # hold the write lock like a running upload
    holder.execute(text("UPDATE providers SET name = name"))
    try:
        # The log write waits for SQLite's busy timeout, then the search answers anyway.
        response = client.get("/api/v1/search?q=太极拳")
        assert response.status_code == 200 and response.get_json()["total"] == 1
    finally:
        holder.rollback()
        holder.close()


def test_a_search_out_of_time_answers_partially_instead_of_hanging(client, indexed, monkeypatch):
    import search.service

    monkeypatch.setattr(search.service, "TIME_LIMIT", 0.0)
    body = client.get("/api/v1/search?q=太极拳").get_json()
    assert body["partial"] is True and body["facets"] == {}
    page = client.get("/search?q=智能手机")
    assert page.status_code == 200


def test_nothing_found_shows_popular_courses_of_the_learners_areas(client, session, indexed):
    register_user(session, "oldie@x.cn", "password-123", "老李", interest_areas=["workplace"])
    session.commit()
    anonymous = client.get("/api/v1/search?q=火星移民").get_json()
    assert anonymous["relaxed"] == "popular" and anonymous["total"] == 4
    assert anonymous["popular_areas"] == [] and anonymous["area_guessed"] is False
    login(client, "oldie@x.cn", "password-123")
    mine = client.get("/api/v1/search?q=火星移民").get_json()
    assert mine["relaxed"] == "popular"
    assert [h["title"] for h in mine["hits"]] == ["Excel for the office"]
    assert mine["popular_areas"] == ["workplace"] and mine["area_guessed"] is False
    html = client.get("/search?q=火星移民").get_data(as_text=True)
    assert "为您推荐您关注的领域（职场能力）的热门课程" in html


def test_a_visitors_fruitless_search_shows_popular_courses_of_the_guessed_area(client, indexed):
    # No word of "门入" is in the index; its characters appear only in elderly-learning titles.
    body = client.get("/api/v1/search?q=门入").get_json()
    assert body["relaxed"] == "popular"
    assert body["popular_areas"] == ["elderly"] and body["area_guessed"] is True
    assert {h["area"] for h in body["hits"]} == {"elderly"} and body["total"] == 2
    html = client.get("/search?q=门入").get_data(as_text=True)
    assert "您要找的似乎是“老年教育”方面的内容" in html


def test_too_many_words_are_refused_with_a_clear_message_on_the_page_and_in_the_api(
    client, indexed
):
    words = " ".join(f"word{chr(97 + i)}" for i in range(17))
    api = client.get(f"/api/v1/search?q={words}")
    assert api.status_code == 400
    error = api.get_json()["error"]
    assert error["code"] == "TOO_MANY_TERMS" and "16" in error["message"]
    page = client.get(f"/search?q={words}")
    assert page.status_code == 400
    assert "搜索的词太多了，最多使用 16 个不同的词。" in page.get_data(as_text=True)
    sixteen = " ".join(words.split()[:16])
    assert client.get(f"/api/v1/search?q={sixteen}").status_code == 200


def test_a_partial_answer_says_so_on_the_page(client, indexed, monkeypatch):
    import search.service

    monkeypatch.setattr(search.service, "TIME_LIMIT", 0.0)
    page = client.get("/search?q=Excel")
    assert page.status_code == 200
    assert "这次搜索用时过长" in page.get_data(as_text=True)
