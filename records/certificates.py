"""Certificates: issued when a learner completes a course by its provider's rule (or takes
part in a special event), each with a signed Open Badges 3.0 credential; looked up by their
public code, checked, revoked with a reason (docs/certificates.md)."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from catalogue.errors import Collector, NotFound, PermissionDenied
from catalogue.models import Course, CourseStatus, Role, User
from catalogue.models.awards import CompletionRule, CourseAward
from catalogue.services import audit, engagement
from catalogue.services.audit import Operator
from records.credits import accrue_for_certificate
from records.learning_time import course_seconds
from records.models.certificates import Certificate, CertificateKind
from records.signing import PublicKeyRecord, Signer, Verdict, verify_document

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
ISSUER_NAME = "终身学习平台 Lifelong Learning"
# 16 characters of base32 (80 random bits), shown in groups of four: XXXX-XXXX-XXXX-XXXX.
CODE_LENGTH = 16
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: read aloud, typed from paper
_CODE_CHARS = re.compile(rf"^[{_CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
MAX_REASON = 500
REVOKERS = (Role.ADMIN, Role.REGISTRAR)


def new_code() -> str:
    """A fresh unguessable certificate code."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """A code as typed (any case, spaces or dashes) in its stored form, or None if it cannot
    be one."""
    cleaned = re.sub(r"[\s\-]", "", str(text or "")).upper()
    return cleaned if _CODE_CHARS.match(cleaned) else None


def display_code(code: str) -> str:
    """A code in groups of four for reading."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def issuer_id(base_url: str) -> str:
    """The issuer's id: the URL of its published profile and keys."""
    return f"{base_url.rstrip('/')}/certificates/issuer"


def verify_url(base_url: str, code: str) -> str:
    """The public verification page of a certificate."""
    return f"{base_url.rstrip('/')}/verify/{code}"


# -- completion ---------------------------------------------------------------------------


def is_complete(session: Session, user_id: int, course_id: int) -> bool:
    """Whether the learner has completed the course by its provider's rule (no rule: every
    lesson; "share": that share of the lessons; "minutes": that much measured learning time)."""
    award = session.get(CourseAward, course_id)
    rule = award.completion if award else CompletionRule.ALL_LESSONS
    if rule == CompletionRule.MINUTES and award is not None and award.minimum_minutes:
        return course_seconds(session, user_id, course_id) >= award.minimum_minutes * 60
    progress = engagement.lesson_progress(session, user_id, course_id)
    if rule == CompletionRule.SHARE and award is not None and award.share:
        # A small tolerance so that 3 of 5 lessons meets a share of 0.6 despite rounding.
        return progress.fraction + 1e-9 >= award.share and bool(progress.done)
    return progress.fraction >= 1.0


def _rule_text(award: CourseAward | None) -> str:
    if award is None or award.completion == CompletionRule.ALL_LESSONS:
        return "完成全部课时 / Completed every lesson of the course."
    if award.completion == CompletionRule.SHARE and award.share:
        percent = round(award.share * 100)
        return f"完成至少 {percent}% 的课时 / Completed at least {percent}% of the lessons."
    return (
        f"学习时长至少 {award.minimum_minutes} 分钟 / "
        f"Studied the course for at least {award.minimum_minutes} minutes."
    )


