"""Opportunities: what to fix in a journey, each with its evidence and the value at stake.

An opportunity comes from the design (a step's ``opportunities:``, written by the team) or from
the data, through one of three kinds of evidence, each read from an analysis that already ran:

* **moment of truth** — an experience (a backtrack, a channel switch, a long wait, a
  deviation from the design...) with a significant *negative* adjusted effect on completion
  (:mod:`journeyscope.analytics.moments`, outcome ``completion``). Value at stake per year =
  cases with the experience per year × the lost completion share × the value of a completed
  case; its interval comes from the effect's interval. A significant negative effect on
  satisfaction is attached as evidence in score points (no money is put on a score point).
* **drop-off** — a step of the designed main path that loses at least ``min_dropoff`` of the
  cases that reached the step before it (a funnel along the design). Value at stake per year =
  dropped cases per year × the value of a completed case: an upper bound, since not every
  drop-off can be won back; its interval is the binomial interval of the drop-off share.
* **failure demand** — a step whose failures cause customers to come back
  (:mod:`journeyscope.analytics.value`): the value stream's opportunity (failed cases ×
  (failure-demand cost + lost outcome value) per failed case) per year; its interval treats
  the failure count as Poisson.

* **deviation** — a step where at least ``min_share`` of the cases that reached it left the
  designed path from it (conformance). Counted, not put in money: what a deviation costs is
  measured by a moment of truth, when it has a significant effect.

A design opportunity at a step takes the data evidence found at that step; data evidence at a
step with no design opportunity becomes an opportunity of its own. Because the pieces of
evidence at one step overlap (the same cases drop off, call and complain), an opportunity's
value at stake is the **largest** of its evidence values, never their sum.

**Confidence** is the probability, under a normal approximation of the evidence's interval,
that the value at stake is above zero: it says how sure the data is about the size of the
problem, not whether a fix will work. Scoring (:func:`score`) is stated in
:data:`SCORE_RULE`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Final, Literal, Protocol

from pydantic import BaseModel

from journeyscope.definitions.models import Journey

Source = Literal["moment of truth", "drop-off", "failure demand", "deviation"]

#: The two-sided normal quantile used for every interval computed here (95%).
Z95: Final = 1.959963984540054

SCORE_RULE: Final = (
    "expected value = value at stake per year x confidence; score = expected value / effort "
    "(effort as the team gives it, in points). Opportunities with an effort are ranked by "
    "score, then those without one by expected value, then those with no measured value; "
    "equal keys keep the journey's step order and are marked as ties."
)


class Interval(BaseModel):
    """An estimate and its 95% interval."""

    estimate: float
    low: float
    high: float


class Evidence(BaseModel):
    """One finding in the data that supports an opportunity."""

    source: Source
    step: str | None
    finding: str
    """The finding in one sentence."""
    analysis: str
    """The command that reproduces it."""
    cases: int
    """Cases affected in the data."""
    cases_per_year: float
    outcome_effect: Interval | None = None
    """Difference in completion share (with minus without the experience)."""
    satisfaction_effect: Interval | None = None
    """Difference in the survey score, in score points."""
    failure_demand_cost_per_year: float | None = None
    value_per_year: Interval | None = None
    """Money at stake per year; None when it cannot be put in money."""
    how: str
    """How the value was computed."""

    @property
    def confidence(self) -> float | None:
        return _confidence(self.value_per_year)


class Opportunity(BaseModel):
    """Something to fix at a step, with its evidence, value, confidence, effort and score."""

    id: str
    step: str | None
    step_name: str | None
    stage: str | None
    title: str
    origin: Literal["design", "data"]
    evidence: list[Evidence]
    value_at_stake: float | None
    """Per year: the largest evidence value (they overlap); None when nothing is measured."""
    value_interval: Interval | None
    confidence: float | None
    effort: float | None = None
    expected_value: float | None = None
    score: float | None = None
    rank: int = 0
    tie: bool = False


class MomentLike(Protocol):
    """What opportunities read of a moment of truth."""

    @property
    def candidate(self) -> str: ...
    @property
    def step(self) -> str | None: ...
    @property
    def cases_with(self) -> int: ...
    @property
    def effect(self) -> float: ...
    @property
    def ci(self) -> tuple[float, float]: ...
    @property
    def significant(self) -> bool: ...


class StepValueLike(Protocol):
    """What opportunities read of a value-stream step."""

    @property
    def step(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def failed_cases(self) -> int: ...
    @property
    def failure_demand_contacts(self) -> int: ...
    @property
    def failure_demand_cost(self) -> float: ...
    @property
    def opportunity(self) -> float: ...


def annualise(count: float, years: float) -> float:
    """``count`` seen over ``years`` of data, per year.

    >>> annualise(50, 0.5)
    100.0
    """
    if years <= 0:
        raise ValueError("the data must span a positive period to annualise")
    return count / years


def _confidence(value: Interval | None) -> float | None:
    if value is None:
        return None
    se = (value.high - value.low) / (2 * Z95)
    if se <= 0:
        return 1.0 if value.estimate > 0 else 0.0
    return 0.5 * (1 + math.erf(value.estimate / se / math.sqrt(2)))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:48] or "x"


def from_moments(
    moments: Sequence[MomentLike],
    *,
    years: float,
    value_per_case: float,
    outcome: Literal["completion", "satisfaction"],
    analysis: str,
) -> list[Evidence]:
    """Evidence from significant negative moments of truth (see the module text).

    ``moments`` are :class:`journeyscope.analytics.moments.Moment` (or anything with the same
    fields); ``outcome`` says what their effect measures.
    """
    found = []
    for m in moments:
        if not m.significant or m.effect >= 0:
            continue
        per_year = annualise(m.cases_with, years)
        effect = Interval(estimate=m.effect, low=m.ci[0], high=m.ci[1])
        if outcome == "completion":
            money = per_year * value_per_case
            value = Interval(
                estimate=-m.effect * money, low=-m.ci[1] * money, high=-m.ci[0] * money
            )
            finding = (
                f"cases that {m.candidate} completed {-m.effect:.1%} less often "
                f"({m.cases_with:,} cases)"
            )
            how = (
                f"{per_year:,.0f} cases a year x {-m.effect:.3f} lost completion share x "
                f"{value_per_case:,.2f} per completed case"
            )
            found.append(
                Evidence(
                    source="moment of truth",
                    step=m.step,
                    finding=finding,
                    analysis=analysis,
                    cases=m.cases_with,
                    cases_per_year=per_year,
                    outcome_effect=effect,
                    value_per_year=value,
                    how=how,
                )
            )
        else:
            found.append(
                Evidence(
                    source="moment of truth",
                    step=m.step,
                    finding=f"customers who {m.candidate} scored {-m.effect:.2f} points lower "
                    f"({m.cases_with:,} cases)",
                    analysis=analysis,
                    cases=m.cases_with,
                    cases_per_year=per_year,
                    satisfaction_effect=effect,
                    how="an effect on the survey score: not put in money",
                )
            )
    return found


def from_dropoffs(
    steps: Sequence[tuple[str, str, int, int]],
    *,
    years: float,
    value_per_case: float,
    min_dropoff: float,
    analysis: str,
) -> list[Evidence]:
    """Evidence from drop-offs along the designed main path.

    ``steps`` are ``(step id, step name, cases reaching the step before, cases reaching this
    step)`` for every step after the first, in path order.
    """
    found = []
    for step, name, before, reached in steps:
        if before <= 0:
            continue
        dropped = before - reached
        share = dropped / before
        if share < min_dropoff or dropped <= 0:
            continue
        se = math.sqrt(share * (1 - share) / before)
        money = annualise(before, years) * value_per_case
        found.append(
            Evidence(
                source="drop-off",
                step=step,
                finding=f"{share:.1%} of the {before:,} cases that reached the step before "
                f"never reached {name} ({dropped:,} cases)",
                analysis=analysis,
                cases=dropped,
                cases_per_year=annualise(dropped, years),
                value_per_year=Interval(
                    estimate=share * money,
                    low=max(share - Z95 * se, 0.0) * money,
                    high=min(share + Z95 * se, 1.0) * money,
                ),
                how=f"{annualise(dropped, years):,.0f} dropped cases a year x "
                f"{value_per_case:,.2f} per completed case (an upper bound: not every "
                "drop-off can be won back)",
            )
        )
    return found


def from_failures(
    steps: Sequence[StepValueLike],
    *,
    years: float,
    analysis: str,
) -> list[Evidence]:
    """Evidence from failure demand: steps whose value-stream opportunity is worth money."""
    found = []
    for s in steps:
        if s.failed_cases <= 0 or s.opportunity <= 0:
            continue
        value = annualise(s.opportunity, years)
        half = Z95 / math.sqrt(s.failed_cases)
        found.append(
            Evidence(
                source="failure demand",
                step=s.step,
                finding=f"{s.failed_cases:,} cases failed at {s.name}, causing "
                f"{s.failure_demand_contacts:,} contacts of failure demand",
                analysis=analysis,
                cases=s.failed_cases,
                cases_per_year=annualise(s.failed_cases, years),
                failure_demand_cost_per_year=annualise(s.failure_demand_cost, years),
                value_per_year=Interval(
                    estimate=value, low=max(value * (1 - half), 0.0), high=value * (1 + half)
                ),
                how="failed cases x (failure-demand cost + lost outcome value) per failed "
                "case, per year (the value stream's opportunity)",
            )
        )
    return found


def from_deviations(
    steps: Sequence[StepConformanceLike],
    *,
    years: float,
    min_share: float,
    analysis: str,
) -> list[Evidence]:
    """Evidence from frequent deviations from the design (see the module text)."""
    found = []
    for s in steps:
        if s.cases <= 0 or s.cases_off_path / s.cases < min_share:
            continue
        found.append(
            Evidence(
                source="deviation",
                step=s.id,
                finding=f"{s.cases_off_path / s.cases:.0%} of the {s.cases:,} cases at {s.name} "
                f"left the designed path from it ({s.cases_off_path:,} cases)",
                analysis=analysis,
                cases=s.cases_off_path,
                cases_per_year=annualise(s.cases_off_path, years),
                how="a count: its cost is what a moment of truth measures, when one does",
            )
        )
    return found


class StepConformanceLike(Protocol):
    """What opportunities read of a step's conformance."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def cases(self) -> int: ...
    @property
    def cases_off_path(self) -> int: ...


