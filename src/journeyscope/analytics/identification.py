"""Several identification strategies for non-response, their checks, and one honest headline.

Respondents alone cannot tell *why* the others stayed silent, so no single estimate is right
under every mechanism. :func:`identify` computes each strategy (its assumption in one
sentence), checks what the data can check about each (did it converge, is the shadow
variable strong enough, do its weights make the respondents look like every customer on the
journey features it did not use, are there customers with almost no chance to answer, does
the score drive answering beyond the named covariates), and then:

* **estimate**: the most general strategy whose checks pass, when the surviving strategies'
  intervals overlap;
* **range**: when surviving strategies disagree beyond their intervals, the span of their
  intervals, with the reason in words; never one confident number then;
* **abstain**: when no strategy survives its checks, the span of every interval, marked as
  not identified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
from pydantic import BaseModel

from journeyscope.analytics.estimators import aipw
from journeyscope.analytics.nonresponse import (
    AnsweringEstimate,
    Calibration,
    Shape,
    answer_probability,
    answering_estimate,
    balance,
    best_probability,
)
from journeyscope.analytics.sensitivity import Sensitivity, sweep

StrategyName = Literal["mar", "shadow", "combined"]

#: One sentence per strategy: what must hold for it to be right.
ASSUMPTION: Final[dict[str, str]] = {
    "mar": (
        "whether a customer answers depends only on what their journey shows (the derived "
        "journey features and the named covariates), not on the score itself"
    ),
    "shadow": (
        "whether a customer answers depends only on the score they would give (logistic in "
        "it), so the journey's predicted score moves answering only through the score"
    ),
    "combined": (
        "whether a customer answers depends on the named covariates and channel use AND on "
        "the score (linear or U-shaped in it), but not on the rest of the journey once those "
        "are known"
    ),
}
PREFERENCE: Final[tuple[StrategyName, ...]] = ("combined", "shadow", "mar")


class Check(BaseModel):
    name: str
    passed: bool
    detail: str


class Strategy(BaseModel):
    name: str
    assumption: str
    metric: float | None
    metric_ci: tuple[float, float] | None
    mean_score: float | None
    mean_score_ci: tuple[float, float] | None
    interval: str
    checks: list[Check]
    survives: bool
    score_coefficients: list[tuple[float, float, float]] = []
    never_asked: tuple[float, float, float] | None = None


class CurvePoint(BaseModel):
    score: float
    p_answer: float
    low: float | None
    high: float | None


class AnsweringCurve(BaseModel):
    """P(answer | score), averaged over customers, from the combined (or shadow) model."""

    strategy: str
    shape: str
    described: str
    score_coefficients: list[tuple[float, float, float]]
    points: list[CurvePoint]


class Headline(BaseModel):
    kind: Literal["estimate", "range", "abstain"]
    strategy: str | None
    value: float | None
    low: float | None
    high: float | None
    reason: str


@dataclass(frozen=True)
class Inputs:
    """Everything :func:`identify` needs, one entry per customer."""

    metric: np.ndarray
    score: np.ndarray
    answered: np.ndarray
    features: np.ndarray  # float32 or float64; the balance check sums in float64
    feature_names: list[str]
    covariates: np.ndarray  # standardised; empty columns when none
    covariate_columns: list[int]  # which feature columns the covariates came from
    m_metric: np.ndarray
    m_score: np.ndarray
    propensity: np.ndarray  # cross-fitted, floored
    floor_share: float
    shadow_r2: float
    scale: tuple[float, float]
    # odds of never being asked given the journey, per (asked) customer; None: all asked
    odds: np.ndarray | None = None


def _round(v: float) -> float | None:
    return round(v, 4) if np.isfinite(v) else None


def _ci(ci: tuple[float, float]) -> tuple[float, float] | None:
    lo, hi = ci
    return (round(lo, 4), round(hi, 4)) if np.isfinite(lo) and np.isfinite(hi) else None


def _balance_check(
    inp: Inputs, weights: np.ndarray, used: list[int], what: str
) -> tuple[Check, float]:
    smd, ess = balance(inp.features, inp.answered, weights)
    free = [j for j in range(len(smd)) if j not in set(used)]
    if not free:
        return Check(name="balance", passed=True, detail="no feature left to check"), ess
    worst = max(free, key=lambda j: abs(smd[j]))
    limit = max(0.1, 3.5 / np.sqrt(max(ess, 1.0)))
    ok = bool(abs(smd[worst]) <= limit)
    detail = (
        f"weighted respondents vs every customer on {len(free)} journey features {what}: "
        f"largest standardised difference {smd[worst]:+.3f} ({inp.feature_names[worst]}), "
        f"allowed {limit:.3f} (0.1 or 3.5 / sqrt(effective respondents {ess:.0f}))"
    )
    return Check(name="balance", passed=ok, detail=detail), ess


def _model_checks(inp: Inputs, rep: AnsweringEstimate) -> list[Check]:
    checks = [
        Check(
            name="converged",
            passed=rep.fit.converged,
            detail="calibration equations solved"
            if rep.fit.converged
            else "the answering model could not be solved (score effect not pinned down)",
        ),
        Check(
            name="shadow strength",
            passed=inp.shadow_r2 >= 0.05,
            detail=f"the journey predicts the score with out-of-fold R2 {inp.shadow_r2:.3f} "
            f"(needs 0.05 or more to identify how the score drives answering)",
        ),
    ]
    if rep.fit.converged and rep.method == "bootstrap" and rep.resamples:
        checks.append(
            Check(
                name="stable",
                passed=rep.failed <= 0.2 * rep.resamples,
                detail=f"{rep.failed} of {rep.resamples} bootstrap refits failed to solve",
            )
        )
    elif rep.fit.converged and rep.method == "linearised":
        checks.append(
            Check(
                name="stable",
                passed=rep.has_intervals,
                detail="the calibration equations' Jacobian is invertible and the sandwich "
                "variance finite"
                if rep.has_intervals
                else "the calibration equations' Jacobian is singular: no variance",
            )
        )
    return checks


def _from_replicates(
    name: StrategyName, inp: Inputs, rep: AnsweringEstimate, level: float, used: list[int]
) -> Strategy:
    checks = _model_checks(inp, rep)
    metric_ci = score_ci = None
    metric = score = None
    if rep.fit.converged:
        lo, hi = inp.scale
        p = answer_probability(
            rep.fit, inp.covariates if used else _none(inp), inp.score, lo, hi, 1e-3
        )
        what = "not in its model" if used else "(it uses none of them)"
        bal, _ = _balance_check(inp, 1 / p, used, what)
        checks.append(bal)
        checks.append(_overlap(inp, rep, used))
        metric, score = _round(rep.point[0]), _round(rep.point[1])
        if rep.has_intervals:
            metric_ci = _ci(rep.interval(rep.value_index(0), level))
            score_ci = _ci(rep.interval(rep.value_index(1), level))
    return Strategy(
        never_asked=_transported(rep, level) if inp.odds is not None else None,
        name=name,
        assumption=ASSUMPTION[name],
        metric=metric,
        metric_ci=metric_ci,
        mean_score=score,
        mean_score_ci=score_ci,
        interval=rep.described(),
        checks=checks,
        survives=all(c.passed for c in checks) and metric_ci is not None,
        score_coefficients=_coefs(rep, level) if rep.fit.converged else [],
    )


def _transported(rep: AnsweringEstimate, level: float) -> tuple[float, float, float] | None:
    """The never-asked metric: respondents weighted by 1 / P(answer) x odds of never being
    asked, i.e. the ratio of the weighted means of odds x metric and of odds (values 2, 3)."""
    return rep.ratio(2, 3, level) if rep.fit.converged else None


def _mar_transported(inp: Inputs, z: float) -> tuple[float, float, float] | None:
    """The never-asked metric under answering at random given the journey: respondents
    weighted by odds / propensity (ratio estimate, linearised interval, models held fixed
    as in the doubly robust interval)."""
    if inp.odds is None:
        return None
    w = np.where(inp.answered, inp.odds / inp.propensity, 0.0)
    total = float(w.mean())
    if total <= 0:
        return None
    value = float(np.sum(w * inp.metric) / np.sum(w))
    psi = w * (inp.metric - value) / total
    se = float(np.std(psi, ddof=1) / np.sqrt(len(psi)))
    return (value, value - z * se, value + z * se)


def _none(inp: Inputs) -> np.ndarray:
    return np.zeros((len(inp.score), 0))


def _overlap(inp: Inputs, rep: AnsweringEstimate, used: list[int]) -> Check:
    """Customers whose chance to answer stays below 1% whatever score they would give:
    nothing in the respondents speaks for them."""
    lo, hi = inp.scale
    v = inp.covariates if used else _none(inp)
    best = best_probability(rep.fit, v, rep.grid, lo, hi)
    share = float(np.mean(best < 0.01))
    return Check(
        name="overlap",
        passed=share <= 0.02,
        detail=f"{share:.1%} of customers have under 1% chance to answer at any score (allowed 2%)",
    )


def _mar(inp: Inputs, z: float) -> Strategy:
    m, (mlo, mhi) = aipw(inp.metric, inp.m_metric, inp.answered, inp.propensity, z)
    s, (slo, shi) = aipw(inp.score, inp.m_score, inp.answered, inp.propensity, z)
    bal, ess = _balance_check(inp, 1 / inp.propensity, [], "(all of them)")
    r = int(inp.answered.sum())
    checks = [
        bal,
        Check(
            name="overlap",
            passed=inp.floor_share <= 0.02 and ess >= 0.2 * r,
            detail=f"{inp.floor_share:.1%} of customers have a propensity at the floor "
            f"(allowed 2%); effective respondents {ess:.0f} of {r} (needs 20% or more)",
        ),
    ]
    return Strategy(
        name="mar",
        assumption=ASSUMPTION["mar"],
        metric=_round(m),
        metric_ci=_ci((mlo, mhi)),
        mean_score=_round(s),
        mean_score_ci=_ci((slo, shi)),
        interval=(
            "augmented inverse-propensity weighting with cross-fitted models: normal interval "
            "from the influence function, valid with the models' own error under cross-fitting"
        ),
        checks=checks,
        survives=all(c.passed for c in checks),
        never_asked=_mar_transported(inp, z),
    )


def _coefs(rep: AnsweringEstimate, level: float) -> list[tuple[float, float, float]]:
    """Each score coefficient (on the score scaled to -1..1) with its interval."""
    coefs = []
    for j, c in enumerate(rep.fit.score_coefs):
        lo, hi = rep.interval(rep.coef_index(j), level)
        coefs.append((round(float(c), 4), round(lo, 4), round(hi, 4)))
    return coefs


def _curve(name: str, rep: AnsweringEstimate, level: float) -> AnsweringCurve:
    coefs = _coefs(rep, level)
    points = []
    for k, g in enumerate(rep.grid):
        lo, hi = np.clip(rep.interval(rep.curve_index(k), level), 0.0, 1.0)
        points.append(
            CurvePoint(
                score=float(g),
                p_answer=round(float(rep.curve[k]), 4),
                low=_round(lo),
                high=_round(hi),
            )
        )
    return AnsweringCurve(
        strategy=name,
        shape=rep.fit.shape,
        described=_describe(coefs, rep.fit.shape),
        score_coefficients=coefs,
        points=points,
    )


def _describe(coefs: list[tuple[float, float, float]], shape: str) -> str:
    def sure(c: tuple[float, float, float]) -> bool:
        return bool(np.isfinite(c[1]) and (c[1] > 0 or c[2] < 0))

    if shape == "quadratic" and sure(coefs[1]):
        return (
            "U-shaped: the least and the most satisfied answer more"
            if coefs[1][0] > 0
            else ("inverted U: middling customers answer more")
        )
    if sure(coefs[0]):
        return (
            "happier customers answer more"
            if coefs[0][0] > 0
            else "unhappier customers answer more"
        )
    return "no clear dependence on the score (the interval of its effect holds zero)"


#: The smallest curvature (on the score scaled to -1..1) worth a U-shaped model: the odds of
#: answering at either end of the scale at least 1.65 times those in the middle.
MIN_CURVATURE: Final = 0.5


def _bent(quad: AnsweringEstimate, level: float) -> bool:
    """Whether the quadratic answering model is identified and clearly bent: it converged,
    at most 20% of its refits failed, its curvature's interval excludes zero and the
    curvature is at least :data:`MIN_CURVATURE`."""
    if not quad.fit.converged or quad.failed > 0.2 * quad.resamples or not quad.has_intervals:
        return False
    low, high = quad.interval(quad.coef_index(1), level)
    return (low > 0 or high < 0) and abs(float(quad.fit.score_coefs[1])) >= MIN_CURVATURE


def _score_matters(rep: AnsweringEstimate, level: float) -> bool:
    """Whether some score coefficient's interval excludes zero."""
    for j in range(len(rep.fit.score_coefs)):
        lo, hi = rep.interval(rep.coef_index(j), level)
        if np.isfinite(lo) and (lo > 0 or hi < 0):
            return True
    return False


