"""Value stream: volume, time, cost to serve and failure demand per step, and where fixing a
step is worth most.

* **steps** — with a journey, an event is a *step event* when its activity belongs to a step
  that is not ``anytime``; without one, every activity is a step except the failure and
  contact activities.
* **time** — *waiting* = time from the case's previous event (any event) to the step event.
  *Processing* is observed only where the data has XES lifecycles: a ``complete`` event
  (property ``lifecycle:transition``) right after a ``start`` of the same case and activity
  closes it; processing = complete − start, and the complete event is not a new step
  occurrence; nor is an event of another transition (``schedule``, ``assign``, ``suspend``,
  ...): the step happens once, at its start. Flow efficiency = Σ processing / (Σ processing + Σ waiting) over occurrences
  that have both; without lifecycle pairs it is not computable and reported as null.
* **cost** — per event: ``cost_source`` ``auto`` takes the ``cost`` column and falls back to
  ``channel_costs`` by channel, ``column`` and ``table`` take only one; events with neither
  cost nothing, and the result counts events by where their cost came from.
* **failure** and **failure demand** — as :mod:`journeyscope.analytics.contacts` defines
  them (the one definition; ``channels`` counts the same contacts). The failure activities
  are the query's ``failure_activities``, else the journey's, else the catalogue's; nothing
  is a failure by default, and going back to an earlier-listed step is not a failure by
  itself. A failure is a failure of the step of the case's next step attempt (the thing
  being attempted, often then done in another channel; none follows, or it is no step of the
  journey: unattributed); a failure-demand contact is attributed to the same step.
* **contacts** — the assisted contacts of the classification (customer-initiated events in
  an assisted channel, survey answers left out).
* **opportunity** — volume × gap × impact, in money: volume = cases reaching the step; gap =
  failed cases / volume; impact = failure-demand cost per failed case + ``value_per_case`` ×
  max(0, outcome rate of the step's other cases − outcome rate of its failed cases).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import ibis
from pydantic import Field

from journeyscope.analytics._value_result import (
    ChannelCost,
    Opportunity,
    StepValue,
    TimeStat,
    ValueResult,
    ValueTotals,
    value_result,
)
from journeyscope.analytics.cases import (
    ORDER_KEYS,
    AnalysisQuery,
    epoch_ms,
    lookup,
    property_value,
    split_cases,
    with_cases,
)
from journeyscope.analytics.contacts import (
    ContactRules,
    classify,
    with_failure_demand,
)
from journeyscope.analytics.holistic import distinct_count, first_rows
from journeyscope.definitions.models import Journey

CostSource = Literal["auto", "column", "table"]
Rows = list[dict[str, Any]]


class ValueQuery(AnalysisQuery):
    """Value-stream analysis of a journey's steps (or of the activities, without a journey)."""

    kind: Literal["value"] = "value"
    journey: Journey | None = None
    channel_costs: dict[str, float] = Field(default_factory=dict)
    cost_source: CostSource = "auto"
    contacts: ContactRules = Field(default_factory=ContactRules)
    failure_activities: tuple[str, ...] = ()
    """Activities that mean a failure; empty: the journey's, else the classification's."""
    outcomes: tuple[str, ...] = ()
    """Outcome activities; empty: the journey's outcome (no journey: no outcome)."""
    value_per_case: float = Field(default=0.0, ge=0)
    """Money a case that reaches the outcome is worth."""

    def outcome_activities(self) -> list[str]:
        if self.outcomes:
            return list(self.outcomes)
        return self.journey.outcome_activities() if self.journey is not None else []

    def rules(self) -> ContactRules:
        """The classification, with the failure activities this analysis uses."""
        if self.failure_activities:
            return self.contacts.with_failures(self.failure_activities, "failures from the query")
        if self.journey is not None and self.journey.failure_activities:
            return self.contacts.with_failures(
                tuple(self.journey.failure_activities), f"failures from design {self.journey.id}"
            )
        return self.contacts


def _cost(t: ibis.Table, q: ValueQuery) -> tuple[ibis.Value, ibis.Value]:
    none = ibis.null("float64")
    table = lookup(t.channel, {k: float(v) for k, v in q.channel_costs.items()}, "float64")
    column = t.cost.cast("float64")
    use_col = column if q.cost_source != "table" else none
    use_tab = table if q.cost_source != "column" else none
    origin = ibis.cases((use_col.notnull(), "column"), (use_tab.notnull(), "table"), else_="none")
    return use_col.fill_null(use_tab).fill_null(0.0), origin


