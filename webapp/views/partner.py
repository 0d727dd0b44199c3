"""The partner portal: upload catalogue files, preview, apply, follow progress, read reports."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalogue.errors import NotFound, PermissionDenied, ValidationError
from catalogue.ingest import mapping as mapping_rules
from catalogue.ingest import service as ingest
from catalogue.ingest.area_rules import THRESHOLD as AREA_THRESHOLD
from catalogue.ingest.mapping import FIELDS
from catalogue.ingest.problems import FileRejected
from catalogue.models import Area, CourseStatus, Role, UploadPolicy, UploadStatus
from catalogue.services import courses as course_service
from catalogue.services import provider_feedback, reviews
from catalogue.services import providers as provider_service
from catalogue.services import tokens as token_service
from webapp import messages
from webapp.access import current_actor, partner_required
from webapp.db import get_session
from webapp.forms import (
    FILE_LANGUAGES,
    PlainForm,
    TokenForm,
    UploadForm,
    UploadOptionsForm,
    require_plain_form,
)
from webapp.uploads import get_uploads
from webapp.urls import page_arg, parse_id, parse_int

bp = Blueprint("partner", __name__, url_prefix="/partner")


@bp.context_processor
def _labels() -> dict:
    return {
        "UPLOAD_STATUS": messages.UPLOAD_STATUS,
        "FILE_PROBLEMS": messages.FILE_PROBLEMS,
        "FIELD_LABELS": messages.FIELD_LABELS,
        "ROW_PROBLEMS": messages.ROW_PROBLEMS,
        "READING_SOURCES": messages.READING_SOURCES,
        "COURSE_STATUS": messages.COURSE_STATUS,
        "max_upload_mb": get_uploads().max_upload_mb,
        "FILE_LANGUAGES": FILE_LANGUAGES,
        "area_threshold": AREA_THRESHOLD,
    }


def acting_provider_id(value: str | None = None) -> int:
    """The provider this request acts for: a partner's own, or the one an admin chose."""
    actor = current_actor()
    if actor.role == Role.PARTNER:
        return actor.provider_id
    raw = value or request.values.get("provider_id") or request.values.get("provider")
    provider_id = parse_id(raw)
    if provider_id is None:
        abort(400)
    if not actor.may_act_for(provider_id):
        abort(403)
    try:
        provider_service.get_provider(get_session(), provider_id)
    except NotFound:
        abort(404)  # an admin's choice of a provider that does not exist
    return provider_id


def _upload(upload_id: int):
    try:
        return ingest.get_upload(get_session(), current_actor(), upload_id)
    except NotFound:
        abort(404)


def _options(form: UploadOptionsForm) -> ingest.UploadOptions:
    return ingest.UploadOptions(
        policy=UploadPolicy(form.policy.data),
        full_sync=bool(form.full_sync.data),
        default_area=Area(form.default_area.data) if form.default_area.data else None,
        encoding=(getattr(form, "encoding", None) and form.encoding.data) or None,
        language=form.language.data or None,
        infer_area=form.area_rule.data != "default",
        json_path=(form.json_path.data or "").strip() or None,
    )


def suspended_message() -> str:
    """What a partner of a suspended provider is told when they try to change something."""
    return _(
        "Your institution is suspended: uploads, course changes and API tokens are paused. "
        "Please contact the platform's administrators."
    )


def provider_locked(provider_id: int) -> bool:
    """Whether the signed-in partner's provider is suspended (admins are never locked out)."""
    return current_actor().role == Role.PARTNER and provider_service.is_suspended(
        get_session(), provider_id
    )


def _dashboard(
    provider_id: int,
    form: UploadForm | None = None,
    new_token: str | None = None,
    token_form: TokenForm | None = None,
):
    db = get_session()
    try:
        provider = provider_service.get_provider(db, provider_id)
    except NotFound:
        abort(404)
    form = form or UploadForm(provider_id=provider_id)
    token_form = token_form or TokenForm(provider_id=provider_id)
    return render_template(
        "partner/dashboard.html",
        provider=provider,
        form=form,
        token_form=token_form,
        uploads=ingest.list_uploads(db, provider_id, limit=20),
        counts=course_service.provider_status_counts(db, provider_id),
        tokens=token_service.list_tokens(db, provider_id),
        new_token=new_token,
        plain_form=PlainForm(),
        locked=provider_locked(provider_id),
    )


@bp.route("/")
@partner_required
def dashboard():
    """The provider's upload form, upload history, course counts and API tokens."""
    actor = current_actor()
    if actor.role == Role.ADMIN and not request.args.get("provider"):
        providers = provider_service.list_providers(get_session())
        return render_template("partner/choose_provider.html", providers=providers)
    return _dashboard(acting_provider_id())


