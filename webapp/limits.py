"""Rate limits on log-in, sign-up (and any route that asks): Flask-Limiter over shared storage.

A route opts in with `@limited(rule, …)`. Each rule counts POSTs per client IP (`per_ip`) or per
account named in the form (`per_account`) in a fixed window, in Redis when `REDIS_URL` is set,
else in the site's database (`webapp.limit_storage`), so every web process shares one count.
Every attempt is counted before the view runs (one atomic increment, so concurrent attempts
are never under-counted); `refund_when` gives the attempt back afterwards when the answer shows
it should not count (a successful log-in). A refused visitor gets 429 with Retry-After and a
translated "try again in N minutes" page, or `{"error": {"code": "RATE_LIMITED", …}}` for API
clients. Behind proxies, `TRUSTED_PROXIES` says how many X-Forwarded-For hops to believe.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter import ApplicationLimit, Limiter, RequestLimit
from flask_limiter.errors import RateLimitExceeded
from limits import parse_many
from limits.errors import StorageError
from limits.storage import RedisStorage
from werkzeug.middleware.proxy_fix import ProxyFix

import webapp.limit_storage  # noqa: F401 (registers the lifelong+db storage scheme)
from catalogue.services.users import normalise_email
from webapp.db import get_database
from webapp.settings import Settings

EXTENSION = "lifelong.limits"
ACCOUNT_FIELD = "email"


def client_ip() -> str:
    """The client's address: the peer, or the one trusted proxies forwarded (TRUSTED_PROXIES)."""
    return request.remote_addr or "unknown"


