"""The judged query set's generator and judgment rules (search/judged.py), without a search."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from pypinyin import lazy_pinyin

from catalogue.demo.generator import iter_course_records
from catalogue.models import CourseStatus
from search.judged import (
    KINDS,
    CourseRow,
    JudgedQuery,
    Sizes,
    contains,
    contradictions,
    corrected,
    homophone_table,
    judged_queries,
    make_typo,
    near_syllables,
    phrase_gains,
    question_gains,
    title_gains,
    title_rank,
    topic_gains,
    topic_of,
    typo_candidates,
)
from search.pinyin import full_pinyin, initials

SMALL = Sizes(titles_per_band=10, english_titles=5, phrases=20, typos=40, questions=20, topics=20)


def _rows(courses: int = 800) -> list[CourseRow]:
    return [
        CourseRow(
            id=r["id"],
            title=r["title"],
            summary=r["subtitle"] or "",
            description=r["description"] or "",
            subjects=tuple(r["subjects"]),
            language=r["language"],
        )
        for r in iter_course_records(courses)
        if r["status"] == CourseStatus.PUBLISHED
    ]


@pytest.fixture(scope="module")
def rows() -> list[CourseRow]:
    return _rows()


@pytest.fixture(scope="module")
def queries(rows) -> list[JudgedQuery]:
    return judged_queries(rows, 7, SMALL)


def _row(id: int, title: str, subjects: tuple[str, ...] = (), summary: str = "") -> CourseRow:
    return CourseRow(id=id, title=title, subjects=subjects, summary=summary)


# -- typos ---------------------------------------------------------------------------------


def test_homophone_table_holds_common_characters_by_reading():
    table = homophone_table()
    assert "级" in table["ji"] and "极" in table["ji"]
    assert "发" in table["fa"] and "法" in table["fa"]
    assert all(lazy_pinyin(c)[0] == "ji" for c in table["ji"])
    assert sum(len(chars) for chars in table.values()) == 3500


def test_near_syllables_are_the_usual_confusions_and_real():
    assert {"zi"} <= set(near_syllables("zhi")) and "zhi" in near_syllables("zi")
    assert {"nan", "lang"} <= set(near_syllables("lan"))
    assert "jing" in near_syllables("jin") and "jin" in near_syllables("jing")
    assert "shen" in near_syllables("sheng") and "seng" in near_syllables("sheng")
    for syllable in ("zhi", "lan", "jin", "sheng", "a", "er", "nü", "ang"):
        assert syllable not in near_syllables(syllable)


@pytest.mark.parametrize("word", ["太极拳", "书法", "八段锦", "智能手机", "黄梅戏", "普通话"])
@pytest.mark.parametrize("variant", ["homophone", "near"])
def test_a_typo_changes_exactly_one_character_by_sound(word, variant):
    for seed in range(20):
        typo = make_typo(word, random.Random(seed), variant)
        if typo is None:
            continue
        assert typo != word and len(typo) == len(word)
        changed = [i for i, (a, b) in enumerate(zip(word, typo, strict=True)) if a != b]
        assert len(changed) == 1
        i = changed[0]
        reading, typed = lazy_pinyin(word)[i], lazy_pinyin(typo[i])[0]
        if variant == "homophone":
            assert typed == reading
        else:
            assert typed in near_syllables(reading)


def test_typo_candidates_never_include_the_character_itself():
    for word in ("太极拳", "书法", "法律"):
        for i in range(len(word)):
            for variant in ("homophone", "near"):
                assert word[i] not in typo_candidates(word, i, variant)


def test_a_typo_found_in_the_catalogue_is_not_kept():
    word = "书法"
    candidates = {
        word[:i] + c + word[i + 1 :]
        for i in range(2)
        for c in typo_candidates(word, i, "homophone")
    }
    assert make_typo(word, random.Random(1), "homophone", blob="\n".join(candidates)) is None
    assert make_typo("Excel", random.Random(1), "homophone") is None, "Chinese words only"


def test_generated_typos_are_absent_from_the_catalogue_and_differ_from_their_original(
    rows, queries
):
    typos = [q for q in queries if q.kind == "typo"]
    assert len(typos) >= 30
    texts = [t for r in rows for t in (r.title, r.summary, " ".join(r.subjects))]
    for q in typos:
        assert q.text != q.target and len(q.text) == len(q.target)
        assert not any(q.text in t for t in texts), q.text
    assert {q.source for q in typos} == {"word", "subject", "title"}
    assert {q.variant for q in typos} == {"homophone", "near"}


# -- judgments -----------------------------------------------------------------------------


def test_containment_is_substring_for_chinese_and_whole_words_for_english():
    assert contains("零基础学太极拳", "太极拳")
    assert contains("Art for beginners", "art") and not contains("Party games", "art")
    assert contains("Tea culture: a handbook", "Tea culture")
    assert not contains("anything", "")


@pytest.mark.parametrize(
    ("title", "description", "topic"),
    [
        ("智能手机使用技巧进阶", "本课程系统介绍智能手机使用技巧的基本知识。", "智能手机使用技巧"),
        ("轻松学太极拳", "想学太极拳却不知从何入手？这门课为你理清思路。", "太极拳"),
        ("零基础学太极拳", "这是一门面向零基础学员的太极拳课程。", "太极拳"),
        ("Guitar for beginners", "A friendly course on guitar for parents.", "guitar"),
        ("Listen and learn: Tai chi", "Always wanted to learn tai chi? Start here.", "tai chi"),
        ("太极拳", "", ""),
    ],
)
def test_topic_is_the_title_run_found_in_the_description_opening(title, description, topic):
    assert topic_of(CourseRow(id=1, title=title, description=description)) == topic


def test_gains_follow_the_written_rules():
    a = _row(1, "智能手机使用技巧", ("智慧助老",))
    b = _row(2, "手机里的智能助手", ("智能生活",))
    c = _row(3, "智能家居入门", ("智能生活",), summary="老年人用智能手机")
    d = _row(4, "太极拳入门", ("养生", "健康养老"))
    rows = [a, b, c, d]
    assert phrase_gains(rows, "智能", "手机") == {1: 2.0, 2: 1.0}
    assert topic_gains(rows, "智能手机") == {1: 2.0, 3: 1.0}
    assert topic_gains(rows, "养生") == {4: 1.0}
    assert question_gains(rows, ["手机", "智慧助老"]) == {1: 1.0}
    assert question_gains(rows, ["太极拳"]) == {4: 2.0}
    assert title_gains(rows, {"太极拳入门", "智能家居入门"}) == {3: 1.0, 4: 1.0}


def test_title_rank_is_the_first_hit_with_a_target_title():
    assert title_rank(["商务英语", "商务英语", "x"], {"商务英语"}) == 1
    assert title_rank(["商务英语微课", "商务英语"], {"商务英语"}) == 2
    assert title_rank(["a", "b"], {"c"}) is None


def test_title_queries_spell_their_targets(rows, queries):
    titles = [q for q in queries if q.kind == "title"]
    by_title = Counter(r.title for r in rows)
    assert {q.variant for q in titles} == {"chars", "pinyin", "initials"}
    assert any(q.syllables >= 9 for q in titles), "long titles are sampled"
    for q in titles:
        assert q.target in q.targets
        assert sum(q.gains.values()) == sum(by_title[t] for t in q.targets)
        if q.variant == "pinyin":
            assert all(full_pinyin(t) == q.text for t in q.targets)
        if q.variant == "initials":
            assert all(initials(t) == q.text for t in q.targets)
        if q.variant == "chars":
            assert q.targets == {q.text}


def test_every_kind_is_drawn_and_judged_by_its_rule(rows, queries):
    assert {q.kind for q in queries} == set(KINDS)
    for q in queries:
        if q.kind == "phrase":
            first = next(r for r in rows if q.text in r.title)
            assert q.gains[first.id] == 2.0
        if q.kind == "topic":
            assert q.gains == topic_gains(rows, q.target)
        if q.kind == "question":
            assert q.words and all(w in q.text for w in q.words)
            assert q.gains and q.gains == question_gains(rows, q.words)


def test_the_set_is_deterministic_and_independent_of_row_order(rows, queries):
    again = judged_queries(list(reversed(rows)), 7, SMALL)
    assert [(q.kind, q.variant, q.text, dict(q.gains)) for q in again] == [
        (q.kind, q.variant, q.text, dict(q.gains)) for q in queries
    ]
    other = judged_queries(rows, 8, SMALL)
    assert [q.text for q in other] != [q.text for q in queries]


# -- one result page -----------------------------------------------------------------------


def test_a_typo_is_corrected_by_the_suggestion_or_by_the_first_hit():
    word = JudgedQuery("typo", "homophone", "太级拳", {}, "太极拳", source="word")
    subject = JudgedQuery("typo", "homophone", "书发", {}, "书法", source="subject")
    title = JudgedQuery("typo", "homophone", "太级拳入门", {}, "太极拳入门", source="title")
    hit = _row(1, "零基础学太极拳", ("养生",))
    assert corrected(word, "太极拳", "popular", None)
    assert corrected(word, None, None, hit)
    assert not corrected(word, None, "popular", hit), "the popular fallback is no correction"
    assert not corrected(word, "太级", None, _row(2, "八段锦"))
    assert corrected(subject, None, "any_term", _row(3, "硬笔字", ("书法",)))
    assert not corrected(title, None, None, hit), "a whole title needs that title first"
    assert corrected(title, None, "corrected", _row(4, "太极拳入门"))


def test_contradictions_are_named():
    assert contradictions(2524, "popular", None) == ("count_vs_nothing",)
    assert contradictions(0, "popular", None) == ()
    assert contradictions(3, "corrected", "python", "pyhton") == ()
    assert contradictions(3, "corrected", None, "pyhton") == ("asks_and_asserts",)
    assert contradictions(3, None, "pyhton", "pyhton") == ("asks_and_asserts",)
    assert contradictions(0, "popular", "火星", "火星") == ("asks_and_asserts", "dead_suggestion")
    assert contradictions(12, None, "太极拳") == ()
    assert contradictions(12, "any_term", None) == ()
