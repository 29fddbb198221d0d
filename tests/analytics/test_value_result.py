"""The value stream's result read from its rows (analytics/_value_result.py): times, costs,
failures and failure demand per step, the opportunity (volume x gap x impact) and its
ranking, the totals, and the stated rules; on rows written by hand."""

from __future__ import annotations

from typing import Any

import pytest

from journeyscope.analytics._value_result import value_result
from journeyscope.analytics.value import ValueQuery
from journeyscope.definitions.models import Journey


def _step(step: str, cases: int, **kw: Any) -> dict[str, Any]:
    zero = ("events", "occurrences", "waited", "processed", "waiting_s", "processing_s")
    row = {"step": step, "cases": cases, **dict.fromkeys(zero, 0), "cost": 0.0}
    return row | {"both_processing_s": 0.0, "both_waiting_s": 0.0} | kw


def rows(pairs: int = 5) -> dict[str, list[dict[str, Any]]]:
    return {
        "steps": [
            _step(
                "Apply",
                10,
                events=12,
                occurrences=11,
                waited=8,
                processed=5,
                waiting_s=7200.0,
                processing_s=1800.0,
                both_processing_s=1800.0,
                both_waiting_s=5400.0,
                cost=24.0,
            ),
            _step("Upload", 6, events=6, occurrences=6, waited=6, waiting_s=3600.0, cost=6.0),
        ],
        "reach": [
            {"step": "Apply", "failed_cases": 2, "failed_done": 0, "other_done": 6},
            {"step": "Upload", "failed_cases": 3, "failed_done": 1, "other_done": 3},
        ],
        "failures": [
            {"step": "Apply", "failures": 2},
            {"step": "Upload", "failures": 4},
            {"step": None, "failures": 1},
        ],
        "channels": [
            {"step": "Apply", "channel": "web", "events": 10, "cost": 10.0},
            {"step": "Apply", "channel": "phone", "events": 2, "cost": 14.0},
        ],
        "demand": [
            {"step": "Apply", "demand": True, "contacts": 3, "cost": 30.0},
            {"step": "Apply", "demand": False, "contacts": 5, "cost": 50.0},
            {"step": None, "demand": True, "contacts": 1, "cost": 10.0},
        ],
        "totals": [
            {"pairs": pairs, "events": 18, "cost": 30.0, "cost_from": "column"},
            {"pairs": 0, "events": 4, "cost": None, "cost_from": "none"},
        ],
        "cases": [{"cases": 12}],
    }


def test_each_step_has_its_times_costs_and_failures() -> None:
    r = value_result(ValueQuery(value_per_case=100.0), rows())
    apply, upload = r.steps  # no journey: by cases, most first
    assert (apply.step, apply.name, apply.stage) == ("Apply", "Apply", None)
    assert (apply.events, apply.cases, apply.occurrences) == (12, 10, 11)
    assert apply.waiting.model_dump() == {"observed": 8, "total_hours": 2.0, "mean_hours": 0.25}
    assert apply.processing is not None
    assert apply.processing.model_dump() == {"observed": 5, "total_hours": 0.5, "mean_hours": 0.1}
    assert apply.flow_efficiency == 0.25  # 1800 / (1800 + 5400)
    assert (apply.cost, apply.cost_per_case) == (24.0, 2.4)
    assert [(c.channel, c.events, c.cost) for c in apply.by_channel] == [
        ("phone", 2, 14.0),
        ("web", 10, 10.0),
    ]
    assert (apply.failures, apply.failed_cases, apply.failure_rate) == (2, 2, 0.2)
    assert (apply.failure_demand_contacts, apply.failure_demand_cost) == (3, 30.0)
    assert (apply.outcome_rate_failed, apply.outcome_rate_other) == (0.0, 0.75)
    assert upload.processing is not None and upload.processing.mean_hours is None
    assert upload.flow_efficiency is None and upload.by_channel == []


