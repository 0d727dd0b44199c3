"""The credit bank: the learner's credit account and transcript, recognition requests with
their documents, the registrar's desk (accept with a conversion rule, or refuse with a reason),
the ledger's integrity check (page and `lifelong credits check`)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask import (
    Blueprint,
    Response,
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
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from catalogue.errors import NotFound, PermissionDenied, ValidationError
from catalogue.models import Role, User
from catalogue.models.awards import OutcomeType
from catalogue.models.base import utcnow
from catalogue.services import awards
from records import credits as ledger
from records import recognition
from records.models.credits import ConversionKind
from records.transcript import TranscriptWords, transcript_document, transcript_pdf
from webapp.access import current_operator, partner_required, roles_required
from webapp.db import get_database, get_session

bp = Blueprint("credits", __name__)

STAFF = (Role.REGISTRAR.value, Role.ADMIN.value)
registrar_required = roles_required(*STAFF)

OUTCOME_LABELS = {
    OutcomeType.ACADEMIC.value: _l("Academic education"),
    OutcomeType.VOCATIONAL.value: _l("Vocational skills"),
    OutcomeType.TRAINING.value: _l("Non-degree training"),
    OutcomeType.CULTURE.value: _l("Culture and community life"),
}
ENTRY_KIND_LABELS = {
    "award": _l("Course completed"),
    "recognition": _l("Recognised outcome"),
    "correction": _l("Correction"),
}
STATUS_LABELS = {
    "pending": _l("Waiting for review"),
    "accepted": _l("Recognised"),
    "refused": _l("Not recognised"),
}
LEDGER_PROBLEMS = {
    "hash_mismatch": _l("An entry's content does not match its hash (changed)."),
    "link_mismatch": _l("An entry does not link to the one before it."),
    "seq_gap": _l("An entry is missing or out of place."),
    "head_mismatch": _l("The chain's end does not match its recorded head (entries removed)."),
    "missing_head": _l("The chain has no recorded head."),
}
DOCUMENT_PROBLEMS = {
    "EMPTY": _l("The document is empty."),
    "TOO_LARGE": _l("The document is larger than 5 MB."),
    "BAD_TYPE": _l("Only PDF, JPEG and PNG documents are accepted."),
}


def _outcome_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in OUTCOME_LABELS.items()]


class RecognitionForm(FlaskForm):
    """A learner's request to recognise an outcome from elsewhere."""

    institution = StringField(
        _l("Institution that awarded it"), validators=[DataRequired(), Length(max=200)]
    )
    title = StringField(
        _l("Certificate or outcome title"), validators=[DataRequired(), Length(max=300)]
    )
    achieved_on = DateField(
        _l("Date awarded"), validators=[DataRequired(message=_l("Enter a date as 2025-06-30."))]
    )
    credits_claimed = DecimalField(
        _l("Credits or hours stated on it"),
        places=2,
        validators=[
            InputRequired(message=_l("Enter a number, for example 2 or 1.5.")),
            NumberRange(0, 200, message=_l("Enter a number from 0 to 200.")),
        ],
    )
    outcome_type = SelectField(_l("Kind of outcome"), choices=_outcome_choices())
    document = FileField(
        _l("The certificate or transcript (PDF, JPEG or PNG, at most 5 MB)"),
        validators=[FileRequired(_l("Choose a file."))],
    )

    def validate_achieved_on(self, field: DateField) -> None:
        """Not in the future."""
        if field.data and field.data > date.today():
            from wtforms.validators import ValidationError as FormError

            raise FormError(_l("The date cannot be in the future."))


class AcceptForm(FlaskForm):
    """A registrar's conversion rule."""

    conversion = RadioField(
        _l("Conversion rule"),
        choices=[
            SelectChoice(ConversionKind.RATIO.value, _l("A ratio of the claimed credits")),
            SelectChoice(ConversionKind.FIXED.value, _l("A fixed number of credits")),
        ],
        default=ConversionKind.RATIO.value,
    )
    value = DecimalField(
        _l("Ratio (0–1) or credits"),
        places=4,
        validators=[
            InputRequired(message=_l("Enter a number, for example 2 or 1.5.")),
            NumberRange(0, 200, message=_l("Enter a number from 0 to 200.")),
        ],
    )
    note = TextAreaField(
        _l("Note for the record (optional)"), validators=[Optional(), Length(max=2000)]
    )


