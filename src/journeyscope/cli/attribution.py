"""``journeyscope attribution``: credit for conversions by touchpoint, under every model."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from journeyscope.cli.common import console
from journeyscope.cli.options import (
    CaseActivityOption,
    CaseRuleOption,
    EngineOption,
    GapOption,
    JsonOption,
    StoreOption,
    build_query,
    case_rule,
)
from journeyscope.cli.retention import CohortOption, emit, run_query

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``attribution`` to ``app``."""

    @app.command()
    def attribution(
        ctx: typer.Context,
        conversions: Annotated[list[str], typer.Argument(help="The conversion activities.")],
        store: StoreOption = None,
        engine: EngineOption = None,
        touchpoint: Annotated[
            str, typer.Option(help="A column (channel, activity) or a property.")
        ] = "channel",
        lookback: Annotated[
            str, typer.Option(help="Touchpoints at most this long before (e.g. 30d, or none).")
        ] = "30d",
        half_life: Annotated[str, typer.Option(help="Half-life of time decay (e.g. 7d).")] = "7d",
        model: Annotated[
            list[str] | None, typer.Option("--model", help="Only these models (repeatable).")
        ] = None,
        breakdown: Annotated[
            str | None, typer.Option(help="Split by a column or property (segment).")
        ] = None,
        rule: CaseRuleOption = "given",
        gap: GapOption = None,
        case_activity: CaseActivityOption = None,
        cohort: CohortOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Attribution: first, last, linear, position (U), J, inverse J, time decay, Shapley
        and Markov credits per touchpoint; each model's credits sum to the conversions."""
        from journeyscope.analytics.attribution import MODELS, AttributionQuery
        from journeyscope.analytics.cases import parse_duration

        query = build_query(
            AttributionQuery,
            conversions=tuple(conversions),
            touchpoint=touchpoint,
            lookback=None if lookback.lower() == "none" else parse_duration(lookback),
            half_life=parse_duration(half_life),
            models=tuple(model) if model else MODELS,
            breakdown=breakdown,
            case_rule=case_rule(rule, gap, case_activity),
        )
        emit(run_query(ctx, store, engine, query, cohort), as_json, cohort, _table)


def _table(r: Any) -> None:
    for part in [r.overall, *r.by_segment]:
        names = [m.model for m in part.models]
        touches = sorted(
            {c.touchpoint for m in part.models for c in m.credits},
            key=lambda t: (
                -max(
                    (c.conversions for m in part.models for c in m.credits if c.touchpoint == t),
                    default=0,
                )
            ),
        )
        table = Table(r.touchpoint, *names, title=f"{part.segment}: {part.conversions} conversions")
        for t in touches:
            cells = []
            for m in part.models:
                value = next((c.conversions for c in m.credits if c.touchpoint == t), 0.0)
                cells.append(f"{value:.2f}")
            table.add_row(t, *cells)
        table.add_row("total", *[f"{m.total:.2f}" for m in part.models])
        console.print(table)
    console.print(f"[dim]cases: {r.case_rule}[/]")
