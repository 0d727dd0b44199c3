"""The partner portal, the editor console and the admin pages speak Chinese through and
through: apart from data, identifiers (in <code>) and names of formats, no English words."""

from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from catalogue.models import OutcomeType, Role, User
from catalogue.services import reviews
from catalogue.services.audit import Operator
from catalogue.services.courses import CourseData, LessonData
from records import groups, recognition
from records.groups import Organiser
from records.recognition import Claim, Document, DocumentStore
from tests.helpers import world_of_every_role

# Names that stay as they are in a Chinese interface (formats, products, the language switch).
ALLOWED = {
    "English", "Excel", "Windows", "JSON", "Lines", "Markdown", "HTML", "WebVTT", "CSV",
    "UTF", "GBK", "xlsx", "SMTP", "PDF", "pdf", "OAuth",
}  # fmt: skip
PAGES = {
    "partner": ["/partner/", "/partner/courses", "/partner/feedback", "/partner/courses/new"],
    "editor": [
        "/editor/search",
        "/editor/columns/",
        "/editor/comments",
        "/editor/reviews/",
        "/editor/events/",
    ],
    "registrar": [
        "/registrar/recognition",
        "/registrar/ledger",
        "/staff/certificates",
    ],
    "organiser": ["/organiser/groups"],
    "admin": [
        "/admin/jobs",
        "/admin/providers",
        "/admin/accounts",
        "/admin/audit",
        "/admin/mail",
        "/admin/api-clients/",
        "/admin/api-clients/audit",
    ],
}
WORD = re.compile(r"[A-Za-z]{3,}")


def _visible_words(page: str, names: set[str]) -> set[str]:
    text = re.sub(r"(?s)<(script|style|code|pre)\b.*?</\1>", " ", page)
    text = re.sub(r'<span class="error-code">[^<]*</span>', " ", text)  # codes for support
    text = re.sub(r"\bodc_[0-9a-f]+\b", " ", text)  # open data client IDs (in a <select>)
    text = html.unescape(re.sub(r"(?s)<[^>]+>", " ", text))
    return {w for w in WORD.findall(text) if w not in ALLOWED and w not in names}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_staff_pages_have_no_english_left(app, session, role):
    world = world_of_every_role(app, session, "password-123")
    paths = list(PAGES[role])
    if role == "partner":
        paths.append(f"/partner/courses/{world['course']}")
    if role == "admin":
        paths.append(f"/admin/providers/{world['provider']}")
        # An open data client, changed by an administrator: its page, and the audit log's entries.
        from insight.open_data import clients

        admin = Operator(user_id=None, role=Role.ADMIN, channel="cli", os_user="admin")
        data = clients.ClientData("省学分银行", ["catalogue:read", "records:read"], 30, 1000)
        issued = clients.register_client(session, data, by=admin)
        clients.rotate_secret(session, issued.client.id, by=admin)
        session.commit()
        paths += [f"/admin/api-clients/{issued.client.id}", "/admin/audit?what=api_clients"]
    if role == "editor":  # a submission in the review queue, and its page
        admin = Operator(user_id=None, role=Role.ADMIN, channel="cli", os_user="test")
        reviews.set_review_required(session, admin, world["provider"], True)
        data = CourseData(
            external_id="R-1",
            title="社区花艺",
            area="hobbies",
            is_free=False,
            price_cents=4900,
            subjects=["花艺"],
            lessons=[LessonData(title="认识花材", duration_seconds=300)],
        )
        review = reviews.submit_course(session, world["provider"], None, data, "published")
        session.commit()
        paths.append(f"/editor/reviews/{review.review.id}")
    if role == "registrar":  # a request in the queue, its page and a learner's ledger
        learner = session.scalar(select(User.id).where(User.email == "learner@example.cn"))
        claim = Claim(
            "开放大学", "计算机应用基础", date(2025, 6, 1), Decimal("2"), OutcomeType.ACADEMIC
        )
        document = Document("证书.pdf", b"%PDF-1.4\n%test\n")
        store = DocumentStore(Path(app.instance_path) / "credit-documents")
        request = recognition.submit(session, learner, claim, document, store)
        session.commit()
        paths += [f"/registrar/recognition/{request.id}", f"/registrar/ledger/{learner}"]
    if role == "organiser":  # a group with a member and an assignment
        user = session.scalar(select(User).where(User.email == "organiser@example.cn"))
        actor = Organiser(user.id, user.role)
        group = groups.create_group(session, actor, "社区书法班")
        learner = session.scalar(select(User.id).where(User.email == "learner@example.cn"))
        groups.join_group(session, learner, consent=True, code=group.invite_code)
        groups.assign_course(session, actor, group.id, world["course"], date.today())
        session.commit()
        paths.append(f"/organiser/groups/{group.id}")
    client = world["clients"][role]
    names = set(PAGES) | {
        "learner",
        "example",
        "cn",
        "registrar",
        "organiser",
    }  # the accounts' names and addresses
    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 200, path
        left = _visible_words(answer.get_data(as_text=True), names)
        assert not left, f"{path} shows English: {sorted(left)}"