def collect(
    journey: Journey,
    evidence: Iterable[Evidence],
    *,
    efforts: dict[str, float] | None = None,
) -> list[Opportunity]:
    """Opportunities of ``journey``: its design's, with the data evidence at their step, and
    one per step for data evidence where the design names none. Scored and ranked.

    ``efforts`` maps an opportunity id to the team's effort estimate.
    """
    by_step: dict[str | None, list[Evidence]] = {}
    known = {s.id for s in journey.steps}
    for e in evidence:
        by_step.setdefault(e.step if e.step in known else None, []).append(e)
    found: list[Opportunity] = []
    for stage in journey.stages:
        for step in stage.steps:
            pieces = by_step.pop(step.id, [])
            titles = list(step.opportunities)
            origin: Literal["design", "data"] = "design"
            if not titles and pieces:
                titles, origin = [_title(step.name, pieces)], "data"
            for title in titles:
                found.append(
                    _opportunity(
                        f"{step.id}.{slug(title)}",
                        step.id,
                        step.name,
                        stage.id,
                        title,
                        origin,
                        pieces,
                    )
                )
    for pieces in by_step.values():  # evidence not tied to a designed step
        for e in pieces:
            found.append(
                _opportunity(
                    f"journey.{slug(e.finding)}",
                    None,
                    None,
                    None,
                    f"Look into: {e.finding}",
                    "data",
                    [e],
                )
            )
    return score(found, efforts or {})


