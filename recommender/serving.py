"""Feeds and similar courses from the current model, with today's activity folded in.

A feed is: the model's best courses for the learner (ALS factors recomputed from the learner's
events on every request, so today's activity counts), minus what the learner already engaged
with, completed or dismissed, minus anything not published; boosted for caring mode; spread
across areas; each with a reason. Learners the model cannot serve (new, or no model yet) get
popular and new courses of their interest areas. Learners with few courses yet are served from
their areas (interest areas, the areas of their courses) while the model takes over place by
place. Feeds are in the learner's languages (`languages.py`), and a reason names one of the
learner's courses only when it is similar to the course shown (`reasons.py`).
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import scipy.sparse as sp
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from catalogue.models import Course, CourseStatus, Event, EventKind
from catalogue.services.courses import newest_courses, popular_courses
from recommender.artefacts import Model
from recommender.config import ONCE_PER_DAY, TrainingConfig
from recommender.content import course_text, most_similar
from recommender.foldin import LearnerFactors, contributions, fold_in, gram
from recommender.interactions import DAY_SECONDS, epoch_seconds
from recommender.languages import LanguageMix, language_mix, prefer, shelf
from recommender.reasons import Thresholds, best_source, centred_cosines, content_cosines

# The action a reason names, strongest first.
ACTIONS = (
    EventKind.COMPLETE,
    EventKind.SAVE,
    EventKind.LIKE,
    EventKind.SHARE,
    EventKind.START,
    EventKind.PROGRESS,
    EventKind.VIEW,
)


@dataclass(frozen=True)
class ServingConfig:
    """How feeds are shaped."""

    candidates: int = 300
    # At most this share of a feed from one area (unless nothing else is left).
    max_area_share: float = 0.4
    caring_area: str = "elderly"
    caring_area_boost: float = 1.5
    caring_short_minutes: int = 30
    caring_short_boost: float = 1.25
    # Courses published after the model was trained, matched by content to the learner's own.
    new_candidates: int = 300
    new_history: int = 30
    min_similarity: float = 0.2
    max_new_share: float = 0.2
    # A learner with fewer courses than this is served from their areas; the model gets
    # limit × courses / warm_courses places of the feed (all of it from warm_courses on).
    warm_courses: int = 5
    # How similar a course named in a reason must be (recommender/reasons.py).
    reasons: Thresholds = field(default_factory=Thresholds)
    # Of the learner's courses, the ones contributing most that a reason may name.
    reason_sources: int = 30
    # The learner's courses (strongest first) whose areas and languages are read.
    profile_courses: int = 500


@dataclass(frozen=True)
class Learner:
    """Who the feed is for."""

    user_id: int | None = None
    interest_areas: tuple[str, ...] = ()
    caring_mode: bool = False
    # The interface's language ("zh" or "en"): the feed's own language.
    language: str = "zh"


@dataclass(frozen=True)
class Reason:
    """Why a course is in a feed: `because` (of one of the learner's courses, similar to it),
    `also_liked`, `in_your_areas` (an area the learner chose), `popular_in_area`,
    `new_in_area`, `popular` or `new`."""

    kind: str
    course_id: int | None = None
    course_title: str | None = None
    action: str | None = None
    area: str | None = None


@dataclass(frozen=True)
class FeedItem:
    """One recommended course."""

    course_id: int
    title: str
    area: str
    duration_minutes: int
    score: float
    reason: Reason
    language: str = "zh"

    @classmethod
    def of(cls, course: Course, score: float, reason: Reason) -> FeedItem:
        """The item of a loaded course."""
        return cls(
            course.id,
            course.title,
            str(course.area),
            course.duration_minutes or 0,
            score,
            reason,
            course.language,
        )


@dataclass(frozen=True)
class Feed:
    """A feed and where it came from."""

    items: list[FeedItem]
    model_version: str | None
    personalised: bool
    # The languages it was chosen in (the home page's shelves use the same).
    languages: LanguageMix = field(default_factory=LanguageMix)


@dataclass
class History:
    """A learner's activity in the model's window, per course."""

    weights: dict[int, float] = field(default_factory=dict)
    actions: dict[int, str] = field(default_factory=dict)
    engaged: set[int] = field(default_factory=set)
    dismissed: set[int] = field(default_factory=set)


def learner_history(
    session: Session, user_id: int, config: TrainingConfig, now: datetime | None = None
) -> History:
    """The learner's events, weighted and decayed as training weighs them (repeatable kinds
    once per course, kind and UTC day)."""
    now = now or datetime.now(UTC)
    events = Event.__table__
    seconds = epoch_seconds(events.c.created_at, session.get_bind().dialect.name)
    # Plain values (no enum or datetime object per row): a long history is thousands of events.
    stmt = select(events.c.course_id, cast(events.c.kind, String), seconds).where(
        events.c.user_id == user_id
    )
    if config.window_days:
        stmt = stmt.where(events.c.created_at >= now - timedelta(days=config.window_days))
    history = History()
    rows = session.execute(stmt.order_by(events.c.id)).all()
    if not rows:
        return history
    times = np.fromiter((r[2] for r in rows), dtype=np.float64, count=len(rows))
    courses = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    # Decayed as training decays (config.recency: by age and by the course's recency rank).
    decays = config.recency(np.zeros(len(rows)), courses, times, now.timestamp()).tolist()
    weights = config.event_weights
    rank = {kind.value: n for n, kind in enumerate(ACTIONS)}
    counted: set[tuple[int, str, int]] = set()
    for (course_id, kind, seconds), decay in zip(rows, decays, strict=True):
        if kind == EventKind.DISMISS:
            history.dismissed.add(course_id)
            continue
        history.engaged.add(course_id)
        if kind in ONCE_PER_DAY:
            key = (course_id, kind, int(seconds // DAY_SECONDS))
            if key in counted:
                continue
            counted.add(key)
        history.weights[course_id] = history.weights.get(course_id, 0.0) + (
            weights.get(kind, 0.0) * decay
        )
        if kind in rank and rank[kind] < rank.get(history.actions.get(course_id, ""), 99):
            history.actions[course_id] = kind
    return history


_grams: dict[str, np.ndarray] = {}
_grams_lock = threading.Lock()


def _gram(model: Model) -> np.ndarray:
    with _grams_lock:
        found = _grams.get(model.version)
        if found is None:
            found = gram(model.item_factors)
            _grams.clear()  # one model version is current at a time
            _grams[model.version] = found
        return found


def _rows(model: Model, course_ids: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
    """(course ids known to the model, their item rows)."""
    ids = np.fromiter(course_ids, dtype=np.int64)
    if not len(ids) or not len(model.item_ids):
        return ids[:0], ids[:0]
    at = np.minimum(np.searchsorted(model.item_ids, ids), len(model.item_ids) - 1)
    known = model.item_ids[at] == ids
    return ids[known], at[known]


def _learner_factors(
    model: Model, config: TrainingConfig, history: History, user_id: int
) -> LearnerFactors | None:
    positive = {c: w for c, w in history.weights.items() if w > 0}
    ids, rows = _rows(model, positive)
    if config.model == "als":
        if not len(rows):
            return None
        weights = np.asarray([positive[int(c)] for c in ids])
        return fold_in(
            model.item_factors,
            _gram(model),
            rows,
            weights,
            alpha=config.alpha,
            regularization=config.regularization,
        )
    row = model.user_row(user_id)
    if row is None:
        return None
    empty = np.zeros(0, dtype=np.int64)
    return LearnerFactors(model.user_factors[row], np.eye(1), empty, np.zeros(0))


def _published(session: Session, course_ids: Sequence[int]) -> dict[int, tuple[str, str, int, str]]:
    """id → (title, area, minutes, language) of those courses that are published."""
    if not course_ids:
        return {}
    rows = session.execute(
        select(
            Course.id, Course.title, Course.area, Course.duration_minutes, Course.language
        ).where(Course.id.in_(list(course_ids)), Course.status == CourseStatus.PUBLISHED)
    )
    return {
        cid: (title, str(area), minutes or 0, language)
        for cid, title, area, minutes, language in rows
    }


def _profile(session: Session, history: History, size: int) -> dict[int, tuple[str, str]]:
    """id → (area, language) of the learner's strongest `size` courses (published or not)."""
    liked = sorted((c for c, w in history.weights.items() if w > 0), key=history.weights.get)
    liked = liked[::-1][:size]
    if not liked:
        return {}
    rows = session.execute(
        select(Course.id, Course.area, Course.language).where(Course.id.in_(liked))
    )
    return {cid: (str(area), language) for cid, area, language in rows}


