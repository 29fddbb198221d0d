"""Conformance: how far real journeys follow the designed one, and where they leave it.

Each case (journey instance, see :mod:`journeyscope.analytics.cases`) is replayed against a
:class:`~journeyscope.definitions.Journey`. Everything is a lazy Ibis expression over the
events table — the same expressions run on DuckDB and on Spark; only
:meth:`Conformance.collect` executes.

How a case is read
------------------

1. Events are ordered by timestamp; equal timestamps keep the input order (as in
   :func:`~journeyscope.analytics.cases.ordered`).
2. Each event's activity is looked up in the design: it belongs to a **regular** step, to an
   ``anytime`` step, or to no step (**unclaimed**).
3. ``anytime`` events (help on demand, surveys, background work) are set aside: they are
   neither moves nor deviations.
4. On a lifecycle log, an event that continues a work item's instance (a ``complete``
   after its ``start``, another session of a scheduled item; see
   :mod:`journeyscope.analytics.work_items`) is no move: only events that open an instance
   are. Consecutive events of the same step are one **visit**; so are consecutive events of the
   same unclaimed activity. A step's events interrupted only by unclaimed activities are
   still one visit (the customer resumed the step after a detour).
5. The **moves** of a case are: the *entry* (into its first visit of a regular step), each
   *step change* (from the previous regular step to the next one), each visit of an
   *unclaimed* activity, and the *exit* (the case ends).
6. Cases **in scope** are those with at least one event of a regular step; others (another
   journey's cases) are left out.

Fitness
-------

``fitness = allowed moves / moves`` per case, in ``[0, 1]``; every case in scope has at least
two moves (entry and exit). A move is *allowed* when the design allows it (below); time limits
do not change fitness, they are reported as deviations of their own.

Deviation types
---------------

``entered_midway``
    The entry move goes to a step that is not an entry of the design (``entries``, or the
    first step), nor reachable from one through optional or unobservable steps only.
    At most one per case.
``skipped_step``
    A step change ``a -> b`` that the design does not allow, where ``b`` comes later than
    ``a`` in the design (reachable from ``a`` by non-loop transitions): mandatory steps in
    between were skipped. The deviation lists them (those on the shortest designed path).
``backtracking``
    A step change ``a -> b`` that the design does not allow, where ``b`` comes earlier than
    ``a`` (``a`` is reachable from ``b`` by non-loop transitions) and the case has visited
    ``b`` before: the customer went back to redo a step where the design has no loop.
``out_of_order``
    A step change ``a -> b`` that the design does not allow and that is neither forward
    (skipped step) nor back to a step already visited: ``b`` is earlier in the design but
    done for the first time (done late, typically after it was skipped), or the design
    never orders ``a`` and ``b`` (steps of alternative branches).
``unexpected_activity``
    A visit of an activity that no step of the design claims. Its ``from_step`` is the last
    regular step before it: where the customer left the designed path.
``left_before_outcome``
    The exit move of a case that never reached the outcome (no event of an outcome
    activity) nor a designed exit (``exits``). At most one per case; ``from_step`` is
    the last regular step. Cases still in progress when the data ends count too.
``time_limit_broken``
    A step change into a step with a ``time_limit``, more than that long after the last
    event of the previous regular step; or (``outcome.within``) the first outcome event
    more than that long after the case's first event. Allowed moves can break time limits.

A step change is *allowed* when a transition leads from ``a`` to ``b``, or a chain of
transitions does whose inner steps are all optional or unobservable (no activities).
Loops (``loop: true``) are allowed moves like any other transition.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Final

import ibis
import ibis.expr.types as ir
from pydantic import BaseModel

from journeyscope.analytics.cases import CaseRule, ordered, with_cases
from journeyscope.analytics.semantics import stated
from journeyscope.analytics.work_items import instances
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

_START: Final = ""  # source of an entry move in the move table
_KINDS: Final = ("entry", "move", "unexpected", "exit")


def _deviation_of(relation: ir.StringValue, first_visit: ir.BooleanValue) -> ir.StringValue:
    return ibis.cases(
        (relation == "skip", "skipped_step"),
        (relation == "midway", "entered_midway"),
        ((relation == "back") & ~first_visit, "backtracking"),
        (relation.isin(["back", "cross"]), "out_of_order"),
        else_=ibis.null("string"),
    )


def _seconds(ts: ir.TimestampValue) -> ir.FloatingValue:
    """Whole seconds since 1970, floored: engines disagree on the fraction of
    ``epoch_seconds`` (DuckDB keeps it, Spark floors), so it is floored on every one."""
    return ts.epoch_seconds().cast("float64").floor().cast("float64")


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


def _step_table(journey: Journey) -> ir.Table:
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
    cased = instances(ordered(with_cases(events, rule)))
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
    limits = _step_table(journey).select(limit_step="step", limit_seconds="limit_seconds")
    joined = steps.join(
        table,
        [steps.prev_no.fill_null(0) == table.source_no, steps.step_no == table.target_no],
    )
    joined = joined.join(limits, joined.step == limits.limit_step)
    elapsed = _seconds(joined.timestamp) - _seconds(joined.prev_ts)
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


def _case_facts(
    events: ir.Table, journey: Journey, rule: CaseRule | None, moves: ir.Table
) -> ir.Table:
    """Per case in scope: ``first_ts``, ``last_ts``, ``outcome_ts``, ``reached``,
    ``entered_at``, ``left_at`` — from the moves and one unordered pass over the events."""
    cased = with_cases(events, rule)
    outcome = journey.outcome_activities()
    is_outcome = (
        cased.activity.isin(outcome)
        if outcome
        else cased.activity.isnull() & cased.activity.notnull()
    )
    agg = cased.group_by("case").aggregate(
        first_ts=cased.timestamp.min(),
        last_ts=cased.timestamp.max(),
        outcome_ts=cased.timestamp.min(where=is_outcome),
        reached=is_outcome.any(),
    )
    entries = moves.filter(moves.kind == "entry").select("case", entered_at="to_step")
    exits = moves.filter(moves.kind == "exit").select("case", left_at="from_step")
    return exits.join(entries, "case").join(agg, "case")


def _activities_of(journey: Journey, step_id: str) -> list[str]:
    try:
        return list(journey.step(step_id).activities)
    except KeyError:
        return []


def _outcome_late(journey: Journey, info: ir.Table, ts: Any, seq: Any) -> ir.Table:
    """One row per case whose outcome came later than ``outcome.within`` after its start;
    ``ts`` and ``seq``: the types of the moves' columns (Spark reads a cached row number
    back as int32, DuckDB as int64: the union needs the moves' own)."""
    within = journey.outcome.within
    elapsed = _seconds(info.outcome_ts) - _seconds(info.first_ts)
    late = (
        (elapsed > within.total_seconds()).fill_null(False)
        if within is not None
        else ibis.literal(False)
    )
    rows = info.filter(late)
    return rows.select(
        case=rows.case,
        seq=ibis.null(seq),
        timestamp=rows.outcome_ts.cast(ts),
        type=ibis.literal("time_limit_broken"),
        from_step=ibis.null("string"),
        to_step=ibis.literal(journey.outcome.step, "string"),
        activity=ibis.null("string"),
        skipped=ibis.null("string"),
        elapsed_seconds=_seconds(rows.outcome_ts) - _seconds(rows.first_ts),
    )


