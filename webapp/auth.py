"""Accounts on the site: sign-up, log-in, log-out, password reset, the account page, and who
the current visitor is.

A log-in is a row in user_sessions; the signed cookie holds only its random token, and the
user loader checks the row on every request, so ending the row ends the session even for a
copied cookie.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)

from catalogue.errors import NotFound, ValidationError
from catalogue.models import User
from catalogue.services import app_tokens
from catalogue.services import users as user_service
from catalogue.services.mail_links import BadStopLink, read_stop_token
from webapp import account_links, caring, mails
from webapp import limits as rate
from webapp.db import get_session
from webapp.forms import (
    ChangePasswordForm,
    EmailChangeForm,
    ForgotPasswordForm,
    LoginForm,
    MailSettingsForm,
    PlainForm,
    ResetPasswordForm,
    SettingsForm,
    SignupForm,
)
from webapp.urls import safe_next

SESSION_KEY = "sid"

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
        self.text_size = user.text_size
        self.time_zone = user.time_zone
        self.interest_areas = tuple(user.interest_areas or ())
        self._active = user.is_active

    @property
    def is_active(self) -> bool:
        return self._active


def _load_user(user_id: str) -> CurrentUser | None:
    try:
        user = user_service.session_user(
            get_session(), int(user_id), str(session.get(SESSION_KEY, ""))
        )
    except (ValueError, OverflowError):
        return None
    return CurrentUser(user) if user is not None else None


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
    """Log in: a new server-side session row (committed here) and a fresh cookie."""
    db = get_session()
    token = user_service.start_session(db, user.id)
    db.commit()
    # A fresh session on log-in: nothing chosen before (language aside) carries over.
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session[SESSION_KEY] = token
    caring.adopt_browser_choice(user.id, user.caring_mode)
    login_user(CurrentUser(user))


def _end_session() -> None:
    """Log out this device: its session row goes, so a copy of the cookie is dead too."""
    db = get_session()
    user_service.end_session(db, str(session.get(SESSION_KEY, "")))
    db.commit()
    logout_user()
    session.clear()


@bp.route("/signup", methods=["GET", "POST"])
@rate.limited(rate.SIGNUP_PER_IP, refund_when=rate.refused_form)
def signup():
    """Create a learner account and mail its confirmation link.

    The answer is the same "check your mail" page whether or not the address already has an
    account (its owner gets a mail instead), so sign-up reveals no addresses.
    """
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignupForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            outcome = user_service.sign_up(
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
            if outcome.created:
                mails.send_verification(db, outcome.user)
            else:
                mails.send_signup_attempt(db, outcome.user)
            db.commit()
            return render_template(
                "auth/check_mail.html", email=user_service.normalise_email(form.email.data)
            )
    status = 400 if form.is_submitted() else 200
    return render_template("auth/signup.html", form=form), status


@bp.route("/verify/<token>")
def verify_email(token: str):
    """Follow the link mailed at sign-up: confirm the address and log in (once)."""
    try:
        user_id, email = account_links.load_verify(token)
    except account_links.LinkExpired:
        return _link_error(_("This link has expired. Log in to get a new one."))
    except account_links.LinkInvalid:
        return _link_error(_("This link is not valid. Check that you copied all of it."))
    db = get_session()
    try:
        user = user_service.verify_email(db, user_id, email)
    except (NotFound, user_service.LinkUsed):
        db.rollback()
        return _link_error(_("This link has already been used. Please log in."))
    db.commit()
    _start_session(user)
    flash(_("Welcome, %(name)s!", name=user.display_name), "success")
    return redirect(url_for("pages.home"))


def _link_error(message: str):
    return render_template("auth/link_error.html", message=message), 400


def _signup_message(code: str) -> str:
    messages = {
        "EMAIL_TAKEN": _("An account with this email already exists."),
        "BAD_EMAIL": _("Enter a valid email address."),
        "PASSWORD_TOO_SHORT": _("Use at least 8 characters."),
        "PASSWORD_TOO_LONG": _("Use at most 128 characters."),
        "PASSWORD_COMMON": _(
            "This password is one of the most common ones and easy to guess. Choose another."
        ),
        "WRONG_PASSWORD": _("The current password is not correct."),
        "SAME_EMAIL": _("This is already your address."),
        "INVALID_CHOICE": _("Choose one of the options."),
        "REQUIRED": _("This field is required."),
        "TOO_LONG": _("This is too long."),
    }
    return messages.get(code, _("Please check this field."))


@bp.route("/login", methods=["GET", "POST"])
@rate.limited(rate.LOGIN_PER_IP, rate.LOGIN_PER_ACCOUNT, refund_when=rate.redirected)
def login():
    """Log in with email and password."""
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        db = get_session()
        try:
            user = user_service.authenticate(
                db, form.email.data, form.password.data, explain_suspended=True
            )
        except user_service.AccountSuspended:
            user = None
            form.form_errors.append(
                _("This account is suspended. Please contact the site's support team.")
            )
        if user is not None and user.email_verified_at is None:
            # Only someone who knows the password learns this; a fresh link is mailed.
            mails.send_verification(db, user)
            db.commit()
            form.form_errors.append(
                _("Please confirm your email address first: we have sent you a new link.")
            )
        elif user is not None:
            db.commit()
            _start_session(user)
            return redirect(safe_next(form.next.data, url_for("pages.home")))
        elif not form.form_errors:
            form.form_errors.append(_("Email or password is not correct."))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (a POST with a CSRF token, so no other site can log a learner out)."""
    form = PlainForm()
    if form.validate_on_submit():
        _end_session()
    return redirect(url_for("pages.home"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@rate.limited(rate.RESET_PER_IP, rate.RESET_PER_ACCOUNT, refund_when=rate.refused_form)
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        db = get_session()
        user = user_service.find_by_email(db, form.email.data)
        if user is not None and user.is_active:
            mails.send_password_reset(db, user)
            db.commit()
        return render_template("auth/reset_sent.html")
    status = 400 if form.is_submitted() else 200
    return render_template("auth/forgot.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through a mailed (or staff-made) link; every session ends."""
    try:
        user_id, fingerprint = account_links.load_reset(token)
    except account_links.LinkExpired:
        return _link_error(_("This link has expired. Ask for a new one below."))
    except account_links.LinkInvalid:
        return _link_error(_("This link is not valid. Check that you copied all of it."))
    db = get_session()
    try:
        user = user_service.get_user(db, user_id)
    except NotFound:
        return _link_error(_("This link is not valid. Check that you copied all of it."))
    if user_service.password_fingerprint(user) != fingerprint:
        return _link_error(_("This link has already been used. Ask for a new one below."))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user_service.reset_password(db, user_id, fingerprint, form.password.data)
        except user_service.LinkUsed:
            db.rollback()
            return _link_error(_("This link has already been used. Ask for a new one below."))
        except ValidationError as exc:
            db.rollback()
            _show_errors(form, exc)
        else:
            db.commit()
            logout_user()
            session.clear()
            flash(_("Your password has been changed. Please log in."), "success")
            return redirect(url_for("auth.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/reset.html", form=form, token=token), status


def _show_errors(form, exc: ValidationError) -> None:
    for error in exc.errors:
        field = getattr(form, error.field, None)
        message = _signup_message(error.code)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def _settings_form(formdata=None) -> SettingsForm:
    user = current_user
    form = SettingsForm(
        formdata=formdata,
        display_name=user.display_name,
        interest_areas=list(user.interest_areas or []),
        preferred_language=user.preferred_language,
        caring_mode=user.caring_mode,
        text_size=user.text_size,
        time_zone=user.time_zone or "",
    )
    form.offer_time_zones(user.time_zone)
    return form


def _mail_form() -> MailSettingsForm:
    user = user_service.get_user(get_session(), current_user.id)
    return MailSettingsForm(formdata=None, digest=user.digest_mail, reminders=user.reminders)


def _account_page(
    settings: SettingsForm | None = None,
    password: ChangePasswordForm | None = None,
    email: EmailChangeForm | None = None,
):
    return render_template(
        "auth/account.html",
        settings=settings or _settings_form(),
        form=password or ChangePasswordForm(),
        email_form=email or EmailChangeForm(),
        mail_form=_mail_form(),
        plain=PlainForm(),
    )


@bp.route("/me/account/email", methods=["POST"])
@login_required
@rate.limited(rate.EMAIL_CHANGE_PER_ACCOUNT, refund_when=rate.refused_form)
def change_email():
    """Ask to move the account to another address: a link goes to that address."""
    form = EmailChangeForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            address = user_service.check_email_change(
                db, current_user.id, form.current_password.data, form.new_email.data
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            mails.send_email_change(db, user_service.get_user(db, current_user.id), address)
            db.commit()
            flash(
                _(
                    "We sent a link to %(email)s. Your address changes when you open it.",
                    email=address,
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    return _account_page(email=form), 400


def _link_error(message: str):
    return render_template("auth/link_error.html", message=message), 400


@bp.route("/me/account/email/<token>")
def confirm_email_change(token: str):
    """The link mailed to the new address: the account moves there; the old address is told."""
    try:
        user_id, old_email, new_email = account_links.load_email_change(token)
    except account_links.LinkExpired:
        return _link_error(_("This link has expired. Ask for the change again."))
    except account_links.LinkInvalid:
        return _link_error(_("This link is not valid. Copy the whole link from the mail."))
    db = get_session()
    try:
        user = user_service.change_email(db, user_id, old_email, new_email)
    except (user_service.LinkUsed, NotFound):
        db.rollback()
        return _link_error(_("This link was already used, or the address changed since."))
    except ValidationError:
        db.rollback()
        flash(_("Another account took this address in the meantime."), "error")
        return redirect(url_for("auth.login"))
    mails.send_email_changed(db, user, old_email)
    db.commit()
    flash(_("Your account now uses %(email)s.", email=new_email), "success")
    return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))


@bp.route("/me/account")
@login_required
def account():
    """The account page: profile and preferences, the password, sign out everywhere."""
    return _account_page()


@bp.route("/profile")
@login_required
def profile():
    """Where people look for their profile: the learning profile (My profile)."""
    return redirect(url_for("profile.page"))


@bp.route("/settings")
@login_required
def settings():
    """Where people look for their settings: the account page."""
    return redirect(url_for("auth.account"))


@bp.route("/me/account/settings", methods=["POST"])
@login_required
def save_settings():
    """Save the profile and preferences; the page's language follows the chosen one."""
    form = _settings_form(request.form)
    if form.validate_on_submit():
        db = get_session()
        try:
            user_service.update_profile(
                db,
                current_user.id,
                display_name=form.display_name.data,
                interest_areas=form.interest_areas.data or [],
            )
            user_service.update_preferences(
                db,
                current_user.id,
                preferred_language=form.preferred_language.data,
                caring_mode=bool(form.caring_mode.data),
                text_size=form.text_size.data,
                time_zone=form.time_zone.data or None,
                clear_time_zone=not form.time_zone.data,
            )
        except ValidationError as exc:
            db.rollback()
            _show_errors(form, exc)
        else:
            db.commit()
            session["lang"] = form.preferred_language.data
            with force_locale(form.preferred_language.data):
                flash(_("Your settings are saved."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(settings=form), 400


@bp.route("/me/account/mail", methods=["POST"])
@login_required
def save_mail_settings():
    """Turn the notification digest on or off; choose learning reminders."""
    form = MailSettingsForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    user_service.update_mail_settings(
        db, current_user.id, digest=bool(form.digest.data), reminders=form.reminders.data
    )
    db.commit()
    flash(_("Your mail settings are saved."), "success")
    return redirect(url_for("auth.account") + "#mail-heading")


def _stop_link(token: str) -> tuple[int, str] | None:
    try:
        return read_stop_token(current_app.secret_key, token)
    except BadStopLink:
        return None


@bp.route("/mail/stop/<token>", methods=["GET", "POST"])
def stop_mail(token: str):
    """The link at the foot of a digest or reminder: no log-in needed. Opening it asks to
    confirm (mail scanners open links); the button turns that mail off."""
    found = _stop_link(token)
    if found is None:
        return _link_error(_("This link is not valid. Copy the whole link from the mail."))
    user_id, what = found
    form = PlainForm()
    done = False
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        db = get_session()
        try:
            user_service.stop_mail(db, user_id, what)
        except NotFound:
            db.rollback()
            return _link_error(_("This account no longer exists."))
        db.commit()
        done = True
    return render_template("auth/stop_mail.html", what=what, done=done, form=form)


@bp.route("/me/account/password", methods=["POST"])
@login_required
def change_password():
    """Change the password: every other session ends; this device gets a fresh one."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        db = get_session()
        try:
            user_service.change_password(db, current_user.id, form.current.data, form.password.data)
        except ValidationError as exc:
            db.rollback()
            _show_errors(form, exc)
        else:
            db.commit()
            _start_session(user_service.get_user(db, current_user.id))
            flash(_("Your password has been changed. Other devices are signed out."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(password=form), 400


@bp.route("/me/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every session of the account, this one included."""
    form = PlainForm()
    if form.validate_on_submit():
        db = get_session()
        user_service.end_all_sessions(db, current_user.id)
        app_tokens.revoke_all(db, current_user.id)  # the apps signed in with tokens too
        db.commit()
        logout_user()
        session.clear()
        flash(_("You have been signed out on every device."), "success")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.account"))


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
