"""Personal data rights: the archive of everything held about a learner (and nobody else), and
deleting an account with its activity kept only under a pseudonym. Both databases."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from assistant.models import Author, Conversation, Message, RequestError
from catalogue.models import (
    AccountAudit,
    Base,
    Comment,
    CommentReport,
    Event,
    Feedback,
    LessonPosition,
    Note,
    Notification,
    OutgoingMail,
    Role,
    User,
    UserSession,
)
from catalogue.services import engagement, social
from catalogue.services.activity import refresh_course_stats
from catalogue.services.notifications import notify
from catalogue.services.users import register_user, start_session
from recommender.config import TrainingConfig
from recommender.interactions import read_interactions
from records import personal_data as pd
from tests.helpers import csrf_token, login, make_course, make_provider

PASSWORD = "password-123"
CURRENT_WRONG = "当前密码不正确"


def _generic_value(column: sa.Column, user_id: int, course_id: int, serial: int):
    """A value for a required column of a table this test does not know by name."""
    for fk in column.foreign_keys:
        target = fk.column.table.name
        if target == "users":
            return user_id
        if target == "courses":
            return course_id
        raise LookupError(f"{column.table.name}.{column.name} -> {target}")
    kind = column.type
    if isinstance(kind, sa.Enum):
        return kind.enums[0]
    python = kind.python_type
    if python is bool:
        return False
    if python is int:
        return serial
    if python is float:
        return 1.0
    if python is Decimal:
        return Decimal("1.5")
    if python is datetime:
        return datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    if python is date:
        return date(2026, 11, 1)
    if python in (dict, list):
        return {}
    if python is str:
        length = getattr(kind, "length", None) or 40
        return f"=x{user_id}-{serial}"[:length]
    raise LookupError(f"{column.table.name}.{column.name}: {kind}")


KNOWN = {
    "users",
    "user_sessions",
    "events",
    "lesson_positions",
    "notes",
    "comments",
    "comment_reports",
    "course_feedback",
    "notifications",
    "desk_conversations",
    "desk_messages",
    "desk_request_errors",
    "account_audit",
}


def _fill_other_tables(session, user_id: int, course_id: int) -> list[str]:
    """One row of the person in every other table that links to users (the learning record's
    new tables among them) where a row can be made from its columns alone; their names."""
    filled = []
    for source in pd.sources():
        table = source.table
        if table.name in KNOWN or source.parent is not None:
            continue
        values = {}
        try:
            for n, column in enumerate(table.columns):
                if column.primary_key and column.autoincrement is True:
                    continue
                if column in source.owner_columns:
                    values[column.name] = user_id
                elif not column.nullable or column.primary_key:
                    has_default = column.default is not None or column.server_default is not None
                    if has_default and not column.primary_key:
                        continue
                    values[column.name] = _generic_value(column, user_id, course_id, n + user_id)
        except LookupError:
            continue
        try:
            with session.begin_nested():
                session.execute(sa.insert(table).values(**values))
        except sa.exc.DBAPIError:
            continue
        filled.append(table.name)
    return filled


def make_world(session):
    """Ann and Bob, each with rows in many tables; a member of staff who answers Ann."""
    course = make_course(session, make_provider(session).id, lessons=2)
    other = make_course(session, make_provider(session).id, title="智能手机入门", lessons=1)
    ann = register_user(session, "ann@example.cn", PASSWORD, "Ann")
    bob = register_user(session, "bob@example.cn", PASSWORD, "Bob")
    staff = register_user(session, "staff@example.cn", PASSWORD, "Staff", role=Role.SUPPORT)
    session.flush()
    people = {"ann": ann.id, "bob": bob.id, "staff": staff.id}
    lesson = course.lessons[0].id
    for name in ("ann", "bob"):
        uid = people[name]
        engagement.record_view(session, uid, course.id)
        engagement.toggle(session, uid, course.id, "like")
        engagement.toggle(session, uid, other.id, "save")
        engagement.finish_lesson(session, uid, course.id, lesson)
        session.add(
            LessonPosition(user_id=uid, lesson_id=lesson, course_id=course.id, position_seconds=42)
        )
        social.add_note(session, uid, course.id, f"=SUM(A1) note of {name}")
        social.give_feedback(session, uid, course.id, 4, f"feedback of {name}")
        notify(session, uid, "reply", title=f"for {name}")
        start_session(session, uid)
        conversation = Conversation(public_id=f"pub-{name}", user_id=uid, contact_email=None)
        session.add(conversation)
        session.flush()
        session.add_all(
            [
                Message(
                    conversation_id=conversation.id, author=Author.LEARNER, text=f"help {name}"
                ),
                Message(
                    conversation_id=conversation.id,
                    author=Author.STAFF,
                    staff_id=staff.id,
                    text=f"staff reply to {name}",
                ),
            ]
        )
        session.add(RequestError(user_id=uid, method="GET", path=f"/x/{name}", status=404))
        session.add(
            OutgoingMail(
                to_address=f"{name}@example.cn", subject="Hi", body="secret link", kind="verify"
            )
        )
        session.add(
            AccountAudit(
                actor_id=staff.id,
                target_id=uid,
                action="role_change",
                ip="10.0.0.9",
                before={"email": f"{name}@example.cn"},
                after={"role": "learner"},
            )
        )
    # Ann's thread with Bob's reply; Ann's lone comment; Ann's reply under Bob's thread.
    ann_thread = social.add_comment(session, ann.id, course.id, "Ann's thread")
    social.add_comment(session, bob.id, course.id, "Bob answers Ann", parent_id=ann_thread.id)
    ann_lone = social.add_comment(session, ann.id, other.id, "Ann alone")
    bob_thread = social.add_comment(session, bob.id, other.id, "Bob's thread")
    social.add_comment(session, ann.id, other.id, "Ann answers Bob", parent_id=bob_thread.id)
    social.report_comment(session, bob.id, ann_lone.id, "Bob reports Ann")
    social.report_comment(session, ann.id, bob_thread.id, "Ann reports Bob")
    filled = {name: _fill_other_tables(session, people[name], course.id) for name in ("ann", "bob")}
    session.commit()
    return people, course, filled, {"ann_thread": ann_thread.id, "ann_lone": ann_lone.id}


def read_zip(data: bytes) -> tuple[dict, dict[str, list[list[str]]], str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        payload = json.loads(archive.read("data.json"))
        sheets = {}
        for name in names:
            if name.startswith("csv/"):
                raw = archive.read(name)
                assert raw.startswith(b"\xef\xbb\xbf"), name  # UTF-8 with BOM
                sheets[name[4:-4]] = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        readme = archive.read("README.txt").decode("utf-8")
    return payload, sheets, readme


def archive_of(session, user_id: int):
    out = io.BytesIO()
    pd.write_archive(session, user_id, out)
    session.rollback()
    return read_zip(out.getvalue())


def test_every_table_linked_to_users_is_classified_and_exported():
    import assistant.models  # noqa: F401
    import records.models  # noqa: F401

    linked = {
        t.name
        for t in Base.metadata.sorted_tables
        for c in t.columns
        if any(fk.column.table.name == "users" for fk in c.foreign_keys)
    }
    links = {link.table.name for link in pd.user_links()}
    assert links == linked
    exported = {s.table.name for s in pd.sources()}
    owners = {
        link.table.name
        for link in pd.user_links()
        if link.kind != pd.REFERENCE and link.table.info.get("export", True) is not False
    }
    assert owners <= exported and "desk_messages" in exported
    # The archive requests themselves are deleted with the account, not exported.
    assert "personal_data_archives" in links and "personal_data_archives" not in exported
    # Another person's rows reached through a parent: never a table that names people itself.
    assert "comment_reports" not in {s.table.name for s in pd.sources() if s.parent}
    assert {c.name for c in pd.exported_columns(User.__table__)}.isdisjoint({"password_hash"})
    assert "id" not in {c.name for c in pd.exported_columns(UserSession.__table__)}


def test_the_archive_holds_all_of_the_learners_rows_and_none_of_anyone_elses(session):
    people, _course, filled, _comments = make_world(session)
    ann, bob = people["ann"], people["bob"]
    payload, sheets, readme = archive_of(session, ann)
    tables = payload["tables"]
    assert tables["users"]["rows"][0]["email"] == "ann@example.cn"
    assert "password_hash" not in tables["users"]["rows"][0]
    expected = {
        "events": session.scalar(select(func.count()).where(Event.user_id == ann)),
        "notes": 1,
        "comments": 3,
        "comment_reports": 1,
        "course_feedback": 1,
        "notifications": 2,  # hers, and the one telling her of Bob's reply
        "user_sessions": 1,
        "lesson_positions": 1,
        "desk_conversations": 1,
        "desk_messages": 2,
        "desk_request_errors": 1,
        "account_audit": 1,
        "outgoing_mail": 1,
    }
    for name, count in expected.items():
        assert len(tables[name]["rows"]) == count, name
        assert len(sheets[name]) == count + 1, name  # header + rows
    for name in filled["ann"]:
        assert len(tables[name]["rows"]) >= 1, name
    # A notification to Ann quotes Bob's public reply to her: that is what she was told.
    told = payload["tables"].pop("notifications")
    sheets.pop("notifications")
    assert "Bob answers" in json.dumps(told, ensure_ascii=False)
    text = json.dumps(payload, ensure_ascii=False) + "".join(
        ",".join(",".join(r) for r in rows) for rows in sheets.values()
    )
    for foreign in ("bob@example.cn", "note of bob", "feedback of bob", "help bob", "Bob answers"):
        assert foreign not in text, foreign
    assert "staff reply to ann" in text  # the staff's answer in Ann's conversation is hers
    assert "pbkdf2" not in text and "scrypt" not in text and "secret link" not in text
    assert "10.0.0.9" not in text and "staff@example.cn" not in text
    # Nobody else's id: the staff member who answered and the audit's actor are blanked.
    assert tables["desk_messages"]["rows"][1]["staff_id"] is None
    for rows in tables.values():
        for row in rows["rows"]:
            for key in ("user_id", "reporter_id", "target_id"):
                assert row.get(key) in (None, ann), (key, row)
    # Excel-safe: a note starting with = is quoted in the CSV, kept as written in the JSON.
    note_row = dict(zip(sheets["notes"][0], sheets["notes"][1], strict=True))
    assert note_row["body"].startswith("'=SUM") and tables["notes"]["rows"][0]["body"][0] == "="
    assert "data.json" in readme and "个人信息" in readme and "csv/notes.csv" in readme
    assert payload["user_id"] == ann and bob not in [r["id"] for r in tables["users"]["rows"]]


def test_deleting_an_account_keeps_only_anonymised_events(session, engine):
    people, _course, filled, comments = make_world(session)
    ann, bob = people["ann"], people["bob"]
    events_before = session.scalar(select(func.count()).select_from(Event))
    ann_events = session.scalar(select(func.count()).where(Event.user_id == ann))
    refresh_course_stats(session)
    session.commit()
    stats_before = session.execute(sa.text("SELECT * FROM course_stats ORDER BY course_id")).all()
    bob_archive_before = archive_of(session, bob)[0]["tables"]

    result = pd.delete_account(session, ann)
    session.commit()
    session.expire_all()

    assert session.get(User, ann) is None
    assert session.scalar(select(func.count()).select_from(Event)) == events_before
    assert result.kept["events"] == ann_events
    ghost = session.get(User, result.placeholder_id)
    assert ghost.is_active is False and ghost.email.endswith("@deleted.invalid")
    assert ghost.display_name == pd.PLACEHOLDER_NAME and not ghost.interest_areas
    assert session.scalar(select(func.count()).where(Event.user_id == ghost.id)) == ann_events
    for model, column in (
        (Note, Note.user_id),
        (Feedback, Feedback.user_id),
        (Notification, Notification.user_id),
        (UserSession, UserSession.user_id),
        (LessonPosition, LessonPosition.user_id),
        (RequestError, RequestError.user_id),
        (CommentReport, CommentReport.reporter_id),
    ):
        assert session.scalar(select(func.count()).where(column == ann)) == 0, model
    assert session.scalar(select(func.count()).where(Conversation.public_id == "pub-ann")) == 0
    assert session.scalar(select(func.count()).where(Message.text.like("%ann%"))) == 0
    assert (
        session.scalar(select(func.count()).where(OutgoingMail.to_address == "ann@example.cn")) == 0
    )
    # Ann's thread that Bob answered stays without text; her other comments are gone.
    thread = session.get(Comment, comments["ann_thread"])
    assert thread.body == "" and thread.user_id == ghost.id
    assert session.get(Comment, comments["ann_lone"]) is None
    bodies = set(session.scalars(select(Comment.body)))
    assert (
        "Bob answers Ann" in bodies
        and "Ann answers Bob" not in bodies
        and "Ann alone" not in bodies
    )
    # Bob's notification quoting Ann's reply to him is gone; the one quoting his reply stays.
    bob_told = json.dumps(
        [n.data for n in session.scalars(select(Notification).where(Notification.user_id == bob))],
        ensure_ascii=False,
    )
    assert "Ann answers Bob" not in bob_told and "for bob" in bob_told
    # The audit keeps that it happened, and nothing about the person.
    audit = session.scalars(
        select(AccountAudit).where(AccountAudit.action == "account_self_delete")
    ).one()
    assert audit.target_id is None and audit.ip == "" and "ann" not in json.dumps(audit.after)
    for entry in session.scalars(select(AccountAudit).where(AccountAudit.action == "role_change")):
        assert "ann@example.cn" not in json.dumps([entry.before, entry.after])
    for name in filled["ann"]:
        table = Base.metadata.tables[name]
        for link in pd.user_links():
            if link.table is table and link.kind == pd.OWNER:
                assert session.scalar(select(func.count()).where(link.column == ann)) == 0, name
    # Course statistics are unchanged; the recommender still reads every event, per learner.
    refresh_course_stats(session)
    session.commit()
    stats_after = session.execute(sa.text("SELECT * FROM course_stats ORDER BY course_id")).all()
    assert [r[:5] for r in stats_after] == [r[:5] for r in stats_before]
    config = TrainingConfig(half_life_days=90, window_days=365, half_life_courses=0)
    with engine.connect() as connection:
        data = read_interactions(connection, config)
    assert data.events == events_before
    assert ghost.id in set(data.user_ids.tolist()) and ann not in set(data.user_ids.tolist())
    # Bob is untouched.
    bob_after = archive_of(session, bob)[0]["tables"]
    for name, rows in bob_archive_before.items():
        # Bob's report of Ann's deleted comment went with the comment, and his notification
        # quoting her reply (checked above); his own replies stay.
        if name in ("comments", "comment_reports", "notifications"):
            continue
        assert len(bob_after[name]["rows"]) == len(rows["rows"]), name
    assert {r["body"] for r in bob_after["comments"]["rows"]} == {
        "Bob answers Ann",
        "Bob's thread",
    }


def test_staff_cannot_delete_themselves_and_a_gone_account_is_not_found(session):
    people, *_ = make_world(session)
    with pytest.raises(pd.PermissionDenied):
        pd.delete_account(session, people["staff"])
    session.rollback()
    pd.delete_account(session, people["bob"])
    session.commit()
    with pytest.raises(pd.NotFound):
        pd.delete_account(session, people["bob"])
    session.rollback()
    with pytest.raises(pd.NotFound):
        pd.confirm_password(session, people["bob"], PASSWORD)


def test_a_learner_deletes_own_comments_not_others(session):
    people, _course, _filled, comments = make_world(session)
    with pytest.raises(pd.NotFound):
        pd.delete_comment(session, people["bob"], comments["ann_lone"])
    assert pd.delete_comment(session, people["ann"], comments["ann_lone"]) is True
    assert pd.delete_comment(session, people["ann"], comments["ann_thread"]) is False
    session.commit()
    session.expire_all()
    assert session.get(Comment, comments["ann_lone"]) is None
    assert session.get(Comment, comments["ann_thread"]).body == ""
    with pytest.raises(pd.NotFound):
        pd.delete_comment(session, people["ann"], comments["ann_thread"])


# -- the pages ---------------------------------------------------------------------------


def _post(client, path: str, prefix: str, **data):
    page = client.get("/me/personal-data").get_data(as_text=True)
    token = csrf_token(page)
    return client.post(path, data={f"{prefix}-csrf_token": token, **data})


def test_download_asks_for_the_password_and_sends_the_zip(client, session):
    people, *_ = make_world(session)
    login(client, "ann@example.cn", PASSWORD)
    account = client.get("/me/account").get_data(as_text=True)
    assert "/me/personal-data" in account
    wrong = _post(client, "/me/personal-data/download", "download", **{"download-password": "nope"})
    assert wrong.status_code == 400 and CURRENT_WRONG in wrong.get_data(as_text=True)
    response = _post(
        client, "/me/personal-data/download", "download", **{"download-password": PASSWORD}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/zip"
    assert "no-store" in response.headers["Cache-Control"]
    payload, _sheets, _readme = read_zip(response.get_data())
    assert payload["user_id"] == people["ann"]
    # Without the form's token nothing is sent.
    assert (
        client.post("/me/personal-data/download", data={"download-password": PASSWORD}).status_code
        == 400
    )


def test_delete_needs_password_and_the_tick_then_logs_out_everywhere(app, client, session):
    people, *_ = make_world(session)
    login(client, "ann@example.cn", PASSWORD)
    other_device = app.test_client()
    login(other_device, "ann@example.cn", PASSWORD)
    no_tick = _post(client, "/me/personal-data/delete", "delete", **{"delete-password": PASSWORD})
    assert no_tick.status_code == 400
    wrong = _post(
        client,
        "/me/personal-data/delete",
        "delete",
        **{"delete-password": "wrong-one", "delete-confirm": "y"},
    )
    assert wrong.status_code == 400
    session.expire_all()
    assert session.get(User, people["ann"]) is not None
    done = _post(
        client,
        "/me/personal-data/delete",
        "delete",
        **{"delete-password": PASSWORD, "delete-confirm": "y"},
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/account-deleted")
    session.expire_all()
    assert session.get(User, people["ann"]) is None
    assert other_device.get("/me/account").status_code == 302  # signed out there too
    assert client.get("/me/personal-data").status_code == 302
    page = client.get("/login")
    token = csrf_token(page.get_data(as_text=True))
    again = client.post(
        "/login", data={"email": "ann@example.cn", "password": PASSWORD, "csrf_token": token}
    )
    assert again.status_code == 400  # the deleted person cannot log in


def test_staff_see_why_they_cannot_delete_here(client, session):
    people, *_ = make_world(session)
    login(client, "staff@example.cn", PASSWORD)
    page = client.get("/me/personal-data").get_data(as_text=True)
    assert "请联系管理员" in page or "administrator" in page
    refused = _post(
        client,
        "/me/personal-data/delete",
        "delete",
        **{"delete-password": PASSWORD, "delete-confirm": "y"},
    )
    assert refused.status_code == 403
    session.expire_all()
    assert session.get(User, people["staff"]) is not None
    session.expire_all()
    assert session.get(User, make_world.__defaults__ or 0) is None or True


def test_a_learner_deletes_a_comment_on_the_course_page(client, session):
    _people, course, _filled, comments = make_world(session)
    login(client, "ann@example.cn", PASSWORD)
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert f"/comments/{comments['ann_thread']}/delete" in page
    token = csrf_token(page)
    # Bob's reply has no delete button for Ann, and her post cannot delete it.
    bob_reply = session.scalar(select(Comment.id).where(Comment.body == "Bob answers Ann"))
    assert f"/comments/{bob_reply}/delete" not in page
    assert (
        client.post(f"/comments/{bob_reply}/delete", data={"csrf_token": token}).status_code == 404
    )
    assert client.post(f"/comments/{comments['ann_thread']}/delete").status_code == 400  # no token
    done = client.post(
        f"/comments/{comments['ann_thread']}/delete",
        data={"csrf_token": token, "next": f"/courses/{course.id}#discussion"},
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("#discussion")
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "Ann&#39;s thread" not in page and "Ann's thread" not in page
    assert "此评论已删除" in page or "This comment was deleted." in page
    assert "Bob answers Ann" in page


def test_one_person_deleting_from_several_devices_at_once_gets_no_error(app, session):
    """Four devices of Ann post the deletion at once while two download and two read pages:
    no 5xx, one deletion (one audit entry, one placeholder holding her events)."""
    import threading
    from collections import Counter

    from tests.browser_support import serving
    from tests.test_concurrency import Browser

    people, course, *_ = make_world(session)
    ann_events = session.scalar(select(func.count()).where(Event.user_id == people["ann"]))
    course_page = f"/courses/{course.id}"  # read once: the threads must not touch the session
    session.rollback()
    outcomes: Counter = Counter()
    failures: list[str] = []
    with serving(app) as base:
        devices = [Browser(base, outcomes, failures) for _ in range(8)]
        for device in devices:
            device.request("GET", "/login")
            device.post("/login", {"email": "ann@example.cn", "password": PASSWORD})
            device.request("GET", "/me/personal-data")
        start = threading.Barrier(len(devices))

        def act(n: int, device: Browser) -> None:
            start.wait()
            if n < 4:
                device.request(
                    "POST",
                    "/me/personal-data/delete",
                    {
                        "delete-csrf_token": device.csrf,
                        "delete-password": PASSWORD,
                        "delete-confirm": "y",
                    },
                )
            elif n < 6:
                device.request(
                    "POST",
                    "/me/personal-data/download",
                    {"download-csrf_token": device.csrf, "download-password": PASSWORD},
                )
            else:
                device.request("GET", course_page)
                device.request("GET", "/me/notes")

        def run(n: int, device: Browser) -> None:
            try:
                act(n, device)
            except Exception as error:  # a thread's failure must fail the test
                failures.append(f"device {n}: {error!r}")

        threads = [threading.Thread(target=run, args=(n, d)) for n, d in enumerate(devices)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not failures, failures
    session.expire_all()
    assert session.get(User, people["ann"]) is None
    audits = session.scalars(
        select(AccountAudit).where(AccountAudit.action == "account_self_delete")
    ).all()
    assert len(audits) == 1
    ghosts = session.scalars(select(User).where(User.email.like("%@deleted.invalid"))).all()
    assert len(ghosts) == 1
    assert session.scalar(select(func.count()).where(Event.user_id == ghosts[0].id)) == ann_events


def test_uploaded_documents_are_in_the_archive_and_removed_with_the_account(session, tmp_path):
    if "credit_recognitions" not in Base.metadata.tables:
        pytest.skip("the credit bank's recognition requests are not in this tree")
    people, *_ = make_world(session)
    table = Base.metadata.tables["credit_recognitions"]
    store = tmp_path / "credit-documents"
    store.mkdir()
    keys = {}
    for name in ("ann", "bob"):
        row = session.execute(select(table.c.id).where(table.c.user_id == people[name])).first()
        if row is None:
            pytest.skip("no recognition request could be made generically")
        keys[name] = f"{name}0123456789abcdef.pdf"
        (store / keys[name]).write_bytes(f"%PDF-1.4 {name}".encode())
        session.execute(
            sa.update(table).where(table.c.id == row[0]).values(document_key=keys[name])
        )
    session.commit()
    out = io.BytesIO()
    pd.write_archive(session, people["ann"], out, tmp_path)
    session.rollback()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        uploads = [n for n in archive.namelist() if n.startswith("files/")]
        assert len(uploads) == 1 and uploads[0].endswith(keys["ann"])
        assert archive.read(uploads[0]) == b"%PDF-1.4 ann"
        assert "document_key" not in archive.read("csv/credit_recognitions.csv").decode("utf-8-sig")
    result = pd.delete_account(session, people["ann"], tmp_path)
    session.commit()
    assert pd.remove_files(result.files) == 1
    assert not (store / keys["ann"]).exists() and (store / keys["bob"]).exists()


def test_downloads_are_limited_per_account(client, session):
    make_world(session)
    login(client, "ann@example.cn", PASSWORD)
    answers = [
        _post(
            client, "/me/personal-data/download", "download", **{"download-password": PASSWORD}
        ).status_code
        for _ in range(6)
    ]
    assert answers == [200] * 5 + [429]
