"""Moments of truth: which experiences move satisfaction or completion, and by how much.

Each case (journey instance) is described by the experiences it went through *before* its
outcome was known (before its survey answer, or before it reached the outcome):

* ``step`` — an activity happened (satisfaction outcomes only: reaching a late step says
  little about completion except that the case got that far);
* ``backtrack`` — the case went back to a work item it had done before, right after another
  one (on lifecycle logs, one work item's transitions are not going back; see
  :mod:`journeyscope.analytics.work_items`);
* ``switch`` — two consecutive events in different channels, named by the activity switched
  to (``switch web -> phone at Call contact centre``);
* ``wait`` — more than ``wait`` passed between an event and the next (``waited > 14 days
  before Upload documents``);
* ``repeat`` — an assisted contact within ``repeat_within`` of the case's previous one;
* with a designed journey, its deviations from :mod:`journeyscope.analytics.conformance`:
  ``time_limit_broken`` into a step, ``skipped_step``, ``out_of_order``, ``entered_midway``.

For each experience seen in at least ``min_cases`` cases (and missed by as many), the effect
is the coefficient of a 0/1 indicator in a linear model of the outcome, adjusted for the
case's first channel and for the properties named in ``adjust`` (e.g. ``segment``), with
heteroskedasticity-robust (HC1) intervals. p-values are controlled for many tests with
Benjamini-Hochberg (false discovery rate ``fdr``). The evidence is observational: an effect
is an association after adjustment, not proof that changing the experience changes the
outcome.

The analysis is in four modules: this one (the query and its runner),
:mod:`~journeyscope.analytics.moments_experiences` (the queries: outcomes, experiences, risk
sets), :mod:`~journeyscope.analytics.moments_rank` (the estimates) and
:mod:`~journeyscope.analytics.moments_result` (the result's types).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

import ibis
import pyarrow as pa
from pydantic import Field

from journeyscope.analytics.cases import AnalysisQuery, CaseRule
from journeyscope.analytics.moments_experiences import (
    ASSISTED,
    DEVIATIONS,
    EVENT_COLUMNS,
    EVERY,
    after_outcome,
    case_experiences,
    case_outcomes,
    narrowed,
    risk_sets,
)
from journeyscope.analytics.moments_rank import ASSUMPTIONS, rank
from journeyscope.analytics.moments_result import DesignedMoment, Moment, MomentsResult
from journeyscope.analytics.moments_weights import AnsweringWeights
from journeyscope.definitions.models import Journey

if TYPE_CHECKING:
    from journeyscope.analytics.conformance import Conformance

__all__ = [
    "ASSISTED",
    "ASSUMPTIONS",
    "DEVIATIONS",
    "EVENT_COLUMNS",
    "EVERY",
    "MOMENTS",
    "DesignedMoment",
    "Moment",
    "MomentsAnalysis",
    "MomentsQuery",
    "MomentsResult",
    "Outcome",
    "rank",
]

Outcome = Literal["satisfaction", "completion"]


class MomentsQuery(AnalysisQuery):
    """Rank candidate experiences by their adjusted effect on an outcome."""

    kind: Literal["moments"] = "moments"
    outcome: Outcome = "satisfaction"
    survey: Literal["NPS", "CSAT", "CES"] = "NPS"
    outcomes: tuple[str, ...] = ()
    journey: Journey | None = None
    adjust: tuple[str, ...] = ()
    wait: timedelta = Field(default=timedelta(days=14))
    repeat_within: timedelta = Field(default=timedelta(days=7))
    assisted: tuple[str, ...] = ("phone", "branch", "chat", "email")
    min_cases: int = Field(default=30, ge=1)
    fdr: float = Field(default=0.05, gt=0, lt=1)
    confidence: float = Field(default=0.95, gt=0.5, lt=1)
    top: int = Field(default=25, ge=1)
    #: satisfaction only: weight each answering case by 1 / P(answer | its score)
    answering: AnsweringWeights | None = None

    def outcome_activities(self) -> tuple[str, ...]:
        if self.outcomes:
            return self.outcomes
        return tuple(self.journey.outcome_activities()) if self.journey else ()


class MomentsAnalysis:
    """Runner for :class:`MomentsQuery`."""

    arrow = True

    def prepare(self, events: ibis.Table, query: MomentsQuery) -> ibis.Table:
        t = narrowed(events, query)
        if query.journey is None:
            return t
        # as in conformance: the cases with an event of a regular (not anytime) step
        regular = [a for s in query.journey.steps if not s.anytime for a in s.activities]
        scope = t.filter(t.activity.isin(regular)).select("case").distinct()
        return t.semi_join(scope, "case")

    def replays(self, query: MomentsQuery) -> tuple[Journey, CaseRule] | None:
        """With a design, the conformance replay its deviations come from (the backend
        replays the events once for every analysis that reads it)."""
        return None if query.journey is None else (query.journey, query.case_rule)

    def expressions(
        self,
        prepared: ibis.Table,
        events: ibis.Table,
        query: MomentsQuery,
        replay: Conformance | None = None,
    ) -> dict[str, ibis.Table]:
        outcomes = case_outcomes(prepared, query)
        return {
            "cases": outcomes,
            "experiences": case_experiences(prepared, events, outcomes, query, replay),
            "reach": risk_sets(prepared, outcomes, query),
            "after": after_outcome(prepared, outcomes),
        }

    def result(self, query: MomentsQuery, rows: Mapping[str, pa.Table]) -> MomentsResult:
        return rank(query, rows["cases"], rows["experiences"], rows["reach"], rows["after"])


MOMENTS = MomentsAnalysis()
