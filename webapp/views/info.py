"""Help, privacy policy and terms of use: one page each, written in both languages."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import get_locale
from flask_babel import gettext as _

bp = Blueprint("info", __name__)


def _page(name: str, title: str) -> str:
    language = "zh" if str(get_locale()) == "zh" else "en"
    return render_template("info/page.html", title=title, body=f"info/{name}_{language}.html")


@bp.route("/help")
def help_page():
    """Answers to the questions learners ask most."""
    return _page("help", _("Help"))


@bp.route("/privacy")
def privacy():
    """What the site collects, why, for how long, and the learner's rights."""
    return _page("privacy", _("Privacy policy"))


@bp.route("/terms")
def terms():
    """The rules of the site."""
    return _page("terms", _("Terms of use"))
