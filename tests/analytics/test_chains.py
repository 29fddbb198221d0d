"""The chain computation behind funnels (analytics/chains.py), the one Spark runs: which
steps may precede which, the step codes of activities, and each case's level, reached steps
and time to convert computed by the window passes, run on DuckDB and on Spark (the ``backend``
fixture) against hand counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from analytics_kit import backend_for, journeys

from journeyscope.analytics import chains
from journeyscope.analytics.cases import with_cases
from journeyscope.analytics.funnels import Exclusion, FunnelQuery, FunnelStep

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well

ABC = ("A", "B", "C")


def _cases(
    engine: str, build: Any, cases: dict[str, str], **query: Any
) -> dict[str, dict[str, Any]]:
    q = FunnelQuery(steps=query.pop("steps", ABC), **query)
    backend = backend_for(journeys(cases), engine)
    rows = backend.rows(build(with_cases(backend.events()), q))
    return {r["case"]: r for r in rows}


def _levels(engine: str, build: Any, cases: dict[str, str], **query: Any) -> dict[str, int]:
    return {c: int(r["level"]) for c, r in _cases(engine, build, cases, **query).items()}


def test_a_step_may_follow_the_previous_one_and_any_optional_ones_before_it() -> None:
    optional = FunnelStep(activities=("B",), optional=True)
    q = FunnelQuery(steps=("A", optional, FunnelStep(activities=("C",), optional=True), "D"))
    assert [chains.predecessors(q, k) for k in (2, 3, 4)] == [[1], [1, 2], [1, 2, 3]]
    plain = FunnelQuery(steps=ABC)
    assert chains.predecessors(plain, 3) == [2]
    assert chains.entry_steps(plain) == [1]
    assert chains.entry_steps(FunnelQuery(steps=ABC, open=True)) == [1, 2, 3]


def test_step_codes_number_steps_from_one_and_exclusions_below_zero() -> None:
    q = FunnelQuery(
        steps=("A", FunnelStep(activities=("B", "A2")), "A2"),
        exclusions=(Exclusion(activities=("X",)), Exclusion(activities=("Y", "X"), to_step=2)),
    )
    assert chains.step_codes(q) == {"A": [1], "B": [2], "A2": [2, 3], "X": [-1, -2], "Y": [-2]}


def test_long_rows_give_one_row_per_step_an_event_does_and_drop_the_others(backend: str) -> None:
    b = backend_for(journeys({"c1": "A@0 Z@1 B@2", "c2": "B@0"}), backend)
    t = with_cases(b.events())
    single = FunnelQuery(steps=("A", "B"))
    assert sorted((r["case"], r["step"]) for r in b.rows(chains.long_rows(t, single))) == [
        ("c1", 1),
        ("c1", 2),
        ("c2", 2),
    ]
    double = FunnelQuery(steps=("A", FunnelStep(activities=("B", "A")), "B"))
    rows = b.rows(chains.long_rows(t, double))
    assert sorted((r["case"], r["step"]) for r in rows) == [
        ("c1", 1),
        ("c1", 2),
        ("c1", 2),
        ("c1", 3),
        ("c2", 2),
        ("c2", 3),
    ]


def test_sequential_chains_reach_the_furthest_step_in_order(backend: str) -> None:
    cases = {"c1": "A@0 X@1 B@2 C@4", "c2": "A@0 C@1 B@2", "c3": "B@0 C@1"}
    got = _cases(backend, chains.sequential, cases)
    assert {c: r["level"] for c, r in got.items()} == {"c1": 3, "c2": 2}  # c3 never entered
    c1 = got["c1"]
    assert (c1["reached_1"], c1["reached_2"], c1["reached_3"]) == (True, True, True)
    assert (c1["continued_2"], c1["continued_3"], c1["ms_to_convert"]) == (True, True, 240_000)
    assert got["c2"]["ms_to_convert"] is None and got["c2"]["entry_time"].startswith("2024-01-01")


def test_sequential_chains_keep_the_latest_start_inside_the_window(backend: str) -> None:
    cases = {"c1": "A@0 A@8 B@9 C@12", "c2": "A@0 B@1 A@20 B@21 C@22"}
    five = timedelta(minutes=5)
    assert _levels(backend, chains.sequential, cases, window=five) == {"c1": 3, "c2": 3}
    first = _levels(backend, chains.sequential, cases, window=five, entry="first")
    assert first == {"c1": 1, "c2": 2}


def test_an_exclusion_between_two_steps_stops_the_chain_there(backend: str) -> None:
    cases = {"c1": "A@0 X@1 B@2 C@3", "c2": "A@0 B@1 X@2 C@3", "c3": "X@0 A@1 B@2 C@3"}
    got = _levels(backend, chains.sequential, cases, exclusions=(Exclusion(activities=("X",)),))
    assert got == {"c1": 1, "c2": 2, "c3": 3}


def test_strict_chains_need_the_very_next_event(backend: str) -> None:
    cases = {"c1": "A@0 B@1 C@2", "c2": "A@0 X@1 B@2 C@3", "c3": "A@0 B@1 X@2 A@3 B@4 C@5"}
    got = _cases(backend, chains.strict, cases, mode="strict")
    assert {c: r["level"] for c, r in got.items()} == {"c1": 3, "c2": 1, "c3": 3}
    assert got["c3"]["ms_to_convert"] == 120_000  # from the second A
    ties = {"c1": "A@0 B@0 C@1"}
    assert _levels(backend, chains.strict, ties, mode="strict", ties="strict_increase") == {"c1": 1}


def test_any_order_chains_count_distinct_steps_within_the_window(backend: str) -> None:
    cases = {"c1": "C@0 A@1 B@2", "c2": "B@0 B@1", "c3": "A@0 C@30 B@31"}
    got = _cases(backend, chains.any_order, cases, mode="any_order", window=timedelta(minutes=5))
    assert {c: r["level"] for c, r in got.items()} == {"c1": 3, "c2": 1, "c3": 2}
    assert [got["c1"][f"reached_{k}"] for k in (1, 2, 3)] == [True, True, True]
    assert [got["c3"][f"reached_{k}"] for k in (1, 2, 3)] == [True, True, False]
    assert got["c1"]["ms_to_convert"] == 120_000 and got["c3"]["ms_to_convert"] is None


def test_open_funnels_may_be_entered_at_any_step(backend: str) -> None:
    cases = {"c1": "A@0 B@1 C@2", "c2": "B@0 C@1", "c3": "C@0"}
    got = _cases(backend, chains.sequential, cases, open=True)
    assert {c: r["level"] for c, r in got.items()} == {"c1": 3, "c2": 3, "c3": 3}
    assert [got["c2"][f"reached_{k}"] for k in (1, 2, 3)] == [False, True, True]
    assert (got["c2"]["continued_2"], got["c2"]["continued_3"]) == (False, True)
    # the time to convert is measured on chains that began at step 1 only
    assert got["c1"]["ms_to_convert"] == 120_000 and got["c2"]["ms_to_convert"] is None