def _deviations(moves: ir.Table, journey: Journey, info: ir.Table) -> ir.Table:
    cols = ("case", "seq", "timestamp", "from_step", "to_step", "activity", "skipped")
    flagged = moves.filter(moves.deviation.notnull())
    late = moves.filter(moves.late)
    return ibis.union(
        flagged.select(
            *cols, type=flagged.deviation, elapsed_seconds=flagged.elapsed_seconds
        ).select(*cols[:3], "type", *cols[3:], "elapsed_seconds"),
        late.select(
            *cols, type=ibis.literal("time_limit_broken"), elapsed_seconds=late.elapsed_seconds
        ).select(*cols[:3], "type", *cols[3:], "elapsed_seconds"),
        _outcome_late(journey, info, moves.timestamp.type(), moves.seq.type()),
    )


def _cases(moves: ir.Table, deviations: ir.Table, info: ir.Table) -> ir.Table:
    per = moves.group_by("case").aggregate(
        moves=moves.count(),
        allowed_moves=moves.allowed.cast("int64").sum(),
    )
    counts = deviations.group_by("case").aggregate(
        **{name: (deviations.type == name).cast("int64").sum() for name in DEVIATIONS}
    )
    joined = per.join(info, "case").left_join(counts, per.case == counts.case)
    return joined.select(
        case=joined.case,
        moves=joined.moves,
        allowed_moves=joined.allowed_moves,
        fitness=joined.allowed_moves.cast("float64") / joined.moves.cast("float64"),
        reached_outcome=joined.reached,
        entered_at=joined.entered_at,
        left_at=joined.left_at,
        first_event=joined.first_ts,
        last_event=joined.last_ts,
        **{name: joined[name].fill_null(0) for name in DEVIATIONS},
    )


