"""Locust users for bench/load_test.py: visitors, signed-in learners, and searchers.

Visitors browse (home, areas, course pages and their covers, lessons, search, channels);
learners log in once and then also read their feed, learning, notifications and account pages,
study (lesson pages, the player's position saves) and write (like, save, note, comment). Course
and lesson ids and learner accounts come from the environment the driver sets (LOAD_COURSES,
LOAD_LESSONS as course:lesson pairs, LOAD_LEARNERS).
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
LEARNERS = [line.split(":", 1) for line in os.environ.get("LOAD_LEARNERS", "").split(",") if line]
_next_learner = itertools.count()
_lock = threading.Lock()


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
