""" "Ask the data": an administrator's question in Chinese or English, answered over the rollups
(issue 17). The page takes the question from a form (POST, with CSRF) or from `?q=` (a link to a
question); `answer.json` gives the same answer as JSON for the page's script or other tools."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from insight.ask.answer import Answer, Unanswerable, ask
from insight.ask.parser import MAX_QUESTION
from insight.ask.texts import SUGGESTIONS
from webapp.access import roles_required
from webapp.db import get_session
from webapp.errors import api_error
from webapp.site_times import site_zone

bp = Blueprint("cockpit_ask", __name__, url_prefix="/admin/cockpit/ask")


def _today() -> date:
    """Today in the site's time zone: the day relative periods (上个月, last week) count from."""
    return datetime.now(site_zone()).date()


def _question() -> str:
    """The question typed in the form (POST) or given in the link (GET ?q=)."""
    source = request.form if request.method == "POST" else request.args
    return (source.get("q") or "").strip()


@bp.route("/", methods=["GET", "POST"])
@roles_required("admin", "editor")
def page():
    """The question form, and the answer (figure, chart, sentence, what was understood)."""
    question = _question()
    asked = request.method == "POST" or "q" in request.args
    result = ask(get_session(), question, _today()) if asked else None
    language = "zh" if str(get_locale()).startswith("zh") else "en"
    return render_template(
        "cockpit_ask/page.html",
        question=question,
        result=result,
        answered=isinstance(result, Answer),
        examples=SUGGESTIONS[language],
        max_length=MAX_QUESTION,
    )


@bp.route("/answer.json")
@roles_required("admin", "editor")
def answer_json():
    """The answer to `?q=` as JSON: {"answered": true, "figure", …} or {"answered": false,
    "reason", "message", "suggestions"}; 400 MISSING_QUESTION without a question."""
    question = _question()
    if not question:
        return api_error(400, "MISSING_QUESTION", _("Type a question in the q parameter."))
    return as_json(ask(get_session(), question, _today()))


def as_json(result: Answer | Unanswerable) -> dict[str, Any]:
    """The JSON form of an answer or a refusal."""
    if isinstance(result, Unanswerable):
        return {
            "answered": False,
            "reason": result.reason,
            "message": result.message,
            "understood": result.understood,
            "suggestions": list(result.suggestions),
        }
    query = result.query
    comparison = result.comparison
    return {
        "answered": True,
        "figure": result.figure,
        "value": result.value,
        "unit": result.unit,
        "sentence": result.sentence,
        "understood": result.understood,
        "query": {
            "metric": query.metric,
            "start": query.period.start.isoformat(),
            "end": query.period.end.isoformat(),
            "areas": list(query.areas),
            "caring_mode": query.caring,
            "group": query.group,
            "compare": query.compare,
            "share": query.share,
            "language": query.language,
        },
        "comparison": None
        if comparison is None
        else {
            "start": comparison.period.start.isoformat(),
            "end": comparison.period.end.isoformat(),
            "value": comparison.value,
            "change": comparison.change,
            "percent": comparison.percent,
        },
        "whole": result.whole,
        "estimate": result.estimate,
        "chart": result.chart,
        "as_of": result.as_of.isoformat() if result.as_of else None,
    }
