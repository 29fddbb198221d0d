"""Population estimates from a sample of respondents: pure NumPy/SciPy functions.

Each returns ``(value, (low, high))``. Notation: ``y`` the answer (any value where
``answered`` is false), ``m`` a cross-fitted prediction of it for everybody, ``p`` the
probability of answering, ``z`` the normal quantile of the interval.

>>> y = np.array([1.0, 3.0, 0.0, 0.0]); answered = np.array([True, True, False, False])
>>> mean_of(y[answered], 1.96)[0]
2.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg, optimize, stats

Interval = tuple[float, float]


def _ci(value: float, se: float, z: float) -> Interval:
    return (value - z * se, value + z * se)


def mean_of(values: np.ndarray, z: float) -> tuple[float, Interval]:
    """The mean with a normal interval (standard error of the mean)."""
    value = float(np.mean(values))
    se = float(np.std(values, ddof=1) / np.sqrt(len(values))) if len(values) > 1 else 0.0
    return value, _ci(value, se, z)


def aipw(
    y: np.ndarray, m: np.ndarray, answered: np.ndarray, p: np.ndarray, z: float
) -> tuple[float, Interval]:
    """Augmented inverse-propensity weighting: doubly robust under answering at random given
    the features; the interval from its influence function, the models held fixed."""
    psi = m + answered / p * (np.where(answered, y, 0.0) - m)
    return mean_of(psi, z)


@dataclass(frozen=True)
class Selection:
    """The fitted answering model ``logit P(answer | score) = alpha + gamma * score``."""

    alpha: float
    gamma: float
    gamma_ci: Interval
    converged: bool


def outcome_selection(
    y: np.ndarray, answered: np.ndarray, shadow: np.ndarray
) -> tuple[float, float, bool]:
    """Fit ``logit P(answer | score y) = alpha + gamma * y`` with ``shadow`` as instrument.

    The score is seen only for respondents, so the usual likelihood cannot be written; the
    estimating equations are the calibration conditions ``E[(R / P(answer | y) - 1) h] = 0``
    for ``h = 1`` and ``h = shadow`` (a prediction of the score from the journey), which use
    ``y`` only where ``R = 1``. This identifies ``gamma`` when the shadow variable is related
    to the score but, once the score is known, not to answering (Miao & Tchetgen Tchetgen,
    2016, "shadow variables"). Returns ``(alpha, gamma, converged)``.
    """
    s = (shadow - shadow.mean()) / (shadow.std() or 1.0)
    yr = np.where(answered, y, 0.0)
    r = answered.astype("float64")

    def equations(theta: np.ndarray) -> np.ndarray:
        e = np.exp(-(theta[0] + theta[1] * yr))
        u = r * (1 + e) - 1
        return np.array([u.mean(), (u * s).mean()])

    def jacobian(theta: np.ndarray) -> np.ndarray:
        d = -r * np.exp(-(theta[0] + theta[1] * yr))
        return np.array([[d.mean(), (d * yr).mean()], [(d * s).mean(), (d * yr * s).mean()]])

    rate = min(max(r.mean(), 1e-6), 1 - 1e-6)
    start = np.array([np.log(rate / (1 - rate)), 0.0])
    sol = optimize.root(equations, start, jac=jacobian, method="hybr")
    ok = bool(sol.success) and bool(np.all(np.isfinite(sol.x))) and abs(sol.x[1]) < 5
    return float(sol.x[0]), float(sol.x[1]), ok


def selection_weighted(
    values: list[np.ndarray],
    y: np.ndarray,
    answered: np.ndarray,
    shadow: np.ndarray,
    z: float,
    *,
    draws: int = 200,
    seed: int = 0,
) -> tuple[Selection, list[tuple[float, Interval]]]:
    """Means of each array in ``values`` over the population, respondents weighted by
    ``1 / P(answer | y)`` from :func:`outcome_selection` (Hajek). Intervals: percentile
    bootstrap over customers (``draws`` resamples, the shadow prediction held fixed)."""
    alpha, gamma, ok = outcome_selection(y, answered, shadow)

    def weighted(a: float, g: float, idx: np.ndarray | None) -> list[float]:
        yy, rr = (y, answered) if idx is None else (y[idx], answered[idx])
        w = np.where(rr, 1 + np.exp(-(a + g * np.where(rr, yy, 0.0))), 0.0)
        return [float(np.sum(w * (v if idx is None else v[idx])) / np.sum(w)) for v in values]

    point = weighted(alpha, gamma, None)
    rng = np.random.default_rng(seed)
    boot, gammas = [], []
    for _ in range(draws if ok else 0):
        idx = rng.integers(0, len(y), len(y))
        a, g, fine = outcome_selection(y[idx], answered[idx], shadow[idx])
        if fine:
            boot.append(weighted(a, g, idx))
            gammas.append(g)
    level = 100 * (2 * float(stats.norm.cdf(z)) - 1)
    tails = ((100 - level) / 2, 100 - (100 - level) / 2)
    if boot:
        table = np.array(boot)
        intervals = [
            (
                float(np.percentile(table[:, j], tails[0])),
                float(np.percentile(table[:, j], tails[1])),
            )
            for j in range(len(values))
        ]
        g_ci = (float(np.percentile(gammas, tails[0])), float(np.percentile(gammas, tails[1])))
    else:
        intervals = [(float("nan"), float("nan"))] * len(values)
        g_ci = (float("nan"), float("nan"))
    selection = Selection(alpha=alpha, gamma=gamma, gamma_ci=g_ci, converged=ok and bool(boot))
    return selection, list(zip(point, intervals, strict=True))


def adjusted_effects(
    y: np.ndarray,
    exposures: np.ndarray,
    covariates: np.ndarray,
    z: float,
    weights: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """For each column ``c`` of ``exposures`` (0/1), the coefficient of ``c`` in the linear
    model ``y ~ 1 + c + covariates``, with HC1 (heteroskedasticity-robust) standard errors.
    With ``weights``, weighted least squares (every row multiplied by the square root of its
    weight, so the sandwich is the weighted one): e.g. respondents weighted by
    ``1 / P(answer)`` to stand for every case.

    Every column is fitted in its own model; the covariates are partialled out once
    (Frisch-Waugh-Lovell), so K exposures cost one QR of the covariates and K dot
    products, not K regressions. Returns arrays ``effect``, ``se``, ``low``, ``high``, ``p``.
    Columns that the covariates explain entirely get ``nan``.

    What is left of ``y`` and of each exposure once the covariates are partialled out is
    rounding error where it is below :data:`NOISE` of their scale, and is set to 0. An
    exposure whose rows all sit where the covariates explain ``y`` exactly (every exposed
    case in a group whose outcomes are all equal) then has effect 0 and standard error 0,
    and p 1: no evidence of an effect. Without it, the effect and its error were both
    rounding error, and their ratio, the p-value, anything from 0.80 to 0.93 for the same
    data, as the rows happened to come in.
    """
    n = len(y)
    base = np.column_stack([np.ones(n), covariates]) if covariates.size else np.ones((n, 1))
    if weights is not None:
        root = np.sqrt(weights / weights.mean())
        y, base = y * root, base * root[:, None]
        exposures = exposures * root[:, None]
    # pivoted QR: the first ``rank`` columns of q span the covariates even when some of them
    # are collinear (a property that repeats the first channel, say)
    q, r, _ = linalg.qr(base, mode="economic", pivoting=True)
    rank = int(np.sum(np.abs(np.diag(r)) > 1e-10 * max(1.0, float(np.abs(r).max()))))
    q = q[:, :rank]
    yt = _denoised(y - q @ (q.T @ y), y)
    k = rank + 1
    out = {
        name: np.full(exposures.shape[1], np.nan) for name in ("effect", "se", "low", "high", "p")
    }
    for start in range(0, exposures.shape[1], 16):
        block = exposures[:, start : start + 16].astype("float64")
        ct = _denoised(block - q @ (q.T @ block), block)
        ss = np.einsum("ij,ij->j", ct, ct)
        ok = ss > 1e-9 * n
        beta = np.where(ok, (ct * yt[:, None]).sum(0) / np.where(ok, ss, 1.0), np.nan)
        resid = yt[:, None] - ct * np.nan_to_num(beta)
        meat = np.einsum("ij,ij->j", ct**2, resid**2)
        se = np.sqrt(meat * n / max(n - k, 1)) / np.where(ok, ss, np.nan)
        sl = slice(start, start + block.shape[1])
        out["effect"][sl], out["se"][sl] = beta, se
        out["low"][sl], out["high"][sl] = beta - z * se, beta + z * se
        with np.errstate(invalid="ignore", divide="ignore"):
            p = 2 * stats.norm.sf(np.abs(beta / se))
        out["p"][sl] = np.where(ok & (beta == 0) & (se == 0), 1.0, p)
    return out


#: Below this share of a column's largest value, what a projection leaves is rounding error.
NOISE = 1e-10


def _denoised(residual: np.ndarray, of: np.ndarray) -> np.ndarray:
    """``residual`` (of ``of``, a vector or columns, once projected out) with the entries
    below :data:`NOISE` of ``of``'s scale (its largest absolute value, at least 1) set to 0."""
    scale = np.maximum(np.abs(of).max(axis=0) if of.size else 0.0, 1.0)
    return np.where(np.abs(residual) < NOISE * scale, 0.0, residual)