#: The columns of the events the value stream (and what builds on it: ``compare``) reads,
#: and those that order a case's events (:data:`ORDER_KEYS`, left behind once ordered). The
#: rest, the ``properties`` JSON above all (read once, for the lifecycle), is left behind
#: before the per-case windows: each window carries and sorts every column it is given.
CARRIED = ("case", "timestamp", "activity", "channel", "survey_type", "survey_score")


def value_events(events: ibis.Table, q: ValueQuery) -> ibis.Table:
    """One row per event with ``step``, ``cost``, ``cost_from``, ``waiting_s``,
    ``processing_s``, ``occurrence``, ``failure``, ``failed_step``, ``contact``,
    ``failure_demand``, ``demand_step``, ``seq`` and the columns of :data:`CARRIED`; see the
    module text."""
    rules = q.rules()
    cased = with_cases(events, q.case_rule)
    cost, origin = _cost(cased, q)
    life = property_value(cased, "lifecycle:transition").lower()
    regular: dict[str, str] = {}  # activity: step, without a design none
    if q.journey is not None:
        steps = [s for s in q.journey.steps if s.activities]
        regular = {a: s.id for s in steps if not s.anytime for a in s.activities}
        step = lookup(cased.activity, regular, "string")
    else:
        step = ibis.null("string")  # set once the failures and help contacts are known
    keys = [k for k in ORDER_KEYS if k not in CARRIED]
    narrow = cased.select(*CARRIED, *keys, cost=cost, cost_from=origin, life=life, step=step)
    ms = epoch_ms(narrow.timestamp)
    # the case's order and the time since the event before, in one window (one sort)
    case_w = ibis.window(group_by=narrow.case, order_by=[narrow[k] for k in ORDER_KEYS])
    t = narrow.mutate(
        seq=ibis.row_number().over(case_w) + 1,
        pos=ibis.row_number().over(case_w),  # the classification's position: no sort again
        ms=ms,
        prev_ms=ms.lag().over(case_w),
    ).drop(*keys)  # read by that sort only: no later window carries them
    t = _paired_lives(t)
    # the times and the lifecycle read before the failure-demand windows, which carry (and
    # sort) every column they are given: two numbers and a flag instead of six columns
    paired = ((t.life == "complete") & (t.prev_life == "start")).fill_null(False)
    t = t.mutate(
        waiting_s=((t.ms - t.prev_ms) / 1000.0).cast("float64"),
        processing_s=ibis.cases(
            ((t.life == "start") & (t.next_life == "complete"), (t.next_ms - t.ms) / 1000.0),
            else_=ibis.null("float64"),
        ),
        occurs=~paired & (t.life.isnull() | t.life.isin(["start", "complete"])).fill_null(True),
    ).drop("ms", "prev_ms", "life", "prev_life", "next_life", "next_ms")
    classified = classify(t, rules, position="pos")
    # without a design, an attempt's step is its activity (set below for every event)
    step_of = "step" if q.journey is not None else "activity"
    step_ids = list(dict.fromkeys(regular.values()))
    t = with_failure_demand(classified, step=step_of, steps=step_ids, split=False)
    if q.journey is None:
        t = t.mutate(step=ibis.cases((~(t.failure | t.help), t.activity), else_=t.step))
    else:  # the cases with a step, read from the events (not from the classified ones)
        stepped = cased.filter(cased.activity.isin(list(regular)))
        t = t.filter(t.case.isin(stepped.select(step_case=stepped.case).distinct().step_case))
    return t.select(
        *CARRIED,
        "step",
        "cost",
        "cost_from",
        "seq",
        "waiting_s",
        "processing_s",
        "failure",
        "failure_demand",
        occurrence=t.step.notnull() & t.occurs,
        failed_step=ibis.cases((t.failure, t.resolution_step), else_=ibis.null("string")),
        demand_step=ibis.cases((t.failure_demand, t.resolution_step), else_=ibis.null("string")),
        contact=t.assisted_contact,
    )


def _paired_lives(t: ibis.Table) -> ibis.Table:
    """``t`` with ``prev_life``, ``next_life`` and ``next_ms``: the lifecycle transition
    before and after each event, and the time of the one after, among its case's events of
    the same activity. Only an event with a transition reads them (a ``complete`` after a
    ``start`` is paired, a ``start`` before a ``complete`` is timed), so the window runs over
    the cases that have a transition alone (``cases.split_cases``); the other cases'
    events get nulls."""
    lives, plain = split_cases(t, t.life.notnull())
    act_w = ibis.window(group_by=[lives.case, lives.activity], order_by=lives.seq)
    lives = lives.mutate(
        prev_life=lives.life.lag().over(act_w),
        next_life=lives.life.lead().over(act_w),
        next_ms=lives.ms.lead().over(act_w),
    )
    plain = plain.mutate(
        prev_life=ibis.null("string"),
        next_life=ibis.null("string"),
        next_ms=ibis.null(t.ms.type()),
    )
    return lives.union(plain)


