"""Study groups (issue 16): organisers create groups, invite learners by a link or a short
code, assign courses with due dates and post notices; learners join only with their explicit
consent and may leave at any time. The organiser's member table (the class teacher's query)
is computed for the whole group in a handful of set-based queries, never one per member.

Services flush but never commit: the caller owns the transaction.
"""

from __future__ import annotations

import csv
import io
import secrets
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from typing import NamedTuple

from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Row,
    Select,
    and_,
    bindparam,
    case,
    func,
    insert,
    literal,
    select,
    true,
    type_coerce,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalogue.errors import Collector, FieldError, NotFound, PermissionDenied, ValidationError
from catalogue.models import (
    Course,
    CourseStatus,
    Event,
    EventKind,
    Notification,
    Role,
    User,
    utcnow,
)
from catalogue.services.notifications import GROUP_ASSIGNMENT, GROUP_NOTICE
from records.models.certificates import Certificate
from records.models.groups import (
    CONSENT_SCOPE,
    GroupAssignment,
    GroupMember,
    GroupNotice,
    StudyGroup,
)
from records.models.progress import CourseProgress

ORGANISER_ROLES = (Role.ORGANISER, Role.ADMIN)
MAX_NAME, MAX_DESCRIPTION, MAX_NOTICE = 100, 2000, 2000
DEFAULT_INACTIVE_DAYS = 14
# "Behind the group": a member's mean progress over the assigned courses is more than this
# many points (of 1.0) below the group's median, in a group of at least BEHIND_MIN_MEMBERS.
BEHIND_MARGIN = 0.25
BEHIND_MIN_MEMBERS = 3
# Short codes avoid letters and digits people confuse (0/O, 1/I/L) and read aloud well.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
WARNINGS = ("inactive", "overdue", "behind")
SORT_KEYS = ("name", "progress", "last_activity", "certificates", "warnings", "joined")
PER_PAGE = 50


@dataclass(frozen=True)
class Organiser:
    """The signed-in person acting on groups (an organiser or an administrator)."""

    user_id: int
    role: Role


def _require_organiser(actor: Organiser) -> None:
    if actor.role not in ORGANISER_ROLES:
        raise PermissionDenied("only organisers run study groups")


def own_group(session: Session, actor: Organiser, group_id: int) -> StudyGroup:
    """The actor's own group; NotFound for anyone else's (even an administrator's view)."""
    _require_organiser(actor)
    group = session.get(StudyGroup, group_id)
    if group is None or group.organiser_id != actor.user_id:
        raise NotFound(f"group {group_id} is not yours")
    return group


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str | None) -> str:
    """A typed code as stored: upper case, without spaces and hyphens."""
    return "".join(ch for ch in (raw or "").upper() if ch not in " -\t")[:32]


def _validate(name: str | None, description: str | None, inactive_days: int | None) -> None:
    problems = Collector()
    if not (name or "").strip():
        problems.add("name", "REQUIRED", "a group needs a name")
    elif len(name.strip()) > MAX_NAME:
        problems.add("name", "TOO_LONG", f"at most {MAX_NAME} characters")
    if description and len(description) > MAX_DESCRIPTION:
        problems.add("description", "TOO_LONG", f"at most {MAX_DESCRIPTION} characters")
    if inactive_days is None or not 1 <= inactive_days <= 365:
        problems.add("inactive_days", "OUT_OF_RANGE", "between 1 and 365 days")
    if problems.errors:
        raise ValidationError(problems.errors)


def create_group(
    session: Session,
    actor: Organiser,
    name: str,
    description: str = "",
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
) -> StudyGroup:
    """A new group of the organiser's, with a fresh invitation."""
    _require_organiser(actor)
    _validate(name, description, inactive_days)
    group = StudyGroup(
        organiser_id=actor.user_id,
        name=name.strip(),
        description=(description or "").strip(),
        inactive_days=inactive_days,
        invite_code=_new_code(),
        invite_token=secrets.token_urlsafe(32),
    )
    session.add(group)
    session.flush()
    return group


