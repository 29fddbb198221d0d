"""Sensitivity of a non-response correction (analytics/sensitivity.py): respondents' odds of
answering tilted by exp(delta x (score - their mean score)), the weighted mean recomputed over
a stated range of delta, and where the metric changes sign."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from journeyscope.analytics.sensitivity import sweep, tilted_means
from journeyscope.analytics.silent_result import headline


def test_sensitivity_at_zero_is_the_estimate_and_moves_the_right_way() -> None:
    rng = np.random.default_rng(5)
    y = rng.integers(0, 11, 5_000).astype(float)
    answered = rng.random(5_000) < 0.3
    p = np.full(5_000, 0.3)
    metric = headline("NPS", y)
    s = sweep(metric, y, answered, p, scale=(0, 10), strategy="shadow")
    middle = s.points[len(s.points) // 2]
    assert middle.delta == 0 and middle.value == pytest.approx(metric[answered].mean(), abs=1e-3)
    values = [pt.value for pt in s.points]
    # the more the happy answer (delta > 0), the less happy the silent must be
    assert all(a > b for a, b in itertools.pairwise(values))
    assert tilted_means([y], y, answered, p, 0.0)[0] == pytest.approx(y[answered].mean())


def test_without_a_tilt_the_weights_are_one_over_the_chance_to_answer() -> None:
    y = np.array([10.0, 0.0, 5.0])
    answered = np.array([True, True, False])
    p = np.array([0.8, 0.2, 0.5])
    # weights 1 / 0.8 and 1 / 0.2; the silent customer's value never counts
    assert tilted_means([y, y * 2], y, answered, p, 0.0) == pytest.approx([2.0, 4.0])


def test_a_tilt_weighs_each_respondent_by_their_distance_from_the_mean_score() -> None:
    y = np.array([10.0, 0.0, 5.0])
    answered = np.array([True, True, False])
    p = np.full(3, 0.5)
    # respondents' mean score 5: odds x exp(0.1 x 5) for the 10, x exp(-0.5) for the 0
    w_high, w_low = 1 + math.exp(-0.5), 1 + math.exp(0.5)
    expected = 10 * w_high / (w_high + w_low)
    assert tilted_means([y], y, answered, p, 0.1)[0] == pytest.approx(expected)
    assert tilted_means([y], y, answered, p, -0.1)[0] == pytest.approx(10 - expected)


def test_the_range_scales_with_the_survey_and_is_stated() -> None:
    y = np.array([1.0, 5.0, 3.0, 4.0])
    answered = np.array([True, True, True, False])
    s = sweep(y, y, answered, np.full(4, 0.5), scale=(1, 5), strategy="combined", steps=5)
    assert [pt.delta for pt in s.points] == [-1.5, -0.75, 0.0, 0.75, 1.5]  # 0.6 x 10 / 4
    assert [pt.odds_ratio_per_point for pt in s.points] == [
        round(math.exp(d), 4) for d in (-1.5, -0.75, 0.0, 0.75, 1.5)
    ]
    assert s.points[2].value == 3.0 and s.crosses_zero_at is None  # all positive
    assert s.strategy == "combined" and s.parameter.startswith("delta: extra log-odds")
    assert "under the combined model" in s.rule and "from -1.50 to 1.50" in s.rule
    assert "in 5 steps" in s.rule


def test_where_the_metric_changes_sign_is_interpolated_between_two_points() -> None:
    y = np.array([10.0, 0.0])
    answered = np.array([True, True])
    metric = headline("NPS", y)  # a promoter and a detractor: 0 without a tilt
    s = sweep(metric, y, answered, np.full(2, 0.5), scale=(0, 10), strategy="shadow", steps=4)
    values = [pt.value for pt in s.points]
    assert values[0] > 0 > values[-1] and values[1] == pytest.approx(-values[2])
    assert s.crosses_zero_at == pytest.approx(0.0, abs=1e-4)
