"""Partner institutions: registering them, and the operators' changes (create, rename,
suspend, unsuspend), each recorded in the audit log.

A suspended provider's partners can no longer upload or use its API tokens (the ingestion
service and the partner API check `is_suspended`); its published courses stay visible to
learners (docs/operators.md explains why).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, insert, literal, select, update
from sqlalchemy.orm import Session

from catalogue.errors import Collector, Conflict, NotFound
from catalogue.models import (
    Course,
    CourseStatus,
    IndexOutbox,
    OutboxOp,
    Provider,
    ProviderKind,
    ProviderStatus,
    Role,
    Upload,
    UploadStatus,
    User,
    utcnow,
)
from catalogue.services import audit
from catalogue.services.audit import Operator
from catalogue.services.pagination import Page, clamp_page
from catalogue.services.validation import (
    clean_text,
    enum_field,
    like_pattern,
    text_field,
    url_field,
)

MAX_NAME = 200
SUSPENDED_CODE = "PROVIDER_SUSPENDED"


def create_provider(
    session: Session,
    name: str,
    kind: str | ProviderKind,
    *,
    contact_name: str | None = None,
    contact_email: str | None = None,
    website: str | None = None,
) -> Provider:
    """Register a partner institution; names are unique."""
    errors = Collector()
    clean_name = text_field(errors, "name", name, max_len=MAX_NAME, required=True)
    clean_kind = enum_field(errors, "kind", kind, ProviderKind)
    contact = text_field(errors, "contact_name", contact_name, max_len=200)
    email = text_field(errors, "contact_email", contact_email, max_len=320)
    if email and "@" not in email:
        errors.add("contact_email", "BAD_EMAIL", "contact_email is not an email address")
    site = url_field(errors, "website", website)
    errors.raise_if_any()
    _refuse_taken_name(session, clean_name)
    provider = Provider(
        name=clean_name, kind=clean_kind, contact_name=contact, contact_email=email, website=site
    )
    session.add(provider)
    session.flush()
    return provider


def _refuse_taken_name(session: Session, name: str, except_id: int | None = None) -> None:
    """Conflict when another provider has this name (letter case aside: "Open University" and
    "open university" would be two look-alike institutions)."""
    stmt = select(Provider.id, Provider.name).where(
        (Provider.name == name) | (func.lower(Provider.name) == name.lower())
    )
    for provider_id, existing in session.execute(stmt):
        if provider_id != except_id:
            raise Conflict(f"a provider named {existing!r} exists", code="DUPLICATE_PROVIDER")


def get_provider_by_name(session: Session, name: str) -> Provider:
    """Find a provider by its exact name."""
    provider = session.scalar(select(Provider).where(Provider.name == name.strip()))
    if provider is None:
        raise NotFound(f"no provider named {name!r}")
    return provider


def get_provider(session: Session, provider_id: int) -> Provider:
    """A provider by id."""
    provider = session.get(Provider, provider_id)
    if provider is None:
        raise NotFound(f"provider {provider_id} does not exist")
    return provider


def list_providers(session: Session, limit: int = 500) -> list[Provider]:
    """Providers by name (for admins choosing whom to act for)."""
    return list(session.scalars(select(Provider).order_by(Provider.name).limit(limit)))


def provider_names(session: Session, provider_ids: list[int]) -> dict[int, str]:
    """Names of the given providers, by id."""
    if not provider_ids:
        return {}
    rows = session.execute(select(Provider.id, Provider.name).where(Provider.id.in_(provider_ids)))
    return dict(rows.all())


def is_suspended(session: Session, provider_id: int) -> bool:
    """Whether the provider is suspended (a missing provider is not)."""
    status = session.scalar(select(Provider.status).where(Provider.id == provider_id))
    return status == ProviderStatus.SUSPENDED


def resolve_provider(session: Session, ref: str) -> Provider:
    """A provider by its number or its exact name; NotFound, or Conflict when a number is one
    provider's id and another provider's name."""
    text = clean_text(ref) or ""
    if not text:
        raise NotFound("no provider named ''")
    by_id = None
    if text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= 2**31 - 1:
        by_id = session.get(Provider, int(text))
    by_name = session.scalar(select(Provider).where(Provider.name == text))
    if by_id is not None and by_name is not None and by_id.id != by_name.id:
        raise Conflict(
            f"{text!r} is the number of provider {by_id.name!r} and the name of provider "
            f"{by_name.id}: give the other's number",
            code="AMBIGUOUS_PROVIDER",
        )
    found = by_id or by_name
    if found is None:
        raise NotFound(f"no provider with number or name {text!r}")
    return found


def add_provider(
    session: Session,
    by: Operator,
    name: str,
    kind: str | ProviderKind,
    *,
    contact_email: str | None = None,
) -> Provider:
    """An administrator registers a partner institution (audited)."""
    by.require_admin()
    provider = create_provider(session, name, kind, contact_email=contact_email)
    audit.record(
        session,
        by,
        "provider_create",
        provider_id=provider.id,
        after={
            "name": provider.name,
            "kind": provider.kind.value,
            "contact_email": provider.contact_email,
        },
    )
    return provider


def _reindex_courses(session: Session, provider_id: int) -> int:
    """Queue the provider's published courses for the indexer (their documents carry its name)."""
    now = utcnow()
    stamp = Course.__table__.c.created_at.type
    result = session.execute(
        insert(IndexOutbox).from_select(
            ["course_id", "op", "created_at"],
            select(Course.id, literal(OutboxOp.UPSERT.value), literal(now, stamp))
            .where(Course.provider_id == provider_id, Course.status == CourseStatus.PUBLISHED)
            .order_by(Course.id),
        )
    )
    return result.rowcount or 0


