"""The executed conformance report (analytics/conformance_report.py): the collected summary,
deviation counts, steps and moves turned into one report, on rows written by hand."""

from __future__ import annotations

import math
from typing import Any

import pytest

from journeyscope.analytics.cases import CaseRule
from journeyscope.analytics.conformance_replay import DEVIATIONS
from journeyscope.analytics.conformance_report import SCOPE, build_report
from journeyscope.definitions.models import Journey

JOURNEY = Journey.model_validate(
    {
        "id": "tiny",
        "name": "Tiny",
        "job_to_be_done": "get it done",
        "outcome": {"description": "done", "step": "b"},
        "stages": [
            {
                "id": "all",
                "name": "All",
                "steps": [
                    {"id": "a", "name": "Apply", "activities": ["A"]},
                    {"id": "b", "name": "Buy", "activities": ["B"]},
                ],
            }
        ],
    }
)

SUMMARY = {
    "cases": 4,
    "reached_outcome": 3,
    "mean": 0.8,
    "min": 0.5,
    "p10": 0.5,
    "p25": 0.6,
    "p50": 0.9,
    "p75": 1.0,
    "p90": 1.0,
    "perfect": 2,
}


def _step(step: str, name: str, **counts: int) -> dict[str, Any]:
    keys = (
        "visits",
        "cases",
        "entries",
        "entered_midway",
        "arrived_off_path",
        "late",
        "moves_out",
        "off_path",
        "cases_off_path",
        "left_here",
        "ended_here",
    )
    return {"step": step, "name": name, "stage": "all", "rank": 0} | dict.fromkeys(keys, 0) | counts


def _move(kind: str, source: str | None, target: str, allowed: bool, count: int) -> dict[str, Any]:
    deviation = (
        None if allowed else {"exit": "left_before_outcome"}.get(kind, "unexpected_activity")
    )
    return {
        "kind": kind,
        "from_step": source,
        "target": target,
        "allowed": allowed,
        "deviation": deviation,
        "count": count,
        "cases": count,
    }


MOVED = [
    _move("entry", None, "a", True, 4),
    _move("move", "a", "b", True, 3),
    _move("unexpected", "a", "Oops", False, 2),
    _move("exit", "a", "(end)", False, 1),
    _move("unexpected", "a", "Hm", False, 1),
    _move("unexpected", "b", "Oops", False, 1),
]


def _report(**kw: Any):  # type: ignore[no-untyped-def]
    args: dict[str, Any] = {
        "journey": JOURNEY,
        "rule": CaseRule.given(),
        "summary": SUMMARY,
        "by_type": {"unexpected_activity": (4, 3), "left_before_outcome": (1, 1)},
        "steps": [
            _step("a", "Apply", visits=4, cases=4, entries=4, moves_out=7, off_path=4),
            _step("b", "Buy", visits=3, cases=3, moves_out=1, off_path=1),
        ],
        "moved": MOVED,
        "top": 2,
        "limit": 3,
    }
    return build_report(**(args | kw))


def test_the_fitness_distribution_and_the_share_of_perfect_cases() -> None:
    r = _report()
    assert (r.journey, r.cases, r.reached_outcome) == ("tiny", 4, 3)
    assert r.fitness.model_dump() == {
        "mean": 0.8,
        "min": 0.5,
        "p10": 0.5,
        "p25": 0.6,
        "p50": 0.9,
        "p75": 1.0,
        "p90": 1.0,
        "perfect": 0.5,  # 2 of 4 cases
    }


def test_no_cases_is_a_fitness_of_zeros_not_missing_values() -> None:
    empty = dict.fromkeys(SUMMARY, None) | {"mean": math.nan}
    r = _report(summary=empty, by_type={}, steps=[], moved=[])
    assert r.cases == 0 and r.reached_outcome == 0
    assert set(r.fitness.model_dump().values()) == {0.0}
    assert r.deviations == dict.fromkeys(DEVIATIONS, 0) and r.transitions == []


def test_every_deviation_type_is_listed_with_its_count_and_cases() -> None:
    r = _report()
    assert list(r.deviations) == list(DEVIATIONS) == list(r.cases_with)
    assert (r.deviations["unexpected_activity"], r.cases_with["unexpected_activity"]) == (4, 3)
    assert r.deviations["skipped_step"] == r.cases_with["skipped_step"] == 0
    assert r.definitions == DEVIATIONS and r.definitions is not DEVIATIONS


def test_each_step_lists_its_most_frequent_moves_off_the_path() -> None:
    a, b = _report().steps
    assert (a.id, a.name, a.stage, a.visits, a.moves_out, a.off_path) == (
        "a",
        "Apply",
        "all",
        4,
        7,
        4,
    )
    # the moved rows come most frequent first; the top 2 of a's three moves off the path
    assert [(i.to, i.kind, i.deviation, i.count) for i in a.instead] == [
        ("Oops", "unexpected", "unexpected_activity", 2),
        ("(end)", "exit", "left_before_outcome", 1),
    ]
    assert [(i.to, i.count) for i in b.instead] == [("Oops", 1)]


def test_the_most_frequent_moves_are_listed_up_to_the_limit() -> None:
    r = _report()
    assert [(t.kind, t.from_step, t.to, t.allowed) for t in r.transitions] == [
        ("entry", None, "a", True),
        ("move", "a", "b", True),
        ("unexpected", "a", "Oops", False),
    ]
    assert len(_report(limit=50).transitions) == len(MOVED)


def test_the_semantics_state_the_case_rule_the_design_and_the_scope() -> None:
    r = _report(rule=CaseRule.per_customer())
    assert r.case_rule == CaseRule.per_customer().describe()
    assert r.semantics.startswith(f"cases: {CaseRule.per_customer().describe()}")
    assert "design: tiny (Tiny)" in r.semantics and SCOPE in r.semantics
    assert "fitness = allowed moves / moves per case" in r.semantics


def test_a_step_row_must_carry_its_counts() -> None:
    broken = [{"step": "a", "name": "Apply", "stage": "all", "visits": 1}]
    with pytest.raises(ValueError, match="cases"):
        _report(steps=broken)
