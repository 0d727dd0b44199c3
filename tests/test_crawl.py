"""The whole site, crawled over a real loopback server as every role: no 500, every page parses.

A demo database with every kind of content (comments by several learners, replies, reported and
hidden comments, notes, partner uploads that applied, were rejected and failed, columns published,
draft and scheduled, feedback to a provider, learner events, a search index and a trained model)
is served by `serving(app)`; each role logs in through the real form and follows every internal
link and GET form it can reach (plus the known entry points), in Chinese, with caring mode on,
and in English. Every failure is collected and reported in one assertion.
"""

from __future__ import annotations

import http.client
import io
import json
import re
import urllib.parse
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from typing import ClassVar

import pytest
from sqlalchemy import select

from catalogue.db import make_session_factory
from catalogue.demo.generator import generate_demo
from catalogue.ingest import service as ingest
from catalogue.models import (
    Course,
    JobOutcome,
    Lesson,
    Provider,
    Role,
    Upload,
    UploadStatus,
    User,
)
from catalogue.models.base import utcnow
from catalogue.services import account_admin, moderation, social
from catalogue.services import columns as column_service
from catalogue.services import providers as provider_service
from catalogue.services.activity import record_event
from catalogue.services.audit import Operator
from catalogue.services.engagement import finish_lesson, record_view, toggle
from catalogue.services.job_runs import finish_run, start_run
from catalogue.services.playback import save_position
from catalogue.services.search_admin import add_synonyms, log_query
from catalogue.services.tokens import create_token
from catalogue.services.users import register_user
from tests.browser_support import serving
from tests.ingest_helpers import ADMIN, csv_bytes, run_file
from webapp.db import get_database
from webapp.settings import get_settings

PASSWORD = "crawl-Pass-9431-zq"
MAX_PAGES = 160  # per crawl
MAX_PER_SHAPE = 6  # pages of one shape (/courses/N, /columns/S, ...) per crawl
MAX_QUERY_VARIANTS = 2  # query strings per path and set of argument names
MAX_QUERIES_PER_PATH = 12  # query strings per path (search filters combine endlessly)
ENTRY_POINTS = [
    "/",
    "/search?q=太极",
    "/search?q=手机&page=2",
    "/micro",
    "/reading",
    "/smart-living",
    "/login",
    "/signup",
    "/healthz",
    "/api/v1/feed",
    "/api/v1/search?q=太极",
    "/api/v1/suggest?q=tj",
    "/me/learning",
    "/me/notes",
    "/me/notes?q=笔记",
    "/me/notes/export.md",
    "/me/notes/export.csv",
    "/partner/",
    "/partner/courses",
    "/partner/feedback",
    "/editor/search",
    "/editor/columns/",
    "/editor/comments",
    "/admin/jobs",
    "/admin/providers",
    "/admin/providers?q=大学",
    "/admin/accounts?q=crawl",
    "/admin/audit",
    "/admin/mail",
]
SKIP_PREFIXES = ("/static/",)
# Tags whose start and end must match: the page's main structure.
STRUCTURE = {
    "html",
    "head",
    "body",
    "header",
    "main",
    "footer",
    "nav",
    "section",
    "article",
    "aside",
    "form",
    "table",
    "ul",
    "ol",
    "dl",
    "div",
    "a",
    "select",
    "textarea",
    "button",
    "label",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "script",
    "style",
    "title",
    "details",
    "summary",
    "figure",
    "video",
    "audio",
}


# -- the demo database ------------------------------------------------------------------


@dataclass
class Site:
    """What the crawl needs to know about the demo database."""

    extra_urls: list[str] = field(default_factory=list)
    accounts: dict[str, str] = field(default_factory=dict)  # role name -> email


def _account(session, email: str, name: str, role: Role, provider_id: int | None = None) -> int:
    user = register_user(session, email, PASSWORD, name, role=role, provider_id=provider_id)
    return user.id


