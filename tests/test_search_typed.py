"""What learners actually type: exact titles, initials of any length, phrases, questions,
Chinese homophone and look-alike typos, and one clear message per results page.

Each test builds a real Whoosh index (search.store.IndexStore) from documents made by the
indexer's own `build_document`, with the popularity each case needs, and searches it
through `search.service.search`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

import pytest

from catalogue.db import make_session_factory
from catalogue.models import CourseStats
from search.documents import build_document
from search.indexer import rebuild, sync_all
from search.pinyin import full_pinyin, initials
from search.service import SearchRequest, phrase_in_title, search
from search.store import IndexStore
from tests.helpers import make_course, make_provider

_ids = count(1)


def _doc(title: str, popularity: float = 1.0, **extra) -> dict:
    course = {
        "id": next(_ids),
        "title": title,
        "subtitle": extra.pop("summary", ""),
        "description": extra.pop("description", ""),
        "subjects": extra.pop("subjects", []),
        "area": extra.pop("area", "hobbies"),
        "format": "video",
        "level": "all",
        "language": "zh",
        "provider_id": 1,
        "provider_name": "测试机构",
        "duration_minutes": 30,
        "is_free": True,
        "published_at": datetime(2024, 1, 1, tzinfo=UTC),
        "popularity": popularity,
    }
    return build_document(course, extra.pop("lessons", []))


def _store(tmp_path, documents: list[dict]) -> IndexStore:
    store = IndexStore(tmp_path / "index")
    name, index = store.new_generation()
    writer = index.writer()
    for document in documents:
        writer.add_document(**document)
    writer.commit()
    store.publish(name)
    return store


def _titles(store: IndexStore, text: str, **kwargs) -> list[str]:
    results = search(store, SearchRequest(text, **kwargs), use_cache=False)
    return [hit.fields["title"] for hit in results.hits]


# Popular courses whose titles hold the short title, and filler so idf means something.
_BUSINESS = [
    _doc("商务英语微课", 47.0),
    _doc("商务英语实用技巧", 30.0),
    _doc("商务英语基础教程", 13.0),
    _doc("零基础学商务英语", 25.0),
    _doc("商务英语", 1.0),
    _doc("财务常识基础：非财务人员的财务课", 0.5),
    _doc("财务常识基础", 40.0),
    _doc("非财务人员的财务常识", 35.0),
    _doc("人工智能工具应用一本通", 0.2),
    _doc("人工智能工具应用", 20.0),
    _doc("智能工具应用入门", 15.0),
] + [_doc(f"摄影入门第{i}课", 5.0) for i in range(20)]


@pytest.fixture(scope="module")
def business(tmp_path_factory) -> IndexStore:
    return _store(tmp_path_factory.mktemp("business"), _BUSINESS)


@pytest.mark.parametrize(
    "title", ["商务英语", "财务常识基础：非财务人员的财务课", "人工智能工具应用一本通"]
)
def test_an_exact_title_comes_first_however_unpopular(business, title):
    assert _titles(business, title)[0] == title


@pytest.mark.parametrize("title", ["商务英语", "人工智能工具应用一本通"])
def test_a_title_typed_as_full_pinyin_comes_first(business, title):
    assert _titles(business, full_pinyin(title))[0] == title


def test_initials_of_any_length_find_the_title(business):
    title = "人工智能工具应用一本通"
    typed = initials(title)
    assert len(typed) >= 9
    assert _titles(business, typed)[0] == title
    assert _titles(business, typed.upper())[0] == title


def test_a_phrase_in_the_title_outranks_its_words_apart(tmp_path):
    store = _store(
        tmp_path,
        [
            _doc("智能家居与手机遥控", 60.0),
            _doc("人工智能时代的手机应用", 50.0, summary="智能 手机 智能"),
            _doc("智能手机入门", 1.0),
            _doc("老年人用智能手机", 2.0),
        ]
        + [_doc(f"书法练习第{i}课", 3.0) for i in range(10)],
    )
    assert set(_titles(store, "智能手机")[:2]) == {"智能手机入门", "老年人用智能手机"}


def test_phrase_rule():
    assert phrase_in_title("智能手机入门", "智能手机")
    assert not phrase_in_title("智能家居与手机", "智能手机")
    assert phrase_in_title("Video calls with family", "video calls")
    assert not phrase_in_title("Calls and video for family", "video calls")
    assert not phrase_in_title("Start here", "art")


def test_a_question_is_searched_by_its_content_words(tmp_path):
    store = _store(
        tmp_path,
        [_doc(f"微信使用第{i}课", 1.0, subjects=["微信"]) for i in range(3)]
        + [_doc("微信语音消息怎么发", 2.0)]
        + [_doc(f"继续教育公需科目{i}", 80.0, summary="怎么 学习 如何") for i in range(10)],
    )
    first = _titles(store, "怎么用微信发语音")[:4]
    assert first and all("微信" in t for t in first)
    assert first[0] == "微信语音消息怎么发"


@pytest.fixture(scope="module")
def typos(tmp_path_factory) -> IndexStore:
    docs = [
        _doc("太极拳入门", 3.0, subjects=["太极拳"]),
        _doc("太极拳进阶", 2.0),
        _doc("硬笔书法入门", 2.0, subjects=["书法"]),
        _doc("书法基础", 1.0),
        _doc("八段锦实战", 4.0),
        _doc("八段锦一本通", 1.0),
        _doc("京剧唱腔精讲", 1.0),
        _doc("Python programming step by step", 2.0),
    ] + [_doc(f"家常菜烹饪第{i}讲", 9.0) for i in range(15)]
    return _store(tmp_path_factory.mktemp("typos"), docs)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("太级拳", "太极拳"),  # same syllables
        ("书发", "书法"),  # same syllables, another tone
        ("京剧唱强", "京剧唱腔"),  # near-homophone (qiang/qiang)
        ("八段棉", "八段锦"),  # looks alike
    ],
)
def test_chinese_typos_are_corrected(typos, typed, meant):
    results = search(typos, SearchRequest(typed), use_cache=False)
    assert (results.did_you_mean, results.relaxed) == (meant, "corrected")
    assert results.hits and meant in results.hits[0].fields["title"]


def test_a_typo_among_other_words_is_corrected_before_relaxing(typos):
    results = search(typos, SearchRequest("老年太级拳"), use_cache=False)
    assert results.did_you_mean == "老年太极拳"
    # No course is about both: the corrected words are relaxed, not the typo.
    assert results.relaxed == "any_term"
    assert "太极拳" in results.hits[0].fields["title"]


def test_a_correct_query_is_left_alone(typos):
    results = search(typos, SearchRequest("太极拳"), use_cache=False)
    assert results.did_you_mean is None and results.relaxed is None


def test_english_typo_shows_the_corrected_results_once(typos):
    results = search(typos, SearchRequest("pyhton"), use_cache=False)
    assert results.relaxed == "corrected" and results.did_you_mean == "python"
    assert results.hits[0].fields["title"].startswith("Python")


def test_a_partners_new_course_is_first_for_its_exact_title(engine, session, tmp_path):
    """The evaluator's partner course came 13th behind popular courses with longer titles."""
    provider = make_provider(session)
    for i, suffix in enumerate(["微课", "实用技巧", "基础教程", "一本通", "精讲", "进阶"] * 3):
        course = make_course(session, provider.id, title=f"家庭理财{suffix}")
        session.add(CourseStats(course_id=course.id, popularity=50.0 + i))
    session.commit()
    sessions = make_session_factory(engine)
    store = IndexStore(tmp_path / "index")
    rebuild(sessions, store)
    partner = make_provider(session, "新合作机构")
    new = make_course(session, partner.id, title="家庭理财")
    session.commit()
    sync_all(sessions, store)  # the outbox path a new upload takes, not a rebuild
    results = search(store, SearchRequest("家庭理财"), use_cache=False)
    assert results.hits[0].id == new.id
    assert search(store, SearchRequest("jiatinglicai"), use_cache=False).hits[0].id == new.id