def _language(item: FeedItem) -> str:
    return item.language


def _caring(score: float, area: str, minutes: int, config: ServingConfig) -> float:
    boost = 1.0
    if area == config.caring_area:
        boost *= config.caring_area_boost
    if 0 < minutes <= config.caring_short_minutes:
        boost *= config.caring_short_boost
    return score * boost if score >= 0 else score / boost


def diversify(items: list[FeedItem], limit: int, max_share: float) -> list[FeedItem]:
    """The first `limit` items in order, at most `max_share` of them from one area, filled
    from the rest when the other areas run out."""
    cap = max(1, math.ceil(limit * max_share))
    chosen: list[FeedItem] = []
    per_area: dict[str, int] = {}
    left: list[FeedItem] = []
    for item in items:
        if len(chosen) == limit:
            break
        if per_area.get(item.area, 0) < cap:
            chosen.append(item)
            per_area[item.area] = per_area.get(item.area, 0) + 1
        else:
            left.append(item)
    chosen += left[: limit - len(chosen)]
    return chosen


def feed(
    session: Session,
    model: Model | None,
    learner: Learner,
    *,
    limit: int = 20,
    config: ServingConfig = ServingConfig(),
    now: datetime | None = None,
) -> Feed:
    """The learner's feed: personal where the model can serve them (all of it once they have
    `warm_courses` courses, fewer places and only their areas before), the rest popular and
    new courses of their areas; in their languages."""
    training = TrainingConfig.from_dict(model.meta.get("config", {})) if model else TrainingConfig()
    history = (
        learner_history(session, learner.user_id, training, now)
        if learner.user_id is not None
        else History()
    )
    profile = _profile(session, history, config.profile_courses)
    mix = language_mix(learner.language, Counter(lang for _area, lang in profile.values()))
    courses = sum(1 for w in history.weights.values() if w > 0)
    warming = courses < config.warm_courses
    areas = _learner_areas(learner, profile, config) if warming else None
    places = limit if not warming else math.ceil(limit * courses / config.warm_courses)
    excluded = history.engaged | history.dismissed
    items: list[FeedItem] = []
    spare: list[FeedItem] = []
    factors = (
        _learner_factors(model, training, history, learner.user_id)
        if model is not None and learner.user_id is not None and places
        else None
    )
    if factors is not None:
        candidates = _personal(session, model, factors, excluded, learner, config)
        if areas:
            candidates = [i for i in candidates if i.area in areas]
        preferred, spare = prefer(candidates, limit, mix, _language)
        items = diversify(preferred, places, config.max_area_share)
        items = _explained(session, model, factors, history, items, learner, config)
    personal = bool(items)
    if model is not None and model.content is not None and history.weights and places:
        fresh = _new_by_content(session, model, history, excluded, config)
        if areas:
            fresh = [i for i in fresh if i.area in areas]
        fresh, _over = prefer(fresh, limit, mix, _language)
        items = _interleave(items, fresh, places, config.max_new_share)[:places]
        personal = personal or bool(fresh)
    if len(items) < limit:
        taken = excluded | {i.course_id for i in items}
        cold_areas = tuple(learner.interest_areas) or tuple(sorted(areas or ()))
        learner_areas = dataclasses.replace(learner, interest_areas=cold_areas)
        items += _cold_start(session, learner_areas, limit - len(items), taken, config, mix)
    if len(items) < limit:
        taken = {i.course_id for i in items}
        items += [i for i in spare if i.course_id not in taken][: limit - len(items)]
    return Feed(items[:limit], model.version if model else None, personal, mix)


