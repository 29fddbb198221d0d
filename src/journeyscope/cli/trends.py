"""``journeyscope trends``: events, customers, cases and conversions of one event over time.

The same typed query and service function (:func:`journeyscope.services.analyses.trends`)
as the workspace's Explore > Trends page and ``/api/trends``; ``--json`` prints the result
those return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from journeyscope.cli.common import console, print_json
from journeyscope.cli.options import (
    CaseActivityOption,
    CaseRuleOption,
    CohortOption,
    EngineOption,
    GapOption,
    JsonOption,
    StoreOption,
    build_query,
    case_rule,
    settings,
)

if TYPE_CHECKING:
    from journeyscope.analytics.trends import TrendsResult


def register(app: typer.Typer) -> None:
    """Add ``trends`` to ``app``."""

    @app.command()
    def trends(
        ctx: typer.Context,
        event: Annotated[
            str | None,
            typer.Option("--event", help="The activity counted [default: every event]."),
        ] = None,
        period: Annotated[
            str, typer.Option(help="day, week (from Monday) or month (UTC).")
        ] = "week",
        breakdown: Annotated[
            str | None, typer.Option(help="Split by a column (channel) or a property (segment).")
        ] = None,
        top: Annotated[
            int, typer.Option(help="Breakdown values kept; the rest pooled as (other).")
        ] = 10,
        store: StoreOption = None,
        engine: EngineOption = None,
        rule: CaseRuleOption = "given",
        gap: GapOption = None,
        case_activity: CaseActivityOption = None,
        cohort: CohortOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Trends: events, customers, cases and conversions of an event per day, week or
        month, optionally by a property; periods without the event show 0."""
        from journeyscope.analytics.trends import TrendsQuery
        from journeyscope.services import analyses

        query = build_query(
            TrendsQuery,
            event=event,
            period=period,
            breakdown=breakdown,
            top=top,
            case_rule=case_rule(rule, gap, case_activity),
        )
        chosen = settings(ctx, store=store, engine=engine, cohort=cohort)
        with console.status(f"analysing on {chosen.engine}"):
            result = analyses.trends(chosen, query)
        if as_json:
            print_json(result.model_dump(mode="json"))
            return
        _table(result)
        console.print(f"[dim]{result.semantics}[/]")


def _table(r: TrendsResult) -> None:
    from rich.table import Table

    table = Table("period", "events", "customers", "cases", "conversions")
    for p in r.points:
        mark = " *" if p.partial else ""
        table.add_row(
            p.period + mark, *(f"{x:,}" for x in (p.events, p.customers, p.cases, p.conversions))
        )
    t = r.totals
    table.add_row("all", *(f"{x:,}" for x in (t.events, t.customers, t.cases, t.conversions)))
    table.title = f"{r.event or 'every event'} by {r.period}"
    table.caption = "* partly observed period; all: customers and cases distinct over the range"
    console.print(table)
    for g in r.breakdown:
        console.print(
            f"{r.breakdown_by} = {g.value}: {g.events:,} events, {g.conversions:,} conversions"
        )
