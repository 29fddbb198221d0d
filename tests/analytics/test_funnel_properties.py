"""Funnels on random journeys agree with a brute-force reference that tries every chain.

Small logs with many equal timestamps, repeated steps, optional steps, exclusions, windows,
both entry rules and both tie rules, in every mode.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from analytics_kit import BASE, backend_for, journeys
from funnel_reference import reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from event_logs import logs
from journeyscope.analytics import FunnelQuery, funnel_cases
from journeyscope.analytics.funnels import Exclusion, FunnelStep
from lanes import examples

ACTIVITIES = ("A", "B", "C", "D", "X")
token = st.tuples(st.sampled_from(ACTIVITIES), st.integers(0, 6))
cases = logs(token, [f"c{i}" for i in range(12)])


@st.composite
def queries(draw: st.DrawFn) -> FunnelQuery:
    mode = draw(st.sampled_from(["sequential", "strict", "any_order"]))
    n = draw(st.integers(2, 4))
    names = ACTIVITIES[:n]
    ordered = mode != "any_order"
    optional = [ordered and 0 < k < n - 1 and draw(st.booleans()) for k in range(n)]
    steps = tuple(
        FunnelStep(activities=(a,), optional=o) for a, o in zip(names, optional, strict=True)
    )
    exclusions: tuple[Exclusion, ...] = ()
    if mode == "sequential" and draw(st.booleans()):
        lo = draw(st.integers(1, n - 1))
        exclusions = (
            Exclusion(activities=("X",), from_step=lo, to_step=draw(st.integers(lo + 1, n))),
        )
    return FunnelQuery(
        steps=steps,
        mode=mode,
        window=draw(st.sampled_from([None, timedelta(minutes=1), timedelta(minutes=3)])),
        entry=draw(st.sampled_from(["furthest", "first"])),
        ties=draw(st.sampled_from(["advance", "strict_increase"])) if ordered else "advance",
        open=ordered and draw(st.booleans()),
        exclusions=exclusions,
    )


@pytest.mark.slow
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases, queries())
def test_funnel_matches_brute_force_reference(
    logs: dict[str, list[Any]], query: FunnelQuery
) -> None:
    check_against_the_reference("duckdb", logs, query)


@pytest.mark.spark
@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases, queries())
def test_spark_funnel_matches_brute_force_reference(
    spark: object, logs: dict[str, list[Any]], query: FunnelQuery
) -> None:
    """The same property on Spark, whose funnel is another plan (chains of joins, not
    DuckDB's kernel), on fewer examples: each is a Spark job (about a second)."""
    check_against_the_reference("spark", logs, query)


def check_against_the_reference(
    engine: str, logs: dict[str, list[Any]], query: FunnelQuery
) -> None:
    declared = {c: " ".join(f"{a}@{t}" for a, t in evs) for c, evs in logs.items()}
    backend = backend_for(journeys(declared), engine)
    n = len(query.steps)
    rows = backend.rows(funnel_cases(backend.events(), query))
    ours = {
        r["case"]: (
            r["level"],
            frozenset(k for k in range(1, n + 1) if r[f"reached_{k}"]),
            frozenset(k for k in range(2, n + 1) if r[f"continued_{k}"]),
            r["ms_to_convert"],
        )
        for r in rows
    }
    expected = {}
    for c, evs in logs.items():
        out = reference([(BASE + timedelta(minutes=t), a) for a, t in evs], query)
        if out is not None:
            expected[c] = (out.level, out.reached, out.continued, out.ms_to_convert)
    assert ours == expected