@bp.route("/uploads", methods=["POST"])
@partner_required
def create_upload():
    """Receive a file, inspect it and show its preview."""
    form = UploadForm()
    provider_id = acting_provider_id(form.provider_id.data)
    if not form.validate_on_submit():
        return _dashboard(provider_id, form), 400
    db = get_session()
    file = form.file.data
    try:
        upload = ingest.receive_upload(
            db,
            current_actor(),
            provider_id,
            file.filename,
            file.stream,
            get_uploads().upload_dir,
            channel="web",
            options=_options(form),
            limits=get_uploads().limits,
        )
    except PermissionDenied as exc:
        db.rollback()
        if exc.code != "PROVIDER_SUSPENDED":
            abort(403)
        form.form_errors.append(suspended_message())
        return _dashboard(provider_id, form), 403
    db.commit()
    return redirect(url_for("partner.upload", upload_id=upload.id))


@bp.route("/uploads/<int:upload_id>")
@partner_required
def upload(upload_id: int):
    """An upload: its preview before applying, its progress, or its outcome."""
    found = _upload(upload_id)
    db = get_session()
    preview, problem = None, None
    if found.status == UploadStatus.RECEIVED:
        try:
            preview = ingest.preview_upload(db, found, get_uploads().upload_dir)
        except FileRejected as exc:
            problem = exc
    options = UploadOptionsForm(
        policy=found.policy.value,
        full_sync=found.full_sync,
        default_area=found.default_area.value if found.default_area else "",
        language=found.language or "",
        area_rule="infer" if found.infer_area else "default",
        json_path=found.json_path or "",
    )
    return render_template(
        "partner/upload.html",
        upload=found,
        preview=preview,
        problem=problem,
        fields=FIELDS,
        options=options,
        plain_form=PlainForm(),
        errors=ingest.upload_errors(db, found, limit=50) if found.is_finished else [],
    )


def _posted_mapping(headers_count: int) -> dict[str, str]:
    mapping = {}
    for i in range(headers_count):
        header = request.form.get(f"header-{i}")
        target = request.form.get(f"field-{i}", "")
        if header is not None:
            mapping[header] = target
    return mapping


@bp.route("/uploads/<int:upload_id>/configure", methods=["POST"])
@partner_required
def configure(upload_id: int):
    """Change the column mapping and the options of an upload before applying it."""
    found = _upload(upload_id)
    form = UploadOptionsForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    count = parse_int(request.form.get("header-count", "0"))
    if count is None:
        abort(400)
    posted = _posted_mapping(min(count, 500))
    try:
        ingest.configure_upload(
            db,
            found,
            mapping=posted,
            options=_options(form),
            save_for_provider=request.form.get("save_mapping") == "1",
            upload_dir=get_uploads().upload_dir,
        )
    except FileRejected as exc:
        db.rollback()
        flash(_upload_problem(exc), "error")
        return redirect(url_for("partner.upload", upload_id=upload_id))
    db.commit()
    for header, (field, used) in mapping_rules.clashes(list(posted), posted).items():
        flash(
            _(
                "“%(used)s” and “%(header)s” were both chosen for %(field)s: “%(used)s” (the "
                "first) is used, “%(header)s” is ignored.",
                used=used,
                header=header,
                field=messages.FIELD_LABELS.get(field, field),
            ),
            "warning",
        )
    flash(_("The mapping was updated. Check the preview again."), "success")
    return redirect(url_for("partner.upload", upload_id=upload_id))


@bp.route("/uploads/<int:upload_id>/apply", methods=["POST"])
@partner_required
def apply(upload_id: int):
    """Queue the upload to be applied in the background."""
    found = _upload(upload_id)
    require_plain_form()
    db = get_session()
    try:
        ingest.queue_upload(db, found, current_actor())
    except FileRejected as exc:
        db.rollback()
        flash(_upload_problem(exc), "error")
        return redirect(url_for("partner.upload", upload_id=upload_id))
    except PermissionDenied:
        db.rollback()
        flash(suspended_message(), "error")
        return redirect(url_for("partner.upload", upload_id=upload_id))
    db.commit()
    return redirect(url_for("partner.upload", upload_id=upload_id))


@bp.route("/uploads/<int:upload_id>/status")
@partner_required
def status(upload_id: int):
    """Progress and outcome of an upload as JSON, for the page to poll."""
    return jsonify(upload_status(_upload(upload_id)))


def upload_status(found) -> dict:
    """An upload's state, progress and outcome for JSON clients."""
    done, total = found.processed_rows, found.total_rows
    return {
        "id": found.id,
        "status": found.status.value,
        "filename": found.filename,
        "format": found.format,
        "encoding": found.encoding,
        "processed_rows": done,
        "total_rows": total,
        "summary": found.summary(),
        "error": {"code": found.error_code, "message": found.error_message}
        if found.error_code
        else None,
    }


@bp.route("/uploads/<int:upload_id>/report.csv")
@partner_required
def report(upload_id: int):
    """The upload's row errors as a CSV file that is safe to open in Excel."""
    return error_report_response(_upload(upload_id))


REPORT_COLUMNS = (_l("Row"), _l("Code"), _l("Column"), _l("Value"), _l("Problem"))


