"""Certificates: the learner's, their PDF and credential, the public verification page, the
issuer's published keys, and revocation by administrators and registrars."""

from __future__ import annotations

import json
from typing import Any

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
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.routing import BaseConverter
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from catalogue.errors import NotFound, PermissionDenied, ValidationError
from catalogue.models import Role
from records import certificates as certs
from records.certificate_pdf import render_pdf
from records.models.certificates import Certificate
from webapp.access import current_operator, roles_required
from webapp.credentials import base_url, trusted_keys
from webapp.db import get_session

bp = Blueprint("certificates", __name__)


class CertificateCodeConverter(BaseConverter):
    """A certificate code in a URL: 16 letters and digits, in groups of four with or without
    dashes, any case. It wins over /verify/<token> (the sign-up e-mail's link, whose tokens
    hold dots), which keeps every other /verify/… address."""

    regex = r"[A-Za-z0-9]{4}(?:-?[A-Za-z0-9]{4}){3}"
    weight = 50  # lower than a plain string's 100: tried first


@bp.record_once
def _register_converter(state) -> None:
    state.app.url_map.converters.setdefault("certificate_code", CertificateCodeConverter)


REVOKER_ROLES = (Role.ADMIN.value, Role.REGISTRAR.value)


class RevokeForm(FlaskForm):
    """Revoke a certificate, with the reason shown on its verification page."""

    reason = TextAreaField(
        _l("Reason (shown on the verification page)"),
        validators=[DataRequired(), Length(max=certs.MAX_REASON)],
    )


MAX_CREDENTIAL_BYTES = 256 * 1024


class CredentialFileForm(FlaskForm):
    """Check a credential file (the JSON the holder downloaded)."""

    file = FileField(_l("Credential file (JSON)"), validators=[FileRequired()])


class FindForm(FlaskForm):
    """Look a certificate up by its code."""

    class Meta:
        csrf = False

    code = StringField(_l("Certificate code"), validators=[DataRequired(), Length(max=40)])


def _own(code: str) -> Certificate:
    """The signed-in learner's certificate; 404 for a wrong code or someone else's."""
    try:
        return certs.get_for_holder(get_session(), code, current_user.id)
    except NotFound:
        abort(404)


def _links(certificate: Certificate) -> dict[str, str]:
    return {
        "verify": certs.verify_url(base_url(), certificate.code),
        "display_code": certs.display_code(certificate.code),
    }


@bp.app_context_processor
def certificate_panels() -> dict[str, Any]:
    """`my_certificates()` for the panels on "my learning" and the profile page (the signed-in
    learner's certificates, newest first; queried only when a panel asks)."""

    def my_certificates() -> list[Certificate]:
        if not current_user.is_authenticated:
            return []
        return certs.for_user(get_session(), current_user.id)

    return {"my_certificates": my_certificates, "certificate_code": certs.display_code}


@bp.route("/me/certificates")
@login_required
def mine():
    """The learner's certificates."""
    return render_template("records/certificates/mine.html")


@bp.route("/me/certificates/<code>")
@login_required
def show(code: str):
    """A certificate's page for its holder: what, who, when, the code and the links."""
    certificate = _own(code)
    return render_template(
        "records/certificates/show.html", certificate=certificate, **_links(certificate)
    )


