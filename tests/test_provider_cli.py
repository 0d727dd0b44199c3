"""`lifelong provider …` through Flask's CLI runner on both databases: create, list, rename,
suspend, unsuspend; clear refusals with exit status 2 and no traceback; every change audited as
the command line and the OS user running it."""

from __future__ import annotations

import getpass
import io
import json

from sqlalchemy import func, select

from catalogue.ingest import service as ingest
from catalogue.models import (
    AccountAudit,
    IndexOutbox,
    Provider,
    ProviderStatus,
    Role,
    Upload,
    UploadStatus,
)
from catalogue.services.users import register_user
from tests.helpers import make_course, make_provider
from tests.ingest_helpers import csv_bytes
from webapp.settings import get_settings


def _audit(session) -> list[AccountAudit]:
    session.expire_all()
    return list(session.scalars(select(AccountAudit).order_by(AccountAudit.id)))


def _refused(result, code: str) -> None:
    """Exit status 2, the stable code on stderr, and no traceback."""
    assert result.exit_code == 2, result.output
    assert code in result.output, result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_create_registers_a_provider_audited_as_the_command_line(runner, session):
    result = runner.invoke(
        args=["provider", "create", "--name", " 国家开放大学 ", "--kind", "university",
              "--contact-email", "partners@ouchn.edu.cn"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    provider = session.scalars(select(Provider)).one()
    assert provider.name == "国家开放大学" and provider.kind.value == "university"
    assert provider.contact_email == "partners@ouchn.edu.cn"
    assert f"Created provider {provider.id}" in result.output
    [entry] = _audit(session)
    assert entry.action == "provider_create" and entry.provider_id == provider.id
    assert entry.channel == "cli" and entry.actor_id is None
    assert entry.os_user == getpass.getuser()
    assert entry.after == {
        "name": "国家开放大学",
        "kind": "university",
        "contact_email": "partners@ouchn.edu.cn",
    }


def test_create_refuses_duplicates_unknown_kinds_and_bad_addresses(runner, session):
    make_provider(session, "Open University")
    session.commit()
    for name in ("Open University", "open UNIVERSITY"):
        result = runner.invoke(args=["provider", "create", "--name", name, "--kind", "media"])
        _refused(result, "DUPLICATE_PROVIDER")
    unknown = runner.invoke(args=["provider", "create", "--name", "新机构", "--kind", "school"])
    _refused(unknown, "INVALID_CHOICE")
    assert "university, media, training, public, own" in unknown.output
    bad = runner.invoke(
        args=["provider", "create", "--name", "新机构", "--kind", "own", "--contact-email", "x"]
    )
    _refused(bad, "BAD_EMAIL")
    empty = runner.invoke(args=["provider", "create", "--name", "  ", "--kind", "own"])
    _refused(empty, "REQUIRED")
    assert session.scalar(select(func.count()).select_from(Provider)) == 1
    assert _audit(session) == []


def test_list_shows_counts_as_text_and_json(runner, session):
    a = make_provider(session, "甲大学")
    b = make_provider(session, "乙培训学校")
    make_course(session, a.id)
    make_course(session, a.id, publish=False)
    register_user(session, "pa@a.cn", "partner-pass-1", "pa", role=Role.PARTNER, provider_id=a.id)
    session.commit()
    result = runner.invoke(args=["provider", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.output)}
    assert rows["甲大学"] == {
        "id": a.id,
        "name": "甲大学",
        "kind": "university",
        "status": "active",
        "contact_email": None,
        "courses": 2,
        "published_courses": 1,
        "partner_accounts": 1,
    }
    assert (rows["乙培训学校"]["courses"], rows["乙培训学校"]["partner_accounts"]) == (0, 0)
    text = runner.invoke(args=["provider", "list"])
    assert text.exit_code == 0 and "甲大学" in text.output and "乙培训学校" in text.output
    found = runner.invoke(args=["provider", "list", "--search", "培训", "--json"])
    assert [r["id"] for r in json.loads(found.output)] == [b.id]


def test_rename_by_number_or_name_reindexes_and_is_audited(runner, session):
    provider = make_provider(session, "上海老年大学")
    course = make_course(session, provider.id)
    make_provider(session, "北京开放大学")
    session.commit()
    outbox_before = session.scalar(select(func.count()).select_from(IndexOutbox))
    result = runner.invoke(args=["provider", "rename", str(provider.id), "上海市老年大学"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["provider", "rename", "上海市老年大学", "上海老年大学（总校）"])
    assert again.exit_code == 0, again.output
    session.expire_all()
    assert session.get(Provider, provider.id).name == "上海老年大学（总校）"
    # Search shows the provider's name: its published course is queued for the indexer.
    queued = session.scalars(
        select(IndexOutbox.course_id).where(IndexOutbox.id > outbox_before)
    ).all()
    assert queued == [course.id, course.id]
    entries = _audit(session)
    assert [(e.action, e.before, e.after) for e in entries] == [
        ("provider_rename", {"name": "上海老年大学"}, {"name": "上海市老年大学"}),
        ("provider_rename", {"name": "上海市老年大学"}, {"name": "上海老年大学（总校）"}),
    ]
    _refused(runner.invoke(args=["provider", "rename", "无此机构", "x"]), "NOT_FOUND")
    _refused(runner.invoke(args=["provider", "rename", "999999", "x"]), "NOT_FOUND")
    _refused(
        runner.invoke(args=["provider", "rename", str(provider.id), "北京开放大学"]),
        "DUPLICATE_PROVIDER",
    )
    assert len(_audit(session)) == 2


def test_a_number_that_is_also_a_name_is_refused_as_ambiguous(runner, session):
    first = make_provider(session, "甲大学")
    make_provider(session, str(first.id))  # a provider whose name is the other's number
    session.commit()
    _refused(runner.invoke(args=["provider", "suspend", str(first.id)]), "AMBIGUOUS_PROVIDER")
    session.expire_all()
    assert session.get(Provider, first.id).status == ProviderStatus.ACTIVE


def test_suspend_and_unsuspend_stop_pending_uploads_and_are_audited(app, runner, session):
    provider = make_provider(session, "甲大学")
    partner = ingest.Actor(None, Role.PARTNER, provider.id)
    data = csv_bytes([["课程名称", "学习领域"], ["新课", "生活技能"]])
    upload_dir = get_settings(app).upload_dir
    received = ingest.receive_upload(
        session, partner, provider.id, "a.csv", io.BytesIO(data), upload_dir, channel="web"
    )
    queued = ingest.receive_upload(
        session, partner, provider.id, "b.csv", io.BytesIO(data), upload_dir, channel="api"
    )
    ingest.queue_upload(session, queued)
    session.commit()

    result = runner.invoke(args=["provider", "suspend", "甲大学"])
    assert result.exit_code == 0, result.output
    assert "2 upload(s) not yet applied were stopped" in result.output
    session.expire_all()
    assert session.get(Provider, provider.id).status == ProviderStatus.SUSPENDED
    for upload_id in (received.id, queued.id):
        upload = session.get(Upload, upload_id)
        assert (upload.status, upload.error_code) == (UploadStatus.FAILED, "PROVIDER_SUSPENDED")
    again = runner.invoke(args=["provider", "suspend", str(provider.id)])
    assert again.exit_code == 0 and "already suspended" in again.output

    back = runner.invoke(args=["provider", "unsuspend", str(provider.id)])
    assert back.exit_code == 0, back.output
    session.expire_all()
    assert session.get(Provider, provider.id).status == ProviderStatus.ACTIVE
    entries = _audit(session)
    assert [(e.action, e.before, e.after) for e in entries] == [
        ("provider_suspend", {"status": "active"}, {"status": "suspended", "stopped_uploads": 2}),
        ("provider_unsuspend", {"status": "suspended"}, {"status": "active"}),
    ]
    assert {(e.channel, e.os_user) for e in entries} == {("cli", getpass.getuser())}
    _refused(runner.invoke(args=["provider", "unsuspend", "无此机构"]), "NOT_FOUND")


def test_create_user_is_audited_as_the_command_line(runner, session):
    provider = make_provider(session, "上海开放大学")
    session.commit()
    result = runner.invoke(
        args=["create-user", "--email", "p@sou.edu.cn", "--display-name", "上开",
              "--role", "partner", "--provider", "上海开放大学"],
        input="partner-pass-1\npartner-pass-1\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [entry] = _audit(session)
    assert (entry.action, entry.channel, entry.provider_id) == (
        "account_create",
        "cli",
        provider.id,
    )
    assert entry.after["role"] == "partner" and entry.after["provider"] == "上海开放大学"
