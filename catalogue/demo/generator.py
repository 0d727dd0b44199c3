"""Deterministic demo catalogue: providers, courses, lessons, learners, activity, columns.

The same seed and sizes always give the same rows: every random choice comes from a
`random.Random` seeded from the seed and the name of the stage, and every timestamp is an
offset from a fixed reference date (`DEMO_NOW`, 2026-11-01T00:00Z, or the `now` argument),
never the clock. Batch size does not change the result.

`progress(stage, done, total)` is called after every batch: stages "providers", "courses",
"learners" (learners whose activity is written), "columns" and "stats" (course_stats rows).

Rows are streamed to the database in batches with SQLAlchemy Core inserts (one transaction
per batch), with explicit ids after the current max(id) of each table, so generation also
works on a database that already holds data. On PostgreSQL the id sequences are moved past
the new rows afterwards. Memory stays bounded: apart from the batch being written, only
compact arrays describing the published courses are kept.

The generator writes no index_outbox rows: after a bulk generation the search index is
built by a full rebuild, not by replaying one outbox row per course.

Demo learners get `DEMO_PASSWORD_HASH`, a marker that is no valid werkzeug hash, so
nobody can log in as a demo learner.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from catalogue.demo import media as demo_media
from catalogue.demo import vocabulary as vocab
from catalogue.models import (
    Area,
    BodyFormat,
    ColumnCourse,
    ColumnStatus,
    Course,
    CourseFormat,
    CourseStatus,
    Event,
    EventKind,
    Lesson,
    Level,
    MediaType,
    Provider,
    ProviderKind,
    ProviderStatus,
    Role,
    ThematicColumn,
    User,
)
from catalogue.services.activity import refresh_course_stats

DEMO_NOW = datetime(2026, 11, 1, tzinfo=UTC)
DEMO_PASSWORD_HASH = "!demo-unusable"
ACTIVITY_DAYS = 180
DAY = 86_400

Row = dict[str, Any]
Progress = Callable[[str, int, int], None]


class _Weighted:
    """A fixed weighted choice, drawn with a single random number."""

    def __init__(self, weights: dict[Any, float]) -> None:
        self.values = tuple(weights)
        self.cum = list(itertools.accumulate(weights.values()))

    def draw(self, rng: random.Random) -> Any:
        """One value, with probability proportional to its weight."""
        return self.values[_pick(rng, self.cum)]


_AREAS = _Weighted(vocab.AREA_WEIGHTS)
_TITLE_FAMILIES = _Weighted(vocab.TITLE_FAMILY_WEIGHTS)
_FORMATS = _Weighted(
    {
        CourseFormat.VIDEO: 0.60,
        CourseFormat.AUDIO: 0.10,
        CourseFormat.READING: 0.10,
        CourseFormat.LIVE: 0.05,
        CourseFormat.MIXED: 0.15,
    }
)
_MICRO_FORMATS = _Weighted(
    {CourseFormat.VIDEO: 0.70, CourseFormat.AUDIO: 0.18, CourseFormat.READING: 0.12}
)
_MICRO_LESSONS = _Weighted({1: 0.60, 2: 0.25, 3: 0.15})
_FREE_LEVELS = _Weighted(
    {Level.BEGINNER: 0.35, Level.ALL: 0.45, Level.INTERMEDIATE: 0.15, Level.ADVANCED: 0.05}
)
_MIXED_MEDIA = _Weighted(
    {MediaType.VIDEO: 0.50, MediaType.TEXT: 0.25, MediaType.AUDIO: 0.15, MediaType.QUIZ: 0.10}
)
_MEDIA_OF_FORMAT = {
    CourseFormat.VIDEO: MediaType.VIDEO,
    CourseFormat.AUDIO: MediaType.AUDIO,
    CourseFormat.READING: MediaType.TEXT,
    CourseFormat.LIVE: MediaType.LIVE,
}
_PARTNER_KINDS = _Weighted(vocab.PARTNER_KIND_WEIGHTS)
_INTEREST_COUNTS = _Weighted({1: 0.35, 2: 0.40, 3: 0.25})
_PRICES = (990, 1990, 2990, 4990, 9900, 19900, 39900)
_MICRO_SHARE = 0.25
_EN_SHARE = 0.15
_OWN_SHARE = 0.10
_INTEREST_SHARE = 0.80
# Learners have one to three favourite subjects (烹饪, 书法, Excel…) and pick most courses from
# them: courses of a subject are learnt together, which is what a recommender can learn.
_TASTE_SHARE = 0.65
_TASTE_COUNTS = _Weighted({1: 0.4, 2: 0.4, 3: 0.2})
_COLUMN_CANDIDATES = 2000


@dataclass(frozen=True)
class DemoSummary:
    """What one generation run wrote."""

    providers: int
    courses: int
    lessons: int
    learners: int
    events: int
    columns: int
    elapsed_seconds: float


@dataclass(frozen=True)
class _Run:
    """Settings shared by every stage of one run."""

    engine: Engine
    seed: int
    now: datetime
    batch_size: int
    progress: Progress | None
    # Multiplies how many courses a learner visits (1.0: a median of 15).
    activity: float = 1.0

    @property
    def now_ts(self) -> int:
        """The reference date as whole epoch seconds."""
        return int(self.now.timestamp())

    def rng(self, stage: str) -> random.Random:
        """An independent random stream for one stage of the run."""
        return random.Random(f"{self.seed}/{stage}")

    def report(self, stage: str, done: int, total: int) -> None:
        """Forward progress to the caller's callback, if any."""
        if self.progress is not None:
            self.progress(stage, done, total)