def identify(
    inp: Inputs, *, z: float, level: float, draws: int, seed: int, bootstrap_up_to: int
) -> tuple[list[Strategy], AnsweringCurve | None, Headline, Sensitivity | None]:
    """Every strategy with its checks, the answering curve, the headline and the sensitivity
    of the headline (or, without one, of the most general strategy) to the score's pull."""
    lo, hi = inp.scale
    values = [inp.metric, inp.score]
    if inp.odds is not None:
        values += [inp.odds * inp.metric, inp.odds]

    def fit(v: np.ndarray, shape: Shape) -> AnsweringEstimate:
        problem = Calibration.of(inp.score, inp.answered, v, inp.m_score, lo, hi, shape)
        return answering_estimate(
            problem,
            values,
            inp.score,
            v,
            inp.scale,
            floor=1e-3,
            draws=draws,
            seed=seed,
            bootstrap_up_to=bootstrap_up_to,
        )

    shadow = fit(_none(inp), "linear")
    strategies = [_mar(inp, z), _from_replicates("shadow", inp, shadow, level, [])]
    reps: dict[str, AnsweringEstimate] = {"shadow": shadow}
    if inp.covariates.shape[1]:
        # the linear model is fitted only when the quadratic one is not clearly bent
        quad = fit(inp.covariates, "quadratic")
        combined = quad if _bent(quad, level) else fit(inp.covariates, "linear")
        reps["combined"] = combined
        strategies.append(_from_replicates("combined", inp, combined, level, inp.covariate_columns))
        mar = strategies[0]
        comb = strategies[-1]
        if comb.survives:
            matters = _score_matters(combined, level)
            mar.checks.append(
                Check(
                    name="score does not drive answering",
                    passed=not matters,
                    detail="the combined model finds the score "
                    + (
                        "drives answering beyond the journey covariates"
                        if matters
                        else "makes no clear difference to answering once the covariates are known"
                    ),
                )
            )
            mar.survives = all(c.passed for c in mar.checks)
    headline = _headline(strategies)
    order = [headline.strategy, *PREFERENCE]
    drawn = next((n for n in order if n in reps and reps[n].fit.converged), None)
    curve = _curve(drawn, reps[drawn], level) if drawn else None
    sensitivity = _sensitivity(inp, strategies, headline, reps)
    return strategies, curve, headline, sensitivity


