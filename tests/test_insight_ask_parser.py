"""The "ask the data" parser against a labelled set of questions (Chinese, English, mixed,
colloquial), each with the structured query it must give or the reason it must be refused.

"Today" is Wednesday 2 December 2026 in the site's zone: this week began on Monday 30 November,
last month is November, "the last 7 days" are 26 November to 2 December (today included), and a
period still running ends after today."""

from __future__ import annotations

from datetime import date

import pytest

from insight.ask.parser import Query, Refusal, parse
from insight.ask.periods import Period

TODAY = date(2026, 12, 2)

NOV = ("2026-11-01", "2026-12-01")
DEC_SO_FAR = ("2026-12-01", "2026-12-03")
LAST_7 = ("2026-11-26", "2026-12-03")
LAST_30 = ("2026-11-03", "2026-12-03")
THIS_WEEK = ("2026-11-30", "2026-12-03")
LAST_WEEK = ("2026-11-23", "2026-11-30")
OCT = ("2026-10-01", "2026-11-01")
OCT_2025 = ("2025-10-01", "2025-11-01")
YEAR_SO_FAR = ("2026-01-01", "2026-12-03")
Y2025 = ("2025-01-01", "2026-01-01")
Q3 = ("2026-07-01", "2026-10-01")
YESTERDAY = ("2026-12-01", "2026-12-02")


def q(metric, period, areas=(), group=None, compare=None, caring=False, share=False, default=False):
    """An expected query."""
    return {
        "metric": metric,
        "period": period,
        "areas": tuple(areas),
        "group": group,
        "compare": compare,
        "caring": caring,
        "share": share,
        "period_defaulted": default,
    }


