"""Benchmark: learners' writes through the real server while a large partner upload runs.

.venv/bin/python -m bench.upload_contention --rows 150000
.venv/bin/python -m bench.upload_contention --rows 150000 --db postgresql://postgres@127.0.0.1:5432/bench

(Run as a module from the checkout's root: it imports bench.live_site, as the tests import it.)

Generates the partner file with the demo generator, starts the site as the README does
(`lifelong start`: the threaded web server and the jobs worker, each its own process), sends
the file through the partner API, and while the worker applies it N learner threads (HTTP
clients in this process) like, note, comment, save a lesson position, log in and sign up.
Prints successes, p50/p95/max latency and lost writes per kind (a write answered as stored but
absent from the database afterwards), and the upload's timings. A write's latency is that of
the request that stores it (the form page read before it, for its CSRF token, is not counted).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import re
import shutil
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bench.live_site import live_site, site_env
from catalogue.db import make_engine, make_session_factory, upgrade_database
from catalogue.demo.files import write_catalogue_file
from catalogue.ingest import service as ingest
from catalogue.ingest.service import LONGEST_SWITCH
from catalogue.models import (
    Base,
    Comment,
    Event,
    EventKind,
    JobRun,
    LessonPosition,
    Note,
    Role,
    Upload,
    User,
)
from catalogue.services.courses import CourseData, LessonData, create_course
from catalogue.services.providers import create_provider
from catalogue.services.tokens import create_token
from catalogue.services.users import register_user

OPERATOR = ingest.Actor(user_id=None, role=Role.ADMIN)
PASSWORD = "bench-Learner-2026!"
COMMENTS_EACH = 8
KINDS = ("like", "note", "comment", "position", "login", "signup")
# Every simulated learner comes from the one loopback address: the per-address log-in and
# sign-up limits (tested in tests/test_rate_limits.py) are raised so they measure the upload.
APP_LIMITS = {
    "SIGNUP_LIMIT_PER_IP": "100000 per hour",
    "LOGIN_LIMIT_PER_IP": "100000 per hour",
    "LOGIN_LIMIT_PER_ACCOUNT": "100000 per hour",
    "ASSISTANT_LIMIT_PER_IP": "",  # every simulated visitor asks from this one address
}
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One learner's cookie-keeping HTTP client that does not follow redirects."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.token = ""
        self.post_seconds = 0.0  # how long the last POST took, answer read included

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, Location header, body) of a GET, or of a POST of `data`."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        began = time.perf_counter()
        try:
            with self.opener.open(self.base + path, body, timeout=60) as answer:
                got = answer.status, answer.headers.get("Location", ""), answer.read().decode()
        except urllib.error.HTTPError as answer:
            got = answer.code, answer.headers.get("Location", ""), answer.read().decode()
        if body is not None:
            self.post_seconds = time.perf_counter() - began
        return got

    def refresh_token(self, path: str = "/login") -> None:
        """Read a CSRF token for this client's session from a page with a form."""
        _status, _loc, html = self.request(path)
        match = _CSRF.search(html)
        if match:
            self.token = match.group(1)

    def post(self, path: str, data: dict) -> int:
        """POST a form with the CSRF token; returns the status."""
        return self.request(path, {**data, "csrf_token": self.token})[0]

    def log_in(self, email: str, *, stay: bool = True) -> bool:
        """Log in through the real form; True when the server let us in. `stay`: then read
        a CSRF token for this session's later forms."""
        self.refresh_token("/login")
        status, location, _body = self.request(
            "/login", {"email": email, "password": PASSWORD, "csrf_token": self.token}
        )
        if stay:
            self.refresh_token("/")
        return status == 302 and "/login" not in location


@dataclass
class Outcome:
    """One learner write: its kind, whether the server said it was stored, how long it took."""

    kind: str
    ok: bool
    seconds: float
    status: int
    started: float
    finished: float


