"""Special events: a thematic column run as an event (issue 16).

Editors (and administrators) turn a column into an event and see every event with its counts;
learners sign up on the column page (the panel comes from `special_event_panel`, a template
global, included by column.html) and see their progress there. Every change goes through
records.special_events."""

from __future__ import annotations

import threading
import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from catalogue.errors import Conflict, NotFound, ValidationError
from catalogue.models import ColumnStatus, ThematicColumn
from catalogue.services import columns as column_service
from records import special_events as events
from records.models.events import ParticipationRule
from webapp.access import roles_required
from webapp.credentials import base_url, get_signer
from webapp.db import get_session
from webapp.forms import PlainForm, require_plain_form
from webapp.settings import get_settings
from webapp.site_times import site_zone, typed_to_utc, utc_to_typed

bp = Blueprint("special_events", __name__)
editor_required = roles_required("editor", "admin")

# The column page's counts are kept this long per process (a busy event's column page is
# read far more often than its counts change; see docs/records.md, "Special events").
COUNTS_TTL_SECONDS = 30.0

FIELD_MESSAGES = {
    "BAD_WINDOW": _l("The end must come after the start."),
    "BAD_THRESHOLD": _l("Enter a threshold from 1 to %(most)s."),
    "RULE_UNAVAILABLE": _l("Learning time is not recorded on this site yet: count lessons."),
    "REQUIRED": _l("Please fill in this field."),
}


