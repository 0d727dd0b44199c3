"""Click-through of the recommendation lists (issue 17): a list rendered for a learner is one
recorded row, a course opened from it counts once however often it is reloaded, forged or
foreign references count nothing and never fail the page, the rollup job's figures equal the
lists and clicks made, and the cockpit shows the click-through. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from catalogue.db import make_session_factory
from catalogue.models import Role, utcnow
from catalogue.services.activity import record_event
from catalogue.services.users import register_user
from insight import cockpit, feed_clicks, feed_rollups
from insight.models import DailyFigure
from insight.models.feeds import FeedClick, FeedDay, FeedImpression, FeedSurface
from insight.rollup_store import watermark
from insight.rollups import LocalDays, run_rollups
from records import personal_data as pd
from tests.helpers import login, make_course, make_provider
from tests.test_app_api_auth import bearer, make_learner, sign_in
from tests.test_recommender_api import published, train
from tests.test_records_personal_data import read_zip
from webapp.db import get_database

ZONE = ZoneInfo("Asia/Shanghai")
PASSWORD = "password-123"
KEY = feed_clicks.signing_key("test secret")
THREADS, LISTS_EACH = 8, 10
LINK = re.compile(r'href="(/courses/(\d+)\?rec=([A-Za-z0-9_-]+))"')


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def _courses(session, n: int = 6) -> list[int]:
    provider = make_provider(session).id
    ids = [make_course(session, provider, title=f"课程{i}").id for i in range(n)]
    session.commit()
    return ids


def _learner(session, email: str) -> int:
    uid = register_user(session, email, PASSWORD, email.split("@")[0]).id
    session.commit()
    return uid


def _links(html: str) -> list[tuple[str, int, str]]:
    return [(unescape(h), int(c), r) for h, c, r in LINK.findall(html)]


def test_a_feed_render_is_one_row_and_a_click_counts_once(app, client, engine, session):
    version = train(app, engine)
    uid = _learner(session, "feed@example.cn")
    for course in published(session)[:4]:
        record_event(session, uid, course, "like", at=datetime.now(UTC))
    session.commit()
    login(client, "feed@example.cn", PASSWORD)

    home = client.get("/").get_data(as_text=True)
    shown = session.scalars(select(FeedImpression)).all()
    assert len(shown) == 1
    (impression,) = shown
    assert impression.user_id == uid and impression.surface == FeedSurface.HOME
    assert impression.model_version == version
    section = home.split('id="for-you-heading"', 1)[1].split("</section>", 1)[0]
    links = _links(section)
    assert links and impression.items == len(links)
    assert len({ref for _h, _c, ref in links}) == len(links)  # one reference per position

    href, course_id, _ref = links[1]
    assert client.get(href).status_code == 200
    assert client.get(href).status_code == 200  # reloaded
    client.get(f"/courses/{course_id}")  # and opened again without the link
    clicks = session.scalars(select(FeedClick)).all()
    assert [(c.impression_id, c.course_id, c.position) for c in clicks] == [
        (impression.id, course_id, 1)
    ]
    # Each course page shown recorded its own "also liked" list, with its own links.
    pages = session.scalars(
        select(FeedImpression).where(FeedImpression.surface == FeedSurface.COURSE)
    ).all()
    assert len(pages) == 3 and all(p.model_version == version for p in pages)


def test_forged_foreign_and_stale_references_count_nothing(app, client, session):
    courses = _courses(session, 10)  # more than the feed's eight
    ann = _learner(session, "ann@example.cn")
    _learner(session, "bob@example.cn")
    login(client, "ann@example.cn", PASSWORD)
    links = _links(client.get("/").get_data(as_text=True))
    assert links, "the cold-start feed shows courses"
    (impression,) = session.scalars(select(FeedImpression)).all()
    assert impression.user_id == ann and impression.model_version == ""
    href, course_id, ref = links[0]
    other = next(c for c in courses if c not in {c for _h, c, _r in links})
    flipped = ref[:-1] + ("A" if ref[-1] != "A" else "B")
    forged = [
        "",
        "x",
        "%00",
        "A" * 5000,
        "AAAAAAAAAAAAAAAA",
        flipped,
        feed_clicks.make_ref(feed_clicks.signing_key("wrong"), impression.id, 0, course_id),
        feed_clicks.make_ref(KEY, impression.id, 0, course_id),  # another site's key
        "🙂",
        "../../etc",
    ]
    for bad in forged:
        response = client.get(f"/courses/{course_id}", query_string={"rec": bad})
        assert response.status_code == 200, bad
    # A reference is for its own course: not another one of the list, not one outside it.
    assert client.get(f"/courses/{other}?rec={ref}").status_code == 200
    for _h, c, _r in links[1:]:
        client.get(f"/courses/{c}?rec={ref}")
    # Another learner (someone Ann shared the link with) and a visitor count nothing.
    bob = app.test_client()
    login(bob, "bob@example.cn", PASSWORD)
    assert bob.get(href).status_code == 200
    assert app.test_client().get(href).status_code == 200
    assert _count(session, FeedClick) == 0
    # A stale list (past CLICK_WINDOW) counts nothing either.
    session.execute(
        update(FeedImpression)
        .where(FeedImpression.id == impression.id)
        .values(created_at=utcnow() - feed_clicks.CLICK_WINDOW - timedelta(minutes=1))
    )
    session.commit()
    client.get(href)
    assert _count(session, FeedClick) == 0
    session.execute(
        update(FeedImpression).where(FeedImpression.id == impression.id).values(created_at=utcnow())
    )
    session.commit()
    client.get(href)
    assert _count(session, FeedClick) == 1  # Ann's own, in time: counted


def test_references_are_short_and_checked_without_the_database():
    ref = feed_clicks.make_ref(KEY, 123_456_789, 7, 42)
    assert len(ref) <= 20 and re.fullmatch(r"[A-Za-z0-9_-]+", ref)
    assert feed_clicks.read_ref(KEY, ref, 42) == feed_clicks.Ref(123_456_789, 7)
    assert feed_clicks.read_ref(KEY, ref, 43) is None
    assert feed_clicks.read_ref(feed_clicks.signing_key("other"), ref, 42) is None
    for bad in (None, "", "=" * 12, "A" * 21, ref + "A", ref[:-1], "****************"):
        assert feed_clicks.read_ref(KEY, bad, 42) is None


def test_the_app_feed_records_its_list_and_the_app_counts_the_click(client, session):
    _courses(session)
    make_learner(session)
    ann = bearer(sign_in(client))
    body = client.get("/api/v1/feed?limit=5", headers=ann).get_json()
    refs = [item["rec"] for item in body["items"]]
    assert refs and all(refs)
    (impression,) = session.scalars(select(FeedImpression)).all()
    assert impression.surface == FeedSurface.API_FEED and impression.items == len(refs)
    first = body["items"][0]
    for _ in range(2):
        response = client.get(f"/api/v1/courses/{first['id']}?rec={first['rec']}", headers=ann)
        assert response.status_code == 200
    bad = client.get(f"/api/v1/courses/{first['id']}?rec=garbage!", headers=ann)
    assert bad.status_code == 200
    assert _count(session, FeedClick) == 1
    similar = client.get(f"/api/v1/courses/{first['id']}/similar", headers=ann).get_json()
    assert all(item["rec"] for item in similar["items"])
    # Visitors get no references and leave no rows.
    visitor = client.get("/api/v1/feed?limit=5").get_json()
    assert visitor["items"] and all(item["rec"] is None for item in visitor["items"])
    assert _count(session, FeedImpression) == 1 + bool(similar["items"])


def _make_lists(session, courses: list[int], users: list[int]) -> list[tuple]:
    """Lists on three surfaces and two versions over two local days, some clicked (some twice);
    returns (impression_id, course_ids) per list."""
    made = []
    plan = [
        (FeedSurface.HOME, "v-1", 4, [0, 2]),
        (FeedSurface.HOME, "v-2", 4, [1]),
        (FeedSurface.COURSE, "v-2", 3, []),
        (FeedSurface.API_FEED, "", 5, [0, 0, 4]),  # the first opened twice: counted once
        (FeedSurface.COURSE, "v-2", 2, [1]),
    ]
    for n, (surface, version, size, opened) in enumerate(plan):
        user = users[n % len(users)]
        shown = courses[:size]
        refs = feed_clicks.record_impression(session, KEY, user, surface, version, shown)
        for position in opened:
            feed_clicks.record_click(session, KEY, refs[position], shown[position], user)
        made.append((surface, version, size))
    return made


def test_the_jobs_figures_equal_the_lists_and_clicks_made(session, engine):
    courses = _courses(session, 5)
    users = [_learner(session, f"u{i}@example.cn") for i in range(3)]
    _make_lists(session, courses, users)
    # Spread the lists over two local days (16:00 UTC is Shanghai's midnight).
    ids = session.scalars(select(FeedImpression.id).order_by(FeedImpression.id)).all()
    late = datetime(2026, 11, 19, 15, 30, tzinfo=UTC)
    for n, impression_id in enumerate(ids):
        session.execute(
            update(FeedImpression)
            .where(FeedImpression.id == impression_id)
            .values(created_at=late + timedelta(hours=n % 2))
        )
    session.commit()
    # A foreign click attempt: Bob clicking Ann's list counts nothing.
    ann_list = session.scalars(select(FeedImpression).order_by(FeedImpression.id)).first()
    ref = feed_clicks.make_ref(KEY, ann_list.id, 3, courses[3])
    assert not feed_clicks.record_click(session, KEY, ref, courses[3], users[1])

    expected: Counter = Counter()
    rows = session.execute(
        select(
            FeedImpression.id,
            FeedImpression.surface,
            FeedImpression.model_version,
            FeedImpression.items,
            FeedImpression.created_at,
        )
    ).all()
    for _id, surface, version, items, created in rows:
        key = (created.astimezone(ZONE).date(), surface.value, version)
        expected[(*key, "lists")] += 1
        expected[(*key, "items")] += items
    for _id, surface, version, created in session.execute(
        select(
            FeedClick.id,
            FeedImpression.surface,
            FeedImpression.model_version,
            FeedImpression.created_at,
        ).join(FeedImpression, FeedImpression.id == FeedClick.impression_id)
    ):
        expected[(created.astimezone(ZONE).date(), surface.value, version, "clicks")] += 1
    assert sum(v for k, v in expected.items() if k[3] == "clicks") == 6
    assert {k[0] for k in expected} == {date(2026, 11, 19), date(2026, 11, 20)}

    sessions = make_session_factory(engine)
    runs = [run_rollups(sessions, ZONE, batch=2) for _ in range(2)]  # twice adds nothing
    assert runs[0][feed_rollups.IMPRESSIONS] == 5 and runs[0][feed_rollups.CLICKS] == 6
    assert runs[1][feed_rollups.IMPRESSIONS] == 0 and runs[1][feed_rollups.CLICKS] == 0
    session.expire_all()
    stored: Counter = Counter()
    for day in session.scalars(select(FeedDay)):
        for name in ("lists", "items", "clicks"):
            if getattr(day, name):
                stored[(day.day, day.surface, day.model_version, name)] = getattr(day, name)
    assert stored == +expected
    daily = {
        (f.metric, f.day): f.value
        for f in session.scalars(select(DailyFigure).where(DailyFigure.metric.like("feeds.%")))
    }
    for name in ("lists", "items", "clicks"):
        for day in {k[0] for k in expected}:
            total = sum(v for k, v in expected.items() if k[0] == day and k[3] == name)
            assert daily.get((f"feeds.{name}", day), 0) == total, (name, day)
    assert watermark(session, feed_rollups.IMPRESSIONS) == max(ids)

    # The cockpit's read: per day, per surface, per version, in all.
    read = cockpit.feed_click_through(session, date(2026, 11, 19), date(2026, 11, 20))
    assert read.total == cockpit.FeedFigures(5, 18, 6)
    assert set(read.by_version) == {"v-1", "v-2", ""}
    assert read.by_version["v-1"].clicks == 2 and read.by_version["v-1"].items == 4
    assert read.total.rate == round(100 * 6 / 18, 2)

    # The lists were pruned once counted, being older than RETENTION (their clicks with
    # them); the figures stay.
    assert runs[0]["feed_lists_pruned"] == len(ids) and runs[1]["feed_lists_pruned"] == 0
    assert _count(session, FeedImpression) == 0 and _count(session, FeedClick) == 0


def test_rows_younger_than_the_cutoff_wait_for_the_next_run(session):
    courses = _courses(session, 3)
    user = _learner(session, "late@example.cn")
    refs = feed_clicks.record_impression(session, KEY, user, FeedSurface.HOME, "v", courses)
    assert feed_clicks.record_click(session, KEY, refs[0], courses[0], user)
    days = LocalDays(ZONE)
    before = utcnow() - timedelta(minutes=1)
    assert feed_rollups.impressions_batch(session, days, 100, before) == 0
    assert feed_rollups.clicks_batch(session, days, 100, before) == 0
    assert feed_rollups.impressions_batch(session, days, 100, utcnow()) == 1
    assert feed_rollups.clicks_batch(session, days, 100, utcnow()) == 1
    session.commit()


def test_the_cockpit_shows_the_click_through(app, client, session):
    courses = _courses(session, 4)
    users = [_learner(session, f"c{i}@example.cn") for i in range(2)]
    for n, user in enumerate(users):
        refs = feed_clicks.record_impression(
            session, KEY, user, FeedSurface.HOME, "v-00000000000000000042", courses
        )
        if n == 0:
            feed_clicks.record_click(session, KEY, refs[2], courses[2], user)
    run_rollups(get_database(app).sessions, ZONE)
    register_user(session, "admin@example.cn", PASSWORD, "管理员", role=Role.ADMIN)
    session.commit()
    login(client, "admin@example.cn", PASSWORD)
    html = client.get("/admin/cockpit/?days=7").get_data(as_text=True)
    assert 'id="feed-ctr-data"' in html and 'id="feed-ctr-table"' in html
    assert 'id="feed-versions"' in html and "v-00000000000000000042" in html
    # 1 click of 8 courses shown: 12.5 % in the figures, the chart's table and the version's row
    assert html.count("12.5") >= 3
    assert "cannot be measured" not in html and "暂时无法计算点击率" not in html
    empty = client.get("/admin/cockpit/?days=7")
    assert empty.status_code == 200


def test_lists_and_clicks_are_the_learners_personal_data(session):
    courses = _courses(session, 3)
    ann = _learner(session, "pd-ann@example.cn")
    bob = _learner(session, "pd-bob@example.cn")
    for user in (ann, bob):
        refs = feed_clicks.record_impression(session, KEY, user, FeedSurface.HOME, "v", courses)
        feed_clicks.record_click(session, KEY, refs[0], courses[0], user)
    links = {link.table.name: link.kind for link in pd.user_links()}
    assert links["feed_impressions"] == pd.OWNER
    out = io.BytesIO()
    pd.write_archive(session, ann, out)
    session.rollback()
    tables = read_zip(out.getvalue())[0]["tables"]
    assert [r["user_id"] for r in tables["feed_impressions"]["rows"]] == [ann]
    assert len(tables["feed_clicks"]["rows"]) == 1
    pd.delete_account(session, ann)
    session.commit()
    session.expire_all()
    owners = session.scalars(select(FeedImpression.user_id)).all()
    assert owners == [bob] and _count(session, FeedClick) == 1


def test_concurrent_lists_and_clicks_are_all_kept(session, engine):
    """Many requests at once: every list is written, every double click counted once."""
    courses = _courses(session, 3)
    users = [_learner(session, f"t{i}@example.cn") for i in range(THREADS)]
    sessions = make_session_factory(engine)
    barrier = threading.Barrier(THREADS)
    failures: list[BaseException] = []

    def work(user: int) -> None:
        try:
            barrier.wait()
            with sessions() as own:
                for _ in range(LISTS_EACH):
                    refs = feed_clicks.record_impression(
                        own, KEY, user, FeedSurface.HOME, "v", courses
                    )
                    assert refs is not None
                    feed_clicks.record_click(own, KEY, refs[0], courses[0], user)
                    feed_clicks.record_click(own, KEY, refs[0], courses[0], user)
        except BaseException as exc:  # reported by the test below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    made = THREADS * LISTS_EACH
    assert _count(session, FeedImpression) == made and _count(session, FeedClick) == made
    run_rollups(sessions, ZONE)
    today = datetime.now(ZONE).date()
    read = cockpit.feed_click_through(session, today - timedelta(days=1), today)
    assert read.total == cockpit.FeedFigures(made, made * len(courses), made)
