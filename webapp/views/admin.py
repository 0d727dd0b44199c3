"""The admin console: the scheduled jobs and their runs; partner institutions (create, rename,
suspend); accounts (look-up, role, provider, suspension, sign out everywhere, reset by an
administrator); the audit log of every such change and the outgoing mail.

Administrators may do everything here; support staff may read the jobs, providers and accounts
pages (without their forms); everyone else gets 403. Every change is made by an audited
service (catalogue.services.providers / account_admin), so the command line and the web record
the same entries.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from assistant.artefacts import ArtefactError
from catalogue.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationError,
)
from catalogue.models import Role
from catalogue.services import account_admin, audit, reviews
from catalogue.services import mail as mail_service
from catalogue.services import providers as provider_service
from catalogue.services import users as user_service
from catalogue.services.job_runs import last_started, recent_runs
from jobs.registry import JOBS
from webapp import account_links, messages
from webapp.access import current_operator, roles_required
from webapp.assistant import get_assistant
from webapp.db import get_session
from webapp.forms import (
    AttachForm,
    PlainForm,
    ProviderForm,
    RenameProviderForm,
    RoleForm,
    require_plain_form,
)
from webapp.i18n import PROVIDER_KIND_LABELS, ROLE_LABELS
from webapp.urls import MAX_ID, page_arg, parse_id
from webapp.views.health import current_health

bp = Blueprint("admin", __name__, url_prefix="/admin")
staff_required = roles_required("admin", "support")
admin_required = roles_required("admin")


@bp.context_processor
def _labels() -> dict:
    return {
        "ROLE_LABELS": {r.value: label for r, label in ROLE_LABELS.items()},
        "KIND_LABELS": {k.value: label for k, label in PROVIDER_KIND_LABELS.items()},
        "AUDIT_ACTIONS": messages.AUDIT_ACTIONS,
        "AUDIT_FIELDS": messages.AUDIT_FIELDS,
        "is_admin": current_user.is_authenticated and current_user.role == Role.ADMIN.value,
    }


def _problem(exc: ServiceError) -> str:
    """A translated message for a refused change."""
    code = exc.errors[0].code if isinstance(exc, ValidationError) and exc.errors else exc.code
    return str(messages.OPERATOR_PROBLEMS.get(code) or _("Please check this field."))


def _status_of(exc: ServiceError) -> int:
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, Conflict):
        return 409
    return 400


@bp.route("/jobs")
@staff_required
def jobs():
    """Every job with its schedule, and the latest runs (optionally of one job)."""
    job_id = request.args.get("job")
    if job_id not in {j.id for j in JOBS}:
        job_id = None
    db = get_session()
    return render_template(
        "admin/jobs.html",
        jobs=[(job, last_started(db, job.id)) for job in JOBS],
        runs=recent_runs(db, job_id, limit=100),
        selected=job_id,
        health=current_health(),
        JOB_DESCRIPTIONS=messages.JOB_DESCRIPTIONS,
        HEALTH_PROBLEMS=messages.HEALTH_PROBLEMS,
        JOB_OUTCOMES=messages.JOB_OUTCOMES,
        JOB_FIGURES=messages.JOB_FIGURES,
        JOB_TRIGGERS=messages.JOB_TRIGGERS,
    )


@bp.route("/assistant")
@staff_required
def assistant_matcher():
    """The question matcher's versions over time: held-out figures and the gate's decisions."""
    try:
        history = get_assistant().store.history()
    except ArtefactError:
        history = []
    return render_template("admin/assistant.html", history=list(reversed(history)))


# -- providers ------------------------------------------------------------------------------


def _provider_list(form: ProviderForm, status: int = 200):
    query = request.args.get("q", "")[:200]
    page = provider_service.provider_rows(get_session(), query, page_arg(), 50)
    return render_template("admin/providers.html", query=query, page=page, form=form), status


@bp.route("/providers")
@staff_required
def providers():
    """Providers by name, with a search and their course and partner-account counts."""
    return _provider_list(ProviderForm())


@bp.route("/providers", methods=["POST"])
@admin_required
def create_provider():
    """Register a partner institution (audited)."""
    form = ProviderForm()
    if not form.validate_on_submit():
        return _provider_list(form, 400)
    db = get_session()
    try:
        provider = provider_service.add_provider(
            db,
            current_operator(),
            form.name.data,
            form.kind.data,
            contact_email=form.contact_email.data or None,
        )
    except ServiceError as exc:
        db.rollback()
        field = form.name
        if isinstance(exc, ValidationError) and exc.errors:
            field = getattr(form, exc.errors[0].field, None) or form.name
        field.errors = [*field.errors, _problem(exc)]
        return _provider_list(form, _status_of(exc))
    db.commit()
    flash(_("Provider %(name)s created.", name=provider.name), "success")
    return redirect(url_for("admin.provider", provider_id=provider.id))


def _provider_page(provider_id: int, rename: RenameProviderForm | None = None, status: int = 200):
    db = get_session()
    try:
        row = provider_service.provider_row(db, provider_id)
    except NotFound:
        abort(404)
    is_admin = current_user.role == Role.ADMIN.value
    return render_template(
        "admin/provider.html",
        row=row,
        provider=row.provider,
        partners=provider_service.partner_accounts(db, provider_id),
        rename=rename or RenameProviderForm(name=row.provider.name),
        plain=PlainForm(),
        history=audit.recent(db, provider_id=provider_id, limit=20) if is_admin else [],
    ), status


@bp.route("/providers/<int:provider_id>")
@staff_required
def provider(provider_id: int):
    """One provider: its details, counts, partner accounts, and (for admins) its history."""
    return _provider_page(provider_id)


@bp.route("/providers/<int:provider_id>/rename", methods=["POST"])
@admin_required
def rename_provider(provider_id: int):
    """Rename a provider (audited; its courses are re-indexed under the new name)."""
    form = RenameProviderForm()
    if not form.validate_on_submit():
        return _provider_page(provider_id, form, 400)
    db = get_session()
    try:
        provider_service.rename_provider(db, current_operator(), provider_id, form.name.data)
    except NotFound:
        abort(404)
    except ServiceError as exc:
        db.rollback()
        form.name.errors = [*form.name.errors, _problem(exc)]
        return _provider_page(provider_id, form, _status_of(exc))
    db.commit()
    flash(_("The provider was renamed."), "success")
    return redirect(url_for("admin.provider", provider_id=provider_id))


@bp.route("/providers/<int:provider_id>/suspend", methods=["POST"])
@admin_required
def suspend_provider(provider_id: int):
    """Suspend a provider: its partners can no longer upload or use API tokens (audited)."""
    require_plain_form()
    db = get_session()
    try:
        change = provider_service.suspend_provider(db, current_operator(), provider_id)
    except NotFound:
        abort(404)
    db.commit()
    if change.changed:
        flash(
            _(
                "The provider is suspended. Uploads not yet applied: %(n)d stopped.",
                n=change.stopped_uploads,
            ),
            "success",
        )
    return redirect(url_for("admin.provider", provider_id=provider_id))


@bp.route("/providers/<int:provider_id>/unsuspend", methods=["POST"])
@admin_required
def unsuspend_provider(provider_id: int):
    """Lift a provider's suspension (audited)."""
    require_plain_form()
    db = get_session()
    try:
        change = provider_service.unsuspend_provider(db, current_operator(), provider_id)
    except NotFound:
        abort(404)
    db.commit()
    if change.changed:
        flash(_("The provider's suspension is lifted."), "success")
    return redirect(url_for("admin.provider", provider_id=provider_id))


