"""Periods of time named in a question (上个月, 最近7天, last week, in October, between dates …),
resolved against a given "today" in the site's time zone into half-open date ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
EN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
EN_NUMBERS |= {"seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fourteen": 14}
EN_NUMBERS |= {"thirty": 30, "ninety": 90}
EN_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
EN_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


class PeriodError(ValueError):
    """A period that names an impossible date (2026年13月, 2月30日) or runs backwards."""


@dataclass(frozen=True)
class Period:
    """Days from `start` (inclusive) to `end` (exclusive), in the site's time zone."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """How many days the period covers."""
        return (self.end - self.start).days

    def is_whole_months(self) -> bool:
        """Whether the period runs from a month's first day to a later month's first day."""
        return self.start.day == 1 and self.end.day == 1

    def previous(self) -> Period:
        """The period just before: the previous month(s) or year for calendar periods, else the
        same number of days before."""
        if self.is_whole_months():
            months = _months_between(self.start, self.end)
            return Period(shift_months(self.start, -months), self.start)
        return Period(self.start - timedelta(days=self.days), self.start)

    def year_before(self) -> Period:
        """The same days one year earlier (同比)."""
        return Period(shift_years(self.start, -1), shift_years(self.end, -1))

    def clipped(self, today: date) -> Period:
        """The period without the days after today."""
        return Period(self.start, min(self.end, today + timedelta(days=1)))

    def label(self, language: str) -> str:
        """The period as a person writes it: 2026年11月, November 2026, 2026年11月3日至12月2日."""
        last = self.end - timedelta(days=1)
        zh = language == "zh"
        months = _months_between(self.start, self.end) if self.is_whole_months() else 0
        if months == 12 and self.start.month == 1:
            return f"{self.start.year}年" if zh else str(self.start.year)
        if self.is_whole_months() and _months_between(self.start, self.end) == 1:
            if zh:
                return f"{self.start.year}年{self.start.month}月"
            return f"{EN_MONTH_NAMES[self.start.month - 1]} {self.start.year}"
        if self.days == 1:
            return _day(self.start, zh)
        if zh:
            tail = f"{last.month}月{last.day}日" if last.year == self.start.year else _day(last, zh)
            return f"{_day(self.start, zh)}至{tail}"
        return f"{_day(self.start, zh)} – {_day(last, zh)}"


def _day(day: date, zh: bool) -> str:
    if zh:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {EN_MONTH_NAMES[day.month - 1][:3]} {day.year}"


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def shift_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _month_length(year, month)))


def shift_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    return shift_months(day, 12 * years)


def _month_length(year: int, month: int) -> int:
    return (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days


def month(year: int, number: int) -> Period:
    """One calendar month."""
    if not 1 <= number <= 12:
        raise PeriodError(f"month {number}")
    first = date(year, number, 1)
    return Period(first, shift_months(first, 1))


def year(number: int) -> Period:
    """One calendar year."""
    return Period(date(number, 1, 1), date(number + 1, 1, 1))


def quarter(year_: int, number: int) -> Period:
    """One calendar quarter (1–4)."""
    first = date(year_, 3 * number - 2, 1)
    return Period(first, shift_months(first, 3))


def day(year_: int, month_: int, day_: int) -> date:
    """A date, or PeriodError when it does not exist."""
    try:
        return date(year_, month_, day_)
    except ValueError as exc:
        raise PeriodError(str(exc)) from None


def cn_int(text: str) -> int:
    """An integer written in digits or Chinese numerals up to 99 (十一, 二十, 两)."""
    if text.isdigit():
        return int(text)
    if text in EN_NUMBERS:
        return EN_NUMBERS[text]
    if "十" in text:
        tens, _, units = text.partition("十")
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)
    return CN_DIGITS[text]


def last_days(today: date, count: int) -> Period:
    """The last `count` days, today included."""
    return Period(today - timedelta(days=count - 1), today + timedelta(days=1))


