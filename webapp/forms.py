"""Web forms; Flask-WTF adds and checks the CSRF token on every one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length
from wtforms.widgets import CheckboxInput, ListWidget

from catalogue.models import Area
from catalogue.services.users import MAX_PASSWORD, MIN_PASSWORD
from webapp.i18n import AREA_LABELS, LANGUAGES


class MultiCheckboxField(SelectMultipleField):
    """A set of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SignupForm(FlaskForm):
    """Create a learner account."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=320)])
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=50)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(MIN_PASSWORD, MAX_PASSWORD)]
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("Passwords do not match."))],
    )
    preferred_language = SelectField(
        _l("Language"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        default="zh",
    )
    interest_areas = MultiCheckboxField(
        _l("Areas that interest you"), choices=[SelectChoice(a.value, AREA_LABELS[a]) for a in Area]
    )


class LoginForm(FlaskForm):
    """Log in with email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=320)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD)])
    next = HiddenField()


class PlainForm(FlaskForm):
    """A form with nothing but its CSRF token (log-out, language switch)."""
