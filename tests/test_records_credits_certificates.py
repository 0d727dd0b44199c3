"""Credits follow certificates: completing a course with credits (helper B's certificate
service) adds one award entry to the ledger with the certificate as provenance; the signed
transcript credential verifies offline with the site's keys and fails when its figures are
changed."""

from __future__ import annotations

import json
from decimal import Decimal

from catalogue.models.awards import CompletionRule, CourseAward, OutcomeType
from catalogue.services.engagement import finish_lesson
from catalogue.services.users import register_user
from records.certificates import issue_if_complete
from records.credits import account, check_ledger
from records.signing import load_signer, public_keys, verify_document
from tests.helpers import login, make_course

PASSWORD = "password-123"


def test_a_certificate_accrues_the_courses_credits_once(session, tmp_path):
    learner = register_user(session, "ann@example.cn", PASSWORD, "Ann")
    course = make_course(session, title="电工基础", lessons=2)
    session.add(
        CourseAward(
            course_id=course.id,
            completion=CompletionRule.ALL_LESSONS,
            credits=Decimal("2"),
            outcome_type=OutcomeType.VOCATIONAL,
        )
    )
    session.commit()
    signer = load_signer(tmp_path / "keys")
    for lesson in course.lessons:
        finish_lesson(session, learner.id, course.id, lesson.id)
    certificate = issue_if_complete(session, learner.id, course.id, signer, "https://x.example")
    again = issue_if_complete(session, learner.id, course.id, signer, "https://x.example")
    session.commit()
    assert certificate is not None and again.id == certificate.id
    (entry,) = account(session, learner.id).entries
    assert entry.certificate_id == certificate.id and entry.course_id == course.id
    assert entry.credits == Decimal("2.00") and entry.outcome_type == OutcomeType.VOCATIONAL
    assert "all lessons" in entry.rule and entry.provider_name
    assert check_ledger(session) == []


def test_the_signed_transcript_verifies_offline(app, session, tmp_path):
    from records.credits import Provenance, append_entry
    from records.models.credits import EntryKind

    learner = register_user(session, "ann@example.cn", PASSWORD, "Ann")
    session.commit()
    append_entry(
        session, learner.id, EntryKind.AWARD, "1.5", OutcomeType.CULTURE, Provenance("书法入门")
    )
    session.commit()
    client = app.test_client()
    login(client, "ann@example.cn", PASSWORD)
    response = client.get("/me/credits/transcript.json")
    assert response.status_code == 200
    document = json.loads(response.get_data(as_text=True))
    subject = document["credentialSubject"]
    assert subject["totalCredits"] == "1.50" and subject["entries"][0]["title"] == "书法入门"
    from webapp.credentials import get_credentials

    keys = public_keys(get_credentials(app).key_dir)
    assert verify_document(document, keys)
    saved = tmp_path / "transcript.json"
    saved.write_text(response.get_data(as_text=True), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["certificates", "verify", str(saved)])
    assert result.exit_code == 0 and "VALID" in result.output
    subject["totalCredits"] = "15.00"
    assert not verify_document(document, keys)