def _summary(cases: ir.Table) -> ir.Table:
    f = cases.fitness
    return cases.aggregate(
        cases=cases.count(),
        reached_outcome=cases.reached_outcome.cast("int64").sum(),
        mean=f.mean(),
        min=f.min(),
        p10=f.quantile(0.1),
        p25=f.quantile(0.25),
        p50=f.quantile(0.5),
        p75=f.quantile(0.75),
        p90=f.quantile(0.9),
        perfect=(f >= 1.0).cast("int64").sum(),
    )


def _steps(moves: ir.Table, journey: Journey) -> ir.Table:
    into = moves.filter(moves.to_step.notnull())
    arrivals = into.group_by(step=into.to_step).aggregate(
        visits=into.count(),
        cases=into.first_visit.cast("int64").sum(),
        entries=(into.kind == "entry").cast("int64").sum(),
        entered_midway=(into.deviation == "entered_midway").cast("int64").sum(),
        arrived_off_path=(~into.allowed).cast("int64").sum(),
        late=into.late.cast("int64").sum(),
    )
    out = moves.filter(moves.from_step.notnull())
    departures = out.group_by(step=out.from_step).aggregate(
        moves_out=out.count(),
        off_path=(~out.allowed).cast("int64").sum(),
        cases_off_path=out.case.nunique(where=~out.allowed),
        left_here=(out.deviation == "left_before_outcome").cast("int64").sum(),
        ended_here=(out.kind == "exit").cast("int64").sum(),
    )
    table = _step_table(journey)
    joined = table.left_join(arrivals, table.step == arrivals.step).left_join(
        departures, table.step == departures.step
    )
    counts = (
        *("visits", "cases", "entries", "entered_midway", "arrived_off_path", "late"),
        *("moves_out", "off_path", "cases_off_path", "left_here", "ended_here"),
    )
    return joined.select(
        step=table.step,
        name=table.name,
        stage=table.stage,
        rank=table.rank,
        **{c: joined[c].fill_null(0) for c in counts},
    ).order_by("rank")


def _transitions(moves: ir.Table) -> ir.Table:
    marked = moves.mutate(
        target=ibis.cases(
            (moves.kind == "exit", "(end)"),
            (moves.kind == "unexpected", moves.activity),
            else_=moves.to_step,
        )
    )
    return (
        marked.group_by(["kind", "from_step", "target", "allowed", "deviation"])
        .aggregate(count=marked.count(), cases=marked.case.nunique())
        .order_by([ibis.desc("count"), "from_step", "target"])
    )


class Fitness(BaseModel):
    """Distribution of case fitness."""

    mean: float
    min: float
    p10: float
    p25: float
    p50: float
    p75: float
    p90: float
    perfect: float
    """Share of cases with fitness 1 (every move allowed)."""


class Instead(BaseModel):
    """What customers did when they left the designed path at a step."""

    to: str
    """A step id, an unclaimed activity, or ``(end)``."""
    kind: str
    deviation: str | None
    count: int
    cases: int


class StepConformance(BaseModel):
    """One step: how customers arrive, and where they leave the designed path."""

    id: str
    name: str
    stage: str
    cases: int
    visits: int
    entries: int
    entered_midway: int
    arrived_off_path: int
    """Moves into the step that the design does not allow."""
    late: int
    """Moves into the step that broke its time limit."""
    moves_out: int
    off_path: int
    """Moves out of the step that the design does not allow (unclaimed activities included)."""
    cases_off_path: int
    left_here: int
    """Cases that ended here without reaching the outcome or a designed exit."""
    ended_here: int
    instead: list[Instead]
    """The most frequent moves off the designed path from this step."""