def _build_site(app, engine) -> Site:
    """Fill the app's database with every kind of content, index it and train a model."""
    generate_demo(engine, courses=60, learners=15, seed=11)
    sessions = make_session_factory(engine)
    site = Site()
    with sessions() as session:
        provider = session.scalars(select(Provider).order_by(Provider.id)).first()
        courses = session.scalars(
            select(Course)
            .where(Course.provider_id == provider.id, Course.status == "published")
            .order_by(Course.id)
        ).all()
        others = session.scalars(
            select(Course).where(Course.status == "published").order_by(Course.id.desc())
        ).all()
        first, second = courses[0], (courses[1] if len(courses) > 1 else others[0])
        third = others[0]
        accounts = {
            "learner_a": ("learner-a@crawl.test", "学员甲", Role.LEARNER, None),
            "learner_b": ("learner-b@crawl.test", "Learner B", Role.LEARNER, None),
            "partner": ("partner@crawl.test", "合作方", Role.PARTNER, provider.id),
            "editor": ("editor@crawl.test", "编辑", Role.EDITOR, None),
            "support": ("support@crawl.test", "客服", Role.SUPPORT, None),
            "admin": ("admin@crawl.test", "管理员", Role.ADMIN, None),
        }
        ids = {
            role: _account(session, email, name, kind, pid)
            for role, (email, name, kind, pid) in accounts.items()
        }
        site.accounts = {role: spec[0] for role, spec in accounts.items()}
        a, b = ids["learner_a"], ids["learner_b"]
        lessons = {
            c.id: session.scalars(
                select(Lesson.id).where(Lesson.course_id == c.id).order_by(Lesson.position)
            ).all()
            for c in (first, second, third)
        }

        # Comments by several learners, replies, a reported, a hidden one; a muted learner.
        top_a = social.add_comment(session, a, first.id, "讲得很清楚，<b>谢谢</b>老师！")
        social.add_comment(session, b, first.id, "同意，我也学会了。", parent_id=top_a.id)
        top_b = social.add_comment(session, b, first.id, "Where are the slides? & <script>")
        social.add_comment(session, a, first.id, "在第二讲下面。", parent_id=top_b.id)
        reported = social.add_comment(session, b, second.id, "广告：加微信领取资料")
        social.report_comment(session, a, reported.id, "广告")
        hidden = social.add_comment(session, a, second.id, "这条会被隐藏")
        moderation.moderate_comment(session, hidden.id, "hide", role="editor")
        social.add_comment(session, a, third.id, "第三门课的评论")
        demo_learner = session.scalars(
            select(User.id).where(User.role == Role.LEARNER, User.id.not_in([a, b]))
        ).first()
        moderation.set_muted(session, demo_learner, True, role="editor")

        # Notes, feedback to the provider, events of every kind, progress in lessons.
        for learner, text in ((a, "第一讲的要点：站桩"), (b, "Note with <tags> & more")):
            social.add_note(session, learner, first.id, text)
            social.add_note(
                session,
                learner,
                first.id,
                text + " 2",
                lesson_id=lessons[first.id][0],
                position_seconds=42,
            )
            social.add_note(session, learner, third.id, "另一门课的笔记")
            social.give_feedback(session, learner, first.id, 4, "很好，但声音小。")
            for course in (first, second, third):
                record_view(session, learner, course.id)
            toggle(session, learner, first.id, "like")
            toggle(session, learner, second.id, "save")
            save_position(session, learner, first.id, lessons[first.id][0], 30)
            finish_lesson(session, learner, third.id, lessons[third.id][0])
            record_event(session, learner, second.id, "share")
        social.give_feedback(session, a, second.id, 2)

        # Columns: the demo's published ones, plus a draft and a scheduled one.
        column_service.create_column(
            session, "crawl-draft", "草稿专栏", created_by_id=ids["editor"]
        )
        scheduled = column_service.create_column(
            session,
            "crawl-later",
            "下个月的专栏",
            description="即将上线",
            publish_from=utcnow() + timedelta(days=30),
            created_by_id=ids["editor"],
        )
        column_service.set_column_courses(session, scheduled.id, [first.id, third.id])
        column_service.publish_column(session, scheduled.id)

        # The editor's search console, the partner's API token, a recorded job run.
        log_query(session, "太极", {}, 5, None)
        log_query(session, "不存在的课程", {"area": "hobbies"}, 0, "or")
        add_synonyms(session, ["太极", "太极拳"], created_by_id=ids["editor"])
        create_token(session, provider.id, "nightly feed", created_by_id=ids["partner"])
        run = start_run(session, "refresh_popularity", "manual")
        finish_run(session, run.id, JobOutcome.SUCCEEDED, {"courses": 3})

        # Operators' changes: a provider created, renamed and suspended on the command line,
        # an account attached to it and another suspended (the audit log shows them all).
        cli = Operator.command_line("crawler")
        suspended = provider_service.add_provider(session, cli, "停用<i>机构</i>", "media")
        provider_service.rename_provider(session, cli, suspended.id, "已停用的<i>机构</i>")
        provider_service.suspend_provider(session, cli, suspended.id)
        account_admin.attach_to_provider(session, cli, ids["learner_b"], suspended.id)
        account_admin.detach_from_provider(session, cli, ids["learner_b"])
        stopped = _account(session, "stopped@crawl.test", "停用的学员", Role.LEARNER)
        account_admin.suspend_account(session, cli, stopped)
        session.commit()
        provider_id = provider.id
        site.extra_urls += [
            f"/admin/providers/{provider.id}",
            f"/admin/providers/{suspended.id}",
            f"/admin/accounts/{stopped}",
            f"/admin/accounts/{ids['partner']}",
            f"/admin/audit?provider={suspended.id}",
            f"/admin/audit?account={stopped}",
        ]

    # Partner uploads: applied with a row error (error report), rejected, failed, in preview.
    upload_dir = get_settings(app).upload_dir
    rows = [
        ["external_id", "title", "area"],
        ["crawl-1", "广场舞入门", "兴趣爱好"],
        ["crawl-2", "<script>alert(1)</script>", "火星"],
    ]
    applied = run_file(engine, provider_id, csv_bytes(rows), upload_dir, filename="目录.csv")
    rejected = run_file(
        engine,
        provider_id,
        csv_bytes(rows),
        upload_dir,
        options=ingest.UploadOptions(policy="all_or_nothing"),
    )
    with sessions() as session:
        stuck = ingest.receive_upload(
            session,
            ADMIN,
            provider_id,
            "stuck.csv",
            io.BytesIO(csv_bytes(rows)),
            upload_dir,
            channel="web",
        )
        ingest.queue_upload(session, stuck)
        stuck.status = UploadStatus.RUNNING  # then the worker running it stopped
        session.flush()
        ingest.fail_interrupted_uploads(session)
        preview = ingest.receive_upload(
            session,
            ADMIN,
            provider_id,
            "preview.csv",
            io.BytesIO(csv_bytes(rows)),
            upload_dir,
            channel="web",
        )
        session.commit()
        statuses = {u.status.value for u in session.scalars(select(Upload)).all()}
        upload_ids = [applied.id, rejected.id, stuck.id, preview.id]
    assert statuses >= {"applied", "rejected", "failed", "received"}, statuses
    for upload_id in upload_ids:
        site.extra_urls += [
            f"/partner/uploads/{upload_id}",
            f"/partner/uploads/{upload_id}/status",
            f"/partner/uploads/{upload_id}/report.csv",
            f"/api/v1/partner/uploads/{upload_id}",
        ]
    site.extra_urls += [
        f"/courses/{first.id}",
        f"/courses/{second.id}",
        f"/courses/{first.id}/lessons/{lessons[first.id][0]}",
        f"/api/v1/courses/{first.id}/similar",
        "/columns/crawl-draft",
        "/columns/crawl-later",
    ]

    # The search index and (if the demo's events allow it) a recommendation model.
    from recommender.pipeline import train_and_publish
    from search.indexer import rebuild
    from tests.test_recommender_serving import CONFIG
    from webapp.recommendations import get_models

    rebuild(get_database(app).sessions, app.extensions["lifelong.search"].store)
    with engine.connect() as connection:
        train_and_publish(connection, get_models(app), CONFIG)
    return site


