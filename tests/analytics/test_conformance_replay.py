"""Conformance replay (analytics/conformance_replay.py): every move of every case in scope,
judged by the design, as one row each; the design's step table; and whole seconds as the
time limits count them, on DuckDB (the ``backend`` fixture; hand-checked cases are replayed
on Spark together in test_conformance.py). The deviations built on the moves:
test_conformance.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import ibis
from analytics_kit import HOURLY_T0, HourlyCase, hourly_backend

from journeyscope.analytics.conformance_replay import DEVIATIONS, replay, seconds, step_table
from journeyscope.definitions.models import Journey

T0 = HOURLY_T0


def design(steps: Sequence[str | dict[str, Any]], **extra: Any) -> Journey:
    """One stage; a step ``"b"`` claims the activity ``"B"``; the last regular step is the
    outcome."""
    specs = [{"id": s} if isinstance(s, str) else s for s in steps]
    for spec in specs:
        spec.setdefault("name", spec["id"].upper())
        spec.setdefault("activities", [spec["id"].upper()])
    return Journey.model_validate(
        {
            "id": "tiny",
            "name": "Tiny",
            "job_to_be_done": "get it done",
            "outcome": {
                "description": "done",
                "step": [s for s in specs if not s.get("anytime")][-1]["id"],
            },
            "stages": [{"id": "all", "name": "All", "steps": specs}],
            **extra,
        }
    )


def replayed(journey: Journey, cases: dict[str, HourlyCase], engine: str) -> list[dict[str, Any]]:
    """The replay's rows on ``engine``, ordered by case and position."""
    b = hourly_backend(cases, engine)
    return b.rows(replay(b.events(), journey).order_by(["case", "seq"]))


def moves(journey: Journey, cases: dict[str, HourlyCase], engine: str) -> list[tuple]:
    t = replayed(journey, cases, engine)
    return [
        (r["case"], r["seq"], r["kind"], r["from_step"], r["to_step"], r["allowed"], r["deviation"])
        for r in t
    ]


LINE = design(["a", "b", "c", {"id": "h", "anytime": True}])


def test_a_case_on_the_designed_path_is_an_entry_step_changes_and_an_exit(backend: str) -> None:
    assert moves(LINE, {"1": ["A", "B", "C"]}, backend) == [
        ("1", 1, "entry", None, "a", True, None),
        ("1", 2, "move", "a", "b", True, None),
        ("1", 3, "move", "b", "c", True, None),
        ("1", 4, "exit", "c", None, True, None),  # the outcome was reached
    ]


def test_anytime_steps_are_no_moves_and_unclaimed_activities_are_one_move_per_visit(
    backend: str,
) -> None:
    got = moves(LINE, {"1": ["A", "H", "Oops", "Oops", "A", "B"]}, backend)
    assert got == [
        ("1", 1, "entry", None, "a", True, None),
        ("1", 3, "unexpected", "a", None, False, "unexpected_activity"),
        ("1", 6, "move", "a", "b", True, None),  # a after the detour is the same visit
        ("1", 7, "exit", "b", None, False, "left_before_outcome"),
    ]


def test_cases_without_a_regular_step_are_out_of_scope(backend: str) -> None:
    got = moves(LINE, {"other": ["H", "Oops"], "1": ["A", "B", "C"]}, backend)
    assert [(m[0], m[2]) for m in got] == [
        ("1", "entry"),
        ("1", "move"),
        ("1", "move"),
        ("1", "exit"),
    ]


def test_a_move_the_design_does_not_allow_is_judged_and_names_what_it_skipped(
    backend: str,
) -> None:
    rows = replayed(LINE, {"1": ["B", "C"], "2": ["A", "C", "B", "C"]}, backend)
    got = [(r["case"], r["kind"], r["to_step"], r["deviation"], r["skipped"]) for r in rows]
    assert got == [
        ("1", "entry", "b", "entered_midway", "a"),
        ("1", "move", "c", None, None),
        ("1", "exit", None, None, None),
        ("2", "entry", "a", None, None),
        ("2", "move", "c", "skipped_step", "b"),
        ("2", "move", "b", "out_of_order", None),  # b done for the first time, late
        ("2", "move", "c", None, None),
        ("2", "exit", None, None, None),
    ]
    first = [(r["to_step"], r["first_visit"]) for r in rows if r["case"] == "2" and r["to_step"]]
    assert first == [("a", True), ("c", True), ("b", True), ("c", False)]


def test_going_back_to_a_visited_step_is_backtracking(backend: str) -> None:
    got = moves(LINE, {"1": ["A", "B", "A", "B", "C"]}, backend)
    assert got[2] == ("1", 3, "move", "b", "a", False, "backtracking")


def test_a_step_change_later_than_the_steps_time_limit_is_late(backend: str) -> None:
    j = design(["a", {"id": "b", "time_limit": "2h"}, "c"])
    t = replayed(j, {"1": [("A", 0), ("A", 1), ("B", 3.5), ("C", 10)]}, backend)
    rows = {r["to_step"]: r for r in t if r["kind"] == "move"}
    # measured from a's last event: 2.5 hours
    assert (rows["b"]["late"], rows["b"]["elapsed_seconds"]) == (True, 9000.0)
    assert (rows["c"]["late"], rows["c"]["elapsed_seconds"]) == (False, 23400.0)


def test_the_step_table_holds_the_observable_regular_steps_with_their_limits() -> None:
    j = design(
        [
            "a",
            {"id": "h", "anytime": True},
            {"id": "u", "activities": []},
            {"id": "b", "time_limit": "90 minutes"},
        ]
    )
    rows = step_table(j).order_by("rank").to_pyarrow().to_pylist()
    assert [(r["step"], r["name"], r["stage"], r["limit_seconds"]) for r in rows] == [
        ("a", "A", "all", None),
        ("b", "B", "all", 5400.0),
    ]
    assert rows[0]["rank"] < rows[1]["rank"]


def test_seconds_are_whole_and_floored() -> None:
    t = ibis.memtable(
        {"ts": [datetime(1970, 1, 1, 0, 0, 1, 999_999, tzinfo=UTC), T0]},
        schema={"ts": "timestamp('UTC')"},
    )
    got = t.select(s=seconds(t.ts)).to_pyarrow()["s"].to_pylist()
    assert got == [1.0, T0.timestamp()]


def test_every_deviation_type_has_a_definition() -> None:
    assert set(DEVIATIONS) == {
        "skipped_step",
        "unexpected_activity",
        "backtracking",
        "entered_midway",
        "left_before_outcome",
        "out_of_order",
        "time_limit_broken",
    }
    assert all(text.strip() for text in DEVIATIONS.values())
