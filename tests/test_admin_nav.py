"""The admin console's section links (admin/_nav.html) on every admin page, the data cockpit's
and the API clients' pages included: each role sees only the links it may open (support staff
the pages they may read, editors the cockpit's pages in their own console). Both databases."""

from __future__ import annotations

import re

import pytest

from catalogue.models import Role
from catalogue.services.users import register_user
from tests.helpers import login

PASSWORD = "nav-Passw0rd-2026"
NAV = re.compile(r'<nav class="subnav"[^>]*>(.*?)</nav>', re.S)


@pytest.fixture
def signed_in(app, session):
    """An admin, a support member, an editor and a learner, each signed in on a client."""
    roles = ("admin", "support", "editor", "learner")
    for role in roles:
        register_user(session, f"{role}@example.cn", PASSWORD, role, role=Role(role))
    session.commit()
    out = {}
    for role in roles:
        out[role] = app.test_client()
        login(out[role], f"{role}@example.cn", PASSWORD)
    return out


def _nav_links(html: str) -> list[str]:
    """The addresses linked from the page's section navigation (the current one is no link)."""
    return [href for nav in NAV.findall(html) for href in re.findall(r'href="([^"]+)"', nav)]


def _opens(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


PAGES = {
    "admin": [
        "/admin/providers",
        "/admin/audit",
        "/admin/jobs",
        "/admin/cockpit/",
        "/admin/cockpit/ask/",
        "/admin/api-clients/",
        "/admin/api-clients/audit",
    ],
    "support": ["/admin/providers", "/admin/accounts", "/admin/jobs", "/admin/assistant"],
    "editor": ["/admin/cockpit/", "/admin/cockpit/ask/"],
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_every_section_link_opens_for_the_role_that_sees_it(signed_in, role):
    client = signed_in[role]
    for path in PAGES[role]:
        links = _nav_links(_opens(client, path))
        assert links, f"{path} has no section links"
        for link in links:
            _opens(client, link)


def test_admins_see_the_cockpit_and_api_clients_in_the_console_on_their_pages(signed_in):
    admin = signed_in["admin"]
    for path in ("/admin/jobs", "/admin/cockpit/", "/admin/cockpit/ask/", "/admin/api-clients/"):
        links = set(_nav_links(_opens(admin, path)))
        wanted = {"/admin/cockpit/", "/admin/cockpit/ask/", "/admin/api-clients/", "/admin/audit"}
        # The page's own section is shown as the current one, not as a link.
        assert wanted - {path} <= links, (path, links)
    cockpit = _opens(admin, "/admin/cockpit/")
    assert re.search(r'<strong aria-current="page">[^<]+</strong>', NAV.findall(cockpit)[0])


def test_support_staff_and_editors_see_no_link_they_may_not_open(signed_in):
    support = set(_nav_links(_opens(signed_in["support"], "/admin/jobs")))
    assert "/admin/jobs" not in support  # the current page
    assert not {"/admin/cockpit/", "/admin/api-clients/", "/admin/audit", "/admin/mail"} & support
    editor = _nav_links(_opens(signed_in["editor"], "/admin/cockpit/"))
    # An editor's cockpit sits in the editor console: no admin page is linked.
    assert not [link for link in editor if link.startswith("/admin/") and "cockpit" not in link]
    assert "/editor/search" in editor
    ask = _nav_links(_opens(signed_in["editor"], "/admin/cockpit/ask/"))
    assert "/admin/cockpit/" in ask
    assert signed_in["editor"].get("/admin/api-clients/").status_code == 403
    assert signed_in["learner"].get("/admin/cockpit/").status_code == 403
