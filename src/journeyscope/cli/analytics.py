"""``journeyscope dfg | variants | funnel | paths | channels``: journey analytics on a store.

Each command builds a typed query, runs it on the chosen engine (``--engine duckdb|spark``)
and prints a table, or the typed result as JSON (``--json``). Every result says how it was
computed: the case rule and the semantics of the analysis.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from journeyscope.cli.common import console, print_json
from journeyscope.cli.options import (
    CaseActivityOption,
    CaseRuleOption,
    EngineOption,
    GapOption,
    JsonOption,
    StoreOption,
    build_query,
    case_rule,
    contact_rules,
    duration,
    settings,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

    from journeyscope.analytics.cases import AnalysisQuery

__all__ = ["register"]


def _run(
    ctx: typer.Context, store: Path | None, engine: str | None, query: AnalysisQuery, name: str
) -> Any:
    """Run ``query`` with the application service of the same ``name``."""
    from journeyscope.services import analyses

    chosen = settings(ctx, store=store, engine=engine)
    with console.status(f"analysing on {chosen.engine}"):
        return getattr(analyses, name)(chosen, query)


def _emit(result: BaseModel, as_json: bool, table: Callable[[Any], None]) -> None:
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    table(result)
    semantics = getattr(result, "semantics", None)  # it names the case rule first
    text = getattr(semantics, "description", semantics)
    console.print(f"[dim]{text or 'cases: ' + getattr(result, 'case_rule', '')}[/]")


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if value >= size:
            return f"{value / size:.1f}{unit}"
    return f"{value:.0f}s"


def _exclusion(text: str) -> dict[str, Any]:
    """``ACTIVITY`` or ``ACTIVITY@FROM-TO`` (steps, 1-based)."""
    match = re.fullmatch(r"(.+)@(\d+)-(\d+)", text)
    if match is None:
        return {"activities": (text,)}
    return {
        "activities": (match[1],),
        "from_step": int(match[2]),
        "to_step": int(match[3]),
    }


def _cleaning(text: str) -> dict[str, str]:
    from journeyscope.errors import InvalidQueryError

    pattern, sep, alias = text.rpartition("=")
    if not sep or not pattern:
        raise InvalidQueryError(f"--clean {text!r}: write REGEX=ALIAS")
    return {"pattern": pattern, "alias": alias}


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    for command in (dfg, variants, funnel, paths, channels):
        app.command()(command)


def dfg(
    ctx: typer.Context,
    store: StoreOption = None,
    engine: EngineOption = None,
    rule: CaseRuleOption = "given",
    gap: GapOption = None,
    case_activity: CaseActivityOption = None,
    as_json: JsonOption = False,
) -> None:
    """Process map: the directly-follows graph with case and event frequencies, start and
    end counts, and durations between activities (median, mean, p90)."""
    from journeyscope.analytics.process import DfgQuery

    query = build_query(DfgQuery, case_rule=case_rule(rule, gap, case_activity))
    _emit(_run(ctx, store, engine, query, "dfg"), as_json, _dfg_table)


def variants(
    ctx: typer.Context,
    store: StoreOption = None,
    engine: EngineOption = None,
    top: Annotated[int, typer.Option(help="Variants to list.")] = 20,
    coverage: Annotated[float, typer.Option(help="Share of cases to cover.")] = 0.8,
    rule: CaseRuleOption = "given",
    gap: GapOption = None,
    case_activity: CaseActivityOption = None,
    as_json: JsonOption = False,
) -> None:
    """Variants (distinct activity sequences) with counts, share and the coverage curve."""
    from journeyscope.analytics.variants import VariantsQuery

    query = build_query(
        VariantsQuery,
        case_rule=case_rule(rule, gap, case_activity),
        top=top,
        coverage=coverage,
    )
    _emit(_run(ctx, store, engine, query, "variants"), as_json, _variants_table)


def funnel(
    ctx: typer.Context,
    steps: Annotated[list[str], typer.Argument(help="The steps' activities, in order.")],
    store: StoreOption = None,
    engine: EngineOption = None,
    window: Annotated[
        str | None, typer.Option(help="Conversion window from step 1 (e.g. 30d).")
    ] = None,
    mode: Annotated[str, typer.Option(help="sequential, strict or any-order.")] = "sequential",
    entry: Annotated[
        str, typer.Option(help="furthest (over every entry) or first (first entry only).")
    ] = "furthest",
    ties: Annotated[
        str, typer.Option(help="advance (equal timestamps may advance) or strict-increase.")
    ] = "advance",
    exclude: Annotated[
        list[str] | None,
        typer.Option(help="Exclusion: ACTIVITY, or ACTIVITY@FROM-TO for steps FROM..TO."),
    ] = None,
    optional: Annotated[
        list[int] | None, typer.Option(help="A step number (1-based) that may be skipped.")
    ] = None,
    open_funnel: Annotated[
        bool, typer.Option("--open", help="Cases may enter at any step.")
    ] = False,
    breakdown: Annotated[
        str | None, typer.Option(help="Split by a column (channel) or a property (segment).")
    ] = None,
    dropped: Annotated[int, typer.Option(help="Dropped case ids listed per step.")] = 20,
    rule: CaseRuleOption = "given",
    gap: GapOption = None,
    case_activity: CaseActivityOption = None,
    as_json: JsonOption = False,
) -> None:
    """Funnel: the number of cases reaching at least each step, with the semantics stated
    (mode, window, entry rule, ties), time to convert, weekly trend and drop-outs."""
    from journeyscope.analytics.funnels import FunnelQuery

    skip = set(optional or ())
    query = build_query(
        FunnelQuery,
        steps=tuple({"activities": (s,), "optional": k in skip} for k, s in enumerate(steps, 1)),
        window=duration(window),
        mode=mode.replace("-", "_"),
        entry=entry,
        ties=ties.replace("-", "_"),
        exclusions=tuple(_exclusion(x) for x in exclude or ()),
        open=open_funnel,
        breakdown=breakdown,
        dropped_limit=dropped,
        case_rule=case_rule(rule, gap, case_activity),
    )
    _emit(_run(ctx, store, engine, query, "funnel"), as_json, _funnel_table)


def paths(
    ctx: typer.Context,
    store: StoreOption = None,
    engine: EngineOption = None,
    start: Annotated[str | None, typer.Option(help="Paths forward from this activity.")] = None,
    end: Annotated[str | None, typer.Option(help="Paths backward from this activity.")] = None,
    steps: Annotated[int, typer.Option(help="Depth: nodes per path, the anchor included.")] = 5,
    top: Annotated[int, typer.Option(help="Edges kept; the rest become (other).")] = 20,
    clean: Annotated[
        list[str] | None, typer.Option(help="Cleaning rule REGEX=ALIAS (first match wins).")
    ] = None,
    collapse_repeats: Annotated[
        bool, typer.Option(help="Collapse consecutive repeats of an activity.")
    ] = False,
    hide: Annotated[
        list[str] | None, typer.Option(help="An activity left out of the paths (repeatable).")
    ] = None,
    min_cases: Annotated[
        int, typer.Option(help="Group activities done in fewer cases as (rare events).")
    ] = 0,
    back_moves: Annotated[
        str,
        typer.Option(
            help="show: back-moves (an activity done again) as marked links; collapse: "
            "each activity at its first occurrence only."
        ),
    ] = "show",
    loops: Annotated[bool, typer.Option(help="Also report loops and backtracking.")] = True,
    rule: CaseRuleOption = "given",
    gap: GapOption = None,
    case_activity: CaseActivityOption = None,
    as_json: JsonOption = False,
) -> None:
    """Paths forward from --start, backward from --end, or between both; loops, rework,
    channel ping-pong and the share of customers who went back."""
    from journeyscope.analytics.paths import PathsQuery

    query = build_query(
        PathsQuery,
        start=start,
        end=end,
        steps=steps,
        top_edges=top,
        cleaning=tuple(_cleaning(c) for c in clean or ()),
        collapse_repeats=collapse_repeats,
        hide=tuple(hide or ()),
        min_cases=min_cases,
        back_moves=back_moves,
        loops=loops,
        case_rule=case_rule(rule, gap, case_activity),
    )
    _emit(_run(ctx, store, engine, query, "paths"), as_json, _paths_table)


def channels(
    ctx: typer.Context,
    store: StoreOption = None,
    engine: EngineOption = None,
    catalogue: Annotated[
        Path | None,
        typer.Option(help="Event catalogue declaring initiators, channel kinds and failures."),
    ] = None,
    digital: Annotated[
        str, typer.Option(help="Channels to count as digital (overrides their kind).")
    ] = "",
    assisted: Annotated[
        str, typer.Option(help="Channels to count as assisted (overrides their kind).")
    ] = "",
    outcome: Annotated[
        list[str] | None, typer.Option(help="An activity that completes a journey.")
    ] = None,
    repeat_within: Annotated[str, typer.Option(help="Repeat-contact window.")] = "7d",
    period: Annotated[str, typer.Option(help="Volumes per day, week or month.")] = "week",
    rule: CaseRuleOption = "given",
    gap: GapOption = None,
    case_activity: CaseActivityOption = None,
    as_json: JsonOption = False,
) -> None:
    """Channel-switch matrix, digital completion, repeat contacts and volumes over time."""
    from journeyscope.analytics.channels import ChannelsQuery

    query = build_query(
        ChannelsQuery,
        digital=tuple(c.strip() for c in digital.split(",") if c.strip()),
        assisted=tuple(c.strip() for c in assisted.split(",") if c.strip()),
        contacts=contact_rules(catalogue),
        outcomes=tuple(outcome or ()),
        repeat_within=duration(repeat_within),
        period=period,
        case_rule=case_rule(rule, gap, case_activity),
    )
    _emit(_run(ctx, store, engine, query, "channels"), as_json, _channels_table)


# ------------------------------------------------------------------------- terminal tables


def _table(title: str, columns: str, rows: list[list[Any]]) -> None:
    """Print rows under ``columns`` (space-separated; ``#name`` columns are numbers)."""
    from rich.table import Table

    out = Table(title=title)
    for c in columns.split():
        out.add_column(c.lstrip("#").replace("_", " "), justify="right" if c[0] == "#" else "left")
    for row in rows:
        out.add_row(*(f"{v:,}" if isinstance(v, int) else str(v) for v in row))
    console.print(out)


def _dfg_table(r: Any) -> None:
    _table(
        f"directly-follows graph: {r.cases:,} cases, {r.events:,} events",
        "source target #count #cases #median #p90",
        [
            [
                e.source,
                e.target,
                e.count,
                e.cases,
                _seconds(e.median_seconds),
                _seconds(e.p90_seconds),
            ]
            for e in r.edges[:40]
        ],
    )
    _table("start", "activity #cases", [list(x) for x in r.start.items()])
    _table("end", "activity #cases", [list(x) for x in r.end.items()])


def _variants_table(r: Any) -> None:
    _table(
        f"{r.variants:,} variants over {r.cases:,} cases; {r.variants_for_coverage:,} cover "
        f"{r.coverage:.0%}",
        "#rank #cases #share #cumulative variant",
        [
            [
                v.rank,
                v.cases,
                f"{v.share:.1%}",
                f"{v.cumulative_share:.1%}",
                " → ".join(v.activities),
            ]
            for v in r.top
        ],
    )


def _funnel_table(r: Any) -> None:
    _table(
        f"funnel: {r.entered:,} cases entered, {r.converted:,} converted ({r.conversion:.1%})",
        "#step name #cases #from_previous #from_start #dropped",
        [
            [
                s.step,
                s.name + (" (optional)" if s.optional else ""),
                s.cases,
                "-" if s.conversion_from_previous is None else f"{s.conversion_from_previous:.1%}",
                f"{s.conversion_from_start or 0:.1%}",
                s.dropped,
            ]
            for s in r.steps
        ],
    )
    if r.breakdown_by is not None:
        names = " ".join(f"#step_{s.step}" for s in r.steps)
        _table(
            f"by {r.breakdown_by} (value on the entry event)",
            f"value {names} #conversion",
            [[g.value, *g.steps, f"{g.conversion:.1%}"] for g in r.breakdown],
        )
    t = r.time_to_convert
    console.print(
        f"time to convert: median {_seconds(t.median_seconds)}, p90 {_seconds(t.p90_seconds)}"
    )
    open_weeks = [p.week for p in r.trend if not p.complete]
    if open_weeks:
        console.print(
            f"trend: {len(open_weeks)} recent week(s) from {open_weeks[0]} are incomplete "
            "(their conversion window has not closed by the last event)"
        )


def _paths_table(r: Any) -> None:
    from journeyscope.analytics.semantics import customer_label

    _table(
        f"paths ({r.direction}): {r.paths:,} cases",
        "#step source target #cases #back-moves",
        [[e.step, e.source, e.target, e.cases, e.back_cases] for e in r.edges],
    )
    console.print(f"[dim]{r.shaping.describe()}[/]")
    if r.loops is not None:
        lp = r.loops
        _table(
            f"back-edges: {lp.cases_went_back:,} of {lp.cases:,} cases went back "
            f"({lp.share_cases_went_back:.1%}); {customer_label('in_journey')}: "
            f"{lp.customers_went_back:,} of {lp.customers:,} "
            f"({lp.share_customers_went_back:.1%})",
            "source target #count #cases",
            [[e.source, e.target, e.count, e.cases] for e in lp.back_edges[:20]],
        )
        if lp.ping_pong:
            _table(
                f"channel ping-pong: {lp.ping_pong_cases:,} cases",
                "channel via #count #cases",
                [[p.channel, p.via, p.count, p.cases] for p in lp.ping_pong[:20]],
            )
        else:
            console.print("channel ping-pong: none")
        console.print(f"[dim]loops: {lp.semantics}[/]")


def _channels_table(r: Any) -> None:
    _table(
        "channel switches",
        "source target #transitions #cases",
        [[c.source, c.target, c.transitions, c.cases] for c in r.switches if c.source != c.target],
    )
    d = r.digital
    console.print(
        f"digital completion: {d.completed_digitally:,} of {d.completed:,} completed cases "
        f"({d.digital_completion:.1%}); at first contact {d.digital_completion_at_first_contact:.1%}"
    )
    if d.cases_with_steps_not_digital:
        console.print(
            f"  {d.cases_with_steps_not_digital:,} completed cases had a step that cannot be "
            f"done digitally ({', '.join(d.steps_not_digital)}): not counted against them"
        )
    c = r.contacts
    console.print(
        f"contacts (customer-initiated): {c.contacts:,} of {c.events:,} events; assisted "
        f"{c.assisted_contacts:,}; by initiator "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(c.by_initiator.items()))
        + ("; the channel is a case attribute" if c.channel_is_case_attribute else "")
    )
    console.print(
        f"repeat contacts within {r.repeats.within}: {r.repeats.repeats:,} of "
        f"{r.repeats.contacts:,} assisted contacts ({r.repeats.repeat_rate:.1%})"
    )
    f = r.failure_demand
    console.print(
        f"failure demand: {f.failure_demand_contacts:,} of {f.assisted_contacts:,} assisted "
        f"contacts ({f.failure_demand_share:.1%}) after {f.failures:,} failures; ping-pong "
        f"{r.ping_pong:,} in {r.ping_pong_cases:,} cases"
    )
    console.print(f"[dim]{r.classification}[/]")
