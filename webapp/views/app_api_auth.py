"""The app's sign-in: tokens issued for email and password, listed and revoked; and the
learner's page of app sign-ins (`/me/apps`)."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from catalogue.errors import NotFound
from catalogue.models import AppToken
from catalogue.services import app_tokens
from catalogue.services import users as user_service
from webapp import limits as rate
from webapp.api_auth import app_token_required, current_token_id, user_id
from webapp.db import get_session
from webapp.forms import require_plain_form
from webapp.views.app_api import MAX_BODY, ApiProblem, bp, iso, json_body, page, parse_json


def json_account_tried() -> str:
    """The account a JSON sign-in names, digested exactly as the site's log-in form's is, so
    the app and the site share one per-account count."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        return "(none)"
    data = parse_json()
    email = data.get("email") if isinstance(data, dict) else None
    address = user_service.normalise_email(email if isinstance(email, str) else "")
    if not address:
        return "(none)"
    secret = str(current_app.secret_key).encode("utf-8")
    return hmac.new(secret, address.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


# The site's log-in limits, counted together with the site's own log-in form.
TOKEN_PER_ACCOUNT = rate.Rule("login-account", "login_limit_per_account", json_account_tried)


def signed_in(response) -> bool:
    """Refund predicate: the sign-in succeeded (a token was issued)."""
    return response.status_code == 201


def token_json(token: AppToken, *, current: bool = False) -> dict:
    """What the API shows of an app sign-in (never its secret)."""
    return {
        "id": token.id,
        "device_name": token.device_name,
        "prefix": token.prefix,
        "created_at": iso(token.created_at),
        "expires_at": iso(token.expires_at),
        "last_used_at": iso(token.last_used_at),
        "revoked_at": iso(token.revoked_at),
        "live": app_tokens.is_live(token),
        "current": current,
    }


def _text(data: dict, name: str, max_len: int) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ApiProblem(
            422,
            "VALIDATION_ERROR",
            f"{name} is required",
            fields=[{"field": name, "code": "REQUIRED", "message": f"{name} is required"}],
        )
    if len(value) > max_len:
        raise ApiProblem(
            422,
            "VALIDATION_ERROR",
            f"{name} is too long",
            fields=[
                {"field": name, "code": "TOO_LONG", "message": f"at most {max_len} characters"}
            ],
        )
    return value


@bp.route("/auth/token", methods=["POST"])
@rate.limited(rate.LOGIN_PER_IP, TOKEN_PER_ACCOUNT, refund_when=signed_in)
def issue_token():
    """Sign in with email and password: a new access token for this device, shown once."""
    data = json_body()
    email = _text(data, "email", 320)
    password = _text(data, "password", 1024)
    device = _text(data, "device_name", 100)
    db = get_session()
    try:
        user = user_service.authenticate(db, email, password, explain_suspended=True)
    except user_service.AccountSuspended:
        raise ApiProblem(
            403, "ACCOUNT_SUSPENDED", "账户已停用，请联系客服 / This account is suspended"
        ) from None
    if user is None:
        raise ApiProblem(401, "INVALID_CREDENTIALS", "邮箱或密码不正确 / Wrong email or password")
    if user.email_verified_at is None:
        raise ApiProblem(
            403,
            "EMAIL_NOT_VERIFIED",
            "请先在网站上确认邮箱 / Confirm your email address on the website first",
        )
    token, plain = app_tokens.issue_token(db, user, device)
    db.commit()
    response = jsonify(
        access_token=plain,
        token_type="Bearer",
        expires_at=iso(token.expires_at),
        expires_in=int(app_tokens.TOKEN_LIFETIME.total_seconds()),
        token_id=token.id,
        user={"id": user.id, "display_name": user.display_name},
    )
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/auth/token", methods=["DELETE"])
@app_token_required
def revoke_current():
    """Sign this device out: the token presented is revoked."""
    db = get_session()
    app_tokens.revoke_token(db, user_id(), current_token_id())
    db.commit()
    return "", 204


@bp.route("/auth/tokens")
@app_token_required
def list_tokens():
    """The learner's app sign-ins, newest first."""
    current = current_token_id()
    tokens = app_tokens.list_tokens(get_session(), user_id())
    return jsonify(items=[token_json(t, current=t.id == current) for t in tokens])


@bp.route("/auth/tokens/<int:token_id>", methods=["DELETE"])
@app_token_required
def revoke_one(token_id: int):
    """Revoke one of the learner's app sign-ins (another device, say)."""
    db = get_session()
    app_tokens.revoke_token(db, user_id(), token_id)
    db.commit()
    return "", 204


# -- the learner's page --------------------------------------------------------------------


@page.route("/me/apps")
@login_required
def apps():
    """The learner's app sign-ins, each with a button to sign it out."""
    tokens = app_tokens.list_tokens(get_session(), current_user.id)
    return render_template("app_tokens/list.html", tokens=tokens, is_live=app_tokens.is_live)


@page.route("/me/apps/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    """Sign one app sign-in out."""
    require_plain_form()
    db = get_session()
    try:
        token = app_tokens.revoke_token(db, current_user.id, token_id)
    except NotFound:
        db.rollback()
        flash(_("This app sign-in does not exist."), "error")
        return redirect(url_for("app_tokens_page.apps"))
    db.commit()
    flash(_("“%(name)s” is signed out.", name=token.device_name), "success")
    return redirect(url_for("app_tokens_page.apps"))


@page.route("/me/apps/revoke-all", methods=["POST"])
@login_required
def revoke_all():
    """Sign every app out."""
    require_plain_form()
    db = get_session()
    app_tokens.revoke_all(db, current_user.id)
    db.commit()
    flash(_("Every app is signed out."), "success")
    return redirect(url_for("app_tokens_page.apps"))