def update_group(
    session: Session,
    actor: Organiser,
    group_id: int,
    name: str,
    description: str,
    inactive_days: int | None,
) -> StudyGroup:
    """Change a group's name, description and inactivity threshold."""
    group = own_group(session, actor, group_id)
    _validate(name, description, inactive_days)
    group.name, group.description = name.strip(), (description or "").strip()
    group.inactive_days = inactive_days
    session.flush()
    return group


def regenerate_invitation(session: Session, actor: Organiser, group_id: int) -> StudyGroup:
    """A new code and link; the old ones stop working."""
    group = own_group(session, actor, group_id)
    group.invite_code, group.invite_token = _new_code(), secrets.token_urlsafe(32)
    session.flush()
    return group


def revoke_invitation(session: Session, actor: Organiser, group_id: int) -> StudyGroup:
    """No code or link works until a new one is made; members stay."""
    group = own_group(session, actor, group_id)
    group.invite_code = group.invite_token = None
    session.flush()
    return group


@dataclass(frozen=True)
class GroupSummary:
    """One of an organiser's groups in their list."""

    id: int
    name: str
    members: int
    assignments: int
    created_at: datetime


def organiser_groups(session: Session, actor: Organiser) -> list[GroupSummary]:
    """The organiser's groups with their member counts, newest first."""
    _require_organiser(actor)
    members = (
        select(func.count())
        .where(GroupMember.group_id == StudyGroup.id, GroupMember.left_at.is_(None))
        .scalar_subquery()
    )
    assigned = (
        select(func.count()).where(GroupAssignment.group_id == StudyGroup.id).scalar_subquery()
    )
    rows = session.execute(
        select(StudyGroup.id, StudyGroup.name, members, assigned, StudyGroup.created_at)
        .where(StudyGroup.organiser_id == actor.user_id)
        .order_by(StudyGroup.id.desc())
    )
    return [GroupSummary(*row) for row in rows]


# -- joining and leaving -------------------------------------------------------------------


@dataclass(frozen=True)
class AssignedCourse:
    """A course a group assigns."""

    assignment_id: int
    course_id: int
    title: str
    due_on: date | None


@dataclass(frozen=True)
class Invitation:
    """What a learner sees before joining: the group, who runs it, what it assigns."""

    group_id: int
    name: str
    description: str
    organiser_name: str
    courses: list[AssignedCourse]
    already_member: bool


def _assigned(session: Session, group_id: int) -> list[AssignedCourse]:
    rows = session.execute(
        select(GroupAssignment.id, Course.id, Course.title, GroupAssignment.due_on)
        .join(Course, Course.id == GroupAssignment.course_id)
        .where(GroupAssignment.group_id == group_id)
        .order_by(GroupAssignment.due_on.is_(None), GroupAssignment.due_on, GroupAssignment.id)
    )
    return [AssignedCourse(*row) for row in rows]


def _by_invitation(session: Session, code: str | None, token: str | None) -> StudyGroup:
    if token:
        group = session.scalar(select(StudyGroup).where(StudyGroup.invite_token == token[:64]))
    else:
        normal = normalise_code(code)
        group = (
            session.scalar(select(StudyGroup).where(StudyGroup.invite_code == normal))
            if normal
            else None
        )
    if group is None:
        raise NotFound("no group has this invitation (it may have been replaced)")
    return group


def find_invitation(
    session: Session, user_id: int, *, code: str | None = None, token: str | None = None
) -> Invitation:
    """The group a code or link invites to; NotFound when it is unknown or revoked."""
    group = _by_invitation(session, code, token)
    organiser = session.scalar(select(User.display_name).where(User.id == group.organiser_id))
    member = session.get(GroupMember, (group.id, user_id))
    return Invitation(
        group.id,
        group.name,
        group.description,
        organiser or "",
        _assigned(session, group.id),
        member is not None and member.left_at is None,
    )


