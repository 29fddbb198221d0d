"""Conformance tables derived from the moves: per-case facts, deviations, cases, the fitness
summary, steps and transitions (lazy Ibis expressions; see
:mod:`journeyscope.analytics.conformance` for what each column means). ``large``: the
distinct cases and the fitness percentiles counted by sorting
(:mod:`~journeyscope.analytics.holistic`: the same numbers in bounded memory, slower), for
more moves than DuckDB holds the cases of each group of."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from journeyscope.analytics.cases import CaseRule, with_cases
from journeyscope.analytics.conformance_replay import DEVIATIONS, seconds, step_table
from journeyscope.analytics.holistic import distinct_count, sorted_quantiles
from journeyscope.definitions.models import Journey


def case_facts(
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


def _outcome_late(journey: Journey, info: ir.Table, ts: Any, seq: Any) -> ir.Table:
    """One row per case whose outcome came later than ``outcome.within`` after its start;
    ``ts`` and ``seq``: the types of the moves' columns (Spark reads a cached row number
    back as int32, DuckDB as int64: the union needs the moves' own)."""
    within = journey.outcome.within
    elapsed = seconds(info.outcome_ts) - seconds(info.first_ts)
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
        elapsed_seconds=seconds(rows.outcome_ts) - seconds(rows.first_ts),
    )


def deviations(moves: ir.Table, journey: Journey, info: ir.Table) -> ir.Table:
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


def cases(moves: ir.Table, deviations: ir.Table, info: ir.Table) -> ir.Table:
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


#: The fitness percentiles of :func:`summary`.
FITNESS_LEVELS = {"p10": 0.1, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p90": 0.9}


def summary(cases: ir.Table, *, large: bool = False) -> ir.Table:
    f = cases.fitness
    counted = cases.aggregate(
        cases=cases.count(),
        reached_outcome=cases.reached_outcome.cast("int64").sum(),
        mean=f.mean(),
        min=f.min(),
        **({} if large else {k: f.quantile(q) for k, q in FITNESS_LEVELS.items()}),
        perfect=(f >= 1.0).cast("int64").sum(),
    )
    if not large:
        return counted
    levels = sorted_quantiles(cases, [], "fitness", FITNESS_LEVELS)
    return counted.cross_join(levels).select(
        "cases", "reached_outcome", "mean", "min", *FITNESS_LEVELS, "perfect"
    )


def steps(moves: ir.Table, journey: Journey, *, large: bool = False) -> ir.Table:
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
    out, cases_off_path = distinct_count(
        out, ["from_step"], "case", large=large, where=~out.allowed
    )
    departures = out.group_by(step=out.from_step).aggregate(
        moves_out=out.count(),
        off_path=(~out.allowed).cast("int64").sum(),
        cases_off_path=cases_off_path,
        left_here=(out.deviation == "left_before_outcome").cast("int64").sum(),
        ended_here=(out.kind == "exit").cast("int64").sum(),
    )
    table = step_table(journey)
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


def transitions(moves: ir.Table, *, large: bool = False) -> ir.Table:
    keys = ["kind", "from_step", "target", "allowed", "deviation"]
    marked = moves.mutate(
        target=ibis.cases(
            (moves.kind == "exit", "(end)"),
            (moves.kind == "unexpected", moves.activity),
            else_=moves.to_step,
        )
    )
    marked, cases = distinct_count(marked, keys, "case", large=large)
    return (
        marked.group_by(keys)
        .aggregate(count=marked.count(), cases=cases)
        .order_by([ibis.desc("count"), "from_step", "target"])
    )