def error_report_response(found, translated: bool = True) -> Response:
    """A CSV download of an upload's errors (UTF-8 with BOM so Excel reads Chinese): column
    names and problems in the page's language, or as the API documents them."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    if translated:
        ingest.write_error_report(
            get_session(),
            found,
            buffer,
            header=[str(label) for label in REPORT_COLUMNS],
            describe=lambda code, message: str(messages.ROW_PROBLEMS.get(code, message)),
        )
    else:
        ingest.write_error_report(get_session(), found, buffer)
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="upload-{found.id}-errors.csv"'},
    )


@bp.route("/courses")
@partner_required
def courses():
    """The provider's own courses in every state."""
    provider_id = acting_provider_id()
    status_arg = request.args.get("status")
    try:
        status_filter = CourseStatus(status_arg) if status_arg else None
    except ValueError:
        abort(404)
    page_number = page_arg()
    db = get_session()
    page = course_service.provider_course_page(db, provider_id, page_number, 50, status_filter)
    return render_template(
        "partner/courses.html",
        provider=provider_service.get_provider(db, provider_id),
        page=page,
        status=status_arg or "",
        reviews=reviews.latest_reviews(db, [c.id for c in page.items]),
        REVIEW_STATUS=messages.REVIEW_STATUS,
    )


@bp.route("/tokens", methods=["POST"])
@partner_required
def create_token():
    """Issue an API token and show it once."""
    form = TokenForm()
    provider_id = acting_provider_id(form.provider_id.data)
    if not form.validate_on_submit():
        return _dashboard(provider_id, token_form=form), 400
    if provider_locked(provider_id):
        form.form_errors.append(suspended_message())
        return _dashboard(provider_id, token_form=form), 403
    db = get_session()
    _token, plain = token_service.create_token(
        db, provider_id, form.name.data, created_by_id=current_actor().user_id
    )
    db.commit()
    return _dashboard(provider_id, new_token=plain)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@partner_required
def revoke_token(token_id: int):
    """Revoke one of the provider's API tokens."""
    provider_id = acting_provider_id()
    require_plain_form()
    db = get_session()
    try:
        token_service.revoke_token(db, provider_id, token_id)
    except NotFound:
        abort(404)
    db.commit()
    flash(_("The token was revoked."), "success")
    return redirect(url_for("partner.dashboard", provider=provider_id))


def _upload_problem(exc: FileRejected) -> str:
    messages = {
        "ALREADY_APPLIED": _("This upload has already been applied."),
        "NO_TITLE_COLUMN": _("Map one column to the course title first."),
        "BAD_MAPPING": _("Each course field can come from one column only."),
        "FILE_GONE": _("The file is no longer stored. Please upload it again."),
        "JSON_PATH_NOT_FOUND": _("The JSON file has no list of courses at that place."),
    }
    text = messages.get(exc.code, exc.message)
    return text if exc.code != "JSON_PATH_NOT_FOUND" else f"{text} {exc.message}"


def _feedback_page(
    provider_id: int,
    answer_errors: dict[int, str] | None = None,
    answer_texts: dict[int, str] | None = None,
    status: int = 200,
):
    db = get_session()
    unread_only = request.args.get("unread") == "1"
    return render_template(
        "partner/feedback.html",
        provider=provider_service.get_provider(db, provider_id),
        page=provider_feedback.feedback_page(
            db, provider_id, page_arg(), 50, unread_only=unread_only
        ),
        ratings=provider_feedback.course_ratings(db, provider_id),
        unread=provider_feedback.unread_count(db, provider_id),
        unread_only=unread_only,
        form=PlainForm(),
        answer_errors=answer_errors or {},
        answer_texts=answer_texts or {},
    ), status


@bp.route("/feedback")
@partner_required
def feedback():
    """What learners told the provider: ratings per course and their messages, newest first."""
    return _feedback_page(acting_provider_id())


@bp.route("/feedback/<int:feedback_id>/answer", methods=["POST"])
@partner_required
def feedback_answer(feedback_id: int):
    """Answer one learner's feedback; the learner is told."""
    require_plain_form()
    provider_id = acting_provider_id()
    text = request.form.get("reply", "")
    db = get_session()
    try:
        provider_feedback.answer(db, provider_id, feedback_id, text)
    except NotFound:
        abort(404)
    except ValidationError as exc:
        db.rollback()
        code = exc.errors[0].code
        message = str(messages.ROW_PROBLEMS.get(code) or _("Please check this field."))
        return _feedback_page(provider_id, {feedback_id: message}, {feedback_id: text[:2000]}, 400)
    db.commit()
    flash(_("Your answer was sent to the learner."), "success")
    return redirect(url_for("partner.feedback", provider=provider_id) + f"#feedback-{feedback_id}")


@bp.route("/feedback/<int:feedback_id>/read", methods=["POST"])
@partner_required
def feedback_read(feedback_id: int):
    """Mark one message read."""
    require_plain_form()
    provider_id = acting_provider_id()
    db = get_session()
    try:
        provider_feedback.mark_read(db, provider_id, feedback_id)
    except NotFound:
        abort(404)
    db.commit()
    return redirect(url_for("partner.feedback", provider=provider_id) + f"#feedback-{feedback_id}")
