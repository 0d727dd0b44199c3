"""Web forms; Flask-WTF adds and checks the CSRF token on every one."""

from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp
from wtforms.validators import ValidationError as WTFormsValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from catalogue.models import Area, ProviderKind, Role
from catalogue.services.social import MAX_COMMENT, MAX_NOTE
from catalogue.services.users import MAX_PASSWORD, MIN_PASSWORD
from catalogue.timecodes import parse_clock
from webapp.i18n import AREA_LABELS, LANGUAGES, PROVIDER_KIND_LABELS, ROLE_LABELS


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


class NoteForm(FlaskForm):
    """A note on a course, optionally at a lesson and a moment of it (m:ss or h:mm:ss)."""

    body = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=MAX_NOTE)])
    lesson_id = SelectField(_l("Lesson"), choices=[], validate_choice=False, default="")
    position = StringField(
        _l("At (minutes:seconds)"),
        validators=[
            Optional(),
            Regexp(r"^\d{1,2}(:\d{2}){1,2}$", message=_l("Write a time as 2:05.")),
        ],
    )

    def validate_position(self, field: StringField) -> None:
        """A time that reads as one (2:75 does not)."""
        if field.data and parse_clock(field.data) is None:
            raise WTFormsValidationError(_l("Write a time as 2:05."))

    def position_seconds(self) -> int | None:
        """The time position in seconds, or None."""
        return parse_clock(self.position.data) if self.position.data else None


class NoteEditForm(FlaskForm):
    """The text of an existing note."""

    body = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=MAX_NOTE)])


class PlainForm(FlaskForm):
    """A form with nothing but its CSRF token (log-out, language switch)."""


def require_plain_form() -> None:
    """Answer 400 unless the posted form carries a valid CSRF token (buttons that only act)."""
    if not PlainForm().validate_on_submit():
        abort(400)


ENCODING_CHOICES = [
    SelectChoice("", _l("Detect automatically")),
    SelectChoice("utf-8", "UTF-8"),
    SelectChoice("gb18030", "GBK / GB18030"),
    SelectChoice("cp1252", "Windows-1252"),
]


# Languages a partner may state for a whole file (and the preview names), in the page's language.
FILE_LANGUAGES = {
    "zh": _l("Chinese"),
    "en": _l("English"),
    "ja": _l("Japanese"),
    "ko": _l("Korean"),
    "fr": _l("French"),
    "de": _l("German"),
    "es": _l("Spanish"),
    "pt": _l("Portuguese"),
    "ru": _l("Russian"),
}


def _area_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("None: every row names its area"))] + [
        SelectChoice(a.value, AREA_LABELS[a]) for a in Area
    ]


class UploadOptionsForm(FlaskForm):
    """How an upload is applied."""

    policy = SelectField(
        _l("If some rows have errors"),
        choices=[
            SelectChoice("valid_rows", _l("Apply the valid rows, report the others")),
            SelectChoice("all_or_nothing", _l("Apply nothing (all or nothing)")),
        ],
        default="valid_rows",
    )
    full_sync = BooleanField(_l("Full catalogue: withdraw my courses that are not in this file"))
    default_area = SelectField(_l("Area for rows without one"), choices=_area_choices())
    area_rule = SelectField(
        _l("Rows without an area"),
        choices=[
            SelectChoice(
                "infer", _l("Infer it from its subjects and title (the default area if unsure)")
            ),
            SelectChoice("default", _l("Use the default area, without inferring")),
        ],
        default="infer",
    )
    language = SelectField(
        _l("Language of every course in this file"),
        choices=[SelectChoice("", _l("Detect it from each course's text"))]
        + [SelectChoice(code, name) for code, name in FILE_LANGUAGES.items()],
        default="",
    )
    json_path = StringField(
        _l("JSON only: where the list of courses is (keys joined by dots)"),
        validators=[Optional(), Length(max=300)],
        render_kw={"placeholder": "result.list"},
    )
    provider_id = HiddenField()


class UploadForm(UploadOptionsForm):
    """A partner's catalogue file and how to apply it."""

    file = FileField(
        _l("Catalogue file (CSV, Excel .xlsx, JSON or JSON Lines)"),
        validators=[FileRequired(_l("Choose a file."))],
    )
    encoding = SelectField(_l("Text encoding"), choices=ENCODING_CHOICES, default="")


class TokenForm(FlaskForm):
    """Name a new API token."""

    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)])
    provider_id = HiddenField()


