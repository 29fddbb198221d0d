"""Moments of truth under non-response (analytics/moments_weights.py): each answering case
weighted by 1 / P(answer | its score), the curve taken from a silent-customer result, and how
much the weighted fit moved the ranking."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from journeyscope.analytics.identification import AnsweringCurve, CurvePoint
from journeyscope.analytics.moments_weights import (
    AnsweringWeights,
    answering_weights,
    ranking_change,
)


def test_a_weight_is_one_over_the_interpolated_chance_to_answer() -> None:
    w = AnsweringWeights(source="s", p_answer={10.0: 0.5, 0.0: 0.1, 5.0: 0.25})
    got = w.weight(np.array([0.0, 2.5, 5.0, 10.0]))
    assert got.tolist() == pytest.approx([10.0, 1 / 0.175, 4.0, 2.0])


def test_scores_beyond_the_curve_hold_its_ends_and_tiny_chances_are_floored() -> None:
    w = AnsweringWeights(source="s", p_answer={1.0: 0.0, 5.0: 0.8})
    got = w.weight(np.array([-3.0, 1.0, 9.0]))
    assert got.tolist() == pytest.approx([1000.0, 1000.0, 1.25])  # P floored at 0.001


def test_the_weights_come_from_the_silent_results_answering_curve() -> None:
    curve = AnsweringCurve(
        strategy="combined",
        shape="linear",
        described="happier customers answer more",
        score_coefficients=[(0.8, 0.5, 1.1)],
        points=[
            CurvePoint(score=0.0, p_answer=0.1, low=None, high=None),
            CurvePoint(score=10.0, p_answer=0.4, low=0.3, high=0.5),
        ],
    )
    w = answering_weights(SimpleNamespace(answering_curve=curve))  # type: ignore[arg-type]
    assert w is not None and w.p_answer == {0.0: 0.1, 10.0: 0.4}
    assert w.source.startswith("the combined answering model of the silent-customer analysis")
    assert "(linear in the score; happier customers answer more)" in w.source
    assert answering_weights(SimpleNamespace(answering_curve=None)) is None  # type: ignore[arg-type]


def test_ranking_change_counts_moves_and_flips() -> None:
    change = ranking_change(
        ["a", "b", "c"],
        np.array([3.0, 2.0, 1.0]),
        np.array([1.0, 2.0, 3.0]),
        [True, True, False],
        [False, True, True],
        2,
    )
    assert change.rank_correlation == pytest.approx(-1.0)
    assert change.top_overlap == pytest.approx(0.5)
    assert change.significance_changed == ["a", "c"]
    assert {m.candidate for m in change.moved} == {"a", "c"}


def test_ranks_are_by_absolute_effect_and_an_unchanged_ranking_moves_nothing() -> None:
    change = ranking_change(
        ["up", "down", "flat"],
        np.array([-3.0, 2.0, 0.5]),
        np.array([-6.0, 4.0, 1.0]),
        [True, True, False],
        [True, True, False],
        5,
    )
    assert (change.rank_correlation, change.top_overlap) == (1.0, 1.0)  # top 5 of 3: all
    assert change.moved == [] and change.significance_changed == []
    assert "over the 3 tested candidates" in change.rule and "top 3" in change.rule


def test_the_largest_moves_come_first_with_their_ranks() -> None:
    change = ranking_change(
        ["a", "b", "c", "d"],
        np.array([4.0, 3.0, 2.0, 1.0]),
        np.array([1.0, 3.0, 2.0, 4.0]),
        [False] * 4,
        [False] * 4,
        1,
    )
    assert [(m.candidate, m.rank_unweighted, m.rank_weighted) for m in change.moved] == [
        ("a", 1, 4),
        ("d", 4, 1),
    ]
    assert change.top_overlap == 0.0


def test_fewer_than_two_candidates_is_nothing_to_rank() -> None:
    change = ranking_change(["a"], np.array([1.0]), np.array([2.0]), [True], [False], 3)
    assert (change.rank_correlation, change.top_overlap, change.moved) == (None, None, [])
    assert change.significance_changed == [] and change.rule.startswith("fewer than two")