@bp.route("/me/certificates/<code>/certificate.pdf")
@login_required
def pdf(code: str):
    """The certificate as a PDF."""
    certificate = _own(code)
    links = _links(certificate)
    body = render_pdf(certificate, links["verify"], links["display_code"])
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="certificate-{certificate.code}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/me/certificates/<code>/credential.json")
@login_required
def credential(code: str):
    """The signed Open Badges 3.0 credential exactly as issued."""
    certificate = _own(code)
    return Response(
        certificate.credential,
        mimetype="application/json",
        headers={
            "Content-Disposition": (f'attachment; filename="credential-{certificate.code}.json"'),
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/verify", methods=["GET"])
def verify_form():
    """Type a certificate's code to check it."""
    form = FindForm(request.args)
    if request.args.get("code") is not None and form.validate():
        code = certs.normalise_code(form.code.data)
        if code:
            return redirect(url_for("certificates.verify", code=code))
        form.code.errors.append(_("A certificate code has 16 letters and digits."))
    return render_template(
        "records/certificates/verify_form.html", form=form, file_form=CredentialFileForm()
    )


@bp.route("/verify/file", methods=["POST"])
def verify_file():
    """Check a credential file anyone brings: the signature against the site's keys, and the
    revocation of the certificate it names."""
    file_form = CredentialFileForm()
    problem = None
    if not file_form.validate_on_submit():
        if file_form.csrf_token.errors:
            abort(400)
        problem = _("Choose the credential file (a .json file) to check.")
    else:
        raw = file_form.file.data.read(MAX_CREDENTIAL_BYTES + 1)
        try:
            if len(raw) > MAX_CREDENTIAL_BYTES:
                raise ValueError
            document = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            problem = _(
                "This file is not a credential: it must be the JSON file from a certificate page."
            )
    if problem:
        form = FindForm()
        return (
            render_template(
                "records/certificates/verify_form.html",
                form=form,
                file_form=file_form,
                file_problem=problem,
            ),
            400,
        )
    result = certs.check_document(get_session(), document, trusted_keys())
    links = _links(result.certificate) if result.certificate else {}
    return render_template("records/certificates/verify_file.html", result=result, **links)


def _check(code: str) -> certs.Check | None:
    try:
        return certs.check(get_session(), code, trusted_keys())
    except NotFound:
        return None


@bp.route("/verify/<certificate_code:code>")
def verify(code: str):
    """The public verification page: valid, revoked (why, when) or not trustworthy, and what
    the certificate certifies. Unknown codes get a 404 page that says so."""
    result = _check(code)
    if result is None:
        return render_template("records/certificates/unknown.html", code=code[:40]), 404
    return render_template(
        "records/certificates/verify.html", result=result, **_links(result.certificate)
    )


@bp.route("/verify/<certificate_code:code>.json")
def verify_json(code: str):
    """The verification result for programs: status, reason, dates, what was certified."""
    result = _check(code)
    if result is None:
        return jsonify(error={"code": "NOT_FOUND", "message": "no certificate has this code"}), 404
    cert = result.certificate
    status = "revoked" if result.revoked else ("valid" if result.verdict.ok else "invalid")
    return jsonify(
        status=status,
        code=cert.code,
        kind=cert.kind.value,
        holder=cert.holder_name,
        title=cert.title_zh,
        provider=cert.provider_name or None,
        issued_at=cert.issued_at.isoformat(),
        revoked_at=cert.revoked_at.isoformat() if cert.revoked_at else None,
        revoked_reason=cert.revoked_reason,
        signature={"ok": result.verdict.ok, "reason": result.verdict.reason},
        key_id=cert.key_id,
        issuer=certs.issuer_id(base_url()),
    )


@bp.route("/certificates/issuer")
def issuer():
    """The issuer's profile with every public key it signs or signed with (current and
    retired): what verifiers trust (`lifelong certificates verify --keys`)."""
    base = base_url()
    ident = certs.issuer_id(base)
    document = {
        "@context": list(certs.CONTEXTS),
        "id": ident,
        "type": ["Profile"],
        "name": certs.ISSUER_NAME,
        "url": base,
        "verificationMethod": [key.as_json(controller=ident) for key in trusted_keys()],
    }
    response = Response(
        json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.route("/staff/certificates", methods=["GET"])
@roles_required(*REVOKER_ROLES)
def staff_find():
    """Staff look a certificate up by its code to revoke it."""
    form = FindForm(request.args)
    found, check = None, None
    if request.args.get("code") is not None and form.validate():
        check = _check(form.code.data)
        if check is None:
            form.code.errors.append(_("No certificate has this code."))
        else:
            found = check.certificate
    return render_template(
        "records/certificates/staff.html",
        form=form,
        found=found,
        result=check,
        revoke_form=RevokeForm(),
    )


@bp.route("/staff/certificates/<code>/revoke", methods=["POST"])
@roles_required(*REVOKER_ROLES)
def staff_revoke(code: str):
    """Revoke a certificate with a reason (recorded in the audit log)."""
    form = RevokeForm()
    back = url_for("certificates.staff_find", code=code)
    if not form.validate_on_submit():
        flash(_("Give the reason for revoking the certificate (at most 500 characters)."), "error")
        return redirect(back)
    db = get_session()
    try:
        certs.revoke(db, code, form.reason.data, current_operator())
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)
    except ValidationError:
        db.rollback()
        flash(_("Give the reason for revoking the certificate (at most 500 characters)."), "error")
        return redirect(back)
    db.commit()
    flash(_("The certificate is revoked. Its verification page now says so."), "success")
    return redirect(back)