def test_the_opportunity_is_volume_times_gap_times_impact_ranked_descending() -> None:
    r = value_result(ValueQuery(value_per_case=100.0), rows())
    apply, upload = r.steps
    # Apply: 10 x 2/10 x (30 / 2 + 100 x (0.75 - 0)) = 180
    assert apply.opportunity == 180.0
    # Upload: 6 x 3/6 x (0 + 100 x (1 - 1/3)) = 200
    assert upload.opportunity == pytest.approx(200.0, abs=1e-3)
    assert [(o.rank, o.step, o.volume, o.gap) for o in r.opportunities] == [
        (1, "Upload", 6, 0.5),
        (2, "Apply", 10, 0.2),
    ]
    assert r.opportunities[1].impact == 90.0 and r.opportunities[1].value == 180.0


def test_without_a_value_per_case_only_failure_demand_costs() -> None:
    r = value_result(ValueQuery(), rows())
    by = {s.step: s for s in r.steps}
    assert by["Apply"].opportunity == 30.0 and by["Upload"].opportunity == 0.0
    assert [o.step for o in r.opportunities] == ["Apply", "Upload"]  # ties: more failed first


def test_totals_add_the_steps_and_keep_what_no_step_claims() -> None:
    t = value_result(ValueQuery(), rows()).totals
    assert (t.events, t.cases, t.cost) == (22, 12, 30.0)
    assert t.cost_from == {"column": 18, "table": 0, "none": 4}
    assert t.processing_observed and t.flow_efficiency == 0.25
    assert (t.assisted_contacts, t.failure_demand_contacts, t.failure_demand_cost) == (9, 4, 40.0)
    assert (t.unattributed_failures, t.unattributed_demand_contacts) == (1, 1)
    assert t.unattributed_demand_cost == 10.0


def test_without_lifecycle_pairs_processing_is_not_observed() -> None:
    r = value_result(ValueQuery(), rows(pairs=0))
    assert all(s.processing is None and s.flow_efficiency is None for s in r.steps)
    assert not r.totals.processing_observed and r.totals.flow_efficiency is None
    assert "processing time is not observed" in r.semantics


def test_a_journey_lists_its_regular_steps_with_their_stages_measured_or_not() -> None:
    journey = Journey.model_validate(
        {
            "id": "j",
            "name": "J",
            "job_to_be_done": "x",
            "outcome": {"description": "done", "step": "upload"},
            "stages": [
                {
                    "id": "s1",
                    "name": "One",
                    "steps": [
                        {"id": "apply", "name": "Apply now", "activities": ["Apply"]},
                        {"id": "help", "name": "Help", "activities": ["Call"], "anytime": True},
                    ],
                },
                {
                    "id": "s2",
                    "name": "Two",
                    "steps": [
                        {"id": "upload", "name": "Upload", "activities": ["Upload"]},
                        {"id": "think", "name": "Think", "activities": []},
                    ],
                },
            ],
            "failure_activities": ["Error"],
        }
    )
    by_id = {
        k: [r | {"step": r["step"].lower()} if r.get("step") else r for r in v]
        for k, v in rows().items()
    }
    del by_id["steps"][1]  # nothing measured at upload
    r = value_result(ValueQuery(journey=journey, value_per_case=100.0), by_id)
    assert [(s.step, s.name, s.stage) for s in r.steps] == [
        ("apply", "Apply now", "s1"),
        ("upload", "Upload", "s2"),
    ]
    assert r.steps[0].opportunity == 180.0
    assert (r.steps[1].cases, r.steps[1].cost_per_case, r.steps[1].failure_rate) == (0, 0.0, 0.0)
    assert r.steps[1].opportunity == 0.0 and r.opportunities[0].step == "apply"
    assert r.journey == "j" and r.outcomes == ["Upload"] and r.failure_activities == ["Error"]
    assert "cases with an event of a regular (not anytime) step" in r.semantics


def test_the_cost_rule_says_where_each_events_cost_comes_from() -> None:
    costs = {"phone": 10.0, "web": 1.5}
    auto = value_result(ValueQuery(channel_costs=costs), rows()).cost_rule
    assert auto == (
        "the events' cost column, else the channel cost table (phone 10, web 1.5); events "
        "with neither cost 0"
    )
    table = value_result(ValueQuery(cost_source="table"), rows()).cost_rule
    assert table == "the channel cost table only (empty); other channels cost 0"
    column = value_result(ValueQuery(cost_source="column"), rows()).cost_rule
    assert column == "the events' cost column only; events without one cost 0"