def last_span(today: date, count: int, unit: str) -> Period:
    """The last `count` days / weeks / months / years, today included."""
    if unit == "day":
        return last_days(today, count)
    if unit == "week":
        return last_days(today, 7 * count)
    months = count * (12 if unit == "year" else 1)
    return Period(shift_months(today, -months) + timedelta(days=1), today + timedelta(days=1))


def week_of(today: date, weeks_back: int = 0) -> Period:
    """The Monday-to-Sunday week `weeks_back` weeks before today's."""
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks_back)
    return Period(monday, monday + timedelta(days=7))


def recent_month(today: date, number: int) -> Period:
    """The latest month with this number that has begun (十月 in December 2026: October 2026)."""
    year_ = today.year if number <= today.month else today.year - 1
    return month(year_, number)


NUM = r"(\d{1,2}|[一二两三四五六七八九十]{1,3})"
RELATIVE_YEARS = {"今年": 0, "本年": 0, "去年": -1, "前年": -2, "明年": 1}


@dataclass(frozen=True)
class Found:
    """A period found in the text, and where (start, end of the words that named it)."""

    period: Period
    span: tuple[int, int]
    future_word: bool = False


def _zh_date(match: re.Match, prefix: str, today: date, year_default: int | None = None) -> date:
    """A date from named groups {prefix}y (optional), {prefix}m, {prefix}d."""
    raw_year = match.group(f"{prefix}y")
    year_ = int(raw_year) if raw_year else (year_default or today.year)
    return day(year_, cn_int(match.group(f"{prefix}m")), cn_int(match.group(f"{prefix}d")))


ZH_DATE = r"(?:(?P<{p}y>\d{4})\s*[年/\-.]\s*)?(?P<{p}m>" + NUM + r")\s*[月/\-.]\s*(?P<{p}d>"
ZH_DATE += NUM + r")\s*[日号]?"


