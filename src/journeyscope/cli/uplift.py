"""``journeyscope uplift``: did it help? Treated vs held-out customers of orchestrated journeys."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from journeyscope.cli.common import console, print_json
from journeyscope.cli.options import (
    EngineOption,
    JsonOption,
    StoreOption,
    build_query,
    duration,
    settings,
)

if TYPE_CHECKING:
    from journeyscope.analytics.uplift import Difference, UpliftResult

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``uplift`` to ``app``."""

    @app.command()
    def uplift(
        ctx: typer.Context,
        journey: Annotated[
            str | None,
            typer.Argument(help="The orchestrated journey [default: every one with a holdout]."),
        ] = None,
        outcome: Annotated[
            str | None,
            typer.Option(
                help="Outcome activity [default: the journey's own 'Journey goal reached']."
            ),
        ] = None,
        window: Annotated[
            str, typer.Option(help="Outcomes and surveys count this long after entry (or send).")
        ] = "30d",
        since: Annotated[
            datetime | None,
            typer.Option(formats=["%Y-%m-%d"], help="Entries from this day (UTC)."),
        ] = None,
        until: Annotated[
            datetime | None,
            typer.Option(formats=["%Y-%m-%d"], help="Entries up to this day, inclusive (UTC)."),
        ] = None,
        survey: Annotated[
            str | None,
            typer.Option(help="Survey type for satisfaction [default: the most answered]."),
        ] = None,
        store: StoreOption = None,
        engine: EngineOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Did it help? Per journey with a holdout: outcome rate and satisfaction of treated vs
        held-out customers (intention to treat), the difference and its 95 % interval; per
        interaction object, sends vs would-have-sends and the outcome after them."""
        from journeyscope.analytics.uplift import UpliftQuery
        from journeyscope.services.analyses import uplift as run

        query = build_query(
            UpliftQuery,
            journey=journey,
            outcome=outcome,
            window=duration(window),
            since=_day(since),
            until=_day(until),
            survey_type=survey,
        )
        result = run(settings(ctx, store=store, engine=engine), query)
        if as_json:
            print_json(result.model_dump(mode="json"))
        else:
            show(result)


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def _pts(d: Difference) -> str:
    if d.difference is None:
        return "–"
    interval = (
        "" if d.low is None or d.high is None else f" [{100 * d.low:+.1f}, {100 * d.high:+.1f}]"
    )
    return f"{100 * d.difference:+.1f} pts{interval}"


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _diff(d: Difference) -> str:
    if d.difference is None:
        return "–"
    interval = "" if d.low is None or d.high is None else f" [{d.low:+.2f}, {d.high:+.2f}]"
    return f"{d.difference:+.2f}{interval}"


def show(result: UpliftResult) -> None:
    """The human tables: one per journey, then its interaction objects."""
    from rich.table import Column, Table

    if not result.journeys:
        console.print("No journey with held-out customers in the period.")
    for j in result.journeys:
        table = Table(
            "measure",
            "treated",
            "held out",
            "difference [95 % interval]",
            "customers",
            title=f"{j.journey}: did it help? (outcome: {j.outcome_activity})",
        )
        o = j.outcome
        table.add_row(
            "outcome rate",
            _pct(o.treated),
            _pct(o.held_out),
            _pts(o),
            f"{o.treated_customers:,} / {o.held_out_customers:,}",
        )
        if j.satisfaction is not None:
            s = j.satisfaction
            table.add_row(
                f"satisfaction (mean {j.survey_type})",
                _num(s.treated),
                _num(s.held_out),
                _diff(s),
                f"{s.treated_customers:,} / {s.held_out_customers:,} answered",
            )
        console.print(table)
        if j.interactions:
            per = Table(
                Column("interaction", overflow="fold"),
                "sent",
                "would have sent",
                "outcome: sent",
                "would have sent",
                "difference [95 % interval]",
                title=f"{j.journey}: sends (treated) vs would-have-sends (held out) and outcomes",
            )
            for i in j.interactions:
                per.add_row(
                    i.interaction,
                    f"{i.sent_customers:,}",
                    f"{i.withheld_customers:,}",
                    _pct(i.outcome.treated),
                    _pct(i.outcome.held_out),
                    _pts(i.outcome),
                )
            console.print(per)
    if result.without_holdout:
        console.print(f"No held-out customers (no comparison): {', '.join(result.without_holdout)}")
    console.print(f"[dim]{result.semantics}[/]", highlight=False)