def join_group(
    session: Session,
    user_id: int,
    *,
    consent: bool,
    code: str | None = None,
    token: str | None = None,
) -> StudyGroup:
    """Join the group a code or link invites to, sharing progress, last activity and the
    certificates of its assigned courses; refused without explicit consent. Joining again
    after leaving asks for (and records) consent again; joining twice changes nothing."""
    group = _by_invitation(session, code, token)
    if not consent:
        raise ValidationError(
            [FieldError("consent", "CONSENT_REQUIRED", "joining needs your consent to share")]
        )
    member = session.get(GroupMember, (group.id, user_id))
    now = utcnow()
    if member is not None:
        if member.left_at is not None:
            member.left_at = None
            member.joined_at = member.consented_at = now
            member.consent_scope = CONSENT_SCOPE
            session.flush()
        return group
    try:
        with session.begin_nested():
            session.add(
                GroupMember(
                    group_id=group.id,
                    user_id=user_id,
                    consent_scope=CONSENT_SCOPE,
                    consented_at=now,
                    joined_at=now,
                )
            )
    except IntegrityError:
        pass  # the same learner's other request joined a moment before
    return group


def leave_group(session: Session, user_id: int, group_id: int) -> None:
    """Stop sharing with a group: the organiser no longer sees the learner at all."""
    member = session.get(GroupMember, (group_id, user_id))
    if member is None or member.left_at is not None:
        raise NotFound(f"not a member of group {group_id}")
    member.left_at = utcnow()
    session.flush()


# -- assignments and notices ----------------------------------------------------------------


def _notify_members(session: Session, group: StudyGroup, kind: str, data: dict) -> None:
    """One notification per current member, in one statement whatever the group's size."""
    now = utcnow()
    session.execute(
        insert(Notification).from_select(
            ["user_id", "kind", "data", "created_at"],
            select(
                GroupMember.user_id,
                literal(kind),
                bindparam(
                    "data", {"group_id": group.id, "group_name": group.name, **data}, type_=JSON
                ),
                bindparam("now", now, type_=Notification.__table__.c.created_at.type),
            ).where(GroupMember.group_id == group.id, GroupMember.left_at.is_(None)),
        )
    )


def assign_course(
    session: Session, actor: Organiser, group_id: int, course_id: int, due_on: date | None
) -> GroupAssignment:
    """Assign a published course (again: change its due date) and tell the members."""
    group = own_group(session, actor, group_id)
    course = session.get(Course, course_id)
    if course is None or course.status != CourseStatus.PUBLISHED:
        raise NotFound(f"no published course {course_id}")
    assignment = session.scalar(
        select(GroupAssignment).where(
            GroupAssignment.group_id == group.id, GroupAssignment.course_id == course_id
        )
    )
    if assignment is not None:
        assignment.due_on = due_on
        session.flush()
        return assignment
    assignment = GroupAssignment(group_id=group.id, course_id=course_id, due_on=due_on)
    session.add(assignment)
    session.flush()
    _notify_members(
        session,
        group,
        GROUP_ASSIGNMENT,
        {
            "course_id": course_id,
            "course_title": course.title,
            "due_on": due_on.isoformat() if due_on else None,
        },
    )
    return assignment


def unassign_course(session: Session, actor: Organiser, group_id: int, assignment_id: int) -> None:
    """Remove an assignment from the group."""
    group = own_group(session, actor, group_id)
    assignment = session.get(GroupAssignment, assignment_id)
    if assignment is None or assignment.group_id != group.id:
        raise NotFound(f"no assignment {assignment_id} in group {group_id}")
    session.delete(assignment)
    session.flush()


def post_notice(session: Session, actor: Organiser, group_id: int, body: str) -> GroupNotice:
    """Post a notice to the members and notify each of them."""
    group = own_group(session, actor, group_id)
    text = (body or "").strip()
    problems = Collector()
    if not text:
        problems.add("body", "REQUIRED", "a notice needs some text")
    elif len(text) > MAX_NOTICE:
        problems.add("body", "TOO_LONG", f"at most {MAX_NOTICE} characters")
    if problems.errors:
        raise ValidationError(problems.errors)
    notice = GroupNotice(group_id=group.id, author_id=actor.user_id, body=text)
    session.add(notice)
    session.flush()
    excerpt = text if len(text) <= 60 else text[:59] + "…"
    _notify_members(session, group, GROUP_NOTICE, {"notice_id": notice.id, "excerpt": excerpt})
    return notice