class RefuseForm(FlaskForm):
    """A registrar's reason for refusing."""

    reason = TextAreaField(
        _l("Reason (the learner sees it)"), validators=[DataRequired(), Length(max=2000)]
    )


def _store() -> recognition.DocumentStore:
    return recognition.DocumentStore(Path(current_app.instance_path) / "credit-documents")


def _role() -> Role:
    return Role(current_user.role)


# -- the learner -------------------------------------------------------------------------


@bp.route("/me/credits")
@login_required
def account():
    """The learner's credit account: balances by outcome type, entries, recognition requests."""
    db = get_session()
    return render_template(
        "records/credits/account.html",
        account=ledger.account(db, current_user.id),
        requests=recognition.mine(db, current_user.id),
    )


@bp.route("/me/credits/recognition", methods=["GET", "POST"])
@login_required
def request_recognition():
    """Ask for recognition of an outcome from elsewhere, with its document."""
    form = RecognitionForm()
    if form.validate_on_submit():
        upload = form.document.data
        data = upload.stream.read(recognition.MAX_DOCUMENT_BYTES + 1)
        claim = recognition.Claim(
            institution=form.institution.data,
            title=form.title.data,
            achieved_on=form.achieved_on.data,
            credits_claimed=form.credits_claimed.data,
            outcome_type=OutcomeType(form.outcome_type.data),
        )
        db = get_session()
        try:
            recognition.submit(
                db,
                current_user.id,
                claim,
                recognition.Document(upload.filename or "", data),
                _store(),
                ip=request.remote_addr or "",
            )
        except ValidationError as exc:
            db.rollback()
            for error in exc.errors:
                target = getattr(form, error.field, None)
                message = DOCUMENT_PROBLEMS.get(error.code, _("Please check this field."))
                if target is not None:
                    target.errors = [*target.errors, message]
        else:
            db.commit()
            flash(_("Your request was sent. A registrar will review it."), "success")
            return redirect(url_for("credits.account"))
    return render_template("records/credits/request.html", form=form), (400 if form.errors else 200)


@bp.route("/credits/recognition/<int:request_id>/document")
@login_required
def document(request_id: int):
    """A request's document, for its learner and registrars only, as a download."""
    db = get_session()
    try:
        item = recognition.get_for(db, request_id, current_user.id, _role())
        data = _store().read(item.document_key)
    except NotFound:
        abort(404)
    ext = item.document_key.rsplit(".", 1)[-1]
    return Response(
        data,
        mimetype=item.document_type,
        headers={
            "Content-Disposition": f'attachment; filename="recognition-{item.id}.{ext}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
            "Referrer-Policy": "no-referrer",
        },
    )


def _words() -> TranscriptWords:
    return TranscriptWords(
        title=_("Credit bank transcript"),
        holder=_("Learner"),
        issued=_("Issued"),
        balances=_("Credits by kind of outcome"),
        total=_("Total credits"),
        entries=_("Entries in the ledger"),
        columns=(_("No."), _("Date"), _("Entry"), _("Kind of outcome"), _("Source"), _("Credits")),
        kinds={k: str(v) for k, v in ENTRY_KIND_LABELS.items()},
        outcome_types={k: str(v) for k, v in OUTCOME_LABELS.items()},
        empty=_("No credits yet."),
        footer=_(
            "Every entry is kept in an append-only ledger chained by SHA-256; the signed "
            "transcript (JSON) can be verified with the site's public keys."
        ),
    )


@bp.route("/me/credits/transcript.pdf")
@login_required
def transcript():
    """The learner's official transcript as a PDF."""
    body = transcript_pdf(
        ledger.account(get_session(), current_user.id),
        current_user.display_name,
        utcnow(),
        _words(),
    )
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": 'attachment; filename="credit-transcript.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/me/credits/transcript.json")
@login_required
def transcript_credential():
    """The learner's transcript as a signed Verifiable Credential (the certificate key)."""
    try:
        from webapp import credentials
    except ImportError:  # the certificates area is not installed
        abort(404)
    try:
        signer = credentials.get_signer()
        issuer = credentials.base_url()
    except KeyError:
        abort(404)
    document = transcript_document(
        ledger.account(get_session(), current_user.id),
        current_user.display_name,
        current_user.id,
        utcnow(),
        issuer,
        _("National lifelong-learning platform"),
    )
    signed = signer.sign(document)
    return Response(
        json.dumps(signed, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="credit-transcript.json"',
            "Cache-Control": "private, no-store",
        },
    )


# -- the provider's settings on its courses ---------------------------------------------------

