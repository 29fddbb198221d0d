"""Answering models for survey non-response: pure NumPy/SciPy, no data frames.

Three ways to say who answers, each an *identification strategy* with its own assumption:

* **MAR given the journey** (:func:`journeyscope.analytics.estimators.aipw`): answering
  depends only on what the journey shows;
* **shadow** (:func:`fit_answering` with no covariates, linear in the score): answering
  depends only on the score the customer would give; the journey's predicted score is a
  *shadow variable* (related to the score, unrelated to answering once the score is known);
* **combined** (:func:`fit_answering` with covariates ``v``): answering depends on a few named
  journey covariates *and* on the score, linear or quadratic (non-monotone) in the score; the
  shadow variable identifies the score part, the covariates identify themselves.

The combined and shadow models are fitted by calibration (just-identified estimating
equations) ``mean((R / P(answer | v, y) - 1) h) = 0`` for instruments ``h = [1, v, shadow
basis]``, which use the score ``y`` only where it was answered (Miao & Tchetgen Tchetgen 2016;
Wang, Shao & Kim 2014). Intervals: nonparametric bootstrap that refits the answering model
in every replicate (:func:`bootstrap_answering`).

>>> y = np.array([9.0, 3.0, 0.0, 0.0]); r = np.array([True, True, False, False])
>>> score_basis(y, 0, 10, "linear").ravel().tolist()
[0.8, -0.4, -1.0, -1.0]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import linalg, optimize

Shape = Literal["linear", "quadratic"]


def score_basis(y: np.ndarray, lo: float, hi: float, shape: Shape) -> np.ndarray:
    """The score on ``[-1, 1]`` (linear) and, for ``quadratic``, its square beside it."""
    c = (2 * (np.asarray(y, dtype="float64") - lo) / (hi - lo) - 1)[:, None]
    return c if shape == "linear" else np.column_stack([c, c**2 - 1 / 3])


def shadow_basis(shadow: np.ndarray, k: int) -> np.ndarray:
    """``k`` instruments from the shadow variable: standardised, then its square, cube."""
    s = (shadow - shadow.mean()) / (shadow.std() or 1.0)
    cols = [s, s**2 - 1, s**3 - 3 * s][:k]
    return np.column_stack(cols)


def standardise(v: np.ndarray) -> np.ndarray:
    """Columns centred and scaled; constant columns, and columns that the others (with an
    intercept) already span, such as the last of a set of one-hot columns, dropped."""
    if v.size == 0:
        return np.zeros((v.shape[0], 0))
    sd = v.std(axis=0)
    keep = sd > 1e-9
    out: np.ndarray = (v[:, keep] - v[:, keep].mean(axis=0)) / sd[keep]
    if out.shape[1] == 0:
        return out
    _, r, pivot = linalg.qr(out, mode="economic", pivoting=True)
    rank = int(np.sum(np.abs(np.diag(r)) > 1e-8 * max(1.0, float(np.abs(r[0, 0])))))
    kept: np.ndarray = out[:, np.sort(pivot[:rank])]
    return kept


@dataclass(frozen=True)
class AnsweringFit:
    """``logit P(answer | v, y) = theta @ [1, v, basis(y)]`` and whether it was solved."""

    theta: np.ndarray
    covariates: int
    shape: Shape
    converged: bool

    @property
    def score_coefs(self) -> np.ndarray:
        return self.theta[1 + self.covariates :]


def _design(v: np.ndarray, basis: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(basis)), v, basis])


def fit_answering(
    y: np.ndarray,
    answered: np.ndarray,
    v: np.ndarray,
    shadow: np.ndarray,
    lo: float,
    hi: float,
    shape: Shape = "linear",
) -> AnsweringFit:
    """Solve the calibration equations for ``logit P(answer) = a + b @ v + f(y)``.

    ``y`` is used only where ``answered``; ``v`` (standardised covariates, may have no
    columns) and ``shadow`` (a prediction of the score from the journey) are needed for
    everybody. Converged means: the solver succeeded, every coefficient is finite and no
    larger than 8 (a logit slope beyond that means the data did not pin it down).
    """
    basis = score_basis(np.where(answered, y, lo), lo, hi, shape)
    z = _design(v, basis)
    h = _design(v, shadow_basis(shadow, basis.shape[1]))
    r = answered.astype("float64")
    n = len(r)

    def equations(theta: np.ndarray) -> np.ndarray:
        u = r * (1 + np.exp(-np.clip(z @ theta, -30, 30))) - 1
        out: np.ndarray = h.T @ u / n
        return out

    def jacobian(theta: np.ndarray) -> np.ndarray:
        d = -r * np.exp(-np.clip(z @ theta, -30, 30))
        out: np.ndarray = (h * d[:, None]).T @ z / n
        return out

    rate = min(max(float(r.mean()), 1e-6), 1 - 1e-6)
    start = np.zeros(z.shape[1])
    start[0] = np.log(rate / (1 - rate))
    try:
        sol = optimize.root(equations, start, jac=jacobian, method="hybr")
        theta = np.asarray(sol.x, dtype="float64")
        ok = bool(sol.success) and bool(np.all(np.isfinite(theta)))
        ok = ok and float(np.max(np.abs(theta[1:]))) < 8 if len(theta) > 1 else ok
        ok = ok and float(np.max(np.abs(equations(theta)))) < 1e-6
    except (np.linalg.LinAlgError, ValueError):
        theta, ok = start, False
    return AnsweringFit(theta=theta, covariates=v.shape[1], shape=shape, converged=ok)


def answer_probability(
    fit: AnsweringFit, v: np.ndarray, y: np.ndarray, lo: float, hi: float, floor: float
) -> np.ndarray:
    """``P(answer | v, y)`` under ``fit``, raised to ``floor`` at least."""
    eta = _design(v, score_basis(y, lo, hi, fit.shape)) @ fit.theta
    p: np.ndarray = np.clip(1 / (1 + np.exp(-np.clip(eta, -30, 30))), floor, 1.0)
    return p


def hajek(values: list[np.ndarray], answered: np.ndarray, p: np.ndarray) -> list[float]:
    """Means over everybody, respondents weighted by ``1 / p`` (normalised weights)."""
    w = np.where(answered, 1 / p, 0.0)
    total = float(w.sum())
    return [float(np.sum(w * np.where(answered, v, 0.0)) / total) for v in values]


@dataclass
class Replicates:
    """A strategy's bootstrap: point estimates, replicate estimates and curves."""

    fit: AnsweringFit
    point: list[float]
    draws: np.ndarray  # (replicates, len(values))
    coefs: np.ndarray  # (replicates, score coefficients)
    curve: np.ndarray  # (len(grid),) P(answer | score) averaged over customers
    curve_draws: np.ndarray  # (replicates, len(grid))
    failed: int = 0
    grid: np.ndarray = field(default_factory=lambda: np.zeros(0))


