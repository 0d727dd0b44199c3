"""The partner API for automated catalogue feeds, authenticated by a per-partner token."""

from __future__ import annotations

import json
from functools import wraps

from flask import Blueprint, g, jsonify, request, url_for

from catalogue.errors import NotFound
from catalogue.ingest import service as ingest
from catalogue.ingest.problems import FileRejected
from catalogue.ingest.values import parse_language
from catalogue.models import Area, Role, UploadPolicy, UploadStatus
from catalogue.services.providers import is_suspended
from catalogue.services.tokens import authenticate_token, note_token_use
from webapp.db import get_database, get_session
from webapp.errors import api_error
from webapp.uploads import get_uploads
from webapp.views.partner import error_report_response, upload_status

bp = Blueprint("partner_api", __name__, url_prefix="/api/v1/partner")


def token_required(view):
    """Only requests carrying a live partner token (Authorization: Bearer …)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        db = get_session()
        token = authenticate_token(db, secret.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            return api_error(401, "UNAUTHORIZED", "a valid partner API token is required")
        if is_suspended(db, token.provider_id):
            return api_error(
                403,
                "PROVIDER_SUSPENDED",
                "this provider is suspended: its API tokens are refused until an administrator "
                "lifts the suspension",
            )
        note_token_use(get_database().sessions, token.id)
        g.actor = ingest.Actor(user_id=None, role=Role.PARTNER, provider_id=token.provider_id)
        return view(*args, **kwargs)

    return wrapper


def _flag(name: str) -> bool:
    return request.form.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _options() -> ingest.UploadOptions:
    """The upload options in the form; raises ValueError for an unknown policy or area."""
    policy = UploadPolicy(request.form.get("policy", UploadPolicy.VALID_ROWS.value))
    area = request.form.get("default_area") or None
    language = (request.form.get("language") or "").strip()
    infer = request.form.get("infer_area", "1").strip().lower()
    return ingest.UploadOptions(
        policy=policy,
        full_sync=_flag("full_sync"),
        default_area=Area(area) if area else None,
        encoding=request.form.get("encoding") or None,
        language=parse_language(language) if language and language != "auto" else None,
        infer_area=infer not in ("0", "false", "no", "off"),
        json_path=(request.form.get("json_path") or "").strip()[:300] or None,
    )


def _links(upload_id: int) -> dict[str, str]:
    return {
        "self": url_for("partner_api.get_upload", upload_id=upload_id),
        "errors": url_for("partner_api.errors", upload_id=upload_id),
        "report": url_for("partner_api.report", upload_id=upload_id),
    }


@bp.route("/uploads", methods=["POST"])
@token_required
def create_upload():
    """Upload a catalogue file; it is applied in the background unless `preview=1`."""
    file = request.files.get("file")
    if file is None or not file.filename:
        return api_error(400, "FILE_REQUIRED", "send the catalogue as multipart field 'file'")
    try:
        options = _options()
    except ValueError:
        return api_error(
            400, "BAD_OPTION", "policy, default_area, language or encoding is not valid"
        )
    mapping = None
    if request.form.get("mapping"):
        try:
            mapping = json.loads(request.form["mapping"])
            if not isinstance(mapping, dict):
                raise ValueError
        except ValueError:
            return api_error(400, "BAD_MAPPING", "mapping must be a JSON object header→field")
    db = get_session()
    desk = get_uploads()
    upload = ingest.receive_upload(
        db,
        g.actor,
        g.actor.provider_id,
        file.filename,
        file.stream,
        desk.upload_dir,
        channel="api",
        options=options,
        limits=desk.limits,
    )
    if upload.status == UploadStatus.REJECTED:
        db.commit()
        return api_error(422, upload.error_code, upload.error_message, upload=upload_status(upload))
    try:
        if mapping is not None:
            ingest.configure_upload(db, upload, mapping=mapping, upload_dir=desk.upload_dir)
        if _flag("preview"):
            db.commit()
            preview = ingest.preview_upload(db, upload, desk.upload_dir)
            return jsonify(
                upload=upload_status(upload),
                preview=_preview_json(preview),
                links=_links(upload.id),
            )
        ingest.queue_upload(db, upload)
    except FileRejected as exc:
        db.rollback()
        return api_error(422, exc.code, exc.message)
    db.commit()
    return jsonify(upload=upload_status(upload), links=_links(upload.id)), 202


def _preview_json(preview: ingest.Preview) -> dict:
    return {
        "headers": preview.headers,
        "mapping": preview.mapping,
        "ignored": preview.ignored,
        # Each ignored column → the column used for the field its name gives (or null).
        "ignored_for": preview.ignored_for,
        "json_path": preview.json_path,
        "json_arrays": [{"path": p, "objects": n} for p, n in preview.json_arrays],
        "rows": [
            {
                "row": r.number,
                "fields": {k: (None if v is None else str(v)) for k, v in r.fields.items()},
                "errors": [e.__dict__ for e in r.errors],
                "language": {"value": r.reading.language, "source": r.reading.language_source},
                "area": {
                    "value": r.reading.area,
                    "source": r.reading.area_source,
                    "confidence": r.reading.area_confidence,
                    "evidence": list(r.reading.area_evidence),
                },
            }
            for r in preview.rows
        ],
    }


def _own_upload(upload_id: int):
    return ingest.get_upload(get_session(), g.actor, upload_id)


@bp.route("/uploads/<int:upload_id>/apply", methods=["POST"])
@token_required
def apply(upload_id: int):
    """Apply an upload that was sent with `preview=1`."""
    try:
        upload = _own_upload(upload_id)
        ingest.queue_upload(get_session(), upload)
    except NotFound:
        return api_error(404, "NOT_FOUND", f"upload {upload_id} does not exist")
    except FileRejected as exc:
        return api_error(409, exc.code, exc.message)
    get_session().commit()
    return jsonify(upload=upload_status(upload), links=_links(upload.id)), 202


@bp.route("/uploads")
@token_required
def list_uploads():
    """The provider's recent uploads."""
    uploads = ingest.list_uploads(get_session(), g.actor.provider_id)
    return jsonify(uploads=[upload_status(u) for u in uploads])


@bp.route("/uploads/<int:upload_id>")
@token_required
def get_upload(upload_id: int):
    """One upload's state, progress and outcome."""
    try:
        upload = _own_upload(upload_id)
    except NotFound:
        return api_error(404, "NOT_FOUND", f"upload {upload_id} does not exist")
    return jsonify(upload=upload_status(upload), links=_links(upload.id))


@bp.route("/uploads/<int:upload_id>/errors")
@token_required
def errors(upload_id: int):
    """The upload's row errors (at most 10,000; the CSV report has them all)."""
    try:
        upload = _own_upload(upload_id)
    except NotFound:
        return api_error(404, "NOT_FOUND", f"upload {upload_id} does not exist")
    rows = ingest.upload_errors(get_session(), upload, limit=10_000)
    return jsonify(
        errors=[
            {
                "row": e.row,
                "code": e.code,
                "column": e.column,
                "value": e.value,
                "message": e.message,
            }
            for e in rows
        ]
    )


@bp.route("/uploads/<int:upload_id>/report.csv")
@token_required
def report(upload_id: int):
    """The upload's row errors as CSV."""
    try:
        upload = _own_upload(upload_id)
    except NotFound:
        return api_error(404, "NOT_FOUND", f"upload {upload_id} does not exist")
    return error_report_response(upload, translated=False)  # the documented API format
