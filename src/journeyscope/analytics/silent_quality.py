"""The silent-customer answer model's quality and each customer's estimate.

:func:`quality_of`: out-of-fold accuracy and calibration of the answer model on respondents,
next to a no-skill baseline; :func:`predictions_of`: one row per customer with their expected
score, an 80% interval from the out-of-fold residuals and their chance to answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel

from journeyscope.events.schema import SURVEY_SCALES


class ModelQuality(BaseModel):
    """Out-of-fold accuracy of the answer model on respondents, next to a no-skill baseline."""

    folds: int
    metric_mae: float
    metric_mae_baseline: float
    score_mae: float
    score_mae_baseline: float
    score_r2: float
    interval_level: float
    interval_half_width: float
    interval_coverage: float
    calibration: list[dict[str, float]]
    calibration_error: float
    propensity_auc: float | None
    propensity_clipped: float
    effective_respondents: float


class CustomerEstimate(BaseModel):
    person: str
    answered: bool
    score: float | None
    expected_metric: float
    expected_score: float
    low: float
    high: float
    propensity: float


def quality_of(
    folds_count: int,
    h: np.ndarray,
    score: np.ndarray,
    m_metric: np.ndarray,
    m_score: np.ndarray,
    answered: np.ndarray,
    p: np.ndarray,
    folds: np.ndarray,
    clipped: float,
) -> ModelQuality:
    from journeyscope.analytics.models import roc_auc

    hr, sr, mr, ms = h[answered], score[answered], m_metric[answered], m_score[answered]
    fr = folds[answered]
    level = 0.8
    covered, widths = 0, []
    for k in np.unique(fr):
        inside, outside = fr == k, fr != k
        q = float(np.quantile(np.abs(sr[outside] - ms[outside]), level))
        widths.append(q)
        covered += int(np.sum(np.abs(sr[inside] - ms[inside]) <= q))
    ss_res = float(np.sum((sr - ms) ** 2))
    ss_tot = float(np.sum((sr - sr.mean()) ** 2))
    bins = np.unique(np.quantile(mr, np.linspace(0, 1, 11)))
    which = np.clip(np.searchsorted(bins, mr, side="right") - 1, 0, max(len(bins) - 2, 0))
    table = []
    for b in np.unique(which):
        sel = which == b
        table.append(
            {
                "predicted": round(float(mr[sel].mean()), 3),
                "observed": round(float(hr[sel].mean()), 3),
                "customers": int(sel.sum()),
            }
        )
    error = sum(abs(c["predicted"] - c["observed"]) * c["customers"] for c in table) / len(mr)
    w = 1 / p[answered]
    return ModelQuality(
        folds=folds_count,
        metric_mae=round(float(np.mean(np.abs(hr - mr))), 4),
        metric_mae_baseline=round(float(np.mean(np.abs(hr - hr.mean()))), 4),
        score_mae=round(float(np.mean(np.abs(sr - ms))), 4),
        score_mae_baseline=round(float(np.mean(np.abs(sr - sr.mean()))), 4),
        score_r2=round(1 - ss_res / ss_tot, 4) if ss_tot else 0.0,
        interval_level=level,
        interval_half_width=round(float(np.mean(widths)), 4),
        interval_coverage=round(covered / len(sr), 4),
        calibration=table,
        calibration_error=round(float(error), 4),
        propensity_auc=roc_auc(answered.astype(int), p),
        propensity_clipped=round(clipped, 6),
        effective_respondents=round(float(w.sum() ** 2 / np.sum(w**2)), 1),
    )


def predictions_of(
    survey: str,
    facts: Any,
    answered: np.ndarray,
    score: np.ndarray,
    m_metric: np.ndarray,
    m_score: np.ndarray,
    p: np.ndarray,
) -> list[CustomerEstimate]:
    lo, hi = SURVEY_SCALES[survey]
    resid = np.abs(score[answered] - m_score[answered])
    q = float(np.quantile(resid, 0.8))
    return [
        CustomerEstimate(
            person=str(person),
            answered=bool(a),
            score=float(s) if a else None,
            expected_metric=round(float(mm), 3),
            expected_score=round(float(ms), 3),
            low=round(max(lo, float(ms) - q), 3),
            high=round(min(hi, float(ms) + q), 3),
            propensity=round(float(pp), 4),
        )
        for person, a, s, mm, ms, pp in zip(
            facts["person"], answered, score, m_metric, m_score, p, strict=True
        )
    ]
