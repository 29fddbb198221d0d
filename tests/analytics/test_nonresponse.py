"""Answering models and their checks on arrays (analytics/nonresponse.py), and the strategies
and the headline on the simulated mechanisms of :mod:`journeyscope.analytics.silent_sim` (a few
thousand customers each)."""

from __future__ import annotations

import numpy as np
import pytest

from journeyscope.analytics.identification import Strategy
from journeyscope.analytics.nonresponse import (
    AnsweringEstimate,
    Calibration,
    answer_probability,
    answering_estimate,
    balance,
    hajek,
    standardise,
)
from journeyscope.analytics.silent import SilentQuery, SilentResult, estimate, headline
from journeyscope.analytics.silent_sim import simulate


def _population(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    v = rng.normal(0, 1, n)
    shadow = rng.normal(7, 1.5, n) + 0.5 * v
    y = np.clip(np.rint(shadow + rng.normal(0, 1, n)), 0, 10)
    return v, shadow, y


def test_combined_model_recovers_covariate_and_score_effects() -> None:
    v, shadow, y = _population(100_000, 1)
    c = 2 * y / 10 - 1  # the score on -1..1
    answered = np.random.default_rng(2).random(len(y)) < 1 / (
        1 + np.exp(-(-1.5 + 0.8 * v + 2.0 * c))
    )
    fit = Calibration.of(
        np.where(answered, y, -1), answered, v[:, None], shadow, 0, 10, "linear"
    ).solve()
    assert fit.converged
    assert fit.theta == pytest.approx([-1.5, 0.8, 2.0], abs=0.15)
    # weighting the respondents by the fitted model gives the population's mean score
    p = answer_probability(fit, v[:, None], y, 0, 10, 1e-3)
    assert hajek([y], answered, p)[0] == pytest.approx(y.mean(), abs=0.03)
    assert y[answered].mean() - y.mean() > 0.3  # while the respondents alone are far off


def test_quadratic_model_finds_a_u_shape() -> None:
    _, shadow, y = _population(100_000, 3)
    c = 2 * y / 10 - 1
    answered = np.random.default_rng(4).random(len(y)) < 1 / (1 + np.exp(-(-2.0 + 2.5 * c**2)))
    none = np.zeros((len(y), 0))
    fit = Calibration.of(
        np.where(answered, y, -1), answered, none, shadow, 0, 10, "quadratic"
    ).solve()
    assert fit.converged
    slope, curvature = fit.score_coefs
    assert curvature == pytest.approx(2.5, abs=0.5) and abs(slope) < 0.4


def _answering(n: int, seed: int) -> tuple[np.ndarray, ...]:
    """A sample answering by a covariate and the score: logit -1.5 + 0.8 v + 2 c."""
    v, shadow, y = _population(n, seed)
    c = 2 * y / 10 - 1
    rng = np.random.default_rng(seed + 1)
    answered = rng.random(n) < 1 / (1 + np.exp(-(-1.5 + 0.8 * v + 2.0 * c)))
    return v[:, None], shadow, np.where(answered, y, -1.0), answered, y


def test_a_resample_as_counts_refits_to_the_model_of_the_copied_resample() -> None:
    v, shadow, y, answered, _ = _answering(5_000, 7)
    idx = np.random.default_rng(8).integers(0, len(y), len(y))
    copied = Calibration.of(y[idx], answered[idx], v[idx], shadow[idx], 0, 10, "linear").solve()
    counts = np.bincount(idx, minlength=len(y)).astype("float64")
    problem = Calibration.of(y, answered, v, shadow, 0, 10, "linear")
    counted = problem.solve(counts, start=problem.solve().theta)
    assert copied.converged and counted.converged
    assert counted.theta == pytest.approx(copied.theta, abs=1e-7)
    p = answer_probability(counted, v, y, 0, 10, 1e-3)
    assert hajek([y], answered, p, counts) == pytest.approx(
        hajek([y[idx]], answered[idx], p[idx]), abs=1e-9
    )


def _estimate(
    n: int, seed: int, up_to: int, draws: int = 0
) -> tuple[AnsweringEstimate, np.ndarray]:
    v, shadow, y, answered, truth = _answering(n, seed)
    metric = headline("NPS", np.where(answered, y, 0.0))
    est = answering_estimate(
        Calibration.of(y, answered, v, shadow, 0, 10, "linear"),
        [metric, y],
        y,
        v,
        (0, 10),
        floor=1e-3,
        draws=draws,
        seed=seed,
        bootstrap_up_to=up_to,
    )
    return est, truth


@pytest.mark.slow
def test_linearised_standard_errors_match_the_bootstrap_spread() -> None:
    """The sandwich of the stacked equations and 200 bootstrap refits measure the same
    spread: the answering model's coefficients, the weighted means and the curve."""
    boot, _ = _estimate(20_000, 1, up_to=20_000, draws=200)
    lin, _ = _estimate(20_000, 1, up_to=19_999)
    assert boot.method == "bootstrap" and lin.method == "linearised"
    assert "200 resamples" in boot.described() and "sandwich" in lin.described()
    assert lin.stacked == pytest.approx(boot.stacked)
    spread = boot.draws.std(axis=0, ddof=1)
    se = np.sqrt(np.diag(lin.cov))
    assert np.all((se / spread > 0.8) & (se / spread < 1.25))


def test_linearised_interval_of_the_score_effect_covers_at_its_level() -> None:
    """200 samples of 2,000 customers from one answering model: the 95% interval of the
    score coefficient (true value 2) covers it in 90-99% of them (a binomial 95% band
    around 95% of 200), and the weighted mean's covers every sample's own mean score as
    often."""
    covered = covered_mean = 0
    for seed in range(200):
        est, truth = _estimate(2_000, 100 + seed, up_to=0)
        low, high = est.interval(est.coef_index(0), 0.95)
        covered += low <= 2.0 <= high
        low, high = est.interval(est.value_index(1), 0.95)
        covered_mean += low <= float(np.mean(truth)) <= high
    assert 180 <= covered <= 198 and 180 <= covered_mean <= 200


def test_standardise_drops_constant_and_spanned_columns() -> None:
    seg = np.array([0, 1, 2, 0, 1, 2, 0, 0])
    onehot = np.eye(3)[seg]
    v = np.column_stack([onehot, np.ones(8), np.arange(8.0)])
    out = standardise(v)
    assert out.shape == (8, 3)  # two of three one-hot columns, and the trend
    assert np.allclose(out.mean(axis=0), 0) and np.allclose(out.std(axis=0), 1)


def test_balance_is_zero_for_everyone_and_large_for_a_selected_group() -> None:
    x = np.column_stack([np.arange(100.0), np.arange(100.0) % 2])
    everyone = np.ones(100, dtype=bool)
    smd, ess = balance(x, everyone, np.ones(100))
    assert np.allclose(smd, 0) and ess == pytest.approx(100)
    smd, _ = balance(x, np.arange(100) >= 50, np.ones(100))
    assert smd[0] > 0.8 and abs(smd[1]) < 1e-9


def _run(mechanism: str, seed: int = 11) -> tuple[SilentResult, float]:
    facts, x = simulate(4_000, mechanism, seed)
    truth = float(headline("NPS", facts["truth"].to_numpy(dtype="float64")).mean())
    query = SilentQuery(properties=("segment",), truth=None, bootstrap=60, seed=seed)
    return estimate(query, facts, x), truth


def _covers(r: SilentResult, truth: float) -> bool:
    h = r.headline
    assert h is not None and h.low is not None and h.high is not None
    return h.low <= truth <= h.high


def _by_name(r: SilentResult) -> dict[str, Strategy]:
    return {s.name: s for s in r.strategies}


@pytest.mark.slow
def test_answering_by_journey_rejects_the_score_only_model() -> None:
    """Before: ``corrected`` (score only) was the figure to read; here it misses the truth."""
    r, truth = _run("journey")
    s = _by_name(r)
    assert not s["shadow"].survives
    assert any(c.name == "balance" and not c.passed for c in s["shadow"].checks)
    assert s["shadow"].metric_ci is not None and not (
        s["shadow"].metric_ci[0] <= truth <= s["shadow"].metric_ci[1]
    )
    assert r.headline is not None and r.headline.strategy != "shadow"
    assert _covers(r, truth)


@pytest.mark.slow
def test_answering_by_score_rejects_answering_at_random_given_the_journey() -> None:
    r, truth = _run("logistic")
    s = _by_name(r)
    assert not s["mar"].survives
    assert any(c.name == "score does not drive answering" and not c.passed for c in s["mar"].checks)
    assert r.headline is not None and r.headline.kind == "estimate" and _covers(r, truth)
    assert r.answering_curve is not None and "happier" in r.answering_curve.described


@pytest.mark.slow
def test_non_monotone_answering_is_seen_as_such() -> None:
    """Before: every estimate missed by about 15 points and gamma came out near 0."""
    r, truth = _run("nonmonotone")
    assert r.answering_curve is not None and r.answering_curve.shape == "quadratic"
    assert r.answering_curve.described.startswith("U-shaped")
    combined = _by_name(r)["combined"]
    assert (
        combined.metric_ci is not None and combined.metric_ci[0] <= truth <= combined.metric_ci[1]
    )
    assert _covers(r, truth)


@pytest.mark.slow
def test_customers_never_asked_make_it_abstain_or_range() -> None:
    r, truth = _run("never_asked")
    s = _by_name(r)
    assert any(c.name == "overlap" and not c.passed for c in s["mar"].checks)
    assert r.headline is not None and r.headline.kind in {"abstain", "range"}
    assert _covers(r, truth)
    assert "not identified" in r.headline_text() or "range" in r.headline_text()
