"""The designed steps as analyses (analytics/steps.py): the design's main path as funnel
steps, the shortest route through the design, and the median time into each designed step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from analytics_kit import backend_for, journeys

from journeyscope.analytics.steps import design_funnel, main_route, step_times
from journeyscope.definitions.models import Journey

pytestmark = pytest.mark.both_engines  # every test here runs on Spark as well


def design(
    steps: Sequence[str | dict[str, Any]],
    transitions: Sequence[tuple[str, str]] = (),
    outcome: str | None = None,
) -> Journey:
    """A one-stage journey; a step ``"b"`` claims the activity ``"B"`` and is named ``"Bee"``."""
    specs = [{"id": s} if isinstance(s, str) else s for s in steps]
    for spec in specs:
        spec.setdefault("name", spec["id"].upper() + "ee")
        spec.setdefault("activities", [spec["id"].upper()])
    goal = {"description": "done", "step": outcome} if outcome else {"description": "done"}
    return Journey.model_validate(
        {
            "id": "tiny",
            "name": "Tiny",
            "job_to_be_done": "get it done",
            "outcome": goal,
            "stages": [{"id": "all", "name": "All", "steps": specs}],
            "transitions": [{"from": a, "to": b} for a, b in transitions],
        }
    )


def test_the_shortest_route_from_an_entry_keeps_both_ends() -> None:
    graph = {"a": ["b", "x"], "b": ["c"], "x": ["y"], "y": ["c"], "c": []}
    assert main_route(graph, ["a"], "c") == ["a", "b", "c"]
    assert main_route(graph, ["a", "y"], "c") == ["y", "c"]  # from the nearer entry
    assert main_route(graph, ["a", "x"], "c") == ["a", "b", "c"]  # a tie: the first entry
    assert main_route(graph, ["y"], "c") == ["y", "c"]
    assert main_route(graph, ["c"], "c") == ["c"]


def test_no_goal_an_unreachable_goal_or_an_unknown_entry_is_no_route() -> None:
    graph = {"a": ["b"], "b": [], "c": []}
    assert main_route(graph, ["a"], None) == []
    assert main_route(graph, ["a"], "c") == []
    assert main_route(graph, ["zzz"], "b") == []


def test_the_funnel_follows_the_shortest_designed_route_to_the_outcome() -> None:
    j = design(
        ["a", "b", {"id": "c", "activities": ["C1", "C2"]}, "e"],
        [("a", "b"), ("b", "c"), ("a", "c"), ("c", "e")],
        outcome="e",
    )
    got = [(s.activities, s.label, s.optional) for s in design_funnel(j)]
    assert got == [(("A",), "Aee", False), (("C1", "C2"), "Cee", False), (("E",), "Eee", False)]


def test_optional_and_unobservable_steps_leave_the_funnel() -> None:
    j = design(
        ["a", {"id": "b", "optional": True}, {"id": "u", "activities": []}, "c"],
        outcome="c",
    )
    assert [s.activities for s in design_funnel(j)] == [("A",), ("C",)]


def test_without_an_outcome_step_the_mandatory_steps_in_listed_order() -> None:
    j = design(
        [
            "a",
            {"id": "h", "anytime": True},
            {"id": "b", "optional": True},
            "c",
            "d",
        ],
        [("a", "d"), ("d", "c")],
    )
    assert [s.label for s in design_funnel(j)] == ["Aee", "Cee", "Dee"]


def test_time_into_a_step_runs_from_the_last_event_of_the_previous_one(backend: str) -> None:
    j = design(["a", "b", "c", {"id": "d", "anytime": True}], outcome="c")
    b = backend_for(
        journeys(
            {
                "c1": "A@0 A@1 D@2 B@5 B@6 C@10",  # into b after 4 min, into c after 4 min
                "c2": "A@0 C@2 X@3",  # into c after 2 min; X is no step
                "c3": "B@0",  # no move at all
            }
        ),
        backend,
    )
    for large in (False, True):  # the medians by sorting too (analytics/holistic.py)
        rows = b.rows(step_times(b.events(), j, large=large))
        got = {r["step"]: (r["median_seconds"], r["moves"]) for r in rows}
        assert got == {"b": (240.0, 1), "c": (pytest.approx(180.0), 2)}


def test_going_back_is_a_move_into_the_earlier_step(backend: str) -> None:
    j = design(["a", "b"], outcome="b")
    b = backend_for(journeys({"c1": "A@0 B@3 A@4 B@10"}), backend)
    rows = b.rows(step_times(b.events(), j))
    got = {r["step"]: (r["median_seconds"], r["moves"]) for r in rows}
    assert got == {"a": (60.0, 1), "b": (270.0, 2)}  # b: 3 and 6 minutes