def failure_demand(prepared: ibis.Table) -> ibis.Table:
    """Assisted contacts with ``demand`` (failure demand) and ``step`` (the step of the failure
    it follows; null when not failure demand or the failure is unattributed)."""
    c = prepared.filter(prepared.contact)
    return c.select("case", "cost", demand=c.failure_demand, step=c.demand_step)


def _n(cond: ibis.BooleanValue) -> ibis.IntegerScalar:
    return cond.cast("int64").sum()


class ValueAnalysis:
    """Runner for :class:`ValueQuery`."""

    def prepare(self, events: ibis.Table, query: ValueQuery, large: bool = False) -> ibis.Table:
        return value_events(events, query)

    #: ``large``: the distinct cases counted by sorting (:mod:`~journeyscope.analytics.holistic`)
    sized = True

    def expressions(
        self, prepared: ibis.Table, events: ibis.Table, query: ValueQuery, large: bool = False
    ) -> dict[str, ibis.Table]:
        p = prepared
        s = p.filter(p.step.notnull())
        occ = s.occurrence
        both = occ & s.waiting_s.notnull() & s.processing_s.notnull()
        m, cases = distinct_count(s, ["step"], "case", large=large)
        steps = m.group_by("step").aggregate(
            events=m.count(),
            cases=cases,
            occurrences=_n(occ),
            waited=_n(occ & s.waiting_s.notnull()),
            waiting_s=s.waiting_s.sum(where=occ),
            processed=_n(s.processing_s.notnull()),
            processing_s=s.processing_s.sum(),
            both_processing_s=s.processing_s.sum(where=both),
            both_waiting_s=s.waiting_s.sum(where=both),
            cost=s.cost.sum(),
        )
        channels = s.group_by("step", "channel").aggregate(events=s.count(), cost=s.cost.sum())
        f = p.filter(p.failure)
        failures = f.group_by(step=f.failed_step).aggregate(failures=f.count())
        d = failure_demand(p)
        demand = d.group_by("step", "demand").aggregate(contacts=d.count(), cost=d.cost.sum())
        outcome = query.outcome_activities()
        done = p.activity.isin(outcome) if outcome else p.seq < 0
        per_case = p.group_by("case").aggregate(done=done.any())
        reached = _distinct(s.select("case", "step"), large)
        failed = _distinct(
            f.filter(f.failed_step.notnull()).select("case", step=f.failed_step), large
        ).mutate(failed=ibis.literal(True))
        r = reached.left_join(failed, ["case", "step"]).select(reached.case, reached.step, "failed")
        r = r.left_join(per_case, "case").select(r.case, r.step, r.failed, per_case.done)
        fl = r.failed.fill_null(False)
        dn = r.done.fill_null(False)
        reach = r.group_by("step").aggregate(
            failed_cases=_n(fl), failed_done=_n(fl & dn), other_done=_n(~fl & dn)
        )
        totals = p.group_by("cost_from").aggregate(
            events=p.count(), cost=p.cost.sum(), pairs=_n(p.processing_s.notnull())
        )
        counted, all_cases = distinct_count(p, [], "case", large=large)
        return {
            "steps": steps,
            "channels": channels,
            "failures": failures,
            "demand": demand,
            "reach": reach,
            "totals": totals,
            "cases": counted.aggregate(cases=all_cases),
        }

    def result(self, query: ValueQuery, rows: Mapping[str, Rows]) -> ValueResult:
        return value_result(query, rows)


def _distinct(t: ibis.Table, large: bool) -> ibis.Table:
    """``t``'s distinct rows (``large``: found by sorting, as
    :func:`~journeyscope.analytics.holistic.first_rows` marks them)."""
    if not large:
        return t.distinct()
    marked = first_rows(t, t.columns, "_first")
    return marked.filter(marked._first == 1).drop("_first")


VALUE = ValueAnalysis()

__all__ = [
    "VALUE",
    "ChannelCost",
    "Opportunity",
    "StepValue",
    "TimeStat",
    "ValueAnalysis",
    "ValueQuery",
    "ValueResult",
    "ValueTotals",
    "failure_demand",
    "value_events",
]