# (question, expected query or the reason of its refusal)
ANSWERED = [
    # -- new learners ------------------------------------------------------------------------
    ("上个月老年教育新增多少学员?", q("new_learners", NOV, ["elderly"])),
    ("上个月老年教育新增多少学员？", q("new_learners", NOV, ["elderly"])),
    ("上月老年大学新增了多少学员", q("new_learners", NOV, ["elderly"])),
    ("上个月新注册的用户有多少", q("new_learners", NOV)),
    ("本月新增学员", q("new_learners", DEC_SO_FAR)),
    ("这个月新学员多少人", q("new_learners", DEC_SO_FAR)),
    ("最近7天新增用户", q("new_learners", LAST_7)),
    ("近30天注册人数", q("new_learners", LAST_30)),
    ("过去一周新增了几个学员", q("new_learners", LAST_7)),
    ("2026年10月各领域新增学员", q("new_learners", OCT, group="area")),
    ("十月份新增学员按领域", q("new_learners", OCT, group="area")),
    ("去年十月老年教育新增学员", q("new_learners", OCT_2025, ["elderly"])),
    ("今年每月新增学员", q("new_learners", YEAR_SO_FAR, group="month")),
    ("上个月新增学员同比", q("new_learners", NOV, compare="year")),
    ("上个月新增学员环比", q("new_learners", NOV, compare="previous")),
    ("11月新增学员比上个月多了多少", q("new_learners", NOV, compare="previous")),
    ("上个月新增学员和去年同期相比", q("new_learners", NOV, compare="year")),
    ("上周每天新增学员", q("new_learners", LAST_WEEK, group="day")),
    ("新增学员", q("new_learners", LAST_30, default=True)),
    ("请问一下今年一共注册了多少学员", q("new_learners", YEAR_SO_FAR)),
    ("How many new learners last month?", q("new_learners", NOV)),
    ("new learners in elderly learning last month", q("new_learners", NOV, ["elderly"])),
    ("How many seniors signed up in October?", q("new_learners", OCT, ["elderly"])),
    ("sign-ups this week", q("new_learners", THIS_WEEK)),
    ("new users in the past 30 days by area", q("new_learners", LAST_30, group="area")),
    ("registrations per day last week", q("new_learners", LAST_WEEK, group="day")),
    ("new learners in October 2025", q("new_learners", OCT_2025)),
    (
        "new learners last month compared with the previous month",
        q("new_learners", NOV, compare="previous"),
    ),
    ("new learners last month year over year", q("new_learners", NOV, compare="year")),
    ("monthly new learners this year", q("new_learners", YEAR_SO_FAR, group="month")),
    ("last month 老年教育 new learners", q("new_learners", NOV, ["elderly"])),
    ("上个月 elderly 新增学员", q("new_learners", NOV, ["elderly"])),
    ("how many new learners joined in 2025", q("new_learners", Y2025)),
    (
        "上个月老年教育和兴趣爱好新增学员",
        q("new_learners", NOV, ["elderly", "hobbies"], group="area"),
    ),
    ("上季度新增学员", q("new_learners", Q3)),
    ("2026年第三季度新增学员", q("new_learners", Q3)),
    ("Q3 2026 new learners", q("new_learners", Q3)),
    ("new learners last quarter", q("new_learners", Q3)),
    ("昨天新增了多少用户", q("new_learners", YESTERDAY)),
    ("new learners yesterday", q("new_learners", YESTERDAY)),
    # -- active learners ---------------------------------------------------------------------
    ("本月活跃学员", q("active_learners", DEC_SO_FAR)),
    ("上个月有多少活跃用户", q("active_learners", NOV)),
    ("上周日活", q("active_learners", LAST_WEEK, group="day")),
    ("今年月活", q("active_learners", YEAR_SO_FAR, group="month")),
    ("上个月老年教育的活跃学员", q("active_learners", NOV, ["elderly"])),
    ("active learners this week", q("active_learners", THIS_WEEK)),
    ("DAU last week", q("active_learners", LAST_WEEK, group="day")),
    ("active users in hobbies last month", q("active_learners", NOV, ["hobbies"])),
    ("长辈模式活跃学员占比", q("active_learners", LAST_30, caring=True, share=True, default=True)),
    ("上个月开启长辈模式的活跃用户有多少", q("active_learners", NOV, caring=True)),
    (
        "share of active learners in caring mode last month",
        q("active_learners", NOV, caring=True, share=True),
    ),
    ("上个月活跃学员的变化趋势", q("active_learners", NOV, group="day")),
    ("active learners trend this year", q("active_learners", YEAR_SO_FAR, group="month")),
    # -- completions -------------------------------------------------------------------------
    ("How many completions in October?", q("completions", OCT)),
    ("上个月完成了多少门课程", q("completions", NOV)),
    ("上个月多少学员完成了课程", q("completions", NOV)),
    ("本月完课人数", q("completions", DEC_SO_FAR)),
    ("最近30天职场能力的完成数", q("completions", LAST_30, ["workplace"])),
    ("今年各领域结业人数", q("completions", YEAR_SO_FAR, group="area")),
    ("courses completed last week", q("completions", LAST_WEEK)),
    (
        "completions in professional skills this month",
        q("completions", DEC_SO_FAR, ["professional"]),
    ),
    ("completions by area in 2025", q("completions", Y2025, group="area")),
    (
        "weekly completions over the last 3 months",
        q("completions", ("2026-09-03", "2026-12-03"), group="week"),
    ),
    ("学完课程的人数 上周", q("completions", LAST_WEEK)),
    # -- learning hours ----------------------------------------------------------------------
    ("去年十月学习时长", q("learning_hours", OCT_2025)),
    ("上个月学习总时长是多少", q("learning_hours", NOV)),
    ("本周的学时", q("learning_hours", THIS_WEEK)),
    ("老年教育上个月学了多久", q("learning_hours", NOV, ["elderly"])),
    ("Q3 2026 learning hours", q("learning_hours", Q3)),
    ("learning time in continuing education last month", q("learning_hours", NOV, ["continuing"])),
    ("hours of study this year by month", q("learning_hours", YEAR_SO_FAR, group="month")),
    (
        "学历继续教育最近三个月的学习时长",
        q("learning_hours", ("2026-09-03", "2026-12-03"), ["continuing"]),
    ),
    (
        "继续教育近半年学习时间每月",
        q("learning_hours", ("2026-06-03", "2026-12-03"), ["continuing"], group="month"),
    ),
    (
        "learning hours in life skills from 2026-11-01 to 2026-11-15",
        q("learning_hours", ("2026-11-01", "2026-11-16"), ["life_skills"]),
    ),
    # -- searches ----------------------------------------------------------------------------
    ("上周每天的搜索次数", q("searches", LAST_WEEK, group="day")),
    ("今天搜索量", q("searches", ("2026-12-02", "2026-12-03"))),
    ("最近一个月搜索了多少次", q("searches", ("2026-11-03", "2026-12-03"))),
    ("searches last month", q("searches", NOV)),
    ("between 2026-10-01 and 2026-10-15 searches", q("searches", ("2026-10-01", "2026-10-16"))),
    ("search volume per day this week", q("searches", THIS_WEEK, group="day")),
    ("searches from Oct 1 to Oct 15", q("searches", ("2026-10-01", "2026-10-16"))),
    ("本月搜索次数环比", q("searches", DEC_SO_FAR, compare="previous")),
    ("长辈模式下的搜索次数", q("searches", LAST_30, caring=True, default=True)),
    # -- zero-result searches ----------------------------------------------------------------
    ("最近7天零结果的搜索有多少", q("zero_result_searches", LAST_7)),
    ("上个月无结果搜索", q("zero_result_searches", NOV)),
    ("本周搜不到结果的搜索次数", q("zero_result_searches", THIS_WEEK)),
    ("past 30 days zero-result searches by area", q("zero_result_searches", LAST_30, group="area")),
    ("searches with no results yesterday", q("zero_result_searches", YESTERDAY)),
    ("zero result queries daily last week", q("zero_result_searches", LAST_WEEK, group="day")),
    # -- hand-offs ---------------------------------------------------------------------------
    ("hand-offs this week", q("handoffs", THIS_WEEK)),
    ("上个月转人工多少次", q("handoffs", NOV)),
    ("本月人工客服接入次数", q("handoffs", DEC_SO_FAR)),
    (
        "handovers to staff per day in the last 14 days",
        q("handoffs", ("2026-11-19", "2026-12-03"), group="day"),
    ),
    ("转人工次数同比", q("handoffs", LAST_30, compare="year", default=True)),
    # -- views, starts -----------------------------------------------------------------------
    ("从10月1日到10月15日的浏览量", q("views", ("2026-10-01", "2026-10-16"))),
    ("上个月兴趣爱好课程的浏览次数", q("views", NOV, ["hobbies"])),
    ("course views last week by area", q("views", LAST_WEEK, group="area")),
    ("上个月开始学习的人数", q("starts", NOV)),
    ("本周选课人数", q("starts", THIS_WEEK)),
    ("enrolments in workplace skills last month", q("starts", NOV, ["workplace"])),
    # -- new courses -------------------------------------------------------------------------
    ("今年每月新增课程趋势", q("new_courses", YEAR_SO_FAR, group="month")),
    ("上个月新增了多少门课程", q("new_courses", NOV)),
    ("上个月上线了多少课程", q("new_courses", NOV)),
    ("本月老年教育新上线的课程", q("new_courses", DEC_SO_FAR, ["elderly"])),
    ("new courses this year by area", q("new_courses", YEAR_SO_FAR, group="area")),
    ("how many courses were published last month", q("new_courses", NOV)),
    ("上个月生活技能新课多少门", q("new_courses", NOV, ["life_skills"])),
    # -- totals (snapshots) --------------------------------------------------------------------
    ("长辈模式学员占比", q("learners_total", LAST_30, caring=True, share=True, default=True)),
    ("上个月底长辈模式学员有多少", q("learners_total", NOV, caring=True)),
    (
        "what share of learners use caring mode",
        q("learners_total", LAST_30, caring=True, share=True, default=True),
    ),
    ("学员总数", q("learners_total", LAST_30, default=True)),
    ("total learners last month", q("learners_total", NOV)),
    ("一共有多少门课程", q("courses_total", LAST_30, default=True)),
    ("老年教育已发布课程数", q("courses_total", LAST_30, ["elderly"], default=True)),
    ("published courses by area", q("courses_total", LAST_30, group="area", default=True)),
    # -- full-width, spacing, colloquial -------------------------------------------------------
    ("  上个月　老年教育　新增学员  ", q("new_learners", NOV, ["elderly"])),
    ("ＬＡＳＴ ＭＯＮＴＨ new learners", q("new_learners", NOV)),
    ("帮我看看上个月银发学员新增了多少", q("new_learners", NOV, ["elderly"])),
    ("2026-11 新增学员", q("new_learners", NOV)),
    ("2026年11月1日到2026年11月30日新增学员", q("new_learners", NOV)),
    ("11月1日至11月30日老年教育新增学员", q("new_learners", NOV, ["elderly"])),
    ("9月到11月新增学员每月", q("new_learners", ("2026-09-01", "2026-12-01"), group="month")),
    ("2025年新增学员按月", q("new_learners", Y2025, group="month")),
    ("12月新增学员", q("new_learners", DEC_SO_FAR)),
    ("老年大学这个月有多少新人", q("new_learners", DEC_SO_FAR, ["elderly"])),
    ("上个礼拜搜索量咋样", q("searches", LAST_WEEK)),
    ("近两周的转人工次数", q("handoffs", ("2026-11-19", "2026-12-03"))),
    (
        "how many people completed courses in the elderly area last month",
        q("completions", NOV, ["elderly"]),
    ),
    ("What was the learning time for hobbies in Q3?", q("learning_hours", Q3, ["hobbies"])),
    ("上月 完课 多少", q("completions", NOV)),
    (
        "今年以来 老年教育 学习时长 按月",
        q("learning_hours", YEAR_SO_FAR, ["elderly"], group="month"),
    ),
    ("number of new users since the start of the year", q("new_learners", YEAR_SO_FAR)),
    ("how many hours did learners study last week", q("learning_hours", LAST_WEEK)),
    ("本周活跃学员和上周比", q("active_learners", THIS_WEEK, compare="previous")),
    ("上个月新增学员比去年同期增长多少", q("new_learners", NOV, compare="year")),
    ("老年教育新增学员占比", q("new_learners", LAST_30, ["elderly"], share=True, default=True)),
    ("11月份每周完成数", q("completions", NOV, group="week")),
    ("courses completed in november by area", q("completions", NOV, group="area")),
    ("how many searches found nothing this month", q("zero_result_searches", DEC_SO_FAR)),
    ("去年全年新增课程", q("new_courses", Y2025)),
]