@dataclass
class _Providers:
    """The providers written by this run, and how courses are spread over them."""

    own_id: int
    written: int
    names: dict[int, str]
    zh_partner_ids: list[int]
    zh_partner_cum: list[float]
    english_ids: list[int]


@dataclass
class _AreaCourses:
    """Compact arrays describing the published courses of one area."""

    ids: array = field(default_factory=lambda: array("q"))
    published_ts: array = field(default_factory=lambda: array("q"))
    first_lesson: array = field(default_factory=lambda: array("q"))
    lessons: array = field(default_factory=lambda: array("H"))
    minutes: array = field(default_factory=lambda: array("I"))
    subjects: list[str] = field(default_factory=list)


@dataclass
class _Published:
    """What later stages need to know about the published courses."""

    areas: dict[Area, _AreaCourses] = field(
        default_factory=lambda: {area: _AreaCourses() for area in Area}
    )
    column_candidates: list[list[int]] = field(default_factory=lambda: [[] for _ in vocab.COLUMNS])

    def add(self, course: Row, subject: str, lessons: int) -> None:
        """Remember one published course."""
        area = self.areas[course["area"]]
        area.ids.append(course["id"])
        area.published_ts.append(int(course["published_at"].timestamp()))
        area.first_lesson.append(course["_first_lesson"])
        area.lessons.append(lessons)
        area.minutes.append(course["duration_minutes"])
        area.subjects.append(subject)
        for spec, candidates in zip(vocab.COLUMNS, self.column_candidates, strict=True):
            if len(candidates) < _COLUMN_CANDIDATES and _fits_column(spec, course, subject):
                candidates.append(course["id"])

    def count(self) -> int:
        """Number of published courses."""
        return sum(len(a.ids) for a in self.areas.values())


def generate_demo(
    engine: Engine,
    *,
    courses: int = 5000,
    learners: int = 2000,
    seed: int = 20261126,
    batch_size: int = 5000,
    progress: Progress | None = None,
    now: datetime | None = None,
    activity: float = 1.0,
) -> DemoSummary:
    """Write a deterministic demo catalogue, learners and their activity; returns the counts.

    `activity` scales how many courses each learner visits (benchmarks size the event log)."""
    if courses < 0 or learners < 0:
        raise ValueError("courses and learners must not be negative")
    if activity <= 0:
        raise ValueError("activity must be positive")
    started = time.perf_counter()
    run = _Run(engine, seed, _aware(now or DEMO_NOW), max(1, batch_size), progress, activity)
    start_ids = _next_ids(engine)
    providers = _write_providers(run, _provider_count(courses), start_ids[Provider])
    published, lesson_total = _write_courses(
        run, courses, providers, start_ids[Course], start_ids[Lesson]
    )
    event_total = _write_learners(run, learners, published, start_ids[User], start_ids[Event])
    column_total = _write_columns(run, published, start_ids[ThematicColumn])
    _reset_sequences(engine)
    _refresh_stats(run)
    return DemoSummary(
        providers=providers.written,
        courses=courses,
        lessons=lesson_total,
        learners=learners,
        events=event_total,
        columns=column_total,
        elapsed_seconds=round(time.perf_counter() - started, 3),
    )


# ---------------------------------------------------------------------------------------
# Database plumbing
# ---------------------------------------------------------------------------------------

_ID_TABLES = (Provider, Course, Lesson, User, Event, ThematicColumn)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _next_ids(engine: Engine) -> dict[type, int]:
    """The first free id of every table the generator writes explicit ids into."""
    with engine.connect() as conn:
        return {
            model: (conn.scalar(select(func.max(model.__table__.c.id))) or 0) + 1
            for model in _ID_TABLES
        }


def _insert(run: _Run, batches: Sequence[tuple[type, list[Row]]]) -> None:
    """Insert several tables' rows in one transaction, in the given order."""
    with run.engine.begin() as conn:
        for model, rows in batches:
            if rows:
                conn.execute(model.__table__.insert(), rows)


