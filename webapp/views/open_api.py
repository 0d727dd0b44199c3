"""The open data-sharing API for institutions: OAuth 2.0 client credentials (issue 17).

`POST /oauth/token` issues bearer tokens (Authlib's authorization server, client-credentials
grant; its errors in the site's shape); every other endpoint takes a bearer token with a scope,
counts the call against the client's per-minute limit and daily quota, answers JSON with an
ETag, and is written to the audit log whatever its answer. The learner's consent page
(`consent_bp`, /me/data-sharing) lives here too. docs/open-data.md.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date, timedelta
from functools import wraps
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.integrations.flask_oauth2.requests import FlaskJsonRequest
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc6750.errors import InsufficientScopeError
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from catalogue.errors import NotFound
from catalogue.models.base import utcnow
from insight.open_data import audit, changes, clients, consent, statistics
from insight.open_data.cursors import BadCursor
from insight.open_data.oauth import (
    OpenDataGrant,
    OpenDataTokenValidator,
    query_client,
    save_token,
)
from insight.open_data.quotas import ClientLimits
from insight.open_data.scopes import CATALOGUE_READ, RECORDS_READ, STATISTICS_READ
from webapp.db import get_database, get_session
from webapp.errors import api_error
from webapp.limits import client_ip, get_rate_limits
from webapp.settings import get_settings

bp = Blueprint("open_api", __name__, url_prefix="/api/v1/open")
consent_bp = Blueprint("data_sharing", __name__, url_prefix="/me/data-sharing")

EXTENSION = "lifelong.open_data"
log = logging.getLogger(__name__)
DEFAULT_LIMIT = 100


class OpenData:
    """An app's open data wiring: Authlib's server, the token validator, the client limits."""

    def __init__(self, app: Flask) -> None:
        settings = get_settings(app)
        app.config.setdefault(
            "OAUTH2_TOKEN_EXPIRES_IN", {"client_credentials": settings.open_data_token_seconds}
        )
        self.server = AuthorizationServer(
            app,
            query_client=lambda client_id: query_client(get_session(), client_id),
            save_token=lambda token, req: save_token(get_session(), token, req.client),
        )
        self.server.register_grant(OpenDataGrant)
        self.validator = OpenDataTokenValidator(get_session)
        self._limits: ClientLimits | None = None
        self.settings = settings

    def limits(self) -> ClientLimits:
        """The client limits over the site's shared limit storage (built on first use)."""
        if self._limits is None:
            storage = get_rate_limits().limiter.storage
            self._limits = ClientLimits(
                storage, self.settings.rate_limit_prefix, self.settings.jobs_timezone
            )
        return self._limits


@bp.record_once
def _install(state) -> None:
    state.app.extensions[EXTENSION] = OpenData(state.app)


def _open_data() -> OpenData:
    return current_app.extensions[EXTENSION]


# -- the audit log: every call, whatever its answer -----------------------------------------


@bp.before_request
def _start_call() -> None:
    g.od_client = None
    g.od_rows = 0
    g.od_code = ""


@bp.after_request
def _audit_call(response: Response) -> Response:
    code = g.get("od_code", "")
    if not code and response.status_code >= 400 and response.is_json:
        body = response.get_json(silent=True) or {}
        error = body.get("error")
        code = error.get("code", "") if isinstance(error, dict) else str(error or "")
    call = audit.Call(
        client_pk=g.get("od_client"),
        method=request.method,
        endpoint=request.path,
        status=response.status_code,
        error_code=code,
        rows=g.get("od_rows", 0) if response.status_code == 200 else 0,
        ip=client_ip(),
    )
    try:
        with get_database().sessions.begin() as session:
            audit.record_call(session, call)
    except Exception:  # the answer stands; a lost audit row is logged loudly
        log.exception("open data audit row not written: %s", call)
    return response


# -- tokens -------------------------------------------------------------------------------------


