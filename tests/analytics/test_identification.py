"""Identification strategies for non-response (analytics/identification.py): the headline is
an estimate, a range or an abstention; each strategy's checks say what they measured; and
every strategy computed on a small population answering at random."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from journeyscope.analytics.identification import (
    ASSUMPTION,
    PREFERENCE,
    Check,
    Inputs,
    Strategy,
    _describe,
    _headline,
    identify,
)
from journeyscope.analytics.nonresponse import standardise
from journeyscope.analytics.silent_result import headline


def _strategy(name: str, value: float, low: float, high: float, ok: bool = True) -> Strategy:
    return Strategy(
        name=name,
        assumption="",
        metric=value,
        metric_ci=(low, high),
        mean_score=None,
        mean_score_ci=None,
        interval="",
        checks=[Check(name="balance", passed=ok, detail="")],
        survives=ok,
    )


def test_headline_is_an_estimate_a_range_or_an_abstention() -> None:
    agree = _headline([_strategy("mar", -10, -14, -6), _strategy("combined", -12, -17, -8)])
    assert agree.kind == "estimate" and agree.strategy == "combined" and agree.value == -12
    clash = _headline([_strategy("mar", 0, -3, 3), _strategy("combined", -20, -25, -15)])
    assert clash.kind == "range" and clash.value is None
    assert (clash.low, clash.high) == (-25, 3) and "disagree" in clash.reason
    rejected = _headline(
        [_strategy("mar", 0, -3, 3, ok=False), _strategy("combined", -20, -25, -15)]
    )
    assert (
        rejected.kind == "estimate" and "set aside" in rejected.reason and "mar" in rejected.reason
    )
    none = _headline(
        [_strategy("mar", 0, -3, 3, ok=False), _strategy("shadow", -9, -12, -6, ok=False)]
    )
    assert none.kind == "abstain" and (none.low, none.high) == (-12, 3)
    assert "not identified" in none.reason


def test_the_headline_prefers_the_most_general_survivor_and_names_the_others() -> None:
    h = _headline(
        [
            _strategy("mar", -10, -14, -6),
            _strategy("shadow", -11, -15, -7),
            _strategy("combined", -12, -17, -8),
        ]
    )
    assert (h.kind, h.strategy, h.low, h.high) == ("estimate", "combined", -17, -8)
    assert h.reason == (
        "combined: the most general strategy whose checks pass; it agrees with shadow, mar"
    )


def test_an_abstention_names_each_failed_check() -> None:
    h = _headline(
        [_strategy("mar", 0, -3, 3, ok=False), _strategy("shadow", -9, -12, -6, ok=False)]
    )
    assert "(mar: balance; shadow: balance)" in h.reason
    assert "mar +0.0 [-3.0, +3.0]; shadow -9.0 [-12.0, -6.0]" in h.reason


def test_the_answering_curve_is_described_by_the_coefficients_its_interval_is_sure_of() -> None:
    assert _describe([(0.8, 0.2, 1.4)], "linear") == "happier customers answer more"
    assert _describe([(-0.8, -1.4, -0.2)], "linear") == "unhappier customers answer more"
    assert _describe([(0.3, -0.2, 0.8)], "linear").startswith("no clear dependence")
    u = _describe([(0.0, -0.5, 0.5), (1.2, 0.6, 1.8)], "quadratic")
    assert u.startswith("U-shaped")
    assert _describe([(0.0, -0.5, 0.5), (-1.2, -1.8, -0.6)], "quadratic").startswith("inverted U")
    # an unsure curvature falls back on the slope
    assert _describe([(0.8, 0.2, 1.4), (0.3, -0.3, 0.9)], "quadratic") == (
        "happier customers answer more"
    )


def test_every_strategy_has_its_assumption_and_a_place_in_the_preference() -> None:
    assert set(ASSUMPTION) == set(PREFERENCE) == {"mar", "shadow", "combined"}
    assert PREFERENCE[0] == "combined" and PREFERENCE[-1] == "mar"


N = 400


def _inputs(**kw: Any) -> Inputs:
    """400 customers answering at random (40%); the journey's first feature predicts the score."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(N, 3)).astype(np.float32)
    true = np.clip(np.rint(7 + 1.5 * x[:, 0] + rng.normal(0, 1, N)), 0, 10)
    answered = rng.random(N) < 0.4
    metric = headline("NPS", true)
    fields: dict[str, Any] = {
        "metric": np.where(answered, metric, 0.0),
        "score": np.where(answered, true, 0.0),
        "answered": answered,
        "features": x,
        "feature_names": ["a", "b", "c"],
        "covariates": np.zeros((N, 0)),
        "covariate_columns": [],
        "m_metric": np.full(N, metric[answered].mean()),
        "m_score": np.clip(7 + 1.5 * x[:, 0], 0, 10).astype("float64"),
        "propensity": np.full(N, 0.4),
        "floor_share": 0.0,
        "shadow_r2": 0.5,
        "scale": (0.0, 10.0),
    }
    return Inputs(**(fields | kw))