def _curve(fit: AnsweringFit, v: np.ndarray, grid: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """P(answer | score = g), averaged over the customers' covariates, for each g in grid."""
    base = (
        fit.theta[0] + v @ fit.theta[1 : 1 + fit.covariates]
        if fit.covariates
        else np.full(max(len(v), 1), fit.theta[0])
    )
    f = score_basis(grid, lo, hi, fit.shape) @ fit.score_coefs
    return np.array([float(np.mean(1 / (1 + np.exp(-np.clip(base + g, -30, 30))))) for g in f])


def bootstrap_answering(
    values: list[np.ndarray],
    y: np.ndarray,
    answered: np.ndarray,
    v: np.ndarray,
    shadow: np.ndarray,
    lo: float,
    hi: float,
    shape: Shape,
    *,
    floor: float,
    draws: int,
    seed: int,
) -> Replicates:
    """Fit the answering model, its weighted means of ``values`` and, in ``draws`` bootstrap
    resamples of customers, the same again with the answering model refitted (the shadow
    prediction is held fixed: any function of the journey is a valid instrument)."""
    grid = np.arange(lo, hi + 1, dtype="float64")
    fit = fit_answering(y, answered, v, shadow, lo, hi, shape)
    p = answer_probability(fit, v, y, lo, hi, floor)
    point = hajek(values, answered, p)
    curve = _curve(fit, v, grid, lo, hi)
    rng = np.random.default_rng(seed)
    rows, coefs, curves, failed = [], [], [], 0
    for _ in range(draws if fit.converged else 0):
        idx = rng.integers(0, len(y), len(y))
        vb = v[idx]
        f = fit_answering(y[idx], answered[idx], vb, shadow[idx], lo, hi, shape)
        if not f.converged:
            failed += 1
            continue
        pb = answer_probability(f, vb, y[idx], lo, hi, floor)
        rows.append(hajek([a[idx] for a in values], answered[idx], pb))
        coefs.append(f.score_coefs)
        curves.append(_curve(f, vb, grid, lo, hi))
    k = len(fit.score_coefs)
    return Replicates(
        fit=fit,
        point=point,
        draws=np.array(rows) if rows else np.zeros((0, len(values))),
        coefs=np.array(coefs) if coefs else np.zeros((0, k)),
        curve=curve,
        curve_draws=np.array(curves) if curves else np.zeros((0, len(grid))),
        failed=failed,
        grid=grid,
    )


def percentile(draws: np.ndarray, level: float) -> tuple[float, float]:
    """The central ``level`` percentile interval of ``draws`` (nan when there are none)."""
    if len(draws) == 0:
        return (float("nan"), float("nan"))
    tail = 100 * (1 - level) / 2
    return (float(np.percentile(draws, tail)), float(np.percentile(draws, 100 - tail)))


def balance(x: np.ndarray, answered: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, float]:
    """Standardised differences between the weighted respondents' feature means and every
    customer's (in standard deviations of the feature over everybody), and the effective
    number of respondents ``(sum w)^2 / sum w^2``."""
    w = np.where(answered, weights, 0.0)
    sd = x.std(axis=0)
    sd = np.where(sd > 1e-12, sd, np.nan)
    diff = (w @ x / w.sum() - x.mean(axis=0)) / sd
    ess = float(w.sum() ** 2 / np.sum(w**2))
    return np.nan_to_num(diff), ess