# -- the credential -------------------------------------------------------------------------


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_credential(
    certificate: Certificate,
    base_url: str,
    *,
    achievement_id: str,
    achievement_type: str,
    criteria: str,
    credits: float | None = None,
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential of a certificate."""
    base = base_url.rstrip("/")
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": achievement_type,
        "name": certificate.title_zh,
        "description": certificate.title_en,
        "criteria": {"narrative": criteria},
    }
    if certificate.provider_name:
        achievement["creator"] = {
            "id": f"{achievement_id}#provider",
            "type": ["Profile"],
            "name": certificate.provider_name,
        }
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": certificate.holder_name,
                "identityType": "name",
                "hashed": False,
            }
        ],
        "achievement": achievement,
    }
    if credits:
        subject["creditsEarned"] = float(credits)
    return {
        "@context": list(CONTEXTS),
        "id": verify_url(base, certificate.code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id(base), "type": ["Profile"], "name": ISSUER_NAME, "url": base},
        "validFrom": _stamp(certificate.issued_at),
        "name": certificate.title_zh,
        "credentialSubject": subject,
    }


def _insert(session: Session, certificate: Certificate) -> Certificate | None:
    """Add the row in a savepoint; None when a concurrent request already issued it."""
    try:
        with session.begin_nested():
            session.add(certificate)
    except IntegrityError:
        return None
    return certificate


def _existing_course(session: Session, user_id: int, course_id: int) -> Certificate | None:
    return session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.course_id == course_id
        )
    )


def issue_if_complete(
    session: Session,
    user_id: int,
    course_id: int,
    signer: Signer | Callable[[], Signer],
    base_url: str,
) -> Certificate | None:
    """The learner's certificate of the course, issued now if they have just completed it by
    its rule; None while not complete. Idempotent, and safe when two requests complete the
    course at once (the unique (user, course) constraint decides; the loser reads the
    winner's row). `signer` may be a function giving it, called only when a certificate is
    issued (every saved player position asks). The caller commits."""
    existing = _existing_course(session, user_id, course_id)
    if existing is not None:
        return existing
    course = session.get(Course, course_id)
    user = session.get(User, user_id)
    if course is None or user is None or not is_complete(session, user_id, course_id):
        return None
    award = session.get(CourseAward, course_id)
    if not isinstance(signer, Signer):
        signer = signer()
    certificate = Certificate(
        code=new_code(),
        kind=CertificateKind.COURSE,
        user_id=user_id,
        course_id=course_id,
        title_zh=course.title[:300],
        title_en=course.title[:300],
        provider_name=course.provider.name[:200],
        holder_name=user.display_name[:100],
        issued_at=datetime.now(UTC).replace(microsecond=0),
        key_id=signer.key_id,
    )
    credential = build_credential(
        certificate,
        base_url,
        achievement_id=f"{base_url.rstrip('/')}/courses/{course_id}",
        achievement_type="Course",
        criteria=_rule_text(award),
        credits=float(award.credits) if award is not None and award.credits else None,
    )
    certificate.credential = json.dumps(signer.sign(credential), ensure_ascii=False)
    if _insert(session, certificate) is None:
        return _existing_course(session, user_id, course_id)
    accrue_for_certificate(session, certificate)  # the course's credits, in the credit bank
    return certificate


def issue_event_certificate(
    session: Session,
    user_id: int,
    event_id: int,
    title_zh: str,
    title_en: str,
    signer: Signer,
    base_url: str,
) -> Certificate:
    """The learner's participation certificate of a special event (one per learner and event,
    issued on the first call; later calls return it). The caller commits."""

    def existing() -> Certificate | None:
        return session.scalar(
            select(Certificate).where(
                Certificate.user_id == user_id, Certificate.event_id == event_id
            )
        )

    found = existing()
    if found is not None:
        return found
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    certificate = Certificate(
        code=new_code(),
        kind=CertificateKind.EVENT,
        user_id=user_id,
        event_id=event_id,
        title_zh=title_zh[:300],
        title_en=(title_en or title_zh)[:300],
        provider_name="",
        holder_name=user.display_name[:100],
        issued_at=datetime.now(UTC).replace(microsecond=0),
        key_id=signer.key_id,
    )
    credential = build_credential(
        certificate,
        base_url,
        achievement_id=f"{base_url.rstrip('/')}/events/{event_id}",
        achievement_type="Achievement",
        criteria="参加专题活动 / Took part in the special event.",
    )
    certificate.credential = json.dumps(signer.sign(credential), ensure_ascii=False)
    if _insert(session, certificate) is None:
        found = existing()
        assert found is not None
        return found
    return certificate


# -- reading and checking -------------------------------------------------------------------


def get_by_code(session: Session, code: str) -> Certificate:
    """The certificate with this code (as typed); NotFound otherwise."""
    normal = normalise_code(code)
    found = (
        session.scalar(select(Certificate).where(Certificate.code == normal)) if normal else None
    )
    if found is None:
        raise NotFound("no certificate has this code")
    return found


def get_for_holder(session: Session, code: str, user_id: int) -> Certificate:
    """The holder's own certificate; NotFound for another person's (no hint it exists)."""
    certificate = get_by_code(session, code)
    if certificate.user_id != user_id:
        raise NotFound("no certificate has this code")
    return certificate


def for_user(session: Session, user_id: int) -> list[Certificate]:
    """The learner's certificates, newest first (revoked ones included)."""
    return list(
        session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def credential_of(certificate: Certificate) -> dict[str, Any]:
    """The signed credential as issued."""
    return json.loads(certificate.credential)


@dataclass(frozen=True)
class Check:
    """What the verification page says about a certificate."""

    certificate: Certificate
    verdict: Verdict
    revoked: bool

    @property
    def valid(self) -> bool:
        """Signed by a trusted key, within its dates and not revoked."""
        return self.verdict.ok and not self.revoked


def check(session: Session, code: str, trusted_keys: Iterable[PublicKeyRecord]) -> Check:
    """Verify a certificate's stored credential against the trusted keys, and its revocation."""
    certificate = get_by_code(session, code)
    verdict = verify_document(credential_of(certificate), list(trusted_keys))
    return Check(certificate, verdict, certificate.revoked_at is not None)


@dataclass(frozen=True)
class DocumentCheck:
    """What the site says about a credential file someone brought: its signature against the
    site's keys and, when it names one of the site's certificates, that certificate's state."""

    verdict: Verdict
    certificate: Certificate | None

    @property
    def revoked(self) -> bool:
        """The certificate the credential names is revoked."""
        return self.certificate is not None and self.certificate.revoked_at is not None

    @property
    def valid(self) -> bool:
        """Signed by a trusted key, within its dates, naming a certificate not revoked."""
        return self.verdict.ok and self.certificate is not None and not self.revoked


_CREDENTIAL_CODE = re.compile(r"/verify/([A-Z0-9]{16})$")


def check_document(
    session: Session, document: Any, trusted_keys: Iterable[PublicKeyRecord]
) -> DocumentCheck:
    """Verify a credential document offline against the keys, then find the certificate its
    `id` names (for revocation); a credential naming no certificate of this site is not valid."""
    verdict = verify_document(document, list(trusted_keys))
    certificate = None
    ident = document.get("id") if isinstance(document, dict) else None
    found = _CREDENTIAL_CODE.search(ident) if isinstance(ident, str) else None
    if verdict.ok and found:
        certificate = session.scalar(select(Certificate).where(Certificate.code == found.group(1)))
    return DocumentCheck(verdict, certificate)


def revoke(session: Session, code: str, reason: str, by: Operator) -> Certificate:
    """Revoke a certificate with a reason (administrators and registrars); recorded in the
    operator audit log. Revoking again keeps the first revocation. The caller commits."""
    if by.role not in REVOKERS:
        raise PermissionDenied("only administrators and registrars may revoke certificates")
    certificate = get_by_code(session, code)
    text = " ".join(str(reason or "").split())
    errors = Collector()
    if not text:
        errors.add("reason", "REQUIRED", "Give the reason for revoking the certificate.")
    elif len(text) > MAX_REASON:
        errors.add("reason", "TOO_LONG", f"Keep the reason under {MAX_REASON} characters.")
    errors.raise_if_any()
    if certificate.revoked_at is not None:
        return certificate
    certificate.revoked_at = datetime.now(UTC)
    certificate.revoked_reason = text
    certificate.revoked_by = by.user_id
    audit.record(
        session,
        by,
        "certificate_revoke",
        target_id=certificate.user_id,
        before={"certificate": certificate.code, "revoked": False},
        after={"certificate": certificate.code, "revoked": True, "reason": text},
    )
    session.flush()
    return certificate


# -- demo -----------------------------------------------------------------------------------

DEMO_EMAIL = "certificate-demo@example.org"


def seed_demo(session: Session, signer: Signer, base_url: str) -> None:
    """A demo learner (certificate-demo@example.org) who completed one demo course and holds
    its certificate. Idempotent; does nothing without a published course with lessons."""
    from catalogue.services.users import register_user

    user = session.scalar(select(User).where(User.email == DEMO_EMAIL))
    if user is None:
        user = register_user(
            session, DEMO_EMAIL, secrets.token_urlsafe(16), "证书示例学员", preferred_language="zh"
        )
    if session.scalar(select(Certificate.id).where(Certificate.user_id == user.id)):
        return
    course = session.scalar(
        select(Course)
        .outerjoin(CourseAward, CourseAward.course_id == Course.id)
        .where(
            Course.status == CourseStatus.PUBLISHED,
            Course.lessons.any(),
            (CourseAward.course_id.is_(None))
            | (CourseAward.completion == CompletionRule.ALL_LESSONS),
        )
        .order_by(Course.id)
        .limit(1)
    )
    if course is None:
        return
    for lesson in course.lessons:
        engagement.finish_lesson(session, user.id, course.id, lesson.id)
    issue_if_complete(session, user.id, course.id, signer, base_url)
