"""Emotion curve: what customers felt at each step of a designed journey, next to what the
design expected them to feel.

* **measures** — every survey answer (``survey_type`` NPS, CSAT or CES with a
  ``survey_score``) and every ``sentiment`` score is one measure; an event carrying both
  gives two.
* **scale** — each measure is mapped linearly onto the design's emotion scale −2..+2: a score
  ``s`` on the scale ``lo..hi`` of :data:`~journeyscope.events.schema.SURVEY_SCALES` becomes
  ``4·(s − lo)/(hi − lo) − 2`` (NPS ``(s − 5)/2.5``, CSAT ``s − 3``, CES ``(s − 4)/1.5``, or
  its negative when a high CES means high effort); sentiment ``x`` becomes ``2·x``.
* **link** — a measure belongs to the *most recent* event of a link-target step of the same
  case at or before it (ties: input order; the measure's own event counts, so sentiment
  recorded during a call is about the call), if that event is at most ``window`` earlier;
  otherwise it is *unlinked*. One step per measure, so every measure is counted once, the
  per-step counts add up, and the step means are separate samples; the most recent step is
  the one an answer most plausibly reacts to. Link targets are the journey's steps with
  activities, except ``exclude_steps`` (default: ``anytime`` steps without a designed
  emotion, such as the survey step itself).
* **felt** — the mean of the linked measures per step and per stage, with a t-interval
  (``confidence``, default 95 %; measures treated as independent; none for n < 2).
* **gap** — felt − expected per step with a designed ``emotion``; its interval is the felt
  interval shifted by the (fixed) expectation; *significant* when it excludes 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Literal

import ibis
from pydantic import BaseModel, Field, model_validator

from journeyscope.analytics.cases import (
    AnalysisQuery,
    epoch_ms,
    human_duration,
    lookup,
    ordered,
    with_cases,
)
from journeyscope.analytics.semantics import with_stated
from journeyscope.definitions.models import Journey
from journeyscope.errors import InvalidQueryError
from journeyscope.events.schema import SURVEY_SCALES


class EmotionQuery(AnalysisQuery):
    """Felt emotion per step of ``journey``, from surveys and sentiment."""

    kind: Literal["emotion"] = "emotion"
    journey: Journey
    window: timedelta = Field(default=timedelta(days=14))
    """Longest time from a step event to a measure linked to it."""
    exclude_steps: tuple[str, ...] | None = None
    """Steps never linked to; ``None``: the ``anytime`` steps without a designed emotion."""
    confidence: float = Field(default=0.95, gt=0, lt=1)
    ces_high_is_easy: bool = True
    """A CES of 7 means "very easy" (positive); ``False``: 7 means very high effort."""

    @model_validator(mode="after")
    def _known_steps(self) -> EmotionQuery:
        unknown = set(self.exclude_steps or ()) - {s.id for s in self.journey.steps}
        if unknown:
            raise InvalidQueryError(
                f"exclude_steps names unknown steps: {', '.join(sorted(unknown))}"
            )
        return self

    def excluded(self) -> set[str]:
        if self.exclude_steps is not None:
            return set(self.exclude_steps)
        return {s.id for s in self.journey.steps if s.anytime and s.emotion is None}


def _target_step(activity: ibis.StringValue, query: EmotionQuery) -> ibis.StringValue:
    """The link-target step an activity belongs to (a CASE expression: no lookup table, so
    it compiles the same on every engine)."""
    skip = query.excluded()
    targets: dict[str, str] = {}
    for s in query.journey.steps:
        if s.id not in skip:
            for a in s.activities:
                targets.setdefault(a, s.id)  # the first step that claims it, as CASE reads
    return lookup(activity, targets, "string")


def _scaled(t: ibis.Table, query: EmotionQuery) -> ibis.Value:
    branches = []
    for kind, (lo, hi) in SURVEY_SCALES.items():
        value = (t.survey_score - lo) * (4.0 / (hi - lo)) - 2.0
        if kind == "CES" and not query.ces_high_is_easy:
            value = -value
        branches.append((t.survey_type == kind, value))
    return ibis.cases(*branches, else_=ibis.null("float64"))


def linked_measures(events: ibis.Table, query: EmotionQuery) -> ibis.Table:
    """One row per measure: ``case``, ``measure`` (NPS, CSAT, CES, sentiment), ``value``
    (on −2..+2) and ``step`` (the linked step; null when unlinked)."""
    t = ordered(with_cases(events, query.case_rule))
    ev = t.select(
        "case",
        "seq",
        "timestamp",
        "survey_type",
        "survey_score",
        "sentiment",
        step=_target_step(t.activity, query),
    )
    running = ibis.window(group_by=ev.case, order_by=ev.seq, preceding=None, following=0)
    ev = ev.mutate(link_seq=ibis.cases((ev.step.notnull(), ev.seq), else_=None).max().over(running))
    surveys = ev.filter(
        ev.survey_type.isin(list(SURVEY_SCALES)) & ev.survey_score.notnull()
    ).select("case", "link_seq", "timestamp", measure=ev.survey_type, value=_scaled(ev, query))
    sentiment = ev.filter(ev.sentiment.notnull()).select(
        "case",
        "link_seq",
        "timestamp",
        measure=ibis.literal("sentiment"),
        value=(ev.sentiment * 2.0).cast("float64"),
    )
    m = surveys.union(sentiment, distinct=False)
    targets = ev.filter(ev.step.notnull()).select(
        target_case=ev.case, target_seq=ev.seq, target_step=ev.step, target_ts=ev.timestamp
    )
    j = m.left_join(targets, (m.case == targets.target_case) & (m.link_seq == targets.target_seq))
    limit = int(query.window.total_seconds() * 1000)
    inside = j.target_step.notnull() & ((epoch_ms(j.timestamp) - epoch_ms(j.target_ts)) <= limit)
    return j.select(
        j.case,
        j.measure,
        j.value,
        step=ibis.cases((inside, j.target_step), else_=ibis.null("string")),
    )


class Interval(BaseModel):
    n: int
    mean: float | None
    low: float | None
    high: float | None


class StepEmotion(BaseModel):
    step: str
    name: str
    stage: str
    link_target: bool
    """False for excluded steps (never linked to, so n = 0)."""
    moment_of_truth: bool
    expected: int | None
    n: int
    felt: float | None
    low: float | None
    high: float | None
    by_measure: dict[str, int]
    """Number of linked measures of each kind."""
    gap: float | None
    gap_low: float | None
    gap_high: float | None
    significant: bool
    """The gap's interval excludes 0."""