class TransitionConformance(BaseModel):
    """One kind of move, counted."""

    kind: str
    from_step: str | None
    to: str
    allowed: bool
    deviation: str | None
    count: int
    cases: int


class ConformanceReport(BaseModel):
    """The executed result of :class:`Conformance`, ready for JSON."""

    journey: str
    case_rule: str
    cases: int
    reached_outcome: int
    fitness: Fitness
    deviations: dict[str, int]
    """Count of each deviation type (every type listed, zeros included)."""
    cases_with: dict[str, int]
    """Cases with at least one deviation of each type."""
    steps: list[StepConformance]
    transitions: list[TransitionConformance]
    """The most frequent moves, allowed or not."""
    definitions: dict[str, str]
    semantics: str = ""


#: Which cases conformance replays.
SCOPE: Final = "cases with an event of a regular (not anytime) step of the design"


@dataclass(frozen=True)
class Conformance:
    """Conformance of the cases in ``events`` to ``journey``, as lazy Ibis expressions.

    Build it with :func:`conformance`. Nothing runs until an expression is executed or
    :meth:`collect` is called.
    """

    journey: Journey
    rule: CaseRule
    moves: ir.Table
    """One row per move (see :func:`replay`)."""
    events: ir.Table = field(repr=False)
    facts: ir.Table | None = field(default=None, repr=False)
    """Per-case facts (computed from ``moves`` and ``events`` when not given)."""

    @property
    def info(self) -> ir.Table:
        """One row per case in scope: first and last event, outcome time, ``reached``,
        ``entered_at``, ``left_at``."""
        if self.facts is not None:
            return self.facts
        return _case_facts(self.events, self.journey, self.rule, self.moves)

    @property
    def deviations(self) -> ir.Table:
        """One row per deviation: ``case``, ``seq``, ``timestamp``, ``type``, ``from_step``,
        ``to_step``, ``activity``, ``skipped``, ``elapsed_seconds``."""
        return _deviations(self.moves, self.journey, self.info)

    @property
    def cases(self) -> ir.Table:
        """One row per case in scope: ``moves``, ``allowed_moves``, ``fitness``,
        ``reached_outcome``, ``entered_at``, ``left_at``, first and last event, and one
        count column per deviation type."""
        return _cases(self.moves, self.deviations, self.info)

    @property
    def summary(self) -> ir.Table:
        """One row: ``cases``, ``reached_outcome``, fitness ``mean``, ``min``, ``p10`` ...
        ``p90``, and ``perfect`` (cases with fitness 1)."""
        return _summary(self.cases)

    @property
    def steps(self) -> ir.Table:
        """One row per observable step, in design order: arrivals and departures."""
        return _steps(self.moves, self.journey)

    @property
    def transitions(self) -> ir.Table:
        """Moves counted by ``kind``, ``from_step``, ``target``, ``allowed``, ``deviation``."""
        return _transitions(self.moves)

    def collect(self, *, top: int = 5, transitions: int = 50) -> ConformanceReport:
        """Execute and gather everything into a :class:`ConformanceReport`.

        The moves and then the per-case facts are computed once each (cached on the
        backend) and every aggregate is read from them. ``top``: moves off the path listed per step; ``transitions``: the most
        frequent moves listed.
        """
        with (
            _cache(self.moves) as moves,
            _cache(_case_facts(self.events, self.journey, self.rule, moves)) as facts,
        ):
            view = Conformance(self.journey, self.rule, moves, self.events, facts)
            return self._gather(view, top, transitions)

    def _gather(self, view: Conformance, top: int, transitions: int) -> ConformanceReport:
        summary = view.summary.to_pyarrow().to_pylist()[0]
        devs = view.deviations
        by_type = {
            r["type"]: (int(r["n"]), int(r["cases"]))
            for r in devs.group_by("type")
            .aggregate(n=devs.count(), cases=devs.case.nunique())
            .to_pyarrow()
            .to_pylist()
        }
        steps = view.steps.to_pyarrow().to_pylist()
        moved = view.transitions.to_pyarrow().to_pylist()
        return _report(self.journey, self.rule, summary, by_type, steps, moved, top, transitions)