@bp.route("/oauth/token", methods=["POST"])
def issue_token():
    """OAuth 2.0 token endpoint (client credentials by HTTP Basic or form; RFC 6749 answers)."""
    state = _open_data()
    client_id = _presented_client_id()
    db = get_session()
    if client_id:
        found = query_client(db, client_id)
        if found is not None:
            g.od_client = found.row.id
            refused = _take_limits(state, found.row)
            if refused is not None:
                return refused
    response = state.server.create_token_response()
    if response.status_code == 200:
        db.commit()
        g.od_rows = 1
    else:
        db.rollback()
        response = _site_error(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _site_error(oauth: Response) -> Response:
    """An RFC 6749 error answer in the site's error shape: the OAuth error name in capitals as
    the code (INVALID_CLIENT, INVALID_SCOPE, …), its description as the message; same status
    and WWW-Authenticate."""
    body = oauth.get_json(silent=True) or {}
    name = str(body.get("error") or "invalid_request")
    message = str(body.get("error_description") or name.replace("_", " "))
    response = current_app.make_response(
        (jsonify(error={"code": name.upper()[:40], "message": message}), oauth.status_code)
    )
    if "WWW-Authenticate" in oauth.headers:
        response.headers["WWW-Authenticate"] = oauth.headers["WWW-Authenticate"]
    return response


def _presented_client_id() -> str:
    if request.authorization is not None and request.authorization.type == "basic":
        return request.authorization.username or ""
    return request.form.get("client_id", "")


# -- the guard of every data endpoint --------------------------------------------------------


def _take_limits(state: OpenData, client) -> Response | None:
    refusal = state.limits().take(client.client_id, client.rate_per_minute, client.daily_quota)
    if refusal is None:
        return None
    if refusal.code == "RATE_LIMITED":
        message = f"more than {refusal.limit} calls a minute: wait {refusal.retry_after} s"
    else:
        message = f"the daily quota of {refusal.limit} calls is used up until midnight"
    error = {"code": refusal.code, "message": message, "retry_after": refusal.retry_after}
    response = current_app.make_response((jsonify(error=error), 429))
    response.headers["Retry-After"] = str(refusal.retry_after)
    return response


def _unauthorized(error: OAuth2Error, code: str, message: str) -> Response:
    body, status = api_error(401, code, message)
    response = current_app.make_response((body, status))
    for name, value in error.get_headers():
        if name.lower() == "www-authenticate":
            response.headers["WWW-Authenticate"] = value
    response.headers.setdefault("WWW-Authenticate", 'Bearer realm="open-data"')
    return response


def requires(scope: str):
    """A data endpoint: a live bearer token, within limits, holding `scope`."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            state = _open_data()
            validator = state.validator
            header = request.headers.get("Authorization", "")
            kind, _sep, token_string = header.partition(" ")
            if kind.lower() != "bearer" or not token_string.strip():
                from authlib.oauth2.rfc6750.errors import InvalidTokenError

                return _unauthorized(
                    InvalidTokenError(realm="open-data"),
                    "UNAUTHORIZED",
                    "send an access token from /api/v1/open/oauth/token as "
                    "'Authorization: Bearer …'",
                )
            token = validator.authenticate_token(token_string.strip())
            try:
                validator.validate_token(token, None, FlaskJsonRequest(request))
            except OAuth2Error as error:
                if token is not None:
                    g.od_client = token.client.id
                return _unauthorized(
                    error, "INVALID_TOKEN", "the access token is unknown, expired or revoked"
                )
            g.od_client = token.client.id
            refused = _take_limits(state, token.client)
            if refused is not None:
                return refused
            if validator.scope_insufficient(token.get_scope(), [scope]):
                body, status = api_error(
                    403, "INSUFFICIENT_SCOPE", f"this call needs the scope {scope}"
                )
                response = current_app.make_response((body, status))
                header_value = dict(InsufficientScopeError().get_headers()).get(
                    "WWW-Authenticate", ""
                )
                response.headers["WWW-Authenticate"] = (
                    header_value or f'Bearer error="insufficient_scope", scope="{scope}"'
                )
                return response
            g.od_token = token
            return view(*args, **kwargs)

        return wrapper

    return decorate


def _limit() -> int:
    text = request.args.get("limit", "")
    if not text:
        return DEFAULT_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= 500:
        raise ValueError("limit must be a whole number from 1 to 500")
    return int(text)


def _json_page(payload: dict[str, Any], rows: int) -> Response:
    """A JSON answer with a strong ETag over its body; 304 when the client has it already."""
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    etag = hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        g.od_rows = rows
        response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _bad_request(code: str, message: str):
    return api_error(400, code, message)


# -- the catalogue ---------------------------------------------------------------------------


@bp.route("/catalogue/changes")
@requires(CATALOGUE_READ)
def catalogue_changes():
    """Courses changed since a cursor (withdrawn ones as tombstones), oldest change first."""
    try:
        limit = _limit()
        settle = timedelta(seconds=get_settings().open_data_settle_seconds)
        page = changes.course_changes(
            get_session(), request.args.get("cursor") or None, limit, settle
        )
    except BadCursor as exc:
        return _bad_request("INVALID_CURSOR", str(exc))
    except ValueError as exc:
        return _bad_request("INVALID_LIMIT", str(exc))
    payload = {"changes": page.changes, "next_cursor": page.next_cursor, "has_more": page.has_more}
    return _json_page(payload, len(page.changes))


# -- aggregate statistics ------------------------------------------------------------------


@bp.route("/statistics")
@requires(STATISTICS_READ)
def statistics_index():
    """The statistics on offer and the k-anonymity threshold."""
    k = get_settings().open_data_k
    items = [
        {"name": s.name, "unit": s.unit, "description": s.description}
        for s in statistics.STATISTICS.values()
    ]
    items.append(
        {
            "name": statistics.ELDERLY,
            "unit": "mixed",
            "description": "the elderly-learning area's row of the other statistics",
        }
    )
    return _json_page({"k": k, "statistics": items}, len(items))


def _month_range() -> list[date]:
    """The months asked for (`from`, `to` as YYYY-MM; default the last 12 months)."""
    today = utcnow().date().replace(day=1)
    last = statistics.parse_month(request.args["to"]) if request.args.get("to") else today
    if request.args.get("from"):
        first = statistics.parse_month(request.args["from"])
    else:
        first = last
        for _i in range(11):
            first = (first - timedelta(days=1)).replace(day=1)
    return statistics.months(first, last)


@bp.route("/statistics/<name>")
@requires(STATISTICS_READ)
def statistic(name: str):
    """One statistic by area and month, k-anonymous (docs/open-data.md gives the rule)."""
    if name not in statistics.NAMES:
        return api_error(404, "UNKNOWN_STATISTIC", f"no statistic is called {name[:60]!r}")
    try:
        month_list = _month_range()
    except statistics.BadPeriod as exc:
        return _bad_request("INVALID_PERIOD", str(exc))
    payload = statistics.statistic_json(get_session(), name, month_list, get_settings().open_data_k)
    return _json_page(payload, len(payload["periods"]))


# -- consenting learners' records -----------------------------------------------------------


def _records(reader, user_id: int | None = None):
    try:
        limit = _limit()
        cursor = request.args.get("cursor") or None
        args = (get_session(), g.od_token.client.id)
        page = (
            reader(*args, cursor, limit)
            if user_id is None
            else reader(*args, user_id, cursor, limit)
        )
    except BadCursor as exc:
        return _bad_request("INVALID_CURSOR", str(exc))
    except ValueError as exc:
        return _bad_request("INVALID_LIMIT", str(exc))
    except consent.NoConsent as exc:
        g.od_code = "NO_CONSENT"
        return api_error(403, "NO_CONSENT", str(exc))
    payload = {"items": page.items, "next_cursor": page.next_cursor, "has_more": page.has_more}
    return _json_page(payload, len(page.items))


@bp.route("/learners")
@requires(RECORDS_READ)
def learners():
    """The learners who let this institution read their records."""
    return _records(consent.consenting_learners)


@bp.route("/learners/<int:learner_id>/certificates")
@requires(RECORDS_READ)
def learner_certificates(learner_id: int):
    """A consenting learner's certificates."""
    return _records(consent.certificates, learner_id)


@bp.route("/learners/<int:learner_id>/credits")
@requires(RECORDS_READ)
def learner_credits(learner_id: int):
    """A consenting learner's credit ledger entries."""
    return _records(consent.credits, learner_id)


# -- the learner's consent page (/me/data-sharing) ----------------------------------------


class ConsentForm(FlaskForm):
    """Grant or withdraw one institution's access (CSRF only; the client is in the URL)."""


@consent_bp.route("/")
@login_required
def consent_index():
    """Which institutions may read the learner's certificates and credits; grant or withdraw."""
    rows = consent.consent_page(get_session(), current_user.id)
    return render_template("api_clients/consent.html", rows=rows, form=ConsentForm())


@consent_bp.route("/<int:client_pk>/grant", methods=["POST"])
@login_required
def consent_grant(client_pk: int):
    """Let one institution read the learner's certificates and credits."""
    return _consent_change(
        client_pk,
        consent.grant,
        lambda name: _("%(name)s may now read your certificates and credit records.", name=name),
    )


@consent_bp.route("/<int:client_pk>/withdraw", methods=["POST"])
@login_required
def consent_withdraw(client_pk: int):
    """Withdraw one institution's access (its next call is refused)."""
    return _consent_change(
        client_pk,
        consent.withdraw,
        lambda name: _(
            "%(name)s can no longer read your certificates and credit records.", name=name
        ),
    )


def _consent_change(client_pk: int, change, message):
    form = ConsentForm()
    if not form.validate_on_submit():
        return redirect(url_for("data_sharing.consent_index")), 303
    db = get_session()
    try:
        change(db, current_user.id, client_pk)
    except NotFound:
        db.rollback()
        flash(_("This institution no longer reads learning records."), "error")
        return redirect(url_for("data_sharing.consent_index")), 303
    name = clients.get_client(db, client_pk).name
    db.commit()
    flash(message(name), "success")
    return redirect(url_for("data_sharing.consent_index")), 303