REFUSED = [
    ("", "empty"),
    ("？？？", "empty"),
    ("上个月" * 80, "too_long"),
    ("你好", "unknown_metric"),
    ("今天天气怎么样", "unknown_metric"),
    ("what's the weather like", "unknown_metric"),
    ("明年", "unknown_metric"),
    ("多少学员", "ambiguous_metric"),
    ("上个月老年教育有多少学员", "ambiguous_metric"),
    ("how many learners last month", "ambiguous_metric"),
    ("上个月老年教育新增多少", "ambiguous_metric"),
    ("how many courses", "ambiguous_metric"),
    ("上个月新增学员和完成数", "multiple_metrics"),
    ("searches and completions last week", "multiple_metrics"),
    ("上个月的完成率", "unsupported_metric"),
    ("completion rate in October", "unsupported_metric"),
    ("上个月满意度", "unsupported_metric"),
    ("revenue last year", "unsupported_metric"),
    ("推荐的点击率", "unsupported_metric"),
    ("学员留存率", "unsupported_metric"),
    ("按年龄统计学员", "unsupported_filter"),
    ("上个月60岁以上的新增学员", "unsupported_filter"),
    ("new learners aged over 60 last month", "unsupported_filter"),
    ("上海的学员", "unsupported_filter"),
    ("各省新增学员", "unsupported_filter"),
    ("new learners by region last month", "unsupported_filter"),
    ("上个月女性学员新增多少", "unsupported_filter"),
    ("active learners by gender", "unsupported_filter"),
    ("手机端的活跃用户", "unsupported_filter"),
    ("上个月哪门课完成人数最多", "unsupported_grouping"),
    ("top courses by completions last month", "unsupported_grouping"),
    ("new courses by provider this year", "unsupported_grouping"),
    ("上个月热门搜索词", "unsupported_grouping"),
    ("为什么上个月学员少了", "unsupported_question"),
    ("why did searches drop last week", "unsupported_question"),
    ("上个月完成课程的学员名单", "unsupported_question"),
    ("下个月新增学员", "future_period"),
    ("明年新增学员", "future_period"),
    ("new learners next month", "future_period"),
    ("预测下个月的活跃学员", "future_period"),
    ("2027年3月的学习时长", "future_period"),
    ("how many learners will there be next year", "future_period"),
    ("2026年13月新增学员", "invalid_period"),
    ("2月30日的搜索次数", "invalid_period"),
    ("from 2026-11-20 to 2026-11-01 searches", "invalid_period"),
    ("上个月和本月的新增学员", "ambiguous_period"),
    ("new learners last week and this week", "ambiguous_period"),
    ("新增学员占比", "ambiguous_share"),
    ("新增学员 2026年11月 vs 2025年11月", "ambiguous_period"),
    ("下周的搜索次数", "future_period"),
    ("明天会有多少新增学员", "future_period"),
    ("哪些学员上个月没有学习", "unsupported_question"),
    ("上个月男女学员比例", "unsupported_filter"),
    ("上个月太极拳课程新增多少学员", "not_understood"),
    ("new learners at the Open University last month", "not_understood"),
]


