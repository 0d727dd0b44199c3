"""Accounts on the site: sign-up, log-in, log-out, and who the current visitor is."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from catalogue.errors import NotFound, ValidationError
from catalogue.models import User
from catalogue.services import users as user_service
from webapp import caring
from webapp import limits as rate
from webapp.db import get_session
from webapp.forms import LoginForm, PlainForm, SignupForm
from webapp.urls import safe_next

bp = Blueprint("auth", __name__)


class CurrentUser(UserMixin):
    """The logged-in account as the web layer sees it: a detached snapshot, no ORM state."""

    def __init__(self, user: User) -> None:
        self.id = user.id
        self.email = user.email
        self.display_name = user.display_name
        self.role = user.role.value
        self.provider_id = user.provider_id
        self.preferred_language = user.preferred_language
        self.caring_mode = user.caring_mode
        self.interest_areas = tuple(user.interest_areas or ())
        self._active = user.is_active

    @property
    def is_active(self) -> bool:
        return self._active


def _load_user(user_id: str) -> CurrentUser | None:
    try:
        return CurrentUser(user_service.get_user(get_session(), int(user_id)))
    except (NotFound, ValueError):
        return None


def init_app(app: Flask) -> None:
    """Install Flask-Login and the account pages."""
    manager = LoginManager()
    manager.login_view = "auth.login"
    manager.login_message = None
    manager.session_protection = "strong"
    manager.user_loader(_load_user)
    manager.init_app(app)
    app.register_blueprint(bp)


def _start_session(user: User) -> None:
    # A fresh session on log-in: nothing chosen before (language aside) carries over.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    caring.adopt_browser_choice(user.id, user.caring_mode)
    login_user(CurrentUser(user))


@bp.route("/signup", methods=["GET", "POST"])
@rate.limited(rate.SIGNUP_PER_IP, refund_when=rate.refused_form)
def signup():
    """Create a learner account and log it in."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignupForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            user = user_service.register_user(
                db,
                form.email.data,
                form.password.data,
                form.display_name.data,
                preferred_language=form.preferred_language.data,
                interest_areas=form.interest_areas.data or [],
            )
        except ValidationError as exc:
            db.rollback()
            for error in exc.errors:
                field = getattr(form, error.field, None)
                message = _signup_message(error.code)
                if field is not None:
                    field.errors.append(message)
                else:
                    form.form_errors.append(message)
        else:
            db.commit()
            _start_session(user)
            flash(_("Welcome, %(name)s!", name=user.display_name), "success")
            return redirect(url_for("pages.home"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/signup.html", form=form), status


def _signup_message(code: str) -> str:
    messages = {
        "EMAIL_TAKEN": _("An account with this email already exists."),
        "BAD_EMAIL": _("Enter a valid email address."),
        "PASSWORD_TOO_SHORT": _("Use at least 8 characters."),
        "PASSWORD_TOO_LONG": _("Use at most 128 characters."),
    }
    return messages.get(code, _("Please check this field."))


@bp.route("/login", methods=["GET", "POST"])
@rate.limited(rate.LOGIN_PER_IP, rate.LOGIN_PER_ACCOUNT, refund_when=rate.redirected)
def login():
    """Log in with email and password."""
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        db = get_session()
        user = user_service.authenticate(db, form.email.data, form.password.data)
        if user is not None:
            db.commit()
            _start_session(user)
            return redirect(safe_next(form.next.data, url_for("pages.home")))
        form.form_errors.append(_("Email or password is not correct."))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (a POST with a CSRF token, so no other site can log a learner out)."""
    form = PlainForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
    return redirect(url_for("pages.home"))


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language, and remember it on the account if logged in."""
    form = PlainForm()
    lang = request.form.get("lang", "")
    if form.validate_on_submit() and lang in ("zh", "en"):
        session["lang"] = lang
        if current_user.is_authenticated:
            db = get_session()
            user_service.update_preferences(db, current_user.id, preferred_language=lang)
            db.commit()
    return redirect(safe_next(request.form.get("next"), url_for("pages.home")))