def _reset_sequences(engine: Engine) -> None:
    """Move PostgreSQL id sequences past the explicit ids written."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for model in _ID_TABLES:
            table = model.__tablename__
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table})) WHERE EXISTS (SELECT 1 FROM {table})"
                )
            )


def _refresh_stats(run: _Run) -> None:
    """Recompute course_stats from the events now in the database."""
    with Session(run.engine) as session:
        rows = refresh_course_stats(session)
        session.commit()
    run.report("stats", rows, rows)


def _at(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _zipf_cum(n: int, exponent: float, offset: float = 1.0) -> list[float]:
    """Cumulative Zipf-like weights 1/(rank+offset)^exponent for ranks 0..n-1."""
    return list(itertools.accumulate((r + offset) ** -exponent for r in range(n)))


def _pick(rng: random.Random, cum: Sequence[float]) -> int:
    """An index drawn with the probabilities given by cumulative weights."""
    return bisect.bisect_right(cum, rng.random() * cum[-1])


# ---------------------------------------------------------------------------------------
# Providers
# ---------------------------------------------------------------------------------------


def _provider_count(courses: int) -> int:
    return min(5000, max(20, courses // 150))


def _existing_provider_names(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(Provider.name)))


def _unique_names(
    bases: Sequence[tuple[str, str]], variants: Sequence[str], taken: set[str]
) -> Iterator[tuple[str, str]]:
    """Base names first, then each variant of every base, then numbered ones; never a taken one."""
    rounds = itertools.chain(["{name}"], variants, (f"{{name}}（{n}）" for n in itertools.count(2)))
    for variant in rounds:
        for name, kind in bases:
            candidate = variant.format(name=name)
            if candidate not in taken:
                taken.add(candidate)
                yield candidate, kind


def _zh_names(rng: random.Random, kind: str, taken: set[str]) -> Iterator[tuple[str, str]]:
    """Unique Chinese partner names of one kind: well-known ones first, then generated ones."""
    generated = [
        (pattern.format(c=city, b=brand), kind)
        for pattern, pattern_kind in vocab.PROVIDER_PATTERNS_ZH
        if pattern_kind == kind
        for city in vocab.CITIES_ZH
        for brand in (vocab.TRAINING_BRANDS_ZH if "{b}" in pattern else ("",))
    ]
    rng.shuffle(generated)
    known = [entry for entry in vocab.PROVIDERS_ZH if entry[1] == kind]
    pattern, fillers = vocab.PROVIDER_VARIANTS_ZH[kind]
    variants = [pattern.replace("{x}", x) for x in fillers]
    return _unique_names(known + generated, variants, taken)


def _en_names(rng: random.Random, taken: set[str]) -> Iterator[tuple[str, str]]:
    """Unique English-language partner names, well-known ones first."""
    generated = [
        (pattern.format(c=city), kind)
        for pattern, kind in vocab.PROVIDER_PATTERNS_EN
        for city in vocab.CITIES_EN
    ]
    rng.shuffle(generated)
    return _unique_names(list(vocab.PROVIDERS_EN) + generated, vocab.PROVIDER_VARIANTS_EN, taken)


def _provider_row(rng: random.Random, run: _Run, pid: int, name: str, kind: str) -> Row:
    created = _at(run.now_ts - rng.randint(400 * DAY, 2000 * DAY))
    return {
        "id": pid,
        "name": name,
        "kind": ProviderKind(kind),
        "contact_name": rng.choice(vocab.CONTACT_SURNAMES) + "老师",
        "contact_email": f"partner{pid}@example.org",
        "website": f"https://p{pid}.example.org",
        "status": ProviderStatus.ACTIVE,
        "created_at": created,
        "updated_at": created,
    }


def _existing_own(engine: Engine) -> tuple[int, str] | None:
    """The platform's own provider, when the database already has one."""
    with engine.connect() as conn:
        row = conn.execute(
            select(Provider.id, Provider.name)
            .where(Provider.kind == ProviderKind.OWN)
            .order_by(Provider.id)
            .limit(1)
        ).first()
    return None if row is None else (row.id, row.name)


def _write_providers(run: _Run, count: int, first_id: int) -> _Providers:
    """Write the platform's own provider (unless it exists) and count-1 partners."""
    taken = _existing_provider_names(run.engine)
    own = _existing_own(run.engine)
    rows, providers = _make_providers(run, count, first_id, taken, own)
    _insert(run, [(Provider, rows)])
    run.report("providers", len(rows), len(rows))
    return providers


def _make_providers(
    run: _Run, count: int, first_id: int, taken: set[str], own: tuple[int, str] | None
) -> tuple[list[Row], _Providers]:
    """The provider rows to write and how courses are spread over them."""
    rng = run.rng("providers")
    rows = []
    if own is None:
        own = (first_id, next(_unique_names([(vocab.OWN_PROVIDER_NAME, "own")], (), taken))[0])
        rows.append(_provider_row(rng, run, first_id, own[1], "own"))
    names = {kind: _zh_names(rng, kind, taken) for kind in vocab.PARTNER_KIND_WEIGHTS}
    names["en"] = _en_names(rng, taken)
    first_partner = first_id + len(rows)
    english: list[int] = []
    for pid in range(first_partner, first_partner + count - 1):
        is_en = pid == first_partner + 1 or rng.random() < 0.05
        kind = "en" if is_en else _PARTNER_KINDS.draw(rng)
        kind = "university" if pid == first_partner else kind  # 国家开放大学 leads
        rows.append(_provider_row(rng, run, pid, *next(names[kind])))
        if is_en:
            english.append(pid)
    skip = {own[0], *english}
    partners = [row["id"] for row in rows if row["id"] not in skip]
    return rows, _Providers(
        own_id=own[0],
        written=len(rows),
        names={own[0]: own[1]} | {row["id"]: row["name"] for row in rows},
        zh_partner_ids=partners,
        zh_partner_cum=_zipf_cum(len(partners), 0.85),
        english_ids=english,
    )


