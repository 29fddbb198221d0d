"""``journeyscope silent | moments | emotions | value``: experience insight on a store.

Thin, like the analytics commands: each builds a typed query, runs it on the chosen engine
and prints a table, or the typed result as JSON (``--json``). Every result carries its
assumptions and semantics.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from journeyscope.cli.common import console, print_json
from journeyscope.cli.options import (
    CaseActivityOption,
    CaseRuleOption,
    DesignOption,
    EngineOption,
    GapOption,
    JsonOption,
    PropertyOption,
    StoreOption,
    SurveyOption,
    build_query,
    case_rule,
    channel_costs,
    contact_rules,
    duration,
    journey,
    settings,
)

if TYPE_CHECKING:
    from journeyscope.analytics.cases import AnalysisQuery
    from journeyscope.analytics.emotion import EmotionResult
    from journeyscope.analytics.moments import MomentsResult
    from journeyscope.analytics.silent import SilentResult
    from journeyscope.analytics.value import ValueResult

__all__ = ["register"]


def _run(ctx: typer.Context, store: Path | None, engine: str | None, query: AnalysisQuery) -> Any:
    from journeyscope.services import analyses

    chosen = settings(ctx, store=store, engine=engine)
    with console.status(f"analysing on {chosen.engine}"):
        return analyses.run(chosen, query)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _silent_table(result: SilentResult) -> None:
    from journeyscope.analytics.semantics import customer_label
    from journeyscope.analytics.silent_text import check_lines, strategy_rows

    key = result.metric.split(":")[0].upper()
    from rich.table import Table

    lines = result.lines()
    console.print(f"[bold]{lines[0]}[/]")
    a = result.asked
    who = (
        f"the {a.customers:,} asked customers"
        if a is not None and a.never_asked
        else f"all {result.customers:,} {customer_label('in_journey')}"
    )
    table = Table(
        title=f"{key} of {who} ({result.respondents:,} answered, {result.response_rate:.1%}), "
        "strategy by strategy"
    )
    rows = strategy_rows(result)
    for col in ("strategy", key, "interval", f"mean {result.survey} score", "verdict"):
        table.add_column(col)
    table.add_row("naive (respondents only)", _fmt(result.naive.metric.value), "", "", "")
    for row in rows:
        table.add_row(
            row["strategy"], row["value"], row["interval"], row["mean score"], row["verdict"]
        )
    if result.truth is not None:
        table.add_row("truth", _fmt(result.truth.metric), "", _fmt(result.truth.mean_score, 2), "")
    console.print(table)
    for line in lines[1:]:
        console.print(line)
    for line in check_lines(result):
        console.print(f"[dim]{line}[/]")
    if result.quality is not None:
        q = result.quality
        console.print(
            f"answer model, {q.folds}-fold cross-validated: score MAE {q.score_mae:.2f} "
            f"(no-skill {q.score_mae_baseline:.2f}), R2 {q.score_r2:.2f}; "
            f"{q.interval_level:.0%} intervals ±{q.interval_half_width:.2f} cover "
            f"{q.interval_coverage:.1%}; calibration error {q.calibration_error:.1f}; "
            f"who-answers AUC {_fmt(q.propensity_auc, 2)}"
        )
    console.print(f"[dim]assumptions: {result.assumptions}[/]")


def _moments_table(result: MomentsResult) -> None:
    from rich.table import Table

    table = Table(
        title=f"moments of truth for {result.outcome} ({result.cases:,} cases, "
        f"{result.significant} of {result.candidates_tested} significant)"
    )
    weighted = result.weighted_by is not None
    cols = ["experience", "step", "cases", "effect", "interval", "q"]
    for col in cols + (["unweighted"] if weighted else []):
        table.add_column(col)
    for m in result.moments:
        also = f" (= {'; '.join(m.same_as)})" if m.same_as else ""
        cells = [
            ("" if m.significant else "[dim]") + m.candidate + also,
            m.step or "",
            f"{m.cases_with:,}",
            f"{m.effect:+.3f}",
            f"{m.ci[0]:+.3f} .. {m.ci[1]:+.3f}",
            f"{m.q:.2g}",
        ]
        if weighted:
            cells.append("-" if m.effect_unweighted is None else f"{m.effect_unweighted:+.3f}")
        table.add_row(*cells)
    console.print(table)
    if result.duplicates_removed:
        console.print(
            f"{result.duplicates_removed} candidates were another name for the same cases: tested once"
        )
    if result.weighted_by is not None and result.ranking_change is not None:
        c = result.ranking_change
        console.print(
            f"answering cases weighted by {result.weighted_by}; ranking against the unweighted "
            f"fit: rank correlation {_fmt(c.rank_correlation, 2)}, top overlap "
            f"{_fmt(c.top_overlap, 2)}, significance changed for {len(c.significance_changed)}"
        )
    for d in result.designed:
        console.print(f"designed moment {d.name!r}: [bold]{d.verdict}[/] {'; '.join(d.evidence)}")
    if result.surprises:
        console.print("surprises: " + "; ".join(m.candidate for m in result.surprises[:5]))
    console.print(f"[dim]{result.assumptions}[/]")


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app``."""
    for command in (silent, moments, emotions, value):
        app.command()(command)


