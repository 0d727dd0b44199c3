"""Study groups: organisers create groups, learners join by code or link with consent and
leave; assignments, notices and notifications; the organiser's member table (progress, last
activity, warnings, sorting, filtering, paging) and its Excel-safe CSV; who may see what."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from catalogue.errors import NotFound, PermissionDenied, ValidationError
from catalogue.models import Event, EventKind, Notification, Role
from catalogue.services.activity import record_event
from catalogue.services.engagement import finish_lesson
from catalogue.services.users import register_user
from records import groups as svc
from records.models.certificates import Certificate, CertificateKind
from records.models.groups import GroupAssignment, GroupMember, StudyGroup
from tests.helpers import csrf_token, login, make_course, make_provider

PASSWORD = "password-123"
TODAY = date(2026, 12, 1)


def _people(session, *names, role=Role.LEARNER):
    return [
        register_user(
            session, f"{n}@example.cn", PASSWORD, n.capitalize(), role=role, preferred_language="en"
        )
        for n in names
    ]


@pytest.fixture
def world(session):
    """An organiser with a group assigning two courses, three learners in it, one outsider,
    another organiser."""
    provider = make_provider(session).id
    taiji = make_course(session, provider, title="太极拳入门", lessons=2)
    phone = make_course(session, provider, title="智能手机入门", lessons=4)
    (organiser,) = _people(session, "olga", role=Role.ORGANISER)
    (other,) = _people(session, "oscar", role=Role.ORGANISER)
    ann, bob, cai, dan = _people(session, "ann", "bob", "cai", "dan")
    session.commit()
    actor = svc.Organiser(organiser.id, Role.ORGANISER)
    group = svc.create_group(session, actor, "社区学院 秋季班", "每周三上课", inactive_days=7)
    for learner in (ann, bob, cai):
        svc.join_group(session, learner.id, consent=True, code=group.invite_code)
    svc.assign_course(session, actor, group.id, taiji.id, TODAY - timedelta(days=1))
    svc.assign_course(session, actor, group.id, phone.id, None)
    session.commit()
    return {
        "actor": actor,
        "group": group,
        "organiser": organiser,
        "other": other,
        "ann": ann,
        "bob": bob,
        "cai": cai,
        "dan": dan,
        "taiji": taiji,
        "phone": phone,
    }


def test_only_organisers_and_admins_create_groups(session):
    (learner,) = _people(session, "lee")
    (admin,) = _people(session, "ada", role=Role.ADMIN)
    session.commit()
    with pytest.raises(PermissionDenied):
        svc.create_group(session, svc.Organiser(learner.id, Role.LEARNER), "x")
    group = svc.create_group(session, svc.Organiser(admin.id, Role.ADMIN), "管理员的组")
    assert len(group.invite_code) == svc.CODE_LENGTH and len(group.invite_token) >= 40
    with pytest.raises(ValidationError) as refused:
        svc.create_group(session, svc.Organiser(admin.id, Role.ADMIN), "  ", inactive_days=0)
    assert {e.field for e in refused.value.errors} == {"name", "inactive_days"}


def test_joining_needs_consent_and_a_working_invitation(session, world):
    group, dan = world["group"], world["dan"]
    with pytest.raises(ValidationError):
        svc.join_group(session, dan.id, consent=False, code=group.invite_code)
    assert session.get(GroupMember, (group.id, dan.id)) is None
    # The code is forgiving about case, spaces and hyphens.
    typed = group.invite_code.lower()[:4] + "-" + group.invite_code.lower()[4:]
    assert svc.find_invitation(session, dan.id, code=typed).group_id == group.id
    svc.regenerate_invitation(session, world["actor"], group.id)
    with pytest.raises(NotFound):
        svc.join_group(session, dan.id, consent=True, code=typed)
    svc.join_group(session, dan.id, consent=True, token=group.invite_token)
    svc.join_group(session, dan.id, consent=True, token=group.invite_token)  # twice: no change
    svc.revoke_invitation(session, world["actor"], group.id)
    assert group.invite_code is None and group.invite_token is None
    with pytest.raises(NotFound):
        svc.find_invitation(session, dan.id, code="")
    session.commit()
    assert len(svc.member_table(session, world["actor"], group.id, TODAY).rows) == 4


def test_the_member_table_progress_activity_and_warnings(session, world):
    group, actor = world["group"], world["actor"]
    taiji, phone = world["taiji"], world["phone"]
    ann, bob, cai = world["ann"], world["bob"], world["cai"]
    for lesson in taiji.lessons:
        finish_lesson(session, ann.id, taiji.id, lesson.id)
    for lesson in phone.lessons:
        finish_lesson(session, ann.id, phone.id, lesson.id)
    finish_lesson(session, bob.id, taiji.id, taiji.lessons[0].id)
    for lesson in phone.lessons:
        finish_lesson(session, bob.id, phone.id, lesson.id)
    # Cai learnt a month ago only, and joined long ago.
    long_ago = datetime.now(UTC) - timedelta(days=30)
    record_event(session, cai.id, taiji.id, EventKind.VIEW, at=long_ago)
    session.get(GroupMember, (group.id, cai.id)).joined_at = long_ago
    for learner, revoked in ((ann, None), (bob, long_ago)):
        session.add(
            Certificate(
                code=f"test-{learner.id}",
                kind=CertificateKind.COURSE,
                user_id=learner.id,
                course_id=taiji.id,
                title_zh="太极拳入门",
                title_en="Taiji",
                holder_name=learner.display_name,
                credential="{}",
                key_id="test",
                revoked_at=revoked,
            )
        )
    session.commit()

    table = svc.member_table(session, actor, group.id, TODAY)
    rows = {r.name: r for r in table.rows}
    assert rows["Ann"].progress == 1.0 and rows["Ann"].warnings == ()
    assert rows["Ann"].certificates == 1 and rows["Ann"].courses[taiji.id].certificate
    assert rows["Bob"].certificates == 0  # revoked
    assert rows["Bob"].courses[taiji.id].progress == 0.5 and rows["Bob"].courses[phone.id].completed
    assert rows["Bob"].progress == 0.75 and rows["Bob"].warnings == ("overdue",)
    assert table.median_progress == 0.75
    assert abs(rows["Cai"].last_activity - long_ago) < timedelta(seconds=1)
    assert rows["Cai"].warnings == ("inactive", "overdue", "behind")
    assert table.counts == {"inactive": 1, "overdue": 2, "behind": 1}

    by_progress = svc.select_rows(table, "progress", descending=True)
    assert [r.name for r in by_progress] == ["Ann", "Bob", "Cai"]
    assert next(r.name for r in svc.select_rows(table, "warnings", True)) == "Cai"
    assert [r.name for r in svc.select_rows(table, f"course-{taiji.id}")] == ["Cai", "Bob", "Ann"]
    assert [r.name for r in svc.select_rows(table, warning="overdue")] == ["Bob", "Cai"]
    assert [r.name for r in svc.select_rows(table, warning="any")] == ["Bob", "Cai"]
    assert svc.valid_sort(table, "course-999999") == "name"
    assert svc.valid_sort(table, "; drop table") == "name"


def test_a_learner_who_left_or_never_consented_is_not_shown(session, world):
    group, actor = world["group"], world["actor"]
    svc.leave_group(session, world["bob"].id, group.id)
    session.commit()
    names = {r.name for r in svc.member_table(session, actor, group.id, TODAY).rows}
    assert names == {"Ann", "Cai"}  # Dan never joined, Bob left
    assert svc.my_assignments(session, world["bob"].id, TODAY) == []
    with pytest.raises(NotFound):
        svc.leave_group(session, world["bob"].id, group.id)
    # Joining again asks for consent again, and shows the learner again.
    svc.join_group(session, world["bob"].id, consent=True, code=group.invite_code)
    session.commit()
    assert len(svc.member_table(session, actor, group.id, TODAY).rows) == 3


def test_the_standing_is_the_learners_own_whenever_they_join_or_courses_are_assigned(
    session, world
):
    """The member table reads each member's standing per course (`course_progress`, kept per
    learner and course, not per group): what a learner did before joining, or before a course
    was assigned, shows at once; an assignment removed takes its column away; a member who
    leaves and comes back finds their standing as their events left it."""
    group, actor = world["group"], world["actor"]
    taiji, phone, dan = world["taiji"], world["phone"], world["dan"]
    reading = make_course(session, title="书法", lessons=4)
    # Dan learns before joining and before 书法 is assigned.
    finish_lesson(session, dan.id, taiji.id, taiji.lessons[0].id)
    for lesson in reading.lessons[:3]:
        finish_lesson(session, dan.id, reading.id, lesson.id)
    session.commit()

    def dans_row():
        return {r.name: r for r in svc.member_table(session, actor, group.id, TODAY).rows}.get(
            "Dan"
        )

    assert dans_row() is None
    svc.join_group(session, dan.id, consent=True, code=group.invite_code)
    session.commit()
    assert dans_row().courses[taiji.id].progress == 0.5
    assert dans_row().courses[phone.id].progress == 0.0

    svc.assign_course(session, actor, group.id, reading.id, None)
    session.commit()
    assert dans_row().courses[reading.id].progress == 0.75
    assert dans_row().progress == (0.5 + 0.0 + 0.75) / 3

    assignment = session.scalar(
        select(GroupAssignment.id).where(
            GroupAssignment.group_id == group.id, GroupAssignment.course_id == taiji.id
        )
    )
    svc.unassign_course(session, actor, group.id, assignment)
    session.commit()
    assert set(dans_row().courses) == {phone.id, reading.id}

    svc.leave_group(session, dan.id, group.id)
    finish_lesson(session, dan.id, reading.id, reading.lessons[3].id)  # while away
    session.commit()
    assert dans_row() is None
    svc.join_group(session, dan.id, consent=True, code=group.invite_code)
    session.commit()
    cell = dans_row().courses[reading.id]
    assert cell.progress == 1.0 and cell.completed


def test_organisers_see_only_their_own_groups(session, world):
    other = svc.Organiser(world["other"].id, Role.ORGANISER)
    group = world["group"]
    with pytest.raises(NotFound):
        svc.member_table(session, other, group.id, TODAY)
    with pytest.raises(NotFound):
        svc.post_notice(session, other, group.id, "hi")
    with pytest.raises(PermissionDenied):
        svc.member_table(session, svc.Organiser(world["ann"].id, Role.LEARNER), group.id, TODAY)
    assert svc.organiser_groups(session, other) == []
    (mine,) = svc.organiser_groups(session, world["actor"])
    assert (mine.members, mine.assignments) == (3, 2)


def test_assignments_and_notices_notify_the_members(session, world):
    group, actor = world["group"], world["actor"]
    svc.post_notice(session, actor, group.id, "周三停课一次")
    session.commit()
    kinds = dict(
        session.execute(
            select(Notification.kind, func.count())
            .where(Notification.user_id == world["ann"].id)
            .group_by(Notification.kind)
        ).all()
    )
    assert kinds == {"group_assignment": 2, "group_notice": 1}
    assert session.scalar(select(func.count()).where(Notification.user_id == world["dan"].id)) == 0
    mine = svc.my_assignments(session, world["ann"].id, TODAY)
    assert [(a.title, a.overdue) for a in mine] == [("太极拳入门", True), ("智能手机入门", False)]
    (group_view,) = svc.my_groups(session, world["ann"].id)
    assert group_view.notices[0].body == "周三停课一次"
    with pytest.raises(ValidationError):
        svc.post_notice(session, actor, group.id, "x" * (svc.MAX_NOTICE + 1))


def test_csv_cells_that_start_like_formulas_are_neutralised():
    for dangerous in ('=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert svc.csv_cell(dangerous) == "'" + dangerous
    assert svc.csv_cell("安妮") == "安妮" and svc.csv_cell(None) == ""


# -- pages -----------------------------------------------------------------------------------


def _login(app, email):
    client = app.test_client()
    login(client, email, PASSWORD)
    return client


def test_pages_refuse_learners_and_other_organisers(app, session, world):
    group = world["group"]
    learner = _login(app, "ann@example.cn")
    assert learner.get("/organiser/groups").status_code == 403
    assert learner.get(f"/organiser/groups/{group.id}").status_code == 403
    assert learner.get(f"/organiser/groups/{group.id}/members.csv").status_code == 403
    other = _login(app, "oscar@example.cn")
    assert other.get(f"/organiser/groups/{group.id}").status_code == 404
    assert other.get(f"/organiser/groups/{group.id}/members.csv").status_code == 404
    token = csrf_token(other.get("/organiser/groups").get_data(as_text=True))
    answer = other.post(
        f"/organiser/groups/{group.id}/notices", data={"csrf_token": token, "body": "x"}
    )
    assert answer.status_code == 404
    assert other.get("/organiser/groups/999999").status_code == 404
    assert app.test_client().get("/organiser/groups").status_code == 302  # to the log-in page


def test_an_organiser_creates_a_group_and_a_learner_joins_it_on_the_pages(app, session, world):
    organiser = _login(app, "olga@example.cn")
    page = organiser.get("/organiser/groups").get_data(as_text=True)
    answer = organiser.post(
        "/organiser/groups",
        data={
            "csrf_token": csrf_token(page),
            "name": "<b>老年大学</b>",
            "description": "",
            "inactive_days": "10",
        },
    )
    assert answer.status_code == 302
    group = session.scalar(select(StudyGroup).where(StudyGroup.name == "<b>老年大学</b>"))
    page = organiser.get(answer.headers["Location"]).get_data(as_text=True)
    assert "&lt;b&gt;老年大学&lt;/b&gt;" in page and "<b>老年大学" not in page
    assert group.invite_code in page and group.invite_token in page

    learner = _login(app, "dan@example.cn")
    consent = learner.get(f"/groups/join?code={group.invite_code}").get_data(as_text=True)
    assert "What the organiser will see" in consent
    token = csrf_token(consent)
    # Without ticking the box: not joined.
    learner.post("/groups/join", data={"csrf_token": token, "code": group.invite_code})
    assert session.get(GroupMember, (group.id, world["dan"].id)) is None
    answer = learner.post(
        "/groups/join", data={"csrf_token": token, "code": group.invite_code, "consent": "y"}
    )
    assert answer.status_code == 302
    session.expire_all()
    assert session.get(GroupMember, (group.id, world["dan"].id)) is not None
    assert "Dan" in organiser.get(f"/organiser/groups/{group.id}").get_data(as_text=True)
    assert learner.get("/groups/join?code=NOPE").status_code == 404
    assert learner.get("/groups/join/not-a-token").status_code == 404
    assert (
        learner.post("/groups/join", data={"code": group.invite_code, "consent": "y"}).status_code
        == 400
    )


def test_guessing_group_codes_is_limited_and_found_groups_cost_nothing(app, session, world):
    """30 codes or links that match no group an hour, then 429; a code that finds a group is
    not counted, so a learner with a real invitation is never stopped by it."""
    group = world["group"]
    learner = _login(app, "dan@example.cn")
    for _ in range(40):
        assert learner.get(f"/groups/join?code={group.invite_code}").status_code == 200
    for n in range(15):
        assert learner.get(f"/groups/join?code=NOPE{n}").status_code == 404
        assert learner.get(f"/groups/join/no-such-link-{n}").status_code == 404
    assert learner.get("/groups/join?code=NOPE99").status_code == 429
    token = csrf_token(learner.get("/groups/join").get_data(as_text=True))
    guess = {"csrf_token": token, "code": "ZZZZZZZZ", "consent": "y"}
    assert learner.post("/groups/join", data=guess).status_code == 429
    # Another learner is not affected.
    other = _login(app, "ann@example.cn")
    assert other.get("/groups/join?code=NOPE").status_code == 404


def test_the_organiser_page_sorts_filters_pages_and_exports(app, session, world):
    group = world["group"]
    for n in range(60):
        (learner,) = _people(session, f"m{n:02d}")
        svc.join_group(session, learner.id, consent=True, code=group.invite_code)
    (evil,) = _people(session, "eve")
    evil.display_name = "=cmd|' /C calc'!A0"
    svc.join_group(session, evil.id, consent=True, code=group.invite_code)
    session.commit()
    organiser = _login(app, "olga@example.cn")
    url = f"/organiser/groups/{group.id}"
    first = organiser.get(url).get_data(as_text=True)
    assert "Page 1 of 2" in first and "Members 1–50 of 64" in first
    assert organiser.get(url + "?page=2").status_code == 200
    assert organiser.get(url + "?page=abc&sort=nonsense&warning=zzz").status_code == 200
    assert organiser.get(url + "?sort=progress&dir=desc&warning=overdue").status_code == 200
    export = organiser.get(url + "/members.csv?sort=name")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    raw = export.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][1:3] == ["太极拳入门", "智能手机入门"]
    assert len(rows) == 1 + 64
    names = [r[0] for r in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in names and "=cmd|' /C calc'!A0" not in names
    overdue = organiser.get(url + "/members.csv?warning=overdue").get_data().decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(overdue)))) == 1 + 64  # nobody did the overdue course


def test_members_see_assignments_on_home_and_my_learning_and_can_leave(app, session, world):
    learner = _login(app, "ann@example.cn")
    for path in ("/", "/me/learning"):
        page = learner.get(path).get_data(as_text=True)
        assert "Assigned by my groups" in page and "Overdue" in page, path
    svc.post_notice(session, world["actor"], world["group"].id, "周三停课一次")
    session.commit()
    listed = learner.get("/me/notifications").get_data(as_text=True)
    assert "A notice in your group “社区学院 秋季班”: “周三停课一次”" in listed
    assert "Your group “社区学院 秋季班” assigned the course “太极拳入门”" in listed
    notice = session.scalar(
        select(Notification.id).where(
            Notification.user_id == world["ann"].id, Notification.kind == "group_notice"
        )
    )
    opened = learner.get(f"/me/notifications/{notice}")
    assert opened.headers["Location"].endswith(f"/me/groups#group-{world['group'].id}")
    page = learner.get("/me/groups").get_data(as_text=True)
    assert "社区学院 秋季班" in page and "周三停课一次" in page
    answer = learner.post(
        f"/me/groups/{world['group'].id}/leave", data={"csrf_token": csrf_token(page)}
    )
    assert answer.status_code == 302
    assert "Assigned by my groups" not in learner.get("/").get_data(as_text=True)
    assert "Join a group with a code" in learner.get("/me/learning").get_data(as_text=True)
    session.expire_all()
    assert (
        session.scalar(
            select(func.count()).select_from(Event).where(Event.user_id == world["ann"].id)
        )
        == 0
    )


def test_the_demo_group_has_members_assignments_and_warnings(session):
    provider = make_provider(session).id
    make_course(session, provider, title="太极拳入门", lessons=2)
    make_course(session, provider, title="智能手机入门", lessons=3)
    session.commit()
    svc.seed_demo(session, today=TODAY)
    svc.seed_demo(session, today=TODAY)  # idempotent
    session.commit()
    group = session.scalar(select(StudyGroup))
    actor = svc.Organiser(group.organiser_id, Role.ORGANISER)
    table = svc.member_table(session, actor, group.id, TODAY)
    assert len(table.rows) == 12 and len(table.courses) == 2
    assert table.counts["overdue"] >= 5 and table.counts["inactive"] == 2
    assert table.counts["behind"] >= 1
    assert session.scalar(select(func.count()).select_from(StudyGroup)) == 1