def iter_course_records(
    courses: int, *, seed: int = 20261126, now: datetime | None = None
) -> Iterator[Row]:
    """The course rows generate_demo writes into an empty database, one at a time, without one.

    Each row also carries "provider", the provider's name. Lessons are drawn (the random
    stream must stay the same) but not returned.
    """
    run = _Run(None, seed, _aware(now or DEMO_NOW), 1, None)  # type: ignore[arg-type]
    _, providers = _make_providers(run, _provider_count(courses), 1, set(), None)
    factory = _CourseFactory(run, providers)
    next_lesson = 1
    for course_id in range(1, courses + 1):
        course, lessons, _subject = factory.make(course_id, next_lesson)
        next_lesson += len(lessons)
        del course["_first_lesson"]
        course["provider"] = providers.names[course["provider_id"]]
        yield course


# ---------------------------------------------------------------------------------------
# Courses and lessons
# ---------------------------------------------------------------------------------------


def _fits_column(spec: vocab.ColumnSpec, course: Row, subject: str) -> bool:
    if spec.micro_only and course["duration_minutes"] > 5:
        return False
    return (course["area"], subject) in spec.subjects


def _lower_first(phrase: str) -> str:
    first = phrase.split(" ", 1)[0]
    if first in vocab.EN_PROPER_WORDS or first[1:2].isupper():
        return phrase
    return phrase[:1].lower() + phrase[1:]


def _duration_text(minutes: int, zh: bool) -> str:
    hours, rest = divmod(minutes, 60)
    if zh:
        return (f"{hours}小时" if hours else "") + (f"{rest}分钟" if rest or not hours else "")
    parts = [f"{hours} hour{'s' * (hours != 1)}"] if hours else []
    if rest or not hours:
        parts.append(f"{rest} minute{'s' * (rest != 1)}")
    return " ".join(parts)


