"""Learners × courses confidence matrices, from the events table or from arrays.

The events are read with SQLAlchemy Core in chunks (never an ORM object per event; the database
computes each row's kind code and epoch seconds, so a chunk becomes one float array) and turned
into weights with NumPy: kind → weight, × recency decay; events a learner can repeat at will
(views, shares…: `config.ONCE_PER_DAY`) kept once per (learner, course, kind, UTC day); what is
left summed by scipy when the sparse matrix is built.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import scipy.sparse as sp
from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.engine import Connection

from catalogue.models import Event
from recommender.config import ONCE_PER_DAY, TrainingConfig

CHUNK = 200_000
DAY_SECONDS = 86_400


@dataclass
class Interactions:
    """A learners × courses confidence matrix and the ids its rows and columns stand for."""

    matrix: sp.csr_matrix  # float32, only positive confidences stored
    user_ids: np.ndarray  # row → learner id
    item_ids: np.ndarray  # column → course id
    events: int = 0
    # Column of each learner's most recent course (-1 when unknown), for a time-aware split.
    last_item: np.ndarray | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    read_seconds: float = 0.0

    @property
    def shape(self) -> tuple[int, int]:
        """(learners, courses)."""
        return self.matrix.shape


def from_arrays(
    users: np.ndarray,
    items: np.ndarray,
    weights: np.ndarray | None = None,
    times: np.ndarray | None = None,
    daily: np.ndarray | None = None,
) -> Interactions:
    """Interactions from parallel arrays of ids (weights 1 each by default; with `times`,
    each learner's most recent course is noted; with `daily` and `times`, of the events whose
    `daily` code is ≥ 0 only the first of each (learner, course, code, UTC day) counts)."""
    users = np.asarray(users, dtype=np.int64)
    items = np.asarray(items, dtype=np.int64)
    if weights is None:
        weights = np.ones(len(users), dtype=np.float32)
    user_ids, rows = np.unique(users, return_inverse=True)
    item_ids, cols = np.unique(items, return_inverse=True)
    if daily is not None and times is not None and len(rows):
        keep = first_per_day(rows, cols, np.asarray(daily), np.asarray(times), len(item_ids))
        rows, cols = rows[keep], cols[keep]
        weights, times = np.asarray(weights)[keep], np.asarray(times)[keep]
    matrix = _positive_csr(rows, cols, weights, (len(user_ids), len(item_ids)))
    last = None
    if times is not None and len(rows):
        # The last event of each learner, by time (then by position for equal times).
        order = np.lexsort((np.arange(len(rows)), np.asarray(times), rows))
        ends = np.flatnonzero(np.r_[rows[order][1:] != rows[order][:-1], True])
        last = np.full(len(user_ids), -1, dtype=np.int64)
        last[rows[order][ends]] = cols[order][ends]
    return Interactions(matrix, user_ids, item_ids, events=len(users), last_item=last)


def first_per_day(
    rows: np.ndarray, cols: np.ndarray, codes: np.ndarray, seconds: np.ndarray, columns: int
) -> np.ndarray:
    """Which events to keep: all whose code is negative, and of the others the first (in array
    order) of each (row, column, code, UTC day of `seconds`)."""
    keep = np.ones(len(rows), dtype=bool)
    chosen = np.flatnonzero(codes >= 0)
    if not len(chosen):
        return keep
    days = np.floor(seconds[chosen] / DAY_SECONDS).astype(np.int64)
    days -= days.min()
    code = codes[chosen].astype(np.int64)
    n_days, n_codes = int(days.max()) + 1, int(code.max()) + 1
    pair = rows[chosen].astype(np.int64) * columns + cols[chosen]
    if (int(rows.max()) + 1) * columns * n_codes * n_days < 2**62:
        # One int64 per event; np.unique's index is each key's first occurrence.
        _keys, first = np.unique((pair * n_codes + code) * n_days + days, return_index=True)
    else:  # too many for one int64: sort on the parts instead
        order = np.lexsort((np.arange(len(chosen)), days, code, pair))
        parts = (pair[order], code[order], days[order])
        starts = np.ones(len(order), dtype=bool)
        starts[1:] = np.any([p[1:] != p[:-1] for p in parts], axis=0)
        first = order[starts]
    keep[chosen] = False
    keep[chosen[first]] = True
    return keep


def _positive_csr(rows, cols, weights, shape) -> sp.csr_matrix:
    matrix = sp.coo_matrix(
        (np.asarray(weights, dtype=np.float32), (rows, cols)), shape=shape
    ).tocsr()
    matrix.sum_duplicates()
    matrix.data[matrix.data < 0] = 0
    matrix.eliminate_zeros()
    return matrix


def epoch_seconds(column, dialect: str):
    """A timestamp column as seconds since 1970 (a float), computed by the database."""
    if dialect == "postgresql":
        # extract() is numeric (a Decimal per row in Python); as float8 it is a float.
        return cast(func.extract("epoch", column), Float)
    # SQLite keeps UTC text; %s gives whole seconds, enough for decay and order.
    return cast(func.strftime("%s", column), Float)


def _event_chunks(
    connection: Connection, since: datetime | None, kinds: list[str], chunk: int
) -> Iterator[np.ndarray]:
    """(user id, course id, kind code, epoch seconds) rows as float64 arrays, a chunk at a
    time; the kind code and the time are computed by the database, so no Python object is
    made per event beyond the row tuple."""
    events = Event.__table__
    code = case({kind: n for n, kind in enumerate(kinds)}, value=events.c.kind, else_=-1)
    seconds = epoch_seconds(events.c.created_at, connection.dialect.name)
    stmt = select(events.c.user_id, events.c.course_id, code, seconds).order_by(events.c.id)
    if since is not None:
        stmt = stmt.where(events.c.created_at >= since)
    result = connection.execution_options(stream_results=True, yield_per=chunk).execute(stmt)
    for rows in result.partitions(chunk):
        yield np.array([tuple(row) for row in rows], dtype=np.float64).reshape(-1, 4)


def read_interactions(
    connection: Connection,
    config: TrainingConfig,
    *,
    now: datetime | None = None,
    chunk: int = CHUNK,
) -> Interactions:
    """The confidence matrix of the events in the configured window, decayed by age."""
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    since = now - timedelta(days=config.window_days) if config.window_days else None
    kinds = list(config.event_weights)
    kind_weight = np.asarray([config.event_weights[k] for k in kinds], dtype=np.float64)
    # Kind code of the events counted once a day, -1 for the others.
    daily_code = np.asarray([n if k in ONCE_PER_DAY else -1 for n, k in enumerate(kinds)])
    users: list[np.ndarray] = []
    items: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    times: list[np.ndarray] = []
    daily: list[np.ndarray] = []
    events = 0
    oldest: float | None = None
    for block in _event_chunks(connection, since, kinds, chunk):
        codes = block[:, 2].astype(np.int64)
        seconds = block[:, 3]
        known = codes >= 0
        weight = np.where(known, kind_weight[np.maximum(codes, 0)], 0.0)
        users.append(block[known, 0].astype(np.int64))
        items.append(block[known, 1].astype(np.int64))
        weights.append(weight[known])
        times.append(seconds[known])
        daily.append(daily_code[codes[known]])
        events += len(block)
        first = float(seconds.min())
        oldest = first if oldest is None else min(oldest, first)
    if not users:
        empty = sp.csr_matrix((0, 0), dtype=np.float32)
        none = np.zeros(0, dtype=np.int64)
        return Interactions(empty, none, none, 0, since, now, time.perf_counter() - started)
    all_users, all_items, all_times = (np.concatenate(a) for a in (users, items, times))
    # Decay once every event is read: a learner's latest event and the order of their courses
    # (`config.recency`) may span chunks.
    all_weights = np.concatenate(weights) * config.recency(
        all_users, all_items, all_times, now.timestamp()
    )
    interactions = from_arrays(all_users, all_items, all_weights, all_times, np.concatenate(daily))
    interactions.events = events
    interactions.window_start = since or datetime.fromtimestamp(oldest or 0, UTC)
    interactions.window_end = now
    interactions.read_seconds = time.perf_counter() - started
    return interactions
