"""The silent-customer result's types (analytics/silent_result.py): each answer's share of
the headline metric, and the JSON that names every estimate by its metric (``nps``,
``csat``...) as readers and the API expect, built by hand (no model is fitted)."""

from __future__ import annotations

import numpy as np

from journeyscope.analytics.silent_result import (
    METRICS,
    Estimate,
    Estimates,
    SilentResult,
    Truth,
    headline,
)


def test_each_answer_counts_towards_its_surveys_headline() -> None:
    scores = np.array([10.0, 9.0, 8.0, 7.0, 6.0, 0.0])
    assert headline("NPS", scores).tolist() == [100, 100, 0, 0, -100, -100]
    assert headline("CSAT", np.array([5.0, 4.0, 3.0, 1.0])).tolist() == [100, 100, 0, 0]
    assert headline("CES", np.array([2.0, 6.5])).tolist() == [2.0, 6.5]
    assert set(METRICS) == {"NPS", "CSAT", "CES"}


def _estimates(value: float, method: str) -> Estimates:
    return Estimates(
        metric=Estimate(value=value, ci=(value - 5, value + 5), method=method),
        mean_score=Estimate(value=7.1, ci=None, method=method),
    )


def test_json_names_each_estimate_by_the_surveys_metric() -> None:
    result = SilentResult(
        survey="CSAT",
        metric=METRICS["CSAT"],
        customers=100,
        respondents=20,
        response_rate=0.2,
        naive=_estimates(70.0, "respondents only"),
        model=_estimates(60.0, "model"),
        doubly_robust=_estimates(58.0, "dr"),
        corrected=_estimates(55.0, "shadow"),
        truth=Truth(metric=54.0, mean_score=3.9, customers=100, rule="every customer"),
        features=12,
        properties=["segment"],
        case_rule="case id",
        assumptions="observational",
        semantics="unit: customer",
    )
    data = result.to_json()
    assert data["naive"] == {
        "csat": 70.0,
        "ci": [65.0, 75.0],
        "method": "respondents only",
        "mean_score": {"value": 7.1, "ci": None, "method": "respondents only"},
    }
    assert data["corrected"]["csat"] == 55.0
    assert data["truth"]["csat"] == 54.0 and "metric" not in data["truth"]
    assert (data["customers"], data["respondents"]) == (100, 20)
    assert result.model_dump()["naive"]["metric"]["value"] == 70.0, "the model itself unchanged"
