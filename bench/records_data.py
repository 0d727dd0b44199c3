"""Data the learning record's benchmarks share: a provider with published eight-lesson courses."""

from __future__ import annotations

from sqlalchemy.orm import Session

from catalogue.services.courses import CourseData, LessonData, create_course
from catalogue.services.providers import create_provider


def bench_courses(session: Session, count: int) -> list[int]:
    """Publish `count` eight-lesson elderly-area courses of a benchmark provider; their ids."""
    provider = create_provider(session, "基准测试大学", "university")
    return [
        create_course(
            session,
            provider.id,
            CourseData(
                external_id=f"bench-{n}",
                title=f"基准课程 {n}",
                area="elderly",
                lessons=[LessonData(title=f"第{i}讲", duration_seconds=600) for i in range(8)],
            ),
            publish=True,
        ).id
        for n in range(count)
    ]