class ColumnForm(FlaskForm):
    """A thematic column's details; times are in the platform's time zone."""

    slug = StringField(
        _l("Address (letters, digits and hyphens)"),
        validators=[
            Optional(),
            Length(max=100),
            Regexp(r"^[A-Za-z0-9-]+$", message=_l("Use letters, digits and hyphens only.")),
        ],
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    cover_url = StringField(_l("Cover image URL"), validators=[Optional(), Length(max=1000)])
    publish_from = DateTimeLocalField(
        _l("Show from"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    publish_until = DateTimeLocalField(
        _l("Show until"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )


class CommentForm(FlaskForm):
    """A public comment on a course, or a reply to one."""

    # Its own id: the note form on the same page has a "body" field too.
    body = TextAreaField(
        _l("Your comment"),
        id="comment-body",
        validators=[DataRequired(), Length(max=MAX_COMMENT)],
    )
    parent_id = HiddenField()


REPORT_REASONS = [
    SelectChoice("abuse", _l("Rude or abusive")),
    SelectChoice("spam", _l("Advertising or spam")),
    SelectChoice("fraud", _l("Fraud or a scam")),
    SelectChoice("wrong", _l("Wrong or harmful information")),
    SelectChoice("other", _l("Something else")),
]


class ReviewDecisionForm(FlaskForm):
    """An editor's decision on a course review; a rejection needs a reason."""

    reason = TextAreaField(
        _l("Reason (shown to the partner; required to reject)"),
        validators=[Optional(), Length(max=2000)],
    )


class ReportForm(FlaskForm):
    """Report a comment to the editors."""

    reason = SelectField(_l("Why are you reporting it?"), choices=REPORT_REASONS)


class FeedbackForm(FlaskForm):
    """A rating and a message to the course's provider."""

    rating = RadioField(
        _l("Your rating"),
        choices=[SelectChoice(str(n), str(n)) for n in range(5, 0, -1)],
        validators=[DataRequired(message=_l("Choose a rating from 1 to 5."))],
    )
    message = TextAreaField(
        _l("Message to the provider (optional)"),
        id="feedback-message",
        validators=[Optional(), Length(max=MAX_COMMENT)],
    )


class ForgotPasswordForm(FlaskForm):
    """Ask for a password-reset link."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=320)])


class ResetPasswordForm(FlaskForm):
    """Choose a new password through a reset link."""

    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(MIN_PASSWORD, MAX_PASSWORD)]
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("Passwords do not match."))],
    )


class ChangePasswordForm(ResetPasswordForm):
    """Change the password while logged in."""

    current = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD)]
    )


# Zones offered on the settings page (any other IANA zone an account already has is added).
TIME_ZONES = (
    ("Asia/Shanghai", _l("Beijing time (Asia/Shanghai)")),
    ("Asia/Urumqi", _l("Urumqi (Asia/Urumqi)")),
    ("Asia/Hong_Kong", _l("Hong Kong (Asia/Hong_Kong)")),
    ("Asia/Taipei", _l("Taipei (Asia/Taipei)")),
    ("Asia/Singapore", _l("Singapore (Asia/Singapore)")),
    ("Asia/Tokyo", _l("Tokyo (Asia/Tokyo)")),
    ("Australia/Sydney", _l("Sydney (Australia/Sydney)")),
    ("Europe/London", _l("London (Europe/London)")),
    ("Europe/Berlin", _l("Berlin (Europe/Berlin)")),
    ("America/New_York", _l("New York (America/New_York)")),
    ("America/Los_Angeles", _l("Los Angeles (America/Los_Angeles)")),
    ("UTC", _l("UTC")),
)


class SettingsForm(FlaskForm):
    """A learner's profile and preferences."""

    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=50)])
    interest_areas = MultiCheckboxField(
        _l("Areas that interest you"), choices=[SelectChoice(a.value, AREA_LABELS[a]) for a in Area]
    )
    preferred_language = SelectField(
        _l("Language"), choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()]
    )
    caring_mode = BooleanField(_l("Caring mode: larger text, simpler pages, read aloud"))
    text_size = RadioField(
        _l("Text size in caring mode"),
        choices=[SelectChoice("large", _l("Large")), SelectChoice("larger", _l("Extra large"))],
        default="large",
    )
    time_zone = SelectField(_l("Time zone"), choices=[], validate_choice=False)

    def offer_time_zones(self, current: str | None) -> None:
        """The zones to choose from: the browser's (empty value), the usual ones, and the
        account's own if it is another."""
        choices = [SelectChoice("", _l("The one my browser uses"))]
        choices += [SelectChoice(code, label) for code, label in TIME_ZONES]
        if current and current not in dict(TIME_ZONES):
            choices.append(SelectChoice(current, current))
        self.time_zone.choices = choices


class MailSettingsForm(FlaskForm):
    """Which mails the account gets besides the ones it asks for (docs/mail.md)."""

    digest = BooleanField(_l("E-mail me a daily digest of my unread notifications"))
    reminders = RadioField(
        _l("Learning reminders by e-mail, for courses I started and left"),
        choices=[
            SelectChoice("off", _l("Off")),
            SelectChoice("daily", _l("At most once a day")),
            SelectChoice("weekly", _l("At most once a week")),
        ],
        default="off",
    )


class EmailChangeForm(FlaskForm):
    """Move the account to another e-mail address."""

    new_email = EmailField(_l("New email address"), validators=[DataRequired(), Length(max=320)])
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_PASSWORD)]
    )


class ProviderForm(FlaskForm):
    """An administrator registers a partner institution."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        _l("Kind of institution"),
        choices=[SelectChoice(k.value, PROVIDER_KIND_LABELS[k]) for k in ProviderKind],
        default=ProviderKind.UNIVERSITY.value,
    )
    contact_email = EmailField(
        _l("Contact email (optional)"), validators=[Optional(), Length(max=320)]
    )


class RenameProviderForm(FlaskForm):
    """A provider's new name."""

    name = StringField(_l("New name"), validators=[DataRequired(), Length(max=200)])


class RoleForm(FlaskForm):
    """An account's new role; a partner also names its provider."""

    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role])
    provider = StringField(
        _l("Provider, for a partner account (name or number)"),
        id="role-provider",
        validators=[Optional(), Length(max=200)],
    )


class AttachForm(FlaskForm):
    """The provider to attach an account to."""

    provider = StringField(
        _l("Provider (name or number)"),
        id="attach-provider",
        validators=[DataRequired(), Length(max=200)],
    )
