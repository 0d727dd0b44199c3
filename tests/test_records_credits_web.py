"""The credit bank's pages: a learner asks for recognition with a document (type by its first
bytes, size capped), a registrar accepts or refuses it, the ledger and the audit log record it,
the learner is notified and sees the status; documents are private; learners cannot act as
registrars; the transcript downloads; tampering shows on the integrity page and the command."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import sqlalchemy as sa

from catalogue.models import AccountAudit, Notification, Role
from catalogue.services.users import register_user
from records.credits import check_ledger
from records.models.credits import CreditEntry, RecognitionRequest
from tests.helpers import csrf_token, login

PASSWORD = "password-123"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _people(session):
    ann = register_user(session, "ann@example.cn", PASSWORD, "Ann", preferred_language="en")
    bob = register_user(session, "bob@example.cn", PASSWORD, "Bob")
    reg = register_user(
        session, "reg@example.cn", PASSWORD, "Registrar", role=Role.REGISTRAR,
        preferred_language="en",
    )  # fmt: skip
    session.commit()
    return ann, bob, reg


def _client(app, email):
    client = app.test_client()
    login(client, email, PASSWORD)
    return client


def _submit(client, document=PDF, filename="cert.pdf", **overrides):
    token = csrf_token(client.get("/me/credits/recognition").get_data(as_text=True))
    data = {
        "csrf_token": token,
        "institution": "上海开放大学",
        "title": "计算机应用基础 <证书>",
        "achieved_on": "2025-06-30",
        "credits_claimed": "4",
        "outcome_type": "academic",
        "document": (BytesIO(document), filename),
        **overrides,
    }
    return client.post("/me/credits/recognition", data=data, content_type="multipart/form-data")


def _requests(session):
    session.expire_all()
    return list(session.scalars(sa.select(RecognitionRequest)))


def test_recognition_accepted_reaches_ledger_audit_notification_and_page(app, session):
    ann, _bob, reg = _people(session)
    learner = _client(app, "ann@example.cn")
    response = _submit(learner)
    assert response.status_code == 302, response.get_data(as_text=True)
    (item,) = _requests(session)
    assert item.document_type == "application/pdf" and item.status.value == "pending"

    registrar = _client(app, "reg@example.cn")
    queue = registrar.get("/registrar/recognition").get_data(as_text=True)
    assert "计算机应用基础 &lt;证书&gt;" in queue and "<证书>" not in queue
    page = registrar.get(f"/registrar/recognition/{item.id}").get_data(as_text=True)
    response = registrar.post(
        f"/registrar/recognition/{item.id}",
        data={
            "csrf_token": csrf_token(page),
            "action": "accept",
            "accept-conversion": "ratio",
            "accept-value": "0.5",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    entry = session.scalars(sa.select(CreditEntry)).one()
    assert entry.user_id == ann.id and entry.credits == Decimal("2.00")
    assert entry.recognition_id == item.id and entry.recorded_by == reg.id
    assert "ratio 0.5" in entry.rule and entry.provider_name == "上海开放大学"
    actions = set(session.scalars(sa.select(AccountAudit.action)))
    assert {"recognition_submit", "recognition_accept"} <= actions
    note = session.scalars(sa.select(Notification).where(Notification.user_id == ann.id)).one()
    assert note.kind == "credit_recognition" and note.data["accepted"] is True

    account = learner.get("/me/credits").get_data(as_text=True)
    assert 'class="credit-total">2.00<' in account and 'data-status="accepted"' in account
    notices = learner.get("/me/notifications").get_data(as_text=True)
    assert "was recognised: 2.00 credits" in notices
    mine = learner.get("/me/learning").get_data(as_text=True)
    assert "credit-summary" in mine and "2.00" in mine
    profile = learner.get("/me/profile").get_data(as_text=True)
    assert 'id="profile-credits-heading"' in profile and "2.00" in profile
    # Decided once: a second decision is refused, nothing more is written.
    again = registrar.post(
        f"/registrar/recognition/{item.id}",
        data={"csrf_token": csrf_token(page), "action": "refuse", "refuse-reason": "no"},
    )
    assert again.status_code == 302
    assert session.scalar(sa.select(sa.func.count()).select_from(CreditEntry)) == 1
    pdf = learner.get("/me/credits/transcript.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert b"STSong-Light" in pdf.data  # the Chinese CID font
    assert check_ledger(session) == []


def test_refusal_needs_a_reason_and_the_learner_sees_it(app, session):
    _people(session)
    learner = _client(app, "ann@example.cn")
    _submit(learner, document=PNG, filename="photo.png")
    (item,) = _requests(session)
    assert item.document_type == "image/png"
    registrar = _client(app, "reg@example.cn")
    page = registrar.get(f"/registrar/recognition/{item.id}").get_data(as_text=True)
    empty = registrar.post(
        f"/registrar/recognition/{item.id}",
        data={"csrf_token": csrf_token(page), "action": "refuse", "refuse-reason": " "},
    )
    assert empty.status_code == 400
    assert _requests(session)[0].status.value == "pending"
    registrar.post(
        f"/registrar/recognition/{item.id}",
        data={
            "csrf_token": csrf_token(page),
            "action": "refuse",
            "refuse-reason": "The document is not legible <b>.",
        },
    )
    assert _requests(session)[0].status.value == "refused"
    account = learner.get("/me/credits").get_data(as_text=True)
    assert "The document is not legible &lt;b&gt;." in account
    assert session.scalar(sa.select(sa.func.count()).select_from(CreditEntry)) == 0


def test_bad_requests_get_field_errors_and_store_nothing(app, session):
    _people(session)
    learner = _client(app, "ann@example.cn")
    cases = [
        ({"document": b"MZ\x90\x00 not a pdf", "filename": "cert.pdf"}, "Only PDF, JPEG and PNG"),
        ({"document": b"<html>", "filename": "x.png"}, "Only PDF, JPEG and PNG"),
        ({"document": PDF + b"0" * (5 * 1024 * 1024)}, "larger than 5"),
        ({"credits_claimed": "lots"}, "Enter a number"),
        ({"credits_claimed": "-3"}, "from 0 to 200"),
        ({"achieved_on": "2999-01-01"}, "cannot be in the future"),
        ({"achieved_on": "30/06/2025"}, "2025-06-30"),
        ({"outcome_type": "magic"}, "Not a valid choice"),
        ({"institution": ""}, "This field is required"),
    ]
    for overrides, message in cases:
        response = _submit(learner, **overrides)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, overrides
        assert message in page, (overrides, page[:3000])
    assert _requests(session) == []


def test_documents_are_private_and_served_safely(app, session):
    _people(session)
    ann = _client(app, "ann@example.cn")
    _submit(ann)
    (item,) = _requests(session)
    own = ann.get(f"/credits/recognition/{item.id}/document")
    assert own.status_code == 200 and own.data == PDF
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    assert own.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in own.headers["Content-Security-Policy"]
    bob = _client(app, "bob@example.cn")
    assert bob.get(f"/credits/recognition/{item.id}/document").status_code == 404
    registrar = _client(app, "reg@example.cn")
    assert registrar.get(f"/credits/recognition/{item.id}/document").status_code == 200
    assert app.test_client().get(f"/credits/recognition/{item.id}/document").status_code == 302
    static = app.static_folder
    assert item.document_key and static not in str(app.instance_path)


def test_a_learner_cannot_act_as_registrar(app, session):
    _people(session)
    ann = _client(app, "ann@example.cn")
    _submit(ann)
    (item,) = _requests(session)
    bob = _client(app, "bob@example.cn")
    token = csrf_token(bob.get("/me/credits").get_data(as_text=True))
    assert bob.get("/registrar/recognition").status_code == 403
    assert bob.get(f"/registrar/recognition/{item.id}").status_code == 403
    response = bob.post(
        f"/registrar/recognition/{item.id}",
        data={"csrf_token": token, "action": "accept", "accept-conversion": "fixed",
              "accept-value": "9"},
    )  # fmt: skip
    assert response.status_code == 403
    assert bob.get("/registrar/ledger").status_code == 403
    assert _requests(session)[0].status.value == "pending"


def test_bad_conversion_values_are_refused_with_a_message(app, session):
    _people(session)
    _submit(_client(app, "ann@example.cn"))
    (item,) = _requests(session)
    registrar = _client(app, "reg@example.cn")
    page = registrar.get(f"/registrar/recognition/{item.id}").get_data(as_text=True)
    for conversion, value in (("ratio", "1.5"), ("ratio", "0"), ("fixed", "abc"), ("x", "1")):
        response = registrar.post(
            f"/registrar/recognition/{item.id}",
            data={"csrf_token": csrf_token(page), "action": "accept",
                  "accept-conversion": conversion, "accept-value": value},
        )  # fmt: skip
        assert response.status_code == 400, (conversion, value)
    assert _requests(session)[0].status.value == "pending"


def test_integrity_page_and_command_report_tampering(app, session, engine, runner):
    ann, _bob, _reg = _people(session)
    from records.credits import Provenance, append_entry
    from records.models.credits import EntryKind

    for credits in ("1", "2"):
        append_entry(session, ann.id, EntryKind.AWARD, credits, "training", Provenance("c"))
    session.commit()
    registrar = _client(app, "reg@example.cn")
    assert 'class="ledger-ok"' in registrar.get("/registrar/ledger").get_data(as_text=True)
    assert runner.invoke(args=["credits", "check"]).exit_code == 0
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE credit_entries SET credits = 20 WHERE seq = 1"))
    page = registrar.get("/registrar/ledger").get_data(as_text=True)
    assert "hash_mismatch" in page
    result = runner.invoke(args=["credits", "check"])
    assert result.exit_code == 1 and "hash_mismatch" in result.output


def test_a_registrar_corrects_an_entry_with_a_new_one(app, session):
    from records.credits import Provenance, append_entry
    from records.models.credits import EntryKind

    ann, bob, _reg = _people(session)
    first = append_entry(session, ann.id, EntryKind.AWARD, "3", "training", Provenance("课"))
    other = append_entry(session, bob.id, EntryKind.AWARD, "1", "training", Provenance("课"))
    session.commit()
    registrar = _client(app, "reg@example.cn")
    page = registrar.get(f"/registrar/ledger/{ann.id}").get_data(as_text=True)
    token = csrf_token(page)
    form = {"csrf_token": token, "entry_id": str(first.id), "delta": "-1", "note": "twice <i>"}
    assert registrar.post(f"/registrar/ledger/{ann.id}", data=form).status_code == 302
    page = registrar.get(f"/registrar/ledger/{ann.id}").get_data(as_text=True)
    assert 'class="credit-total">2.00<' in page and "twice &lt;i&gt;" in page
    bad = {**form, "delta": "lots"}
    assert registrar.post(f"/registrar/ledger/{ann.id}", data=bad).status_code == 400
    no_reason = {**form, "note": ""}
    assert registrar.post(f"/registrar/ledger/{ann.id}", data=no_reason).status_code == 400
    # Another learner's entry through this learner's page: not found, nothing written.
    cross = {**form, "entry_id": str(other.id)}
    assert registrar.post(f"/registrar/ledger/{ann.id}", data=cross).status_code == 404
    learner = _client(app, "ann@example.cn")
    assert learner.get(f"/registrar/ledger/{ann.id}").status_code == 403
    session.expire_all()
    entries = session.scalars(sa.select(CreditEntry).order_by(CreditEntry.id)).all()
    assert [(e.user_id, str(e.credits)) for e in entries] == [
        (ann.id, "3.00"),
        (bob.id, "1.00"),
        (ann.id, "-1.00"),
    ]
    assert entries[2].corrects_id == first.id and entries[2].recorded_by_role == "registrar"
    assert "credit_correction" in set(session.scalars(sa.select(AccountAudit.action)))
    assert check_ledger(session) == []


def test_documents_of_a_deleted_account_are_removed(app, session, runner):
    from pathlib import Path

    from catalogue.models import User
    from records.recognition import DocumentStore, purge_documents

    ann, bob, _reg = _people(session)
    _submit(_client(app, "ann@example.cn"))
    _submit(_client(app, "bob@example.cn"), document=PNG, filename="b.png")
    store = DocumentStore(Path(app.instance_path) / "credit-documents")
    assert len(store.stored()) == 2
    assert purge_documents(session, ann.id, store) == 1
    assert len(store.stored()) == 1
    # Deleted without the hook: the sweep finds the file no request refers to.
    session.execute(sa.delete(User).where(User.id == bob.id))
    session.commit()
    result = runner.invoke(args=["credits", "sweep-documents"])
    assert result.exit_code == 0 and "Removed 1" in result.output
    assert store.stored() == []