@dataclass
class Workload:
    """What the learner threads need and what they sent."""

    base: str
    emails: list[str]
    course_ids: list[int]
    lessons: list[tuple[int, int]]
    outcomes: list[Outcome] = field(default_factory=list)
    notes: set[str] = field(default_factory=set)
    comments: set[str] = field(default_factory=set)
    signups: set[str] = field(default_factory=set)
    positions: dict[tuple[str, int], int] = field(default_factory=dict)
    likes: int = 0
    commented: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _write(
    work: Workload, kind: str, browser: Browser, email: str, n: int, tag: str
) -> tuple[bool, float]:
    """Send one write of that kind; (stored, seconds the storing request took)."""
    if kind == "login":
        fresh = Browser(work.base)
        return fresh.log_in(email, stay=False), fresh.post_seconds
    if kind == "signup":
        return _sign_up(work, n, tag)
    return _store(work, kind, browser, email, n, tag), browser.post_seconds


def _store(work: Workload, kind: str, browser: Browser, email: str, n: int, tag: str) -> bool:
    if kind == "comment" and work.commented.get(email, 0) >= COMMENTS_EACH:
        kind = "note"  # stay under the site's per-learner comment limit (10 in 10 minutes)
    course = work.course_ids[n % len(work.course_ids)]
    if kind == "like":
        ok = browser.post(f"/courses/{course}/like", {}) in (200, 302)
        if ok:
            with work.lock:
                work.likes += 1
        return ok
    if kind == "note":
        text = f"note {tag} {n}: 练习太极拳的心得"
        ok = browser.post(f"/courses/{course}/notes", {"body": text}) == 302
        if ok:
            with work.lock:
                work.notes.add(text)
        return ok
    if kind == "comment":
        text = f"comment {tag} {n}: 老师讲得很清楚"
        path = f"/courses/{course}/comments"
        _status, location, _body = browser.request(
            path, {"body": text, "csrf_token": browser.token}
        )
        ok = "#comment-" in location  # the posted comment's anchor; a refusal goes elsewhere
        if ok:
            with work.lock:
                work.comments.add(text)
                work.commented[email] = work.commented.get(email, 0) + 1
        return ok
    if kind == "position":
        course, lesson = work.lessons[n % len(work.lessons)]
        seconds = 10 + n
        path = f"/courses/{course}/lessons/{lesson}/position"
        ok = browser.post(path, {"position": str(seconds)}) in (200, 302)
        if ok:
            with work.lock:
                work.positions[(email, lesson)] = seconds
        return ok
    raise ValueError(f"not a write kind: {kind}")


def _sign_up(work: Workload, n: int, tag: str) -> tuple[bool, float]:
    address = f"signup-{tag}-{n}@bench.example.cn"
    fresh = Browser(work.base)
    fresh.refresh_token("/signup")
    form = {
        "email": address,
        "display_name": "新学员",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "preferred_language": "zh",
        "interest_areas": "elderly",
    }
    ok = fresh.post("/signup", form) == 200  # the "check your mail" page (400: refused form)
    if ok:
        with work.lock:
            work.signups.add(address)
    return ok, fresh.post_seconds


