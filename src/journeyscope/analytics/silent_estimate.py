"""The silent-customer analysis's estimates, computed in Python on one row per customer
(NumPy, SciPy; the models, scikit-learn, load when they fit): the cross-fitted answer and
answering models, the doubly robust and shadow estimates, the identification strategies and
the extrapolation to the customers who were never asked; and the result's words (assumptions
and semantics). What is estimated is described in :mod:`journeyscope.analytics.silent`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np
from scipy import stats

from journeyscope.analytics.estimators import aipw, mean_of
from journeyscope.analytics.identification import AnsweringCurve, Inputs, Strategy, identify
from journeyscope.analytics.nonresponse import standardise
from journeyscope.analytics.semantics import customer_definition, with_stated
from journeyscope.analytics.silent_asked import (
    Figure,
    asked_population,
    extrapolate,
    silent_asked,
)
from journeyscope.analytics.silent_quality import predictions_of, quality_of
from journeyscope.analytics.silent_result import (
    METRICS,
    Estimate,
    Estimates,
    SelectionFit,
    SilentResult,
    Truth,
    headline,
)
from journeyscope.events.schema import SURVEY_SCALES

if TYPE_CHECKING:
    from journeyscope.analytics.silent import SilentQuery


def estimate(
    query: SilentQuery, facts: Any, x: Any, invitations: list[str] | None = None
) -> SilentResult:
    """The estimates for a feature matrix ``x`` and its ``facts`` (see :func:`feature_matrix`)
    for the customers who were asked (``facts["invited"]`` counts each customer's
    ``invitations``; without it, everybody was asked), and the extrapolation to the others."""
    answered = (facts["answers"].to_numpy() > 0) & facts["score"].notna().to_numpy()
    invited = (
        facts["invited"].fillna(0).to_numpy() > 0
        if "invited" in facts
        else np.ones(len(facts), dtype=bool)
    )
    population, mask = asked_population(query.asked, invitations or [], invited, answered)
    meaning = _meaning(facts)
    from journeyscope.analytics.features import as_array

    # the models read X as float32 (one copy of the matrix, and of the asked rows: no
    # float64 copy of the frame per population)
    features, names = as_array(x), [str(c) for c in x.columns]
    if mask.all():
        return _asked_only(query, facts, features, names, None).model_copy(
            update={"asked": population, "customers_meaning": meaning}
        )
    odds, share = _never_asked_odds(query, features, mask)
    result = _asked_only(query, facts[mask].reset_index(drop=True), features[mask], names, odds)
    result.customers, result.asked, result.customers_meaning = len(facts), population, meaning
    result.truth = _truth(query, facts, mask, answered)
    head = result.headline
    if head is not None:
        kind = head.kind
        figure = Figure(kind=kind, value=head.value, low=head.low, high=head.high, how="")
        resp = result.naive.metric.value
        if resp is not None:
            result.silent_asked = silent_asked(
                kind,
                head.value,
                head.low,
                head.high,
                population.customers,
                result.respondents,
                resp,
            )
        chosen = next((s for s in result.strategies if s.name == head.strategy), None)
        result.never_asked = extrapolate(
            figure,
            chosen.never_asked if chosen is not None else None,
            share,
            population.customers,
            population.never_asked,
        )
    return result


def _meaning(facts: Any) -> str:
    """What the customer count counts."""
    n = len(facts)
    known = (
        int((facts["identified"].fillna(0).to_numpy() > 0).sum()) if "identified" in facts else n
    )
    return (
        f"{n:,} customers: distinct customers with at least one event in a case under the case "
        f"rule, {known:,} by their customer id after identity stitching and {n - known:,} "
        "cases with no known customer counted as one customer each"
    )


def _never_asked_odds(
    query: SilentQuery, features: np.ndarray, mask: np.ndarray
) -> tuple[np.ndarray, float]:
    """Odds of never being asked given the journey for each asked customer (cross-fitted
    trees over every customer), and the share of never-asked customers with under 1% chance
    of being asked."""
    from journeyscope.analytics.models import crossfit_classifier, folds_of

    folds = folds_of(len(mask), query.folds, query.seed)
    p = crossfit_classifier(features, mask.astype(int), folds, query.seed)[:, 1]
    share = float(np.mean(p[~mask] < 0.01))
    p = np.clip(p, 0.01, 1.0)
    return ((1 - p) / p)[mask], share


def _asked_only(
    query: SilentQuery,
    facts: Any,
    features: np.ndarray,
    names: list[str],
    odds: np.ndarray | None,
) -> SilentResult:
    """The estimates for the customers of ``facts``, all of whom were asked; ``features``:
    their feature matrix (float32, :func:`~journeyscope.analytics.features.as_array`), one
    column per name in ``names``."""
    n = len(facts)
    answered = (facts["answers"].to_numpy() > 0) & facts["score"].notna().to_numpy()
    score = np.nan_to_num(facts["score"].astype("float64").to_numpy())
    r = int(answered.sum())
    z = float(stats.norm.ppf(0.5 + query.confidence / 2))
    lo, hi = SURVEY_SCALES[query.survey]
    base: dict[str, Any] = {
        "survey": query.survey,
        "metric": METRICS[query.survey],
        "customers": n,
        "respondents": r,
        "response_rate": round(r / n, 6) if n else 0.0,
        "truth": _truth(query, facts, np.ones(n, dtype=bool), answered),
        "features": features.shape[1],
        "properties": list(query.properties),
        "case_rule": query.case_rule.describe(),
        "assumptions": ASSUMPTIONS,
        "semantics": with_stated(query, _semantics(query)),
    }
    h = np.where(answered, headline(query.survey, score), 0.0)
    if r < 2 * query.folds or r == n:
        naive = (
            _pair(h[answered], score[answered], z, "respondents only") if r else _none("no answers")
        )
        if r == n:
            return SilentResult(
                naive=naive, model=naive, doubly_robust=naive, corrected=naive, **base
            )
        reason = f"too few answers to learn from (fewer than {2 * query.folds})"
        return SilentResult(
            naive=naive,
            model=_none(reason),
            doubly_robust=_none(reason),
            corrected=_none(reason),
            **base,
        )

    from journeyscope.analytics.models import crossfit_classifier, crossfit_regressor, folds_of

    folds = folds_of(n, query.folds, query.seed)
    propensity = crossfit_classifier(features, answered.astype(int), folds, query.seed)[:, 1]
    clipped = float(np.mean(propensity < query.min_propensity))
    propensity = np.clip(propensity, query.min_propensity, 1.0)
    low_metric, high_metric = (-100.0, 100.0) if query.survey == "NPS" else (0.0, 100.0)
    m_metric = crossfit_regressor(features, h, answered, folds, query.seed)
    if query.survey != "CES":
        m_metric = np.clip(m_metric, low_metric, high_metric)
    m_score = np.clip(crossfit_regressor(features, score, answered, folds, query.seed), lo, hi)

    dr_method = "augmented inverse-propensity weighting (doubly robust, answering at random given the journey)"
    doubly_robust = Estimates(
        metric=_estimate(aipw(h, m_metric, answered, propensity, z), dr_method),
        mean_score=_estimate(aipw(score, m_score, answered, propensity, z), dr_method),
    )
    shadow_r2 = _r2(score[answered], m_score[answered])
    used = [
        j for j, c in enumerate(names) if c.startswith(("prop:", "ch:")) or c == "other_surveys"
    ]
    raw = features[:, used].astype("float64")
    counts = [j for j, c in enumerate(used) if not names[c].startswith("prop:")]
    # counts enter as "used at all" and log(1 + count): answering often turns on the first
    # contact (a call, an e-mail address on file) more than on how many there were
    raw = np.column_stack(
        [raw, (raw[:, counts] > 0).astype("float64"), np.log1p(np.clip(raw[:, counts], 0, None))]
    )
    raw = np.delete(raw, counts, axis=1)
    strategies, curve, head, sensitivity = identify(
        Inputs(
            metric=h,
            score=score,
            answered=answered,
            features=features,
            feature_names=names,
            covariates=standardise(raw),
            covariate_columns=used,
            m_metric=m_metric,
            m_score=m_score,
            propensity=propensity,
            floor_share=clipped,
            shadow_r2=shadow_r2,
            scale=(float(lo), float(hi)),
            odds=odds,
        ),
        z=z,
        level=query.confidence,
        draws=query.bootstrap,
        seed=query.seed,
        bootstrap_up_to=query.bootstrap_up_to,
    )
    shadow = next(s for s in strategies if s.name == "shadow")
    if shadow.metric is not None:
        method = (
            "respondents weighted by 1 / P(answer | score), the answering model fitted with "
            "the journey's predicted score as shadow variable; " + shadow.interval
        )
        corrected = Estimates(
            metric=Estimate(value=shadow.metric, ci=shadow.metric_ci, method=method),
            mean_score=Estimate(value=shadow.mean_score, ci=shadow.mean_score_ci, method=method),
        )
    else:
        corrected = doubly_robust
    # the mean prediction's own spread ignores the models' error; its interval is the width
    # of the doubly robust one (influence function incl. the respondents' residuals)
    model = _pair(m_metric, m_score, z, "mean out-of-fold prediction over every customer")
    model = Estimates(
        metric=_widen(model.metric, doubly_robust.metric),
        mean_score=_widen(model.mean_score, doubly_robust.mean_score),
    )
    result = SilentResult(
        naive=_pair(h[answered], score[answered], z, "respondents only"),
        model=model,
        doubly_robust=doubly_robust,
        corrected=corrected,
        selection=_selection(strategies, curve, float(hi - lo)),
        quality=quality_of(
            query.folds, h, score, m_metric, m_score, answered, propensity, folds, clipped
        ),
        strategies=strategies,
        answering_curve=curve,
        headline=head,
        sensitivity=sensitivity,
        **base,
    )
    if query.predictions:
        result.predictions = predictions_of(
            query.survey, facts, answered, score, m_metric, m_score, propensity
        )
    return result


ASSUMPTIONS: Final = (
    "observational data; nobody can tell from the respondents alone why the others stayed "
    "silent, so three strategies are computed, each right under its own assumption (see "
    "strategies[].assumption): mar (= doubly_robust: answering at random given the journey) "
    "if answering depends only on the journey; shadow (= corrected) if it depends only on the score, the journey's predicted "
    "score serving as shadow variable; combined if it depends on the named covariates and "
    "channel use and on the score. Each is checked where the data can speak (convergence, "
    "shadow strength, weighted balance on journey features it did not use, overlap, whether "
    "the score drives answering); the headline is the most general strategy whose checks "
    "pass, a range when survivors disagree beyond their intervals, or an abstention. "
    "All of this among the customers who were asked (asked.rule); the never-asked are "
    "extrapolated to only under the stronger assumption in never_asked.assumption, or "
    "abstained on. "
    "Intervals: influence function of the cross-fitted doubly robust estimate; for shadow "
    "and combined, a bootstrap refitting the answering model (up to bootstrap_up_to "
    "customers) or the sandwich variance of the answering model's equations stacked with "
    "the weighted means (above it); the sensitivity sweep shows what "
    "no check can: answering bending with the score more or less than estimated"
)


def _semantics(q: SilentQuery) -> str:
    props = f"; properties one-hot: {', '.join(q.properties)}" if q.properties else ""
    return (
        f"unit: {customer_definition('in_journey')} (customers_meaning counts each; events "
        f"outside a case under the case rule left out); population: the asked customers "
        f"({q.asked or 'inferred from invitation activities'}; asked.rule says who), "
        f"never-asked ones extrapolated apart (never_asked); answer: the customer's last {q.survey} answer by time; metric "
        f"{METRICS[q.survey]}; features: counts of events, cases, distinct activities, rework "
        f"(events - distinct activities), time span in days, per-activity and per-channel "
        f"counts, mean sentiment and other surveys (scaled 0..1) with their counts, cost"
        f"{props}; the {q.survey} answers themselves are never features; models: "
        f"gradient-boosted trees, {q.folds}-fold cross-fitting (seed {q.seed}); propensity "
        f"floor {q.min_propensity}; {round(q.confidence * 100)}% intervals; naive = "
        f"respondents' mean; model = mean prediction; doubly_robust = augmented IPW; "
        f"corrected = the shadow strategy; strategies mar / shadow / combined, intervals of "
        f"shadow and combined from {q.bootstrap} bootstrap resamples each (answering model "
        f"refitted) up to {q.bootstrap_up_to:,} customers, above that from the linearised "
        f"estimating equations (sandwich variance, answering model's error included); combined "
        f"covariates: properties one-hot, each channel and other surveys as used-at-all and "
        f"log(1 + count); quadratic in the score when its curvature's interval excludes 0 and "
        f"it is at least 0.5 on the score scaled to -1..1"
    )


def _r2(y: np.ndarray, m: np.ndarray) -> float:
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    return 1 - float(np.sum((y - m) ** 2)) / ss_tot if ss_tot else 0.0


def _widen(e: Estimate, like: Estimate) -> Estimate:
    if e.value is None or like.ci is None or like.value is None:
        return e
    half = (like.ci[1] - like.ci[0]) / 2
    return Estimate(
        value=e.value,
        ci=(round(e.value - half, 4), round(e.value + half, 4)),
        method=e.method + "; interval as wide as the doubly robust one (models' error included)",
    )


def _selection(
    strategies: list[Strategy], curve: AnsweringCurve | None, width: float
) -> SelectionFit | None:
    """The shadow strategy's score effect per point of score (the ``corrected`` model)."""
    shadow = next((s for s in strategies if s.name == "shadow"), None)
    if shadow is None or not shadow.score_coefficients:
        return None
    per = 2 / width
    g, g_lo, g_hi = shadow.score_coefficients[0]
    return SelectionFit(
        gamma=round(g * per, 4),
        gamma_ci=(round(g_lo * per, 4), round(g_hi * per, 4)),
        odds_ratio_per_point=round(float(np.exp(g * per)), 4),
        converged=shadow.metric is not None,
        used=shadow.metric is not None,
    )


