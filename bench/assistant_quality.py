"""The question matcher on the shipped labelled questions: held-out figures, per-style figures
and predict times (serial and from 8 threads at once).

    .venv/bin/python bench/assistant_quality.py [--repeat 5] [--threads 8] [--json out.json]

Trains exactly as the nightly job does (the training part of the split; C and the threshold
chosen by cross-validation over it), then scores the held-out part once. Timings: every
held-out question's predict call, `--repeat` times in a row; then the same calls shared by
`--threads` threads at once (each call timed on its own thread).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from assistant.evaluation import (
    FLOORS,
    evaluate,
    percentile,
    split_questions,
    timed_predictions,
)
from assistant.knowledge import LabelledQuestion, load_articles, load_questions
from assistant.matcher import Matcher, train_matcher

STYLES = ("plain", "colloquial", "elderly", "typo", "mixed")


def groups(held_out: Sequence[LabelledQuestion]) -> dict[str, list[LabelledQuestion]]:
    """The held-out questions by style, and the English ones (language `en`) as `en`."""
    found = {style: [q for q in held_out if q.style == style] for style in STYLES}
    found["en"] = [q for q in held_out if q.language == "en"]
    return found


def threaded_millis(matcher: Matcher, texts: Sequence[str], threads: int) -> list[float]:
    """Each text predicted once, the texts shared out to `threads` threads started together."""
    millis: list[list[float]] = [[] for _ in range(threads)]
    barrier = threading.Barrier(threads)

    def work(k: int) -> None:
        barrier.wait()
        millis[k] = timed_predictions(matcher, texts[k::threads])[1]

    workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return [m for part in millis for m in part]


def main(argv: Sequence[str] | None = None) -> dict:
    """Train, score and time; print the figures and return them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    articles, questions = load_articles(), load_questions()
    split = split_questions(questions)
    started = time.perf_counter()
    matcher = train_matcher(articles, split.train)
    train_seconds = time.perf_counter() - started
    metrics = evaluate(matcher, split.held_out)

    texts = [q.question for q in split.held_out]
    serial: list[float] = []
    for _ in range(args.repeat):
        serial += timed_predictions(matcher, texts)[1]
    threaded: list[float] = []
    for _ in range(args.repeat):
        threaded += threaded_millis(matcher, texts, args.threads)

    by_group = {}
    for name, members in groups(split.held_out).items():
        if members:
            figures = evaluate(matcher, members)
            by_group[name] = {
                "questions": figures["questions"],
                "top1_accuracy": figures["top1_accuracy"],
                "out_of_scope": figures["out_of_scope"],
                # None: no out-of-scope question of this kind was held out.
                "oos_handoff_rate": figures["oos_handoff_rate"]
                if figures["out_of_scope"]
                else None,
                "unnecessary_handoff_rate": figures["unnecessary_handoff_rate"],
            }
    choice = matcher.info["choice"]
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "articles": len(articles),
        "questions": len(questions),
        "train_questions": len(split.train),
        "held_out_questions": len(split.held_out),
        "train_seconds": round(train_seconds, 1),
        "choice": {
            k: choice[k]
            for k in ("c", "threshold", "oos_ratio", "handover_cutoff", "rule", "cross_validation")
        },
        "handover": matcher.info["handover"],
        "features": matcher.info["features"],
        "held_out": {k: metrics[k] for k in FLOORS}
        | {
            "in_scope": metrics["in_scope"],
            "out_of_scope": metrics["out_of_scope"],
            "answerable": metrics["answerable"],
        },
        "floors": FLOORS,
        "predict_ms": {
            "serial_calls": len(serial),
            "serial_p50": round(percentile(serial, 0.50), 2),
            "serial_p95": round(percentile(serial, 0.95), 2),
            "threads": args.threads,
            "threaded_calls": len(threaded),
            "threaded_p50": round(percentile(threaded, 0.50), 2),
            "threaded_p95": round(percentile(threaded, 0.95), 2),
        },
        "by_style": by_group,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
