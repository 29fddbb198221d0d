"""The same analyses on DuckDB and on Spark (local mode) give identical results on a real log.

Runs in CI like every slow test: it needs PySpark and Java 17, and fails (never skips) when
they are missing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from analytics_kit import RealLog

from journeyscope.analytics import (
    AnalysisQuery,
    ChannelsQuery,
    DfgQuery,
    DuckDBBackend,
    FunnelQuery,
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


@pytest.mark.slow
def test_spark_settings_reach_the_session(spark: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """``JOURNEYSCOPE_SPARK_CONF`` (JSON) overrides journeyscope's Spark defaults."""
    from journeyscope.analytics.backends import SPARK_DEFAULTS, spark_session
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
    engine = SparkBackend(session=spark, events=ibis.memtable({"channel": values}))  # type: ignore[arg-type]
    stripped = engine.rows(engine.events().select(c=engine.events().channel.strip()))
    assert [r["c"] for r in stripped] == [v.strip() for v in values]
