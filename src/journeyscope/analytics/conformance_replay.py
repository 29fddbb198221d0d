"""Conformance replay: every move of every case, judged by the designed journey.

The rules (how a case is read, what each deviation means) are written out in
:mod:`journeyscope.analytics.conformance`; this module builds the lazy Ibis expression of
the moves (:func:`replay`) from the design's activity, move and step tables.
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.types as ir

from journeyscope.analytics.cases import (
    CaseRule,
    epoch_seconds,
    ordered,
    read_properties,
    with_cases,
)
from journeyscope.analytics.work_items import LIFECYCLE, instances
from journeyscope.definitions.graph import move_table, ranks
from journeyscope.definitions.models import Journey

#: Every deviation type and its definition (the module documentation says more).
DEVIATIONS: Final[dict[str, str]] = {
    "skipped_step": "moved forward past mandatory steps the design puts in between",
    "unexpected_activity": "did an activity that no step of the design claims",
    "backtracking": "went back to a step already visited where the design has no loop",
    "entered_midway": "started at a step that is not an entry of the design",
    "left_before_outcome": "the case ended without reaching the outcome or a designed exit",
    "out_of_order": "did a step earlier in the design for the first time, or moved between "
    "steps the design never orders",
    "time_limit_broken": "took longer than the step's time limit since the previous step, or "
    "than the outcome's limit since the first event",
}


def _deviation_of(relation: ir.StringValue, first_visit: ir.BooleanValue) -> ir.StringValue:
    return ibis.cases(
        (relation == "skip", "skipped_step"),
        (relation == "midway", "entered_midway"),
        ((relation == "back") & ~first_visit, "backtracking"),
        (relation.isin(["back", "cross"]), "out_of_order"),
        else_=ibis.null("string"),
    )


def seconds(ts: ir.TimestampValue) -> ir.FloatingValue:
    """Whole seconds since 1970, floored (``epoch_seconds`` keeps the microseconds, on
    every engine)."""
    return epoch_seconds(ts).floor().cast("float64")


def _numbers(journey: Journey) -> dict[str, int]:
    """Step id -> a small number (1-based), for cheap integer joins and window maxima."""
    return {step.id: n for n, step in enumerate(journey.steps, start=1)}


def _activity_table(journey: Journey) -> ir.Table:
    numbers = _numbers(journey)
    rows = [
        {"activity": a, "step": s.id, "step_no": numbers[s.id], "anytime": s.anytime}
        for s in journey.steps
        for a in s.activities
    ]
    schema = {"activity": "string", "step": "string", "step_no": "int64", "anytime": "boolean"}
    return ibis.memtable(rows or {k: [] for k in schema}, schema=schema)


def _move_table(journey: Journey) -> ir.Table:
    numbers = _numbers(journey)
    rows = [
        {
            "source_no": numbers[m.source] if m.source is not None else 0,
            "target_no": numbers[m.target],
            "source": m.source,
            "relation": m.relation,
            "skipped": ",".join(m.skipped) or None,
        }
        for m in move_table(journey)
    ]
    schema = {
        "source_no": "int64",
        "target_no": "int64",
        "source": "string",
        "relation": "string",
        "skipped": "string",
    }
    return ibis.memtable(rows or {k: [] for k in schema}, schema=schema)


def step_table(journey: Journey) -> ir.Table:
    order = ranks(journey)
    rows = []
    for stage in journey.stages:
        for step in stage.steps:
            if step.anytime or not step.activities:
                continue
            limit = step.time_limit.total_seconds() if step.time_limit is not None else None
            rows.append(
                {
                    "step": step.id,
                    "name": step.name,
                    "stage": stage.id,
                    "rank": order.get(step.id, len(order)),
                    "limit_seconds": limit,
                }
            )
    schema = {
        "step": "string",
        "name": "string",
        "stage": "string",
        "rank": "int64",
        "limit_seconds": "float64",
    }
    return ibis.memtable(rows or {k: [] for k in schema}, schema=schema)


def replay(events: ir.Table, journey: Journey, rule: CaseRule | None = None) -> ir.Table:
    """Every move of every case in scope, judged by the design (one row per move).

    Columns: ``case``, ``seq`` (position of the move's event in the case; the exit move gets
    the number after the last event), ``timestamp`` (the exit's: the case's last event),
    ``kind`` (``entry``, ``move``, ``unexpected``, ``exit``), ``from_step`` (the last regular
    step before; null for entries), ``to_step`` (null for unexpected activities and exits),
    ``activity`` (the event's; null for exits), ``allowed``, ``deviation`` (a
    :data:`DEVIATIONS` key or null; time limits are in ``late``), ``skipped``
    (comma-separated step ids), ``late``, ``elapsed_seconds`` (since the last event of the
    previous regular step), ``first_visit`` (the case's first visit of ``to_step``).
    """
    return _replay(events, journey, rule)


def _events(events: ir.Table, journey: Journey, rule: CaseRule | None) -> ir.Table:
    """Events of cases, in case order (``seq``), with the design's step for each activity."""
    # the lifecycle transition, the one property the instances read, before the sort
    cased = ordered(with_cases(read_properties(events, [LIFECYCLE]), rule))
    cased = instances(cased, position="seq")  # seq orders a case's events as the keys do
    cased = cased.select("case", "seq", "activity", "timestamp", "opens")
    acts = _activity_table(journey)
    ev = cased.left_join(acts, "activity").select(
        cased.case,
        cased.seq,
        cased.activity,
        cased.timestamp,
        cased.opens,
        acts.step,
        acts.step_no,
        anytime=acts.anytime.fill_null(False),
    )
    return ev.mutate(regular=ev.step.notnull() & ~ev.anytime)


def _facts(ev: ir.Table, journey: Journey) -> ir.Table:
    """One row per case in scope (with a regular step event): what the exit and the
    per-case view need."""
    outcome = journey.outcome_activities()
    exits = [a for e in journey.exits for a in _activities_of(journey, e)]
    never = ev.seq < 0  # a column that is always false
    is_outcome = ev.activity.isin(outcome) if outcome else never
    is_exit = ev.activity.isin(exits) if exits else never
    facts = ev.group_by("case").aggregate(
        regular_events=ev.regular.cast("int64").sum(),
        first_ts=ev.timestamp.min(),
        last_ts=ev.timestamp.max(),
        outcome_ts=ev.timestamp.min(where=is_outcome),
        reached=is_outcome.any(),
        designed_exit=is_exit.any(),
        last_seq=ev.seq.max(),
        entered_at=ev.step.argmin(ev.seq, where=ev.regular),
        left_at=ev.step.argmax(ev.seq, where=ev.regular),
    )
    return facts.filter(facts.regular_events > 0)


def _replay(events: ir.Table, journey: Journey, rule: CaseRule | None) -> ir.Table:
    """The moves (see :func:`replay`)."""
    ev = _events(events, journey, rule)
    facts = _facts(ev, journey)
    k = len(journey.steps) + 1
    ts = events.timestamp.type()  # every timestamp out has the input's type (caching may
    # hand a table back with another precision, and unions need equal types)

    # one ordered pass over the regular steps and unclaimed activities (anytime set aside):
    # the last regular step before each event (the largest seq * k + step_no among earlier
    # regular events: seq orders them, the remainder names the step), its time, and the
    # previous activity
    # (an event that continues a work item's instance, a lifecycle complete after its start,
    # is no move: see journeyscope.analytics.work_items; it still counts as the step's last
    # event for time limits)
    path = ev.filter(~ev.anytime)
    before = ibis.window(group_by=path.case, order_by=path.seq, rows=(None, -1))
    path = path.mutate(
        prev_ts=ibis.ifelse(path.regular, path.timestamp, ibis.null("timestamp"))
        .max()
        .over(before),
    )
    path = path.filter(path.opens)
    before = ibis.window(group_by=path.case, order_by=path.seq, rows=(None, -1))
    by_case = ibis.window(group_by=path.case, order_by=path.seq)
    code = ibis.ifelse(path.regular, path.seq * k + path.step_no, ibis.null("int64"))
    path = path.mutate(
        prev_code=code.max().over(before),
        prev_activity=path.activity.lag().over(by_case),
    )
    path = path.mutate(prev_no=path.prev_code % k)

    # entries and step changes (a step after itself, even across a detour, is a repeat)
    regular = path.filter(path.regular)
    steps = regular.filter(regular.prev_no.isnull() | (regular.prev_no != regular.step_no))
    firsts = regular.group_by(["case", "step_no"]).aggregate(first_seq=regular.seq.min())
    steps = steps.join(firsts, ["case", "step_no"])
    table = _move_table(journey)
    limits = step_table(journey).select(limit_step="step", limit_seconds="limit_seconds")
    joined = steps.join(
        table,
        [steps.prev_no.fill_null(0) == table.source_no, steps.step_no == table.target_no],
    )
    joined = joined.join(limits, joined.step == limits.limit_step)
    elapsed = seconds(joined.timestamp) - seconds(joined.prev_ts)
    step_moves = joined.select(
        case=joined.case,
        seq=joined.seq,
        timestamp=joined.timestamp.cast(ts),
        kind=ibis.ifelse(joined.prev_no.isnull(), "entry", "move"),
        from_step=joined.source,
        to_step=joined.step,
        activity=joined.activity,
        allowed=joined.relation.isin(["allowed", "entry"]),
        deviation=_deviation_of(joined.relation, joined.seq == joined.first_seq),
        skipped=joined.skipped,
        late=(elapsed > joined.limit_seconds).fill_null(False),
        elapsed_seconds=elapsed,
        first_visit=joined.seq == joined.first_seq,
    )

    # visits of unclaimed activities; from_step: where the customer left the designed path
    odd = path.filter(
        ~path.regular & (path.prev_activity.isnull() | (path.prev_activity != path.activity))
    )
    odd = odd.filter(odd.case.isin(facts.case))
    names = _activity_table(journey).select(name_no="step_no", name="step").distinct()
    odd = odd.left_join(names, odd.prev_no == names.name_no)
    odd_moves = odd.select(
        case=odd.case,
        seq=odd.seq,
        timestamp=odd.timestamp.cast(ts),
        kind=ibis.literal("unexpected"),
        from_step=odd.name,
        to_step=ibis.null("string"),
        activity=odd.activity,
        allowed=ibis.literal(False),
        deviation=ibis.literal("unexpected_activity"),
        skipped=ibis.null("string"),
        late=ibis.literal(False),
        elapsed_seconds=ibis.null("float64"),
        first_visit=ibis.literal(False),
    )

    # exits
    left = ~(facts.reached | facts.designed_exit)
    exit_moves = facts.select(
        case=facts.case,
        seq=facts.last_seq + 1,
        timestamp=facts.last_ts.cast(ts),
        kind=ibis.literal("exit"),
        from_step=facts.left_at,
        to_step=ibis.null("string"),
        activity=ibis.null("string"),
        allowed=~left,
        deviation=ibis.ifelse(left, "left_before_outcome", ibis.null("string")),
        skipped=ibis.null("string"),
        late=ibis.literal(False),
        elapsed_seconds=ibis.null("float64"),
        first_visit=ibis.literal(False),
    )
    return ibis.union(step_moves, odd_moves, exit_moves)


def _activities_of(journey: Journey, step_id: str) -> list[str]:
    try:
        return list(journey.step(step_id).activities)
    except KeyError:
        return []
