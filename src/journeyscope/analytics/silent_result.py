"""The typed result of :class:`~journeyscope.analytics.silent.SilentQuery`: the estimates of
the headline metric and the mean score, each one way (:class:`Estimates`), the truth when the
data carries it, and the whole :class:`SilentResult`; and the headline metric per survey
(:data:`METRICS`, :func:`headline`)."""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from pydantic import BaseModel

from journeyscope.analytics.identification import AnsweringCurve, Headline, Strategy
from journeyscope.analytics.sensitivity import Sensitivity
from journeyscope.analytics.silent_asked import AskedPopulation, Figure, NeverAsked
from journeyscope.analytics.silent_quality import CustomerEstimate, ModelQuality

#: Headline metric per survey: its name and how one answer contributes to it.
METRICS: Final[dict[str, str]] = {
    "NPS": "nps: 100 x (share of 9-10) - 100 x (share of 0-6)",
    "CSAT": "csat: 100 x share of 4-5 (top-two box)",
    "CES": "ces: mean score",
}


def headline(survey: str, score: np.ndarray) -> np.ndarray:
    """Each answer's contribution to the headline metric, whose mean is the metric.

    >>> headline("NPS", np.array([10.0, 8.0, 3.0])).tolist()
    [100.0, 0.0, -100.0]
    """
    if survey == "NPS":
        return np.where(score >= 9, 100.0, np.where(score <= 6, -100.0, 0.0))
    if survey == "CSAT":
        return np.where(score >= 4, 100.0, 0.0)
    return score.astype("float64")


class Estimate(BaseModel):
    value: float | None
    ci: tuple[float, float] | None
    method: str


class Estimates(BaseModel):
    """The headline metric (NPS, CSAT % or CES) and the mean score, estimated one way."""

    metric: Estimate
    mean_score: Estimate


class Truth(BaseModel):
    """The truth for the headline's population (the asked customers), and the others."""

    metric: float
    mean_score: float
    customers: int
    rule: str
    silent_asked: float | None = None
    never_asked: float | None = None
    every_customer: float | None = None


class SelectionFit(BaseModel):
    """How strongly the score drives answering: ``logit P(answer) = alpha + gamma * score``."""

    gamma: float
    gamma_ci: tuple[float, float]
    odds_ratio_per_point: float
    converged: bool
    used: bool


class SilentResult(BaseModel):
    survey: str
    metric: str
    customers: int
    respondents: int
    response_rate: float
    naive: Estimates
    model: Estimates
    doubly_robust: Estimates
    corrected: Estimates
    selection: SelectionFit | None = None
    truth: Truth | None
    quality: ModelQuality | None = None
    features: int
    properties: list[str]
    case_rule: str
    assumptions: str
    semantics: str
    predictions: list[CustomerEstimate] = []
    strategies: list[Strategy] = []
    answering_curve: AnsweringCurve | None = None
    headline: Headline | None = None
    sensitivity: Sensitivity | None = None
    customers_meaning: str = ""
    asked: AskedPopulation | None = None
    silent_asked: Figure | None = None
    never_asked: NeverAsked | None = None

    def headline_text(self) -> str:
        """The headline in words: the estimate, or the range or abstention and why."""
        from journeyscope.analytics.silent_text import headline_text

        return headline_text(self)

    def lines(self) -> list[str]:
        """Everything a reader needs besides the tables, one line each (see
        :mod:`journeyscope.analytics.silent_text`)."""
        from journeyscope.analytics import silent_text as t

        return [
            t.headline_text(self),
            *t.asked_lines(self),
            t.curve_text(self),
            t.sensitivity_text(self),
        ]

    def to_json(self) -> dict[str, Any]:
        """JSON with each estimate under the metric's name, e.g. ``{"naive": {"nps", "ci",
        "method", "mean_score"}, "corrected": {...}, "truth": {"nps", ...}, "respondents",
        "customers", ...}``."""
        data = self.model_dump(mode="json")
        key = self.metric.split(":")[0]
        for name in ("naive", "model", "doubly_robust", "corrected"):
            e = data[name]
            data[name] = {
                key: e["metric"]["value"],
                "ci": e["metric"]["ci"],
                "method": e["metric"]["method"],
                "mean_score": e["mean_score"],
            }
        if self.truth is not None:
            truth = data["truth"]
            data["truth"] = {key: truth.pop("metric"), **truth}
        return data