COMPLETION_LABELS = {
    "all_lessons": _l("All lessons finished"),
    "share": _l("A share of the lessons finished"),
    "minutes": _l("A minimum learning time"),
}
AWARD_PROBLEMS = {
    "NOT_A_NUMBER": _l("Enter a number, for example 2 or 1.5."),
    "OUT_OF_RANGE": _l("This value is out of range."),
    "INVALID_CHOICE": _l("Choose one of the options."),
    "REQUIRED": _l("Please fill in this field."),
}


class CourseAwardForm(FlaskForm):
    """A course's completion rule, credits and outcome type, as its provider sets them."""

    completion = SelectField(
        _l("The course is completed when"),
        choices=[SelectChoice(k, v) for k, v in COMPLETION_LABELS.items()],
        default="all_lessons",
    )
    completion_share = StringField(
        _l("Share of lessons, per cent (for a share)"), validators=[Length(max=10)]
    )
    completion_minutes = StringField(
        _l("Minimum learning time in minutes (for a minimum time)"), validators=[Length(max=10)]
    )
    credits = StringField(_l("Credits (0 to 100)"), validators=[Length(max=10)])
    outcome_type = SelectField(_l("Kind of outcome"), choices=_outcome_choices())
    provider_id = HiddenField()


def award_form(course_id: int) -> CourseAwardForm:
    """The settings form filled from the course's stored award (defaults when none)."""
    award = awards.get_award(get_session(), course_id)
    if award is None:
        return CourseAwardForm(formdata=None)
    return CourseAwardForm(
        formdata=None,
        data={
            "completion": award.completion.value,
            "completion_share": "" if award.share is None else f"{award.share * 100:g}",
            "completion_minutes": award.minimum_minutes or "",
            "credits": f"{award.credits:.2f}",
            "outcome_type": award.outcome_type.value,
        },
    )


@bp.route("/partner/courses/<int:course_id>/credits", methods=["POST"])
@partner_required
def course_award(course_id: int):
    """Save a course's completion rule, credits and outcome type (the provider's own only)."""
    from webapp.views.partner import acting_provider_id

    provider_id = acting_provider_id()
    form = CourseAwardForm()
    back = url_for("partner_courses.edit", course_id=course_id, provider=provider_id)
    if not form.validate_on_submit():
        abort(400)
    values = {
        "completion": form.completion.data,
        "completion_share": form.completion_share.data,
        "completion_minutes": form.completion_minutes.data,
        "credits": form.credits.data,
        "outcome_type": form.outcome_type.data,
    }
    db = get_session()
    try:
        awards.set_award(db, provider_id, course_id, awards.parse_award(values))
    except NotFound:
        abort(404)
    except ValidationError as exc:
        db.rollback()
        for error in exc.errors:
            label = getattr(form, error.field).label.text
            flash(f"{label}: {AWARD_PROBLEMS.get(error.code, error.message)}", "error")
        return redirect(back + "#credits-settings")
    db.commit()
    flash(_("The credit settings were saved."), "success")
    return redirect(back + "#credits-settings")


# -- the registrar -------------------------------------------------------------------------


@bp.route("/registrar/recognition")
@registrar_required
def desk():
    """The registrar's queue: pending requests first, then the latest decisions."""
    return render_template("records/credits/desk.html", rows=recognition.queue(get_session()))


@bp.route("/registrar/recognition/<int:request_id>", methods=["GET", "POST"])
@registrar_required
def review(request_id: int):
    """One request: its claim and document, the forms to accept or refuse it."""
    db = get_session()
    try:
        item = recognition.get_for(db, request_id, current_user.id, _role())
    except NotFound:
        abort(404)
    accept_form, refuse_form = AcceptForm(prefix="accept"), RefuseForm(prefix="refuse")
    action = request.form.get("action") if request.method == "POST" else None
    form = accept_form if action == "accept" else refuse_form if action == "refuse" else None
    if form is not None and form.validate_on_submit():
        try:
            if action == "accept":
                recognition.accept(
                    db,
                    item.id,
                    current_operator(),
                    ConversionKind(accept_form.conversion.data),
                    accept_form.value.data,
                    accept_form.note.data or "",
                )
            else:
                recognition.refuse(db, item.id, current_operator(), refuse_form.reason.data)
        except PermissionDenied:
            db.rollback()
            abort(403)
        except ValidationError as exc:
            db.rollback()
            codes = {e.code for e in exc.errors}
            if "DECIDED" in codes:
                flash(_("This request was already decided."), "error")
                return redirect(url_for("credits.review", request_id=request_id))
            accept_form.value.errors = [
                *accept_form.value.errors,
                _("A ratio must be above 0 and at most 1; credits above 0 and at most 200."),
            ]
        else:
            db.commit()
            flash(_("Decision recorded."), "success")
            return redirect(url_for("credits.desk"))
    status = 400 if (form is not None and form.errors) or accept_form.value.errors else 200
    learner = db.get(User, item.user_id)
    return render_template(
        "records/credits/review.html",
        item=item,
        learner=learner,
        accept_form=accept_form,
        refuse_form=refuse_form,
    ), status