@bp.route("/providers/<int:provider_id>/review", methods=["POST"])
@admin_required
def provider_review(provider_id: int):
    """Put a provider's courses under review before publishing, or stop (audited)."""
    require_plain_form()
    required = request.form.get("required") == "1"
    db = get_session()
    try:
        changed = reviews.set_review_required(db, current_operator(), provider_id, required)
    except NotFound:
        abort(404)
    db.commit()
    if changed:
        flash(
            _("Its new and changed courses now wait for an editor's review.")
            if required
            else _("Its courses are no longer reviewed before publishing."),
            "success",
        )
    return redirect(url_for("admin.provider", provider_id=provider_id))


# -- accounts: look-up, role, provider, suspension, sign-out, reset, audit, outbox -----------


@bp.route("/accounts")
@staff_required
def accounts():
    """Look an account up by address or name."""
    query = request.args.get("q", "")[:320]
    found = account_admin.find_accounts(get_session(), query)
    return render_template("admin/accounts.html", query=query, found=found)


def _user_or_404(user_id: int):
    if user_id > MAX_ID:  # beyond any id: PostgreSQL would refuse the comparison
        abort(404)
    try:
        return user_service.get_user(get_session(), user_id)
    except NotFound:
        abort(404)


def _account_page(user_id: int, status: int = 200, **extra):
    """The account page with its forms; `extra` carries a refused form or a one-time secret."""
    user = _user_or_404(user_id)
    db = get_session()
    is_admin = current_user.role == Role.ADMIN.value
    provider = None
    if user.provider_id is not None:
        provider = provider_service.get_provider(db, user.provider_id)
    extra.setdefault(
        "role_form", RoleForm(role=user.role.value, provider=provider.name if provider else "")
    )
    extra.setdefault("attach_form", AttachForm())
    return render_template(
        "admin/account.html",
        user=user,
        provider=provider,
        plain=PlainForm(),
        history=audit.recent(db, target_id=user.id, limit=20) if is_admin else [],
        **extra,
    ), status