class _CourseFactory:
    """Makes one course row and its lesson rows at a time from a single random stream."""

    def __init__(self, run: _Run, providers: _Providers) -> None:
        self.run = run
        self.rng = run.rng("courses")
        self.providers = providers
        self.topics = {
            zh: {
                area: [(s, t) for s, ts in groups.items() for t in ts]
                for area, groups in (vocab.TOPICS_ZH if zh else vocab.TOPICS_EN).items()
            }
            for zh in (True, False)
        }

    def make(self, course_id: int, first_lesson_id: int) -> tuple[Row, list[Row], str]:
        """One course, its lessons and its subject."""
        rng = self.rng
        zh = rng.random() >= _EN_SHARE
        area = _AREAS.draw(rng)
        subject, topic = rng.choice(self.topics[zh][area])
        micro = rng.random() < _MICRO_SHARE
        fmt = (_MICRO_FORMATS if micro else _FORMATS).draw(rng)
        minutes = rng.randint(1, 5) if micro else self._long_minutes()
        n_lessons = self._lesson_count(micro, minutes)
        provider_id = self._provider(zh)
        words = self._words(zh, area, subject, topic, provider_id, minutes, n_lessons)
        title, level = self._title(zh, micro, fmt, words)
        course = {
            "id": course_id,
            "provider_id": provider_id,
            "external_id": f"KC{course_id:08d}",
            "title": title,
            "subtitle": self._sentence(zh, vocab.SUBTITLES_ZH, vocab.SUBTITLES_EN, words),
            "description": self._description(zh, words),
            "area": area,
            "subjects": self._subjects(zh, area, subject, micro),
            "format": fmt,
            "level": level,
            "language": "zh" if zh else "en",
            "duration_minutes": minutes,
            "lesson_count": n_lessons,
            # The site draws a cover for a course without one (the demo's partners have none).
            "cover_url": None,
            **self._price(),
            **self._lifecycle(),
            "_first_lesson": first_lesson_id,
        }
        # The demo's partners have no sites of their own: every course is studied here.
        course["source_url"] = None
        lessons = self._lessons(course, fmt, zh, words, n_lessons)
        return course, lessons, subject

    def _long_minutes(self) -> int:
        return int(min(3600, max(10, self.rng.lognormvariate(math.log(150), 1.0))))

    def _lesson_count(self, micro: bool, minutes: int) -> int:
        if micro:
            return _MICRO_LESSONS.draw(self.rng)
        return min(30, max(3, round(minutes / self.rng.uniform(8, 45))))

    def _provider(self, zh: bool) -> int:
        rng, providers = self.rng, self.providers
        if rng.random() < _OWN_SHARE:
            return providers.own_id
        if not zh and providers.english_ids and rng.random() < 0.6:
            return rng.choice(providers.english_ids)
        return providers.zh_partner_ids[_pick(rng, providers.zh_partner_cum)]

    def _words(
        self,
        zh: bool,
        area: Area,
        subject: str,
        topic: str,
        provider_id: int,
        minutes: int,
        n_lessons: int,
    ) -> dict[str, Any]:
        audience = (
            self.rng.choice(vocab.AUDIENCES_ZH[area]) if zh else self.rng.choice(vocab.AUDIENCES_EN)
        )
        return {
            "t": topic,
            "t_lower": _lower_first(topic),
            "s": subject,
            "s_lower": _lower_first(subject),
            "a": (vocab.AREA_LABELS_ZH if zh else vocab.AREA_LABELS_EN)[area],
            "n": n_lessons,
            "d": _duration_text(minutes, zh),
            "p": self.providers.names[provider_id],
            "u": audience,
        }

    def _title(
        self, zh: bool, micro: bool, fmt: CourseFormat, words: dict[str, Any]
    ) -> tuple[str, Level]:
        rng = self.rng
        families = vocab.TITLES_ZH if zh else vocab.TITLES_EN
        if micro:
            family = "micro"
        elif fmt.value in families and rng.random() < 0.6:
            family = fmt.value
        else:
            family = _TITLE_FAMILIES.draw(rng)
        pattern = rng.choice(families[family])
        level = pattern.level
        if level is None:
            level = _FREE_LEVELS.draw(rng)
        return pattern.pattern.format_map(words), level

    def _sentence(
        self, zh: bool, zh_pool: Sequence[str], en_pool: Sequence[str], words: dict[str, Any]
    ) -> str:
        return self.rng.choice(zh_pool if zh else en_pool).format_map(words)

    def _description(self, zh: bool, words: dict[str, Any]) -> str:
        rng = self.rng
        bodies = vocab.DESCRIPTION_BODIES_ZH if zh else vocab.DESCRIPTION_BODIES_EN
        parts = [
            self._sentence(zh, vocab.DESCRIPTION_OPENINGS_ZH, vocab.DESCRIPTION_OPENINGS_EN, words),
            *(b.format_map(words) for b in rng.sample(bodies, rng.randint(1, 2))),
        ]
        if rng.random() < 0.6:
            parts.append(
                self._sentence(
                    zh, vocab.DESCRIPTION_ENDINGS_ZH, vocab.DESCRIPTION_ENDINGS_EN, words
                )
            )
        return ("" if zh else " ").join(parts)

    def _subjects(self, zh: bool, area: Area, subject: str, micro: bool) -> list[str]:
        pool = [t for t in (vocab.AREA_TAGS_ZH if zh else vocab.AREA_TAGS_EN)[area] if t != subject]
        extra = self.rng.sample(pool, self.rng.randint(1, 3))
        if micro:
            extra[-1] = "微课" if zh else "micro-learning"
        return [subject, *extra]

    def _price(self) -> Row:
        if self.rng.random() < 0.88:
            return {"is_free": True, "price_cents": None}
        return {"is_free": False, "price_cents": self.rng.choice(_PRICES)}

    def _lifecycle(self) -> Row:
        """Status and the timestamps that go with it, all before the reference date."""
        rng, now = self.rng, self.run.now_ts
        created = rng.randint(2 * DAY, 3 * 365 * DAY)
        draw = rng.random()
        status = (
            CourseStatus.DRAFT
            if draw < 0.02
            else CourseStatus.WITHDRAWN
            if draw < 0.04
            else CourseStatus.PUBLISHED
        )
        published = withdrawn = None
        if status != CourseStatus.DRAFT:
            published = max(created - rng.randint(3600, 30 * DAY), 7200)
        if status == CourseStatus.WITHDRAWN:
            withdrawn = rng.randint(60, published - 60)
        latest = min(x for x in (created, published, withdrawn) if x is not None)
        return {
            "status": status,
            "created_at": _at(now - created),
            "updated_at": _at(now - latest),
            "published_at": None if published is None else _at(now - published),
            "withdrawn_at": None if withdrawn is None else _at(now - withdrawn),
        }

    def _lessons(
        self, course: Row, fmt: CourseFormat, zh: bool, words: dict[str, Any], n: int
    ) -> list[Row]:
        rng = self.rng
        seconds = _split(rng, course["duration_minutes"] * 60, n)
        kind = fmt.value if fmt in (CourseFormat.READING, CourseFormat.AUDIO) else "other"
        prefix = (vocab.LESSON_PREFIX_ZH if zh else vocab.LESSON_PREFIX_EN)[kind]
        rows = []
        for i in range(n):
            name = self._lesson_name(zh, words, i, n)
            row = {
                "id": course["_first_lesson"] + i,
                "course_id": course["id"],
                "position": i + 1,
                "title": f"{prefix.format(n=i + 1)} {name}",
                "media_type": self._media(fmt, i, n),
                "duration_seconds": seconds[i],
                "url": None,
                "captions_url": None,
                "body": None,
                "body_format": None,
            }
            rows.append(_playable(row, course, zh, words, name))
        return rows

    def _lesson_name(self, zh: bool, words: dict[str, Any], i: int, n: int) -> str:
        if n >= 3 and i == 0:
            return vocab.LESSON_FIRST_ZH if zh else vocab.LESSON_FIRST_EN
        if n >= 3 and i == n - 1:
            return vocab.LESSON_LAST_ZH if zh else vocab.LESSON_LAST_EN
        pool = vocab.LESSON_PARTS_ZH if zh else vocab.LESSON_PARTS_EN
        return self.rng.choice(pool).format_map(words)

    def _media(self, fmt: CourseFormat, i: int, n: int) -> MediaType:
        if fmt == CourseFormat.MIXED:
            return _MIXED_MEDIA.draw(self.rng)
        if fmt == CourseFormat.VIDEO and n >= 5 and i == n - 1 and self.rng.random() < 0.15:
            return MediaType.QUIZ
        return _MEDIA_OF_FORMAT[fmt]


