"""A structured query → the figure, a chart spec (for webapp/templates/insight/_chart.html) and
a plain sentence in the question's language, all from the rollups; or a clear statement that it
cannot be answered, with the reason and questions that can."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from catalogue.models.enums import Area
from insight import cockpit
from insight.ask import figures, texts
from insight.ask import vocabulary as v
from insight.ask.figures import CARING_SOURCE, SOURCES, Source
from insight.ask.parser import Query, Refusal, parse
from insight.ask.periods import Period

AREAS = [area.value for area in Area]


@dataclass(frozen=True)
class Comparison:
    """The same figure over the period compared with: its value, the change and the change in %."""

    kind: str
    period: Period
    value: float | None  # None: nothing recorded then (a daily snapshot before its first day)
    change: float | None
    percent: float | None


@dataclass(frozen=True)
class Answer:
    """The answer: the figure, its sentence, what the question was understood as, a chart."""

    query: Query
    value: float | None  # None: several areas whose figures do not add up (see `figure`)
    unit: str
    figure: str
    sentence: str
    understood: str
    chart: dict[str, Any] | None
    chart_title: str
    comparison: Comparison | None = None
    whole: float | None = None
    as_of: datetime | None = None
    estimate: bool = False  # some figure of it is estimated from sketches (about ±1 %)


@dataclass(frozen=True)
class Unanswerable:
    """Why the question cannot be answered, said in its language, with questions that can."""

    reason: str
    language: str
    message: str
    understood: str = ""
    suggestions: tuple[str, ...] = field(default=())


def ask(session: Session, question: str, today: date) -> Answer | Unanswerable:
    """Answer a question relative to `today` (the site's local date)."""
    parsed = parse(question, today)
    if isinstance(parsed, Refusal):
        return _refused(parsed)
    return answer(session, parsed)


def _refused(refusal: Refusal) -> Unanswerable:
    language = refusal.language
    key = refusal.reason
    values = {"detail": refusal.detail, "words": _join(refusal.words, language), "name": ""}
    if f"{key}.{refusal.detail}" in texts.REFUSALS:
        key = f"{key}.{refusal.detail}"
    elif refusal.detail in v.FILTER_NAMES:
        values["name"] = texts.name(v.FILTER_NAMES, refusal.detail, language)
    if key == "multiple_metrics":
        names = [texts.name(v.METRIC_NAMES, m, language) for m in refusal.words]
        values["words"] = _join(tuple(names), language)
    return Unanswerable(
        refusal.reason,
        language,
        texts.refusal_message(key, language, **values),
        suggestions=tuple(texts.SUGGESTIONS[language]),
    )


def _join(words: tuple[str, ...], language: str) -> str:
    return ("、" if language == "zh" else ", ").join(words)


def _cannot(query: Query, reason: str, key: str, **values: str) -> Unanswerable:
    language = query.language
    values.setdefault("metric", texts.name(v.METRIC_NAMES, query.metric, language))
    return Unanswerable(
        reason,
        language,
        texts.refusal_message(key, language, **values),
        understood=understood(query),
        suggestions=tuple(texts.SUGGESTIONS[language]),
    )


def answer(session: Session, query: Query) -> Answer | Unanswerable:
    """The figures a parsed query asks for, or why the aggregates cannot give them."""
    source = SOURCES[query.metric]
    as_of = cockpit.last_update(session)
    if as_of is None:
        return _cannot(query, "no_data", "no_data")
    if query.caring and query.metric != "learners_total":
        return _cannot(query, "unsupported_filter", "unsupported_filter.caring")
    if (query.areas or query.group == "area") and not source.by_area:
        return _cannot(query, "unsupported_filter", "unsupported_filter.area")
    if query.caring and (query.areas or query.group == "area"):
        return _cannot(query, "unsupported_filter", "unsupported_filter.area")
    if source.combine == "snapshot" and not figures.has_snapshot(session, source, query.period):
        label = _period_text(query, source)
        return _cannot(query, "no_data", "no_snapshot", period=label)
    measured = CARING_SOURCE if query.caring else source
    area = query.areas[0] if len(query.areas) == 1 else None
    if len(query.areas) > 1 and not source.areas_add_up:
        return _side_by_side(session, query, source, as_of)
    if query.areas and area is None:
        value = sum(
            val for _a, val in figures.per_area(session, measured, query.period, list(query.areas))
        )
    else:
        value = figures.total(session, measured, query.period, area)
    whole = None
    if query.share:
        whole = figures.total(session, source, query.period, None)
    comparison = _compare(session, query, measured, area, value)
    chart, title, charted = _chart(session, query, measured, area)
    estimated = charted or any(
        figures.is_estimate(x) for x in (value, whole, comparison and comparison.value)
    )
    return Answer(
        query=query,
        value=value,
        unit=source.unit,
        figure=_figure(value, whole, source.unit, query.language, estimated),
        sentence=sentence(query, source, value, comparison, whole, chart, estimated),
        understood=understood(query),
        chart=chart,
        chart_title=title,
        comparison=comparison,
        whole=whole,
        as_of=as_of,
        estimate=estimated,
    )


def _side_by_side(session: Session, query: Query, source: Source, as_of) -> Answer:
    """Several areas of a figure that does not add up across areas (a learner can be in
    several): each area's figure, no total, no share or comparison."""
    language = query.language
    rows = figures.per_area(session, source, query.period, list(query.areas))
    listed = _join(
        tuple(
            f"{texts.name(v.AREA_NAMES, a, language)} {_amount(val, source.unit, language)}"
            for a, val in rows
        ),
        language,
    )
    estimated = any(figures.is_estimate(val) for _a, val in rows)
    note = texts.estimate_note(language) if estimated else ""
    metric = texts.name(v.METRIC_NAMES, query.metric, language)
    when = query.period.label(language)
    if language == "zh":
        text = f"{when}，{metric}：{listed}{note}（一位学员可属于几个领域，各领域不相加）。"
    else:
        text = (
            f"{when}: {metric}: {listed}{note} (a learner can belong to several areas, "
            "so they are not added up)."
        )
    chart, title, charted = _chart(session, query, source, None)
    return Answer(
        query=query,
        value=None,
        unit=source.unit,
        figure=listed + note,
        sentence=text,
        understood=understood(query),
        chart=chart,
        chart_title=title,
        as_of=as_of,
        estimate=estimated or charted,
    )


def _figure(
    value: float, whole: float | None, unit: str, language: str, estimated: bool = False
) -> str:
    note = texts.estimate_note(language) if estimated else ""
    if whole is not None:
        return _percent(value, whole) + note
    return _amount(value, unit, language) + note


def _amount(value: float, unit: str, language: str) -> str:
    """A figure with its unit, "约"/"about" before it when it is an estimate."""
    return texts.with_unit(value, unit, language, figures.is_estimate(value))


def _percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def _compare(
    session: Session, query: Query, source: Source, area: str | None, value: float
) -> Comparison | None:
    if query.compare is None:
        return None
    before = query.period.year_before() if query.compare == "year" else query.period.previous()
    if source.combine == "snapshot" and not figures.has_snapshot(session, source, before):
        return Comparison(query.compare, before, None, None, None)
    if query.areas and area is None:
        old = sum(val for _a, val in figures.per_area(session, source, before, list(query.areas)))
    else:
        old = figures.total(session, source, before, area)
    percent = 100 * (value - old) / old if old else None
    change = value - old
    if figures.is_estimate(value) or figures.is_estimate(old):
        change = figures.Estimate(change)
    return Comparison(query.compare, before, old, change, percent)


def _chart(
    session: Session, query: Query, source: Source, area: str | None
) -> tuple[dict[str, Any] | None, str, bool]:
    """The chart spec of the answer (per area, per day/week/month, or the period's trend), its
    title ("（估计）" / "(estimate)" after it when a value is estimated) and whether one is."""
    language = query.language
    metric = texts.name(v.METRIC_NAMES, query.metric, language)
    unit = texts.UNITS[source.unit][0 if language == "zh" else 1].strip()
    if query.group == "area":
        wanted = list(query.areas) or AREAS
        rows = figures.per_area(session, source, query.period, wanted)
        labels = [texts.name(v.AREA_NAMES, a, language) for a, _val in rows]
        x_label = "领域" if language == "zh" else "Area"
        values = [val for _a, val in rows]
        estimated = any(figures.is_estimate(val) for val in values)
        spec = _spec("bar", x_label, labels, metric, values, unit)
        return spec, _titled(metric, estimated, language), estimated
    grain = query.group
    if grain is None and source.combine != "snapshot" and query.period.days > 1:
        grain = "day" if query.period.days <= 62 else "month"
    if grain is None:
        return None, metric, False
    rows = figures.series(session, source, query.period, grain, area)
    labels = [_bucket_label(cut, grain, language) for cut, _val in rows]
    x_label = {"day": ("日期", "Day"), "week": ("周", "Week"), "month": ("月份", "Month")}[grain]
    x_text = x_label[0] if language == "zh" else x_label[1]
    values = [val for _c, val in rows]
    estimated = any(figures.is_estimate(val) for val in values)
    spec = _spec("line" if len(rows) > 1 else "bar", x_text, labels, metric, values, unit)
    return spec, _titled(metric, estimated, language), estimated


def _titled(title: str, estimated: bool, language: str) -> str:
    if not estimated:
        return title
    return f"{title}（估计，误差约 ±1%）" if language == "zh" else f"{title} (estimate, ±1%)"


def _spec(
    kind: str, x_label: str, labels: list[str], name: str, values: list[float], unit: str
) -> dict:
    shown = [
        round(val, 1) if isinstance(val, float) and not val.is_integer() else int(val)
        for val in values
    ]
    return {
        "kind": kind,
        "x_label": x_label,
        "categories": labels,
        "series": [{"name": name, "values": shown}],
        "unit": unit,
    }


def _bucket_label(cut: Period, grain: str, language: str) -> str:
    if grain == "month":
        return cut.label(language) if cut.is_whole_months() else f"{cut.start:%Y-%m}"
    if grain == "week":
        return f"{cut.start:%m-%d}" + ("起" if language == "zh" else "")
    return f"{cut.start:%m-%d}"


def _period_text(query: Query, source: Source) -> str:
    """The period as the sentence says it (a snapshot: as of its last day)."""
    language = query.language
    if source.combine == "snapshot":
        last = Period(query.period.end - timedelta(days=1), query.period.end)
        return f"截至{last.label('zh')}" if language == "zh" else f"as of {last.label('en')}"
    return query.period.label(language)


def understood(query: Query) -> str:
    """What the question was understood as: 老年教育 · 新增学员 · 2026年11月 · 环比."""
    language = query.language
    zh = language == "zh"
    parts = []
    if query.areas:
        parts.append(
            _join(tuple(texts.name(v.AREA_NAMES, a, language) for a in query.areas), language)
        )
    if query.caring:
        parts.append("长辈模式" if zh else "caring mode")
    parts.append(texts.name(v.METRIC_NAMES, query.metric, language))
    period = query.period.label(language)
    if query.period_defaulted:
        period += "（未指明时间，按最近30天）" if zh else " (no period named: the last 30 days)"
    parts.append(period)
    if query.group:
        parts.append(texts.name(v.GROUP_NAMES, query.group, language))
    if query.compare:
        parts.append(texts.name(v.COMPARISON_NAMES, query.compare, language))
    if query.share:
        parts.append("占比" if zh else "share")
    return " · ".join(parts)


def sentence(
    query: Query,
    source: Source,
    value: float,
    comparison: Comparison | None,
    whole: float | None,
    chart: dict[str, Any] | None,
    estimated: bool = False,
) -> str:
    """The answer as one or two plain sentences in the question's language; when a figure of it
    is an estimate, "约"/"about" before it and the error once after the first."""
    language = query.language
    zh = language == "zh"
    metric = texts.name(v.METRIC_NAMES, query.metric, language)
    scope = ""
    if query.areas:
        scope = _join(tuple(texts.name(v.AREA_NAMES, a, language) for a in query.areas), language)
    if query.caring:
        scope = "长辈模式" if zh else "in caring mode"
    figure = _amount(value, source.unit, language)
    if estimated:
        figure += texts.estimate_note(language)
    when = _period_text(query, source)
    if zh:
        text = f"{when}，{scope + '的' if scope else ''}{metric}为 {figure}。"
    else:
        scope_en = f" {scope}" if query.caring else f" in {scope}" if scope else ""
        text = f"{when[0].upper() + when[1:]}: {metric}{scope_en}, {figure}."
    if whole is not None:
        whole_text = _amount(whole, source.unit, language)
        share = _percent(value, whole)
        text += (
            f"占全部（{whole_text}）的 {share}。"
            if zh
            else f" That is {share} of all ({whole_text})."
        )
    if comparison is not None:
        text += _comparison_text(comparison, source, language)
    if query.group and chart and chart["categories"] and max(chart["series"][0]["values"]) > 0:
        text += _highest(chart, source, language, estimated)
    return text


def _comparison_text(comparison: Comparison, source: Source, language: str) -> str:
    zh = language == "zh"
    label = comparison.period.label(language)
    if comparison.value is None or comparison.change is None:
        if zh:
            return f"比较期（{label}）没有记录这个数字，无法比较。"
        return f" Nothing was recorded for {label}, so there is no comparison."
    old = _amount(comparison.value, source.unit, language)
    rough = figures.is_estimate(comparison.value) or figures.is_estimate(comparison.change)
    change = texts.with_unit(abs(comparison.change), source.unit, language, rough)
    pct = f"{comparison.percent:+.1f}%" if comparison.percent is not None else None
    if zh:
        base = "同比" if comparison.kind == "year" else "环比"
        if comparison.change == 0:
            return f"{base}（{label}：{old}）持平。"
        direction = "增加" if comparison.change > 0 else "减少"
        return f"{base}（{label}：{old}）{direction} {change}" + (f"（{pct}）。" if pct else "。")
    if comparison.change == 0:
        return f" The same as {label} ({old})."
    direction = "more" if comparison.change > 0 else "fewer"
    return f" {change} {direction} than {label} ({old})" + (f", {pct}." if pct else ".")


def _highest(chart: dict[str, Any], source: Source, language: str, estimated: bool) -> str:
    values = chart["series"][0]["values"]
    best = max(range(len(values)), key=lambda i: values[i])
    label = chart["categories"][best]
    figure = texts.with_unit(values[best], source.unit, language, estimated)
    return f"最高：{label}（{figure}）。" if language == "zh" else f" Highest: {label} ({figure})."
