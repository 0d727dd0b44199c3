"""Locust users for bench/load_test.py: visitors, signed-in learners, and searchers; and the
insight mix of issue 17: administrators on the data cockpit and ask-the-data, partners on their
course analytics, institutions' open data clients and the mobile app's API clients.

Visitors browse (home, areas, course pages and their covers, lessons, search, channels);
learners log in once and then also read their feed, learning, notifications and account pages,
study (lesson pages, the player's position saves) and write (like, save, note, comment). Course
and lesson ids and accounts come from the environment the driver sets (LOAD_COURSES,
LOAD_LESSONS as course:lesson pairs, LOAD_LEARNERS, LOAD_ADMINS and LOAD_PARTNERS as
email:password, LOAD_OPEN_CLIENTS as client_id:secret).
"""

from __future__ import annotations

import itertools
import os
import random
import re
import threading

from locust import HttpUser, between, constant, tag, task

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
AREAS = ("life_skills", "hobbies", "workplace", "professional", "elderly", "continuing")
WORDS = ("太极", "手机", "摄影", "Excel", "书法", "养生", "英语")
WORDS += ("taiji", "python", "会计", "烹饪", "shouji")
SORTS = ("popular", "newest")
COURSES = [int(c) for c in os.environ.get("LOAD_COURSES", "1").split(",") if c]
LESSONS = [
    tuple(int(x) for x in pair.split(":", 1))
    for pair in os.environ.get("LOAD_LESSONS", "").split(",")
    if pair
]


def _pairs(name: str) -> list[list[str]]:
    return [item.split(":", 1) for item in os.environ.get(name, "").split(",") if item]


LEARNERS = _pairs("LOAD_LEARNERS")
ADMINS = _pairs("LOAD_ADMINS")
PARTNERS = _pairs("LOAD_PARTNERS")
OPEN_CLIENTS = _pairs("LOAD_OPEN_CLIENTS")
_next_learner = itertools.count()
_next_app = itertools.count()
_next_admin = itertools.count()
_next_partner = itertools.count()
_next_client = itertools.count()
_lock = threading.Lock()


def _take(accounts: list[list[str]], counter: itertools.count) -> list[str]:
    with _lock:
        return accounts[next(counter) % len(accounts)]


def _course() -> int:
    return random.choice(COURSES)


def _lesson() -> tuple[int, int] | None:
    return random.choice(LESSONS) if LESSONS else None


# What visitors ask the assistant: help articles, courses, a person, out of scope.
QUESTIONS = (
    "字太小怎么办",
    "我忘记密码了",
    "有没有太极拳的课",
    "how do I export my notes",
    "转人工",
    "明天下雨吗",
)


class Visitor(HttpUser):
    """Someone browsing without an account."""

    weight = 7
    wait_time = between(0.5, 2.0)

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="/")

    @task(2)
    def area(self) -> None:
        sort = random.choice(SORTS)
        page = random.choice((1, 1, 2, 5))
        area = random.choice(AREAS)
        self.client.get(f"/areas/{area}?sort={sort}&page={page}", name="/areas/[area]")

    @task(4)
    def course(self) -> None:
        self.client.get(f"/courses/{_course()}", name="/courses/[id]")

    @task(4)
    def search(self) -> None:
        self.client.get(f"/search?q={random.choice(WORDS)}", name="/search")

    @task(1)
    def ask(self) -> None:
        question = random.choice(QUESTIONS)
        self.client.post(
            "/api/v1/assistant/ask", json={"question": question}, name="/api/v1/assistant/ask"
        )

    @task(1)
    def channels(self) -> None:
        self.client.get(random.choice(("/micro", "/reading")), name="/micro|/reading")

    @task(2)
    def cover(self) -> None:
        self.client.get(f"/covers/{_course()}.svg", name="/covers/[id].svg")

    @task(1)
    def lesson(self) -> None:
        found = _lesson()
        if found:
            course, lesson = found
            self.client.get(
                f"/courses/{course}/lessons/{lesson}", name="/courses/[id]/lessons/[id]"
            )


