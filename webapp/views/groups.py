"""Study groups: the organiser's groups and member table (the class teacher's query), and the
members' side: joining with consent by a link or a code, notices, assignments, leaving."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from catalogue.errors import NotFound, PermissionDenied, ValidationError
from catalogue.models import Role
from records import groups as group_service
from webapp.access import roles_required
from webapp.db import get_session
from webapp.forms import require_plain_form
from webapp.limits import GROUP_CODE_MISSES, GROUP_CODE_MISSES_PER_IP, limited
from webapp.templating import format_local_time, learner_zone
from webapp.urls import page_arg

bp = Blueprint("groups", __name__)

organiser_required = roles_required(Role.ORGANISER.value, Role.ADMIN.value)


class GroupForm(FlaskForm):
    """A group's name, description and when a member counts as inactive."""

    name = StringField(
        _l("Group name"), validators=[DataRequired(), Length(max=group_service.MAX_NAME)]
    )
    description = TextAreaField(
        _l("Description (members see it)"),
        validators=[Optional(), Length(max=group_service.MAX_DESCRIPTION)],
    )
    inactive_days = IntegerField(
        _l("Warn when a member has not learnt for (days)"),
        default=group_service.DEFAULT_INACTIVE_DAYS,
        validators=[DataRequired(), NumberRange(1, 365)],
    )


class AssignForm(FlaskForm):
    """A course to assign, by its number or its address, and a due date."""

    course = StringField(
        _l("Course number or address"),
        validators=[DataRequired(), Length(max=300)],
        render_kw={"placeholder": "/courses/123"},
    )
    due_on = DateField(_l("Due date (optional)"), validators=[Optional()])


class NoticeForm(FlaskForm):
    """A notice to every member."""

    body = TextAreaField(
        _l("Notice"), validators=[DataRequired(), Length(max=group_service.MAX_NOTICE)]
    )


class JoinForm(FlaskForm):
    """Joining a group: the invitation and the learner's explicit consent."""

    code = HiddenField()
    token = HiddenField()
    consent = BooleanField(
        _l(
            "I agree to share my progress, last activity and certificates of the assigned courses "
            "with this group's organiser"
        ),
    )


class CodeForm(FlaskForm):
    """The short code a learner was given."""

    class Meta:
        csrf = False  # a GET form that only looks the group up

    code = StringField(_l("Group code"), validators=[DataRequired(), Length(max=32)])


def _actor() -> group_service.Organiser:
    return group_service.Organiser(current_user.id, Role(current_user.role))


def _today() -> date:
    return datetime.now(learner_zone()).date()


def _flash_errors(form: FlaskForm) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")


def warning_labels(inactive_days: int) -> dict[str, str]:
    """The words for each warning in the page's language."""
    return {
        "inactive": _("Inactive for %(n)s days", n=inactive_days),
        "overdue": _("Overdue"),
        "behind": _("Behind the group"),
    }


@bp.app_context_processor
def _member_side() -> dict:
    def group_assignments() -> list:
        if not current_user.is_authenticated:
            return []
        return group_service.my_assignments(get_session(), current_user.id, _today())

    return {"group_assignments": group_assignments}


# -- the organiser's pages ------------------------------------------------------------------


@bp.route("/organiser/groups", methods=["GET", "POST"])
@organiser_required
def organiser_home():
    """The organiser's groups, and a form to create one."""
    db = get_session()
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = group_service.create_group(
                db, _actor(), form.name.data, form.description.data or "", form.inactive_days.data
            )
        except ValidationError:
            db.rollback()
            flash(
                _("The group could not be created. Check its name and the number of days."), "error"
            )
        else:
            db.commit()
            flash(_("Group created. Share its code or link with your learners."), "success")
            return redirect(url_for("groups.group_page", group_id=group.id))
    elif request.method == "POST":
        _flash_errors(form)
    groups = group_service.organiser_groups(db, _actor())
    return render_template("records/groups/organiser_home.html", groups=groups, form=form)


def _table_args(table: group_service.MemberTable) -> tuple[str, bool, str | None]:
    sort = group_service.valid_sort(table, request.args.get("sort"))
    descending = request.args.get("dir") == "desc"
    warning = request.args.get("warning") or None
    if warning not in (None, "any", *group_service.WARNINGS):
        warning = None
    return sort, descending, warning


def _own_table(group_id: int) -> group_service.MemberTable:
    try:
        return group_service.member_table(get_session(), _actor(), group_id, _today())
    except NotFound:
        abort(404)
    except PermissionDenied:
        abort(403)


