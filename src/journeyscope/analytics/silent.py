"""Silent customers: how satisfied are the customers who never answered the survey?

Most customers never answer. Those who do are not a random sample (in most services the
unhappy answer less often), so the respondents' average is biased. This analysis:

1. describes every customer by what they went through (:mod:`journeyscope.analytics.features`:
   events, cases, activities and channels used, rework, time span, sentiment, other surveys,
   cost, and the properties named in ``properties``, e.g. ``segment``);
2. learns, from the respondents, their answer from their journey (gradient-boosted trees,
   scikit-learn), and predicts it for everybody, with out-of-fold (cross-fitted) predictions
   so that no customer is predicted by a model that saw them;
3. learns who answers (the response propensity) from the same features;
4. estimates the population's score under several identification strategies
   (:mod:`journeyscope.analytics.identification`): answering at random given the journey
   (doubly robust, ``doubly_robust``), answering driven by the score only (shadow variable,
   ``corrected``), and a combined answering model (named covariates and channel use *and*
   the score, linear or U-shaped); each is checked where the data can speak, and the
   ``headline`` is the surviving estimate, a range when survivors disagree, or an
   abstention; ``sensitivity`` sweeps how much more or less the score drives answering;
   ``naive`` (respondents only) and ``model`` (mean prediction) are kept beside them;
5. reports cross-validated accuracy and calibration of the answer model, and, when the data
   carries the score every customer would give (the synthetic generator's ``true_score``),
   the truth beside the estimates.

The assumptions are written in every result (``assumptions``): the evidence is
observational, and each estimate is only as good as the model of who answers behind it.

The analysis is in three modules: this one (the query and its runner),
:mod:`~journeyscope.analytics.silent_estimate` (the estimates) and
:mod:`~journeyscope.analytics.silent_result` (the result's types and the headline metric).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Final, Literal

import ibis
import pyarrow as pa
from pydantic import Field

from journeyscope.analytics.cases import AnalysisQuery, property_value
from journeyscope.analytics.silent_asked import EVERY_CUSTOMER, invitation
from journeyscope.analytics.silent_estimate import ASSUMPTIONS, estimate
from journeyscope.analytics.silent_result import (
    METRICS,
    Estimate,
    Estimates,
    SelectionFit,
    SilentResult,
    Truth,
    headline,
)
from journeyscope.errors import unknown_name

__all__ = [
    "ASSUMPTIONS",
    "FEATURE_COLUMNS",
    "METRICS",
    "SILENT",
    "Estimate",
    "Estimates",
    "SelectionFit",
    "SilentAnalysis",
    "SilentQuery",
    "SilentResult",
    "Survey",
    "Truth",
    "estimate",
    "headline",
]

Survey = Literal["NPS", "CSAT", "CES"]


class SilentQuery(AnalysisQuery):
    """Estimate satisfaction of every customer, answered or not, for one survey type."""

    kind: Literal["silent"] = "silent"
    survey: Survey = "NPS"
    properties: tuple[str, ...] = ()
    truth: str | None = "true_score"
    folds: int = Field(default=5, ge=2, le=20)
    min_propensity: float = Field(default=0.01, gt=0, lt=0.5)
    confidence: float = Field(default=0.95, gt=0.5, lt=1)
    seed: int = 0
    bootstrap: int = Field(default=200, ge=0, le=5000)
    bootstrap_up_to: int = Field(
        default=20_000,
        ge=0,
        description="Customers up to which the shadow and combined strategies' intervals come "
        "from `bootstrap` resamples (answering model refitted in each); above it, from the "
        "linearised estimating equations (sandwich variance), which cost about one more fit.",
    )
    predictions: bool = False
    asked: str | None = Field(
        default=None,
        description="Who was asked: an activity (e.g. 'Survey sent'), 'every customer', or "
        "None to infer it from activity names that read as a survey invitation.",
    )


class SilentAnalysis:
    """Runner for :class:`SilentQuery`; models run in Python on one row per customer."""

    arrow = True

    def prepare(self, events: ibis.Table, query: SilentQuery) -> ibis.Table:
        """The events in a case with ``person``, narrowed to the columns the features read
        (the named properties and the truth read out of ``properties`` once): the cached
        table then holds a dozen columns, not every identifier and the properties text."""
        from journeyscope.analytics.features import with_person

        t = with_person(events, query.case_rule)
        named = dict.fromkeys(p for p in (*query.properties, query.truth) if p is not None)
        kept = list(dict.fromkeys(c for c in (*FEATURE_COLUMNS, *named) if c in t.columns))
        read = {p: property_value(t, p) for p in named if p not in t.columns}
        invites = invitation(t, query.asked)  # a regular expression: evaluated once, here
        if invites is not None:
            read[INVITED] = invites
        return t.select(*kept, **read)

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: SilentQuery
    ) -> dict[str, ibis.Table]:
        invites = prepared[INVITED] if INVITED in prepared.columns else None
        from journeyscope.analytics.features import customer_features

        return customer_features(
            prepared, query.survey, query.properties, query.truth, invitation=invites
        )

    def result(self, query: SilentQuery, rows: MutableMapping[str, pa.Table]) -> SilentResult:
        """The estimates. The fetched tables are taken out of ``rows`` as the features are
        built from them, so their memory goes back before the models are fitted (at a
        million customers they are about half a gigabyte)."""
        from journeyscope.analytics.features import feature_matrix

        customers, activities, channels = (rows.pop(k) for k in FETCHED)
        sent = rows.pop("invitations").to_pylist() if "invitations" in rows else []
        names = sorted(str(r["activity"]) for r in sent if r["customers"])
        if query.asked not in (None, EVERY_CUSTOMER) and not names:
            known = sorted({str(a) for a in activities.column("activity").to_pylist()})
            raise unknown_name("activity", str(query.asked), known, "silent --asked")
        facts, x = feature_matrix(customers, activities, channels, query.properties)
        del customers, activities, channels
        return estimate(query, facts, x, names)


#: The tables :func:`customer_features` builds that :func:`feature_matrix` reads.
FETCHED: Final = ("customers", "activities", "channels")


#: The prepared events' column saying whether each event invites to the survey
#: (:func:`invitation`), when the query singles out who was asked.
INVITED: Final = "__invited"

#: The event columns :func:`customer_features` and :func:`invitation` read.
FEATURE_COLUMNS: Final = (
    "person",
    "case",
    "customer_id",
    "activity",
    "channel",
    "timestamp",
    "sentiment",
    "cost",
    "survey_type",
    "survey_score",
)


SILENT = SilentAnalysis()
