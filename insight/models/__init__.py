"""The tables of insight, one module per area; importing this registers them all on catalogue's
Base."""

from insight.models import (
    course_stats,  # noqa: F401  (partners' course analytics)
    feeds,  # noqa: F401  (recommendation lists shown and clicked)
    open_data,  # noqa: F401  (open data API clients, tokens, audit)
    response_times,  # noqa: F401  (the site's response times)
)
from insight.models.rollups import (
    ActiveMonthSketch,
    ActiveSketch,
    DailyFigure,
    LearnerDay,
    RollupWatermark,
    SearchTermDay,
    TopQuery,
)

__all__ = [
    "ActiveMonthSketch",
    "ActiveSketch",
    "DailyFigure",
    "LearnerDay",
    "RollupWatermark",
    "SearchTermDay",
    "TopQuery",
]