def rename_provider(session: Session, by: Operator, provider_id: int, name: str) -> Provider:
    """An administrator renames a provider (audited); its courses are queued for re-indexing,
    since search shows and matches the provider's name."""
    by.require_admin()
    provider = get_provider(session, provider_id)
    errors = Collector()
    clean_name = text_field(errors, "name", name, max_len=MAX_NAME, required=True)
    errors.raise_if_any()
    assert clean_name is not None
    if clean_name == provider.name:
        return provider
    _refuse_taken_name(session, clean_name, except_id=provider.id)
    before = provider.name
    provider.name = clean_name
    session.flush()
    _reindex_courses(session, provider.id)
    audit.record(
        session,
        by,
        "provider_rename",
        provider_id=provider.id,
        before={"name": before},
        after={"name": clean_name},
    )
    return provider


@dataclass(frozen=True)
class StatusChange:
    """What suspending or unsuspending did."""

    provider: Provider
    changed: bool
    stopped_uploads: int = 0


def suspend_provider(session: Session, by: Operator, provider_id: int) -> StatusChange:
    """An administrator suspends a provider (audited): its partners can no longer upload or use
    API tokens, and its uploads not yet applied fail with PROVIDER_SUSPENDED (an upload being
    applied at this moment finishes). Suspending a suspended provider changes nothing."""
    by.require_admin()
    provider = get_provider(session, provider_id)
    if provider.status == ProviderStatus.SUSPENDED:
        return StatusChange(provider, changed=False)
    provider.status = ProviderStatus.SUSPENDED
    session.flush()
    stopped = session.execute(
        update(Upload)
        .where(
            Upload.provider_id == provider.id,
            Upload.status.in_([UploadStatus.RECEIVED, UploadStatus.QUEUED]),
        )
        .values(
            status=UploadStatus.FAILED,
            error_code=SUSPENDED_CODE,
            error_message="the provider was suspended before this upload was applied",
            finished_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record(
        session,
        by,
        "provider_suspend",
        provider_id=provider.id,
        before={"status": ProviderStatus.ACTIVE.value},
        after={"status": ProviderStatus.SUSPENDED.value, "stopped_uploads": stopped or 0},
    )
    return StatusChange(provider, changed=True, stopped_uploads=stopped or 0)


def unsuspend_provider(session: Session, by: Operator, provider_id: int) -> StatusChange:
    """An administrator lifts a provider's suspension (audited); a no-op when it is active."""
    by.require_admin()
    provider = get_provider(session, provider_id)
    if provider.status == ProviderStatus.ACTIVE:
        return StatusChange(provider, changed=False)
    provider.status = ProviderStatus.ACTIVE
    session.flush()
    audit.record(
        session,
        by,
        "provider_unsuspend",
        provider_id=provider.id,
        before={"status": ProviderStatus.SUSPENDED.value},
        after={"status": ProviderStatus.ACTIVE.value},
    )
    return StatusChange(provider, changed=True)


@dataclass(frozen=True)
class ProviderRow:
    """A provider with its course and partner-account counts, for the operators' lists."""

    provider: Provider
    courses: int
    published: int
    partners: int


def provider_rows(
    session: Session, query: str = "", page: int = 1, per_page: int = 50
) -> Page[ProviderRow]:
    """Providers by name (those whose name contains the query, or whose number it is), with
    their counts; the counts are computed for one page at a time."""
    page, per_page = clamp_page(page, per_page)
    stmt = select(Provider)
    text = clean_text(query)
    if text:
        match = Provider.name.like(like_pattern(text), escape="\\")
        if text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= 2**31 - 1:
            match = match | (Provider.id == int(text))
        stmt = stmt.where(match)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    providers = list(
        session.scalars(
            stmt.order_by(Provider.name, Provider.id).limit(per_page).offset((page - 1) * per_page)
        )
    )
    ids = [p.id for p in providers]
    courses: dict[int, tuple[int, int]] = {}
    partners: dict[int, int] = {}
    if ids:
        published = func.sum(_published_one())
        for pid, total_courses, live in session.execute(
            select(Course.provider_id, func.count(), published)
            .where(Course.provider_id.in_(ids))
            .group_by(Course.provider_id)
        ):
            courses[pid] = (total_courses, int(live or 0))
        partners = dict(
            session.execute(
                select(User.provider_id, func.count())
                .where(User.provider_id.in_(ids), User.role == Role.PARTNER)
                .group_by(User.provider_id)
            ).all()
        )
    items = [
        ProviderRow(p, *courses.get(p.id, (0, 0)), partners=partners.get(p.id, 0))
        for p in providers
    ]
    return Page(items=items, page=page, per_page=per_page, total=total)


def _published_one():
    """1 for a published course, else 0 (summed into the published count)."""
    return case((Course.status == CourseStatus.PUBLISHED, 1), else_=0)


def provider_row(session: Session, provider_id: int) -> ProviderRow:
    """One provider with its counts."""
    provider = get_provider(session, provider_id)
    total, live = session.execute(
        select(func.count(), func.sum(_published_one())).where(Course.provider_id == provider_id)
    ).one()
    partners = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.provider_id == provider_id, User.role == Role.PARTNER)
    )
    return ProviderRow(provider, total or 0, int(live or 0), partners or 0)


def partner_accounts(session: Session, provider_id: int, limit: int = 200) -> list[User]:
    """The partner accounts of a provider, by address."""
    return list(
        session.scalars(
            select(User)
            .where(User.provider_id == provider_id, User.role == Role.PARTNER)
            .order_by(User.email)
            .limit(limit)
        )
    )
