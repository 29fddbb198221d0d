"""The process map (analytics/process.py): the directly-follows graph with its frequencies,
durations, starts and ends, pinned by journeys declared as data; and the per-event rows and
duration statistics it is built from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from journeyscope.analytics import Backend, CaseRule, DfgQuery
from journeyscope.analytics.process import activity_counts, dfg, duration_stats, follows

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well

Declared = Callable[..., Backend]


def test_dfg_frequencies_durations_start_and_end(declared: Declared) -> None:
    backend = declared({"c1": "A@0 B@1 A@3 B@7", "c2": "A@0 B@2", "c3": "B@0"})
    m = backend.run(DfgQuery())
    got = {
        (e.source, e.target): (e.count, e.cases, e.median_seconds, e.mean_seconds) for e in m.edges
    }
    assert got == {("A", "B"): (3, 2, 120.0, 140.0), ("B", "A"): (1, 1, 120.0, 120.0)}
    assert m.start == {"A": 2, "B": 1} and m.end == {"B": 3}
    assert (m.events, m.cases) == (7, 3)
    assert m.case_rule == CaseRule.given().describe()


def test_equal_timestamps_keep_input_order(declared: Declared) -> None:
    m = declared({"c1": "B@0 A@0 C@0"}).run(DfgQuery())
    assert {(e.source, e.target) for e in m.edges} == {("B", "A"), ("A", "C")}


def test_each_event_knows_the_next_activity_and_the_time_to_it(declared: Declared) -> None:
    backend = declared({"c1": "A@0 B@2 C@7", "c2": "B@0"})
    rows = backend.rows(follows(backend.events()).order_by("case", "timestamp"))
    got = [
        (r["case"], r["activity"], r["next_activity"], r["ms_to_next"], r["first"]) for r in rows
    ]
    assert got == [
        ("c1", "A", "B", 120_000, True),
        ("c1", "B", "C", 300_000, False),
        ("c1", "C", None, None, False),
        ("c2", "B", None, None, True),
    ]


def test_the_graph_counts_ends_on_rows_without_a_target_and_starts_per_source(
    declared: Declared,
) -> None:
    backend = declared({"c1": "A@0 B@1 A@2", "c2": "A@0"})
    rows = backend.rows(dfg(backend.events()))
    got = {(r["source"], r["target"]): (r["count"], r["cases"], r["starts"]) for r in rows}
    # A -> B, B -> A; A ended both cases; both began with A (counted on A's rows)
    assert got == {
        ("A", "B"): (1, 1, 1),
        ("B", "A"): (1, 1, 0),
        ("A", None): (2, 2, 1),
    }
    assert sum(r["starts"] for r in rows if r["source"] == "A") == 2


def test_activity_counts_are_events_and_the_cases_they_occur_in(declared: Declared) -> None:
    backend = declared({"c1": "A@0 A@1 B@2", "c2": "A@0"})
    rows = backend.rows(activity_counts(backend.events()))
    assert {r["activity"]: (r["events"], r["cases"]) for r in rows} == {"A": (3, 2), "B": (1, 1)}


def test_duration_statistics_come_from_exact_sums_rounded_to_a_tenth_of_a_millisecond() -> None:
    row = {"timed": 3, "total_ms": 1000, "median_ms": 250.0, "p90_ms": 612.34567}
    assert duration_stats(row) == {
        "median_seconds": 0.25,
        "mean_seconds": pytest.approx(0.3333),
        "p90_seconds": 0.6123,
    }
    nothing = {"timed": None, "total_ms": None, "median_ms": None, "p90_ms": None}
    assert duration_stats(nothing) == {
        "median_seconds": None,
        "mean_seconds": None,
        "p90_seconds": None,
    }


def test_the_map_lists_activities_by_events_and_states_its_semantics(declared: Declared) -> None:
    m = declared({"c1": "B@0 A@1 B@2", "c2": "A@0"}).run(DfgQuery())
    assert [(a.activity, a.events, a.cases) for a in m.activities] == [("A", 2, 2), ("B", 2, 1)]
    assert "directly-follows" in m.semantics
    assert [(e.source, e.target, e.p90_seconds) for e in m.edges] == [
        ("A", "B", 60.0),
        ("B", "A", 60.0),
    ]


def test_a_large_log_counted_by_sorting_gives_the_same_graph(declared: Declared) -> None:
    """For more events than DuckDB holds the durations and cases of, the cases and
    percentiles are counted by sorting (tests/analytics/test_holistic.py): the same rows."""
    backend = declared(
        {"c1": "A@0 B@1 A@3 B@7 C@8", "c2": "A@0 B@2 C@2", "c3": "B@0 C@30", "c4": "A@5 B@5"}
    )

    def graph(large: bool) -> dict[tuple[str, str | None], dict[str, Any]]:
        rows = backend.rows(dfg(backend.events(), large=large))
        return {(r["source"], r["target"]): r for r in rows}

    def activities(large: bool) -> list[dict[str, Any]]:
        rows = backend.rows(activity_counts(backend.events(), large=large))
        return sorted(rows, key=lambda r: str(r["activity"]))

    held = graph(False)
    assert graph(True) == held and activities(True) == activities(False)
    # A -> B took 0, 1, 2 and 4 minutes, twice in c1
    assert (held["A", "B"]["count"], held["A", "B"]["cases"]) == (4, 3)
    assert (held["A", "B"]["median_ms"], held["A", "B"]["p90_ms"]) == (90_000.0, 204_000.0)
    assert activities(True)[0] == {"activity": "A", "events": 4, "cases": 3}