def _learner_areas(
    learner: Learner, profile: dict[int, tuple[str, str]], config: ServingConfig
) -> set[str] | None:
    """The areas a learner with few courses is served from: those they chose, those of their
    courses, and elderly learning in caring mode (None: no area known, every area)."""
    areas = set(learner.interest_areas) | {area for area, _lang in profile.values()}
    if learner.caring_mode:
        areas.add(config.caring_area)
    return areas or None


def _personal(
    session: Session,
    model: Model,
    factors: LearnerFactors,
    excluded: set[int],
    learner: Learner,
    config: ServingConfig,
) -> list[FeedItem]:
    scores = model.item_factors @ factors.vector
    if excluded:
        _ids, rows = _rows(model, excluded)
        scores[rows] = -np.inf
    count = min(config.candidates, len(scores))
    top = np.argpartition(-scores, count - 1)[:count]
    top = top[np.argsort(-scores[top], kind="stable")]
    top = top[np.isfinite(scores[top])]
    info = _published(session, [int(model.item_ids[r]) for r in top])
    items = []
    for row in top:
        course_id = int(model.item_ids[row])
        if course_id not in info:
            continue
        title, area, minutes, language = info[course_id]
        score = float(scores[row])
        if learner.caring_mode:
            score = _caring(score, area, minutes, config)
        # The reason is worked out for the items finally shown (`_explained`).
        reason = Reason("also_liked")
        items.append(FeedItem(course_id, title, area, minutes, score, reason, language))
    items.sort(key=lambda item: -item.score)
    return items


