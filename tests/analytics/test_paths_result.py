"""The paths result's types (analytics/paths_result.py): the cleaning rule as a frozen value,
the sentence that says what the query's options did to the sequences, and the loops'
stated definitions."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from journeyscope.analytics.paths_result import (
    OTHER,
    RARE,
    CleaningRule,
    Loops,
    PathEdge,
    Shaping,
)
from journeyscope.analytics.semantics import customer_definition
from journeyscope.analytics.work_items import WENT_BACK


def test_a_cleaning_rule_is_a_frozen_value_with_no_other_fields() -> None:
    rule = CleaningRule(pattern="^View", alias="View")
    assert rule == CleaningRule(pattern="^View", alias="View")
    assert hash(rule) == hash(CleaningRule(pattern="^View", alias="View"))
    with pytest.raises(ValidationError):
        rule.alias = "Other"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="extra"):
        CleaningRule(pattern="^View", alias="View", flags="i")  # type: ignore[call-arg]


def test_an_edge_is_no_back_move_unless_said() -> None:
    assert PathEdge(step=1, source="A", target="B", cases=3).back_cases == 0
    assert (OTHER, RARE) == ("(other)", "(rare events)")


def test_shown_back_moves_are_always_stated_even_when_nothing_else_happened() -> None:
    assert Shaping(hidden=[]).describe() == (
        "0 back-moves (an activity done again after another) in 0 cases shown; "
        "the links they make are marked as back-moves"
    )


def test_every_option_that_changed_the_sequences_is_said_in_order() -> None:
    s = Shaping(
        hidden=["Survey sent", "Reminder"],
        hidden_events=1234,
        hidden_cases=56,
        min_cases=5,
        rare_activities=3,
        rare_events=1500,
        repeats_merged=7,
        back_moves="collapse",
        back_move_events=2,
        back_move_cases=1,
        collapsed_events=9,
    )
    assert s.describe() == (
        "1,234 events of 2 hidden activities left out (Survey sent, Reminder; in 56 cases); "
        "3 activities done in fewer than 5 cases grouped as '(rare events)' (1,500 events); "
        "7 consecutive repeats merged; "
        "2 back-moves (an activity done again after another) in 1 cases collapsed: each "
        "activity kept at its first occurrence (9 events removed, repeats included)"
    )


def test_one_hidden_activity_is_singular_and_a_minimum_of_one_case_groups_nothing() -> None:
    text = Shaping(hidden=["S"], hidden_events=2, hidden_cases=1, min_cases=1).describe()
    assert text.startswith("2 events of 1 hidden activity left out (S; in 1 cases)")
    assert RARE not in text


def test_loops_state_what_going_back_and_a_customer_mean() -> None:
    loops = Loops(
        back_edges=[],
        rework=[],
        ping_pong=[],
        ping_pong_cases=0,
        cases=0,
        cases_went_back=0,
        share_cases_went_back=0.0,
        customers=0,
        customers_went_back=0,
        share_customers_went_back=0.0,
    )
    assert loops.semantics.startswith(WENT_BACK)
    assert loops.semantics.endswith(customer_definition("in_journey"))
    assert "self-loops excluded" in loops.semantics