def silent(
    ctx: typer.Context,
    store: StoreOption = None,
    engine: EngineOption = None,
    survey: SurveyOption = "NPS",
    by: PropertyOption = None,
    truth: Annotated[
        str | None,
        typer.Option("--truth", help="Property holding each customer's true score, if any."),
    ] = "true_score",
    folds: Annotated[int, typer.Option("--folds", help="Cross-fitting folds.")] = 5,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    predictions: Annotated[
        Path | None,
        typer.Option("--predictions", help="Write every customer's estimate to this CSV."),
    ] = None,
    asked: Annotated[
        str | None,
        typer.Option(
            "--asked",
            help="Who was asked: an activity (e.g. 'Survey sent') or 'every customer' "
            "[default: inferred from activity names that read as a survey invitation].",
        ),
    ] = None,
    rule: CaseRuleOption = "given",
    gap: GapOption = None,
    case_activity: CaseActivityOption = None,
    as_json: JsonOption = False,
) -> None:
    """Satisfaction of the customers who never answered: the survey score learnt from the
    journeys of those who did, corrected for who chose to answer, next to the naive
    respondents-only figure (and the truth, when the data carries it)."""
    from journeyscope.analytics.silent import SilentQuery

    query = build_query(
        SilentQuery,
        case_rule=case_rule(rule, gap, case_activity),
        survey=survey.upper(),
        properties=tuple(by or ()),
        truth=truth or None,
        folds=folds,
        seed=seed,
        predictions=predictions is not None,
        asked=asked,
    )
    result: SilentResult = _run(ctx, store, engine, query)
    if predictions is not None:
        _write_predictions(result, predictions)
    if as_json:
        data = result.to_json()
        data.pop("predictions", None)
        print_json(data)
    else:
        _silent_table(result)