def _as_dict(query: Query) -> dict:
    return {
        "metric": query.metric,
        "period": (query.period.start.isoformat(), query.period.end.isoformat()),
        "areas": query.areas,
        "group": query.group,
        "compare": query.compare,
        "caring": query.caring,
        "share": query.share,
        "period_defaulted": query.period_defaulted,
    }


def test_the_labelled_set_is_large_enough():
    assert len(ANSWERED) + len(REFUSED) >= 120
    assert len(REFUSED) >= 25
    assert len({text for text, _ in ANSWERED + REFUSED}) == len(ANSWERED) + len(REFUSED)


@pytest.mark.parametrize(("question", "expected"), ANSWERED, ids=[t for t, _ in ANSWERED])
def test_answered_questions_parse_to_the_labelled_query(question, expected):
    parsed = parse(question, TODAY)
    assert isinstance(parsed, Query), parsed
    assert _as_dict(parsed) == expected


@pytest.mark.parametrize(("question", "reason"), REFUSED, ids=[t[:40] for t, _ in REFUSED])
def test_refused_questions_give_the_labelled_reason(question, reason):
    parsed = parse(question, TODAY)
    assert isinstance(parsed, Refusal), parsed
    assert parsed.reason == reason


def test_language_follows_the_question():
    assert parse("上个月新增学员", TODAY).language == "zh"
    assert parse("new learners last month", TODAY).language == "en"
    assert parse("last month 老年教育 new learners", TODAY).language == "zh"
    assert parse("revenue", TODAY).language == "en"


