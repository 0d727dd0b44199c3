"""Administrators register open-API clients and search the API audit log (issue 17).

A new or rotated secret is shown once, in the answer to the POST that made it (never stored in
the clear, never put in the session or a redirect)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import EmailField, IntegerField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from catalogue.errors import NotFound, ValidationError
from catalogue.services.validation import CONTROL_CHARACTERS
from insight.open_data import audit, clients
from insight.open_data.scopes import ALL_SCOPES
from webapp.access import current_operator, roles_required
from webapp.db import get_session
from webapp.forms import MultiCheckboxField
from webapp.settings import get_settings
from webapp.site_times import site_zone

bp = Blueprint("api_clients", __name__, url_prefix="/admin/api-clients")
admin_required = roles_required("admin")


def scope_labels() -> dict[str, str]:
    """What each scope lets a client read, in the page language."""
    return {
        "catalogue:read": _("The catalogue and its changes"),
        "statistics:read": _("Aggregate statistics (k-anonymous)"),
        "records:read": _("Certificates and credits of learners who consent"),
    }


def problem_messages() -> dict[str, str]:
    """The service's refusal codes (insight.open_data.clients) in the page language."""
    return {
        "REQUIRED": _("Please fill in this field."),
        "TOO_LONG": _("At most %(n)d characters.", n=clients.MAX_NAME),
        "CONTROL_CHARACTERS": _("Remove the control characters (tabs, line breaks)."),
        "DUPLICATE_NAME": _("Another active client already has this name."),
        "UNKNOWN_SCOPE": _("Choose scopes from the list."),
        "NO_SCOPE": _("Choose at least one scope."),
        "INVALID_EMAIL": _("Enter a valid email address."),
    }


def _range_message(maximum: int) -> str:
    return _l("A whole number from 1 to %(max)s.", max=f"{maximum:,}")


class ClientForm(FlaskForm):
    """An institution's client: its name, scopes and limits."""

    name = StringField(
        _l("Institution"),
        validators=[
            DataRequired(message=_l("Please fill in this field.")),
            Length(
                max=clients.MAX_NAME,
                message=_l("At most %(n)d characters.", n=clients.MAX_NAME),
            ),
        ],
    )
    contact_email = EmailField(
        _l("Contact e-mail"),
        validators=[
            Optional(),
            Length(max=clients.MAX_EMAIL, message=_l("Enter a valid email address.")),
        ],
    )
    scopes = MultiCheckboxField(
        _l("Scopes"),
        choices=[SelectChoice(s, s) for s in ALL_SCOPES],
        validators=[DataRequired(message=_l("Choose at least one scope."))],
    )
    rate_per_minute = IntegerField(
        _l("Calls a minute"),
        validators=[
            InputRequired(message=_l("Please fill in this field.")),
            NumberRange(
                1, clients.MAX_RATE_PER_MINUTE, _range_message(clients.MAX_RATE_PER_MINUTE)
            ),
        ],
    )
    daily_quota = IntegerField(
        _l("Calls a day"),
        validators=[
            InputRequired(message=_l("Please fill in this field.")),
            NumberRange(1, clients.MAX_DAILY_QUOTA, _range_message(clients.MAX_DAILY_QUOTA)),
        ],
    )

    def data_for_service(self) -> clients.ClientData:
        """The form as the service's input."""
        return clients.ClientData(
            name=self.name.data or "",
            scopes=list(self.scopes.data or []),
            rate_per_minute=int(self.rate_per_minute.data or 0),
            daily_quota=int(self.daily_quota.data or 0),
            contact_email=self.contact_email.data or "",
        )


class ActionForm(FlaskForm):
    """A button that changes a client (rotate, revoke): CSRF only."""


def _label_scopes(form: ClientForm) -> None:
    labels = scope_labels()
    form.scopes.choices = [
        (s, Markup("<code>{}</code> — {}").format(s, labels[s])) for s in ALL_SCOPES
    ]


def _new_form() -> ClientForm:
    settings = get_settings()
    form = ClientForm(
        formdata=None,
        rate_per_minute=settings.open_data_rate_per_minute,
        daily_quota=settings.open_data_daily_quota,
        scopes=["catalogue:read", "statistics:read"],
    )
    _label_scopes(form)
    return form


def _used_today() -> dict[str, int]:
    from webapp.views.open_api import EXTENSION

    state = current_app.extensions.get(EXTENSION)
    if state is None:
        return {}
    limits = state.limits()
    try:
        return {
            c.client_id: limits.used_today(c.client_id) for c in clients.list_clients(get_session())
        }
    except Exception:  # a storage that does not answer must not hide the page
        return {}


def _index(form: ClientForm, status: int = 200):
    rows = clients.list_clients(get_session())
    return (
        render_template(
            "api_clients/index.html",
            rows=rows,
            form=form,
            used=_used_today(),
            labels=scope_labels(),
        ),
        status,
    )


def _apply_errors(form: ClientForm, exc: ValidationError) -> None:
    """The service's refusals under the fields they concern, in the page language."""
    messages = problem_messages()
    for problem in exc.errors:
        field = getattr(form, problem.field, None) or form.name
        message = messages.get(problem.code, _("Please check this field."))
        if message not in field.errors:
            field.errors = [*field.errors, message]


