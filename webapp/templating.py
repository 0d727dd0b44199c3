"""Template filters and the security headers sent with every page."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from catalogue.services.users import valid_time_zone
from catalogue.timecodes import clock
from webapp.settings import get_settings


def format_duration(minutes: int | None) -> str:
    """A course length for people: "3 min", "1 h 30 min" (or its Chinese form)."""
    if not minutes:
        return _("under a minute")
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return ngettext("%(num)d min", "%(num)d min", rest)
    if not rest:
        return ngettext("%(num)d h", "%(num)d h", hours)
    return _("%(hours)d h %(minutes)d min", hours=hours, minutes=rest)


TZ_COOKIE = "tz"  # the browser's IANA zone, written by site.js


def learner_zone() -> ZoneInfo:
    """The zone times are shown in: the account's choice, else the browser's (the cookie
    site.js writes), else the site's (JOBS_TIMEZONE, Asia/Shanghai by default)."""
    chosen = None
    if current_user and current_user.is_authenticated:
        chosen = current_user.time_zone
    if not chosen and has_request_context():
        chosen = request.cookies.get(TZ_COOKIE)
    if chosen and valid_time_zone(chosen):
        return ZoneInfo(chosen)
    return ZoneInfo(get_settings().jobs_timezone)


def format_local_time(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) moment in the learner's time zone (`learner_zone`); a naive moment is
    taken as UTC."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(learner_zone()).strftime(pattern)


def format_seconds(seconds: int | None) -> str:
    """A lesson length as m:ss or h:mm:ss."""
    return clock(seconds or 0)


def content_security_policy(*, inline_styles: bool = False) -> str:
    """The site's Content-Security-Policy. `inline_styles` is for pages with the lesson player:
    media-chrome styles its controls with <style> elements inside their shadow roots. Scripts
    stay 'self' only everywhere."""
    styles = "'self' 'unsafe-inline'" if inline_styles else "'self'"
    return (
        # Course covers and lesson media come from the providers' sites, over https; hls.js
        # plays a stream by fetching its segments (connect-src) into a MediaSource (blob:).
        "default-src 'self'; img-src 'self' data: https:; media-src 'self' https: blob:; "
        f"connect-src 'self' https:; style-src {styles}; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


CSP = content_security_policy()


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    hsts = current_app.config.get("HSTS_SECONDS")
    if hsts:
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={hsts}; includeSubDomains"
        )
    return response


def init_templating(app: Flask) -> None:
    """Register filters and the after-request header hook."""
    app.add_template_filter(format_duration, "duration")
    app.add_template_filter(format_seconds, "seconds")
    app.add_template_filter(format_local_time, "local_time")
    app.add_template_global(lambda: datetime.now(UTC), "now_utc")
    app.after_request(_security_headers)
