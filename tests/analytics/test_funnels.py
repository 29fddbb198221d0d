"""Funnels (analytics/funnels.py): every semantic choice of a funnel, pinned by tiny journeys
declared as data (one per case).

Notation: ``A@3`` is activity A at minute 3; tokens are in input order, which breaks ties.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from analytics_kit import funnel_levels

from journeyscope.analytics import Backend, FunnelQuery, InvalidQueryError
from journeyscope.analytics.funnels import Exclusion, FunnelStep

Declared = Callable[..., Backend]
ABC = ("A", "B", "C")


def levels(declared: Declared, cases: dict[str, str], **query: object) -> dict[str, int]:
    q = FunnelQuery(steps=query.pop("steps", ABC), **query)  # type: ignore[arg-type]
    return funnel_levels(declared(cases), q)


def test_sequential_allows_other_events_between_steps(declared: Declared) -> None:
    got = levels(declared, {"c1": "A@0 X@1 B@2 Y@3 C@4", "c2": "A@0 C@1 B@2", "c3": "B@0 C@1"})
    assert got == {"c1": 3, "c2": 2}  # c3 never entered: it is not in the funnel


def test_strict_mode_needs_the_very_next_event(declared: Declared) -> None:
    cases = {"c1": "A@0 B@1 C@2", "c2": "A@0 X@1 B@2 C@3", "c3": "A@0 B@1 X@2 A@3 B@4 C@5"}
    assert levels(declared, cases, mode="strict") == {"c1": 3, "c2": 1, "c3": 3}


@pytest.mark.both_engines
def test_strict_mode_orders_equal_timestamps_by_input(declared: Declared) -> None:
    cases = {"c1": "A@0 B@0 C@0", "c2": "B@0 A@0 C@0"}
    assert levels(declared, cases, mode="strict") == {"c1": 3, "c2": 1}


def test_any_order_counts_distinct_steps_within_the_window(declared: Declared) -> None:
    cases = {"c1": "C@0 A@1 B@2", "c2": "B@0 B@1", "c3": "A@0 C@30 B@31"}
    got = levels(declared, cases, mode="any_order", window=timedelta(minutes=5))
    assert got == {"c1": 3, "c2": 1, "c3": 2}


def test_window_is_measured_from_step_one(declared: Declared) -> None:
    cases = {"c1": "A@0 B@4 C@5", "c2": "A@0 B@4 C@6", "c3": "A@0 B@1 C@5"}
    got = levels(declared, cases, window=timedelta(minutes=5))
    assert got == {"c1": 3, "c2": 2, "c3": 3}  # inclusive: exactly 5 minutes still converts


def test_furthest_reach_over_every_entry(declared: Declared) -> None:
    """The first attempt runs out of window; a later entry converts (windowFunnel style)."""
    cases = {"c1": "A@0 B@1 A@20 B@21 C@22"}
    assert levels(declared, cases, window=timedelta(minutes=5)) == {"c1": 3}
    assert levels(declared, cases, window=timedelta(minutes=5), entry="first") == {"c1": 2}


def test_latest_entry_is_kept_for_each_step(declared: Declared) -> None:
    """A then a later A: the later one leaves more of the window for the next steps."""
    cases = {"c1": "A@0 A@8 B@9 C@12"}
    assert levels(declared, cases, window=timedelta(minutes=5)) == {"c1": 3}


@pytest.mark.both_engines
def test_equal_timestamps_may_advance_in_step_order(declared: Declared) -> None:
    """Ties advance whatever the input order (ClickHouse's default)."""
    cases = {"c1": "A@0 B@0 C@0", "c2": "C@0 B@0 A@0", "c3": "A@0 B@1 C@1"}
    assert levels(declared, cases) == {"c1": 3, "c2": 3, "c3": 3}


def test_strictly_increasing_timestamps(declared: Declared) -> None:
    cases = {"c1": "A@0 B@0 C@0", "c2": "A@0 B@1 C@1", "c3": "A@1 B@2 B@5 C@5"}
    got = levels(declared, cases, ties="strict_increase")
    # c3: A@1 -> B@2 -> C@5 is strictly increasing even though another B ties with C
    # (ClickHouse's 'strict_increase' would only compare with the latest B and say 2)
    assert got == {"c1": 1, "c2": 2, "c3": 3}


def test_exclusion_between_steps_stops_the_chain(declared: Declared) -> None:
    cases = {
        "c1": "A@0 X@1 B@2 C@3",  # X between A and B: stays at A
        "c2": "A@0 B@1 X@2 C@3",  # X between B and C: stays at B
        "c3": "X@0 A@1 B@2 C@3",  # X before the funnel: no effect
        "c4": "A@0 X@1 A@2 B@3 C@4",  # a later entry after X converts
        "c5": "A@0 B@1 X@1 C@3",  # X at B's time is between A and B (timestamps included)
        "c6": "A@0 B@1 C@3 X@3",  # ... and X at C's time is between B and C
    }
    got = levels(declared, cases, exclusions=(Exclusion(activities=("X",)),))
    assert got == {"c1": 1, "c2": 2, "c3": 3, "c4": 3, "c5": 1, "c6": 2}


def test_exclusion_applies_only_to_its_steps(declared: Declared) -> None:
    cases = {"c1": "A@0 X@1 B@2 C@3", "c2": "A@0 B@1 X@2 C@3"}
    only_b_c = (Exclusion(activities=("X",), from_step=2, to_step=3),)
    assert levels(declared, cases, exclusions=only_b_c) == {"c1": 3, "c2": 2}


def test_optional_steps_may_be_skipped(declared: Declared) -> None:
    steps = (FunnelStep(activities=("A",)), FunnelStep(activities=("B",), optional=True), "C")
    backend = declared({"c1": "A@0 B@1 C@2", "c2": "A@0 C@1", "c3": "A@0 B@1"})
    result = backend.run(FunnelQuery(steps=steps))
    assert [s.cases for s in result.steps] == [3, 2, 2]  # the optional step counts who did it
    assert funnel_levels(backend, FunnelQuery(steps=steps)) == {"c1": 3, "c2": 3, "c3": 2}


def test_open_funnel_can_be_entered_at_any_step(declared: Declared) -> None:
    backend = declared({"c1": "A@0 B@1 C@2", "c2": "B@0 C@1", "c3": "C@0", "c4": "X@0"})
    closed = backend.run(FunnelQuery(steps=ABC))
    opened = backend.run(FunnelQuery(steps=ABC, open=True))
    assert [s.cases for s in closed.steps] == [1, 1, 1]
    assert [s.cases for s in opened.steps] == [1, 2, 3]
    assert [s.entered for s in opened.steps] == [1, 1, 1]
    assert [s.continued for s in opened.steps] == [0, 1, 2]


def test_open_funnel_window_restarts_at_every_step(declared: Declared) -> None:
    backend = declared({"c1": "A@0 B@4 C@8"})
    q = FunnelQuery(steps=ABC, open=True, window=timedelta(minutes=5))
    assert [s.continued for s in backend.run(q).steps] == [0, 1, 1]


def test_step_counts_are_cases_reaching_at_least_that_step(declared: Declared) -> None:
    backend = declared({"c1": "A@0", "c2": "A@0 B@1", "c3": "A@0 B@1 C@2", "c4": "A@0 C@1"})
    r = backend.run(FunnelQuery(steps=ABC))
    assert [s.cases for s in r.steps] == [4, 2, 1]
    assert [s.dropped for s in r.steps] == [2, 1, 0]
    assert r.steps[0].dropped_cases == ["c1", "c4"] and r.steps[1].dropped_cases == ["c2"]
    assert (r.entered, r.converted, r.conversion) == (4, 1, 0.25)


def test_time_to_convert_histogram_and_trend(declared: Declared) -> None:
    backend = declared(
        {"c1": "A@0 B@1 C@2", "c2": "A@0 B@60 C@120", "c3": "A@20160 B@20161"},
        unit=timedelta(minutes=1),
    )
    r = backend.run(FunnelQuery(steps=ABC))
    t = r.time_to_convert
    assert (t.cases, t.median_seconds, t.p90_seconds) == (2, 3660.0, 6492.0)
    assert [b.cases for b in t.histogram][:3] == [1, 1, 0]
    assert [(p.week, p.entered, p.converted) for p in r.trend] == [
        ("2024-01-01", 2, 2),
        ("2024-01-15", 1, 0),
    ]


def test_time_to_convert_is_the_fastest_converting_attempt(declared: Declared) -> None:
    backend = declared({"c1": "A@0 A@10 B@11 C@12"})
    assert backend.run(FunnelQuery(steps=ABC)).time_to_convert.median_seconds == 120.0
    first = FunnelQuery(steps=ABC, entry="first")
    assert backend.run(first).time_to_convert.median_seconds == 720.0


@pytest.mark.both_engines
def test_breakdown_takes_the_value_on_the_entry_event(declared: Declared) -> None:
    backend = declared({"a1": "A/web@0 B/phone@1", "a2": "A/app@0", "b1": "A/web@0 B@1 C@2"})
    r = backend.run(FunnelQuery(steps=ABC, breakdown="channel"))
    assert {g.value: g.steps for g in r.breakdown} == {"web": [2, 2, 1], "app": [1, 0, 0]}
    by_segment = backend.run(FunnelQuery(steps=ABC, breakdown="segment"))
    assert {g.value: g.steps for g in by_segment.breakdown} == {
        "seg-a": [2, 1, 0],
        "seg-b": [1, 1, 1],
    }


def test_alternative_activities_in_one_step(declared: Declared) -> None:
    steps = ("A", FunnelStep(activities=("B1", "B2")), "C")
    got = levels(declared, {"c1": "A@0 B1@1 C@2", "c2": "A@0 B2@1 C@2"}, steps=steps)
    assert got == {"c1": 3, "c2": 3}


@pytest.mark.both_engines
def test_results_state_their_semantics(declared: Declared) -> None:
    q = FunnelQuery(steps=ABC, window=timedelta(days=30), entry="first", ties="strict_increase")
    s = declared({"c1": "A@0 B@1 C@2"}).run(q).semantics
    assert (s.mode, s.window, s.entry, s.ties, s.window_seconds) == (
        "sequential",
        "30 days",
        "first",
        "strict_increase",
        2592000.0,
    )
    assert "first entry" in s.description and "strictly later" in s.description
    assert s.case_rule.startswith("case_id from the data")


@pytest.mark.parametrize(
    "query",
    [
        {"steps": (FunnelStep(activities=("A",), optional=True), "B")},
        {"steps": ABC, "mode": "any_order", "exclusions": (Exclusion(activities=("X",)),)},
        {"steps": ABC, "mode": "any_order", "ties": "strict_increase"},
        {"steps": ABC, "mode": "strict", "exclusions": (Exclusion(activities=("X",)),)},
        {"steps": ABC, "exclusions": (Exclusion(activities=("B",)),)},
        {"steps": ABC, "exclusions": (Exclusion(activities=("X",), from_step=3),)},
        {"steps": ABC, "window": timedelta(0)},
    ],
)
def test_queries_that_cannot_be_computed_as_stated_are_refused(query: dict[str, object]) -> None:
    with pytest.raises((InvalidQueryError, ValueError)):
        FunnelQuery(**query)  # type: ignore[arg-type]


def test_a_step_is_written_as_text_a_list_or_in_full() -> None:
    assert FunnelStep.model_validate("A").activities == ("A",)
    assert FunnelStep.model_validate(["A", "B"]).name == "A | B"
    assert FunnelStep(activities=("A",), label="Apply").name == "Apply"
    q = FunnelQuery(steps=("A", ["B1", "B2"], "C"))
    assert [s.activities for s in q.steps] == [("A",), ("B1", "B2"), ("C",)]


def test_a_refused_query_says_why() -> None:
    with pytest.raises(ValueError, match=r"exclusion steps 2\.\.5 not in 1\.\.3"):
        FunnelQuery(steps=ABC, exclusions=(Exclusion(activities=("X",), from_step=2, to_step=5),))
    with pytest.raises(ValueError, match=r"\['B'\] are funnel steps"):
        FunnelQuery(steps=ABC, exclusions=(Exclusion(activities=("B",)),))


def test_an_open_funnels_semantics_name_its_window_and_what_a_step_counts() -> None:
    q = FunnelQuery(
        steps=ABC,
        open=True,
        window=timedelta(minutes=5),
        exclusions=(Exclusion(activities=("X",), from_step=2),),
    )
    s = q.semantics()
    assert (s.window, s.window_seconds, s.open) == ("5 minutes", 300.0, True)
    assert s.exclusions == ["X between steps 2 and 3"]
    assert "from the latest entry (every step is an entry)" in s.description
    assert "each step counts cases reaching that step" in s.description
    assert "a case with X between steps 2 and 3 does not go on past it" in s.description