def _plain(item: FeedItem, learner: Learner) -> Reason:
    """The reason of a personal item no course of the learner's is similar enough to."""
    if item.area in learner.interest_areas:
        return Reason("in_your_areas", area=item.area)
    return Reason("also_liked")


def _explained(
    session: Session,
    model: Model,
    factors: LearnerFactors,
    history: History,
    items: list[FeedItem],
    learner: Learner,
    config: ServingConfig,
) -> list[FeedItem]:
    """Personal items with their reason: of the learner's courses that add to an item's score
    (all of them for BPR), the most similar to it if one is similar enough (`because`,
    `reasons.py`), else a plain reason. Factors are compared first (cheap); only the courses
    similar enough by them are turned into text vectors (cached per model version)."""
    if not items or model.content is None:
        return [dataclasses.replace(i, reason=_plain(i, learner)) for i in items]
    if len(factors.rows):
        history_rows = np.asarray(factors.rows, dtype=np.int64)
    else:
        _ids, history_rows = _rows(model, [c for c, w in history.weights.items() if w > 0])
    # course → (candidate source rows, their centred factor cosines)
    candidates: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for item in items:
        row = model.item_row(item.course_id)
        if row is None or not len(history_rows):
            continue
        if len(factors.rows):
            terms = contributions(factors, model.item_factors, row)
            order = np.argsort(-terms, kind="stable")[: config.reason_sources]
            order = order[terms[order] > 0]
        else:
            order = np.arange(min(len(history_rows), config.reason_sources))
        rows = history_rows[order]
        cosines = centred_cosines(model, rows, row)
        close = cosines >= config.reasons.min_factors
        if close.any():
            candidates[item.course_id] = (rows[close], cosines[close])
    sources = {int(model.item_ids[r]) for rows, _c in candidates.values() for r in rows}
    texts = (
        _texts(
            session,
            select(*_TEXT_COLUMNS).where(Course.id.in_(sorted(sources | set(candidates)))),
        )
        if candidates
        else {}
    )
    known = list(texts)
    vectors = _vectors.rows(model, {c: texts[c][0] for c in known}) if known else None
    position = {c: n for n, c in enumerate(known)}
    out = []
    for item in items:
        reason = _plain(item, learner)
        rows, cosines = candidates.get(item.course_id, ((), ()))
        keep = [n for n, r in enumerate(rows) if int(model.item_ids[r]) in position]
        if keep and item.course_id in position:
            ids = [int(model.item_ids[rows[n]]) for n in keep]
            content = content_cosines(
                vectors[[position[c] for c in ids]], vectors[position[item.course_id]]
            )
            best = best_source(content, np.asarray(cosines)[keep], config.reasons)
            if best is not None:
                source = ids[best]
                reason = Reason("because", source, texts[source][1], history.actions.get(source))
        out.append(dataclasses.replace(item, reason=reason))
    return out


def _interleave(
    items: list[FeedItem], fresh: list[FeedItem], limit: int, share: float
) -> list[FeedItem]:
    """Put up to `share` of the feed's places to new courses: the 3rd, 8th, 13th… place."""
    room = min(len(fresh), max(1, math.floor(limit * share))) if fresh else 0
    fresh_ids = {i.course_id for i in fresh[:room]}
    out = [i for i in items if i.course_id not in fresh_ids]
    for n, item in enumerate(fresh[:room]):
        out.insert(min(2 + 5 * n, len(out)), item)
    return out


