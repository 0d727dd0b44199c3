"""Certificate pages: issuing from the lesson views, the holder's page, PDF and credential
(private), the public verification page, the issuer's keys, revocation by staff, the CLI."""

from __future__ import annotations

import base64
import io
import json
import re
import zlib

from sqlalchemy import select

from catalogue.models import Lesson, Role
from catalogue.services.users import register_user
from records import certificates as certs
from records.certificate_pdf import qr_drawing
from records.models.certificates import Certificate
from tests.helpers import login, make_course, make_provider, page_token
from webapp.credentials import get_credentials

PASSWORD = "password-123"


def _world(session, lessons=2):
    provider = make_provider(session, "上海开放大学")
    course = make_course(session, provider.id, title="老年人智能手机入门", lessons=lessons)
    register_user(session, "ann@example.cn", PASSWORD, "王小明")
    register_user(session, "bob@example.cn", PASSWORD, "Bob", preferred_language="en")
    register_user(session, "reg@example.cn", PASSWORD, "教务", role=Role.REGISTRAR)
    register_user(session, "ed@example.cn", PASSWORD, "Ed", role=Role.EDITOR)
    session.commit()
    lesson_ids = list(
        session.scalars(
            select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.position)
        )
    )
    return course, lesson_ids


def _finish_all(client, course_id, lesson_ids):
    for lesson_id in lesson_ids:
        response = client.post(
            f"/courses/{course_id}/lessons/{lesson_id}/done",
            data={"csrf_token": page_token(client)},
        )
        assert response.status_code == 302


def _certificate(session) -> Certificate:
    session.expire_all()
    return session.scalar(select(Certificate))