class Learner(HttpUser):
    """A signed-in learner: reads like a visitor, and writes."""

    weight = 3
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        with _lock:
            email, password = LEARNERS[next(_next_learner) % len(LEARNERS)]
        page = self.client.get("/login", name="/login").text
        self.token = CSRF.search(page).group(1)
        self.client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": self.token},
            name="/login POST",
        )
        home = self.client.get("/", name="/").text
        found = CSRF.search(home)
        self.token = found.group(1) if found else self.token
        self.notes = 0

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="/ (learner)")

    @task(2)
    def feed(self) -> None:
        self.client.get("/api/v1/feed", name="/api/v1/feed")

    @task(3)
    def course(self) -> None:
        self.client.get(f"/courses/{_course()}", name="/courses/[id] (learner)")

    @task(2)
    def search(self) -> None:
        self.client.get(f"/search?q={random.choice(WORDS)}", name="/search (learner)")

    @task(1)
    def learning(self) -> None:
        self.client.get("/me/learning", name="/me/learning")

    @task(1)
    def notes_page(self) -> None:
        self.client.get("/me/notes", name="/me/notes")

    @task(1)
    def notifications(self) -> None:
        self.client.get(
            random.choice(("/me/notifications", "/me/account")), name="/me/notifications|account"
        )

    @task(2)
    def study(self) -> None:
        found = _lesson()
        if not found:
            return
        course, lesson = found
        self.client.get(
            f"/courses/{course}/lessons/{lesson}", name="/courses/[id]/lessons/[id] (learner)"
        )
        # The player saves the position as the learner plays (a JSON POST every few seconds).
        self.client.post(
            f"/courses/{course}/lessons/{lesson}/position",
            data={"csrf_token": self.token, "position": str(random.randint(5, 240))},
            headers={"Accept": "application/json"},
            name="/courses/[id]/lessons/[id]/position POST",
        )

    @task(2)
    def like_or_save(self) -> None:
        action = random.choice(("like", "save"))
        self.client.post(
            f"/courses/{_course()}/{action}",
            data={"csrf_token": self.token},
            name="/courses/[id]/like|save POST",
            allow_redirects=False,
        )

    @task(1)
    def note(self) -> None:
        self.notes += 1
        self.client.post(
            f"/courses/{_course()}/notes",
            data={"csrf_token": self.token, "body": f"学习笔记 {self.notes}：今天学到了很多"},
            name="/courses/[id]/notes POST",
            allow_redirects=False,
        )

    @task(1)
    def comment(self) -> None:
        self.client.post(
            f"/courses/{_course()}/comments",
            data={"csrf_token": self.token, "body": "老师讲得很清楚，谢谢！"},
            name="/courses/[id]/comments POST",
            allow_redirects=False,
        )


class Searcher(HttpUser):
    """Search as fast as the server answers (the /search throughput figure)."""

    weight = 1  # run alone, chosen by name (bench/load_test.py)
    wait_time = constant(0)

    @tag("search")
    @task
    def search(self) -> None:
        self.client.get(f"/search?q={random.choice(WORDS)}", name="/search")


# ------------------------------------------------------------------ the insight mix (issue 17)

ASK_QUESTIONS = (
    "上个月老年教育新增多少学员？",
    "最近7天每天的活跃学员",
    "今年各领域完成课程多少次",
    "上周零结果搜索环比",
    "本月学习时长同比",
    "长辈模式学员占比",
    "最近30天开始学习多少",
    "How many new learners in elderly learning last month?",
    "Active learners per day in the last 7 days",
    "Completions by area this year",
    "上个月太极拳课程新增多少学员",  # refused: not understood
    "为什么活跃学员减少了",  # refused: a why question
)
PERIODS = (7, 30, 90)
STATISTICS = ("learners-active", "learners-new", "completions", "learning-hours")
PARTNER_COURSE = re.compile(r"/partner/analytics/courses/(\d+)")


def _log_in(user: HttpUser, email: str, password: str) -> None:
    """Sign in through the site's form (the session cookie stays with the locust user)."""
    page = user.client.get("/login", name="/login").text
    token = CSRF.search(page).group(1)
    user.client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        name="/login POST",
    )


class CockpitAdmin(HttpUser):
    """An administrator reading the data cockpit and asking the data questions."""

    weight = 1
    wait_time = between(1.0, 3.0)

    def on_start(self) -> None:
        _log_in(self, *_take(ADMINS, _next_admin))

    @tag("insight")
    @task(2)
    def cockpit(self) -> None:
        days = random.choice(PERIODS)
        self.client.get(f"/admin/cockpit/?days={days}", name="/admin/cockpit/")

    @tag("insight")
    @task(3)
    def ask_json(self) -> None:
        self.client.get(
            "/admin/cockpit/ask/answer.json",
            params={"q": random.choice(ASK_QUESTIONS)},
            name="/admin/cockpit/ask/answer.json",
        )

    @tag("insight")
    @task(1)
    def ask_page(self) -> None:
        self.client.get(
            "/admin/cockpit/ask/",
            params={"q": random.choice(ASK_QUESTIONS)},
            name="/admin/cockpit/ask/",
        )


class PartnerAnalyst(HttpUser):
    """A partner reading the analytics of its own courses and exporting them."""

    weight = 2
    wait_time = between(1.0, 3.0)

    def on_start(self) -> None:
        _log_in(self, *_take(PARTNERS, _next_partner))
        page = self.client.get("/partner/analytics/?days=30", name="/partner/analytics/").text
        self.courses = [int(c) for c in set(PARTNER_COURSE.findall(page))]

    @tag("insight")
    @task(3)
    def overview(self) -> None:
        days = random.choice(PERIODS)
        self.client.get(f"/partner/analytics/?days={days}", name="/partner/analytics/")

    @tag("insight")
    @task(3)
    def course(self) -> None:
        if self.courses:
            course = random.choice(self.courses)
            self.client.get(
                f"/partner/analytics/courses/{course}?days={random.choice(PERIODS)}",
                name="/partner/analytics/courses/[id]",
            )

    @tag("insight")
    @task(1)
    def courses_csv(self) -> None:
        self.client.get(
            f"/partner/analytics/courses.csv?days={random.choice(PERIODS)}",
            name="/partner/analytics/courses.csv",
        )

    @tag("insight")
    @task(1)
    def days_csv(self) -> None:
        extra = f"&course={random.choice(self.courses)}" if self.courses else ""
        self.client.get(
            f"/partner/analytics/days.csv?days={random.choice(PERIODS)}{extra}",
            name="/partner/analytics/days.csv",
        )