def _last_seen(rows: list[group_service.MemberRow]) -> dict[int, str]:
    """The shown members' last activity in the learner's zone (looked up once, not per row)."""
    zone = learner_zone()
    return {
        row.user_id: row.last_activity.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        for row in rows
        if row.last_activity is not None
    }


@bp.route("/organiser/groups/<int:group_id>")
@organiser_required
def group_page(group_id: int):
    """The member table: sortable, filterable by warning, paged; and the group's settings,
    invitation, assignments and notices."""
    table = _own_table(group_id)
    sort, descending, warning = _table_args(table)
    per_page = group_service.PER_PAGE
    shown = group_service.page_rows(table, sort, descending, warning, page_arg(), per_page)
    group = table.group
    return render_template(
        "records/groups/group.html",
        table=table,
        group=group,
        rows=shown.rows,
        last_seen=_last_seen(shown.rows),
        total=shown.total,
        page=shown.page,
        pages=shown.pages,
        per_page=per_page,
        margin=round(group_service.BEHIND_MARGIN * 100),
        sort=sort,
        descending=descending,
        warning=warning,
        labels=warning_labels(group.inactive_days),
        notices=group_service.notices(get_session(), group.id),
        settings_form=GroupForm(obj=group, formdata=None),
        assign_form=AssignForm(formdata=None),
        notice_form=NoticeForm(formdata=None),
        join_link=(
            url_for("groups.join_by_link", token=group.invite_token, _external=True)
            if group.invite_token
            else None
        ),
    )


CSV_HEADER = (
    _l("Member"),
    _l("Progress (assigned courses)"),
    _l("Last activity"),
    _l("Certificates"),
    _l("Warnings"),
    _l("Joined"),
)


@bp.route("/organiser/groups/<int:group_id>/members.csv")
@organiser_required
def export(group_id: int):
    """The member table (its current sort and filter) as Excel-safe CSV."""
    table = _own_table(group_id)
    sort, descending, warning = _table_args(table)
    labels = warning_labels(table.group.inactive_days)
    body = group_service.export_csv(
        table,
        group_service.select_rows(table, sort, descending, warning),
        [str(h) for h in CSV_HEADER],
        lambda w: labels[w],
        format_local_time,
    )
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="group-{group_id}-members.csv"'},
    )


def _back(group_id: int, anchor: str | None = None):
    return redirect(url_for("groups.group_page", group_id=group_id, _anchor=anchor))


@bp.route("/organiser/groups/<int:group_id>/settings", methods=["POST"])
@organiser_required
def settings(group_id: int):
    """Change the group's name, description and inactivity threshold."""
    form = GroupForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return _back(group_id, "settings")
    db = get_session()
    try:
        group_service.update_group(
            db,
            _actor(),
            group_id,
            form.name.data,
            form.description.data or "",
            form.inactive_days.data,
        )
    except NotFound:
        abort(404)
    except ValidationError:
        db.rollback()
        flash(_("The group could not be changed. Check its name and the number of days."), "error")
        return _back(group_id, "settings")
    db.commit()
    flash(_("Group saved."), "success")
    return _back(group_id, "settings")


@bp.route("/organiser/groups/<int:group_id>/invitation", methods=["POST"])
@organiser_required
def invitation(group_id: int):
    """Make a new code and link (the old ones stop working), or revoke them."""
    require_plain_form()
    action = request.form.get("action")
    if action not in ("regenerate", "revoke"):
        abort(400)
    db = get_session()
    try:
        if action == "regenerate":
            group_service.regenerate_invitation(db, _actor(), group_id)
        else:
            group_service.revoke_invitation(db, _actor(), group_id)
    except NotFound:
        abort(404)
    db.commit()
    if action == "regenerate":
        flash(_("A new code and link were made; the old ones no longer work."), "success")
    else:
        flash(_("The code and link no longer work. Members stay in the group."), "success")
    return _back(group_id, "invitation")


_COURSE_NUMBER = re.compile(r"(?:courses/)?(\d{1,18})/?(?:[?#].*)?$")


@bp.route("/organiser/groups/<int:group_id>/assignments", methods=["POST"])
@organiser_required
def assign(group_id: int):
    """Assign a course (by number or address) with an optional due date."""
    form = AssignForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return _back(group_id, "assignments")
    match = _COURSE_NUMBER.search(form.course.data.strip())
    if match is None:
        flash(_("Write a course number, or paste the course's address."), "error")
        return _back(group_id, "assignments")
    db = get_session()
    try:
        group_service.own_group(db, _actor(), group_id)
    except NotFound:
        abort(404)
    try:
        group_service.assign_course(db, _actor(), group_id, int(match.group(1)), form.due_on.data)
    except NotFound:
        db.rollback()
        flash(_("There is no published course with that number."), "error")
        return _back(group_id, "assignments")
    db.commit()
    flash(_("Course assigned. The members were notified."), "success")
    return _back(group_id, "assignments")


