"""The credit bank under simultaneous requests on a live server (SQLite and PostgreSQL): learners
file recognition requests with documents at once, then two registrars race to decide every
request. Nothing answers 5xx, every request is decided exactly once (one ledger entry, one
audit entry, one notification), and every learner's hash chain holds."""

from __future__ import annotations

import re
import threading
from collections import Counter

import pytest
import requests
import sqlalchemy as sa

from catalogue.models import AccountAudit, Notification, Role
from catalogue.services.users import register_user
from records.credits import check_ledger
from records.models.credits import CreditEntry, RecognitionRequest
from tests.browser_support import serving

pytestmark = pytest.mark.slow

PASSWORD = "password-123"
LEARNERS, REQUESTS_EACH = 6, 2
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _signed_in(base: str, email: str) -> requests.Session:
    http = requests.Session()
    token = TOKEN.search(http.get(f"{base}/login", timeout=30).text).group(1)
    answer = http.post(
        f"{base}/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:500]
    return http


def test_simultaneous_requests_and_decisions(app, session):
    for n in range(LEARNERS):
        register_user(session, f"l{n}@example.cn", PASSWORD, f"L{n}")
    for n in range(2):
        register_user(session, f"r{n}@example.cn", PASSWORD, f"R{n}", role=Role.REGISTRAR)
    session.commit()
    statuses: Counter = Counter()
    failures: list[str] = []

    def learner(base: str, n: int, barrier: threading.Barrier) -> None:
        try:
            http = _signed_in(base, f"l{n}@example.cn")
            barrier.wait()
            for i in range(REQUESTS_EACH):
                token = TOKEN.search(http.get(f"{base}/me/credits/recognition").text).group(1)
                answer = http.post(
                    f"{base}/me/credits/recognition",
                    data={
                        "csrf_token": token,
                        "institution": "上海开放大学",
                        "title": f"成果 {n}-{i}",
                        "achieved_on": "2025-06-30",
                        "credits_claimed": "2",
                        "outcome_type": "vocational",
                    },
                    files={"document": ("c.pdf", PDF, "application/pdf")},
                    allow_redirects=False,
                    timeout=60,
                )
                statuses[answer.status_code] += 1
        except Exception as exc:  # reported below
            failures.append(repr(exc))

    def registrar(base: str, n: int, ids: list[int], barrier: threading.Barrier) -> None:
        try:
            http = _signed_in(base, f"r{n}@example.cn")
            barrier.wait()
            for request_id in ids:
                page = http.get(f"{base}/registrar/recognition/{request_id}").text
                action = "accept" if request_id % 2 else "refuse"
                answer = http.post(
                    f"{base}/registrar/recognition/{request_id}",
                    data={
                        "csrf_token": TOKEN.search(page).group(1),
                        "action": action,
                        "accept-conversion": "ratio",
                        "accept-value": "0.5",
                        "refuse-reason": f"by registrar {n}",
                    },
                    allow_redirects=False,
                    timeout=60,
                )
                statuses[answer.status_code] += 1
        except Exception as exc:  # reported below
            failures.append(repr(exc))

    with serving(app) as base:
        barrier = threading.Barrier(LEARNERS)
        threads = [
            threading.Thread(target=learner, args=(base, n, barrier)) for n in range(LEARNERS)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        session.expire_all()
        ids = sorted(session.scalars(sa.select(RecognitionRequest.id)))
        assert len(ids) == LEARNERS * REQUESTS_EACH, (statuses, failures)
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=registrar, args=(base, 0, ids, barrier)),
            threading.Thread(target=registrar, args=(base, 1, ids[::-1], barrier)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert failures == []
    assert set(statuses) <= {302}, statuses
    session.expire_all()
    decided = session.scalars(sa.select(RecognitionRequest)).all()
    assert all(r.status.value != "pending" for r in decided)
    accepted = [r for r in decided if r.status.value == "accepted"]
    entries = session.scalars(sa.select(CreditEntry)).all()
    assert len(entries) == len(accepted) == len(ids) // 2
    audit = Counter(session.scalars(sa.select(AccountAudit.action)))
    assert audit["recognition_accept"] + audit["recognition_refuse"] == len(ids)
    assert audit["recognition_submit"] == len(ids)
    notes = session.scalar(sa.select(sa.func.count()).select_from(Notification))
    assert notes == len(ids)
    assert check_ledger(session) == []
