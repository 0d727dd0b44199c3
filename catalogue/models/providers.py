"""Partner institutions that supply courses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, false
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, str_enum, utcnow
from catalogue.models.enums import ProviderKind, ProviderStatus


class Provider(Base):
    """A partner institution (university, media company, training body) or the platform itself."""

    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[ProviderKind] = mapped_column(str_enum(ProviderKind, "provider_kind"))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    website: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[ProviderStatus] = mapped_column(
        str_enum(ProviderStatus, "provider_status"), default=ProviderStatus.ACTIVE
    )
    # New and changed courses wait in the editors' review queue before learners see them.
    review_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
