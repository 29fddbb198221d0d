"""The typed result of :class:`~journeyscope.analytics.moments.MomentsQuery`: the ranked
experiences (:class:`Moment`), the designers' moments of truth checked against the data
(:class:`DesignedMoment`) and the whole :class:`MomentsResult`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from journeyscope.analytics.moments_weights import RankingChange


class Moment(BaseModel):
    candidate: str
    kind: str
    step: str | None
    cases_with: int
    cases_without: int
    outcome_with: float
    outcome_without: float
    effect: float
    ci: tuple[float, float]
    p: float
    q: float
    significant: bool
    impact: float
    #: the unweighted fit beside the weighted one, when the query weights by answering
    effect_unweighted: float | None = None
    ci_unweighted: tuple[float, float] | None = None
    #: other names of the very same experience (the same cases), tested once under this name
    same_as: list[str] = []


class DesignedMoment(BaseModel):
    """A step the designers flagged as a moment of truth, and what the data says."""

    step: str
    name: str
    verdict: Literal["confirmed", "not confirmed", "not testable"]
    evidence: list[str]


class MomentsResult(BaseModel):
    outcome: str
    unit: str
    cases: int
    outcome_mean: float | None
    candidates_tested: int
    significant: int
    moments: list[Moment]
    designed: list[DesignedMoment]
    surprises: list[Moment]
    adjusted_for: list[str]
    case_rule: str
    assumptions: str
    semantics: str
    weighted_by: str | None = None
    ranking_change: RankingChange | None = None
    duplicates_removed: int = 0