class OpenDataClient(HttpUser):
    """An institution's client: a token, then the catalogue's change feed page after page (from
    the beginning again at its end) and the aggregate statistics."""

    weight = 1
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        client_id, secret = _take(OPEN_CLIENTS, _next_client)
        self.credentials = (client_id, secret)
        self.cursor: str | None = None
        self._token()

    def _token(self) -> None:
        answer = self.client.post(
            "/api/v1/open/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=self.credentials,
            name="/api/v1/open/oauth/token",
        )
        token = answer.json().get("access_token", "") if answer.ok else ""
        self.headers = {"Authorization": f"Bearer {token}"}

    @tag("insight")
    @task(4)
    def changes(self) -> None:
        params = {"limit": 100, **({"cursor": self.cursor} if self.cursor else {})}
        answer = self.client.get(
            "/api/v1/open/catalogue/changes",
            params=params,
            headers=self.headers,
            name="/api/v1/open/catalogue/changes",
        )
        if answer.ok:
            body = answer.json()
            self.cursor = body.get("next_cursor") if body.get("has_more") else None

    @tag("insight")
    @task(1)
    def statistics_list(self) -> None:
        self.client.get(
            "/api/v1/open/statistics", headers=self.headers, name="/api/v1/open/statistics"
        )

    @tag("insight")
    @task(3)
    def statistic(self) -> None:
        self.client.get(
            f"/api/v1/open/statistics/{random.choice(STATISTICS)}",
            headers=self.headers,
            name="/api/v1/open/statistics/[name]",
        )

    @tag("insight")
    @task(1)
    def new_token(self) -> None:
        self._token()


class AppUser(HttpUser):
    """The mobile app: signs in for a token, then reads its feed, courses, notes and
    notifications, and likes, saves, plays and writes through /api/v1."""

    weight = 3
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        email, password = _take(LEARNERS, _next_app)
        answer = self.client.post(
            "/api/v1/auth/token",
            json={"email": email, "password": password, "device_name": "压测手机"},
            name="/api/v1/auth/token",
        )
        token = answer.json().get("access_token", "") if answer.ok else ""
        self.headers = {"Authorization": f"Bearer {token}"}
        self.notes = 0

    def _api(self, method: str, path: str, name: str, **kwargs):
        return self.client.request(method, path, headers=self.headers, name=name, **kwargs)

    @tag("insight")
    @task(3)
    def feed(self) -> None:
        self._api("GET", "/api/v1/feed", "/api/v1/feed (app)")

    @tag("insight")
    @task(2)
    def search(self) -> None:
        self._api("GET", f"/api/v1/search?q={random.choice(WORDS)}", "/api/v1/search (app)")

    @tag("insight")
    @task(3)
    def course(self) -> None:
        self._api("GET", f"/api/v1/courses/{_course()}", "/api/v1/courses/[id]")

    @tag("insight")
    @task(2)
    def like_or_save(self) -> None:
        action = random.choice(("like", "save"))
        method = random.choice(("PUT", "PUT", "DELETE"))
        self._api(method, f"/api/v1/courses/{_course()}/{action}", "/api/v1/courses/[id]/like|save")

    @tag("insight")
    @task(2)
    def play(self) -> None:
        found = _lesson()
        if found:
            _course_id, lesson = found
            self._api(
                "PUT",
                f"/api/v1/lessons/{lesson}/position",
                "/api/v1/lessons/[id]/position PUT",
                json={"position_seconds": random.randint(5, 240)},
            )

    @tag("insight")
    @task(1)
    def complete(self) -> None:
        found = _lesson()
        if found:
            self._api(
                "POST", f"/api/v1/lessons/{found[1]}/complete", "/api/v1/lessons/[id]/complete"
            )

    @tag("insight")
    @task(1)
    def note(self) -> None:
        self.notes += 1
        self._api(
            "POST",
            f"/api/v1/courses/{_course()}/notes",
            "/api/v1/courses/[id]/notes POST",
            json={"body": f"手机上的笔记 {self.notes}"},
        )

    @tag("insight")
    @task(1)
    def comments(self) -> None:
        self._api("GET", f"/api/v1/courses/{_course()}/comments", "/api/v1/courses/[id]/comments")

    @tag("insight")
    @task(1)
    def mine(self) -> None:
        path = random.choice(
            (
                "/api/v1/me/learning",
                "/api/v1/me/notes",
                "/api/v1/me/notifications",
                "/api/v1/me/profile",
            )
        )
        self._api("GET", path, "/api/v1/me/*")
