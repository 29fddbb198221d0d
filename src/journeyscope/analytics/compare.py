"""Before and after a change: did fixing a step work?

Cases are split by when they **started** (their first event): *before* = started before
``before``; *after* = started on or after ``after`` (cases that started in between, while the
change rolled out, are left out). For the cases of each period that reached ``step`` (an
occurrence of it, as the value stream counts occurrences):

* **drop-off** — share that never reached any step the design lets them go to next (its
  forward transitions); null for a step with none (the outcome). Interval: normal
  approximation of a binomial share.
* **waiting** — hours from the case's previous event to its first occurrence of the step
  (the value stream's waiting time); mean with a normal interval, and the median.
* **failure demand** — failure-demand contacts attributed to the step
  (:func:`journeyscope.analytics.value.failure_demand`), per case that reached it.
* **satisfaction** — the mean score of the ``survey`` answers of the cases that reached the
  step (respondents only: who answers may differ between periods, so say so when comparing).

Each measure has a 95% interval per period and for the difference (after − before), from the
two periods' standard errors (independent samples, normal approximation; a share's interval,
and a difference of shares', clipped to the values it can take). The comparison is
before/after, not a controlled experiment: anything else that changed between the periods
moves these figures too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

import ibis
from pydantic import BaseModel, model_validator

from journeyscope.analytics.cases import AnalysisQuery, epoch_ms
from journeyscope.analytics.opportunities import Z95
from journeyscope.analytics.semantics import with_stated
from journeyscope.analytics.value import ValueQuery, failure_demand, value_events
from journeyscope.definitions.graph import successors
from journeyscope.definitions.models import Journey
from journeyscope.errors import InvalidQueryError, closest

Rows = list[dict[str, Any]]


class CompareQuery(AnalysisQuery):
    """A step of a designed journey, before and after a change."""

    kind: Literal["compare"] = "compare"
    journey: Journey
    step: str
    before: datetime
    after: datetime
    survey: Literal["NPS", "CSAT", "CES"] = "NPS"
    value: ValueQuery | None = None
    """Failure and contact rules of the value stream (default: its defaults, this journey)."""

    @model_validator(mode="after")
    def _check(self) -> CompareQuery:
        known = [s.id for s in self.journey.steps if not s.anytime]
        if self.step not in known:
            close = closest(self.step, known, n=3)
            hint = (
                f"; did you mean {', '.join(close)}?" if close else f" (steps: {', '.join(known)})"
            )
            raise InvalidQueryError(f"journey {self.journey.id!r} has no step {self.step!r}{hint}")
        if _utc(self.after) < _utc(self.before):
            raise InvalidQueryError("--after must not be earlier than --before")
        return self

    def value_query(self) -> ValueQuery:
        base = self.value or ValueQuery()
        return base.model_copy(update={"journey": self.journey, "case_rule": self.case_rule})


class Measure(BaseModel):
    """One measure in one period: estimate, 95% interval and the cases behind it."""

    estimate: float | None
    low: float | None
    high: float | None
    n: int
    standard_error: float | None = None


class Change(BaseModel):
    name: str
    unit: str
    before: Measure
    after: Measure
    difference: Measure
    """after − before."""


class PeriodCounts(BaseModel):
    cases: int
    """Cases that started in the period."""
    reached: int
    """Of them, cases that reached the step."""


class CompareResult(BaseModel):
    journey: str
    step: str
    step_name: str
    before: PeriodCounts
    after: PeriodCounts
    measures: list[Change]
    next_steps: list[str]
    median_waiting_hours: tuple[float | None, float | None]
    semantics: str
    case_rule: str


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class CompareAnalysis:
    """Runner for :class:`CompareQuery`."""

    def prepare(self, events: ibis.Table, query: CompareQuery) -> ibis.Table:
        t = value_events(events, query.value_query())
        start = t.timestamp.min().over(ibis.window(group_by=t.case))
        before, after = ibis.literal(_utc(query.before)), ibis.literal(_utc(query.after))
        period = ibis.cases((start < before, "before"), (start >= after, "after"), else_=None)
        t = t.mutate(period=period)
        return t.filter(t.period.notnull())

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: CompareQuery
    ) -> dict[str, ibis.Table]:
        p = prepared
        nxt = successors(query.journey, loops=False).get(query.step, [])
        at = p.occurrence & (p.step == query.step)
        first_ms = ibis.cases((at, epoch_ms(p.timestamp)), else_=None)
        per_case = p.group_by(["period", "case"]).aggregate(
            reached=at.any(),
            first_ms=first_ms.min(),
        )
        occ = p.filter(at)
        waits = occ.group_by(["period", "case"]).aggregate(  # at the first occurrence
            wait_h=occ.waiting_s.argmin(occ.seq) / 3600.0
        )
        on_next = p.filter(p.occurrence & p.step.isin(nxt) if nxt else ibis.literal(False))
        nexts = on_next.group_by(["period", "case"]).aggregate(
            next_ms=epoch_ms(on_next.timestamp).max()
        )
        demand = failure_demand(p)
        demand = demand.filter(demand.demand & (demand.step == query.step))
        fd = demand.group_by("case").aggregate(fd=demand.count())
        answers = p.filter(p.survey_type == query.survey)
        scores = answers.group_by(["period", "case"]).aggregate(
            score=answers.survey_score.cast("float64").mean()
        )
        c = per_case
        for other in (nexts, waits, scores):
            o = other.rename(o_period="period", o_case="case")
            c = c.left_join(o, (c.period == o.o_period) & (c.case == o.o_case))
            c = c.drop("o_period", "o_case")
        f = fd.rename(o_case="case")
        c = c.left_join(f, c.case == f.o_case).drop("o_case")
        reached = c.filter(c.reached)
        dropped = (reached.next_ms.isnull() | (reached.next_ms < reached.first_ms)).cast("float64")
        stats = reached.group_by("period").aggregate(
            reached=reached.count(),
            dropped=dropped.sum(),
            wait_n=reached.wait_h.count(),
            wait_mean=reached.wait_h.mean(),
            wait_var=reached.wait_h.var(how="sample"),
            wait_median=reached.wait_h.approx_median(),
            fd_mean=reached.fd.fill_null(0).cast("float64").mean(),
            fd_var=reached.fd.fill_null(0).cast("float64").var(how="sample"),
            score_n=reached.score.count(),
            score_mean=reached.score.mean(),
            score_var=reached.score.var(how="sample"),
        )
        cases = c.group_by("period").aggregate(cases=c.count())
        return {"stats": stats, "cases": cases}

    def result(self, query: CompareQuery, rows: Mapping[str, Rows]) -> CompareResult:
        stats = {r["period"]: r for r in rows["stats"]}
        cases = {r["period"]: int(r["cases"]) for r in rows["cases"]}
        nxt = successors(query.journey, loops=False).get(query.step, [])
        b, a = stats.get("before", {}), stats.get("after", {})
        measures = [
            _change(
                "drop-off",
                "share of cases that reached the step",
                _share(b, nxt),
                _share(a, nxt),
                bounds=(-1.0, 1.0),
            ),
            _change("waiting", "hours", _mean(b, "wait"), _mean(a, "wait")),
            _change(
                "failure demand",
                "contacts per case",
                _mean(b, "fd", n="reached"),
                _mean(a, "fd", n="reached"),
            ),
            _change(
                f"{query.survey} score",
                "mean answer of respondents",
                _mean(b, "score"),
                _mean(a, "score"),
            ),
        ]
        step = query.journey.step(query.step)
        return CompareResult(
            journey=query.journey.id,
            step=query.step,
            step_name=step.name,
            before=PeriodCounts(cases=cases.get("before", 0), reached=int(b.get("reached") or 0)),
            after=PeriodCounts(cases=cases.get("after", 0), reached=int(a.get("reached") or 0)),
            measures=measures,
            next_steps=nxt,
            median_waiting_hours=(b.get("wait_median"), a.get("wait_median")),
            semantics=with_stated(
                query,
                f"cases started before {_utc(query.before):%Y-%m-%d %H:%M} UTC vs started on "
                f"or after {_utc(query.after):%Y-%m-%d %H:%M} UTC; cases that reached step "
                f"{query.step!r}; drop-off = never reached {', '.join(nxt) or '(no next step)'}; "
                "95% normal intervals; before/after, not a controlled comparison",
                [f"cases of the design that reached step {query.step!r}"],
            ),
            case_rule=query.case_rule.describe(),
        )


def _share(r: Mapping[str, Any], nxt: list[str]) -> Measure:
    n = int(r.get("reached") or 0)
    if not nxt or n == 0:
        return Measure(estimate=None, low=None, high=None, n=n)
    p = float(r["dropped"]) / n
    se = math.sqrt(p * (1 - p) / n)
    return Measure(
        estimate=p,
        low=max(p - Z95 * se, 0.0),
        high=min(p + Z95 * se, 1.0),
        n=n,
        standard_error=se,
    )


def _mean(r: Mapping[str, Any], key: str, n: str | None = None) -> Measure:
    count = int(r.get(n or f"{key}_n") or 0)
    mean, var = r.get(f"{key}_mean"), r.get(f"{key}_var")
    if count == 0 or mean is None:
        return Measure(estimate=None, low=None, high=None, n=count)
    se = math.sqrt(float(var) / count) if var is not None and count > 1 else float("nan")
    if math.isnan(se):
        return Measure(estimate=float(mean), low=None, high=None, n=count)
    return Measure(
        estimate=float(mean),
        low=mean - Z95 * se,
        high=mean + Z95 * se,
        n=count,
        standard_error=se,
    )


def _change(
    name: str, unit: str, before: Measure, after: Measure, bounds: tuple[float, float] | None = None
) -> Change:
    """After − before with its interval; ``bounds``: the range a difference can take (two
    shares differ by −1 to 1), where the normal interval is clipped."""
    sb, sa = before.standard_error, after.standard_error
    if before.estimate is None or after.estimate is None:
        diff = Measure(estimate=None, low=None, high=None, n=before.n + after.n)
    else:
        d = after.estimate - before.estimate
        if sb is None or sa is None:
            diff = Measure(estimate=d, low=None, high=None, n=before.n + after.n)
        else:
            half = Z95 * math.sqrt(sb**2 + sa**2)
            low, high = d - half, d + half
            if bounds is not None:
                low, high = max(low, bounds[0]), min(high, bounds[1])
            diff = Measure(
                estimate=d,
                low=low,
                high=high,
                n=before.n + after.n,
                standard_error=math.hypot(sb, sa),
            )
    return Change(name=name, unit=unit, before=before, after=after, difference=diff)


COMPARE = CompareAnalysis()