# -- an HTTP client with cookies, over the real server ----------------------------------


class Browser:
    """A minimal browser: one cookie jar, no automatic redirects."""

    def __init__(self, base: str) -> None:
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) of one request."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Accept-Language": "zh-CN,zh;q=0.9"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, _quote(path), body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            connection.close()

    def csrf(self, path: str = "/") -> str:
        """A CSRF token of this browser's session, read from a page's form."""
        status, _, body = self.request("GET", path)
        assert status == 200, (path, status)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body.decode())
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def login(self, email: str) -> None:
        """Log in through the real form."""
        token = self.csrf("/login")
        status, _, body = self.request(
            "POST", "/login", {"email": email, "password": PASSWORD, "csrf_token": token}
        )
        assert status == 302, (email, status, body[:500])

    def post_switch(self, path: str, field_name: str, value: str) -> None:
        """Press one of the header's switches (caring mode, language)."""
        token = self.csrf("/")
        status, _, _ = self.request(
            "POST", path, {field_name: value, "csrf_token": token, "next": "/"}
        )
        assert status == 302, (path, status)


def _quote(path: str) -> str:
    return urllib.parse.quote(path, safe="/?&=%:+,;@!$'()*~-._")


# -- HTML checks and link extraction ----------------------------------------------------


class PageParser(HTMLParser):
    """Collects links, GET forms and structural problems of one page."""

    VOID: ClassVar[set[str]] = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self.problems: list[str] = []
        self.counts: dict[str, int] = defaultdict(int)
        self.stack: list[str] = []
        self.title = ""
        self._in_title = False
        self._form: tuple[str, list[tuple[str, str]]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        self.counts[tag] += 1
        if tag in STRUCTURE:
            self.stack.append(tag)
        if tag == "title":
            self._in_title = True
        if tag == "a" and attr.get("href"):
            self.links.append(attr["href"])
        if tag == "form":
            method = attr.get("method", "get").lower()
            self._form = (attr.get("action", ""), []) if method == "get" else None
        if self._form is not None and tag in ("input", "select", "textarea"):
            name = attr.get("name")
            kind = attr.get("type", "text").lower()
            if name and kind not in ("submit", "button", "file", "password"):
                if kind in ("checkbox", "radio") and "checked" not in attr:
                    return
                self._form[1].append((name, attr.get("value", "") or "太极"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in STRUCTURE:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        if tag not in STRUCTURE:
            return
        if not self.stack or self.stack[-1] != tag:
            open_tags = "/".join(self.stack[-4:])
            self.problems.append(f"</{tag}> closes nothing open (open: {open_tags or 'none'})")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def check(self) -> list[str]:
        """Everything wrong with the page's structure."""
        problems = list(self.problems)
        for tag in ("html", "head", "body", "title", "main"):
            if self.counts[tag] != 1:
                problems.append(f"{self.counts[tag]} <{tag}> elements, expected 1")
        if not self.title.strip():
            problems.append("empty <title>")
        if self.stack:
            problems.append(f"never closed: {self.stack}")
        return problems


def parse_page(html: str) -> PageParser:
    """The page parsed; raises nothing, problems are in `.check()`."""
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def _shape(path: str) -> str:
    parts = path.split("/")
    if len(parts) > 2 and parts[1] in ("columns", "areas"):
        parts[2] = "S"
    return re.sub(r"\d+", "N", "/".join(parts))


# -- the crawl -------------------------------------------------------------------------


@dataclass
class Crawl:
    """The outcome of crawling as one role."""

    role: str
    visited: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def crawl(browser: Browser, role: str, start: list[str]) -> Crawl:
    """Follow every internal link and GET form reachable from `start`, boundedly."""
    result = Crawl(role)
    queue = deque(start)
    seen: set[str] = set()
    per_shape: dict[str, int] = defaultdict(int)
    per_path: dict[str, int] = defaultdict(int)
    variants: dict[tuple[str, tuple[str, ...]], int] = defaultdict(int)
    while queue and len(result.visited) < MAX_PAGES:
        url = queue.popleft()
        parts = urllib.parse.urlsplit(url)
        path = parts.path
        if url in seen or path.startswith(SKIP_PREFIXES) or path in ("/logout",):
            continue
        seen.add(url)
        names = tuple(sorted({k for k, _ in urllib.parse.parse_qsl(parts.query, True)}))
        key = (path, names)
        if parts.query and (
            variants[key] >= MAX_QUERY_VARIANTS or per_path[path] >= MAX_QUERIES_PER_PATH
        ):
            continue
        shape = _shape(path)
        if not parts.query and per_shape[shape] >= MAX_PER_SHAPE and url not in start:
            continue
        variants[key] += 1
        per_path[path] += bool(parts.query)
        if not parts.query:
            per_shape[shape] += 1
        status, headers, body = browser.request("GET", url)
        result.visited[url] = status
        if status >= 500:
            result.failures.append(f"{role}: GET {url} answered {status}")
            continue
        if status in (301, 302, 303, 307, 308):
            queue.append(_internal(url, headers.get("location", "")) or "/")
            continue
        kind = headers.get("content-type", "")
        if "application/json" in kind:
            try:
                json.loads(body)
            except ValueError:
                result.failures.append(f"{role}: GET {url} is not valid JSON")
            continue
        if "text/html" not in kind:
            continue
        page = parse_page(body.decode("utf-8", "replace"))
        for problem in page.check():
            result.failures.append(f"{role}: GET {url} ({status}) HTML: {problem}")
        for href in page.links:
            target = _internal(url, href)
            if target:
                queue.append(target)
        for action, fields in page.forms:
            target = _internal(url, action or url)
            if target:
                query = urllib.parse.urlencode(fields)
                queue.append(target.split("?")[0] + ("?" + query if query else ""))
    return result


def _internal(base: str, href: str) -> str | None:
    """The path and query of an internal link, or None for other sites and fragments."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    joined = urllib.parse.urljoin("http://site" + base, href)
    parts = urllib.parse.urlsplit(joined)
    if parts.netloc != "site":
        return None
    return parts.path + ("?" + parts.query if parts.query else "")


# -- the test ------------------------------------------------------------------------


ROLES = ("visitor", "learner_a", "learner_b", "partner", "editor", "support", "admin")
VARIANTS = (
    ("caring", "visitor"),
    ("caring", "learner_a"),
    ("english", "visitor"),
    ("english", "learner_b"),
    ("english", "admin"),
    ("caring", "admin"),
)


@pytest.mark.slow
def test_every_page_as_every_role_answers_without_500_and_parses(app, engine, beating_worker):
    site = _build_site(app, engine)
    start = ENTRY_POINTS + site.extra_urls
    results: list[Crawl] = []
    with serving(app) as base:
        for role in ROLES:
            browser = Browser(base)
            if role != "visitor":
                browser.login(site.accounts[role])
            results.append(crawl(browser, role, start))
        for mode, role in VARIANTS:
            browser = Browser(base)
            if role != "visitor":
                browser.login(site.accounts[role])
            if mode == "caring":
                browser.post_switch("/caring", "on", "1")
            else:
                browser.post_switch("/language", "lang", "en")
            results.append(crawl(browser, f"{role}+{mode}", start))
    failures = [f for r in results for f in r.failures]
    visited = {r.role: len(r.visited) for r in results}
    assert not failures, f"{len(failures)} failures (pages per role: {visited}):\n" + "\n".join(
        failures
    )
    # The crawl really reached the site: every role saw pages, staff saw their consoles.
    assert all(count >= 30 for count in visited.values()), visited
    by_role = {r.role: r.visited for r in results}
    assert by_role["partner"].get("/partner/") == 200
    assert by_role["editor"].get("/editor/comments") == 200
    assert by_role["admin"].get("/admin/jobs") == 200
    # The operators' console: every page for admins, reading for support staff, 403 otherwise.
    console = [u for u in start if u.startswith("/admin/")]
    for url in console:
        assert by_role["admin"].get(url) == 200, url
    for role in ("learner_a", "partner", "editor"):
        assert {by_role[role].get(url) for url in console} == {403}, role
    for url in console:
        admins_only = url.startswith(("/admin/audit", "/admin/mail"))
        assert by_role["support"].get(url) == (403 if admins_only else 200), url
    assert by_role["visitor"].get("/partner/") in (302, 303, 401, 403)


def test_the_html_check_catches_broken_pages():
    good = (
        "<!doctype html><html><head><title>t</title></head>"
        "<body><main><div><a href='/x'>x</a><br></div></main></body></html>"
    )
    assert parse_page(good).check() == []
    assert parse_page(good).links == ["/x"]
    assert parse_page(good.replace("</div>", "")).check()
    assert parse_page(good.replace("<title>t</title>", "<title> </title>")).check()
    assert parse_page(good + "<html></html>").check()
    assert parse_page(good.replace("<main>", "").replace("</main>", "")).check()
