"""Question text → a structured query over the aggregates, or a refusal with its reason.

Rule-based and deterministic: the question is normalised (NFKC, lower case), then the words of
each kind are found and blanked out in a fixed order (kinds of question it cannot answer,
comparison, grouping, caring mode, period, area, filters without data, metric). What is left is
split with a private jieba tokenizer and reported as words that were not understood."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from insight.ask import vocabulary as v
from insight.ask.periods import Period, PeriodError, find_periods, last_days

MAX_QUESTION = 200
DEFAULT_DAYS = 30
_CJK = re.compile(r"[\u3400-\u9fff]")
_NOUNS = "|".join(v.BARE_NOUNS.values())


@dataclass(frozen=True)
class Query:
    """What a question asks: one metric over one period, optionally filtered, grouped, compared."""

    metric: str
    period: Period
    language: str
    areas: tuple[str, ...] = ()
    caring: bool = False
    group: str | None = None
    compare: str | None = None
    share: bool = False
    period_defaulted: bool = False


@dataclass(frozen=True)
class Refusal:
    """Why a question cannot be answered: a stable reason code and the words concerned."""

    reason: str
    language: str
    detail: str = ""
    words: tuple[str, ...] = field(default=())


REASONS = (
    "empty",
    "too_long",
    "unknown_metric",
    "ambiguous_metric",
    "multiple_metrics",
    "unsupported_metric",
    "unsupported_filter",
    "unsupported_grouping",
    "unsupported_question",
    "future_period",
    "invalid_period",
    "ambiguous_period",
    "ambiguous_share",
    "not_understood",
)


def language_of(text: str) -> str:
    """'zh' when the question holds a Chinese character, else 'en'."""
    return "zh" if _CJK.search(text) else "en"


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, single spaces."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


class _Text:
    """The question with the words already understood blanked out."""

    def __init__(self, text: str) -> None:
        self.text = text

    def take(self, pattern: str) -> list[str]:
        """Every match of the pattern, blanked out; returns the matched words."""
        found = []
        for match in list(re.finditer(pattern, self.text)):
            if match.group(0).strip():
                found.append(match.group(0))
                start, end = match.span()
                self.text = self.text[:start] + " " * (end - start) + self.text[end:]
        return found

    def has(self, pattern: str) -> bool:
        """Whether the pattern still matches (without blanking)."""
        return re.search(pattern, self.text) is not None


def parse(question: str, today: date) -> Query | Refusal:
    """The structured query a question asks, relative to `today` (the site's local date)."""
    language = language_of(question)
    if len(question) > MAX_QUESTION:
        return Refusal("too_long", language, str(MAX_QUESTION))
    text = _Text(normalise(question))
    if not re.search(r"\w", text.text):
        return Refusal("empty", language)
    for pattern, kind in v.UNSUPPORTED_QUESTIONS.items():
        if words := text.take(pattern):
            reason = "future_period" if kind == "forecast" else "unsupported_question"
            return Refusal(reason, language, kind, tuple(words))
    compare = None
    for pattern, kind in v.COMPARISONS:
        if text.take(pattern):
            compare = compare or kind
    for pattern, kind in v.UNSUPPORTED_GROUPINGS.items():
        if words := text.take(pattern):
            return Refusal("unsupported_grouping", language, kind, tuple(words))
    group = None
    for pattern, kind in v.GROUPINGS.items():
        if text.take(pattern) and group is None:
            group = kind
    caring = bool(text.take(v.CARING))
    share = bool(text.take(v.SHARE))
    try:
        found, text.text = find_periods(text.text, today)
    except PeriodError as exc:
        return Refusal("invalid_period", language, str(exc))
    distinct = {item.period for item in found}
    if len(distinct) > 1:
        words = tuple(question_words(question, item.span) for item in found)
        return Refusal("ambiguous_period", language, "", words)
    areas: list[str] = []
    for area, patterns in v.AREA_PATTERNS.items():
        for pattern in patterns:
            if text.take(pattern) and area not in areas:
                areas.append(area)
    for pattern, kind in v.UNSUPPORTED_FILTERS.items():
        if words := text.take(pattern):
            return Refusal("unsupported_filter", language, kind, tuple(words))
    for pattern, kind in v.UNSUPPORTED_METRICS.items():
        if words := text.take(pattern):
            return Refusal("unsupported_metric", language, kind, tuple(words))
    grain = next((g for p, g in v.GRAIN_HINTS.items() if text.has(p)), None)
    metrics = [key for key, patterns in v.METRIC_PATTERNS.items() if _take_any(text, patterns)]
    if len(metrics) > 1:
        return Refusal("multiple_metrics", language, "", tuple(metrics))
    if not metrics and caring and text.take(v.BARE_NOUNS["learners"]):
        metrics = ["learners_total"]  # 长辈模式学员: the accounts with caring mode on
    if not metrics:
        noun = next((k for k, p in v.BARE_NOUNS.items() if text.has(p)), None)
        if noun or text.has(v.BARE_NEW):
            return Refusal("ambiguous_metric", language, noun or "learners")
        return Refusal("unknown_metric", language, "", leftover_words(text.text))
    unknown = tuple(w for w in leftover_words(text.text) if not re.fullmatch(_NOUNS, w))
    if unknown:
        return Refusal("not_understood", language, "", unknown)
    if found and found[0].period.start > today:
        return Refusal("future_period", language, "", (question_words(question, found[0].span),))
    period = found[0].period.clipped(today) if found else last_days(today, DEFAULT_DAYS)
    if share and not (areas or caring):
        return Refusal("ambiguous_share", language)
    return Query(
        metric=metrics[0],
        period=period,
        language=language,
        areas=tuple(areas),
        caring=caring,
        group=_grouping(group, grain, period, areas),
        compare=compare,
        share=share,
        period_defaulted=not found,
    )


def _take_any(text: _Text, patterns: list[str]) -> bool:
    """Blank out every pattern's words (all of them, not only the first that matches)."""
    taken = False
    for pattern in patterns:
        taken = bool(text.take(pattern)) or taken
    return taken


def _grouping(group: str | None, grain: str | None, period: Period, areas: list[str]) -> str | None:
    """The breakdown asked for: a named one, a trend's grain, or several areas side by side."""
    if group == "trend":
        group = "day" if period.days <= 62 else "month"
    if group is None and grain is not None:
        longer = {"day": period.days > 1, "week": period.days > 7, "month": period.days > 31}
        group = grain if longer[grain] else None
    if group is None and len(areas) > 1:
        group = "area"
    if group == "day" and period.days <= 1:
        group = None
    return group


def question_words(question: str, span: tuple[int, int]) -> str:
    """The words of the normalised question at this span."""
    return normalise(question)[span[0] : span[1]].strip()


_tokenizer = None
_tokenizer_lock = threading.Lock()


def _jieba():
    """A private jieba tokenizer, so nothing here changes the search index's dictionary."""
    global _tokenizer
    with _tokenizer_lock:
        if _tokenizer is None:
            import jieba

            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _tokenizer = tokenizer
        return _tokenizer


def leftover_words(text: str) -> tuple[str, ...]:
    """Words left over after everything understood was blanked out, without filler."""
    if not re.search(r"\w", text):
        return ()
    tokens = _jieba().lcut(text) if _CJK.search(text) else text.split()
    words = []
    for token in tokens:
        token = token.strip(" ?？!！,，.。:：;；'\"()（）")
        wanted = token and re.search(r"\w", token) and not token.isdigit()
        if wanted and token not in v.FILLER and token not in words:
            words.append(token)
    return tuple(words)