@bp.route("/registrar/ledger")
@registrar_required
def ledger_check():
    """Recompute every learner's hash chain and list the breaks."""
    return render_template(
        "records/credits/ledger_check.html", breaks=ledger.check_ledger(get_session())
    )


class CorrectionForm(FlaskForm):
    """A registrar's correction of one entry: a new entry of `delta` credits with a reason."""

    entry_id = HiddenField()
    delta = DecimalField(
        _l("Change in credits (for example -1.5)"),
        places=2,
        validators=[
            InputRequired(message=_l("Enter a number, for example 2 or 1.5.")),
            NumberRange(-200, 200, message=_l("Enter a number from -200 to 200.")),
        ],
    )
    note = TextAreaField(
        _l("Reason for the correction"), validators=[DataRequired(), Length(max=2000)]
    )


@bp.route("/registrar/ledger/<int:user_id>", methods=["GET", "POST"])
@registrar_required
def learner_ledger(user_id: int):
    """A learner's ledger as registrars see it, with a correction form per entry."""
    db = get_session()
    learner = db.get(User, user_id)
    if learner is None:
        abort(404)
    form = CorrectionForm()
    if form.validate_on_submit():
        entry_id = int(form.entry_id.data) if (form.entry_id.data or "").isdigit() else 0
        try:
            entry = ledger.get_entry(db, entry_id)
            if entry.user_id != user_id:
                raise NotFound("entry of another learner")
            ledger.correct_entry(db, entry_id, form.delta.data, form.note.data, current_operator())
        except NotFound:
            abort(404)
        except ValidationError:
            db.rollback()
            form.note.errors = [*form.note.errors, _("Please check this field.")]
        else:
            db.commit()
            flash(_("The correction was added to the ledger."), "success")
            return redirect(url_for("credits.learner_ledger", user_id=user_id))
    return render_template(
        "records/credits/learner_ledger.html",
        learner=learner,
        account=ledger.account(db, user_id),
        breaks=ledger.check_ledger(db, user_id),
        form=form,
    ), (400 if form.errors else 200)


@bp.cli.command("check")
@click.option("--user", "user_id", type=int, default=None, help="Only this account's chain.")
def check_command(user_id: int | None) -> None:
    """Check the credit ledger's hash chains; exit status 1 when any breaks."""
    with get_database().sessions() as db:
        breaks = ledger.check_ledger(db, user_id)
    for b in breaks:
        click.echo(f"user {b.user_id} seq {b.seq} entry {b.entry_id}: {b.problem}")
    if breaks:
        raise SystemExit(1)
    click.echo("The credit ledger is intact.")


@bp.cli.command("sweep-documents")
def sweep_documents_command() -> None:
    """Delete recognition documents no request refers to (left by deleted accounts)."""
    with get_database().sessions() as db:
        removed = recognition.sweep_documents(db, _store())
    click.echo(f"Removed {removed} documents.")


# -- panels on other pages -------------------------------------------------------------------


@bp.app_context_processor
def _credit_panel() -> dict:
    """`credit_summary()` for the panels on "my learning" and the profile (queried only when
    a template calls it)."""

    def credit_summary() -> dict | None:
        if not current_user.is_authenticated:
            return None
        balances = ledger.balances(get_session(), current_user.id)
        return {
            "balances": [(OUTCOME_LABELS[t.value], v) for t, v in balances.items() if v],
            "total": ledger.money(sum(balances.values())),
        }

    return {
        "credit_summary": credit_summary,
        "OUTCOME_LABELS": OUTCOME_LABELS,
        "CREDIT_ENTRY_KINDS": ENTRY_KIND_LABELS,
        "RECOGNITION_STATUS": STATUS_LABELS,
        "LEDGER_PROBLEMS": LEDGER_PROBLEMS,
        "course_award_form": award_form,
    }
