"""catalogue.snapshot: a value recomputed at most every max_age seconds, one thread at a time."""

from __future__ import annotations

import threading

from catalogue.snapshot import Snapshot


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_value_is_reused_until_it_is_older_than_max_age():
    clock, calls = Clock(), []
    snap = Snapshot(60, clock=clock)

    def compute() -> int:
        calls.append(clock.now)
        return len(calls)

    assert snap.get(compute) == 1
    clock.now += 59
    assert snap.get(compute) == 1
    clock.now += 2
    assert snap.get(compute) == 2
    snap.clear()
    assert snap.get(compute) == 3
    assert calls == [100.0, 161.0, 161.0]


def test_max_age_zero_computes_every_time():
    snap = Snapshot(0)
    values = iter(range(10))
    assert [snap.get(lambda: next(values)) for _ in range(3)] == [0, 1, 2]


def test_while_one_thread_recomputes_the_others_answer_with_the_old_value():
    clock = Clock()
    snap = Snapshot(10, clock=clock)
    assert snap.get(lambda: "old") == "old"
    clock.now += 11
    entered, release = threading.Event(), threading.Event()

    def slow() -> str:
        entered.set()
        release.wait(5)
        return "new"

    results = []
    refresher = threading.Thread(target=lambda: results.append(snap.get(slow)))
    refresher.start()
    assert entered.wait(5)
    # The refresh is under way: another request gets the previous value without waiting.
    assert snap.get(lambda: "never computed") == "old"
    release.set()
    refresher.join(5)
    assert results == ["new"]
    assert snap.get(lambda: "never computed") == "new"


def test_the_first_value_is_computed_once_however_many_threads_ask():
    snap = Snapshot(60)
    calls, barrier = [], threading.Barrier(8)

    def compute() -> int:
        calls.append(1)
        return 42

    def ask(out: list) -> None:
        barrier.wait()
        out.append(snap.get(compute))

    out: list = []
    threads = [threading.Thread(target=ask, args=(out,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert out == [42] * 8
    assert len(calls) == 1
