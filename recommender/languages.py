"""Which languages a feed and the home page's shelves are in.

The rule (docs/recommender.md, "Languages"): the interface's language (zh by default, or en)
is the learner's own and takes any number of places. A course in another language takes a
place only when the learner's history has courses in that language, and then at most its share
of that history (rounded up: one English course among ten gives an 8-course feed one English
place). Courses beyond that are used only when the preferred ones run out, so a shelf or feed
is never left short while courses exist.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import Session

from catalogue.models import Area, Course
from catalogue.services.courses import newest_courses, popular_courses

T = TypeVar("T")
SHELVES = ("newest", "popular")


@dataclass(frozen=True)
class LanguageMix:
    """The interface's language and the other languages of the learner's history (share)."""

    primary: str = "zh"
    others: tuple[tuple[str, float], ...] = ()

    def places(self, limit: int) -> dict[str, int]:
        """Places of `limit` each other language may take."""
        return {lang: math.ceil(limit * share) for lang, share in self.others if share > 0}


def language_mix(interface: str, history: Mapping[str, int]) -> LanguageMix:
    """The mix of an interface language and the learner's courses counted per language."""
    total = sum(history.values())
    others = tuple(
        sorted((lang, n / total) for lang, n in history.items() if lang != interface and n > 0)
    )
    return LanguageMix(interface, others)


def prefer(
    items: Iterable[T], limit: int, mix: LanguageMix, language: Callable[[T], str]
) -> tuple[list[T], list[T]]:
    """(preferred, rest) in the items' order: preferred holds every item in the interface's
    language and other languages within their places; rest holds what is over."""
    places = mix.places(limit)
    taken: dict[str, int] = {}
    preferred: list[T] = []
    rest: list[T] = []
    for item in items:
        lang = language(item)
        if lang == mix.primary:
            preferred.append(item)
        elif taken.get(lang, 0) < places.get(lang, 0):
            taken[lang] = taken.get(lang, 0) + 1
            preferred.append(item)
        else:
            rest.append(item)
    return preferred, rest


def shelf(
    session: Session, kind: str, limit: int, mix: LanguageMix, area: Area | str | None = None
) -> list[Course]:
    """The newest or most popular published courses (of one area) in the mix's languages;
    filled from any language when those run out. One query per language of the mix, each read
    in index order, plus one when filling."""
    if kind not in SHELVES:
        raise ValueError(f"kind must be one of {', '.join(SHELVES)}")
    query = newest_courses if kind == "newest" else popular_courses
    area = Area(area) if area else None
    found = query(session, limit, area, mix.primary)
    for lang, places in mix.places(limit).items():
        found += query(session, min(places, limit), area, lang)
    key = _newest if kind == "newest" else _popular
    found.sort(key=key)
    found = found[:limit]
    if len(found) < limit:
        have = {c.id for c in found}
        found += [c for c in query(session, limit + len(found), area) if c.id not in have]
    return found[:limit]


def _newest(course: Course) -> tuple[float, int]:
    stamp = course.published_at.timestamp() if course.published_at else float("-inf")
    return (-stamp, -course.id)


def _popular(course: Course) -> tuple[float, int]:
    return (-(course.popularity or 0.0), -course.id)