def _identify(inp: Inputs) -> Any:
    return identify(inp, z=1.959964, level=0.95, draws=0, seed=0, bootstrap_up_to=0)


def test_answering_at_random_keeps_every_strategy_and_mar_is_the_respondents_mean() -> None:
    inp = _inputs()
    strategies, curve, head, sensitivity = _identify(inp)
    by = {s.name: s for s in strategies}
    assert list(by) == ["mar", "shadow"]  # no covariates: no combined strategy
    # constant propensity and a constant outcome model: AIPW is the respondents' mean
    respondents = float(inp.metric[inp.answered].mean())
    assert by["mar"].metric == pytest.approx(round(respondents, 4))
    assert [c.name for c in by["mar"].checks] == ["balance", "overlap"]
    assert [c.name for c in by["shadow"].checks] == [
        "converged",
        "shadow strength",
        "stable",
        "balance",
        "overlap",
    ]
    assert all(s.survives for s in strategies)
    assert head.kind == "estimate" and head.strategy == "shadow"
    assert curve is not None and curve.strategy == "shadow" and len(curve.points) == 11
    assert sensitivity is not None and sensitivity.strategy == "shadow"


def test_a_weak_shadow_variable_sets_the_score_only_strategy_aside() -> None:
    strategies, _, head, _ = _identify(_inputs(shadow_r2=0.01))
    shadow = next(s for s in strategies if s.name == "shadow")
    weak = next(c for c in shadow.checks if c.name == "shadow strength")
    assert not weak.passed and "R2 0.010" in weak.detail and not shadow.survives
    assert head.strategy == "mar" and "set aside because their checks failed: shadow" in head.reason


def test_too_many_customers_at_the_propensity_floor_fail_mars_overlap() -> None:
    strategies, _, _, _ = _identify(_inputs(floor_share=0.05))
    mar = next(s for s in strategies if s.name == "mar")
    overlap = next(c for c in mar.checks if c.name == "overlap")
    assert not overlap.passed and "5.0% of customers have a propensity at the floor" in (
        overlap.detail
    )


def test_covariates_add_the_combined_strategy_which_checks_mar_in_turn() -> None:
    x = np.random.default_rng(1).normal(size=(N, 3))
    inp = _inputs(covariates=standardise(x[:, [1]]), covariate_columns=[1])
    strategies, curve, head, _ = _identify(inp)
    assert [s.name for s in strategies] == ["mar", "shadow", "combined"]
    combined = strategies[-1]
    assert combined.survives and len(combined.score_coefficients) == 1
    assert [c.name for c in strategies[0].checks][-1] == "score does not drive answering"
    assert head.strategy == "combined" and curve is not None and curve.strategy == "combined"
    assert curve.described.startswith("no clear dependence")  # answering is at random