@bp.route(
    "/organiser/groups/<int:group_id>/assignments/<int:assignment_id>/delete", methods=["POST"]
)
@organiser_required
def unassign(group_id: int, assignment_id: int):
    """Remove an assignment."""
    require_plain_form()
    db = get_session()
    try:
        group_service.unassign_course(db, _actor(), group_id, assignment_id)
    except NotFound:
        abort(404)
    db.commit()
    flash(_("Assignment removed."), "success")
    return _back(group_id, "assignments")


@bp.route("/organiser/groups/<int:group_id>/notices", methods=["POST"])
@organiser_required
def notice(group_id: int):
    """Post a notice to every member."""
    form = NoticeForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return _back(group_id, "notices")
    db = get_session()
    try:
        group_service.post_notice(db, _actor(), group_id, form.body.data)
    except NotFound:
        abort(404)
    except ValidationError:
        db.rollback()
        flash(_("The notice could not be posted. Check its length."), "error")
        return _back(group_id, "notices")
    db.commit()
    flash(_("Notice posted. The members were notified."), "success")
    return _back(group_id, "notices")


# -- the members' side -----------------------------------------------------------------------


def _consent_page(code: str | None, token: str | None):
    try:
        invitation = group_service.find_invitation(
            get_session(), current_user.id, code=code, token=token
        )
    except NotFound:
        return render_template(
            "records/groups/join.html",
            code_form=CodeForm(formdata=None, code=code or ""),
            unknown=True,
        ), 404
    form = JoinForm(formdata=None, code=code or "", token=token or "")
    return render_template("records/groups/consent.html", invitation=invitation, form=form)


def _found(response) -> bool:
    """Refund predicate: the code or link named a group (only misses count)."""
    return response.status_code != 404


@bp.route("/groups/join")
@login_required
@limited(GROUP_CODE_MISSES, GROUP_CODE_MISSES_PER_IP, refund_when=_found)
def join():
    """Type a group's code; with a code, the group and what joining shares."""
    code = request.args.get("code")
    if code:
        return _consent_page(code, None)
    return render_template("records/groups/join.html", code_form=CodeForm(formdata=None))


@bp.route("/groups/join/<token>")
@login_required
@limited(GROUP_CODE_MISSES, GROUP_CODE_MISSES_PER_IP, refund_when=_found)
def join_by_link(token: str):
    """An invitation link: the group and what joining shares."""
    return _consent_page(None, token)


def _joined(response) -> bool:
    """Refund predicate: the learner joined (a code that matched no group counts)."""
    return response.status_code == 302 and "/me/groups" in response.headers.get("Location", "")


@bp.route("/groups/join", methods=["POST"])
@login_required
@limited(GROUP_CODE_MISSES, GROUP_CODE_MISSES_PER_IP, refund_when=_joined)
def join_post():
    """Join with explicit consent; without it nothing is shared."""
    form = JoinForm()
    if not form.validate_on_submit():
        abort(400)
    code, token = form.code.data or None, form.token.data or None
    if not form.consent.data:
        flash(_("You have not joined: tick the box to agree to share, or leave the page."), "error")
        if token:
            return redirect(url_for("groups.join_by_link", token=token))
        return redirect(url_for("groups.join", code=code or ""))
    db = get_session()
    try:
        group = group_service.join_group(db, current_user.id, consent=True, code=code, token=token)
    except NotFound:
        flash(_("This invitation no longer works. Ask the organiser for a new code."), "error")
        return redirect(url_for("groups.join"))
    db.commit()
    flash(_("You joined “%(name)s”.", name=group.name), "success")
    return redirect(url_for("groups.my_groups", _anchor=f"group-{group.id}"))


@bp.route("/me/groups")
@login_required
def my_groups():
    """The learner's groups: notices, assignments, what is shared, and leaving."""
    db = get_session()
    return render_template(
        "records/groups/mine.html",
        groups=group_service.my_groups(db, current_user.id),
        assignments=group_service.my_assignments(db, current_user.id, _today()),
    )


@bp.route("/me/groups/<int:group_id>/leave", methods=["POST"])
@login_required
def leave(group_id: int):
    """Leave a group: the organiser no longer sees anything of the learner."""
    require_plain_form()
    db = get_session()
    try:
        group_service.leave_group(db, current_user.id, group_id)
    except NotFound:
        abort(404)
    db.commit()
    flash(_("You left the group. It no longer sees your learning."), "success")
    return redirect(url_for("groups.my_groups"))
