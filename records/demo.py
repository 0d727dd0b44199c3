"""The learning record on the demo site: one demo learner with learning time, a goal, a
certificate, credits and a pending recognition request; a demo registrar; a demo study group
with warnings; a running special event. Every step is idempotent."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from records import certificates, credits, groups, profile, special_events
from records.signing import Signer

# The demo learner whose record shows every area (certificates.seed_demo creates it).
DEMO_LEARNER = certificates.DEMO_EMAIL


def seed_demo(session: Session, signer: Signer, base_url: str, documents: Path) -> None:
    """Fill the learning record's areas on a database that holds the demo catalogue; commits
    after each area so one area's failure leaves the others in place."""
    certificates.seed_demo(session, signer, base_url)
    session.commit()
    profile.seed_demo(session, learner_email=DEMO_LEARNER)
    session.commit()
    credits.seed_demo(session, documents, learner_email=DEMO_LEARNER)
    session.commit()
    groups.seed_demo(session)
    session.commit()
    special_events.seed_demo(session)
    session.commit()