def notices(session: Session, group_id: int, limit: int = 10) -> list[GroupNotice]:
    """A group's newest notices."""
    return list(
        session.scalars(
            select(GroupNotice)
            .where(GroupNotice.group_id == group_id)
            .order_by(GroupNotice.id.desc())
            .limit(limit)
        )
    )


# -- the organiser's member table ----------------------------------------------------------


class CourseCell(NamedTuple):
    """One member's standing in one assigned course."""

    progress: float
    completed: bool
    certificate: bool
    overdue: bool


class MemberRow:
    """One consenting member as the organiser sees them; the per-course figures are kept as
    lists in the order of the table's courses, and `courses` maps course ids to cells. Made
    only for the rows a page shows (or an export writes), not for the whole group."""

    __slots__ = (
        "certificates",
        "course_ids",
        "flags",
        "joined_at",
        "last_activity",
        "name",
        "overdue",
        "per_course",
        "progress",
        "user_id",
        "warnings",
    )

    def __init__(
        self,
        user_id: int,
        name: str,
        joined_at: datetime,
        last_activity: datetime | None,
        course_ids: Sequence[int],
        per_course: list[float],
        flags: tuple[list[bool], list[bool], list[bool]],
        progress: float,
        certificates: int,
        overdue: int,
        warnings: tuple[str, ...],
    ) -> None:
        self.user_id, self.name, self.joined_at = user_id, name, joined_at
        self.last_activity, self.course_ids = last_activity, course_ids
        self.per_course, self.flags, self.progress = per_course, flags, progress
        self.certificates, self.overdue, self.warnings = certificates, overdue, warnings

    def cells(self) -> list[CourseCell]:
        """The member's cells in the order of the table's courses."""
        return [CourseCell(*cell) for cell in zip(self.per_course, *self.flags, strict=True)]

    @property
    def courses(self) -> dict[int, CourseCell]:
        """Course id → the member's cell in that course."""
        return dict(zip(self.course_ids, self.cells(), strict=True))


# A member in the whole group's table is a plain tuple (cheap to make, sort and filter for
# 2,000 members); these are its fields. Moments are as the driver gives them (naive UTC on
# SQLite): they are only compared, and made aware for the rows shown.
_ID, _NAME, _JOINED, _LAST, _PER, _MEAN, _CERTS, _OVERDUE, _WARNINGS, _FOLD = range(10)
Entry = tuple  # (user_id, name, joined, last, per-course progress, mean, certificates, ...)


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class MemberTable:
    """The whole group's member table and the figures its warnings are measured against."""

    def __init__(
        self,
        group: StudyGroup,
        courses: list[AssignedCourse],
        entries: list[Entry],
        median_progress: float,
        counts: dict[str, int],
        certified: set[tuple[int, int]],
        today: date,
    ) -> None:
        self.group, self.courses, self.entries = group, courses, entries
        self.median_progress, self.counts, self.certified = median_progress, counts, certified
        self.course_ids = [c.course_id for c in courses]
        self.due_past = [c.due_on is not None and c.due_on < today for c in courses]

    @property
    def member_count(self) -> int:
        """How many members consent to share."""
        return len(self.entries)

    def row(self, entry: Entry) -> MemberRow:
        """One member's full row (cells, certificates and flags per course)."""
        user_id, per = entry[_ID], entry[_PER]
        done = [p >= 1.0 for p in per]
        if entry[_CERTS]:
            holds = [(user_id, c) in self.certified for c in self.course_ids]
        else:
            holds = [False] * len(per)
        late = [past and not d for past, d in zip(self.due_past, done, strict=True)]
        return MemberRow(
            user_id,
            entry[_NAME],
            _aware(entry[_JOINED]),
            _aware(entry[_LAST]),
            self.course_ids,
            list(per),
            (done, holds, late),
            entry[_MEAN],
            entry[_CERTS],
            entry[_OVERDUE],
            entry[_WARNINGS],
        )

    @property
    def rows(self) -> list[MemberRow]:
        """Every member's row, by name."""
        return [self.row(e) for e in self.entries]