class _VectorCache:
    """TF-IDF rows of course texts per model version (a course's text rarely changes)."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._rows: dict[tuple[str, int], sp.csr_matrix] = {}
        self._lock = threading.Lock()

    def rows(self, model: Model, texts: dict[int, str]) -> sp.csr_matrix:
        """The vectors of the courses, in the dict's order."""
        keys = [(model.version, course) for course in texts]
        with self._lock:
            rows = [self._rows.get(key) for key in keys]
        missing = [n for n, row in enumerate(rows) if row is None]
        if missing:
            text_list = list(texts.values())
            vectors = model.content.vectors([text_list[n] for n in missing])
            for position, n in enumerate(missing):
                rows[n] = vectors[position]
            with self._lock:
                if len(self._rows) + len(missing) > self.size:
                    self._rows.clear()
                self._rows.update({keys[n]: rows[n] for n in missing})
        return _stack(rows) if rows else model.content.vectors([])


def _stack(rows: list[sp.csr_matrix]) -> sp.csr_matrix:
    """One-row CSR matrices stacked (scipy's vstack costs ~50 µs a matrix; this a fraction)."""
    data = np.concatenate([r.data for r in rows])
    indices = np.concatenate([r.indices for r in rows])
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([r.nnz for r in rows], out=indptr[1:])
    return sp.csr_matrix((data, indices, indptr), shape=(len(rows), rows[0].shape[1]))


_vectors = _VectorCache()


def _texts(session: Session, stmt) -> dict[int, tuple[str, str, str, int, str]]:
    return {
        cid: (course_text(title, subtitle, description), title, str(area), minutes or 0, lang)
        for cid, title, subtitle, description, area, minutes, lang in session.execute(stmt)
    }


_TEXT_COLUMNS = (
    Course.id,
    Course.title,
    Course.subtitle,
    Course.description,
    Course.area,
    Course.duration_minutes,
    Course.language,
)


def _new_by_content(
    session: Session,
    model: Model,
    history: History,
    excluded: set[int],
    config: ServingConfig,
) -> list[FeedItem]:
    """Courses newer than the model, most similar in content to the learner's courses; the
    reason names the closest of them only when it is similar enough (`reasons.py`)."""
    trained = model.meta.get("figures", {}).get("window_end")
    if not trained:
        return []
    since = datetime.fromisoformat(str(trained))
    new = _texts(
        session,
        select(*_TEXT_COLUMNS)
        .where(Course.status == CourseStatus.PUBLISHED, Course.published_at > since)
        .order_by(Course.published_at.desc())
        .limit(config.new_candidates),
    )
    new = {c: v for c, v in new.items() if c not in excluded}
    liked = sorted((c for c, w in history.weights.items() if w > 0), key=history.weights.get)[::-1]
    own = _texts(
        session,
        select(*_TEXT_COLUMNS).where(Course.id.in_(liked[: config.new_history])),
    )
    if not new or not own:
        return []
    candidates = _vectors.rows(model, {c: v[0] for c, v in new.items()})
    mine = _vectors.rows(model, {c: v[0] for c, v in own.items()})
    best, similarity = most_similar(candidates, mine)
    own_ids = list(own)
    items = []
    for n, course in enumerate(new):
        if similarity[n] < config.min_similarity:
            continue
        _text, title, area, minutes, language = new[course]
        source = own_ids[int(best[n])]
        if best_source(similarity[n : n + 1], None, config.reasons) is not None:
            reason = Reason("because", source, own[source][1], history.actions.get(source))
        else:
            reason = Reason("new_in_area", area=area)
        score = float(similarity[n])
        items.append(FeedItem(course, title, area, minutes, score, reason, language))
    items.sort(key=lambda item: -item.score)
    return items


def _cold_start(
    session: Session,
    learner: Learner,
    count: int,
    taken: set[int],
    config: ServingConfig,
    mix: LanguageMix | None = None,
) -> list[FeedItem]:
    """Popular and new courses of the learner's areas (the caring area first in caring mode;
    every area for a learner who chose none), alternating; in the learner's languages."""
    mix = mix or LanguageMix(learner.language)
    areas: list[str | None] = list(learner.interest_areas)
    if learner.caring_mode and config.caring_area not in areas:
        areas.insert(0, config.caring_area)
    if not areas:
        areas = [None]
    per_area = max(2, math.ceil(count / len(areas)) + 2)
    sources = []
    for area in areas:
        sources.append(
            (
                "popular_in_area" if area else "popular",
                shelf(session, "popular", per_area, mix, area),
            )
        )
        sources.append(
            ("new_in_area" if area else "new", shelf(session, "newest", per_area, mix, area))
        )
    items: list[FeedItem] = []
    seen = set(taken)
    for position in range(per_area):
        for kind, courses in sources:
            if position < len(courses) and courses[position].id not in seen:
                course = courses[position]
                seen.add(course.id)
                area = str(course.area)
                reason = Reason(kind, area=area if kind.endswith("_in_area") else None)
                items.append(FeedItem.of(course, 0.0, reason))
    if learner.caring_mode:
        short = config.caring_short_minutes
        items.sort(key=lambda i: not (0 < i.duration_minutes <= short))  # stable: short first
    return items[:count]


