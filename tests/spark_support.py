"""Spark training backend tests: pyspark in local mode on Java from the system.

Without pyspark or Java the Spark tests skip with the reason; under CI (CI=true, as `.ci/run`
sets, after installing Java) they fail instead. A JVM takes seconds to start, so tests share one
session per module (the `spark` fixture in conftest.py), and every JVM a test starts is ended:
`spark_jvms` finds any left behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from recommender import spark_als
from recommender.spark_als import SparkOptions, jvm_process, spark_session, spark_unavailable

# Two cores, few partitions, no web UI: the smallest Spark that still runs ALS in parallel.
TEST_OPTIONS = SparkOptions(
    master="local[2]",
    app_name="lifelong-tests",
    conf={
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": "2",
        "spark.default.parallelism": "2",
    },
)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI must run the Spark tests: .ci/run installs Java)")
    pytest.skip(reason)


def require_spark() -> None:
    """Skip (fail under CI) when pyspark or Java is missing."""
    reason = spark_unavailable()
    if reason:
        _unavailable(f"Spark backend unavailable: {reason}")


def spark_jvms() -> list[int]:
    """Pids of the JVMs this checkout's pyspark started that are still running (children of
    this process, or orphans of a job's child process that died)."""
    import pyspark

    marker = str(Path(pyspark.__file__).resolve().parent)
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if "org.apache.spark.deploy.SparkSubmit" in command and marker in command:
            found.append(int(entry.name))
    return sorted(found)


def hold_spark(pids) -> None:
    """In a child process: start Spark as a training run does, report the JVM's pid, then
    wait to be killed (a job stopped at its timeout)."""
    import time

    with spark_session(TEST_OPTIONS):
        pids.put(jvm_process().pid)
        time.sleep(600)


@contextmanager
def shared_session() -> Iterator:
    """A local[2] session for a module; afterwards its JVM must be gone."""
    require_spark()
    with spark_session(TEST_OPTIONS) as spark:
        jvm = jvm_process()
        assert jvm is not None and jvm.pid in spark_jvms()
        yield spark
    assert jvm.poll() is not None, "the JVM outlived its session"
    assert not spark_jvms(), f"java processes left running: {spark_jvms()}"
    left = [folder for folder in spark_als._SCRATCH.values() if Path(folder).exists()]
    assert not left, f"checkpoint folders left behind: {left}"