def _cache(table: ir.Table) -> ir.Table:
    """``table.cache()``, with its in-memory tables registered first: Ibis 12 caches on
    PySpark without registering them (DuckDB does), so the cached query would not find them."""
    backends, _ = table._find_backends()
    for backend in backends:
        register = getattr(backend, "_register_in_memory_tables", None)
        if register is not None:
            register(table)
    return table.cache()


def _report(
    journey: Journey,
    rule: CaseRule,
    summary: dict[str, Any],
    by_type: dict[str, tuple[int, int]],
    steps: list[dict[str, Any]],
    moved: list[dict[str, Any]],
    top: int,
    limit: int,
) -> ConformanceReport:
    cases = int(summary["cases"] or 0)

    def num(value: Any) -> float:
        return (
            0.0
            if value is None or (isinstance(value, float) and math.isnan(value))
            else float(value)
        )

    fitness = Fitness(
        mean=num(summary["mean"]),
        min=num(summary["min"]),
        p10=num(summary["p10"]),
        p25=num(summary["p25"]),
        p50=num(summary["p50"]),
        p75=num(summary["p75"]),
        p90=num(summary["p90"]),
        perfect=num(summary["perfect"]) / cases if cases else 0.0,
    )
    off = [m for m in moved if not m["allowed"] and m["from_step"] is not None]
    step_reports = []
    for s in steps:
        instead = [
            Instead(
                to=m["target"],
                kind=m["kind"],
                deviation=m["deviation"],
                count=m["count"],
                cases=m["cases"],
            )
            for m in off
            if m["from_step"] == s["step"]
        ][:top]
        step_reports.append(
            StepConformance(
                id=s["step"],
                name=s["name"],
                stage=s["stage"],
                **{
                    k: int(s[k])
                    for k in StepConformance.model_fields
                    if k in s and k not in ("name", "stage")
                },
                instead=instead,
            )
        )
    return ConformanceReport(
        journey=journey.id,
        case_rule=rule.describe(),
        cases=cases,
        reached_outcome=int(summary["reached_outcome"] or 0),
        fitness=fitness,
        deviations={t: by_type.get(t, (0, 0))[0] for t in DEVIATIONS},
        cases_with={t: by_type.get(t, (0, 0))[1] for t in DEVIATIONS},
        steps=step_reports,
        transitions=[
            TransitionConformance(
                kind=m["kind"],
                from_step=m["from_step"],
                to=m["target"],
                allowed=bool(m["allowed"]),
                deviation=m["deviation"],
                count=int(m["count"]),
                cases=int(m["cases"]),
            )
            for m in moved[:limit]
        ],
        definitions=dict(DEVIATIONS),
        semantics=stated(
            rule,
            design=journey,
            filters=[SCOPE],
        )
        + "; fitness = allowed moves / moves per case; a deviation is one of the types in "
        "definitions; moves are between visits (consecutive events of a step are one visit)",
    )


def conformance(events: ir.Table, journey: Journey, rule: CaseRule | None = None) -> Conformance:
    """Replay the cases of ``events`` (grouped by ``rule``; default: the data's case ids)
    against ``journey``. Lazy: returns expressions, executes nothing.

    Examples
    --------
    >>> import ibis
    >>> from journeyscope.definitions import Journey
    >>> design = Journey.model_validate({"id": "j", "name": "J", "job_to_be_done": "x",
    ...     "outcome": {"description": "done", "step": "pay"},
    ...     "stages": [{"id": "s", "name": "S", "steps": [
    ...         {"id": "apply", "name": "Apply", "activities": ["Apply"]},
    ...         {"id": "pay", "name": "Pay", "activities": ["Pay"]}]}]})
    >>> events = ibis.memtable({"case_id": ["1", "1", "2"], "activity": ["Apply", "Pay", "Pay"],
    ...     "timestamp": ["2025-01-01 10:00", "2025-01-02 10:00", "2025-01-01 09:00"],
    ...     "source": "demo", "source_row": [1, 2, 3], "event_id": ["a", "b", "c"]}
    ... ).mutate(timestamp=ibis._.timestamp.cast("timestamp"))
    >>> result = conformance(events, design)
    >>> result.cases.order_by("case").select("case", "fitness", "entered_midway").execute()
      case  fitness  entered_midway
    0    1      1.0               0
    1    2      0.5               1
    """
    rule = rule or CaseRule.given()
    return Conformance(journey, rule, _replay(events, journey, rule), events)
