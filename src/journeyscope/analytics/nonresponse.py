"""Answering models for survey non-response: pure NumPy/SciPy, no data frames.

Three ways to say who answers, each an *identification strategy* with its own assumption:

* **MAR given the journey** (:func:`journeyscope.analytics.estimators.aipw`): answering
  depends only on what the journey shows;
* **shadow** (:class:`Calibration` with no covariates, linear in the score): answering
  depends only on the score the customer would give; the journey's predicted score is a
  *shadow variable* (related to the score, unrelated to answering once the score is known);
* **combined** (:class:`Calibration` with covariates ``v``): answering depends on a few named
  journey covariates *and* on the score, linear or quadratic (non-monotone) in the score; the
  shadow variable identifies the score part, the covariates identify themselves.

The combined and shadow models are fitted by calibration (just-identified estimating
equations) ``mean((R / P(answer | v, y) - 1) h) = 0`` for instruments ``h = [1, v, shadow
basis]``, which use the score ``y`` only where it was answered (Miao & Tchetgen Tchetgen 2016;
Wang, Shao & Kim 2014). Intervals (:func:`answering_estimate`): up to a number of customers,
a nonparametric bootstrap that refits the answering model in every resample
(:func:`bootstrap_answering`); above it, the sandwich variance of the answering model's
calibration equations stacked with the weighted means (:func:`linearised_covariance`), which
costs about one more fit instead of one fit per resample.

>>> y = np.array([9.0, 3.0, 0.0, 0.0]); r = np.array([True, True, False, False])
>>> score_basis(y, 0, 10, "linear").ravel().tolist()
[0.8, -0.4, -1.0, -1.0]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

import numpy as np
from scipy import linalg, optimize, stats

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
    r, pivot = linalg.qr(out, mode="r", pivoting=True)  # R alone: no n x k Q
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


#: Rows per block where a pass over every customer builds an intermediate array.
CHUNK: Final = 1 << 16


def _blocks(n: int) -> list[slice]:
    return [slice(s, min(s + CHUNK, n)) for s in range(0, n, CHUNK)]


def _sigmoid(eta: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1 / (1 + np.exp(-np.clip(eta, -30, 30)))
    return out


@dataclass(frozen=True)
class Calibration:
    """The calibration equations of one answering model on one set of customers: the design
    ``z = [1, v, basis(y)]`` and instruments ``h = [1, v, shadow basis]``, built once and
    solved for any frequency weights (a bootstrap resample is a vector of counts)."""

    z: np.ndarray
    h: np.ndarray
    r: np.ndarray  # 1.0 where answered
    covariates: int
    shape: Shape

    @classmethod
    def of(
        cls,
        y: np.ndarray,
        answered: np.ndarray,
        v: np.ndarray,
        shadow: np.ndarray,
        lo: float,
        hi: float,
        shape: Shape,
    ) -> Calibration:
        basis = score_basis(np.where(answered, y, lo), lo, hi, shape)
        return cls(
            z=_design(v, basis),
            h=_design(v, shadow_basis(shadow, basis.shape[1])),
            r=answered.astype("float64"),
            covariates=v.shape[1],
            shape=shape,
        )

    def equations(self, theta: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """``sum_i weight_i h_i (R_i / P_i - 1) / sum_i weight_i``."""
        u = self.r * (1 + np.exp(-np.clip(self.z @ theta, -30, 30))) - 1
        if weights is not None:
            u = u * weights
        out: np.ndarray = self.h.T @ u / self._total(weights)
        return out

    def jacobian(self, theta: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        d = -self.r * np.exp(-np.clip(self.z @ theta, -30, 30))
        if weights is not None:
            d = d * weights
        return _cross(self.h, d, self.z) / self._total(weights)

    def _total(self, weights: np.ndarray | None) -> float:
        return float(len(self.r) if weights is None else weights.sum())

    def solve(
        self, weights: np.ndarray | None = None, start: np.ndarray | None = None
    ) -> AnsweringFit:
        """Solve from ``start`` (default: the response rate's logit, every slope 0).
        Converged means: the solver succeeded, every coefficient is finite and no larger
        than 8 (a logit slope beyond that means the data did not pin it down)."""
        if start is None:
            rate = float(np.average(self.r, weights=weights))
            rate = min(max(rate, 1e-6), 1 - 1e-6)
            start = np.zeros(self.z.shape[1])
            start[0] = np.log(rate / (1 - rate))
        try:
            sol = optimize.root(
                self.equations, start, args=(weights,), jac=self.jacobian, method="hybr"
            )
            theta = np.asarray(sol.x, dtype="float64")
            ok = bool(sol.success) and bool(np.all(np.isfinite(theta)))
            ok = ok and float(np.max(np.abs(theta[1:]))) < 8 if len(theta) > 1 else ok
            ok = ok and float(np.max(np.abs(self.equations(theta, weights)))) < 1e-6
        except (np.linalg.LinAlgError, ValueError):
            theta, ok = start, False
        return AnsweringFit(theta=theta, covariates=self.covariates, shape=self.shape, converged=ok)


def _cross(a: np.ndarray, d: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a.T @ diag(d) @ b``, block by block (no ``n x k`` temporary)."""
    out = np.zeros((a.shape[1], b.shape[1]))
    for s in _blocks(len(d)):
        out += a[s].T @ (b[s] * d[s, None])
    return out


def answer_probability(
    fit: AnsweringFit, v: np.ndarray, y: np.ndarray, lo: float, hi: float, floor: float
) -> np.ndarray:
    """``P(answer | v, y)`` under ``fit``, raised to ``floor`` at least."""
    eta = _base(fit, v, len(y)) + score_basis(y, lo, hi, fit.shape) @ fit.score_coefs
    p: np.ndarray = np.clip(_sigmoid(eta), floor, 1.0)
    return p


def best_probability(
    fit: AnsweringFit, v: np.ndarray, grid: np.ndarray, lo: float, hi: float
) -> np.ndarray:
    """Each customer's highest ``P(answer | v, score)`` over the scores in ``grid`` (the
    logistic is increasing, so it is the one at the largest score term)."""
    f = score_basis(grid, lo, hi, fit.shape) @ fit.score_coefs
    return _sigmoid(_base(fit, v, len(v)) + float(f.max()))


def hajek(
    values: list[np.ndarray],
    answered: np.ndarray,
    p: np.ndarray,
    weights: np.ndarray | None = None,
) -> list[float]:
    """Means over everybody, respondents weighted by ``1 / p`` (normalised weights), each
    customer counted ``weights`` times (a bootstrap resample's counts) when given."""
    w = np.where(answered, 1 / p, 0.0)
    if weights is not None:
        w = w * weights
    total = float(w.sum())
    return [float(np.sum(w * np.where(answered, v, 0.0)) / total) for v in values]


def _curve(
    fit: AnsweringFit,
    v: np.ndarray,
    grid: np.ndarray,
    lo: float,
    hi: float,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """P(answer | score = g), averaged over the customers' covariates (each counted
    ``weights`` times when given), for each g in grid."""
    n = max(len(v), 1)
    f = score_basis(grid, lo, hi, fit.shape) @ fit.score_coefs
    base = _base(fit, v, n)
    total = np.zeros(len(grid))
    for s in _blocks(n):
        p = _sigmoid(base[s, None] + f[None, :])
        total += p.sum(axis=0) if weights is None else weights[s] @ p
    out: np.ndarray = total / (n if weights is None else float(weights.sum()))
    return out


def _base(fit: AnsweringFit, v: np.ndarray, n: int) -> np.ndarray:
    """Each customer's logit at score basis 0: intercept plus covariates."""
    if fit.covariates:
        out: np.ndarray = fit.theta[0] + v @ fit.theta[1 : 1 + fit.covariates]
        return out
    return np.full(n, fit.theta[0])


Method = Literal["bootstrap", "linearised"]


@dataclass(frozen=True)
class AnsweringEstimate:
    """A strategy's answering model, its weighted means and curve, and their uncertainty.

    The estimates are stacked as one vector, ``[theta | point | curve]``; ``method`` says
    where their intervals come from: ``bootstrap`` (``draws``, one row per resample whose
    refit converged; ``failed`` did not) or ``linearised`` (``cov``, the sandwich
    covariance of the stacked estimating equations, see :func:`linearised_covariance`).
    """

    fit: AnsweringFit
    point: list[float]
    curve: np.ndarray  # (len(grid),) P(answer | score) averaged over customers
    grid: np.ndarray
    method: Method
    draws: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    cov: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    resamples: int = 0
    failed: int = 0

    @property
    def stacked(self) -> np.ndarray:
        return np.concatenate([self.fit.theta, self.point, self.curve])

    @property
    def has_intervals(self) -> bool:
        if self.method == "bootstrap":
            return len(self.draws) > 0
        return self.cov.size > 0 and bool(np.all(np.isfinite(np.diag(self.cov))))

    def value_index(self, j: int) -> int:
        return len(self.fit.theta) + j

    def coef_index(self, j: int) -> int:
        return 1 + self.fit.covariates + j

    def curve_index(self, k: int) -> int:
        return len(self.fit.theta) + len(self.point) + k

    def interval(self, index: int, level: float) -> tuple[float, float]:
        """The ``level`` interval of stacked estimate ``index`` (nan when there is none)."""
        if not self.has_intervals:
            return (float("nan"), float("nan"))
        if self.method == "bootstrap":
            return percentile(self.draws[:, index], level)
        grad = np.zeros(len(self.cov))
        grad[index] = 1.0
        return _normal(float(self.stacked[index]), grad, self.cov, level)

    def ratio(self, num: int, den: int, level: float) -> tuple[float, float, float] | None:
        """The ratio of weighted means ``num / den`` (value indices) with its interval."""
        a, b = self.point[num], self.point[den]
        if not self.has_intervals or b <= 0:
            return None
        i, j = self.value_index(num), self.value_index(den)
        if self.method == "bootstrap":
            den_draws = self.draws[:, j]
            r = self.draws[:, i] / np.where(den_draws > 0, den_draws, np.nan)
            low, high = percentile(r[np.isfinite(r)], level)
        else:
            grad = np.zeros(len(self.cov))
            grad[i], grad[j] = 1 / b, -a / b**2
            low, high = _normal(a / b, grad, self.cov, level)
        return (a / b, low, high)

    def described(self) -> str:
        """How the intervals were made, in words."""
        if self.method == "bootstrap":
            return (
                f"percentile bootstrap, {len(self.draws)} resamples of customers, answering "
                f"model refitted in each ({self.fit.shape} in the score)"
            )
        return (
            "normal interval from the linearised estimating equations (sandwich variance of "
            "the answering model's calibration equations stacked with the weighted means, so "
            f"the answering model's own error is included; {self.fit.shape} in the score)"
        )


def _normal(value: float, grad: np.ndarray, cov: np.ndarray, level: float) -> tuple[float, float]:
    se = float(np.sqrt(max(float(grad @ cov @ grad), 0.0)))
    z = float(stats.norm.ppf(0.5 + level / 2))
    return (value - z * se, value + z * se)


def answering_estimate(
    problem: Calibration,
    values: list[np.ndarray],
    y: np.ndarray,
    v: np.ndarray,
    scale: tuple[float, float],
    *,
    floor: float,
    draws: int,
    seed: int,
    bootstrap_up_to: int,
) -> AnsweringEstimate:
    """Fit the answering model of ``problem`` (built from the score ``y``, the covariates
    ``v`` and the ``scale``) and its weighted means of ``values``, with intervals from
    ``draws`` bootstrap resamples of customers for up to ``bootstrap_up_to`` customers
    (:func:`bootstrap_answering`), from the linearised estimating equations above that
    (:func:`linearised_covariance`)."""
    lo, hi = scale
    answered = problem.r > 0
    grid = np.arange(lo, hi + 1, dtype="float64")
    fit = problem.solve()
    p = answer_probability(fit, v, y, lo, hi, floor)
    point = hajek(values, answered, p)
    method: Method = "bootstrap" if len(y) <= bootstrap_up_to else "linearised"
    if not fit.converged:  # no interval for a model that was not solved
        return AnsweringEstimate(fit, point, _curve(fit, v, grid, lo, hi), grid, method)
    if method == "bootstrap":
        draws_table, failed = bootstrap_answering(
            problem, fit, values, y, answered, v, scale, grid, floor=floor, draws=draws, seed=seed
        )
        return AnsweringEstimate(
            fit,
            point,
            _curve(fit, v, grid, lo, hi),
            grid,
            method,
            draws=draws_table,
            resamples=draws,
            failed=failed,
        )
    cov, curve = linearised_covariance(problem, fit, values, v, scale, floor, point, grid)
    return AnsweringEstimate(fit, point, curve, grid, method, cov=cov)


def bootstrap_answering(
    problem: Calibration,
    fit: AnsweringFit,
    values: list[np.ndarray],
    y: np.ndarray,
    answered: np.ndarray,
    v: np.ndarray,
    scale: tuple[float, float],
    grid: np.ndarray,
    *,
    floor: float,
    draws: int,
    seed: int,
) -> tuple[np.ndarray, int]:
    """``draws`` bootstrap resamples of customers, the answering model refitted in each (the
    shadow prediction held fixed: any function of the journey is a valid instrument): one
    row ``[theta | weighted means | curve]`` per resample whose refit converged, and how many
    did not. A resample is a vector of counts (how often each customer was drawn), so no
    array is copied, and each refit starts from the full sample's ``fit`` (solved)."""
    lo, hi = scale
    rng = np.random.default_rng(seed)
    n = len(y)
    rows, failed = [], 0
    for _ in range(draws):
        counts = np.bincount(rng.integers(0, n, n), minlength=n).astype("float64")
        f = problem.solve(counts, start=fit.theta)
        if not f.converged:
            failed += 1
            continue
        pb = answer_probability(f, v, y, lo, hi, floor)
        means = hajek(values, answered, pb, counts)
        rows.append(np.concatenate([f.theta, means, _curve(f, v, grid, lo, hi, counts)]))
    width = len(fit.theta) + len(values) + len(grid)
    return (np.array(rows) if rows else np.zeros((0, width))), failed


def linearised_covariance(
    problem: Calibration,
    fit: AnsweringFit,
    values: list[np.ndarray],
    v: np.ndarray,
    scale: tuple[float, float],
    floor: float,
    means: list[float],
    grid: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The sandwich covariance of ``[theta | weighted means | curve]`` (Stefanski & Boos
    2002, "The calculus of M-estimation"): the answering model's calibration equations
    ``h (R / P - 1)``, each Hajek mean's ``R / P (a - mu)`` and each curve point's
    ``P(answer | v_i, g) - C(g)`` stacked, their Jacobian ``A`` and the outer products ``B``
    of the stacked estimating functions, ``A^-1 B A^-T / n``. The means and the curve carry
    the answering model's estimation error through ``A``; the shadow prediction is held
    fixed, as in the bootstrap. Two passes over the customers, block by block: ``A``, then
    ``B`` of the influence functions ``-A^-1 g_i``. ``means`` are the weighted means at
    ``fit``; the curve over ``grid`` is computed on the way and returned beside the
    covariance (nan when ``A`` is singular)."""
    lo, hi = scale
    theta, c = fit.theta, fit.covariates
    n, k, m, g = len(problem.r), len(theta), len(values), len(grid)
    answered = problem.r > 0
    a = np.column_stack([np.where(answered, x, 0.0) for x in values])
    point = np.array(means)
    basis = score_basis(grid, lo, hi, fit.shape)  # (g, score coefficients)
    f = basis @ fit.score_coefs
    base = _base(fit, v, n)
    e = np.exp(-np.clip(problem.z @ theta, -30, 30))  # 1 / P - 1
    unclipped = 1 / (1 + e) > floor
    w = problem.r * np.where(unclipped, 1 + e, 1 / floor)
    dw = -problem.r * e * unclipped  # d w / d eta
    curves = []  # P(answer | v_i, g), block by block, kept for the second pass

    j_tt = problem.jacobian(theta)
    j_mt, j_ct = np.zeros((m, k)), np.zeros((g, k))
    for s in _blocks(n):
        j_mt += (a[s] - point).T @ (problem.z[s] * dw[s, None])
        pg = _sigmoid(base[s, None] + f[None, :])  # (rows, g)
        slope = pg * (1 - pg)
        j_ct[:, : 1 + c] += slope.T @ problem.z[s][:, : 1 + c]
        j_ct[:, 1 + c :] += slope.sum(axis=0)[:, None] * basis
        curves.append(pg)
    at = np.sum([pg.sum(axis=0) for pg in curves], axis=0) / n
    j_mt, j_ct, mean_w = j_mt / n, j_ct / n, float(w.mean())
    try:
        inverse = linalg.inv(j_tt)
    except (linalg.LinAlgError, ValueError):
        return np.full((k + m + g, k + m + g), np.nan), at
    meat = np.zeros((k + m + g, k + m + g))
    for s, pg in zip(_blocks(n), curves, strict=True):
        g_t = problem.h[s] * (problem.r[s] * (1 + e[s]) - 1)[:, None]
        inf_t = -g_t @ inverse.T
        inf_m = (w[s, None] * (a[s] - point) + inf_t @ j_mt.T) / mean_w
        inf_c = pg - at + inf_t @ j_ct.T
        block = np.column_stack([inf_t, inf_m, inf_c])
        meat += block.T @ block
    return meat / n**2, at


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
    n, k = x.shape
    total, weighted = np.zeros(k), np.zeros(k)
    for s in _blocks(n):  # float64 sums over blocks: no float64 copy of a float32 x
        block = x[s].astype("float64")
        total += block.sum(axis=0)
        weighted += w[s] @ block
    mean = total / max(n, 1)
    squares = np.zeros(k)
    for s in _blocks(n):
        squares += ((x[s].astype("float64") - mean) ** 2).sum(axis=0)
    sd = np.sqrt(squares / max(n, 1))
    sd = np.where(sd > 1e-12, sd, np.nan)
    diff = (weighted / w.sum() - mean) / sd
    ess = float(w.sum() ** 2 / np.sum(w**2))
    return np.nan_to_num(diff), ess