def moments(
    ctx: typer.Context,
    store: StoreOption = None,
    engine: EngineOption = None,
    design: DesignOption = None,
    outcome: Annotated[
        str, typer.Option("--outcome", help="satisfaction (a survey score) or completion.")
    ] = "satisfaction",
    survey: SurveyOption = "NPS",
    outcome_activity: Annotated[
        list[str] | None,
        typer.Option("--outcome-activity", help="Activities that mean completion."),
    ] = None,
    by: PropertyOption = None,
    wait: Annotated[str, typer.Option("--wait", help="A longer wait is an experience.")] = "14d",
    repeat_within: Annotated[str, typer.Option("--repeat-within")] = "7d",
    min_cases: Annotated[int, typer.Option("--min-cases")] = 30,
    fdr: Annotated[float, typer.Option("--fdr", help="False discovery rate.")] = 0.05,
    top: Annotated[int, typer.Option("--top")] = 25,
    rule: CaseRuleOption = "given",
    gap: GapOption = None,
    case_activity: CaseActivityOption = None,
    weighted: Annotated[
        bool,
        typer.Option(
            "--weighted",
            help="Weight respondents by the silent-customer analysis's answering model "
            "(satisfaction only), and report how the ranking changes.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Moments of truth: experiences (steps, backtracks, channel switches, long waits,
    repeat contacts, broken time limits) ranked by their adjusted effect on satisfaction
    or completion, with intervals and false-discovery control; compared with the steps
    the designers flagged."""
    from journeyscope.analytics.moments import MomentsQuery

    answering = None
    if weighted:
        from journeyscope.analytics.moments_weights import answering_weights
        from journeyscope.analytics.silent import SilentQuery

        silent_result = _run(ctx, store, engine, build_query(SilentQuery, survey=survey.upper()))
        answering = answering_weights(silent_result)
        if answering is None:
            console.print("no answering model converged: the effects are unweighted")

    query = build_query(
        MomentsQuery,
        case_rule=case_rule(rule, gap, case_activity),
        outcome=outcome,
        survey=survey.upper(),
        outcomes=tuple(outcome_activity or ()),
        journey=journey(design),
        adjust=tuple(by or ()),
        wait=duration(wait),
        repeat_within=duration(repeat_within),
        min_cases=min_cases,
        fdr=fdr,
        top=top,
        **({"answering": answering} if answering is not None else {}),
    )
    result: MomentsResult = _run(ctx, store, engine, query)
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        _moments_table(result)


def emotions(
    ctx: typer.Context,
    design: Annotated[Path, typer.Argument(help="Designed journey (YAML).")],
    store: StoreOption = None,
    engine: EngineOption = None,
    window: Annotated[
        str, typer.Option("--window", help="Longest time from a step to a measure.")
    ] = "14d",
    rule: CaseRuleOption = "given",
    gap: GapOption = None,
    case_activity: CaseActivityOption = None,
    as_json: JsonOption = False,
) -> None:
    """Emotion curve: survey answers and sentiment linked to the step before them, felt
    emotion per step and stage with intervals, next to the designed emotion; gaps ranked."""
    from journeyscope.analytics.emotion import EmotionQuery

    query = build_query(
        EmotionQuery,
        case_rule=case_rule(rule, gap, case_activity),
        journey=journey(design),
        window=duration(window),
    )
    result: EmotionResult = _run(ctx, store, engine, query)
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        _emotions_table(result)


def value(
    ctx: typer.Context,
    store: StoreOption = None,
    engine: EngineOption = None,
    design: DesignOption = None,
    cost: Annotated[
        list[str] | None,
        typer.Option(
            "--cost",
            help="CHANNEL=AMOUNT, cost of one interaction (repeatable; adds to "
            "JOURNEYSCOPE_CHANNEL_COSTS).",
        ),
    ] = None,
    cost_source: Annotated[
        str,
        typer.Option("--cost-source", help="auto (event cost, else table), column or table."),
    ] = "auto",
    failure_activity: Annotated[
        list[str] | None,
        typer.Option("--failure-activity", help="Activities that mean a step failed."),
    ] = None,
    catalogue: Annotated[
        Path | None,
        typer.Option(help="Event catalogue declaring initiators, channel kinds and failures."),
    ] = None,
    value_per_case: Annotated[
        float, typer.Option("--value-per-case", help="Money one completed case is worth.")
    ] = 0.0,
    rule: CaseRuleOption = "given",
    gap: GapOption = None,
    case_activity: CaseActivityOption = None,
    as_json: JsonOption = False,
) -> None:
    """Value stream: per step waiting and processing time, flow efficiency, cost to serve,
    failure demand, and the opportunities ranked by what fixing them is worth."""
    from journeyscope.analytics.value import ValueQuery

    fields: dict[str, Any] = {}
    if failure_activity:
        fields["failure_activities"] = tuple(failure_activity)
    query = build_query(
        ValueQuery,
        case_rule=case_rule(rule, gap, case_activity),
        journey=journey(design),
        channel_costs=channel_costs(settings(ctx), cost),
        cost_source=cost_source,
        contacts=contact_rules(catalogue),
        value_per_case=value_per_case,
        **fields,
    )
    result: ValueResult = _run(ctx, store, engine, query)
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        _value_table(result)


def _emotions_table(result: EmotionResult) -> None:
    from rich.table import Table

    table = Table(title=f"felt vs designed emotion, {result.journey} (-2 .. +2)")
    for col in ("step", "stage", "n", "expected", "felt", "interval", "gap"):
        table.add_column(col)
    for s in result.steps:
        mark = "[bold]" if s.significant else ""
        table.add_row(
            s.name + (" *" if s.moment_of_truth else ""),
            s.stage,
            f"{s.n:,}",
            _fmt(s.expected),
            _fmt(s.felt, 2),
            "-" if s.low is None or s.high is None else f"{s.low:+.2f} .. {s.high:+.2f}",
            mark + ("-" if s.gap is None else f"{s.gap:+.2f}"),
        )
    console.print(table)
    console.print("[dim]* moment of truth; bold gaps: interval excludes 0[/]")
    console.print(f"[dim]{result.semantics}[/]")


def _value_table(result: ValueResult) -> None:
    from rich.table import Table

    table = Table(title="value stream: opportunities (volume x gap x impact)")
    for col in ("rank", "step", "volume", "gap", "impact", "worth"):
        table.add_column(col)
    for o in result.opportunities[:15]:
        table.add_row(
            str(o.rank),
            o.name,
            f"{o.volume:,}",
            f"{o.gap:.1%}",
            f"{o.impact:,.2f}",
            f"{o.value:,.0f}",
        )
    console.print(table)
    t = result.totals
    console.print(
        f"cost to serve {t.cost:,.0f} over {t.cases:,} cases; failure demand "
        f"{t.failure_demand_contacts:,} contacts costing {t.failure_demand_cost:,.0f}"
    )
    console.print(f"[dim]{result.cost_rule}[/]")


def _write_predictions(result: Any, path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame([p.model_dump() for p in result.predictions])
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    console.print(f"wrote {len(frame):,} customer estimates to {path}")