def _title(step_name: str, pieces: list[Evidence]) -> str:
    """A title after the evidence worth most (the first, once sorted by value)."""
    top = max(pieces, key=lambda e: e.value_per_year.estimate if e.value_per_year else -1.0)
    if top.source == "failure demand":
        return f"Make {step_name} work the first time"
    if top.source == "drop-off":
        return f"Keep customers going at {step_name}"
    if top.source == "deviation":
        return f"Guide customers through {step_name} as designed"
    return f"Remove what hurts at {step_name}"


def _opportunity(
    oid: str,
    step: str | None,
    step_name: str | None,
    stage: str | None,
    title: str,
    origin: Literal["design", "data"],
    pieces: list[Evidence],
) -> Opportunity:
    valued = [e for e in pieces if e.value_per_year is not None]
    best = max(valued, key=lambda e: e.value_per_year.estimate) if valued else None  # type: ignore[union-attr]
    interval = best.value_per_year if best is not None else None
    return Opportunity(
        id=oid,
        step=step,
        step_name=step_name,
        stage=stage,
        title=title,
        origin=origin,
        evidence=sorted(
            pieces, key=lambda e: -(e.value_per_year.estimate if e.value_per_year else 0)
        ),
        value_at_stake=interval.estimate if interval else None,
        value_interval=interval,
        confidence=_confidence(interval),
    )


def score(opportunities: Sequence[Opportunity], efforts: dict[str, float]) -> list[Opportunity]:
    """Apply :data:`SCORE_RULE`: expected value, score, rank and ties.

    >>> a = Opportunity(id="a", step=None, step_name=None, stage=None, title="A", origin="data",
    ...                 evidence=[], value_at_stake=100.0, value_interval=None, confidence=0.5)
    >>> b = a.model_copy(update={"id": "b", "value_at_stake": 80.0, "confidence": 1.0})
    >>> [(o.id, o.expected_value, o.rank) for o in score([a, b], {})]
    [('b', 80.0, 1), ('a', 50.0, 2)]
    """
    scored = []
    for o in opportunities:
        effort = efforts.get(o.id, o.effort)
        expected = (
            o.value_at_stake * o.confidence
            if o.value_at_stake is not None and o.confidence is not None
            else None
        )
        value = None if expected is None or effort is None else expected / effort
        scored.append(
            o.model_copy(update={"effort": effort, "expected_value": expected, "score": value})
        )

    def key(pair: tuple[int, Opportunity]) -> tuple[int, float]:
        o = pair[1]
        if o.score is not None:
            return (0, -o.score)
        if o.expected_value is not None:
            return (1, -o.expected_value)
        return (2, 0.0)

    ordered = sorted(enumerate(scored), key=lambda p: (*key(p), p[0]))
    keys = [key(p) for p in ordered]
    return [
        o.model_copy(
            update={
                "rank": i + 1,
                "tie": (i > 0 and keys[i] == keys[i - 1])
                or (i + 1 < len(keys) and keys[i] == keys[i + 1]),
            }
        )
        for i, (_, o) in enumerate(ordered)
    ]