def test_refusals_name_the_words_concerned():
    assert parse("按年龄统计学员", TODAY).words == ("年龄",)
    assert parse("上个月太极拳课程新增多少学员", TODAY).words == ("太极拳",)
    assert parse("下个月新增学员", TODAY).words == ("下个月",)


def test_periods_are_relative_to_today():
    january = parse("上个月新增学员", date(2026, 1, 15))
    assert (january.period.start, january.period.end) == (date(2025, 12, 1), date(2026, 1, 1))
    in_march = parse("new learners in December", date(2026, 3, 10))
    assert in_march.period.start == date(2025, 12, 1)


def test_comparison_periods():
    assert Period(date(2026, 11, 1), date(2026, 12, 1)).previous() == Period(
        date(2026, 10, 1), date(2026, 11, 1)
    )
    assert Period(date(2026, 11, 26), date(2026, 12, 3)).previous() == Period(
        date(2026, 11, 19), date(2026, 11, 26)
    )
    assert Period(date(2024, 2, 29), date(2024, 3, 1)).year_before() == Period(
        date(2023, 2, 28), date(2023, 3, 1)
    )


def test_period_labels():
    assert Period(date(2026, 11, 1), date(2026, 12, 1)).label("zh") == "2026年11月"
    assert Period(date(2026, 11, 1), date(2026, 12, 1)).label("en") == "November 2026"
    assert Period(date(2025, 1, 1), date(2026, 1, 1)).label("zh") == "2025年"
    assert Period(date(2026, 11, 26), date(2026, 12, 3)).label("zh") == "2026年11月26日至12月2日"
    assert Period(date(2026, 12, 1), date(2026, 12, 2)).label("en") == "1 Dec 2026"


def test_the_search_dictionary_is_left_alone():
    import jieba

    parse("上个月老年教育新增多少学员", TODAY)
    assert "新增学员" not in jieba.dt.FREQ
