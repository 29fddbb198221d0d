"""The typed result of :class:`~journeyscope.analytics.value.ValueQuery` and how it is read
from the rows of the value-stream expressions (see :mod:`journeyscope.analytics.value`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from journeyscope.analytics.semantics import with_stated

if TYPE_CHECKING:
    from journeyscope.analytics.value import ValueQuery

Rows = list[dict[str, Any]]


class TimeStat(BaseModel):
    observed: int
    """Occurrences the time is known for."""
    total_hours: float
    mean_hours: float | None


class ChannelCost(BaseModel):
    channel: str | None
    events: int
    cost: float


class Opportunity(BaseModel):
    rank: int
    step: str
    name: str
    volume: int
    """Cases reaching the step."""
    gap: float
    """Failed cases / volume."""
    impact: float
    """Money per failed case: failure-demand cost plus lost outcome value."""
    value: float
    """volume × gap × impact."""


class StepValue(BaseModel):
    step: str
    name: str
    stage: str | None
    events: int
    cases: int
    occurrences: int
    waiting: TimeStat
    processing: TimeStat | None
    """None when the data has no lifecycle pairs: processing time is not observed."""
    flow_efficiency: float | None
    cost: float
    cost_per_case: float
    by_channel: list[ChannelCost]
    failures: int
    failed_cases: int
    failure_rate: float
    failure_demand_contacts: int
    failure_demand_cost: float
    outcome_rate_failed: float | None
    outcome_rate_other: float | None
    opportunity: float


class ValueTotals(BaseModel):
    events: int
    cases: int
    cost: float
    cost_from: dict[str, int]
    """Events by where their cost came from: column, table, none."""
    processing_observed: bool
    flow_efficiency: float | None
    assisted_contacts: int
    """Assisted contacts of the classification in the analysed cases (as in ``channels``)."""
    failure_demand_contacts: int
    failure_demand_cost: float
    unattributed_failures: int
    unattributed_demand_contacts: int
    unattributed_demand_cost: float


class ValueResult(BaseModel):
    journey: str | None
    steps: list[StepValue]
    opportunities: list[Opportunity]
    """Steps with failures, by opportunity value descending."""
    totals: ValueTotals
    cost_rule: str
    failure_activities: list[str]
    classification: str
    outcomes: list[str]
    value_per_case: float
    case_rule: str
    semantics: str


def _f(x: Any) -> float:
    return float(x or 0.0)


def _r(a: float, b: float) -> float | None:
    return round(a / b, 6) if b else None


def value_result(q: ValueQuery, rows: Mapping[str, Rows]) -> ValueResult:
    got = {r["step"]: r for r in rows["steps"]}
    reach = {r["step"]: r for r in rows["reach"]}
    fails = {r["step"]: int(r["failures"]) for r in rows["failures"]}
    chans: dict[str, list[ChannelCost]] = {}
    for r in sorted(rows["channels"], key=lambda r: (-_f(r["cost"]), str(r["channel"]))):
        chans.setdefault(r["step"], []).append(
            ChannelCost(channel=r["channel"], events=int(r["events"]), cost=round(_f(r["cost"]), 6))
        )
    demand: dict[str | None, tuple[int, float]] = {}
    contacts = 0
    for r in rows["demand"]:
        contacts += int(r["contacts"])
        if r["demand"]:
            demand[r["step"]] = (int(r["contacts"]), _f(r["cost"]))
    pairs = sum(int(r["pairs"] or 0) for r in rows["totals"])
    listed: list[tuple[str, str, str | None]]
    if q.journey is not None:
        listed = [
            (s.id, s.name, q.journey.stage_of(s.id).id)
            for s in q.journey.steps
            if not s.anytime and s.activities
        ]
    else:
        order = sorted(got.values(), key=lambda r: (-int(r["cases"]), r["step"]))
        listed = [(r["step"], r["step"], None) for r in order]
    steps: list[StepValue] = []
    for sid, name, stage in listed:
        g = got.get(sid, {})
        cases = int(g.get("cases") or 0)
        waited, processed = int(g.get("waited") or 0), int(g.get("processed") or 0)
        both_p, both_w = _f(g.get("both_processing_s")), _f(g.get("both_waiting_s"))
        rc = reach.get(sid, {})
        failed = int(rc.get("failed_cases") or 0)
        n_demand, c_demand = demand.get(sid, (0, 0.0))
        rate_failed = _r(int(rc.get("failed_done") or 0), failed)
        rate_other = _r(int(rc.get("other_done") or 0), cases - failed)
        lost = max(0.0, (rate_other or 0.0) - (rate_failed or 0.0)) if failed else 0.0
        impact = (c_demand / failed + q.value_per_case * lost) if failed else 0.0
        gap = failed / cases if cases else 0.0
        steps.append(
            StepValue(
                step=sid,
                name=name,
                stage=stage,
                events=int(g.get("events") or 0),
                cases=cases,
                occurrences=int(g.get("occurrences") or 0),
                waiting=_time(waited, _f(g.get("waiting_s"))),
                processing=_time(processed, _f(g.get("processing_s"))) if pairs else None,
                flow_efficiency=_r(both_p, both_p + both_w) if pairs else None,
                cost=round(_f(g.get("cost")), 6),
                cost_per_case=round(_f(g.get("cost")) / cases, 6) if cases else 0.0,
                by_channel=chans.get(sid, []),
                failures=fails.get(sid, 0),
                failed_cases=failed,
                failure_rate=round(gap, 6),
                failure_demand_contacts=n_demand,
                failure_demand_cost=round(c_demand, 6),
                outcome_rate_failed=rate_failed,
                outcome_rate_other=rate_other,
                opportunity=round(cases * gap * impact, 6),
            )
        )
    ranked = sorted(
        (s for s in steps if s.failed_cases),
        key=lambda s: (-s.opportunity, -s.failed_cases, s.step),
    )
    opportunities = [
        Opportunity(
            rank=i,
            step=s.step,
            name=s.name,
            volume=s.cases,
            gap=s.failure_rate,
            impact=round(s.opportunity / s.failed_cases, 6),
            value=s.opportunity,
        )
        for i, s in enumerate(ranked, start=1)
    ]
    proc = sum(_f(g.get("both_processing_s")) for g in got.values())
    wait = sum(_f(g.get("both_waiting_s")) for g in got.values())
    un_n, un_c = demand.get(None, (0, 0.0))
    totals = ValueTotals(
        events=sum(int(r["events"]) for r in rows["totals"]),
        cases=int(rows["cases"][0]["cases"] or 0) if rows["cases"] else 0,
        cost=round(sum(_f(r["cost"]) for r in rows["totals"]), 6),
        cost_from={
            k: sum(int(r["events"]) for r in rows["totals"] if r["cost_from"] == k)
            for k in ("column", "table", "none")
        },
        processing_observed=pairs > 0,
        flow_efficiency=_r(proc, proc + wait) if pairs else None,
        assisted_contacts=contacts,
        failure_demand_contacts=sum(n for n, _ in demand.values()),
        failure_demand_cost=round(sum(c for _, c in demand.values()), 6),
        unattributed_failures=fails.get(None, 0),
        unattributed_demand_contacts=un_n,
        unattributed_demand_cost=round(un_c, 6),
    )
    return ValueResult(
        journey=q.journey.id if q.journey is not None else None,
        steps=steps,
        opportunities=opportunities,
        totals=totals,
        cost_rule=_cost_rule(q),
        failure_activities=list(q.rules().failures),
        classification=q.rules().describe(),
        outcomes=q.outcome_activities(),
        value_per_case=q.value_per_case,
        case_rule=q.case_rule.describe(),
        semantics=with_stated(q, _describe(q, pairs > 0), _filters(q)),
    )


def _time(n: int, seconds: float) -> TimeStat:
    return TimeStat(
        observed=n,
        total_hours=round(seconds / 3600, 6),
        mean_hours=round(seconds / 3600 / n, 6) if n else None,
    )


def _cost_rule(q: ValueQuery) -> str:
    table = ", ".join(f"{k} {v:g}" for k, v in sorted(q.channel_costs.items())) or "empty"
    if q.cost_source == "column":
        return "the events' cost column only; events without one cost 0"
    if q.cost_source == "table":
        return f"the channel cost table only ({table}); other channels cost 0"
    return (
        f"the events' cost column, else the channel cost table ({table}); events with "
        "neither cost 0"
    )


def _filters(q: ValueQuery) -> list[str]:
    if q.journey is None:
        return []
    return ["cases with an event of a regular (not anytime) step of the design"]


def _describe(q: ValueQuery, processing: bool) -> str:
    steps = (
        "step events: events of the journey's steps that are not anytime"
        if q.journey is not None
        else "no journey: every activity is a step except failures and help contacts"
    )
    time = (
        "processing = complete - start of lifecycle pairs (a complete right after a start of "
        "the same case and activity); an occurrence is a start, an unpaired complete or an "
        "event without lifecycle (schedule, assign... events are none); flow efficiency = sum processing / (sum processing + "
        "sum waiting) over occurrences with both"
        if processing
        else "processing time is not observed (no start/complete lifecycle pairs): flow "
        "efficiency is not computable"
    )
    outcome = ", ".join(q.outcome_activities()) or "none"
    return (
        f"{steps}; waiting = time from the case's previous event to a step occurrence; {time}; "
        f"cost per event: {_cost_rule(q)}; "
        "contacts, failures and failure demand as in the classification (docs/metrics.md; "
        f"failure activities: {', '.join(q.rules().failures) or 'none declared'}); a failure "
        "and its failure demand are attributed to the step of the case's next step attempt "
        "(none, or not a step: unattributed); "
        "opportunity = volume x gap x impact: volume = cases reaching the step, gap = failed "
        "cases / volume, impact = failure-demand cost per failed case + value per case "
        f"({q.value_per_case:g}) x max(0, outcome rate of the step's other cases - outcome "
        f"rate of its failed cases); outcome activities: {outcome}; ranked descending"
    )
