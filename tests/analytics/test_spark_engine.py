"""The same analyses on DuckDB and on Spark (local mode) give identical results on a real log.

Runs in CI like every slow test: it needs PySpark and Java 17, and fails (never skips) when
they are missing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from analytics_kit import RealLog, as_json

from journeyscope.analytics import (
    AnalysisQuery,
    Backend,
    ChannelsQuery,
    DfgQuery,
    DuckDBBackend,
    FunnelQuery,
    IbisBackend,
    PathsQuery,
    SparkBackend,
    VariantsQuery,
)
from journeyscope.analytics.funnels import Exclusion, FunnelStep

STEPS = (
    "Confirmation of receipt",
    "T02 Check confirmation of receipt",
    "T04 Determine confirmation of receipt",
    "T05 Print and send confirmation of receipt",
    "T06 Determine necessity of stop advice",
)
QUERIES: list[AnalysisQuery] = [
    DfgQuery(),
    VariantsQuery(top=10),
    FunnelQuery(steps=STEPS, window=timedelta(days=7), breakdown="channel"),
    FunnelQuery(steps=STEPS, breakdown="case:group", entry="first", ties="strict_increase"),
    FunnelQuery(steps=STEPS, mode="strict", open=True),
    FunnelQuery(steps=STEPS, mode="any_order", window=timedelta(days=3)),
    FunnelQuery(
        steps=(*STEPS[:3], FunnelStep(activities=(STEPS[3],), optional=True), STEPS[4]),
        exclusions=(Exclusion(activities=("T03 Adjust confirmation of receipt",)),),
        window=timedelta(days=30),
    ),
    PathsQuery(start=STEPS[0], steps=5, top_edges=8),
    PathsQuery(end=STEPS[4], collapse_repeats=True, loops=False),
    ChannelsQuery(digital=("Internet",), assisted=("Desk", "Post"), outcomes=(STEPS[3],)),
]


@pytest.mark.spark
@pytest.mark.slow
def test_duckdb_and_spark_agree_on_a_real_log(
    spark: object, real_log: Callable[[str], RealLog]
) -> None:
    log = real_log("receipt.csv")
    with DuckDBBackend(log.store) as duck, SparkBackend(log.store, session=spark) as sparky:  # type: ignore[arg-type]
        for query in QUERIES:
            ours, theirs = duck.run(query), sparky.run(query)  # type: ignore[call-overload]
            assert ours.model_dump() == theirs.model_dump(), type(query).__name__
            assert as_json(ours) == as_json(theirs), type(query).__name__  # the types too


@pytest.mark.slow
def test_spark_settings_reach_the_session(spark: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """``JOURNEYSCOPE_SPARK_CONF`` (JSON) overrides journeyscope's Spark defaults."""
    from journeyscope.analytics.spark_session import SPARK_DEFAULTS, spark_session
    from journeyscope.config import Settings

    monkeypatch.setenv("JOURNEYSCOPE_SPARK_CONF", '{"spark.sql.shuffle.partitions": "3"}')
    settings = Settings()
    assert settings.spark_conf == {"spark.sql.shuffle.partitions": "3"}
    try:
        session = spark_session(settings.spark_master, settings.spark_conf)
        assert session.conf.get("spark.sql.shuffle.partitions") == "3"
        assert session.conf.get("spark.sql.session.timeZone") == "UTC"  # a default kept
    finally:
        spark_session("local[2]", SPARK_DEFAULTS)
    assert session.conf.get("spark.sql.shuffle.partitions") == "4"


@pytest.mark.slow
def test_strip_on_spark_trims_whitespace_not_letters(spark: object) -> None:
    """Spark once read Ibis's trim set as containing ``v`` and ``f``: "field visit" lost its
    first letter and the channel was not recognised."""
    import ibis

    values = [" field visit\t", "very", "leaf", "\n  web \r"]
    backend = SparkBackend(session=spark, events=ibis.memtable({"channel": values}))  # type: ignore[arg-type]
    stripped = backend.rows(backend.events().select(c=backend.events().channel.strip()))
    assert [r["c"] for r in stripped] == [v.strip() for v in values]


