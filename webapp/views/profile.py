"""A learner's own profile: learning time, areas, courses, goals and reminders (issue 16)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from catalogue.errors import ValidationError
from records import profile as profile_service
from records.learning_time import zone_of
from webapp.db import get_session
from webapp.forms import PlainForm, require_plain_form
from webapp.settings import get_settings

bp = Blueprint("profile", __name__)


class GoalForm(FlaskForm):
    """The weekly learning goal, in hours, and whether to be reminded."""

    hours = StringField(_l("Hours of learning per week"))
    reminders = BooleanField(_l("Remind me on this site when my week is going behind"))


def _zone():
    """The zone of the learner's days: their account's choice, else the site's."""
    return zone_of(current_user.time_zone, get_settings().jobs_timezone)


def _render(form: GoalForm, status: int = 200):
    data = profile_service.profile(get_session(), current_user.id, _zone())
    goal = data.goal
    if goal is not None and not form.is_submitted():
        form.hours.data = f"{goal.weekly_minutes / 60:g}"
        form.reminders.data = goal.reminders
    elif goal is None and not form.is_submitted():
        form.hours.data = "3"
        form.reminders.data = True
    return (
        render_template("records/profile/page.html", data=data, form=form, plain=PlainForm()),
        status,
    )


@bp.route("/me/profile")
@login_required
def page():
    """The learner's profile (theirs only: it is always the signed-in learner's)."""
    return _render(GoalForm())


@bp.route("/me/profile/goal", methods=["POST"])
@login_required
def set_goal():
    """Set or change the weekly goal; a target that is not a number of hours is shown again
    with the reason."""
    form = GoalForm()
    if not form.validate_on_submit():
        return _render(form, 400)
    db = get_session()
    try:
        profile_service.set_goal(db, current_user.id, form.hours.data, bool(form.reminders.data))
    except ValidationError as error:
        db.rollback()
        codes = {e.code for e in error.errors}
        if "OUT_OF_RANGE" in codes:
            message = _("Choose between %(low)s and %(high)s hours a week.", low="0.5", high=100)
        else:
            message = _("Write the hours as a number, for example 3 or 1.5.")
        form.hours.errors = [message]
        return _render(form, 400)
    db.commit()
    flash(_("Your weekly goal is saved."), "success")
    return redirect(url_for("profile.page", _anchor="goal"))


@bp.route("/me/profile/goal/reminders", methods=["POST"])
@login_required
def reminders():
    """Turn the goal's reminders on (on=1) or off (on=0)."""
    require_plain_form()
    wanted = request.form.get("on")
    if wanted not in ("0", "1"):
        abort(400)
    db = get_session()
    if profile_service.set_reminders(db, current_user.id, wanted == "1"):
        db.commit()
        if wanted == "1":
            flash(_("Reminders are on."), "success")
        else:
            flash(_("Reminders are off. We will not remind you of your goal."), "success")
    return redirect(url_for("profile.page", _anchor="goal"))


@bp.route("/me/profile/goal/delete", methods=["POST"])
@login_required
def clear_goal():
    """Remove the weekly goal (and its reminders)."""
    require_plain_form()
    db = get_session()
    if profile_service.clear_goal(db, current_user.id):
        db.commit()
        flash(_("Your weekly goal is removed."), "success")
    return redirect(url_for("profile.page", _anchor="goal"))
