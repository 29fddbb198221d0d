"""The population estimators (analytics/estimators.py) against independent computations: the
adjusted effects equal statsmodels' OLS / WLS coefficients with HC1 errors, one model per
exposure; a collinear covariate or an exposure the covariates explain is handled; AIPW with
everybody answering is the plain mean, and it corrects a biased respondents' mean when the
propensities are right; the shadow-variable fit recovers how strongly the score drives
answering."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from journeyscope.analytics.estimators import adjusted_effects, aipw, mean_of, outcome_selection

Z = 1.959963984540054


def _data(n: int = 400) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    covariates = np.column_stack([rng.normal(size=n), rng.integers(0, 2, n)]).astype(float)
    exposures = (rng.random((n, 3)) < 0.4).astype(float)
    y = 2 + 1.5 * exposures[:, 0] - 0.7 * covariates[:, 0] + rng.normal(0, 1 + covariates[:, 1], n)
    return y, exposures, covariates


@pytest.mark.parametrize("weighted", [False, True])
def test_effects_equal_one_regression_per_exposure_with_hc1(weighted: bool) -> None:
    y, exposures, covariates = _data()
    weights = np.random.default_rng(3).uniform(0.5, 2.0, len(y)) if weighted else None
    got = adjusted_effects(y, exposures, covariates, Z, weights)
    for j in range(exposures.shape[1]):
        x = sm.add_constant(np.column_stack([exposures[:, j], covariates]))
        model = sm.WLS(y, x, weights=weights) if weighted else sm.OLS(y, x)
        fit = model.fit(cov_type="HC1")
        assert got["effect"][j] == pytest.approx(fit.params[1], rel=1e-9)
        assert got["se"][j] == pytest.approx(fit.bse[1], rel=1e-9)
        assert got["p"][j] == pytest.approx(fit.pvalues[1], rel=1e-6, abs=1e-12)
        assert got["low"][j] == pytest.approx(fit.params[1] - Z * fit.bse[1], rel=1e-9)
    assert got["low"][0] < 1.5 < got["high"][0]


def test_collinear_covariates_and_explained_exposures() -> None:
    y, exposures, covariates = _data()
    repeated = np.column_stack([covariates, covariates[:, 1]])  # a column given twice
    same = adjusted_effects(y, exposures, covariates, Z)
    got = adjusted_effects(y, exposures, repeated, Z)
    assert np.allclose(got["effect"], same["effect"]) and np.allclose(got["se"], same["se"])
    explained = adjusted_effects(y, covariates[:, 1:2], covariates, Z)
    assert np.isnan(explained["effect"]).all(), "an exposure the covariates explain: no effect"


def test_an_exposure_inside_a_group_of_equal_outcomes_has_p_one_in_any_row_order() -> None:
    """Every exposed row sits in a group (a covariate) whose outcomes are all equal: the
    adjusted effect is 0 and so is its error, and p is 1 whatever order the rows come in
    (both were rounding error, and p anything between 0.80 and 0.93, in moments of truth)."""
    rng = np.random.default_rng(2)
    n = 300
    group = (np.arange(n) < 60).astype(float)  # the first 60 rows: all succeed
    y = np.where(group == 1, 1.0, (rng.random(n) < 0.6).astype(float))
    exposed = np.zeros((n, 2))
    exposed[:11, 0] = 1.0  # inside the group
    exposed[::7, 1] = 1.0  # across both
    segment = ((rng.random(n) < 0.5) & (group == 0)).astype(float)  # outside the group only
    covariates = np.column_stack([group, segment])
    for seed in range(5):
        order = np.random.default_rng(seed).permutation(n)
        got = adjusted_effects(y[order], exposed[order], covariates[order], Z)
        assert (got["effect"][0], got["se"][0], got["p"][0]) == (0.0, 0.0, 1.0)
        assert got["se"][1] > 0 and 0 < got["p"][1] < 1


def test_aipw_is_the_mean_when_everybody_answers_and_corrects_when_they_do_not() -> None:
    rng = np.random.default_rng(5)
    n = 20_000
    y = rng.normal(5, 2, n)
    everybody = np.ones(n, bool)
    assert aipw(y, np.zeros(n), everybody, np.ones(n), Z)[0] == pytest.approx(y.mean())
    # the high scorers answer more often: the respondents' mean is biased upwards
    p = np.where(y > 5, 0.8, 0.2)
    answered = rng.random(n) < p
    naive, _ = mean_of(y[answered], Z)
    value, (low, high) = aipw(y, np.full(n, 4.0), answered, p, Z)  # a wrong model, right p
    assert naive > y.mean() + 0.5
    assert low < y.mean() < high and abs(value - y.mean()) < 0.1


def test_the_shadow_variable_recovers_how_the_score_drives_answering() -> None:
    rng = np.random.default_rng(9)
    n = 20_000
    shadow = rng.normal(size=n)
    y = shadow + rng.normal(0, 0.5, n)
    answered = rng.random(n) < 1 / (1 + np.exp(-(-0.5 + 0.8 * y)))
    alpha, gamma, converged = outcome_selection(y, answered, shadow)
    assert converged
    assert gamma == pytest.approx(0.8, abs=0.1) and alpha == pytest.approx(-0.5, abs=0.1)
