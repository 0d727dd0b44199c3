"""Parsing the raw values partners write (English and Chinese) into course field values.

Every parser raises `ValueError` with a short English message on bad input; the caller turns
it into a RowError. Parsers whose result may be absent (numbers, durations, lists) return
None (or []) for a missing value (`is_missing`); the others (area, level, format, language,
price, bool, status) raise ValueError("no value") for it: check `is_missing` first.
"""

from __future__ import annotations

import ast
import functools
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from catalogue.models.enums import Area, CourseFormat, CourseStatus, Level

DEFAULT_HOURS_PER_WEEK = 3
WEEKS_PER_MONTH = 4.345
MAX_MINUTES = 100_000
MAX_PRICE = 1_000_000
CLASS_HOUR_MINUTES = 45  # one 学时 (class hour) in Chinese education
MAX_LIST_LITERAL_CHARS = 100_000

_MISSING = frozenset(
    {
        "",
        "null",
        "none",
        "nil",
        "n/a",
        "na",
        "#n/a",
        "nan",
        "-",
        "--",
        "—",
        "无",
        "暂无",
        "[]",
        "{}",
    }
)


_MISSING_MAX_LEN = max(len(token) for token in _MISSING)


def _text(value: Any) -> str:
    """A value as text: NFKC-normalised (full-width digits become ASCII) and stripped."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _key(value: Any) -> str:
    """A label as a lookup key: NFKC, case-folded, without spaces, underscores, hyphens, dots."""
    return re.sub(r"[\s_\-.'’]+", "", _text(value).casefold())


def is_missing(value: Any) -> bool:
    """Whether a raw value means "no value": None, blank, NaN, "null", "N/A", "-", "无", …."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str):
        stripped = value.strip()
        # Longer text is never a "no value" marker (NFKC does not shorten such text); skip
        # the normalisation, which most cells would otherwise pay for.
        if len(stripped) > _MISSING_MAX_LEN:
            return False
        return _text(stripped).casefold() in _MISSING
    if isinstance(value, list | tuple | dict | set):
        return not value
    return False


def _require(value: Any) -> None:
    if is_missing(value):
        raise ValueError("no value")


# ---------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------