def account_tried() -> str:
    """The account a form names, normalised as accounts are compared, as a keyed digest."""
    email = normalise_email(request.form.get(ACCOUNT_FIELD, ""))
    if not email:
        return "(none)"
    # The counters (in Redis or the database) hold no e-mail addresses, only this digest.
    secret = str(current_app.secret_key).encode("utf-8")
    return hmac.new(secret, email.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Rule:
    """One limit: a scope shared by every route that uses the rule, the limit, and its key."""

    scope: str
    # A Settings field holding the limit ("5 per 15 minutes"), or such a limit itself.
    limit: str
    key: Callable[[], str]
    # The requests it counts: form submissions by default; lookups (GET) for guessable codes.
    methods: tuple[str, ...] = ("POST",)

    def value(self, settings: Settings) -> str:
        """The limit in force for these settings ("" switches the rule off)."""
        return str(getattr(settings, self.limit, self.limit) or "")


def per_ip(scope: str, limit: str) -> Rule:
    """A limit on POSTs from one client IP."""
    return Rule(scope, limit, client_ip)


def per_account(scope: str, limit: str) -> Rule:
    """A limit on POSTs naming one account (the form's e-mail field)."""
    return Rule(scope, limit, account_tried)


LOGIN_PER_ACCOUNT = per_account("login-account", "login_limit_per_account")
LOGIN_PER_IP = per_ip("login-ip", "login_limit_per_ip")
SIGNUP_PER_IP = per_ip("signup-ip", "signup_limit_per_ip")
# Password-reset requests: each one sends a mail, so a person's inbox cannot be flooded and one
# address cannot probe many accounts.
RESET_PER_ACCOUNT = per_account("reset-account", "3 per hour")
RESET_PER_IP = per_ip("reset-ip", "10 per hour")


def signed_in_account() -> str:
    """The signed-in account's id (for limits on what a logged-in person asks for)."""
    from flask_login import current_user

    return f"user:{current_user.get_id()}"


# Address changes: each one mails a link to an address the person types.
EMAIL_CHANGE_PER_ACCOUNT = Rule("email-change-account", "5 per hour", signed_in_account)
# Study-group codes looked up that match no group: 8 characters of 31 are not guessable at
# 30 an hour (a found group is refunded), whereas unlimited lookups could walk the codes.
GROUP_CODE_MISSES = Rule(
    "group-code-misses", "30 per hour", signed_in_account, methods=("GET", "POST")
)
# The same misses from one client address, whatever the account (GROUP_CODE_LIMIT_PER_IP), so
# many accounts cannot share the walk.
GROUP_CODE_MISSES_PER_IP = Rule(
    "group-code-misses-ip", "group_code_limit_per_ip", client_ip, methods=("GET", "POST")
)


def redirected(response: Response) -> bool:
    """Refund predicate: the form was accepted (a log-in that succeeded redirects)."""
    return 300 <= response.status_code < 400


def refused_form(response: Response) -> bool:
    """Refund predicate: the form was sent back to be corrected (400), nothing was done."""
    return response.status_code == 400


@dataclass(frozen=True)
class _Declared:
    view: Callable[..., Any]
    rules: tuple[Rule, ...]


# Views declared at import time, by qualified name (Flask-Limiter tells views apart by it too;
# declaring a name again replaces it). Each app compiles its own limits from them.
_DECLARED: dict[str, _Declared] = {}


def _name(view: Callable[..., Any]) -> str:
    return f"{view.__module__}.{view.__qualname__}"


@dataclass
class RateLimits:
    """An app's limiter and, per declared view, its limit-checking wrapper (None: all off)."""

    limiter: Limiter
    settings: Settings
    # Each takes the view to call first, then the view's arguments.
    guarded: dict[str, Callable[..., Any] | None] = field(default_factory=dict)
    scopes: dict[str, frozenset[str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def guard(self, name: str) -> Callable[..., Any] | None:
        """The named view wrapped in this app's limits (built once; if declared late, on use)."""
        if name not in self.guarded:
            with self._lock:
                if name not in self.guarded:
                    self._compile(name, _DECLARED[name])
        return self.guarded[name]

    def _compile(self, name: str, declared: _Declared) -> None:
        on = [rule for rule in declared.rules if rule.value(self.settings)]

        # Flask-Limiter knows the view by this function's name; it calls the view it is handed.
        @functools.wraps(declared.view)
        def guarded(view: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            return view(*args, **kwargs)

        for rule in on:
            guarded = self.limiter.shared_limit(
                functools.partial(rule.value, self.settings),
                scope=rule.scope,
                key_func=rule.key,
                methods=list(rule.methods),
            )(guarded)
        self.scopes[name] = frozenset(rule.scope for rule in on)
        self.guarded[name] = guarded if on else None

    def refund(self, name: str) -> None:
        """Give back this request's hit on the named view's own limits."""
        for hit in self.limiter.current_limits:
            # request_args end with the scope (shared limits: the rule's scope as given).
            if hit.breached or hit.request_args[-1] not in self.scopes[name]:
                continue
            _give_back(hit)


def limited(
    *rules: Rule, refund_when: Callable[[Response], bool] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Limit a view's requests by these rules (POSTs unless a rule says otherwise);
    `refund_when(response)` true: that request is free."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        name = _name(view)
        _DECLARED[name] = _Declared(view, tuple(rules))

        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            state: RateLimits = current_app.extensions[EXTENSION]
            guarded = state.guard(name)
            if guarded is None:  # every rule of this view is switched off
                return view(*args, **kwargs)
            response = current_app.make_response(guarded(view, *args, **kwargs))
            if refund_when is not None and refund_when(response):
                state.refund(name)
            return response

        return wrapper

    return decorate


def init_app(app: Flask, settings: Settings) -> RateLimits:
    """Install the app's limiter, the proxy rule, the 429 answers and the declared limits."""
    if settings.trusted_proxies > 0:
        # The client's address and the scheme it used (https at the proxy) come from the
        # trusted proxies' X-Forwarded-For and X-Forwarded-Proto.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )
    for declared in _DECLARED.values():
        for rule in declared.rules:
            if rule.value(settings):
                parse_many(rule.value(settings))  # a bad limit fails here, not on a request
    if settings.redis_url:
        storage_uri, options = settings.redis_url, {"wrap_exceptions": True}
    else:
        engine = get_database(app).engine
        storage_uri, options = "lifelong+db://", {"engine": engine, "wrap_exceptions": True}
    application_limits = []
    if settings.post_limit_per_ip:
        parse_many(settings.post_limit_per_ip)
        application_limits.append(
            ApplicationLimit(
                limit_provider=settings.post_limit_per_ip,
                key_function=client_ip,
                scope="post-ip",
                methods=["POST"],
            )
        )
    limiter = Limiter(
        client_ip,
        storage_uri=storage_uri,
        storage_options=options,  # type: ignore[arg-type]
        strategy="fixed-window",
        key_prefix=settings.rate_limit_prefix,
        application_limits=application_limits,  # type: ignore[arg-type]
        headers_enabled=False,
        swallow_errors=False,
    )
    limiter.init_app(app)
    state = RateLimits(limiter, settings)
    for name in list(_DECLARED):
        state.guard(name)
    app.extensions[EXTENSION] = state
    app.register_error_handler(RateLimitExceeded, _too_many)
    app.register_error_handler(StorageError, _storage_down)
    return state


def get_rate_limits(app: Flask | None = None) -> RateLimits:
    """The app's rate limits."""
    return (app or current_app).extensions[EXTENSION]


def _give_back(hit: RequestLimit) -> None:
    storage = hit.limiter.storage
    decrement = getattr(storage, "decr", None)
    if decrement is not None:
        decrement(hit.key, 1)
    # Redis has no floor-at-zero decrement: give back only while the window still holds the hit.
    elif storage.get(hit.key) > 0:
        storage.incr(hit.key, hit.limit.get_expiry(), amount=-1)


def _reset_time(limit: RequestLimit) -> float:
    storage = limit.limiter.storage
    if isinstance(storage, RedisStorage):
        # The storage's own answer rounds Redis's TTL to whole seconds, possibly down: use ms.
        left_ms = storage.get_connection(True).pttl(storage.prefixed_key(limit.key))
        return time.time() + max(int(left_ms), 0) / 1000
    return limit.window.reset_time


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _too_many(exc: RateLimitExceeded):
    limit = get_rate_limits().limiter.current_limit
    reset_at = _reset_time(limit) if limit is not None else time.time() + 60
    wait = max(1, math.ceil(reset_at - time.time()))
    minutes = max(1, math.ceil(wait / 60))
    message = ngettext(
        "Too many attempts. Please try again in %(num)d minute.",
        "Too many attempts. Please try again in %(num)d minutes.",
        minutes,
    )
    headers = {"Retry-After": str(wait)}
    if _wants_json():
        body = {"code": "RATE_LIMITED", "message": message, "retry_after": wait}
        return jsonify(error=body), 429, headers
    page = render_template("errors/error.html", status=429, message=message)
    return page, 429, headers


def _storage_down(exc: StorageError):
    current_app.logger.error("rate-limit storage failed: %s", exc)
    message = _("This service is busy. Please try again in a minute.")
    headers = {"Retry-After": "60"}
    if _wants_json():
        return jsonify(error={"code": "UNAVAILABLE", "message": message}), 503, headers
    return render_template("errors/error.html", status=503, message=message), 503, headers
