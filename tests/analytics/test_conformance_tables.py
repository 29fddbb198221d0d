"""Conformance tables (analytics/conformance_tables.py) derived from moves written by hand:
per-case facts, deviations (time limits included), per-case fitness, the summary, the steps'
arrivals and departures, and the moves counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import ibis
import pytest
from analytics_kit import executed

from journeyscope.analytics.conformance_replay import DEVIATIONS
from journeyscope.analytics.conformance_tables import (
    case_facts,
    cases,
    deviations,
    steps,
    summary,
    transitions,
)
from journeyscope.definitions.models import Journey

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)

JOURNEY = Journey.model_validate(
    {
        "id": "tiny",
        "name": "Tiny",
        "job_to_be_done": "get it done",
        "outcome": {"description": "done", "step": "c", "within": "1d"},
        "stages": [
            {
                "id": "one",
                "name": "One",
                "steps": [
                    {"id": "a", "name": "Apply", "activities": ["A"]},
                    {"id": "b", "name": "Buy", "activities": ["B"]},
                ],
            },
            {
                "id": "two",
                "name": "Two",
                "steps": [{"id": "c", "name": "Close", "activities": ["C"]}],
            },
        ],
    }
)

MOVE_SCHEMA = {
    "case": "string",
    "seq": "int64",
    "timestamp": "timestamp('UTC')",
    "kind": "string",
    "from_step": "string",
    "to_step": "string",
    "activity": "string",
    "allowed": "boolean",
    "deviation": "string",
    "skipped": "string",
    "late": "boolean",
    "elapsed_seconds": "float64",
    "first_visit": "boolean",
}


def move(case: str, seq: int, kind: str, source: str | None, target: str | None, **kw: Any) -> dict:
    row = {
        "case": case,
        "seq": seq,
        "timestamp": T0 + seq * HOUR,
        "kind": kind,
        "from_step": source,
        "to_step": target,
        "activity": target.upper() if target else None,
        "allowed": True,
        "deviation": None,
        "skipped": None,
        "late": False,
        "elapsed_seconds": None,
        "first_visit": target is not None,
    }
    return row | kw


#: case 1 follows the design (into c late); case 2 enters at b, wanders off and leaves there
MOVES = [
    move("1", 1, "entry", None, "a"),
    move("1", 2, "move", "a", "b", elapsed_seconds=3600.0),
    move("1", 3, "move", "b", "c", late=True, elapsed_seconds=9000.0),
    move("1", 4, "exit", "c", None),
    move("2", 1, "entry", None, "b", allowed=False, deviation="entered_midway", skipped="a"),
    move("2", 2, "unexpected", "b", None, activity="Oops", allowed=False),
    move("2", 3, "exit", "b", None, allowed=False, deviation="left_before_outcome"),
]
MOVES[5]["deviation"] = "unexpected_activity"


def _moves(rows: list[dict] = MOVES) -> ibis.Table:
    return ibis.memtable(rows, schema=MOVE_SCHEMA)


def _info() -> ibis.Table:
    rows = [
        {
            "case": "1",
            "first_ts": T0,
            "last_ts": T0 + 50 * HOUR,
            "outcome_ts": T0 + 48 * HOUR,  # two days after the first event: the limit is one
            "reached": True,
            "entered_at": "a",
            "left_at": "c",
        },
        {
            "case": "2",
            "first_ts": T0,
            "last_ts": T0 + 3 * HOUR,
            "outcome_ts": None,
            "reached": False,
            "entered_at": "b",
            "left_at": "b",
        },
    ]
    schema = {
        "case": "string",
        "first_ts": "timestamp('UTC')",
        "last_ts": "timestamp('UTC')",
        "outcome_ts": "timestamp('UTC')",
        "reached": "boolean",
        "entered_at": "string",
        "left_at": "string",
    }
    return ibis.memtable(rows, schema=schema)


def test_case_facts_join_the_entry_and_exit_to_the_events_of_cases_in_scope(backend: str) -> None:
    events = ibis.memtable(
        {
            "case_id": ["1", "1", "1", "2", "9"],
            "activity": ["A", "C", "C", "B", "A"],
            "timestamp": [T0, T0 + 2 * HOUR, T0 + 5 * HOUR, T0 + HOUR, T0],
        },
        schema={"case_id": "string", "activity": "string", "timestamp": "timestamp('UTC')"},
    )
    got = {r["case"]: r for r in executed(case_facts(events, JOURNEY, None, _moves()), backend)}
    assert set(got) == {"1", "2"}  # case 9 has no moves: out of scope
    one, two = got["1"], got["2"]
    assert (one["entered_at"], one["left_at"], one["reached"]) == ("a", "c", True)
    assert one["outcome_ts"] == T0 + 2 * HOUR and one["last_ts"] == T0 + 5 * HOUR
    assert (two["entered_at"], two["left_at"], two["reached"], two["outcome_ts"]) == (
        "b",
        "b",
        False,
        None,
    )


def test_deviations_are_the_flagged_moves_the_late_ones_and_a_late_outcome(backend: str) -> None:
    rows = executed(
        deviations(_moves(), JOURNEY, _info()).order_by(["case", "type", "elapsed_seconds"]),
        backend,
    )
    got = [(r["case"], r["type"], r["to_step"], r["elapsed_seconds"]) for r in rows]
    assert got == [
        ("1", "time_limit_broken", "c", 9000.0),  # the move into c
        ("1", "time_limit_broken", "c", 172800.0),  # the outcome, two days after the start
        ("2", "entered_midway", "b", None),
        ("2", "left_before_outcome", None, None),
        ("2", "unexpected_activity", None, None),
    ]
    outcome = next(r for r in rows if r["elapsed_seconds"] == 172800.0)
    assert outcome["seq"] is None and outcome["timestamp"] == T0 + 48 * HOUR


def test_each_case_has_its_fitness_and_one_count_per_deviation_type(backend: str) -> None:
    info = _info()
    got = {
        r["case"]: r
        for r in executed(cases(_moves(), deviations(_moves(), JOURNEY, info), info), backend)
    }
    one, two = got["1"], got["2"]
    assert (one["moves"], one["allowed_moves"], one["fitness"]) == (4, 4, 1.0)
    assert (two["moves"], two["allowed_moves"], two["fitness"]) == (3, 0, 0.0)
    assert {k: one[k] for k in DEVIATIONS} == dict.fromkeys(DEVIATIONS, 0) | {
        "time_limit_broken": 2
    }
    assert {k: two[k] for k in DEVIATIONS if two[k]} == {
        "entered_midway": 1,
        "unexpected_activity": 1,
        "left_before_outcome": 1,
    }
    assert (one["reached_outcome"], one["first_event"], two["last_event"]) == (
        True,
        T0,
        T0 + 3 * HOUR,
    )


def test_the_summary_spreads_fitness_over_the_cases(backend: str) -> None:
    fitness = [1.0, 0.0, 0.5, 1.0]
    table = ibis.memtable({"fitness": fitness, "reached_outcome": [True, False, True, True]})
    [s] = executed(summary(table), backend)
    assert (s["cases"], s["reached_outcome"], s["perfect"]) == (4, 3, 2)
    assert (s["mean"], s["min"]) == (0.625, 0.0)
    # interpolated between the two nearest of 0, 0.5, 1, 1
    assert [s[k] for k in ("p10", "p25", "p50", "p75", "p90")] == pytest.approx(
        [0.15, 0.375, 0.75, 1.0, 1.0]
    )


def test_each_observable_step_counts_its_arrivals_and_departures_in_design_order(
    backend: str,
) -> None:
    got = executed(steps(_moves(), JOURNEY), backend)
    assert [(r["step"], r["name"], r["stage"]) for r in got] == [
        ("a", "Apply", "one"),
        ("b", "Buy", "one"),
        ("c", "Close", "two"),
    ]
    arrivals = ("visits", "cases", "entries", "entered_midway", "arrived_off_path", "late")
    departures = ("moves_out", "off_path", "cases_off_path", "left_here", "ended_here")
    assert [tuple(r[k] for k in arrivals) for r in got] == [
        (1, 1, 1, 0, 0, 0),
        (2, 2, 1, 1, 1, 0),
        (1, 1, 0, 0, 0, 1),
    ]
    assert [tuple(r[k] for k in departures) for r in got] == [
        (1, 0, 0, 0, 0),
        (3, 2, 1, 1, 1),
        (1, 0, 0, 0, 1),
    ]


def test_moves_are_counted_by_kind_and_target_most_frequent_first(backend: str) -> None:
    rows = [*MOVES, *(m | {"case": "3"} for m in MOVES[4:])]  # case 3 does what case 2 did
    got = executed(transitions(_moves(rows)), backend)
    counted = [(r["kind"], r["from_step"], r["target"], r["count"], r["cases"]) for r in got]
    assert counted[:3] == [
        ("exit", "b", "(end)", 2, 2),
        ("unexpected", "b", "Oops", 2, 2),
        ("entry", None, "b", 2, 2),
    ]
    assert sorted(counted[3:], key=str) == sorted(
        [
            ("entry", None, "a", 1, 1),
            ("move", "a", "b", 1, 1),
            ("move", "b", "c", 1, 1),
            ("exit", "c", "(end)", 1, 1),
        ],
        key=str,
    )