def learner_loop(work: Workload, index: int, stop: threading.Event, pause: float) -> None:
    """Write as a few learners, one kind after another, until told to stop."""
    mine = work.emails[index :: _threads(work)]
    browsers = []
    for email in mine:
        browser = Browser(work.base)
        browser.log_in(email)
        browsers.append((email, browser))
    n = 0
    while not stop.is_set():
        kind = KINDS[(n + index) % len(KINDS)]
        email, browser = browsers[(n // len(KINDS)) % len(browsers)]
        start = time.time()
        try:
            ok, seconds = _write(work, kind, browser, email, n, f"t{index}")
            status = 0
        except OSError:
            ok, status = False, -1
            seconds = time.time() - start
        end = time.time()
        with work.lock:
            work.outcomes.append(Outcome(kind, ok, seconds, status, start, end))
        n += 1
        time.sleep(pause)


def _threads(work: Workload) -> int:
    return getattr(work, "threads", 1)


def lost_writes(engine: sa.Engine, work: Workload) -> dict[str, int]:
    """Writes the server answered as stored that the database does not hold, per kind."""
    with make_session_factory(engine)() as session:
        notes = set(session.scalars(sa.select(Note.body).where(Note.body.in_(work.notes))))
        comments = set(
            session.scalars(sa.select(Comment.body).where(Comment.body.in_(work.comments)))
        )
        users = set(session.scalars(sa.select(User.email).where(User.email.in_(work.signups))))
        likes = session.scalar(
            sa.select(sa.func.count())
            .select_from(Event)
            .where(Event.kind.in_([EventKind.LIKE, EventKind.UNLIKE]))
        )
        ids = dict(session.execute(sa.select(User.email, User.id)).all())
        stored = {
            (u, lesson): s
            for u, lesson, s in session.execute(
                sa.select(
                    LessonPosition.user_id,
                    LessonPosition.lesson_id,
                    LessonPosition.position_seconds,
                )
            )
        }
    positions = sum(
        1 for (email, lesson), s in work.positions.items() if stored.get((ids[email], lesson)) != s
    )
    return {
        "like": max(0, work.likes - (likes or 0)),
        "note": len(work.notes - notes),
        "comment": len(work.comments - comments),
        "position": positions,
        "signup": len(work.signups - users),
        "login": 0,
    }


def seed_site(sessions, learners: int) -> tuple[list[str], list[int], list[tuple[int, int]]]:
    """A provider with a few courses and lessons, and learners with a known password."""
    with sessions() as session:
        provider = create_provider(session, "长者学习中心", "public")
        courses = []
        for i in range(5):
            lessons = [LessonData(title=f"第{j}讲", duration_seconds=600) for j in range(1, 4)]
            data = CourseData(
                external_id=f"seed-{i}", title=f"太极拳 {i}", area="elderly", lessons=lessons
            )
            courses.append(create_course(session, provider.id, data, publish=True))
        emails = [f"learner{i}@bench.example.cn" for i in range(learners)]
        for email in emails:
            register_user(session, email, PASSWORD, "学员")
        session.commit()
        lessons = [(c.id, lesson.id) for c in courses for lesson in c.lessons]
        return emails, [c.id for c in courses], lessons


def start_upload(sessions, path: Path, upload_dir: Path) -> int:
    """Receive and queue a partner file for a new provider; returns the upload id."""
    with sessions() as session, path.open("rb") as stream:
        provider = create_provider(session, "国家开放大学", "university")
        upload = ingest.receive_upload(
            session,
            OPERATOR,
            provider.id,
            path.name,
            stream,
            upload_dir,
            channel="api",
            options=ingest.UploadOptions(default_area="continuing"),
            limits=ingest.Limits(max_bytes=2**31, max_rows=10_000_000),
        )
        ingest.queue_upload(session, upload)
        session.commit()
        return upload.id


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of the values, nearest rank."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def fresh_engine(url: str | None, workdir: Path) -> sa.Engine:
    """A migrated, empty database."""
    engine = make_engine(url or f"sqlite:///{workdir / 'bench.db'}")
    if url:
        Base.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    upgrade_database(engine)
    return engine


def partner_token(sessions, provider: str = "国家开放大学") -> str:
    """A new provider and a partner API token for it; returns the plain token."""
    with sessions() as session:
        found = create_provider(session, provider, "university")
        _token, plain = create_token(session, found.id, "bench feed")
        session.commit()
    return plain


def send_upload(base: str, token: str, path: Path) -> int:
    """POST a catalogue file to the partner API to be applied; returns the upload id."""
    boundary = f"----bench{time.time_ns()}"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="default_area"\r\n\r\n'
        f"continuing\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"'
        f"\r\nContent-Type: text/csv\r\n\r\n"
    ).encode()
    body = head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        base + "/api/v1/partner/uploads",
        data=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    with urllib.request.urlopen(request, timeout=600) as answer:
        if answer.status != 202:
            raise RuntimeError(f"the upload was not accepted: {answer.status}")
        return json.loads(answer.read())["upload"]["id"]


def epoch(moment: datetime) -> float:
    """Seconds since 1970 of a database timestamp (stored in UTC, with or without a zone)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def wait_finished(engine: sa.Engine, upload_id: int, timeout: float) -> Upload:
    """Wait until the worker has applied (or rejected, or failed) the upload; returns it."""
    deadline = time.monotonic() + timeout
    sessions = make_session_factory(engine)
    while time.monotonic() < deadline:
        with sessions() as session:
            upload = session.get(Upload, upload_id)
            if upload.is_finished:
                session.expunge(upload)
                return upload
        time.sleep(0.5)
    raise TimeoutError(f"upload {upload_id} did not finish in {timeout:g} s")


def wait_for_quiet_worker(engine: sa.Engine, timeout: float = 600) -> None:
    """Wait until the worker's first runs (popularity, training) are over: they are not what
    is measured."""
    first = {"popularity-refresh", "recommender-train"}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            done = set(
                conn.scalars(sa.select(JobRun.job_id).where(JobRun.finished_at.is_not(None)))
            )
            running = conn.scalar(
                sa.select(sa.func.count()).select_from(JobRun).where(JobRun.finished_at.is_(None))
            )
        if first <= done and not running:
            return
        time.sleep(1)
    raise TimeoutError("the worker's first jobs did not finish")


def switch_seconds(engine: sa.Engine) -> float | None:
    """The longest switch transaction the worker's uploads-apply runs recorded."""
    with engine.connect() as conn:
        figures = conn.scalars(sa.select(JobRun.figures).where(JobRun.job_id == "uploads-apply"))
        seconds = [f.get(LONGEST_SWITCH) for f in figures if f and f.get(LONGEST_SWITCH)]
    return max(seconds, default=None)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--threads", type=int, default=6, help="learner threads")
    parser.add_argument("--learners", type=int, default=24)
    parser.add_argument("--pause", type=float, default=0.2, help="seconds between writes")
    parser.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="lifelong-contention-"))
    try:
        path = workdir / "catalogue.csv"
        write_catalogue_file(path, args.rows)
        engine = fresh_engine(args.db, workdir)
        url = engine.url.render_as_string(hide_password=False)
        sessions = make_session_factory(engine)
        emails, course_ids, lessons = seed_site(sessions, args.learners)
        token = partner_token(sessions)
        env = site_env(workdir / "instance", url, **APP_LIMITS)
        with live_site(env, workdir / "server.log") as site:
            wait_for_quiet_worker(engine)
            work = Workload(site.base, emails, course_ids, lessons)
            work.threads = args.threads  # type: ignore[attr-defined]
            stop = threading.Event()
            threads = [
                threading.Thread(target=learner_loop, args=(work, i, stop, args.pause))
                for i in range(args.threads)
            ]
            for t in threads:
                t.start()
            time.sleep(3)  # every learner logged in and writing before the upload is sent
            sent = time.time()
            upload_id = send_upload(site.base, token, path)
            received = time.time()
            upload = wait_finished(engine, upload_id, timeout=3600)
            time.sleep(1)
            stop.set()
            for t in threads:
                t.join()
            alive = site.process.poll() is None
        begin, end = sent, epoch(upload.finished_at)
        during = [o for o in work.outcomes if o.started < end and o.finished > begin]
        lost = lost_writes(engine, work)
        print(
            f"database: {engine.dialect.name}; rows: {args.rows}; learner threads: {args.threads}"
        )
        print(
            f"upload: {upload.status.value}, created {upload.created}; sent and received in "
            f"{received - sent:.1f} s; applied by the worker in "
            f"{epoch(upload.finished_at) - epoch(upload.started_at):.1f} s "
            f"(switch transaction {switch_seconds(engine) or 0:.2f} s); "
            f"site {'alive' if alive else 'DIED'} afterwards"
        )
        print(f"{'kind':<10}{'ok':>6}{'failed':>8}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'lost':>6}")
        for kind in (*KINDS, "all"):
            mine = [o for o in during if kind in ("all", o.kind)]
            secs = [o.seconds for o in mine]
            lost_n = sum(lost.values()) if kind == "all" else lost[kind]
            print(
                f"{kind:<10}{sum(o.ok for o in mine):>6}{sum(not o.ok for o in mine):>8}"
                f"{statistics.median(secs) if secs else 0:>8.3f}{percentile(secs, 0.95):>8.3f}"
                f"{max(secs, default=0):>8.3f}{lost_n:>6}"
            )
        engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