@bp.route("/accounts/<int:user_id>")
@staff_required
def account(user_id: int):
    """One account, with the actions administrators may take for its owner."""
    return _account_page(user_id)


@bp.route("/accounts/<int:user_id>/sign-out", methods=["POST"])
@admin_required
def account_sign_out(user_id: int):
    """End every session of an account (audited)."""
    require_plain_form()
    _user_or_404(user_id)
    db = get_session()
    account_admin.sign_out_everywhere(db, current_operator(), user_id)
    db.commit()
    flash(_("The account is signed out on every device."), "success")
    return redirect(url_for("admin.account", user_id=user_id))


@bp.route("/accounts/<int:user_id>/reset-link", methods=["POST"])
@admin_required
def account_reset_link(user_id: int):
    """A one-time password-reset link to hand to the owner in person (audited)."""
    require_plain_form()
    _user_or_404(user_id)
    db = get_session()
    user = account_admin.record_reset_link(db, current_operator(), user_id)
    db.commit()
    link = account_links.reset_url(user)
    # No cache keeps it: webapp/caching.py marks every /admin answer no-store.
    return _account_page(user_id, reset_link=link)


@bp.route("/accounts/<int:user_id>/temporary-password", methods=["POST"])
@admin_required
def account_temporary_password(user_id: int):
    """Set a temporary password to hand over; the account's sessions end (audited)."""
    require_plain_form()
    _user_or_404(user_id)
    db = get_session()
    password = account_admin.temporary_password(db, current_operator(), user_id)
    db.commit()
    # No cache keeps it: webapp/caching.py marks every /admin answer no-store.
    return _account_page(user_id, temporary_password=password)


def _resolve(text: str | None) -> int | None:
    """The id of the provider named or numbered by `text` (None for an empty field)."""
    if not (text or "").strip():
        return None
    return provider_service.resolve_provider(get_session(), text or "").id


@bp.route("/accounts/<int:user_id>/role", methods=["POST"])
@admin_required
def account_role(user_id: int):
    """Change an account's role; a partner also names its provider (audited)."""
    _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _account_page(user_id, 400, role_form=form)
    db = get_session()
    try:
        provider_id = _resolve(form.provider.data) if form.role.data == "partner" else None
        account_admin.change_role(db, current_operator(), user_id, form.role.data, provider_id)
    except ServiceError as exc:
        db.rollback()
        target = form.provider if _mentions_provider(exc) else form.role
        target.errors = [*target.errors, _problem(exc)]
        return _account_page(user_id, _status_of(exc), role_form=form)
    db.commit()
    flash(_("The role was changed."), "success")
    return redirect(url_for("admin.account", user_id=user_id))