@pytest.mark.slow
def test_times_between_events_keep_their_fraction_of_a_second_on_spark(spark: object) -> None:
    """Spark once compiled ``epoch_seconds()`` as whole seconds where DuckDB keeps the
    microseconds: the report's median time into a step was 206,189.0 s on Spark and
    206,188.419 s on DuckDB."""
    import ibis

    start = datetime(2024, 1, 1, 9, 0, 0, 900_000)
    gaps = [timedelta(seconds=1.25), timedelta(seconds=2, microseconds=500), timedelta(0)]
    times = pa.table({"a": [start] * 3, "b": [start + g for g in gaps]})

    def figures(backend: Backend) -> list[dict[str, object]]:
        t = backend.events()
        seconds = t.b.epoch_seconds() - t.a.epoch_seconds()
        return backend.rows(
            t.aggregate(
                median=seconds.median(),
                longest=seconds.cast("float64").max(),
                first=t.a.epoch_seconds().cast("float64").min(),
            )
        )

    on_spark = figures(SparkBackend(session=spark, events=ibis.memtable(times)))  # type: ignore[arg-type]
    on_duckdb = figures(IbisBackend(ibis.duckdb.connect().create_table("times", times)))
    assert on_spark == on_duckdb  # the same doubles
    # a difference of two epoch doubles (about 1.7e9) is exact to about a microsecond
    assert on_spark[0]["median"] == pytest.approx(1.25, abs=1e-6)
    assert on_spark[0]["longest"] == pytest.approx(2.0005, abs=1e-6)
    assert on_spark[0]["first"] == pytest.approx(start.replace(tzinfo=UTC).timestamp(), abs=1e-6)


#: A driver of 512 MiB asked for a 3.2 GB array: Java's heap runs out in the driver.
OUT_OF_MEMORY = """
import sys
import ibis
from journeyscope.analytics.backends import SparkBackend
from journeyscope.analytics.spark_session import spark_session
session = spark_session("local[1]", {"spark.driver.memory": "512m"})
try:
    with SparkBackend(session=session, events=ibis.memtable({"a": [1]})):
        jvm = session.sparkContext._jvm
        jvm.java.lang.reflect.Array.newInstance(jvm.java.lang.Long.TYPE, 400_000_000)
except Exception as exc:
    print(f"{type(exc).__name__}: {exc}")
# the process's next use of Spark starts a new driver (a web server needs no restart)
again = spark_session("local[1]", {"spark.driver.memory": "512m"})
assert again is not session
with SparkBackend(session=again, events=ibis.memtable({"a": [1, 2, 3]})) as backend:
    events = backend.events()
    print("afterwards:", backend.rows(events.aggregate(n=events.count(), total=events.a.sum())))
sys.exit(7)
"""


@pytest.mark.spark
def test_a_driver_out_of_memory_is_a_clear_error_not_a_hang() -> None:
    """The driver's JVM exits when its heap runs out (it once lost the thread serving a result
    to Python, which then waited forever), and the backend says so and what to change; the
    process's next use of Spark then starts a new driver. In a child process: the test
    session's own Spark must live on."""
    src = Path(__file__).resolve().parents[2] / "src"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", OUT_OF_MEMORY], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 7, done.stderr[-2000:]
    error, afterwards = done.stdout.strip().splitlines()[-2:]
    assert error.startswith("SparkDriverLostError: Spark's driver stopped"), error
    assert "(out of memory; spark.driver.memory is 512m)" in error
    assert "JOURNEYSCOPE_SPARK_CONF" in error
    assert afterwards == "afterwards: [{'n': 3, 'total': 6}]", done.stderr[-2000:]
