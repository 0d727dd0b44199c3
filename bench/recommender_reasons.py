"""How similar are the courses a feed's reason could name? The measurement behind the
thresholds in recommender/reasons.py (docs/recommender.md, "Reasons").

Generates the demo catalogue (5,000 courses, 2,000 learners) into a temporary SQLite file,
trains the production configuration, then prints, for random pairs of courses, pairs of the same
subject (the demo's first subject tag: 太极拳, Excel…; a proxy for "actually similar") and the
pairs feeds would name: quantiles of the raw and centred course-factor cosines and of the
content (TF-IDF) cosine; then, for the feeds of 400 learners, the share of items that get a
"because" reason and how often the course named is of the same subject, per threshold; and the
reasons the feeds give as served.

    .venv/bin/python bench/recommender_reasons.py [--learners 400]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from catalogue.db import make_engine, upgrade_database
from catalogue.demo.generator import DEMO_NOW, generate_demo
from catalogue.models import Course, User
from recommender.artefacts import ModelStore
from recommender.config import TrainingConfig
from recommender.content import course_text
from recommender.foldin import contributions
from recommender.pipeline import train_and_publish
from recommender.serving import Learner, _learner_factors, feed, learner_history

QUANTILES = (5, 25, 50, 75, 90, 95, 99)


def quantiles(values) -> str:
    values = np.asarray(values)
    return " ".join(f"p{q}={np.percentile(values, q):.3f}" for q in QUANTILES)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=400)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="reasons-"))
    engine = make_engine(f"sqlite:///{folder / 'demo.db'}")
    upgrade_database(engine)
    generate_demo(engine)
    store = ModelStore(folder / "models")
    with engine.connect() as connection:
        report = train_and_publish(connection, store, TrainingConfig(), now=DEMO_NOW)
    model = store.current_model()
    print(f"model {model.version}: {report.reason}")
    session = Session(engine)
    rows = session.execute(
        select(
            Course.id, Course.title, Course.subtitle, Course.description, Course.area
        ).add_columns(Course.subjects)
    ).all()
    subject = {r[0]: (str(r[4]), (r[5] or [""])[0]) for r in rows}
    ids = [int(i) for i in model.item_ids]
    texts = {r[0]: course_text(r[1], r[2], r[3]) for r in rows}
    vectors = model.content.vectors([texts[i] for i in ids])
    factors = model.item_factors.astype(np.float64)
    raw = factors / (np.linalg.norm(factors, axis=1, keepdims=True) + 1e-12)
    centred = factors - factors.mean(axis=0)
    centred /= np.linalg.norm(centred, axis=1, keepdims=True) + 1e-12

    def measures(a: int, b: int) -> tuple[float, float, float]:
        ra, rb = model.item_row(a), model.item_row(b)
        content = float((vectors[ra] @ vectors[rb].T).toarray()[0, 0])
        return float(raw[ra] @ raw[rb]), float(centred[ra] @ centred[rb]), content

    rng = random.Random(1)
    by_subject: dict[tuple[str, str], list[int]] = {}
    for course in ids:
        by_subject.setdefault(subject[course], []).append(course)
    groups = [g for g in by_subject.values() if len(g) > 1]
    pairs = {
        "random pairs": [tuple(rng.sample(ids, 2)) for _ in range(20_000)],
        "same-subject pairs": [tuple(rng.sample(rng.choice(groups), 2)) for _ in range(20_000)],
    }
    for name, chosen in pairs.items():
        values = np.asarray([measures(a, b) for a, b in chosen])
        print(f"{name}: raw factor cosine   {quantiles(values[:, 0])}")
        print(f"{name}: centred factor cos. {quantiles(values[:, 1])}")
        print(f"{name}: content cosine      {quantiles(values[:, 2])}")

    # Every candidate a reason could name: the learner's courses adding to the item's score.
    training = TrainingConfig.from_dict(model.meta["config"])
    users = session.scalars(select(User).order_by(User.id)).all()
    sample = rng.sample(users, min(args.learners, len(users)))
    items = []
    kinds: Counter[str] = Counter()
    named_same = named = 0
    for user in sample:
        learner = Learner(user.id, tuple(user.interest_areas), user.caring_mode)
        served = feed(session, model, learner, limit=8).items
        for item in served:
            kinds[item.reason.kind] += 1
            if item.reason.kind == "because" and model.item_row(item.reason.course_id) is not None:
                named += 1
                named_same += subject[item.reason.course_id] == subject[item.course_id]
        history = learner_history(session, user.id, training, DEMO_NOW)
        learner_factors = _learner_factors(model, training, history, user.id)
        if learner_factors is None:
            continue
        for item in served:
            row = model.item_row(item.course_id)
            if row is None:
                continue
            terms = contributions(learner_factors, model.item_factors, row)
            rows_ = learner_factors.rows[terms > 0]
            if not len(rows_):
                continue
            sources = [int(model.item_ids[r]) for r in rows_]
            values = np.asarray([measures(s, item.course_id) for s in sources])
            same = np.asarray([subject[s] == subject[item.course_id] for s in sources])
            items.append((values, same))
    print(f"\nfeed items with a candidate source: {len(items)} (of {sample and len(sample)} feeds)")
    print(f"items with a same-subject candidate: {np.mean([s.any() for _v, s in items]):.2f}")
    rules = [("raw factor", 0, t) for t in (0.5, 0.6, 0.7)]
    rules += [("centred factor", 1, t) for t in (0.3, 0.4, 0.5)]
    rules += [("content", 2, t) for t in (0.15, 0.2, 0.3)]
    for name, column, threshold in rules:
        report_rule(items, f"{name} >= {threshold}", lambda v, c=column, t=threshold: v[:, c] / t)
    for content in (0.15, 0.2):
        for factor in (0.3, 0.4):
            report_rule(
                items,
                f"content >= {content} and centred factor >= {factor}",
                lambda v, c=content, f=factor: np.minimum(v[:, 2] / c, v[:, 1] / f),
            )
    print(f"\nreasons as served (thresholds of recommender/reasons.py): {dict(kinds)}")
    if named:
        print(f"'because' reasons naming a course of the same subject: {named_same / named:.2f}")


def report_rule(items, name: str, margin) -> None:
    """Share of items the rule gives a 'because' reason, and how often it names a course of
    the same subject (the candidate passing by the widest margin)."""
    passed = same = 0
    for values, subjects in items:
        margins = margin(values)
        best = int(np.argmax(margins))
        if margins[best] >= 1.0:
            passed += 1
            same += bool(subjects[best])
    share = passed / len(items)
    print(f"{name:45s} because-share {share:.2f}  same subject {same / max(passed, 1):.2f}")


if __name__ == "__main__":
    main()