def _playable(row: Row, course: Row, zh: bool, words: dict[str, Any], name: str) -> Row:
    """Make a demo lesson something to study on the site: a video or audio lesson plays one
    of the demo's clips for its whole length (with subtitles), a reading lesson gets a text.
    Uses its own random stream, so the rest of the catalogue is drawn as before."""
    seconds = row["duration_seconds"]
    media = row["media_type"]
    if media in (MediaType.VIDEO, MediaType.AUDIO) and seconds > 0:
        clip = demo_media.clip_for(media.value, course["language"], course["id"])
        if clip is not None:
            row["url"], row["captions_url"] = demo_media.lesson_urls(clip, seconds)
    elif media == MediaType.TEXT:
        row["body"] = _reading_text(random.Random(row["id"]), zh, {**words, "l": name})
        row["body_format"] = BodyFormat.MARKDOWN
        row["url"] = None
    return row


def _reading_text(rng: random.Random, zh: bool, words: dict[str, Any]) -> str:
    """A reading lesson of a few paragraphs in Markdown."""
    openings = vocab.READING_OPENINGS_ZH if zh else vocab.READING_OPENINGS_EN
    points = vocab.READING_POINTS_ZH if zh else vocab.READING_POINTS_EN
    closings = vocab.READING_CLOSINGS_ZH if zh else vocab.READING_CLOSINGS_EN
    heading = ("要点", "小结") if zh else ("Key points", "Summary")
    chosen = rng.sample(points, 3)
    return "\n\n".join(
        [
            rng.choice(openings).format_map(words),
            f"## {heading[0]}",
            "\n".join(f"{n}. {point}" for n, point in enumerate(chosen, start=1)),
            rng.choice(points).format_map(words),
            f"## {heading[1]}",
            rng.choice(closings).format_map(words),
        ]
    )


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """Split a whole number into parts of uneven size that add up to it exactly."""
    cum = list(itertools.accumulate(rng.uniform(0.6, 1.4) for _ in range(parts)))
    bounds = [0] + [int(total * c / cum[-1]) for c in cum[:-1]] + [total]
    return [b - a for a, b in itertools.pairwise(bounds)]


def _write_courses(
    run: _Run, total: int, providers: _Providers, first_id: int, first_lesson: int
) -> tuple[_Published, int]:
    """Write courses and their lessons in batches; returns the published index and lessons."""
    factory = _CourseFactory(run, providers)
    published = _Published()
    next_lesson = first_lesson
    for start in range(0, total, run.batch_size):
        courses: list[Row] = []
        lessons: list[Row] = []
        for course_id in range(first_id + start, first_id + min(total, start + run.batch_size)):
            course, course_lessons, subject = factory.make(course_id, next_lesson)
            next_lesson += len(course_lessons)
            lessons.extend(course_lessons)
            if course["status"] == CourseStatus.PUBLISHED:
                published.add(course, subject, len(course_lessons))
            del course["_first_lesson"]
            courses.append(course)
        _insert(run, [(Course, courses), (Lesson, lessons)])
        run.report("courses", start + len(courses), total)
    return published, next_lesson - first_lesson


# ---------------------------------------------------------------------------------------
# Learners and activity
# ---------------------------------------------------------------------------------------


@dataclass
class _Popularity:
    """Zipf-like popularity of the published courses of every area, in random rank order,
    and the same weights restricted to each subject of an area."""

    cum: dict[Area, list[float]]
    areas: list[Area]
    # (area, subject) → (indexes into the area's courses, cumulative weights)
    subjects: dict[tuple[Area, str], tuple[list[int], list[float]]] = field(default_factory=dict)

    @classmethod
    def build(cls, rng: random.Random, published: _Published) -> _Popularity:
        """Give every published course a popularity rank within its area."""
        cum = {}
        subjects: dict[tuple[Area, str], tuple[list[int], list[float]]] = {}
        for area, courses in published.areas.items():
            weights = [(rank + 3.0) ** -1.0 for rank in range(len(courses.ids))]
            rng.shuffle(weights)
            cum[area] = list(itertools.accumulate(weights))
            members: dict[str, list[int]] = {}
            for index, subject in enumerate(courses.subjects):
                members.setdefault(subject, []).append(index)
            for subject, indexes in members.items():
                subject_cum = list(itertools.accumulate(weights[i] for i in indexes))
                subjects[(area, subject)] = (indexes, subject_cum)
        return cls(cum, [a for a in Area if cum[a]], subjects)


def _learner_row(rng: random.Random, run: _Run, user_id: int) -> Row:
    caring = rng.random() < 0.15
    english = rng.random() < 0.12
    areas = rng.sample(list(Area), _INTEREST_COUNTS.draw(rng))
    if caring and Area.ELDERLY not in areas:
        areas[0] = Area.ELDERLY
    row = {
        "id": user_id,
        "email": f"learner{user_id:05d}@demo.invalid",
        "password_hash": DEMO_PASSWORD_HASH,
        "display_name": _english_name(rng) if english else _chinese_name(rng, caring),
        "role": Role.LEARNER,
        "provider_id": None,
        "preferred_language": ("en" if rng.random() < 0.85 else "zh")
        if english
        else ("zh" if rng.random() < 0.97 else "en"),
        "caring_mode": caring,
        "interest_areas": [a.value for a in areas],
        "is_active": True,
        "created_at": _at(run.now_ts - rng.randint(DAY, 720 * DAY)),
        "last_login_at": None,
    }
    # Seeded accounts count as confirmed (a bench or an admin may give one a password).
    row["email_verified_at"] = row["created_at"]
    return row