def _mentions_provider(exc: ServiceError) -> bool:
    if isinstance(exc, ValidationError):
        return any(e.field == "provider" for e in exc.errors)
    return exc.code in ("NOT_FOUND", "AMBIGUOUS_PROVIDER")


@bp.route("/accounts/<int:user_id>/attach", methods=["POST"])
@admin_required
def account_attach(user_id: int):
    """Make a learner or partner account a partner of a provider (audited)."""
    _user_or_404(user_id)
    form = AttachForm()
    if not form.validate_on_submit():
        return _account_page(user_id, 400, attach_form=form)
    db = get_session()
    try:
        provider_id = _resolve(form.provider.data)
        if provider_id is None:
            raise NotFound("no provider given")
        account_admin.attach_to_provider(db, current_operator(), user_id, provider_id)
    except ServiceError as exc:
        db.rollback()
        form.provider.errors = [*form.provider.errors, _problem(exc)]
        return _account_page(user_id, _status_of(exc), attach_form=form)
    db.commit()
    flash(_("The account is now a partner account of this provider."), "success")
    return redirect(url_for("admin.account", user_id=user_id))


def _plain_action(user_id: int, action, done: str):
    """Run a button's audited action on an account; a refusal is shown on the page."""
    require_plain_form()
    _user_or_404(user_id)
    db = get_session()
    try:
        action(db, current_operator(), user_id)
    except ServiceError as exc:
        db.rollback()
        return _account_page(user_id, _status_of(exc), problem=_problem(exc))
    db.commit()
    flash(done, "success")
    return redirect(url_for("admin.account", user_id=user_id))


@bp.route("/accounts/<int:user_id>/detach", methods=["POST"])
@admin_required
def account_detach(user_id: int):
    """Detach a partner account from its provider; it becomes a learner account (audited)."""
    return _plain_action(
        user_id,
        account_admin.detach_from_provider,
        _("The account is detached from its provider and is now a learner account."),
    )


@bp.route("/accounts/<int:user_id>/suspend", methods=["POST"])
@admin_required
def account_suspend(user_id: int):
    """Suspend an account: it cannot log in and its sessions end (audited)."""
    return _plain_action(
        user_id,
        account_admin.suspend_account,
        _("The account is suspended and signed out on every device."),
    )


@bp.route("/accounts/<int:user_id>/unsuspend", methods=["POST"])
@admin_required
def account_unsuspend(user_id: int):
    """Lift an account's suspension (audited)."""
    return _plain_action(
        user_id, account_admin.unsuspend_account, _("The account's suspension is lifted.")
    )


@bp.route("/audit")
@admin_required
def audit_log():
    """What staff and operators changed on accounts, providers, records and API clients, newest
    first; filtered by account, provider, kind of change and a text it mentions."""
    account_id = parse_id(request.args.get("account"))
    provider_id = parse_id(request.args.get("provider"))
    action = request.args.get("what", "")
    if action not in audit.ACTION_GROUPS and action not in audit.ACTIONS:
        action = ""
    text = request.args.get("q", "")[: audit.MAX_SEARCH]
    entries = audit.recent(
        get_session(), target_id=account_id, provider_id=provider_id, action=action, text=text
    )
    return render_template(
        "admin/audit.html",
        entries=entries,
        account_id=account_id,
        provider_id=provider_id,
        what=action,
        query=text,
        groups=messages.AUDIT_GROUPS,
    )


@bp.route("/mail")
@admin_required
def mail():
    """The outgoing-mail outbox, newest first."""
    return render_template("admin/mail.html", mails=mail_service.recent_mail(get_session()))
