"""Benchmark: "ask the data" at full scale (docs/insight.md, docs/benchmarks.md).

.venv/bin/python bench/insight_ask_scale.py                 # full scale, SQLite
.venv/bin/python bench/insight_ask_scale.py --scale 0.1     # a quick look
.venv/bin/python bench/insight_ask_scale.py --postgres      # PostgreSQL (a scratch database)

Fills a fresh database as bench/cockpit_scale.py does (the rollups that 30,000,000 events of
1,000,000 learners on 630,000 courses leave: `insight_daily` for 400 days, the learner-days of
the last 30 days at about 25,000 active learners a day), then times `insight.ask.answer.ask`
(parse + figures + chart + sentence) for each kind of question, --repeat times each: p50/p95/p99
in ms. Distinct active learners over a span the rollups do not hold as one figure (14 days,
90 days, a quarter, the year) are the union of the days' HyperLogLog sketches
(insight/active_sketches.py): the build sketches the 30 days of learner-days as the job does
(`sketch_day`) and the 370 days before them from random samples of the same size (those days
have no learner-days). The exact distinct count the sketches replace (14 days of learner-days)
is timed on its own line, with the estimate's error against it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
from cockpit_scale import ZONE, build
from figures import peak_rss_mb, percentiles
from scratch_db import scratch_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from catalogue.db import make_engine, make_session_factory
from catalogue.models import Area, User
from insight import active_sketches, hll
from insight.ask.answer import Answer, ask
from insight.models import ActiveSketch, LearnerDay

NAME = "lifelong_bench_ask"
QUESTIONS = {
    "one figure, area, month": "上个月老年教育新增多少学员？",
    "by area, year": "今年各领域完成课程多少次",
    "daily chart, 30 days": "最近30天每天的学习时长",
    "monthly trend, year + 同比": "今年每月新增学员同比",
    "active, 7 days (rollup)": "最近7天活跃学员",
    "active, 30 days by area (rollup)": "最近30天各领域活跃学员",
    "active, 14 days (sketches)": "最近14天活跃学员",
    "active, 90 days (sketches)": "最近90天活跃学员",
    "active, last quarter (sketches)": "上个季度活跃学员",
    "active, this year (sketches)": "今年活跃学员",
    "active, 14 days by area (sketches)": "最近14天各领域活跃学员",
    "active, weekly, 90 days (sketches)": "最近90天每周活跃学员",
    "caring-mode share": "长辈模式学员占比",
    "English, searches 环比": "zero-result searches last week compared with the previous week",
    "refused (age)": "按年龄统计上个月新增学员",
}


def fill_sketches(url: str, scale: float, seed: int, today: date) -> None:
    """Sketch the days of learner-days as the job does, and the 370 days before them from
    random samples of learners (about 25,000 a day at full scale, each in one area)."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    began = time.perf_counter()
    areas = [a.value for a in Area]
    rng = np.random.default_rng(seed)
    with sessions() as session:
        first_user = session.scalar(sa.select(sa.func.min(User.id)))
        users = session.scalar(sa.select(sa.func.count()).select_from(User))
        days = list(session.scalars(sa.select(LearnerDay.day).distinct()))
        for day in days:
            active_sketches.sketch_day(session, day)
        session.commit()
        dau = max(50, int(25_000 * scale))
        for back in range(30, 400):
            ids = first_user + rng.choice(users, size=dau, replace=False)
            rows = [{"area": "", "day": today - timedelta(days=back), "learners": dau, "ids": ids}]
            for i, area in enumerate(areas):
                mine = ids[(ids % len(areas)) == i]
                rows.append(
                    {"area": area, "day": rows[0]["day"], "learners": mine.size, "ids": mine}
                )
            session.execute(
                ActiveSketch.__table__.insert(),
                [
                    {
                        **{k: v for k, v in r.items() if k != "ids"},
                        "registers": hll.pack(hll.registers(r["ids"])),
                    }
                    for r in rows
                ],
            )
        # the months' sketches, as the job keeps them with each day it sketches
        sketched = session.scalars(sa.select(ActiveSketch.day).distinct()).all()
        for month in sorted({day.replace(day=1) for day in sketched}):
            active_sketches.sketch_month(session, month)
        session.commit()
        count = session.scalar(sa.select(sa.func.count()).select_from(ActiveSketch))
    print(f"sketches: {count} ({time.perf_counter() - began:.1f} s)", flush=True)
    engine.dispose()


def measure_exact(url: str, repeat: int, today: date) -> None:
    """The exact distinct count of 14 days of learner-days (what the sketches replace), and the
    sketch estimate's error against it."""
    engine = make_engine(url)
    first = today - timedelta(days=13)
    with make_session_factory(engine)() as session:
        exact = sa.select(sa.func.count(sa.func.distinct(LearnerDay.user_id))).where(
            LearnerDay.area == "", LearnerDay.day >= first, LearnerDay.day <= today
        )
        samples, counted = [], 0
        for _ in range(max(5, repeat // 5)):
            began = time.perf_counter()
            counted = session.scalar(exact)
            samples.append((time.perf_counter() - began) * 1000)
        sketch_samples, estimated = [], 0
        for _ in range(repeat):
            began = time.perf_counter()
            estimated = active_sketches.span_estimate(session, first, today, None)
            sketch_samples.append((time.perf_counter() - began) * 1000)
    error = 100 * (estimated - counted) / counted if counted else 0.0
    print(f"  {'exact count, 14 days':34s} {percentiles(samples)}   ({counted:,})")
    print(
        f"  {'sketch union, 14 days':34s} {percentiles(sketch_samples)}   "
        f"({estimated:,}, {error:+.2f} % off the exact count)",
        flush=True,
    )
    engine.dispose()


def measure(url: str, repeat: int) -> None:
    """Time each question `repeat` times on one session, as a web request would."""
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    today = datetime.now(ZONE).date()
    with sessions() as session:
        for label, question in QUESTIONS.items():
            result = ask(session, question, today)
            shown = result.figure if isinstance(result, Answer) else f"refused: {result.reason}"
            samples = []
            for _ in range(repeat):
                began = time.perf_counter()
                ask(session, question, today)
                samples.append((time.perf_counter() - began) * 1000)
                session.rollback()
            print(f"  {label:34s} {percentiles(samples)}   ({shown})", flush=True)
    engine.dispose()


def main() -> None:
    """Build, measure, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    today = datetime.now(ZONE).date()
    with scratch_database(NAME, args.postgres) as url:
        print(f"{'PostgreSQL' if args.postgres else 'SQLite'}, scale {args.scale}", flush=True)
        build(url, args.scale, rng, today)
        fill_sketches(url, args.scale, args.seed, today)
        print("ask the data (parse, figures, chart, sentence):", flush=True)
        measure(url, args.repeat)
        print("distinct active learners, 14 days:", flush=True)
        measure_exact(url, args.repeat, today)
        print(f"peak memory {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