_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[, ']\d{3})+(?:\.\d+)?")
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?")
_MULTIPLIERS = (("百万", 10**6), ("万", 10**4), ("亿", 10**8), ("千", 10**3))
_LATIN_MULTIPLIERS = (("k", 10**3), ("w", 10**4), ("m", 10**6))
_COUNT_UNITS = ("人次", "人", "次", "个", "门", "节", "讲", "集", "课")


def _decimal(value: Any) -> Decimal:
    """A number from an int, float or text like "124,980", "1 234", "１２３", "1.2万", "3k"."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("not a finite number")
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    text = _text(value).casefold().rstrip("+").strip()
    for unit in _COUNT_UNITS:
        if text.endswith(unit) and len(text) > len(unit):
            text = text.removesuffix(unit).strip()
            break
    multiplier = 1
    for suffix, factor in (*_MULTIPLIERS, *_LATIN_MULTIPLIERS):
        if text.endswith(suffix) and len(text) > len(suffix):
            text, multiplier = text.removesuffix(suffix).strip(), factor
            break
    if _GROUPED.fullmatch(text):
        text = re.sub(r"[, ']", "", text)
    if not _PLAIN.fullmatch(text):
        raise ValueError("not a number")
    try:
        return Decimal(text) * multiplier
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc


def parse_int(value: Any) -> int | None:
    """A whole number ("124,980", "12.0", "１２３", "1.2万", "3k"); None if missing."""
    if is_missing(value):
        return None
    number = _decimal(value)
    if number != number.to_integral_value():
        raise ValueError("not a whole number")
    return int(number)


def parse_float(value: Any) -> float | None:
    """A decimal number ("4.7", "1,234.5", "１２.５", "1.2万"); None if missing."""
    if is_missing(value):
        return None
    return float(_decimal(value))


# ---------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------

_LIST_SEPARATORS = re.compile(r"[,;|，、；\n\r]+")


def parse_list(value: Any) -> list[str]:
    """Tags from "a, b", "a; b", "a|b", "a，b、c", "['a', 'b']" or a list; [] if missing."""
    if is_missing(value):
        return []
    if isinstance(value, list | tuple | set):
        items: Iterable[Any] = value
    elif isinstance(value, str):
        items = _split_list(value.strip())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        items = [value]
    else:
        raise ValueError("not a list")
    return _clean_items(items)


# Keys that hold a tag's name when an API gives tags as objects ([{"name": "Python"}]).
TAG_NAME_KEYS = ("name", "title", "label", "tag", "tag_name", "tagname", "value", "text")


def _named(item: dict[Any, Any]) -> Any:
    """The name of a tag given as an object ({"id": 3, "name": "Python"}); ValueError if none."""
    by_key = {_key(k): v for k, v in item.items() if isinstance(k, str)}
    for key in TAG_NAME_KEYS:
        value = by_key.get(_key(key))
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return value
    for key in ("名称", "标签", "名字"):
        if isinstance(by_key.get(key), str):
            return by_key[key]
    raise ValueError("a tag object without a name")


def _split_list(text: str) -> list[Any]:
    if text.startswith("[") and text.endswith("]"):
        literal = _list_literal(text)
        if literal is not None:
            return literal
        text = text[1:-1]
    return _LIST_SEPARATORS.split(text)


def _list_literal(text: str) -> list[Any] | None:
    """A JSON or Python list literal, parsed safely (never eval); None if it is not one."""
    if len(text) > MAX_LIST_LITERAL_CHARS:
        raise ValueError("list too long")
    for parse in (json.loads, ast.literal_eval):
        try:
            parsed = parse(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        if isinstance(parsed, list | tuple):
            return list(parsed)
    return None


def _clean_items(items: Iterable[Any]) -> list[str]:
    """Stripped text items without blanks and duplicates (case-insensitive), in order."""
    seen: set[str] = set()
    result = []
    for item in items:
        if isinstance(item, dict):
            item = _named(item)
        if isinstance(item, list | tuple | dict | set):
            raise ValueError("nested values in a list")
        if is_missing(item):
            continue
        text = _text(item).strip("'\"").strip()
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            result.append(text)
    return result


# ---------------------------------------------------------------------------------------
# Labels: area, level, format, status, booleans
# ---------------------------------------------------------------------------------------


def _table(entries: dict[Any, tuple[str, ...]]) -> dict[str, Any]:
    """Lookup key → value for every label of every value (and the value itself)."""
    table: dict[str, Any] = {}
    for result, labels in entries.items():
        for label in (str(result), *labels):
            table[_key(label)] = result
    return table


_AREAS = _table(
    {
        Area.LIFE_SKILLS: ("Life skills", "life", "daily life", "生活技能", "生活", "生活技巧"),
        Area.HOBBIES: (
            "Hobbies",
            "hobby",
            "Hobbies and interests",
            "Hobbies & interests",
            "interests",
            "兴趣爱好",
            "兴趣",
            "爱好",
        ),
        Area.WORKPLACE: (
            "Workplace competencies",
            "Workplace competences",
            "Workplace skills",
            "workplace competency",
            "职场能力",
            "职场技能",
            "职场",
        ),
        Area.PROFESSIONAL: (
            "Professional skills",
            "professional",
            "vocational skills",
            "vocational",
            "专业技能",
            "职业技能",
            "专业",
        ),
        Area.ELDERLY: (
            "Elderly learning",
            "elderly",
            "elderly education",
            "Learning in later life",
            "seniors",
            "senior learning",
            "老年教育",
            "老年大学",
            "银龄",
            "老年",
            "银龄学堂",
        ),
        Area.CONTINUING: (
            "Continuing education",
            "continuing",
            "academic continuing education",
            "学历继续教育",
            "继续教育",
            "学历教育",
            "学历",
        ),
    }
)

_LEVELS = _table(
    {
        Level.BEGINNER: (
            "introductory",
            "intro",
            "basic",
            "basics",
            "elementary",
            "entry",
            "novice",
            "starter",
            "入门",
            "初级",
            "零基础",
            "基础",
            "初学者",
            "新手",
        ),
        Level.INTERMEDIATE: ("medium", "中级", "进阶", "中等", "提高"),
        Level.ADVANCED: ("expert", "高级", "精通", "专家", "高阶"),
        Level.ALL: (
            "all levels",
            "mixed",
            "any",
            "everyone",
            "不限",
            "通用",
            "全部",
            "所有",
            "所有级别",
            "适合所有人",
        ),
    }
)

_FORMATS = _table(
    {
        CourseFormat.VIDEO: (
            "视频",
            "recorded",
            "recording",
            "录播",
            "视频课",
            "视频课程",
            "on demand",
        ),
        CourseFormat.AUDIO: ("音频", "podcast", "广播", "有声", "radio", "音频课", "audio book"),
        CourseFormat.READING: (
            "e-book",
            "ebook",
            "book",
            "article",
            "text",
            "图文",
            "阅读",
            "电子书",
            "文章",
            "读物",
        ),
        CourseFormat.LIVE: ("直播", "livestream", "live stream", "webinar", "直播课"),
        CourseFormat.MIXED: ("blended", "混合", "综合", "混合式", "multimedia"),
    }
)

_STATUSES = _table(
    {
        CourseStatus.PUBLISHED: (
            "publish",
            "active",
            "online",
            "public",
            "上线",
            "已上线",
            "发布",
            "已发布",
            "正常",
            "在线",
            "公开",
        ),
        CourseStatus.DRAFT: ("草稿", "未发布", "待发布", "unpublished", "pending", "编辑中"),
        CourseStatus.WITHDRAWN: (
            "offline",
            "下线",
            "已下线",
            "下架",
            "已下架",
            "archived",
            "inactive",
            "retired",
            "停用",
            "关闭",
        ),
    }
)

_BOOLEANS = _table(
    {
        True: ("true", "t", "yes", "y", "1", "是", "对", "有", "√", "✓", "on"),
        False: ("false", "f", "no", "n", "0", "否", "不", "不是", "错", "×", "off"),
    }
)


def _lookup(value: Any, table: dict[str, Any], what: str) -> Any:
    _require(value)
    found = table.get(_key(value))
    if found is None:
        raise ValueError(f"unknown {what}")
    return found


def parse_area(value: Any) -> Area:
    """An area from its value, English label or Chinese label ("Life skills", "老年大学")."""
    return _lookup(value, _AREAS, "area")


def parse_level(value: Any) -> Level:
    """A level from English or Chinese ("Introductory", "Beginner Level", "入门", "All Levels")."""
    _require(value)
    key = _key(value)
    for suffix in ("levels", "level", "水平", "难度"):
        if key.endswith(suffix) and key != suffix:
            key = key.removesuffix(suffix)
            break
    return _lookup(key, _LEVELS, "level")


def parse_format(value: Any) -> CourseFormat:
    """A course format from English or Chinese ("video", "视频", "e-book", "直播", "blended")."""
    return _lookup(value, _FORMATS, "format")


def parse_status(value: Any) -> CourseStatus:
    """A publication status ("published"/"上线", "draft"/"草稿", "withdrawn"/"下架")."""
    return _lookup(value, _STATUSES, "status")


def parse_bool(value: Any) -> bool:
    """A yes/no value: true/false, yes/no, y/n, 1/0, 是/否."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    return _lookup(value, _BOOLEANS, "yes/no value")


# ---------------------------------------------------------------------------------------
# Language
# ---------------------------------------------------------------------------------------

_ISO_639_1_CODES = (
    "aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy "
    "da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht "
    "hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky "
    "la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny "
    "oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss "
    "st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo "
    "za zh zu"
)
ISO_639_1 = frozenset(_ISO_639_1_CODES.split())

_LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("English", "英语", "英文", "eng", "Englisch", "Anglais", "Inglés"),
    "zh": (
        "Chinese",
        "中文",
        "汉语",
        "漢語",
        "普通话",
        "國語",
        "国语",
        "华语",
        "简体中文",
        "繁体中文",
        "繁體中文",
        "Mandarin",
        "zho",
        "chi",
        "zh-Hans",
        "zh-Hant",
    ),
    "es": ("Spanish", "Español", "Espanol", "Castellano", "西班牙语", "spa"),
    "fr": ("French", "Français", "Francais", "法语", "fra", "fre"),
    "de": ("German", "Deutsch", "德语", "deu", "ger"),
    "it": ("Italian", "Italiano", "意大利语"),
    "pt": ("Portuguese", "Português", "Portugues", "葡萄牙语"),
    "ja": ("Japanese", "日本語", "日语", "日文"),
    "ko": ("Korean", "한국어", "韩语", "韩文"),
    "ru": ("Russian", "Русский", "俄语"),
    "ar": ("Arabic", "العربية", "اللغة العربية", "阿拉伯语"),
    "hi": ("Hindi", "हिन्दी", "印地语"),
    "nl": ("Dutch", "Nederlands", "荷兰语"),
    "sv": ("Swedish", "Svenska", "瑞典语"),
    "pl": ("Polish", "Polski", "波兰语"),
    "tr": ("Turkish", "Türkçe", "土耳其语"),
    "vi": ("Vietnamese", "Tiếng Việt", "越南语"),
    "th": ("Thai", "ภาษาไทย", "泰语"),
    "id": ("Indonesian", "Bahasa Indonesia", "印度尼西亚语", "印尼语"),
    "ms": ("Malay", "Bahasa Melayu", "马来语"),
    "uk": ("Ukrainian", "Українська", "乌克兰语"),
    "el": ("Greek", "Ελληνικά", "希腊语"),
    "he": ("Hebrew", "עברית", "希伯来语"),
    "fa": ("Persian", "Farsi", "فارسی", "波斯语"),
    "bo": ("Tibetan", "藏语"),
    "ug": ("Uyghur", "Uighur", "维吾尔语"),
    "mn": ("Mongolian", "蒙古语"),
}
_LANGUAGES = {_key(n): code for code, names in _LANGUAGE_NAMES.items() for n in names}