def _certificates(
    session: Session, members: Select, course_ids: Sequence[int]
) -> set[tuple[int, int]]:
    """(member, course) pairs holding a certificate (not revoked) of an assigned course."""
    if not course_ids:
        return set()
    rows = session.execute(
        select(Certificate.user_id, Certificate.course_id).where(
            Certificate.user_id.in_(members),
            Certificate.course_id.in_(course_ids),
            Certificate.revoked_at.is_(None),
        )
    )
    return {(u, c) for u, c in rows}


def _with_progress(
    db: Connection, group_id: int, people: Sequence[Row], course_ids: Sequence[int]
) -> list[tuple]:
    """The member rows with a progress column per assigned course appended (1.0 once
    completed), read from `course_progress` (kept by the database as events are written): one
    index seek per member, whatever the member's history and however large the table."""
    position = {c: i for i, c in enumerate(course_ids)}
    zeros = [0.0] * len(course_ids)
    progress: dict[int, list[float]] = {}
    current = and_(GroupMember.group_id == group_id, GroupMember.left_at.is_(None))
    if db.dialect.name == "postgresql":
        # Each member's rows by the primary key (user_id, course_id), as SQLite's planner
        # does with the plain join below. Left to itself PostgreSQL misjudges how many of
        # the members' rows there are (a group is not a random sample of learners) and reads
        # the whole table into a hash join: 39 ms at 800,000 rows against 10 ms, and growing
        # with every learner. The LIMIT (a bound the primary key makes exact) keeps the
        # subquery from being flattened back into that join.
        standing = (
            select(CourseProgress.course_id, CourseProgress.progress, CourseProgress.completed)
            .where(
                CourseProgress.user_id == GroupMember.user_id,
                CourseProgress.course_id.in_(course_ids),
            )
            .limit(len(course_ids))
            .lateral("standing")
        )
        query = (
            select(
                GroupMember.user_id,
                standing.c.course_id,
                standing.c.progress,
                standing.c.completed,
            )
            .join(standing, true())
            .where(current)
        )
    else:
        query = (
            select(
                GroupMember.user_id,
                CourseProgress.course_id,
                CourseProgress.progress,
                CourseProgress.completed,
            )
            .join(
                CourseProgress,
                and_(
                    CourseProgress.user_id == GroupMember.user_id,
                    CourseProgress.course_id.in_(course_ids),
                ),
            )
            .where(current)
        )
    # Fetched at once (not row by row: 10,000 rows cost 15 ms more through the cursor).
    rows = db.execute(query).all()
    for user_id, course_id, best, complete in rows:
        cells = progress.get(user_id)
        if cells is None:
            cells = progress[user_id] = zeros.copy()
        cells[position[course_id]] = 1.0 if complete or best >= 1.0 else best
    return [(*row, *progress.get(row[0], zeros)) for row in people]