class StageEmotion(BaseModel):
    stage: str
    name: str
    expected: float | None
    """Mean designed emotion of the stage's steps that have one."""
    n: int
    felt: float | None
    low: float | None
    high: float | None


class EmotionGap(BaseModel):
    rank: int
    step: str
    name: str
    expected: int
    felt: float
    gap: float
    gap_low: float | None
    gap_high: float | None
    significant: bool
    n: int


class EmotionResult(BaseModel):
    journey: str
    window: str
    confidence: float
    measures: int
    linked: int
    unlinked: int
    by_measure: dict[str, int]
    """Measures of each kind, linked or not."""
    steps: list[StepEmotion]
    stages: list[StageEmotion]
    gaps: list[EmotionGap]
    """Steps with a designed emotion and measures, by |gap| descending."""
    excluded_steps: list[str]
    case_rule: str
    semantics: str


def interval(n: int, total: float, squares: float, confidence: float = 0.95) -> Interval:
    """Mean and t-interval from a count, a sum and a sum of squares.

    >>> interval(3, 0.0, 2.0)
    Interval(n=3, mean=0.0, low=-2.484138, high=2.484138)
    >>> interval(1, 1.5, 2.25)
    Interval(n=1, mean=1.5, low=None, high=None)
    """
    if n == 0:
        return Interval(n=0, mean=None, low=None, high=None)
    mean = total / n
    if n < 2:
        return Interval(n=n, mean=round(mean, 6), low=None, high=None)
    var = max(squares - n * mean * mean, 0.0) / (n - 1)
    from scipy import stats

    half = float(stats.t.ppf((1 + confidence) / 2, n - 1)) * math.sqrt(var / n)
    return Interval(n=n, mean=round(mean, 6), low=round(mean - half, 6), high=round(mean + half, 6))