class EventForm(FlaskForm):
    """A column's event: window in the site's time zone, sign-up, threshold, certificate."""

    starts_at = DateTimeLocalField(
        _l("Starts"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()]
    )
    ends_at = DateTimeLocalField(_l("Ends"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    signup_open = BooleanField(_l("Sign-up is open"), default=True)
    rule = RadioField(
        _l("What counts as taking part"),
        choices=[
            SelectChoice(
                ParticipationRule.LESSONS.value, _l("Lessons of the column's courses finished")
            ),
            SelectChoice(
                ParticipationRule.MINUTES.value, _l("Minutes of learning in the column's courses")
            ),
        ],
        default=ParticipationRule.LESSONS.value,
    )
    threshold = IntegerField(
        _l("Threshold (lessons or minutes)"),
        validators=[InputRequired(), NumberRange(min=1, max=100_000)],
    )
    certificate_title_zh = StringField(
        _l("Certificate title (Chinese)"), validators=[DataRequired(), Length(max=200)]
    )
    certificate_title_en = StringField(
        _l("Certificate title (English)"), validators=[DataRequired(), Length(max=200)]
    )


def certificate_issuer() -> events.EventCertificateIssuer:
    """Issues participation certificates with the site's signing key and address."""
    return events.certificate_issuer(get_signer(), base_url())


class _CountsCache:
    """Per-process counts of events, each kept `COUNTS_TTL_SECONDS` (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[int, tuple[float, events.EventCounts]] = {}

    def get(self, event_id: int) -> events.EventCounts:
        now = time.monotonic()
        with self._lock:
            kept = self._kept.get(event_id)
        if kept and now - kept[0] < COUNTS_TTL_SECONDS:
            return kept[1]
        fresh = events.counts(get_session(), [event_id])[event_id]
        with self._lock:
            self._kept[event_id] = (now, fresh)
        return fresh

    def forget(self, event_id: int) -> None:
        with self._lock:
            self._kept.pop(event_id, None)


def _counts() -> _CountsCache:
    """This application's counts cache (one per app, so per process)."""
    return current_app.extensions.setdefault("lifelong.special_event_counts", _CountsCache())


def _panel(column: ThematicColumn) -> dict | None:
    """What the column page's event panel shows: the event, its state and counts, and the
    signed-in learner's standing (counted afresh; a certificate issued when it is due)."""
    db = get_session()
    event = events.event_for_column(db, column.id)
    if event is None:
        return None
    mine = None
    if current_user.is_authenticated:
        mine = events.refresh_standing(
            db, event, current_user.id, issue=certificate_issuer(), zone=site_zone()
        )
    return {
        "event": event,
        "state": events.state(event),
        "can_sign_up": events.can_sign_up(event) and column.status == ColumnStatus.PUBLISHED,
        "counts": _counts().get(event.id),
        "mine": mine,
        "minutes": event.rule == ParticipationRule.MINUTES,
        "form": PlainForm(),
    }


@bp.app_context_processor
def _globals() -> dict:
    return {"special_event_panel": _panel}


@bp.route("/events/<int:event_id>/signup", methods=["POST"])
@login_required
def sign_up(event_id: int):
    """Sign the learner up for the event (twice is once), back to the column page."""
    require_plain_form()
    db = get_session()
    try:
        event = events.get_event(db, event_id)
        column = db.get(ThematicColumn, event.column_id)
        added = events.sign_up(db, event_id, current_user.id)
    except NotFound:
        db.rollback()
        abort(404)
    except Conflict:
        db.rollback()
        flash(_("Sign-up for this event is closed."), "error")
        return redirect(url_for("pages.column", slug=column.slug) + "#special-event")
    db.commit()
    _counts().forget(event_id)
    flash(_("You are signed up.") if added else _("You were already signed up."), "success")
    return redirect(url_for("pages.column", slug=column.slug) + "#special-event")


@bp.route("/events/<int:event_id>")
def show(event_id: int):
    """An event's address (the achievement a participation credential names): its column."""
    db = get_session()
    try:
        event = events.get_event(db, event_id)
    except NotFound:
        abort(404)
    column = db.get(ThematicColumn, event.column_id)
    return redirect(url_for("pages.column", slug=column.slug) + "#special-event")


@bp.route("/editor/events/")
@editor_required
def overview():
    """Every event with its column, window and counts."""
    rows = events.list_events(get_session())
    return render_template("records/events/overview.html", rows=rows, state=events.state)


def _field_errors(form: EventForm, exc: ValidationError) -> None:
    for error in exc.errors:
        field = getattr(form, error.field, None) or form.threshold
        message = FIELD_MESSAGES.get(error.code) or _l("Please check this field.")
        most = events.MAX_THRESHOLD.get(ParticipationRule(form.rule.data or "lessons"), 1000)
        field.errors = [*field.errors, str(message) % {"most": most}]


@bp.route("/editor/events/column/<int:column_id>", methods=["GET", "POST"])
@editor_required
def edit(column_id: int):
    """Run the column as an event, or change its event."""
    db = get_session()
    try:
        column = column_service.get_column(db, column_id)
    except NotFound:
        abort(404)
    event = events.event_for_column(db, column_id)
    form = EventForm()
    if request.method == "GET":
        if event is not None:
            form.starts_at.data = utc_to_typed(event.starts_at)
            form.ends_at.data = utc_to_typed(event.ends_at)
            form.signup_open.data = event.signup_open
            form.rule.data = event.rule.value
            form.threshold.data = event.threshold
            form.certificate_title_zh.data = event.certificate_title_zh
            form.certificate_title_en.data = event.certificate_title_en
        else:
            form.certificate_title_zh.data = f"{column.title} 参与证书"[:200]
            form.certificate_title_en.data = f"{column.title}: certificate of participation"[:200]
    if form.validate_on_submit():
        try:
            events.save_event(
                db,
                column_id,
                starts_at=typed_to_utc(form.starts_at.data),
                ends_at=typed_to_utc(form.ends_at.data),
                signup_open=form.signup_open.data,
                rule=form.rule.data,
                threshold=form.threshold.data,
                certificate_title_zh=form.certificate_title_zh.data,
                certificate_title_en=form.certificate_title_en.data,
                created_by_id=current_user.id,
            )
        except ValidationError as exc:
            db.rollback()
            _field_errors(form, exc)
        else:
            db.commit()
            flash(_("Event saved."), "success")
            return redirect(url_for("special_events.edit", column_id=column_id))
    status = 400 if form.is_submitted() else 200
    counts = events.counts(db, [event.id])[event.id] if event is not None else None
    return render_template(
        "records/events/edit.html",
        column=column,
        event=event,
        form=form,
        counts=counts,
        state=events.state(event) if event is not None else None,
        minutes_available=events.minutes_rule_available(),
        zone_name=get_settings().jobs_timezone,
    ), status