def parse_language(value: Any) -> str:
    """An ISO 639-1 code from a name ("English", "中文", "Español") or a tag ("en-US", "zh_CN")."""
    _require(value)
    key = _key(value)
    if key in _LANGUAGES:
        return _LANGUAGES[key]
    primary = re.split(r"[-_]", _text(value).casefold(), maxsplit=1)[0]
    if primary in ISO_639_1:
        return primary
    if _key(primary) in _LANGUAGES:
        return _LANGUAGES[_key(primary)]
    raise ValueError("unknown language")


# ---------------------------------------------------------------------------------------
# Price
# ---------------------------------------------------------------------------------------

_FREE = re.compile(r"^(?:free|gratis|gratuit|kostenlos|免费|免費)(?![a-z])")
_CURRENCY = re.compile(r"us\$|hk\$|usd|cny|rmb|eur|gbp|hkd|人民币|元|块|圆|[$¥€£]")


def parse_price(value: Any) -> tuple[bool, int | None]:
    """(is_free, price in cents): "Free"/"免费"/"0" → (True, None); "¥199.00" → (False, 19900)."""
    _require(value)
    if isinstance(value, str):
        text = _text(value).casefold()
        if _FREE.match(text):
            return True, None  # also edX's "FREE-Add a Verified Certificate for $49 USD"
        value = _CURRENCY.sub("", text).strip()
    amount = _decimal(value)
    if amount < 0:
        raise ValueError("negative price")
    if amount == 0:
        return True, None
    if amount > MAX_PRICE:
        raise ValueError("price too high")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError("more than two decimals")
    return False, int(cents)