def _ordered(strategies: list[Strategy]) -> list[Strategy]:
    return sorted(strategies, key=lambda s: PREFERENCE.index(s.name))


def _headline(strategies: list[Strategy]) -> Headline:
    alive = [s for s in _ordered(strategies) if s.survives and s.metric_ci is not None]
    every = [s for s in strategies if s.metric_ci is not None]

    def span(group: list[Strategy]) -> tuple[float | None, float | None]:
        cis = [s.metric_ci for s in group if s.metric_ci is not None]
        if not cis:
            return None, None
        return min(c[0] for c in cis), max(c[1] for c in cis)

    def said(group: list[Strategy]) -> str:
        return "; ".join(
            f"{s.name} {s.metric:+.1f} [{s.metric_ci[0]:+.1f}, {s.metric_ci[1]:+.1f}]"
            for s in group
            if s.metric is not None and s.metric_ci is not None
        )

    if not alive:
        low, high = span(every)
        failed = "; ".join(
            f"{s.name}: " + ", ".join(c.name for c in s.checks if not c.passed) for s in strategies
        )
        return Headline(
            kind="abstain",
            strategy=None,
            value=None,
            low=low,
            high=high,
            reason=(
                "not identified: every strategy fails a check of its assumption ("
                f"{failed}); the span of all their intervals is shown only as the range the "
                "truth may plausibly fall in: " + said(every)
            ),
        )
    clash = [
        (a.name, b.name)
        for i, a in enumerate(alive)
        for b in alive[i + 1 :]
        if a.metric_ci
        and b.metric_ci
        and (a.metric_ci[1] < b.metric_ci[0] or b.metric_ci[1] < a.metric_ci[0])
    ]
    dropped = [s.name for s in strategies if s not in alive]
    gone = f"; set aside because their checks failed: {', '.join(dropped)}" if dropped else ""
    if clash:
        low, high = span(alive)
        return Headline(
            kind="range",
            strategy=None,
            value=None,
            low=low,
            high=high,
            reason=(
                "strategies whose checks pass disagree beyond their intervals ("
                + ", ".join(f"{a} vs {b}" for a, b in clash)
                + "), and the respondents cannot tell which assumption about answering holds; "
                "the range spans their intervals: " + said(alive) + gone
            ),
        )
    top = alive[0]
    assert top.metric_ci is not None
    agree = ", ".join(s.name for s in alive[1:])
    return Headline(
        kind="estimate",
        strategy=top.name,
        value=top.metric,
        low=top.metric_ci[0],
        high=top.metric_ci[1],
        reason=(
            f"{top.name}: the most general strategy whose checks pass"
            + (f"; it agrees with {agree}" if agree else "")
            + gone
        ),
    )


def _sensitivity(
    inp: Inputs,
    strategies: list[Strategy],
    headline: Headline,
    reps: dict[str, AnsweringEstimate],
) -> Sensitivity | None:
    name = headline.strategy or next(
        (s.name for s in _ordered(strategies) if s.name in reps and reps[s.name].fit.converged),
        "mar",
    )
    lo, hi = inp.scale
    if name == "mar":
        p = inp.propensity
    else:
        rep = reps[name]
        v = inp.covariates if name == "combined" else _none(inp)
        p = answer_probability(rep.fit, v, inp.score, lo, hi, 1e-3)
    if not inp.answered.any():
        return None
    return sweep(inp.metric, inp.score, inp.answered, p, scale=inp.scale, strategy=name)