def member_table(session: Session, actor: Organiser, group_id: int, today: date) -> MemberTable:
    """Every consenting member's assigned courses, progress, last activity, certificates and
    warnings, in four queries whatever the group's size: one row per member (name, joined,
    last activity), then the members' standing in the assigned courses from `course_progress`."""
    group = own_group(session, actor, group_id)
    courses = _assigned(session, group.id)
    course_ids = [c.course_id for c in courses]
    width = len(courses)
    members = select(GroupMember.user_id).where(
        GroupMember.group_id == group.id, GroupMember.left_at.is_(None)
    )
    # Last activity: the newest event of each member, one index seek each.
    last = (
        select(func.max(Event.created_at))
        .where(Event.user_id == GroupMember.user_id)
        .correlate(GroupMember)
        .scalar_subquery()
    )
    inactive_since = utcnow() - timedelta(days=group.inactive_days)
    naive_since = inactive_since.replace(tzinfo=None)  # SQLite's moments come back naive UTC
    db = session.connection()
    # Core rows, and the moments as plain DateTime: 4,000 of them need no time zone work.
    people = db.execute(
        select(
            GroupMember.user_id,
            # A lookup per member (not a join the planner may turn into a users scan).
            select(User.display_name)
            .where(User.id == GroupMember.user_id)
            .correlate(GroupMember)
            .scalar_subquery(),
            type_coerce(GroupMember.joined_at, DateTime()),
            type_coerce(last, DateTime()),
        ).where(GroupMember.group_id == group.id, GroupMember.left_at.is_(None))
    ).all()
    people = _with_progress(db, group.id, people, course_ids)
    certified = _certificates(session, members, course_ids)
    certificates = Counter(u for u, _c in certified)
    past = [i for i, c in enumerate(courses) if c.due_on is not None and c.due_on < today]
    means = [sum(row[4:]) / width for row in people] if width else [0.0] * len(people)
    median = statistics.median(means) if means else 0.0
    behind_below = median - BEHIND_MARGIN
    judge_behind = width > 0 and len(people) >= BEHIND_MIN_MEMBERS
    counts = dict.fromkeys(WARNINGS, 0)
    entries = []
    for row, mean in zip(people, means, strict=True):
        user_id, name, joined, last_at = row[:4]
        per = row[4:]
        seen = last_at or joined
        inactive = seen < (inactive_since if seen.tzinfo else naive_since)
        overdue = sum(1 for i in past if per[i] < 1.0) if past else 0
        warnings: tuple[str, ...] = ()
        if inactive:
            warnings = ("inactive",)
        if overdue:
            warnings += ("overdue",)
        if judge_behind and mean < behind_below:
            warnings += ("behind",)
        for warning in warnings:
            counts[warning] += 1
        entries.append(
            (
                user_id,
                name,
                joined,
                last_at,
                per,
                mean,
                certificates.get(user_id, 0),
                overdue,
                warnings,
                name.casefold(),
            )
        )
    entries.sort(key=lambda e: (e[_FOLD], e[_ID]))
    return MemberTable(group, courses, entries, median, counts, certified, today)


def _sort_key(table: MemberTable, key: str) -> Callable[[Entry], object]:
    if key == "name":
        return itemgetter(_FOLD)
    if key == "progress":
        return itemgetter(_MEAN)
    if key == "last_activity":
        return lambda e: (e[_LAST] is not None, e[_LAST] or e[_JOINED])
    if key == "certificates":
        return itemgetter(_CERTS)
    if key == "warnings":
        return lambda e: (len(e[_WARNINGS]), e[_OVERDUE])
    if key == "joined":
        return itemgetter(_JOINED)
    if key.startswith("course-"):
        i = table.course_ids.index(int(key.removeprefix("course-")))
        return lambda e: e[_PER][i]
    raise ValueError(key)


def valid_sort(table: MemberTable, key: str | None) -> str:
    """The sort key if the table has such a column, else "name"."""
    if key in SORT_KEYS:
        return key
    if key and key.startswith("course-"):
        tail = key.removeprefix("course-")
        if tail.isdigit() and int(tail) in {c.course_id for c in table.courses}:
            return key
    return "name"


def _select(table: MemberTable, sort: str, descending: bool, warning: str | None) -> list[Entry]:
    entries = table.entries  # by name, then id
    if warning == "any":
        entries = [e for e in entries if e[_WARNINGS]]
    elif warning in WARNINGS:
        entries = [e for e in entries if warning in e[_WARNINGS]]
    sort = valid_sort(table, sort)
    if sort == "name" and not descending:
        return list(entries)
    return sorted(entries, key=_sort_key(table, sort), reverse=descending)


def select_rows(
    table: MemberTable, sort: str = "name", descending: bool = False, warning: str | None = None
) -> list[MemberRow]:
    """The rows with a warning (any with "any"), in the order of one column; ties by name."""
    return [table.row(e) for e in _select(table, sort, descending, warning)]


