"""Benchmark: a training run at full scale, and feed latency with that model loaded.

.venv/bin/python bench/generate_catalogue.py --courses 630000 --learners 1000000 \
    --activity 0.7 --db /tmp/bench-rec.db
.venv/bin/python bench/recommender_scale.py --db /tmp/bench-rec.db --models /tmp/bench-rec-models

The training run is the production one (`recommender.pipeline.train_and_publish`: read the events
from the database, build the matrix, hold out, fit ALS, evaluate against popularity, write and
promote the artefact); it prints each stage's time and the process's peak memory. Then feeds
(`recommender.serving.feed`: the learner's events from the database, fold-in, scoring every
course, filtering, diversity, reasons) are timed for random learners with activity.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from figures import peak_rss_mb, percentiles
from sqlalchemy import select

from catalogue.db import make_engine, make_session_factory
from catalogue.models import Event
from recommender.artefacts import ModelStore
from recommender.config import TrainingConfig
from recommender.pipeline import train_and_publish
from recommender.serving import Learner, feed


def main() -> None:
    """Train at scale, then time feeds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/bench-rec.db", help="a SQLite file or a database URL")
    parser.add_argument("--models", type=Path, default=Path("/tmp/bench-rec-models"))
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--window-days", type=int, default=0, help="0 reads every event")
    args = parser.parse_args()
    engine = make_engine(args.db if "://" in args.db else f"sqlite:///{args.db}")
    store = ModelStore(args.models)
    if not args.skip_training:
        config = TrainingConfig(window_days=args.window_days)
        started = time.perf_counter()
        with engine.connect() as connection:
            report = train_and_publish(connection, store, config)
        total = time.perf_counter() - started
        figures = report.figures
        print(
            f"training run: {total:.0f} s in all — read {figures['read_seconds']:.0f} s, "
            f"fit {figures.get('fit_seconds', 0):.0f} s, "
            f"evaluate {figures.get('evaluate_seconds', 0):.0f} s; peak RSS {peak_rss_mb():,.0f} MB"
        )
        print(
            f"data: {figures['events']:,} events, {figures['learners']:,} learners × "
            f"{figures['courses']:,} courses, {figures['interactions']:,} non-zero"
        )
        print(f"decision: promoted={report.promoted}: {report.reason}")
        if report.metrics:
            print(
                f"model nDCG@10 {report.metrics.ndcg:.4f} HR@10 {report.metrics.hit_rate:.4f}; "
                f"popularity {report.baseline.ndcg:.4f} / {report.baseline.hit_rate:.4f}"
            )
    model = store.current_model()
    if model is None:
        print("no current model: feeds not timed")
        return
    print(
        f"model {model.version}: {model.item_factors.shape[0]:,} courses, "
        f"{model.user_factors.shape[0]:,} learners, {model.item_factors.shape[1]} factors"
    )
    sessions = make_session_factory(engine)
    rng = random.Random(3)
    with sessions() as session:
        top = session.scalar(select(Event.user_id).order_by(Event.user_id.desc()).limit(1)) or 0
        users = [rng.randint(1, top) for _ in range(args.feeds + 50)]
        for user in users[:50]:  # warm-up: the model's Gram matrix, caches
            feed(session, model, Learner(user), limit=20)
        latencies = []
        personal = 0
        for user in users[50:]:
            started = time.perf_counter()
            result = feed(session, model, Learner(user), limit=20)
            latencies.append((time.perf_counter() - started) * 1000)
            personal += result.personalised
    print(
        f"feed ({len(latencies)} learners, {personal} personalised, 20 items): "
        f"{percentiles(latencies)}; mean {statistics.mean(latencies):.1f} ms"
    )
    print(f"peak RSS of this process: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
