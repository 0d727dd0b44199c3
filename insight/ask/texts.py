"""What "ask the data" says, in the question's language (Chinese or English): units, the
"understood as" line, the reasons it cannot answer, and questions it can answer."""

from __future__ import annotations

from insight.ask import vocabulary as v

UNITS = {
    "learners": ("人", " learners"),
    "times": ("次", ""),
    "courses": ("门", " courses"),
    "hours": ("小时", " hours"),
}

SUGGESTIONS = {
    "zh": [
        "上个月老年教育新增多少学员？",
        "最近7天每天的活跃学员",
        "今年各领域完成课程多少次",
        "上周零结果搜索环比",
        "本月学习时长同比",
        "长辈模式学员占比",
    ],
    "en": [
        "How many new learners in elderly learning last month?",
        "Active learners per day in the last 7 days",
        "Completions by area this year",
        "Zero-result searches last week compared with the previous week",
        "Learning hours this month year over year",
        "What share of learners use caring mode?",
    ],
}

_METRIC_LIST = {
    "zh": "、".join(name for name, _en in v.METRIC_NAMES.values()),
    "en": ", ".join(en for _zh, en in v.METRIC_NAMES.values()),
}

REFUSALS = {
    "empty": ("请输入一个问题。", "Please type a question."),
    "too_long": (
        "问题太长了（最多 {detail} 个字），请简短一些。",
        "The question is too long (at most {detail} characters).",
    ),
    "unknown_metric": (
        "没有看出您问的是哪个数字。能回答的有：{metrics}。",
        "I could not tell which figure you are asking for. I can answer: {metrics}.",
    ),
    "ambiguous_metric.learners": (
        "“学员”可以指新增学员、活跃学员或学员总数，请说明是哪一个。",
        "“Learners” could mean new learners, active learners or learners in total: "
        "please say which.",
    ),
    "ambiguous_metric.courses": (
        "“课程”可以指新增课程或已发布课程，请说明是哪一个。",
        "“Courses” could mean new courses or published courses: please say which.",
    ),
    "multiple_metrics": (
        "一次只能回答一个数字，您问到了：{words}。请分开问。",
        "I answer one figure at a time, and you asked for: {words}. Please ask separately.",
    ),
    "unsupported_metric": (
        "统计汇总里没有“{name}”，不能回答。",
        "The aggregates do not hold {name}, so I cannot answer.",
    ),
    "unsupported_filter": (
        "平台没有记录学员的{name}，不能按{name}统计。",
        "The platform records no {name} of learners, so I cannot count by {name}.",
    ),
    "unsupported_filter.area": (
        "“{metric}”没有按领域记录，只有全平台的数字。",
        "{metric} are not kept per area, only for the whole platform.",
    ),
    "unsupported_filter.caring": (
        "长辈模式只记录了开启它的学员人数，不能与“{metric}”组合。可以问：长辈模式学员占比。",
        "For caring mode only the number of learners who turned it on is kept; it cannot be "
        "combined with {metric}. You can ask: what share of learners use caring mode?",
    ),
    "unsupported_grouping": (
        "这里只有全平台和各领域的汇总，没有{name}的数字（课程和机构的数字在合作方的课程分析里）。",
        "Only whole-platform and per-area figures are kept here, not {name} (per-course and "
        "per-provider figures are in the partners' course analytics).",
    ),
    "unsupported_grouping.query": (
        "热门搜索词请看数据驾驶舱的搜索部分。",
        "The top search terms are in the cockpit's search section.",
    ),
    "unsupported_question.why": (
        "我只能给出数字，不能解释原因。",
        "I can give figures, not explain their causes.",
    ),
    "unsupported_question.individuals": (
        "这里只有汇总数字，不提供个人或名单。",
        "Only aggregate figures are given here, never individuals or lists of names.",
    ),
    "future_period": (
        "“{words}”还没有到，没有数据；我不做预测。",
        "“{words}” has not happened yet, so there are no figures; I make no forecasts.",
    ),
    "invalid_period": (
        "问题里的日期不存在，请检查。",
        "A date in the question does not exist: please check it.",
    ),
    "ambiguous_period": (
        "问题里有不止一个时间（{words}）。请只写一个；要比较请用“环比”或“同比”。",
        "The question names more than one period ({words}). Name one; to compare, add "
        "“compared with the previous month” or “year over year”.",
    ),
    "ambiguous_share": (
        "占比需要说明是哪一部分：某个领域，或长辈模式。",
        "A share needs a part: an area, or caring mode.",
    ),
    "not_understood": (
        "没有理解这些词：{words}。我不能按它们筛选，去掉它们或换一种说法再问。",
        "I did not understand: {words}. I cannot filter by them; leave them out or rephrase.",
    ),
    "no_data": (
        "统计汇总还没有生成（数据作业还没有运行过），暂时不能回答。",
        "The aggregates have not been built yet (the rollup job has not run), "
        "so I cannot answer yet.",
    ),
    "no_snapshot": (
        "{period}没有记录“{metric}”（这个数字由数据作业每天记录一次）。",
        "{metric}: nothing was recorded {period} (the rollup job records this figure once a day).",
    ),
}


def refusal_message(key: str, language: str, **values: str) -> str:
    """The refusal's sentence for a reason key (reason or reason.detail), in the language."""
    zh, en = REFUSALS[key]
    text = zh if language == "zh" else en
    return text.format(metrics=_METRIC_LIST[language], **values)


def name(table: dict[str, tuple[str, str]], key: str, language: str) -> str:
    """A bilingual table's entry in the language."""
    zh, en = table[key]
    return zh if language == "zh" else en


def number(value: float, unit: str) -> str:
    """A figure as written in a sentence: thousands separated, hours to one decimal."""
    if unit == "hours":
        return f"{value:,.1f}"
    return f"{round(value):,}"


ESTIMATE = {
    "zh": ("约 ", "（估计，误差约 ±1%）"),
    "en": ("about ", " (estimate, ±1%)"),
}


def with_unit(value: float, unit: str, language: str, estimate: bool = False) -> str:
    """A figure with its unit: 1,234 人 / 1,234 learners; an estimate: 约 123,400 人."""
    zh, en = UNITS[unit]
    text = f"{number(value, unit)} {zh}" if language == "zh" else f"{number(value, unit)}{en}"
    return ESTIMATE[language][0] + text if estimate else text


def estimate_note(language: str) -> str:
    """What follows a figure that is an estimate: （估计，误差约 ±1%） / (estimate, ±1%)."""
    return ESTIMATE[language][1]