def similar(
    session: Session, model: Model | None, course_id: int, *, limit: int = 10
) -> list[FeedItem]:
    """ "Learners who liked this also liked": nearest courses by the model's course factors
    (cosine), published only. For a course the model does not know: the popular and new
    courses of its area closest in content, else the area's popular courses."""
    row = model.item_row(course_id) if model is not None else None
    if row is None:
        return _similar_without_factors(session, model, course_id, limit)
    top, scores = _nearest(model, row, limit * 5)
    info = _published(session, [int(model.item_ids[r]) for r in top])
    items = []
    for r, score in zip(top, scores, strict=True):
        cid = int(model.item_ids[r])
        if cid in info:
            title, area, minutes, language = info[cid]
            reason = Reason("also_liked", course_id)
            items.append(FeedItem(cid, title, area, minutes, float(score), reason, language))
    return items[:limit]


class _Neighbours:
    """Per model version: the course factors' norms, and the nearest rows of the courses
    asked for lately (a course page's "also liked" costs a pass over every course's factors:
    about 30 ms at 535,000 courses, so popular courses are answered from here)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.version: str | None = None
        self.norms: np.ndarray | None = None
        self.rows: OrderedDict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self.lock = threading.Lock()

    def nearest(self, model: Model, row: int, count: int) -> tuple[np.ndarray, np.ndarray]:
        """The `count` rows nearest to `row` by cosine, nearest first, with their scores."""
        key = (row, count)
        with self.lock:
            if self.version != model.version:
                self.version, self.norms = model.version, None
                self.rows.clear()
            found = self.rows.get(key)
            if found is not None:
                self.rows.move_to_end(key)
                return found
            if self.norms is None:
                self.norms = np.linalg.norm(model.item_factors, axis=1) + 1e-9
            norms = self.norms
        factors = model.item_factors
        scores = (factors @ factors[row]) / (norms * norms[row])
        scores[row] = -np.inf
        count = min(count, len(scores) - 1)
        if count <= 0:
            found = (np.empty(0, dtype=np.int64), np.empty(0, dtype=scores.dtype))
        else:
            top = np.argpartition(-scores, count - 1)[:count]
            top = top[np.argsort(-scores[top], kind="stable")]
            found = (top, scores[top])
        with self.lock:
            if self.version == model.version:
                self.rows[key] = found
                while len(self.rows) > self.size:
                    self.rows.popitem(last=False)
        return found


_neighbours = _Neighbours(size=20_000)


def _nearest(model: Model, row: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    return _neighbours.nearest(model, row, count)


SIMILAR_POOL = 300


def _similar_without_factors(
    session: Session, model: Model | None, course_id: int, limit: int
) -> list[FeedItem]:
    course = session.get(Course, course_id)
    area = course.area if course is not None else None
    pool = popular_courses(session, SIMILAR_POOL, area) + newest_courses(session, 100, area)
    pool = list({c.id: c for c in pool if c.id != course_id}.values())
    if course is not None and model is not None and model.content is not None and pool:
        texts = {c.id: course_text(c.title, c.subtitle, c.description) for c in pool}
        candidates = _vectors.rows(model, texts)
        target = model.content.vectors(
            [course_text(course.title, course.subtitle, course.description)]
        )
        similarity = (candidates @ target.T).toarray().ravel()
        order = [n for n in np.argsort(-similarity, kind="stable") if similarity[n] > 0]
        if order:
            reason = Reason("similar_content", course_id)
            return [FeedItem.of(pool[n], float(similarity[n]), reason) for n in order[:limit]]
    return [FeedItem.of(c, 0.0, Reason("popular_in_area", area=str(c.area))) for c in pool[:limit]]
