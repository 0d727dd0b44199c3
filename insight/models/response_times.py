"""The site's response times (issue 17): per UTC hour, per Flask endpoint and status class, how
many requests took a time in each of the fixed buckets of insight/response_times.py. Each web
process keeps its own histogram in memory and adds it here about once a minute, so rows from
many processes add up; the cockpit merges them to read percentiles."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base


class ResponseTimeCount(Base):
    """`count` requests to `endpoint` (a Flask endpoint name, "(none)" when no route matched)
    in UTC hour `hour` (hours since 1970-01-01 UTC) answered with status class `status_class`
    (2 for 2xx … 5 for 5xx and for a request that raised) took a time in bucket `bucket`.
    Rows older than KEEP_DAYS (insight/response_times.py) are deleted by the flushes."""

    __tablename__ = "insight_response_times"

    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(120), primary_key=True)
    status_class: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    bucket: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