# ---------------------------------------------------------------------------------------
# Durations
# ---------------------------------------------------------------------------------------

DurationUnit = Literal["minutes", "hours", "class_hours", "seconds", "milliseconds"]
_BARE_MINUTES: dict[str, float] = {
    "minutes": 1,
    "hours": 60,
    "class_hours": CLASS_HOUR_MINUTES,
    "seconds": 1 / 60,
    "milliseconds": 1 / 60_000,
}
# A number in these ranges is a point in time (2001–2128), not a length: epoch seconds or
# milliseconds, as APIs give times ("startTime": 1598918400000).
EPOCH_SECONDS = (1_000_000_000, 5_000_000_000)
EPOCH_MILLISECONDS = (1_000_000_000_000, 5_000_000_000_000)


def epoch_time(value: Any) -> datetime | None:
    """The UTC time an epoch number (seconds or milliseconds, or their digits) stands for."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"\d{10}(?:\.\d+)?|\d{13}", text):
            return None
        value = float(text)
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    if EPOCH_MILLISECONDS[0] <= value < EPOCH_MILLISECONDS[1]:
        value = value / 1000
    elif not EPOCH_SECONDS[0] <= value < EPOCH_SECONDS[1]:
        return None
    return datetime.fromtimestamp(value, tz=UTC)


_NUMBER = r"\d+(?:\.\d+)?|\.\d+"
_AMOUNT = rf"(?P<low>{_NUMBER})(?:\s*-\s*(?P<high>{_NUMBER}))?"
# Unit spellings, longest first; the value is the unit's kind.
_UNITS = {
    "minutes": "min",
    "minute": "min",
    "mins": "min",
    "min": "min",
    "m": "min",
    "分钟": "min",
    "分": "min",
    "hours": "hour",
    "hour": "hour",
    "hrs": "hour",
    "hr": "hour",
    "h": "hour",
    "小时": "hour",
    "钟头": "hour",
    "seconds": "sec",
    "second": "sec",
    "secs": "sec",
    "sec": "sec",
    "s": "sec",
    "秒钟": "sec",
    "秒": "sec",
    "学时": "class",
    "weeks": "week",
    "week": "week",
    "wks": "week",
    "wk": "week",
    "w": "week",
    "周": "week",
    "星期": "week",
    "礼拜": "week",
    "months": "month",
    "month": "month",
    "mos": "month",
    "mo": "month",
    "个月": "month",
    "月": "month",
}
_UNIT_PATTERN = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_PART = re.compile(rf"\s*(?:{_AMOUNT})\s*(?P<unit>{_UNIT_PATTERN})(?![a-z])\s*(?:,|and|&|又|零)?")
_CLOCK = re.compile(r"(\d+):([0-5]?\d)(?::([0-5]?\d(?:\.\d+)?))?")
_BARE = re.compile(rf"{_AMOUNT}")
_QUALIFIERS = re.compile(
    r"^(?:less than|fewer than|under|up to|about|approx\.?|approximately|around|ca\.?|total|"
    r"约|大约|大概|少于|不到|不超过|低于|共计|共|总计|总共|<|≤)\s*|\s*(?:左右|以内|以下|total)$"
)
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "~": "-", "〜": "-"})
_CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUMBER = re.compile(r"[零一二两三四五六七八九十百]+")
_PER_WEEK = re.compile(
    r"(?:每周|每星期|每礼拜|^1\s*周|/\s*(?:周|星期|week|wk)|(?:per|a|each|every)\s+(?:week|wk)"
    r"|weekly|/w\b)"
)
_PER_DAY = re.compile(r"(?:每天|每日|/\s*(?:天|日|day)|(?:per|a|each|every)\s+day|daily|/d\b)")


def _cn_number(numeral: str) -> int:
    """A Chinese numeral up to the hundreds: "十二" → 12, "二十五" → 25, "一百" → 100."""
    total, current = 0, 0
    for char in numeral:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _CN_DIGITS[char]
    return total + current


def _prepare(value: Any) -> str:
    """Duration text normalised: NFKC, lower case, dashes, Chinese numerals and 半 as digits."""
    text = _text(value).casefold().translate(_DASHES)
    text = re.sub(r"(?<=\d)\s*(?:to|至|到)\s*(?=\d)", "-", text)
    text = _CN_NUMBER.sub(lambda m: str(_cn_number(m.group())), text)
    text = re.sub(r"(\d+)个?半", r"\1.5", text)
    text = text.replace("半", "0.5").replace("个", "")
    previous = None
    while previous != text:
        previous, text = text, _QUALIFIERS.sub("", text).strip()
    return text


def _amount(match: re.Match[str]) -> float:
    """The number of a match, or the midpoint of its range."""
    low = float(match.group("low"))
    high = match.group("high")
    return low if high is None else (low + float(high)) / 2


def _checked_minutes(minutes: float) -> int:
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError("negative duration")
    rounded = math.floor(minutes + 0.5)
    if rounded > MAX_MINUTES:
        raise ValueError("duration too long")
    return rounded


def parse_duration_minutes(
    length: Any, effort: Any = None, *, unit: DurationUnit = "minutes"
) -> int | None:
    """Minutes from "90", "1.5 hours", "1小时30分钟", "01:30:00", "12 Weeks" (× effort), ….

    `unit` is what a bare number ("90", "1.5") counts: minutes unless the column says
    otherwise (see `mapping.bare_duration_unit`: Udemy's content_duration is in hours).
    """
    if is_missing(length):
        return None
    if isinstance(length, bool):
        raise ValueError("not a duration")
    if isinstance(length, timedelta):
        return _checked_minutes(length.total_seconds() / 60)
    if isinstance(length, int | float):
        return _checked_minutes(float(length) * _BARE_MINUTES[unit])
    text = _prepare(length)
    if text.startswith("-"):
        raise ValueError("negative duration")
    weekly = functools.partial(parse_weekly_hours, effort)  # parsed only when weeks appear
    return _checked_minutes(_text_minutes(text, weekly, _BARE_MINUTES[unit]))


def _text_minutes(text: str, weekly_hours: Callable[[], float], bare_minutes: float = 1) -> float:
    clock = _CLOCK.fullmatch(text)
    if clock:
        hours, minutes, seconds = clock.groups()
        return int(hours) * 60 + int(minutes) + float(seconds or 0) / 60
    if bare := _BARE.fullmatch(text):
        return _amount(bare) * bare_minutes
    total, position = 0.0, 0
    while position < len(text):
        part = _PART.match(text, position)
        if part is None or part.end() == position:
            raise ValueError("unrecognised duration")
        total += _unit_minutes(_amount(part), _UNITS[part.group("unit")], weekly_hours)
        position = part.end()
    if position == 0:
        raise ValueError("unrecognised duration")
    return total


def _unit_minutes(amount: float, unit: str, weekly_hours: Callable[[], float]) -> float:
    if unit == "min":
        return amount
    if unit == "hour":
        return amount * 60
    if unit == "sec":
        return amount / 60
    if unit == "class":
        return amount * CLASS_HOUR_MINUTES
    weeks = amount if unit == "week" else amount * WEEKS_PER_MONTH
    return weeks * weekly_hours() * 60


def parse_weekly_hours(effort: Any) -> float:
    """Hours of study per week from "4–6 hours per week", "2-3 hours/week", "每周3小时"."""
    if is_missing(effort):
        return float(DEFAULT_HOURS_PER_WEEK)
    if isinstance(effort, bool):
        raise ValueError("not an effort")
    if isinstance(effort, int | float):
        hours = float(effort)
    else:
        text = _prepare(effort)
        per_day = bool(_PER_DAY.search(text))
        text = _PER_DAY.sub(" ", _PER_WEEK.sub(" ", text)).strip(" ,/")
        hours = _effort_hours(text) * (7 if per_day else 1)
    if not 0 < hours <= 168:
        raise ValueError("implausible hours per week")
    return hours


def _effort_hours(text: str) -> float:
    bare = _BARE.fullmatch(text)
    if bare:
        return _amount(bare)
    try:
        return _text_minutes(text, _no_weeks) / 60
    except ValueError as exc:
        raise ValueError("unrecognised effort") from exc


def _no_weeks() -> float:
    raise ValueError("unrecognised effort")


def parse_hours(value: Any) -> int | None:
    """Minutes from a number of hours ("1.5" → 90, Udemy's content_duration); None if missing."""
    return parse_duration_minutes(value, unit="hours")