def _zh_patterns() -> list[tuple[str, object]]:
    date_a = ZH_DATE.replace("{p}", "a")
    date_b = ZH_DATE.replace("{p}", "b")
    return [
        (
            rf"(?:从|自)?\s*{date_a}\s*(?:到|至|~|—|–|-)\s*{date_b}",
            lambda m, t: _range(_zh_date(m, "a", t), _zh_date(m, "b", t, _year_of(m, t))),
        ),
        (
            r"(?:从|自)?\s*(?:(?P<y>\d{4})\s*年\s*)?(?P<ma>"
            + NUM
            + r")\s*月份?\s*(?:到|至|~|—|–|-)"
            r"\s*(?P<mb>" + NUM + r")\s*月份?",
            lambda m, t: Period(
                month(_int_or(m.group("y"), t.year), cn_int(m.group("ma"))).start,
                month(_int_or(m.group("y"), t.year), cn_int(m.group("mb"))).end,
            ),
        ),
        (
            r"(?P<y>\d{4})\s*年\s*(?P<m>" + NUM + r")\s*月\s*(?P<d>" + NUM + r")\s*[日号]",
            lambda m, t: _one_day(
                day(int(m.group("y")), cn_int(m.group("m")), cn_int(m.group("d")))
            ),
        ),
        (
            r"(?P<y>\d{4})\s*-\s*(?P<m>\d{1,2})\s*-\s*(?P<d>\d{1,2})",
            lambda m, t: _one_day(day(int(m.group("y")), int(m.group("m")), int(m.group("d")))),
        ),
        (
            r"(?P<m>" + NUM + r")\s*月\s*(?P<d>" + NUM + r")\s*[日号]",
            lambda m, t: _one_day(day(t.year, cn_int(m.group("m")), cn_int(m.group("d")))),
        ),
        (
            r"(?P<y>\d{4})\s*年\s*(?P<m>" + NUM + r")\s*月份?",
            lambda m, t: month(int(m.group("y")), cn_int(m.group("m"))),
        ),
        (
            r"(?P<y>\d{4})\s*-\s*(?P<m>\d{1,2})(?!\d)",
            lambda m, t: month(int(m.group("y")), int(m.group("m"))),
        ),
        (
            r"(?P<rel>今年|本年|去年|前年|明年)\s*(?P<m>" + NUM + r")\s*月份?",
            lambda m, t: month(t.year + RELATIVE_YEARS[m.group("rel")], cn_int(m.group("m"))),
        ),
        (
            r"(?:(?P<y>\d{4})\s*年\s*|(?P<rel>今年|去年|明年)\s*)?(?:第\s*(?P<q>[一二三四1-4])\s*季度|"
            r"[qQ](?P<q2>[1-4])(?:\s*(?:of\s+)?(?P<y2>\d{4}))?)",
            lambda m, t: quarter(
                int(m.group("y") or m.group("y2"))
                if m.group("y") or m.group("y2")
                else t.year + RELATIVE_YEARS.get(m.group("rel") or "今年", 0),
                cn_int(m.group("q") or m.group("q2")),
            ),
        ),
        (r"本季度|这个?季度|当季", lambda m, t: quarter(t.year, (t.month - 1) // 3 + 1)),
        (r"上一?个?季度", lambda m, t: quarter_back(t, 1)),
        (r"下一?个?季度", lambda m, t: quarter_back(t, -1)),
        (r"(?P<y>\d{4})\s*年(?:全年|度)?", lambda m, t: year(int(m.group("y")))),
        (
            r"(?:最近|近|过去|前|这)\s*(?P<n>\d{1,3}|[一二两三四五六七八九十]{1,3})\s*"
            r"(?P<u>天|日|周|个星期|个礼拜|星期|个月|月|年)",
            lambda m, t: last_span(t, cn_int(m.group("n")), _ZH_UNITS[m.group("u")]),
        ),
        (r"(?:最近|近|过去)\s*半\s*年", lambda m, t: last_span(t, 6, "month")),
        (
            r"(?P<m>" + NUM + r")\s*月份?(?![活底初])",
            lambda m, t: recent_month(t, cn_int(m.group("m"))),
        ),
        (r"(?:最近|近|过去)\s*一?\s*(?:周|星期)", lambda m, t: last_days(t, 7)),
        (r"上上个?月", lambda m, t: _month_back(t, 2)),
        (r"上一?个?月|上月", lambda m, t: _month_back(t, 1)),
        (r"下一?个?月|下月", lambda m, t: _month_back(t, -1)),
        (r"本月|这个?月|当月|月初至今", lambda m, t: _month_back(t, 0)),
        (r"上上(?:个)?(?:周|星期|礼拜)", lambda m, t: week_of(t, 2)),
        (r"上一?个?(?:周|星期|礼拜)", lambda m, t: week_of(t, 1)),
        (r"下一?个?(?:周|星期|礼拜)", lambda m, t: week_of(t, -1)),
        (r"本周|这一?个?(?:周|星期|礼拜)|本星期", lambda m, t: week_of(t, 0)),
        (r"今年(?:以来)?|本年度?|年初至今|今年至今", lambda m, t: year(t.year)),
        (r"去年|上一年", lambda m, t: year(t.year - 1)),
        (r"前年", lambda m, t: year(t.year - 2)),
        (r"明年|下一年", lambda m, t: year(t.year + 1)),
        (r"今天|今日", lambda m, t: _one_day(t)),
        (r"昨天|昨日", lambda m, t: _one_day(t - timedelta(days=1))),
        (r"前天", lambda m, t: _one_day(t - timedelta(days=2))),
        (r"明天|明日", lambda m, t: _one_day(t + timedelta(days=1))),
    ]


_ZH_UNITS = {"天": "day", "日": "day", "周": "week", "个星期": "week", "个礼拜": "week"}
_ZH_UNITS |= {"星期": "week", "个月": "month", "月": "month", "年": "year"}

EN_MONTH = (
    r"(?P<{p}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
EN_NUM = (
    r"(?P<n>\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen"
    r"|thirty|ninety)"
)
EN_DATE = (
    r"(?:(?P<{p}iso>\d{4}-\d{1,2}-\d{1,2})|"
    + EN_MONTH.replace("{p}", "{p}mon")
    + r"\s+(?P<{p}d>\d{1,2})(?!\d)(?:st|nd|rd|th)?(?:,?\s+(?P<{p}y>\d{4}))?|"
    r"(?P<{p}d2>\d{1,2})(?:st|nd|rd|th)?\s+"
    + EN_MONTH.replace("{p}", "{p}mon2")
    + r"(?:,?\s+(?P<{p}y2>\d{4}))?)"
)


def _en_date(match: re.Match, prefix: str, today: date, year_default: int | None = None) -> date:
    iso = match.group(f"{prefix}iso")
    if iso:
        y, m, d = (int(part) for part in iso.split("-"))
        return day(y, m, d)
    mon = match.group(f"{prefix}mon") or match.group(f"{prefix}mon2")
    number = match.group(f"{prefix}d") or match.group(f"{prefix}d2")
    raw_year = match.group(f"{prefix}y") or match.group(f"{prefix}y2")
    year_ = int(raw_year) if raw_year else (year_default or today.year)
    return day(year_, EN_MONTHS[mon[:3]], int(number))


def _en_patterns() -> list[tuple[str, object]]:
    date_a = EN_DATE.replace("{p}", "a")
    date_b = EN_DATE.replace("{p}", "b")
    return [
        (
            rf"\b(?:between|from)\s+{date_a}\s+(?:and|to|until|till|through)\s+{date_b}",
            lambda m, t: _range(_en_date(m, "a", t, _en_year_of(m, t)), _en_date(m, "b", t)),
        ),
        (
            rf"\b{date_a}\s*(?:to|until|till|through|–|—)\s*{date_b}",
            lambda m, t: _range(_en_date(m, "a", t, _en_year_of(m, t)), _en_date(m, "b", t)),
        ),
        (
            r"\b(?:on\s+)?" + EN_DATE.replace("{p}", "a"),
            lambda m, t: _one_day(_en_date(m, "a", t)),
        ),
        (
            r"\b(?:in\s+)?(?:the\s+)?(?:q(?P<q>[1-4])|(?P<qw>first|second|third|fourth)\s+quarter)"
            r"(?:\s+(?:of\s+)?(?P<y>\d{4}))?",
            lambda m, t: quarter(
                _int_or(m.group("y"), t.year),
                int(m.group("q")) if m.group("q") else _ORDINALS[m.group("qw")],
            ),
        ),
        (r"\b(?:this|the current|current)\s+quarter\b", lambda m, t: quarter_back(t, 0)),
        (r"\b(?:last|previous|past)\s+quarter\b", lambda m, t: quarter_back(t, 1)),
        (r"\bnext\s+quarter\b", lambda m, t: quarter_back(t, -1)),
        (
            r"\b(?:in\s+)?" + EN_MONTH.replace("{p}", "mon") + r"(?:\s+(?:of\s+)?(?P<y>\d{4})|"
            r"\s+(?:of\s+)?(?P<rel>last|this|next)\s+year)?\b",
            lambda m, t: _en_month(m, t),
        ),
        (
            r"\b(?:in\s+)?(?P<y>\d{4})-(?P<m>\d{1,2})\b",
            lambda m, t: month(int(m.group("y")), int(m.group("m"))),
        ),
        (
            r"\b(?:in\s+(?:the\s+)?|during\s+|for\s+)?(?:the\s+)?(?:last|past|previous|recent)\s+"
            + EN_NUM
            + r"\s+(?P<u>day|week|month|year)s?\b",
            lambda m, t: last_span(t, cn_int(m.group("n")), m.group("u")),
        ),
        (
            r"\b(?:in\s+|over\s+|during\s+)?(?:the\s+)?(?:past|recent)\s+(?P<u>week|month|year)\b",
            lambda m, t: last_span(t, 1, m.group("u")),
        ),
        (r"\b(?:in\s+)?(?:the\s+)?last\s+(?:fortnight|two weeks)\b", lambda m, t: last_days(t, 14)),
        (r"\b(?:in\s+)?(?P<y>20\d\d|19\d\d)\b", lambda m, t: year(int(m.group("y")))),
        (
            r"\b(?:this|current|the current)\s+month\b|\bmonth[- ]to[- ]date\b|\bmtd\b",
            lambda m, t: _month_back(t, 0),
        ),
        (r"\b(?:last|previous|the previous)\s+month\b", lambda m, t: _month_back(t, 1)),
        (r"\bnext\s+month\b", lambda m, t: _month_back(t, -1)),
        (
            r"\b(?:this|current|the current)\s+week\b|\bso far this week\b",
            lambda m, t: week_of(t, 0),
        ),
        (r"\b(?:last|previous|the previous)\s+week\b", lambda m, t: week_of(t, 1)),
        (r"\bnext\s+week\b", lambda m, t: week_of(t, -1)),
        (
            r"\b(?:so far\s+)?this\s+year(?:\s+so far)?\b|\byear[- ]to[- ]date\b|\bytd\b|"
            r"\bcurrent\s+year\b|\bsince\s+(?:the\s+)?(?:start|beginning)\s+of\s+(?:the|this)\s+year\b",
            lambda m, t: year(t.year),
        ),
        (r"\b(?:last|previous|the previous)\s+year\b", lambda m, t: year(t.year - 1)),
        (r"\bnext\s+year\b", lambda m, t: year(t.year + 1)),
        (r"\btoday\b", lambda m, t: _one_day(t)),
        (r"\byesterday\b", lambda m, t: _one_day(t - timedelta(days=1))),
        (r"\btomorrow\b", lambda m, t: _one_day(t + timedelta(days=1))),
    ]


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _en_month(match: re.Match, today: date) -> Period:
    number = EN_MONTHS[match.group("mon")[:3]]
    if match.group("y"):
        return month(int(match.group("y")), number)
    rel = match.group("rel")
    if rel:
        return month(today.year + {"last": -1, "this": 0, "next": 1}[rel], number)
    return recent_month(today, number)


def _int_or(raw: str | None, default: int) -> int:
    return int(raw) if raw else default


def _year_of(match: re.Match, today: date) -> int:
    """The year of a range's first date, which its second date inherits when it names none."""
    return int(match.group("ay")) if match.group("ay") else today.year


def _en_year_of(match: re.Match, today: date) -> int | None:
    raw = match.group("by") or match.group("by2")
    if raw:
        return int(raw)
    iso = match.group("biso")
    return int(iso.split("-")[0]) if iso else None


def _range(first: date, last: date) -> Period:
    if last < first:
        raise PeriodError("the period ends before it starts")
    return Period(first, last + timedelta(days=1))


def _one_day(moment: date) -> Period:
    return Period(moment, moment + timedelta(days=1))


def _month_back(today: date, months: int) -> Period:
    first = shift_months(today.replace(day=1), -months)
    return Period(first, shift_months(first, 1))


def quarter_back(today: date, quarters: int) -> Period:
    """The quarter `quarters` before today's (negative: after)."""
    index = today.year * 4 + (today.month - 1) // 3 - quarters
    year_, number = divmod(index, 4)
    return quarter(year_, number + 1)


ZH_PATTERNS = [(re.compile(p), f) for p, f in _zh_patterns()]
EN_PATTERNS = [(re.compile(p, re.IGNORECASE), f) for p, f in _en_patterns()]
# Ranges of dates first (their dates must not be taken one by one), then the rest.
ALL_PATTERNS = ZH_PATTERNS[:2] + EN_PATTERNS[:2] + ZH_PATTERNS[2:] + EN_PATTERNS[2:]


def find_periods(text: str, today: date) -> tuple[list[Found], str]:
    """Every period named in the text (longest patterns first), and the text with their words
    blanked out. Raises PeriodError for a date that does not exist."""
    found: list[Found] = []
    for pattern, build in ALL_PATTERNS:
        for match in list(pattern.finditer(text)):
            if not match.group(0).strip():
                continue
            period = build(match, today)
            found.append(Found(period, match.span()))
            text = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
    found.sort(key=lambda item: item.span)
    return found, text