def _chinese_name(rng: random.Random, caring: bool) -> str:
    surname = rng.choice(vocab.SURNAMES_ZH)
    if caring and rng.random() < 0.3:
        return surname + rng.choice(("阿姨", "叔叔", "老师", "奶奶", "爷爷"))
    return surname + "".join(rng.choices(vocab.GIVEN_CHARS_ZH, k=rng.randint(1, 2)))


def _english_name(rng: random.Random) -> str:
    return f"{rng.choice(vocab.FIRST_NAMES_EN)} {rng.choice(vocab.LAST_NAMES_EN)}"


class _ActivityFactory:
    """Makes the events of one learner: visits to courses, each a causally ordered journey."""

    def __init__(self, run: _Run, published: _Published) -> None:
        self.rng = run.rng("activity")
        self.now = run.now_ts
        self.activity = run.activity
        self.published = published
        self.popularity = _Popularity.build(run.rng("popularity"), published)

    def events(self, learner: Row) -> list[tuple]:
        """(created_ts, course_id, lesson_id, kind, value) tuples, oldest first."""
        if not self.popularity.areas:
            return []
        rng = self.rng
        target = min(2000, max(1, round(rng.lognormvariate(math.log(15 * self.activity), 1.4))))
        window_start = max(self.now - ACTIVITY_DAYS * DAY, int(learner["created_at"].timestamp()))
        interests = [Area(a) for a in learner["interest_areas"]]
        tastes = self._tastes(interests)
        seen: set[int] = set()
        rows: list[tuple] = []
        for _ in range(4 * target + 10):
            if len(rows) >= target:
                break
            area, index = self._choose_course(interests, tastes)
            courses = self.published.areas[area]
            if courses.ids[index] in seen:
                continue
            seen.add(courses.ids[index])
            start = max(window_start, courses.published_ts[index])
            if start < self.now - 3600:
                rows.extend(self._journey(courses, index, start, len(rows)))
        rows.sort()
        return [row[:1] + row[3:] for row in rows]

    def _tastes(self, interests: list[Area]) -> list[tuple[Area, str]]:
        """One to three favourite subjects of the learner's areas."""
        pool = sorted(key for key in self.popularity.subjects if key[0] in interests)
        if not pool:
            return []
        return self.rng.sample(pool, min(_TASTE_COUNTS.draw(self.rng), len(pool)))

    def _choose_course(
        self, interests: list[Area], tastes: list[tuple[Area, str]]
    ) -> tuple[Area, int]:
        rng, areas = self.rng, self.popularity.areas
        if tastes and rng.random() < _TASTE_SHARE:
            area, subject = rng.choice(tastes)
            indexes, cum = self.popularity.subjects[(area, subject)]
            return area, indexes[_pick(rng, cum)]
        wanted = [a for a in interests if a in areas]
        others = [a for a in areas if a not in interests]
        if wanted and (not others or rng.random() < _INTEREST_SHARE):
            area = rng.choice(wanted)
        else:
            area = rng.choice(others)
        return area, _pick(rng, self.popularity.cum[area])

    def _journey(self, courses: _AreaCourses, index: int, start: int, seq: int) -> list[tuple]:
        """One learner's sequence of events on one course, starting with a view."""
        rng = self.rng
        micro = courses.minutes[index] <= 5
        steps = self._steps(micro, courses.lessons[index])
        first = rng.randint(start, self.now - 3600)
        span = max(offset for offset, *_ in steps)
        scale = min(1.0, (self.now - 1 - first) / span) if span else 1.0
        course_id, first_lesson = courses.ids[index], courses.first_lesson[index]
        return [
            (
                first + int(offset * scale),
                seq,
                order,
                course_id,
                None if lesson is None else first_lesson + lesson,
                kind,
                value,
            )
            for order, (offset, kind, lesson, value) in enumerate(steps)
        ]

    def _steps(self, micro: bool, n_lessons: int) -> list[tuple]:
        """Offsets (seconds), kinds, lesson positions and values of one journey."""
        rng = self.rng
        steps: list[tuple] = [(0, EventKind.VIEW, None, None)]
        t = 0
        completed = False
        if rng.random() < (0.6 if micro else 0.45):
            t += rng.randint(5, 600)
            steps.append((t, EventKind.START, 0, None))
            completed = rng.random() < (0.7 if micro else 0.35)
            t = self._progress(steps, t, micro, n_lessons, completed)
            if completed:
                t += rng.randint(30, 300) if micro else rng.randint(600, 6 * 3600)
                steps.append((t, EventKind.COMPLETE, n_lessons - 1, 1.0))
        while rng.random() < 0.35:
            steps.append((rng.randint(60, t + 3 * DAY), EventKind.VIEW, None, None))
        self._reactions(steps, t, completed)
        return steps

    def _progress(
        self, steps: list[tuple], t: int, micro: bool, n_lessons: int, completed: bool
    ) -> int:
        rng = self.rng
        last = n_lessons if completed else n_lessons - 1
        if last < 1 or rng.random() < 0.2:
            return t
        positions = sorted(rng.sample(range(last), min(last, rng.randint(1, 6))))
        for position in positions:
            t += rng.randint(30, 300) if micro else max(300, int(rng.expovariate(1 / 21600)))
            steps.append((t, EventKind.PROGRESS, position, round((position + 1) / n_lessons, 3)))
        return t

    def _reactions(self, steps: list[tuple], t: int, completed: bool) -> None:
        """Likes, saves and what may follow them: unlike, unsave, share."""
        rng = self.rng
        reacted: list[int] = []
        for kind, undo, chance, undo_chance in (
            (EventKind.LIKE, EventKind.UNLIKE, 0.30 if completed else 0.12, 0.08),
            (EventKind.SAVE, EventKind.UNSAVE, 0.20, 0.12),
        ):
            if rng.random() < chance:
                at = rng.randint(30, t + 7200)
                steps.append((at, kind, None, None))
                reacted.append(at)
                if rng.random() < undo_chance:
                    steps.append((at + rng.randint(3600, 30 * DAY), undo, None, None))
        if reacted and rng.random() < 0.2:
            steps.append((min(reacted) + rng.randint(10, 3600), EventKind.SHARE, None, None))


