"""Opportunities and their scoring, checked against hand computation (the story map made of
them: test_story_map.py)."""

from __future__ import annotations

import math

import pytest
from analytics_kit import evidence_at, opportunity_journey

from journeyscope.analytics import opportunities as opp


class M:
    """A moment of truth as the analysis returns it (the fields opportunities read)."""

    def __init__(
        self,
        candidate: str,
        step: str | None,
        cases: int,
        effect: float,
        ci: tuple[float, float],
        significant: bool = True,
    ) -> None:
        self.candidate, self.step, self.cases_with = candidate, step, cases
        self.effect, self.ci, self.significant = effect, ci, significant


class V:
    """A value-stream step (the fields opportunities read)."""

    def __init__(self, step: str, failed: int, contacts: int, cost: float, value: float) -> None:
        self.step, self.name, self.failed_cases = step, step.title(), failed
        self.failure_demand_contacts, self.failure_demand_cost = contacts, cost
        self.opportunity = value


def phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def test_moment_value_is_cases_a_year_times_lost_share_times_case_value() -> None:
    [e] = opp.from_moments(
        [
            M("went back to A", "a", 100, -0.2, (-0.3, -0.1)),
            M("waited", "b", 100, -0.2, (-0.3, -0.1), significant=False),
            M("helped", "b", 100, 0.1, (0.05, 0.15)),
        ],
        years=0.5,
        value_per_case=400,
        outcome="completion",
        analysis="moments",
    )
    assert e.cases_per_year == 200
    assert e.value_per_year is not None
    assert (e.value_per_year.estimate, e.value_per_year.low, e.value_per_year.high) == (
        pytest.approx(16_000),
        pytest.approx(8_000),
        pytest.approx(24_000),
    )
    se = 16_000 / opp.Z95 / 2
    assert e.confidence == pytest.approx(phi(16_000 / se))


def test_a_satisfaction_moment_is_evidence_without_money() -> None:
    [e] = opp.from_moments(
        [M("switched", "b", 40, -0.8, (-1.2, -0.4))],
        years=1,
        value_per_case=400,
        outcome="satisfaction",
        analysis="moments",
    )
    assert e.value_per_year is None and e.confidence is None
    assert e.satisfaction_effect is not None and e.satisfaction_effect.estimate == -0.8


def test_dropoff_value_and_binomial_interval() -> None:
    found = opp.from_dropoffs(
        [("b", "B", 1000, 700), ("c", "C", 700, 680)],
        years=2,
        value_per_case=100,
        min_dropoff=0.1,
        analysis="funnel",
    )
    assert [e.step for e in found] == ["b"]  # C loses 2.9%: under the threshold
    v = found[0].value_per_year
    assert v is not None
    se = math.sqrt(0.3 * 0.7 / 1000)
    assert v.estimate == pytest.approx(0.3 * 500 * 100)
    assert v.low == pytest.approx((0.3 - opp.Z95 * se) * 50_000)
    assert v.high == pytest.approx((0.3 + opp.Z95 * se) * 50_000)
    assert found[0].cases == 300 and found[0].cases_per_year == 150


def test_failure_demand_value_is_the_value_streams_opportunity_a_year() -> None:
    [e] = opp.from_failures(
        [V("b", 100, 120, 600.0, 1_200.0), V("c", 0, 0, 0.0, 0.0)], years=0.5, analysis="value"
    )
    assert e.value_per_year is not None
    assert e.value_per_year.estimate == pytest.approx(2_400)
    assert e.value_per_year.low == pytest.approx(2_400 * (1 - opp.Z95 / 10))
    assert e.failure_demand_cost_per_year == pytest.approx(1_200)


def test_design_opportunities_take_their_steps_evidence_and_the_largest_value() -> None:
    found = opp.collect(
        opportunity_journey(),
        [
            evidence_at("a", 100.0),
            evidence_at("a", 300.0, "failure demand"),
            evidence_at("b", 50.0),
            evidence_at("zzz", 10.0),
        ],
    )
    by_id = {o.id: o for o in found}
    assert set(by_id) == {
        "a.faster_a",
        "a.clearer_a",
        "c.nicer_c",
        "b.keep_customers_going_at_b",
        "journey.drop_off_at_zzz",
    }
    a = by_id["a.faster_a"]
    assert a.origin == "design" and a.value_at_stake == 300.0  # max, not 400
    assert [e.step for e in a.evidence] == ["a", "a"]
    b = by_id["b.keep_customers_going_at_b"]
    assert b.origin == "data" and b.title == "Keep customers going at B"
    assert by_id["c.nicer_c"].value_at_stake is None and by_id["c.nicer_c"].evidence == []


def test_scoring_rule_ranks_effort_first_then_expected_value_and_marks_ties() -> None:
    found = opp.collect(
        opportunity_journey(),
        [evidence_at("a", 300.0), evidence_at("b", 300.0)],
        efforts={"c.nicer_c": 2.0},
    )
    # c has an effort but no measured value: it cannot be scored
    conf = phi(300.0 / ((450.0 - 150.0) / (2 * opp.Z95)))
    order = [(o.id, o.rank, o.tie) for o in found]
    assert order == [
        ("a.faster_a", 1, True),
        ("a.clearer_a", 2, True),
        ("b.keep_customers_going_at_b", 3, True),
        ("c.nicer_c", 4, False),
    ]
    assert found[0].expected_value == pytest.approx(300.0 * conf)
    scored = opp.collect(
        opportunity_journey(),
        [evidence_at("a", 300.0), evidence_at("b", 100.0)],
        efforts={"a.clearer_a": 3.0, "b.keep_customers_going_at_b": 0.5},
    )
    first = scored[0]
    assert first.id == "b.keep_customers_going_at_b"
    assert first.score == pytest.approx(first.expected_value / 0.5)  # type: ignore[operator]
    assert [o.id for o in scored[:3]] == [
        "b.keep_customers_going_at_b",
        "a.clearer_a",
        "a.faster_a",
    ]


class C:
    """A step's conformance (the fields opportunities read)."""

    def __init__(self, step: str, cases: int, off: int) -> None:
        self.id, self.name, self.cases, self.cases_off_path = step, step.upper(), cases, off


def test_frequent_deviations_are_counted_evidence_without_money() -> None:
    found = opp.from_deviations(
        [C("a", 100, 25), C("b", 100, 19), C("c", 0, 0)],
        years=2,
        min_share=0.2,
        analysis="conformance",
    )
    assert [(e.step, e.cases, e.cases_per_year) for e in found] == [("a", 25, 12.5)]
    assert found[0].value_per_year is None and found[0].confidence is None
    [o] = [
        o
        for o in opp.collect(opportunity_journey(), found)
        if o.step == "a" and o.id == "a.faster_a"
    ]
    assert o.evidence == found and o.value_at_stake is None