def _secret_page(issued: clients.Issued, new: bool):
    response = current_app.make_response(
        render_template(
            "api_clients/secret.html", client=issued.client, secret=issued.secret, new=new
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/")
@admin_required
def index():
    """The clients, their scopes, limits and today's calls; the form to register one."""
    return _index(_new_form())


@bp.route("/", methods=["POST"])
@admin_required
def register():
    """Register a client; its secret is shown once."""
    from flask_login import current_user

    form = ClientForm()
    _label_scopes(form)
    if not form.validate_on_submit():
        return _index(form, 400)
    db = get_session()
    try:
        issued = clients.register_client(
            db, form.data_for_service(), current_user.id, by=current_operator()
        )
    except ValidationError as exc:
        db.rollback()
        _apply_errors(form, exc)
        return _index(form, 400)
    db.commit()
    return _secret_page(issued, new=True)


def _client_page(client_pk: int, form: ClientForm | None = None, status: int = 200):
    db = get_session()
    try:
        client = clients.get_client(db, client_pk)
    except NotFound:
        return render_template(
            "errors/error.html", status=404, message=_("No such API client.")
        ), 404
    if form is None:
        form = ClientForm(
            formdata=None,
            name=client.name,
            contact_email=client.contact_email,
            scopes=client.scopes.split(),
            rate_per_minute=client.rate_per_minute,
            daily_quota=client.daily_quota,
        )
        _label_scopes(form)
    return (
        render_template("api_clients/client.html", client=client, form=form, action=ActionForm()),
        status,
    )


# One rule for both methods: an id beyond the database's integers then answers 404 for each
# (tests/test_url_integers.py), not 405.
@bp.route("/<int:client_pk>", methods=["GET", "POST"])
@admin_required
def client(client_pk: int):
    """One client: change its scopes and limits, rotate its secret, revoke it."""
    if request.method == "POST":
        return _update(client_pk)
    return _client_page(client_pk)


def _update(client_pk: int):
    """Save a client's name, scopes and limits."""
    form = ClientForm()
    _label_scopes(form)
    if not form.validate_on_submit():
        return _client_page(client_pk, form, 400)
    db = get_session()
    try:
        clients.update_client(db, client_pk, form.data_for_service(), by=current_operator())
    except NotFound:
        db.rollback()
        return _client_page(client_pk)
    except ValidationError as exc:
        db.rollback()
        _apply_errors(form, exc)
        return _client_page(client_pk, form, 400)
    db.commit()
    flash(_("Client saved."), "success")
    return redirect(url_for("api_clients.client", client_pk=client_pk), 303)


@bp.route("/<int:client_pk>/rotate", methods=["POST"])
@admin_required
def rotate(client_pk: int):
    """A new secret (the old one and every token stop working at once)."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("api_clients.client", client_pk=client_pk), 303)
    db = get_session()
    try:
        issued = clients.rotate_secret(db, client_pk, by=current_operator())
    except NotFound:
        db.rollback()
        return _client_page(client_pk)
    db.commit()
    return _secret_page(issued, new=False)


@bp.route("/<int:client_pk>/revoke", methods=["POST"])
@admin_required
def revoke(client_pk: int):
    """Revoke a client: its secret and tokens stop working at once."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("api_clients.client", client_pk=client_pk), 303)
    db = get_session()
    try:
        clients.revoke_client(db, client_pk, by=current_operator())
    except NotFound:
        db.rollback()
        return _client_page(client_pk)
    db.commit()
    flash(_("Client revoked."), "success")
    return redirect(url_for("api_clients.client", client_pk=client_pk), 303)


def retention_days() -> int:
    """How many days the call log keeps (OPEN_DATA_AUDIT_DAYS; the prune job deletes older)."""
    return get_settings().open_data_audit_days


def _day(text: str) -> datetime | None:
    """A YYYY-MM-DD day as the start of that local day (None when empty or not a date)."""
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None
    return datetime.combine(day, time.min, site_zone())


@bp.route("/audit")
@admin_required
def audit_log():
    """Every open API call, newest first, filtered by client, path, status and dates."""
    db = get_session()
    args = request.args
    client_text = args.get("client", "")
    since = _day(args.get("since", ""))
    until = _day(args.get("until", ""))
    wanted = audit.AuditFilter(
        client_pk=int(client_text) if client_text.isdigit() else None,
        endpoint=CONTROL_CHARACTERS.sub("", args.get("endpoint", "")).strip()[:200],
        status=args.get("status", "").strip()[:3],
        since=since,
        until=until + timedelta(days=1) if until else None,
    )
    before_text = args.get("before", "")
    before = int(before_text) if before_text.isdigit() and len(before_text) < 19 else None
    page = audit.search_calls(db, wanted, before)
    filters = {
        key: args.get(key, "")
        for key in ("client", "endpoint", "status", "since", "until")
        if args.get(key)
    }
    return render_template(
        "api_clients/audit.html",
        page=page,
        clients=clients.list_clients(db),
        filters=filters,
        zone=site_zone(),
        retention_days=retention_days(),
    )