def _event_rows(first_id: int, user_id: int, events: list[tuple]) -> list[Row]:
    return [
        {
            "id": first_id + i,
            "user_id": user_id,
            "course_id": course_id,
            "lesson_id": lesson_id,
            "kind": kind,
            "value": value,
            "created_at": _at(ts),
        }
        for i, (ts, course_id, lesson_id, kind, value) in enumerate(events)
    ]


def _write_learners(
    run: _Run, total: int, published: _Published, first_id: int, first_event: int
) -> int:
    """Write learners and their activity in batches; returns the number of events."""
    if total <= 0:
        return 0
    rng = run.rng("learners")
    activity = _ActivityFactory(run, published)
    next_event = first_event
    for start in range(0, total, run.batch_size):
        ids = range(first_id + start, first_id + min(total, start + run.batch_size))
        learners = [_learner_row(rng, run, user_id) for user_id in ids]
        _insert(run, [(User, learners)])
        pending: list[Row] = []
        for learner in learners:
            rows = _event_rows(next_event, learner["id"], activity.events(learner))
            next_event += len(rows)
            pending.extend(rows)
            if len(pending) >= run.batch_size:
                _insert(run, [(Event, pending)])
                pending = []
        _insert(run, [(Event, pending)])
        run.report("learners", start + len(learners), total)
    return next_event - first_event


# ---------------------------------------------------------------------------------------
# Thematic columns
# ---------------------------------------------------------------------------------------


def _existing_slugs(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(ThematicColumn.slug)))


def _free_slug(slug: str, taken: set[str]) -> str:
    candidate = slug
    for n in itertools.count(2):
        if candidate not in taken:
            taken.add(candidate)
            return candidate
        candidate = f"{slug}-{n}"
    raise AssertionError("unreachable")


def _column_courses(
    rng: random.Random, spec: vocab.ColumnSpec, candidates: list[int], published: _Published
) -> list[int]:
    """6 to 12 published courses for a column: fitting ones first, then from its areas."""
    wanted = rng.randint(6, 12)
    chosen = rng.sample(candidates, min(wanted, len(candidates)))
    fallbacks = [published.areas[area].ids for area in dict.fromkeys(a for a, _ in spec.subjects)]
    fallbacks.extend(published.areas[area].ids for area in Area)
    for ids in fallbacks:
        if len(chosen) >= wanted:
            break
        pool = [i for i in ids[:_COLUMN_CANDIDATES] if i not in chosen]
        chosen.extend(rng.sample(pool, min(wanted - len(chosen), len(pool))))
    return chosen


def _write_columns(run: _Run, published: _Published, first_id: int) -> int:
    """Write the published thematic columns with their ordered courses."""
    if not published.count():
        return 0
    rng = run.rng("columns")
    taken = _existing_slugs(run.engine)
    columns: list[Row] = []
    entries: list[Row] = []
    for column_id, (spec, candidates) in enumerate(
        zip(vocab.COLUMNS, published.column_candidates, strict=True), start=first_id
    ):
        since = _at(run.now_ts - rng.randint(7 * DAY, 60 * DAY))
        columns.append(
            {
                "id": column_id,
                "slug": _free_slug(spec.slug, taken),
                "title": spec.title,
                "description": spec.description,
                "cover_url": None,  # no broken image: the demo has no column pictures
                "status": ColumnStatus.PUBLISHED,
                "publish_from": since,
                "publish_until": _at(run.now_ts + 3650 * DAY),
                "created_by_id": None,
                "created_at": since,
                "updated_at": since,
            }
        )
        course_ids = _column_courses(rng, spec, candidates, published)
        entries.extend(
            {"column_id": column_id, "course_id": course_id, "position": position}
            for position, course_id in enumerate(course_ids, start=1)
        )
    _insert(run, [(ThematicColumn, columns), (ColumnCourse, entries)])
    run.report("columns", len(columns), len(columns))
    return len(columns)
