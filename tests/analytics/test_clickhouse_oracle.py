"""Real logs against an independent computation: ClickHouse (chdb), used in tests only.

Event, case and variant counts, the full directly-follows graph (frequencies, start and end
counts, durations) and funnel levels per case must be equal. The oracle orders equal
timestamps the same way the product does: by source, then row in the source.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from analytics_kit import ALL_LOGS, QUICK_LOGS, RealLog

from journeyscope.analytics import (
    Backend,
    DfgQuery,
    DuckDBBackend,
    FunnelQuery,
    SparkBackend,
    VariantsQuery,
    case_variants,
    funnel_cases,
)

pytestmark = pytest.mark.slow  # real logs against an independent engine

#: Each case's events as (µs, source, row, event id, activity, ms) tuples, in product order.
CASES = """
  SELECT case_id,
         arraySort(e -> (e.1, e.2, e.3, e.4),
                   groupArray((toUnixTimestamp64Micro(timestamp), source, source_row, event_id,
                               activity, toUnixTimestamp64Milli(timestamp)))) AS ev
  FROM {events} WHERE case_id IS NOT NULL GROUP BY case_id
"""


@pytest.fixture(params=ALL_LOGS)
def log(request: pytest.FixtureRequest, real_log: Callable[[str], RealLog]) -> RealLog:
    return real_log(request.param)


#: Each quick log on Spark too; the two large ones on DuckDB only, for the suite's time (each
#: is checked against ClickHouse here, and the work-items and activity-key tests read them on
#: DuckDB)
ON_SPARK = [pytest.param(name, marks=pytest.mark.spark) for name in QUICK_LOGS]


@pytest.mark.parametrize("name", ON_SPARK)
def test_spark_equals_clickhouse(
    name: str, real_log: Callable[[str], RealLog], spark: object
) -> None:
    """The same oracle for Spark, whose every analysis is another plan."""
    log = real_log(name)
    with SparkBackend(log.store, session=spark) as backend:  # type: ignore[arg-type]
        check_counts_and_variants(log, backend)
        check_full_dfg(log, backend)


def test_counts_and_variants_equal_clickhouse(log: RealLog) -> None:
    with DuckDBBackend(log.store) as backend:
        check_counts_and_variants(log, backend)


def test_full_dfg_equals_clickhouse(log: RealLog) -> None:
    with DuckDBBackend(log.store) as backend:
        check_full_dfg(log, backend)


def check_counts_and_variants(log: RealLog, backend: Backend) -> None:
    dfg = backend.run(DfgQuery())
    ours = Counter(
        r["variant"] for r in backend.rows(case_variants(backend.events()).select("variant"))
    )
    top = backend.run(VariantsQuery(top=5))
    (totals,) = log.ch(
        "SELECT count() AS events, uniqExact(case_id) AS cases FROM {events} "
        "WHERE case_id IS NOT NULL"
    )
    assert (dfg.events, dfg.cases) == (int(totals["events"]), int(totals["cases"]))
    theirs = log.ch(
        f"SELECT arrayStringConcat(arrayMap(e -> e.5, ev), '\\x1f') AS variant, count() AS n "
        f"FROM ({CASES}) GROUP BY variant"
    )
    assert ours == Counter({r["variant"]: int(r["n"]) for r in theirs})
    assert top.variants == len(theirs) and top.cases == dfg.cases
    assert top.top[0].cases == max(int(r["n"]) for r in theirs)


def check_full_dfg(log: RealLog, backend: Backend) -> None:
    dfg = backend.run(DfgQuery())
    rows = log.ch(
        f"""SELECT a.5 AS source, b.5 AS target, count() AS count, uniqExact(case_id) AS cases,
                  quantileExactInclusive(0.5)(b.6 - a.6) AS median_ms,
                  sum(b.6 - a.6) AS total_ms,
                  quantileExactInclusive(0.9)(b.6 - a.6) AS p90_ms
           FROM ({CASES}) ARRAY JOIN arrayPopBack(ev) AS a, arrayPopFront(ev) AS b
           GROUP BY source, target"""
    )
    theirs = {
        (r["source"], r["target"]): (
            int(r["count"]),
            int(r["cases"]),
            round(float(r["median_ms"]) / 1000, 4),
            round(int(r["total_ms"]) / int(r["count"]) / 1000, 4),
            round(float(r["p90_ms"]) / 1000, 4),
        )
        for r in rows
    }
    ours = {
        (e.source, e.target): (e.count, e.cases, e.median_seconds, e.mean_seconds, e.p90_seconds)
        for e in dfg.edges
    }
    assert ours == theirs
    ends = log.ch(f"SELECT ev[1].5 AS first, ev[-1].5 AS last FROM ({CASES})")
    assert dfg.start == dict(Counter(r["first"] for r in ends))
    assert dfg.end == dict(Counter(r["last"] for r in ends))


def _steps(log: RealLog, n: int = 5) -> list[str]:
    """The first distinct activities of the most common variant: a funnel the data follows."""
    with DuckDBBackend(log.store) as backend:
        top = backend.run(VariantsQuery(top=1)).top[0].activities
    return list(dict.fromkeys(top))[:n]


def _ours(log: RealLog, query: FunnelQuery) -> dict[str, int]:
    with DuckDBBackend(log.store) as backend:
        rows = backend.rows(funnel_cases(backend.events(), query).select("case", "level"))
    return {r["case"]: int(r["level"]) for r in rows}


def _clickhouse(log: RealLog, steps: list[str], query: FunnelQuery) -> dict[str, int]:
    """windowFunnel levels. Strictly increasing timestamps are checked by spreading each
    microsecond into 16 ticks, earlier steps later within a tick, so that ties cannot advance
    (ClickHouse's own 'strict_increase' only compares with the latest previous-step event)."""
    window = int((query.window or timedelta(days=36500)) / timedelta(microseconds=1))
    quoted = [s.replace("'", "\\'") for s in steps]
    step = (
        "multiIf(" + ", ".join(f"activity = '{a}', {k}" for k, a in enumerate(quoted, 1)) + ", 0)"
    )
    if query.ties == "strict_increase":
        ts, window = f"ts * 16 + 15 - {step}", window * 16
    else:
        ts = "ts"
    first = f"activity = '{quoted[0]}'"
    if query.entry == "first":
        first += " AND ts = first_ts"
    conds = ", ".join([first, *(f"activity = '{a}'" for a in quoted[1:])])
    rows = log.ch(
        f"""SELECT case_id, windowFunnel({window})(toUInt64({ts}), {conds}) AS level
            FROM (SELECT case_id, activity, toUInt64(toUnixTimestamp64Micro(timestamp)) AS ts,
                         min(if(activity = '{quoted[0]}', ts, NULL))
                           OVER (PARTITION BY case_id) AS first_ts
                  FROM {{events}} WHERE case_id IS NOT NULL)
            GROUP BY case_id HAVING level > 0"""
    )
    return {r["case_id"]: int(r["level"]) for r in rows}


@pytest.mark.parametrize("ties", ["advance", "strict_increase"])
@pytest.mark.parametrize("entry", ["furthest", "first"])
@pytest.mark.parametrize("window", [None, timedelta(hours=1), timedelta(days=7)])
def test_funnel_levels_equal_window_funnel(
    log: RealLog, ties: Any, entry: Any, window: timedelta | None
) -> None:
    steps = _steps(log)
    query = FunnelQuery(steps=tuple(steps), window=window, entry=entry, ties=ties)
    ours = _ours(log, query)
    assert ours == _clickhouse(log, steps, query)
    assert ours, "the funnel should have cases"