class EmotionAnalysis:
    """Runner for :class:`EmotionQuery`."""

    def prepare(self, events: ibis.Table, query: EmotionQuery) -> ibis.Table:
        return linked_measures(events, query)

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: EmotionQuery
    ) -> dict[str, ibis.Table]:
        p = prepared
        return {
            "cells": p.group_by("step", "measure").aggregate(
                n=p.count(), total=p.value.sum(), squares=(p.value * p.value).sum()
            )
        }

    def result(
        self, query: EmotionQuery, rows: Mapping[str, list[dict[str, Any]]]
    ) -> EmotionResult:
        sums: dict[str | None, list[float]] = {}
        kinds: dict[str | None, dict[str, int]] = {}
        for r in rows["cells"]:
            acc = sums.setdefault(r["step"], [0, 0.0, 0.0])
            acc[0] += int(r["n"])
            acc[1] += float(r["total"] or 0.0)
            acc[2] += float(r["squares"] or 0.0)
            kinds.setdefault(r["step"], {})[r["measure"]] = int(r["n"])
        skip = query.excluded()
        conf = query.confidence
        steps: list[StepEmotion] = []
        stages: list[StageEmotion] = []
        for stage in query.journey.stages:
            pooled = [0, 0.0, 0.0]
            for s in stage.steps:
                n, total, squares = sums.get(s.id, [0, 0.0, 0.0])
                pooled = [pooled[0] + n, pooled[1] + total, pooled[2] + squares]
                ci = interval(int(n), total, squares, conf)
                gap = _shift(ci, s.emotion)
                steps.append(
                    StepEmotion(
                        step=s.id,
                        name=s.name,
                        stage=stage.id,
                        link_target=s.id not in skip,
                        moment_of_truth=s.moment_of_truth is not None,
                        expected=s.emotion,
                        n=ci.n,
                        felt=ci.mean,
                        low=ci.low,
                        high=ci.high,
                        by_measure=dict(sorted(kinds.get(s.id, {}).items())),
                        gap=gap.mean,
                        gap_low=gap.low,
                        gap_high=gap.high,
                        significant=gap.low is not None
                        and gap.high is not None
                        and (gap.low > 0 or gap.high < 0),
                    )
                )
            designed = [s.emotion for s in stage.steps if s.emotion is not None]
            ci = interval(int(pooled[0]), pooled[1], pooled[2], conf)
            stages.append(
                StageEmotion(
                    stage=stage.id,
                    name=stage.name,
                    expected=round(sum(designed) / len(designed), 6) if designed else None,
                    n=ci.n,
                    felt=ci.mean,
                    low=ci.low,
                    high=ci.high,
                )
            )
        order = {s.step: i for i, s in enumerate(steps)}
        ranked = sorted(
            (s for s in steps if s.gap is not None),
            key=lambda s: (-abs(s.gap or 0.0), order[s.step]),
        )
        by_measure: dict[str, int] = {}
        for per in kinds.values():
            for k, v in per.items():
                by_measure[k] = by_measure.get(k, 0) + v
        measures = sum(int(v[0]) for v in sums.values())
        unlinked = int(sums.get(None, [0])[0])
        return EmotionResult(
            journey=query.journey.id,
            window=human_duration(query.window),
            confidence=conf,
            measures=measures,
            linked=measures - unlinked,
            unlinked=unlinked,
            by_measure=dict(sorted(by_measure.items())),
            steps=steps,
            stages=stages,
            gaps=[
                EmotionGap(
                    rank=i,
                    step=s.step,
                    name=s.name,
                    expected=s.expected or 0,
                    felt=s.felt or 0.0,
                    gap=s.gap or 0.0,
                    gap_low=s.gap_low,
                    gap_high=s.gap_high,
                    significant=s.significant,
                    n=s.n,
                )
                for i, s in enumerate(ranked, start=1)
            ],
            excluded_steps=sorted(skip),
            case_rule=query.case_rule.describe(),
            semantics=with_stated(query, _describe(query)),
        )


def _shift(ci: Interval, expected: int | None) -> Interval:
    if expected is None or ci.mean is None:
        return Interval(n=ci.n, mean=None, low=None, high=None)

    def sub(x: float | None) -> float | None:
        return None if x is None else round(x - expected, 6)

    return Interval(n=ci.n, mean=sub(ci.mean), low=sub(ci.low), high=sub(ci.high))


def _describe(q: EmotionQuery) -> str:
    ces = "(s-4)/1.5" if q.ces_high_is_easy else "(4-s)/1.5"
    pct = f"{q.confidence * 100:g}%"
    return (
        "measures: every survey answer (NPS, CSAT, CES with a score) and every sentiment "
        "score; an event with both gives two measures; "
        f"scale -2..+2: NPS (s-5)/2.5, CSAT s-3, CES {ces}, sentiment 2x; "
        "link: a measure belongs to the most recent event of a link-target step of the same "
        f"case at or before it (ties: input order; its own event counts) at most "
        f"{human_duration(q.window)} earlier, else it is unlinked; link targets: the journey's "
        "steps with activities except the excluded ones (default: anytime steps without a "
        "designed emotion); "
        f"felt = mean of linked measures per step and per stage with a {pct} t-interval "
        "(measures treated as independent; no interval for n < 2); "
        "gap = felt - expected (the step's designed emotion), interval shifted alike, "
        "significant when it excludes 0; gaps ranked by |gap| descending"
    )


EMOTION = EmotionAnalysis()