def _estimate(fit: tuple[float, tuple[float, float]], method: str) -> Estimate:
    value, (low, high) = fit
    if not np.isfinite(value):
        return Estimate(value=None, ci=None, method=method)
    ci = (round(low, 4), round(high, 4)) if np.isfinite(low) and np.isfinite(high) else None
    return Estimate(value=round(value, 4), ci=ci, method=method)


def _pair(metric: np.ndarray, score: np.ndarray, z: float, method: str) -> Estimates:
    return Estimates(
        metric=_estimate(mean_of(metric, z), method),
        mean_score=_estimate(mean_of(score, z), method),
    )


def _none(reason: str) -> Estimates:
    return Estimates(
        metric=Estimate(value=None, ci=None, method=reason),
        mean_score=Estimate(value=None, ci=None, method=reason),
    )


def _truth(query: SilentQuery, facts: Any, asked: np.ndarray, answered: np.ndarray) -> Truth | None:
    """The truth of the asked customers (the headline's population) and of the others."""
    if query.truth is None or "truth" not in facts or facts["truth"].isna().all():
        return None
    true = facts["truth"].astype("float64").to_numpy()
    lo, hi = SURVEY_SCALES[query.survey]
    metric = headline(query.survey, np.clip(np.floor(true + 0.5), lo, hi))
    known = ~np.isnan(true)

    def of(sel: np.ndarray) -> float | None:
        sel = sel & known
        return round(float(np.mean(metric[sel])), 4) if sel.any() else None

    main = asked & known
    whole = bool(asked.all())
    return Truth(
        metric=of(asked) or 0.0,
        mean_score=round(float(np.mean(true[main])), 4),
        customers=int(main.sum()),
        rule=(
            f"every {'' if whole else 'asked '}customer's '{query.truth}' (mean over their "
            "events), rounded half up to the scale as an answer would be; mean_score unrounded"
        ),
        silent_asked=of(asked & ~answered),
        never_asked=None if whole else of(~asked),
        every_customer=None if whole else of(np.ones(len(asked), dtype=bool)),
    )