@dataclass(frozen=True)
class RowsPage:
    """One page of the member table: its rows, how many rows match, the page and pages."""

    rows: list[MemberRow]
    total: int
    page: int
    pages: int


def page_rows(
    table: MemberTable,
    sort: str = "name",
    descending: bool = False,
    warning: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> RowsPage:
    """The rows of one page (past the last page: the last) of `select_rows`'s order; rows are
    made only for that page."""
    entries = _select(table, sort, descending, warning)
    pages = max(1, -(-len(entries) // per_page))
    page = min(max(page, 1), pages)
    shown = entries[(page - 1) * per_page : page * per_page]
    return RowsPage([table.row(e) for e in shown], len(entries), page, pages)


# -- Excel-safe CSV --------------------------------------------------------------------------

# OWASP "CSV Injection": a cell starting with one of these may run as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def export_csv(
    table: MemberTable,
    rows: Iterable[MemberRow],
    header: Sequence[str],
    warning_label: Callable[[str], str],
    format_time: Callable[[datetime | None], str],
) -> str:
    """The member table as CSV for spreadsheets: UTF-8 with a BOM, one row per member, a
    progress column per assigned course; no cell can run as a formula. `header` names the
    fixed columns (name, progress, last activity, certificates, warnings, joined)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    titles = [c.title for c in table.courses]
    writer.writerow([csv_cell(h) for h in [*header[:1], *titles, *header[1:]]])
    for row in rows:
        cells = [f"{round(progress * 100)}%" for progress in row.per_course]
        writer.writerow(
            [
                csv_cell(row.name),
                *cells,
                f"{round(row.progress * 100)}%",
                csv_cell(format_time(row.last_activity)),
                row.certificates,
                csv_cell("; ".join(warning_label(w) for w in row.warnings)),
                csv_cell(format_time(row.joined_at)),
            ]
        )
    return out.getvalue()


# -- the member's side -----------------------------------------------------------------------


@dataclass(frozen=True)
class MyAssignment:
    """A course one of the learner's groups asks them to take."""

    group_id: int
    group_name: str
    course_id: int
    title: str
    due_on: date | None
    progress: float
    completed: bool
    overdue: bool


def my_assignments(session: Session, user_id: int, today: date) -> list[MyAssignment]:
    """The learner's assignments from the groups they are in, soonest due first, in two
    queries (none for a learner in no group beyond the first)."""
    rows = session.execute(
        select(
            StudyGroup.id,
            StudyGroup.name,
            Course.id,
            Course.title,
            GroupAssignment.due_on,
        )
        .select_from(GroupMember)
        .join(StudyGroup, StudyGroup.id == GroupMember.group_id)
        .join(GroupAssignment, GroupAssignment.group_id == StudyGroup.id)
        .join(Course, Course.id == GroupAssignment.course_id)
        .where(GroupMember.user_id == user_id, GroupMember.left_at.is_(None))
        .order_by(GroupAssignment.due_on.is_(None), GroupAssignment.due_on, GroupAssignment.id)
    ).all()
    if not rows:
        return []
    kind = Event.kind
    standing = {
        course_id: (float(progress or 0.0), bool(complete))
        for course_id, progress, complete in session.execute(
            select(
                Event.course_id,
                func.max(case((kind == EventKind.PROGRESS, Event.value), else_=0.0)),
                func.max(case((kind == EventKind.COMPLETE, 1), else_=0)),
            )
            .where(
                Event.user_id == user_id,
                Event.course_id.in_({r[2] for r in rows}),
                kind.in_((EventKind.PROGRESS, EventKind.COMPLETE)),
            )
            .group_by(Event.course_id)
        )
    }
    result = []
    for group_id, group_name, course_id, title, due_on in rows:
        progress, completed = standing.get(course_id, (0.0, False))
        completed = completed or progress >= 1.0
        result.append(
            MyAssignment(
                group_id,
                group_name,
                course_id,
                title,
                due_on,
                1.0 if completed else min(progress, 1.0),
                completed,
                due_on is not None and due_on < today and not completed,
            )
        )
    return result


@dataclass(frozen=True)
class MyGroup:
    """A group the learner is in, with its newest notices."""

    id: int
    name: str
    description: str
    organiser_name: str
    joined_at: datetime
    notices: list[GroupNotice]


def my_groups(session: Session, user_id: int) -> list[MyGroup]:
    """The groups the learner currently shares with."""
    rows = session.execute(
        select(StudyGroup, User.display_name, GroupMember.joined_at)
        .join(GroupMember, GroupMember.group_id == StudyGroup.id)
        .join(User, User.id == StudyGroup.organiser_id)
        .where(GroupMember.user_id == user_id, GroupMember.left_at.is_(None))
        .order_by(GroupMember.joined_at.desc())
    ).all()
    return [
        MyGroup(g.id, g.name, g.description, organiser, joined, notices(session, g.id, 5))
        for g, organiser, joined in rows
    ]


# -- demo data -------------------------------------------------------------------------------

DEMO_ORGANISER_EMAIL = "organiser-demo@example.org"
DEMO_GROUP_NAME = "社区学院 · 智能手机与太极 秋季班"


def seed_demo(
    session: Session,
    organiser_password: str | None = None,
    today: date | None = None,
) -> None:
    """A demo organiser (organiser-demo@example.org; a random password unless one is given)
    running a demo group of twelve consenting members, two assigned courses (one due
    yesterday) and a notice, with members on track, behind, overdue and inactive. Idempotent;
    does nothing without two published courses with lessons."""
    from catalogue.models import Lesson
    from catalogue.services.activity import record_event
    from catalogue.services.engagement import finish_lesson
    from catalogue.services.users import register_user

    today = today or utcnow().date()
    organiser = session.scalar(select(User).where(User.email == DEMO_ORGANISER_EMAIL))
    if organiser is None:
        organiser = register_user(
            session,
            DEMO_ORGANISER_EMAIL,
            organiser_password or secrets.token_urlsafe(16),
            "王老师（小组示例）",
            role=Role.ORGANISER,
        )
    if session.scalar(select(StudyGroup.id).where(StudyGroup.organiser_id == organiser.id)):
        return
    courses = list(
        session.scalars(
            select(Course)
            .where(
                Course.status == CourseStatus.PUBLISHED,
                select(Lesson.id).where(Lesson.course_id == Course.id).exists(),
            )
            .order_by(Course.id)
            .limit(2)
        )
    )
    if len(courses) < 2:
        return
    actor = Organiser(organiser.id, Role.ORGANISER)
    group = create_group(
        session,
        actor,
        DEMO_GROUP_NAME,
        "每周三下午两点，社区活动中心二楼。请在截止日期前学完布置的课程。",
        inactive_days=7,
    )
    first, second = courses
    assign_course(session, actor, group.id, first.id, today - timedelta(days=1))
    assign_course(session, actor, group.id, second.id, today + timedelta(days=14))
    long_ago = utcnow() - timedelta(days=20)
    for n in range(12):
        email = f"group-demo-{n + 1:02d}@example.org"
        member = session.scalar(select(User).where(User.email == email))
        if member is None:
            member = register_user(
                session, email, secrets.token_urlsafe(16), f"小组学员{n + 1:02d}"
            )
        join_group(session, member.id, consent=True, code=group.invite_code)
        if n < 6:  # on track: both courses done
            for course in courses:
                for lesson in course.lessons:
                    finish_lesson(session, member.id, course.id, lesson.id)
        elif n < 9:  # the first course half done: overdue
            finish_lesson(session, member.id, first.id, first.lessons[0].id)
        elif n < 11:  # learnt once, long ago: inactive, overdue and behind
            record_event(session, member.id, first.id, EventKind.VIEW, at=long_ago)
            session.get(GroupMember, (group.id, member.id)).joined_at = long_ago
    post_notice(session, actor, group.id, "下周三停课一次，请大家在家把第一门课学完。")
    session.flush()