def _pdf_text(body: bytes) -> str:
    """The PDF's text streams, inflated (reportlab compresses page content)."""
    parts = [body.decode("latin-1")]
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", body, re.S):
        data = raw.strip()
        if data.endswith(b"~>"):  # ASCII85 around the deflated bytes
            data = base64.a85decode(data[:-2].replace(b"\n", b""))
        try:
            parts.append(zlib.decompress(data).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(parts)


def test_finishing_the_last_lesson_issues_a_certificate_the_holder_sees(client, session):
    course, lesson_ids = _world(session)
    login(client, "ann@example.cn", PASSWORD)
    _finish_all(client, course.id, lesson_ids[:1])
    assert _certificate(session) is None
    _finish_all(client, course.id, lesson_ids[1:])
    cert = _certificate(session)
    assert cert is not None and cert.holder_name == "王小明"
    mine = client.get("/me/learning").get_data(as_text=True)
    assert f"/me/certificates/{cert.code}" in mine
    profile = client.get("/me/profile").get_data(as_text=True)
    assert f"/me/certificates/{cert.code}" in profile and "profile-certificates-heading" in profile
    page = client.get(f"/me/certificates/{cert.code}").get_data(as_text=True)
    display = certs.display_code(cert.code)
    for text in ("王小明", "老年人智能手机入门", "上海开放大学", display, f"/verify/{cert.code}"):
        assert text in page
    # Saving a position again (the player) does not issue a second certificate.
    client.post(
        f"/courses/{course.id}/lessons/{lesson_ids[0]}/position",
        data={"position": "10", "csrf_token": page_token(client)},
    )
    assert len(session.scalars(select(Certificate)).all()) == 1


def test_pdf_and_credential_are_the_holders_only(app, client, session):
    course, lesson_ids = _world(session)
    login(client, "ann@example.cn", PASSWORD)
    _finish_all(client, course.id, lesson_ids)
    cert = _certificate(session)
    pdf = client.get(f"/me/certificates/{cert.code}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-") and b"%%EOF" in pdf.data[-10:]
    text = _pdf_text(pdf.data)
    assert certs.display_code(cert.code) in text
    assert "STSong-Light" in text and "UniGB-UCS2-H" in text  # Chinese via the CID font
    assert f"/verify/{cert.code}" in text  # the printed link
    verify_url = f"http://localhost/verify/{cert.code}"
    assert qr_drawing(verify_url).contents[0].value == verify_url
    credential = client.get(f"/me/certificates/{cert.code}/credential.json")
    assert credential.status_code == 200
    assert json.loads(credential.data)["id"] == verify_url
    assert "attachment" in credential.headers["Content-Disposition"]

    other = app.test_client()
    login(other, "bob@example.cn", PASSWORD)
    for path in ("", "/certificate.pdf", "/credential.json"):
        assert other.get(f"/me/certificates/{cert.code}{path}").status_code == 404
    visitor = app.test_client()
    assert visitor.get(f"/me/certificates/{cert.code}/certificate.pdf").status_code == 302


def test_verify_page_is_public_and_reports_revocation_escaped(app, client, session):
    course, lesson_ids = _world(session)
    login(client, "ann@example.cn", PASSWORD)
    _finish_all(client, course.id, lesson_ids)
    cert = _certificate(session)
    visitor = app.test_client()
    page = visitor.get(f"/verify/{certs.display_code(cert.code).lower()}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "verdict-valid" in html and "王小明" in html and "老年人智能手机入门" in html
    status = visitor.get(f"/verify/{cert.code}.json").get_json()
    assert status["status"] == "valid" and status["signature"]["ok"]
    unknown = visitor.get("/verify/AAAA-BBBB-CCCC-DDDD")
    assert unknown.status_code == 404 and "AAAA-BBBB-CCCC-DDDD" in unknown.get_data(as_text=True)
    assert visitor.get("/verify/AAAABBBBCCCCDDDD.json").status_code == 404
    # The sign-up e-mail's /verify/<token> links still reach their own page.
    assert "verify_email" not in visitor.get("/verify/abc.def.ghi").get_data(as_text=True)
    assert visitor.get("/verify/abc.def.ghi").status_code != 404
    found = visitor.get(f"/verify?code={certs.display_code(cert.code)}")
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/verify/{cert.code}")
    assert visitor.get("/verify?code=bad").status_code == 200

    # Staff: an editor may not revoke; a registrar may, with a reason.
    editor = app.test_client()
    login(editor, "ed@example.cn", PASSWORD)
    assert editor.get("/staff/certificates").status_code == 403
    registrar = app.test_client()
    login(registrar, "reg@example.cn", PASSWORD)
    staff = registrar.get(f"/staff/certificates?code={cert.code}").get_data(as_text=True)
    assert "王小明" in staff and 'name="reason"' in staff
    no_reason = registrar.post(
        f"/staff/certificates/{cert.code}/revoke", data={"csrf_token": page_token(registrar)}
    )
    assert no_reason.status_code == 302 and _certificate(session).revoked_at is None
    assert (
        registrar.post(f"/staff/certificates/{cert.code}/revoke", data={"reason": "x"}).status_code
        == 400
    )
    registrar.post(
        f"/staff/certificates/{cert.code}/revoke",
        data={"reason": "<b>学籍信息有误</b>", "csrf_token": page_token(registrar)},
    )
    assert _certificate(session).revoked_at is not None
    html = visitor.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert "verdict-revoked" in html and "&lt;b&gt;学籍信息有误&lt;/b&gt;" in html
    assert "<b>学籍" not in html
    assert visitor.get(f"/verify/{cert.code}.json").get_json()["status"] == "revoked"


def test_issuer_keys_and_the_command_line(app, client, session, runner, tmp_path):
    course, lesson_ids = _world(session)
    login(client, "ann@example.cn", PASSWORD)
    _finish_all(client, course.id, lesson_ids)
    cert = _certificate(session)
    credential = tmp_path / "credential.json"
    credential.write_bytes(client.get(f"/me/certificates/{cert.code}/credential.json").data)
    keys_file = tmp_path / "keys.json"
    keys_file.write_bytes(client.get("/certificates/issuer").data)
    issuer = json.loads(keys_file.read_text())
    assert [k["publicKeyMultibase"] for k in issuer["verificationMethod"]] == [cert.key_id]

    ok = runner.invoke(args=["certificates", "verify", str(credential)])
    assert ok.exit_code == 0 and "VALID" in ok.output
    ok = runner.invoke(args=["certificates", "verify", str(credential), "--keys", str(keys_file)])
    assert ok.exit_code == 0, ok.output

    document = json.loads(credential.read_text())
    document["credentialSubject"]["identifier"][0]["identityHash"] = "李四"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(document, ensure_ascii=False))
    bad = runner.invoke(args=["certificates", "verify", str(tampered)])
    assert bad.exit_code == 1 and "INVALID" in bad.output
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    assert runner.invoke(args=["certificates", "verify", str(garbage)]).exit_code == 1
    missing = runner.invoke(args=["certificates", "verify", str(tmp_path / "none.json")])
    assert missing.exit_code == 1

    # Rotation: the new key signs, the old credential still verifies, both keys published.
    old_key = get_credentials(app).signer().key_id
    rotated = runner.invoke(args=["certificates", "rotate-key"])
    assert rotated.exit_code == 0, rotated.output
    assert get_credentials(app).signer().key_id != old_key
    assert runner.invoke(args=["certificates", "verify", str(credential)]).exit_code == 0
    published = client.get("/certificates/issuer").get_json()["verificationMethod"]
    assert len(published) == 2 and published[0]["retired"] is not None
    listed = runner.invoke(args=["certificates", "keys"]).output
    assert "current" in listed and "retired" in listed

    revoked = runner.invoke(args=["certificates", "revoke", cert.code, "--reason", "重复颁发"])
    assert revoked.exit_code == 0, revoked.output
    assert _certificate(session).revoked_reason == "重复颁发"
    assert runner.invoke(args=["certificates", "revoke", "nope", "--reason", "x"]).exit_code == 2


def test_english_and_caring_mode(app, client, session):
    course, lesson_ids = _world(session)
    login(client, "bob@example.cn", PASSWORD)
    _finish_all(client, course.id, lesson_ids)
    cert = _certificate(session)
    page = client.get(f"/me/certificates/{cert.code}").get_data(as_text=True)
    assert 'lang="en"' in page and "Download the PDF" in page
    client.post("/caring", data={"on": "1", "next": "/", "csrf_token": page_token(client)})
    for path in (f"/me/certificates/{cert.code}", f"/verify/{cert.code}", "/me/learning"):
        html = client.get(path).get_data(as_text=True)
        assert 'class="caring text-' in html, path


def test_anyone_checks_a_credential_file_on_the_site(app, client, session):
    course, lesson_ids = _world(session)
    login(client, "ann@example.cn", PASSWORD)
    _finish_all(client, course.id, lesson_ids)
    cert = _certificate(session)
    credential = client.get(f"/me/certificates/{cert.code}/credential.json").data
    visitor = app.test_client()
    form = visitor.get("/verify").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form

    def upload(body: bytes, name: str = "credential.json"):
        return visitor.post(
            "/verify/file",
            data={"csrf_token": page_token(visitor), "file": (io.BytesIO(body), name)},
            content_type="multipart/form-data",
        )

    good = upload(credential)
    assert good.status_code == 200 and "verdict-valid" in good.get_data(as_text=True)
    assert "王小明" in good.get_data(as_text=True)
    document = json.loads(credential)
    document["credentialSubject"]["achievement"]["name"] = "高级工程师"
    forged = upload(json.dumps(document).encode())
    assert "verdict-invalid" in forged.get_data(as_text=True)
    assert "高级工程师" not in forged.get_data(as_text=True)
    for bad in (b"{not json", b"\xff\xfe", b"x" * 300_000):
        answer = upload(bad)
        assert answer.status_code == 400 and "form-errors" in answer.get_data(as_text=True)
    assert visitor.post("/verify/file", data={}).status_code == 400  # no CSRF token
    admin_operator = certs.Operator.command_line("tester")
    certs.revoke(session, cert.code, "误发", admin_operator)
    session.commit()
    revoked = upload(credential)
    assert "verdict-revoked" in revoked.get_data(as_text=True) and "误发" in revoked.get_data(
        as_text=True
    )
