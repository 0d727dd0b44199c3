"""The garbage-collector gate: collections happen only while no bracketed work is in flight."""

from __future__ import annotations

import gc
import threading
import time

from jobs.gc_gate import GcGate


def test_a_collection_waits_for_work_in_flight_and_holds_new_work_back() -> None:
    """Collect only after the running request left; a new request waits for the collection."""
    gate = GcGate(drain_timeout=10)
    events: list[str] = []
    inside = threading.Event()
    release = threading.Event()

    def request() -> None:
        with gate.active():
            events.append("request started")
            inside.set()
            release.wait(5)
            events.append("request ended")

    def late_request() -> None:
        with gate.active():
            events.append("late request started")

    def on_collect(phase: str, _info: dict) -> None:
        if phase == "start":
            events.append("collection")

    first = threading.Thread(target=request)
    first.start()
    inside.wait(5)
    collector = threading.Thread(target=gate.collect)
    gc.callbacks.append(on_collect)
    try:
        collector.start()
        time.sleep(0.2)
        late = threading.Thread(target=late_request)
        late.start()
        time.sleep(0.2)
        assert events == ["request started"]  # neither collected nor let in yet
        release.set()
        for thread in (first, collector, late):
            thread.join(5)
    finally:
        gc.callbacks.remove(on_collect)
    assert events == ["request started", "request ended", "collection", "late request started"]
    assert gate.collections == 1 and gate.in_flight == 0


def test_work_that_does_not_drain_in_time_is_let_go_on() -> None:
    """A long piece of work postpones the collection instead of stalling everyone."""
    gate = GcGate(drain_timeout=0.2)
    gate.enter()
    try:
        assert gate.collect() is False
        assert gate.skipped == 1 and gate.collections == 0
        done = threading.Event()

        def request() -> None:
            with gate.active():
                done.set()

        threading.Thread(target=request).start()
        assert done.wait(2), "new work was left waiting after the collection gave up"
        gate.checkpoint()  # long work lets a pending collection in between its steps
    finally:
        gate.leave()
    assert gate.collect() is True


def test_a_checkpoint_inside_nested_brackets_lets_a_collection_run() -> None:
    """A job bracketed by the runner and again by itself still lets the collector in."""
    gate = GcGate(drain_timeout=5)
    collected = threading.Event()

    def collector() -> None:
        if gate.collect():
            collected.set()

    with gate.active(), gate.active():
        thread = threading.Thread(target=collector)
        thread.start()
        deadline = time.monotonic() + 5
        while not gate._closed and time.monotonic() < deadline:
            time.sleep(0.01)
        assert gate._closed, "the collector never asked for the work to drain"
        gate.checkpoint()
        assert collected.is_set(), "the checkpoint did not let the pending collection run"
        assert gate.in_flight == 2
    thread.join(5)
    assert gate.in_flight == 0


def test_a_checkpoint_outside_any_bracket_does_nothing() -> None:
    """Code that reports progress without a bracket (a command, a test) leaves the count alone."""
    gate = GcGate()
    gate.checkpoint()
    assert gate.in_flight == 0
    assert gate.collect() is True


def test_started_gate_switches_automatic_collection_off_and_collects_itself() -> None:
    """While started, CPython's automatic collection is off and the gate's thread collects."""
    gate = GcGate(young_threshold=1000, poll_seconds=0.02)
    gate.start()
    try:
        assert not gc.isenabled()
        garbage = []
        for _ in range(5000):
            cycle: list = []
            cycle.append(cycle)
            garbage.append(cycle)
        del garbage
        deadline = time.monotonic() + 5
        while gate.collections == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert gate.collections >= 1
    finally:
        gate.stop()
        gc.unfreeze()
    assert gc.isenabled()


def test_a_collection_that_held_work_back_long_is_logged(caplog) -> None:
    """An operator can see in the log when a collection kept new requests waiting."""
    gate = GcGate(drain_timeout=5)
    gate.enter()
    threading.Timer(0.7, gate.leave).start()
    with caplog.at_level("WARNING", logger="jobs.gc_gate"):
        assert gate.collect() is True
    [record] = [r for r in caplog.records if r.name == "jobs.gc_gate"]
    assert "held new work" in record.getMessage() and "draining" in record.getMessage()


def test_a_quick_collection_is_not_logged(caplog) -> None:
    """Collections with nothing in flight pass silently."""
    gate = GcGate(drain_timeout=5)
    with caplog.at_level("WARNING", logger="jobs.gc_gate"):
        # The youngest generation: a full collection of a big test process may itself take
        # half a second on a loaded machine, and then it is rightly logged.
        assert gate.collect(0) is True
    assert not [r for r in caplog.records if r.name == "jobs.gc_gate"]
