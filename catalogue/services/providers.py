"""Partner institutions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.errors import Collector, Conflict, NotFound
from catalogue.models import Provider, ProviderKind
from catalogue.services.validation import enum_field, text_field, url_field


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
    clean_name = text_field(errors, "name", name, max_len=200, required=True)
    clean_kind = enum_field(errors, "kind", kind, ProviderKind)
    contact = text_field(errors, "contact_name", contact_name, max_len=200)
    email = text_field(errors, "contact_email", contact_email, max_len=320)
    if email and "@" not in email:
        errors.add("contact_email", "BAD_EMAIL", "contact_email is not an email address")
    site = url_field(errors, "website", website)
    errors.raise_if_any()
    if session.scalar(select(Provider.id).where(Provider.name == clean_name)) is not None:
        raise Conflict(f"a provider named {clean_name!r} exists", code="DUPLICATE_PROVIDER")
    provider = Provider(
        name=clean_name, kind=clean_kind, contact_name=contact, contact_email=email, website=site
    )
    session.add(provider)
    session.flush()
    return provider


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
