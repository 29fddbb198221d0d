"""The silent-customer estimates (analytics/silent_estimate.py) where no model is fitted:
everybody answered, too few answered, nobody answered; the truth of the asked and the silent;
and the small rules the estimates are built with (widened intervals, the score effect per
point, an estimate without a finite value)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from journeyscope.analytics import silent_estimate as se
from journeyscope.analytics.identification import Strategy
from journeyscope.analytics.silent import SilentQuery
from journeyscope.analytics.silent_result import Estimate

Z = 1.959963984540054


def _facts(scores: list[float | None], **extra: list[object]) -> pd.DataFrame:
    n = len(scores)
    return pd.DataFrame(
        {
            "person": [f"p{i}" for i in range(n)],
            "answers": [0 if s is None else 1 for s in scores],
            "score": pd.array(scores, dtype="Float64"),
            **extra,
        }
    )


def _x(n: int) -> pd.DataFrame:
    return pd.DataFrame({"events": np.arange(n, dtype=float), "ch:web": np.ones(n)})


def test_when_everybody_answered_every_estimate_is_the_respondents_mean() -> None:
    facts = _facts([10.0, 9.0, 7.0, 3.0])
    r = se.estimate(SilentQuery(truth=None), facts, _x(4))
    assert (r.customers, r.respondents, r.response_rate, r.features) == (4, 4, 1.0, 2)
    assert r.naive.metric.value == 25.0  # promoters 2, detractors 1 of 4
    assert r.naive.mean_score.value == 7.25
    sd = np.std([100.0, 100.0, 0.0, -100.0], ddof=1) / 2
    assert r.naive.metric.ci == pytest.approx((25 - Z * sd, 25 + Z * sd), abs=1e-4)
    assert r.model == r.doubly_robust == r.corrected == r.naive
    assert r.naive.metric.method == "respondents only"
    assert r.strategies == [] and r.headline is None and r.quality is None
    assert r.asked is not None and r.asked.never_asked == 0
    assert r.customers_meaning.startswith("4 customers:") and "4 by their customer id" in (
        r.customers_meaning
    )


def test_too_few_answers_to_learn_from_leave_only_the_respondents_mean() -> None:
    facts = _facts([5.0, None, 2.0, None, None, None], identified=[1, 1, 0, 0, 1, 0])
    r = se.estimate(SilentQuery(truth=None, survey="CSAT", folds=2), facts, _x(6))
    assert (r.respondents, r.response_rate) == (2, 0.333333)
    assert r.naive.metric.value == 50.0  # CSAT: share of 4-5
    reason = "too few answers to learn from (fewer than 4)"
    assert r.model.metric.method == r.doubly_robust.metric.method == reason
    assert r.corrected.mean_score.value is None
    assert "3 by their customer id" in r.customers_meaning
    assert "3 cases with no known customer" in r.customers_meaning


def test_nobody_answered_is_said_so() -> None:
    r = se.estimate(SilentQuery(truth=None), _facts([None, None, None]), _x(3))
    assert r.respondents == 0 and r.naive.metric.value is None
    assert r.naive.metric.method == "no answers"


def test_the_truth_is_each_customers_score_rounded_half_up_as_an_answer_would_be() -> None:
    facts = _facts([9.0, None, None], truth=[8.6, 6.5, 9.2])
    r = se.estimate(SilentQuery(), facts, _x(3))
    t = r.truth
    assert t is not None
    # 8.6 -> 9 (promoter), 6.5 -> 7 (passive), 9.2 -> 9 (promoter)
    assert (t.metric, t.mean_score, t.customers) == (66.6667, 8.1, 3)
    assert t.silent_asked == 50.0 and t.never_asked is None and t.every_customer is None
    assert "every customer's 'true_score'" in t.rule
    unknown = se.estimate(SilentQuery(), _facts([9.0], truth=[None]), _x(1))
    assert unknown.truth is None
    assert se.estimate(SilentQuery(truth=None), facts, _x(3)).truth is None


def test_the_results_words_name_the_query() -> None:
    r = se.estimate(SilentQuery(truth=None, properties=("segment",)), _facts([9.0]), _x(1))
    assert r.assumptions == se.ASSUMPTIONS and r.properties == ["segment"]
    assert "properties one-hot: segment" in r.semantics
    assert "5-fold cross-fitting (seed 0)" in r.semantics and "95% intervals" in r.semantics


def test_a_widened_interval_is_as_wide_as_the_doubly_robust_one() -> None:
    model = Estimate(value=10.0, ci=(9.5, 10.5), method="mean prediction")
    dr = Estimate(value=12.0, ci=(4.0, 20.0), method="dr")
    wide = se._widen(model, dr)
    assert (wide.value, wide.ci) == (10.0, (2.0, 18.0))
    assert wide.method.startswith("mean prediction; interval as wide as the doubly robust")
    assert se._widen(model, Estimate(value=None, ci=None, method="x")) is model


def test_an_estimate_without_a_finite_value_has_none() -> None:
    assert se._estimate((math.nan, (0.0, 1.0)), "m") == Estimate(value=None, ci=None, method="m")
    half = se._estimate((1.23456, (-math.inf, 2.0)), "m")
    assert (half.value, half.ci) == (1.2346, None)


def test_the_score_effect_per_point_comes_from_the_shadow_strategy() -> None:
    shadow = Strategy(
        name="shadow",
        assumption="",
        metric=-5.0,
        metric_ci=(-8.0, -2.0),
        mean_score=None,
        mean_score_ci=None,
        interval="",
        checks=[],
        survives=True,
        score_coefficients=[(2.0, 1.0, 3.0)],
    )
    fit = se._selection([shadow], None, 10.0)  # the score scaled to -1..1: 2 / 10 per point
    assert fit is not None
    assert (fit.gamma, fit.gamma_ci) == (0.4, (0.2, 0.6))
    assert fit.odds_ratio_per_point == round(math.exp(0.4), 4) and fit.converged and fit.used
    assert se._selection([], None, 10.0) is None
    unsolved = shadow.model_copy(update={"metric": None})
    assert se._selection([unsolved], None, 10.0).converged is False  # type: ignore[union-attr]


def test_r2_is_zero_without_spread() -> None:
    y = np.array([1.0, 2.0, 3.0])
    assert se._r2(y, y) == 1.0
    assert se._r2(y, np.full(3, 2.0)) == 0.0
    assert se._r2(np.ones(3), np.zeros(3)) == 0.0
