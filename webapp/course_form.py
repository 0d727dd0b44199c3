"""The partner's form for one course and its lessons, and its translation to and from the
course service's input."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from catalogue.errors import ValidationError
from catalogue.models import BodyFormat, Course, CourseStatus, Level, MediaType
from catalogue.services.courses import MAX_LESSONS, CourseData, LessonData, course_input
from catalogue.services.reading import MAX_BODY_CHARS
from catalogue.timecodes import clock, parse_clock
from webapp import messages
from webapp.i18n import AREA_LABELS, FORMAT_LABELS, LANGUAGES, LEVEL_LABELS, MEDIA_LABELS

# Empty lesson rows a new form offers, and how many "add a lesson" adds at a time.
BLANK_LESSONS = 1


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(getattr(key, "value", key), label) for key, label in labels.items()]


class LessonForm(Form):
    """One lesson row of the course form (no CSRF of its own: the course form has it)."""

    lesson_id = HiddenField()
    title = StringField(_l("Lesson title"), validators=[Optional(), Length(max=300)])
    media_type = SelectField(_l("Kind"), choices=_choices(MEDIA_LABELS), default="video")
    duration = StringField(_l("Length (minutes:seconds)"), validators=[Optional(), Length(max=12)])
    url = StringField(_l("Video, audio or page address"), validators=[Length(max=1000)])
    captions_url = StringField(_l("Subtitles (WebVTT) address"), validators=[Length(max=1000)])
    body = TextAreaField(
        _l("Text of a reading lesson"), validators=[Optional(), Length(max=MAX_BODY_CHARS)]
    )
    body_format = SelectField(
        _l("Text format"),
        choices=[SelectChoice("markdown", "Markdown"), SelectChoice("html", "HTML")],
        default=BodyFormat.MARKDOWN.value,
    )
    remove = BooleanField(_l("Remove this lesson"))


class CourseForm(FlaskForm):
    """A course's fields and its lessons, as a partner edits them."""

    external_id = StringField(_l("Course id"), validators=[Length(max=200)])
    title = StringField(_l("Title"), validators=[Length(max=300)])
    subtitle = StringField(_l("Subtitle"), validators=[Optional(), Length(max=500)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    area = SelectField(_l("Area"), choices=_choices(AREA_LABELS))
    format = SelectField(_l("Format"), choices=_choices(FORMAT_LABELS))
    level = SelectField(_l("Level"), choices=_choices(LEVEL_LABELS), default=Level.ALL.value)
    language = SelectField(_l("Language"), choices=_choices(LANGUAGES), default="zh")
    subjects = StringField(
        _l("Subjects (separated by commas)"), validators=[Optional(), Length(max=1200)]
    )
    duration_minutes = StringField(
        _l("Length in minutes (empty: the lessons' total)"), validators=[Length(max=8)]
    )
    cover_url = StringField(_l("Cover image URL"), validators=[Length(max=1000)])
    source_url = StringField(_l("Course URL"), validators=[Length(max=1000)])
    is_free = BooleanField(_l("Free"), default=True)
    price = StringField(_l("Price in yuan (paid courses)"), validators=[Length(max=12)])
    status = SelectField(
        _l("Status"),
        choices=_choices(messages.COURSE_STATUS),
        default=CourseStatus.DRAFT.value,
    )
    lessons = FieldList(FormField(LessonForm), max_entries=MAX_LESSONS)


def form_for(course: Course | None) -> CourseForm:
    """A form filled from a stored course (with its lessons), or an empty one for a new course."""
    if course is None:
        form = CourseForm()
        for _blank in range(BLANK_LESSONS):
            form.lessons.append_entry()
        return form
    return form_for_input(course_input(course), course.status.value)


def form_for_input(data: CourseData, status: str) -> CourseForm:
    """A form filled from course input (a stored course's, or changes that wait for review)."""
    return CourseForm(
        data={
            "external_id": data.external_id,
            "title": data.title,
            "subtitle": data.subtitle or "",
            "description": data.description or "",
            "area": str(data.area),
            "format": str(data.format),
            "level": str(data.level),
            "language": data.language,
            "subjects": ", ".join(data.subjects or []),
            "duration_minutes": "" if data.duration_minutes is None else str(data.duration_minutes),
            "cover_url": data.cover_url or "",
            "source_url": data.source_url or "",
            "is_free": data.is_free,
            "price": "" if data.price_cents is None else f"{data.price_cents / 100:.2f}",
            "status": status,
            "lessons": [
                {
                    "lesson_id": "" if lesson.id is None else str(lesson.id),
                    "title": lesson.title,
                    "media_type": str(lesson.media_type),
                    "duration": clock(lesson.duration_seconds or 0),
                    "url": lesson.url or "",
                    "captions_url": lesson.captions_url or "",
                    "body": lesson.body or "",
                    "body_format": str(lesson.body_format or BodyFormat.MARKDOWN),
                }
                for lesson in data.lessons
            ],
        }
    )


def course_data(form: CourseForm, external_id: str | None = None) -> tuple[CourseData, bool]:
    """The course service's input from a submitted form, and whether every value could be
    read (what could not is marked on its field and left out).

    Rows marked "remove" and rows left entirely empty are not lessons.
    """
    problems = False
    price_cents = None
    if form.price.data and form.price.data.strip():
        try:
            price = Decimal(form.price.data.strip().lstrip("¥￥"))
            if price < 0 or price != price.quantize(Decimal("0.01")):
                raise InvalidOperation
            price_cents = int(price * 100)
        except InvalidOperation:
            form.price.errors = [*form.price.errors, _("Write the price in yuan, e.g. 49.00.")]
            problems = True
    duration = None
    if form.duration_minutes.data and form.duration_minutes.data.strip():
        text = form.duration_minutes.data.strip()
        if not text.isdigit():
            form.duration_minutes.errors = [
                *form.duration_minutes.errors,
                str(messages.ROW_PROBLEMS["NOT_A_NUMBER"]),
            ]
            problems = True
        else:
            duration = int(text)
    lessons = []
    for entry in kept_lessons(form):
        row = entry.form
        seconds = 0
        if row.duration.data and row.duration.data.strip():
            parsed = parse_clock(row.duration.data)
            if parsed is None:
                row.duration.errors = [
                    *row.duration.errors,
                    _("Write the length as minutes:seconds, e.g. 12:30."),
                ]
                problems = True
            else:
                seconds = parsed
        lessons.append(
            LessonData(
                id=int(row.lesson_id.data) if (row.lesson_id.data or "").isdigit() else None,
                title=(row.title.data or "").strip(),
                media_type=row.media_type.data,
                duration_seconds=seconds,
                url=(row.url.data or "").strip() or None,
                captions_url=(row.captions_url.data or "").strip() or None,
                body=row.body.data if row.media_type.data == MediaType.TEXT.value else None,
                body_format=row.body_format.data
                if row.media_type.data == MediaType.TEXT.value
                else None,
            )
        )
    data = CourseData(
        external_id=external_id if external_id is not None else (form.external_id.data or ""),
        title=(form.title.data or "").strip(),
        area=form.area.data,
        format=form.format.data,
        subtitle=(form.subtitle.data or "").strip() or None,
        description=(form.description.data or "").strip() or None,
        subjects=[
            s.strip() for s in (form.subjects.data or "").replace("，", ",").split(",") if s.strip()
        ],
        level=form.level.data,
        language=form.language.data,
        duration_minutes=duration,
        cover_url=(form.cover_url.data or "").strip() or None,
        source_url=(form.source_url.data or "").strip() or None,
        is_free=bool(form.is_free.data),
        price_cents=None if form.is_free.data else price_cents,
        lessons=lessons,
    )
    return data, not problems


def kept_lessons(form: CourseForm) -> list:
    """The lesson rows that are lessons: not marked for removal and not left blank."""
    kept = []
    for entry in form.lessons:
        row = entry.form
        if row.remove.data:
            continue
        filled = any(
            (getattr(row, name).data or "").strip()
            for name in ("title", "duration", "url", "captions_url", "body")
        )
        if filled or (row.lesson_id.data or "").strip():
            kept.append(entry)
    return kept


def show_problems(form: CourseForm, exc: ValidationError) -> None:
    """Put the course service's complaints on the fields they concern, in the learner's words."""
    lesson_rows = kept_lessons(form)
    own = {"price_cents": form.price, "duration_minutes": form.duration_minutes}
    for problem in exc.errors:
        message = str(messages.ROW_PROBLEMS.get(problem.code) or _("Please check this field."))
        field = None
        if problem.field.startswith("lessons[") and "]." in problem.field:
            index_text, name = problem.field[len("lessons[") :].split("].", 1)
            index = int(index_text) - 1
            if 0 <= index < len(lesson_rows):
                row = lesson_rows[index].form
                field = getattr(row, "duration" if name == "duration_seconds" else name, None)
        else:
            field = own.get(problem.field) or getattr(form, problem.field, None)
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]
