"""``journeyscope retention | lifecycle | cohort``: customers over time, and saved cohorts.

Each analysis command takes ``--cohort FILE`` (a cohort saved by ``journeyscope cohort
save``) to analyse only that cohort's customers, prints a table or ``--json``, and says how
the numbers were computed. ``run_query`` is shared with ``journeyscope attribution``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from journeyscope.cli.common import console, print_json
from journeyscope.cli.options import (
    CohortOption,
    EngineOption,
    JsonOption,
    StoreOption,
    build_query,
    settings,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

    from journeyscope.analytics.cases import AnalysisQuery

__all__ = ["CohortOption", "register", "run_query"]

PeriodOption = Annotated[str, typer.Option(help="day, week (from Monday) or month (UTC).")]


def run_query(
    ctx: typer.Context,
    store: Path | None,
    engine: str | None,
    query: AnalysisQuery,
    cohort: str | None,
) -> Any:
    """Run ``query`` with the application services (the store read-only), narrowed to
    ``cohort`` (this command's ``--cohort``, else ``journeyscope --cohort``) as every analysis
    is."""
    from journeyscope.services import analyses

    chosen = settings(ctx, store=store, engine=engine, cohort=cohort)
    with console.status(f"analysing on {chosen.engine}"):
        return analyses.run(chosen, query)


def emit(result: BaseModel, as_json: bool, cohort: str | None, table: Any) -> None:
    if as_json:
        print_json({**result.model_dump(mode="json"), "cohort": cohort})
        return
    table(result)
    console.print(f"[dim]{getattr(result, 'semantics', '')}[/]")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def register(app: typer.Typer) -> None:
    """Add ``retention``, ``lifecycle`` and the ``cohort`` group to ``app``."""

    @app.command()
    def retention(
        ctx: typer.Context,
        store: StoreOption = None,
        engine: EngineOption = None,
        cohort_event: Annotated[
            str | None, typer.Option("--cohort-event", help="Cohort by the first of this event.")
        ] = None,
        returns: Annotated[
            str | None, typer.Option("--return-event", help="Count only this return event.")
        ] = None,
        period: PeriodOption = "week",
        periods: Annotated[int, typer.Option(help="Periods after the cohort's.")] = 8,
        on_or_after: Annotated[
            bool, typer.Option("--on-or-after", help="Retained in period k or any later one.")
        ] = False,
        cohort: CohortOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Retention of customers by cohort period: who came back k periods later."""
        from journeyscope.analytics.retention import RetentionQuery

        query = build_query(
            RetentionQuery,
            cohort=cohort_event,
            returns=returns,
            period=period,
            periods=periods,
            mode="on_or_after" if on_or_after else "on",
        )
        emit(run_query(ctx, store, engine, query, cohort), as_json, cohort, _retention_table)

    @app.command()
    def lifecycle(
        ctx: typer.Context,
        store: StoreOption = None,
        engine: EngineOption = None,
        active: Annotated[str | None, typer.Option(help="Count as active only this event.")] = None,
        period: PeriodOption = "week",
        cohort: CohortOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """New, returning, resurrecting and dormant customers per period."""
        from journeyscope.analytics.retention import LifecycleQuery

        query = build_query(LifecycleQuery, active=active, period=period)
        emit(run_query(ctx, store, engine, query, cohort), as_json, cohort, _lifecycle_table)

    group = typer.Typer(help="Saved cohorts: groups of customers by a rule or a list.")
    app.add_typer(group, name="cohort")

    @group.command("save")
    def save_cohort(
        name: Annotated[str, typer.Argument(help="The cohort's name.")],
        ctx: typer.Context,
        out: Annotated[
            Path | None,
            typer.Option(
                "--out",
                help="The JSON file to write [default: NAME.json in the cohorts folder, "
                "JOURNEYSCOPE_COHORTS or .journeyscope/cohorts, so --cohort NAME finds it].",
            ),
        ] = None,
        did: Annotated[
            list[str] | None, typer.Option("--did", help="ACTIVITY or ACTIVITY:N (at least N).")
        ] = None,
        did_not: Annotated[
            list[str] | None, typer.Option("--did-not", help="ACTIVITY never done.")
        ] = None,
        where: Annotated[
            list[str] | None,
            typer.Option("--where", help="PROPERTY=VALUE on at least one event."),
        ] = None,
        customers: Annotated[
            Path | None, typer.Option("--customers", help="A file of customer ids, one a line.")
        ] = None,
    ) -> None:
        """Save a cohort (every condition must hold) or a list of customers as JSON."""
        from journeyscope.analytics.cohorts import Cohort, read_list, save

        conditions = [_did(text) for text in did or ()]
        conditions += [{"activity": a, "negate": True} for a in did_not or ()]
        conditions += [_where(text) for text in where or ()]
        ids = read_list(customers) if customers is not None else ()
        chosen = settings(ctx)
        target = out if out is not None else chosen.cohorts / f"{name}.json"
        cohort = build_query(Cohort, name=name, conditions=conditions, customers=ids)
        saved = save(cohort, target)
        console.print(f"saved {name} to {saved}")
        if ids and chosen.store.is_file():
            from journeyscope.services.cohorts import not_found

            missing = not_found(chosen, cohort)
            if missing:
                shown = "; ".join(
                    f"{m!r}" + (f" (closest: {', '.join(map(repr, c))})" if c else "")
                    for m, c in list(missing.items())[:5]
                )
                console.print(
                    f"[yellow]warning:[/] {len(missing):,} of {len(ids):,} listed customers "
                    f"are not in the store {chosen.store.name}: {shown}"
                    + (" ..." if len(missing) > 5 else "")
                )

    @group.command("show")
    def show_cohort(
        ctx: typer.Context,
        file: Annotated[str, typer.Argument(help="A saved cohort: its file or its name.")],
        store: StoreOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """The cohort's rule and how many customers of the store are in it."""
        from journeyscope.analytics.cohorts import members, resolve
        from journeyscope.services.analyses import backend as open_backend

        chosen = settings(ctx, store=store, engine="duckdb")
        c = resolve(file, chosen.cohorts, option="cohort")
        chosen = chosen.model_copy(update={"cohort": None, "cohort_breakdown": ()})
        with open_backend(chosen) as e:
            size = len(e.rows(members(e.events(), c)))
        if as_json:
            print_json(
                {"cohort": c.model_dump(mode="json"), "rule": c.describe(), "customers": size}
            )
            return
        console.print(f"{c.describe()}\n{size} customers in {chosen.store}")


def _did(text: str) -> dict[str, Any]:
    activity, sep, count = text.rpartition(":")
    if sep and count.isdigit():
        return {"activity": activity, "min_count": int(count)}
    return {"activity": text}


def _where(text: str) -> dict[str, Any]:
    from journeyscope.errors import InvalidQueryError

    key, sep, value = text.partition("=")
    if not sep or not key:
        raise InvalidQueryError(f"--where {text!r}: write PROPERTY=VALUE (e.g. segment=student)")
    return {"property": key, "equals": value}


def _retention_table(r: Any) -> None:
    from rich.table import Table

    table = Table("cohort", "customers", *[str(k) for k in range(r.periods + 1)])
    for row in r.cohorts:
        table.add_row(row.cohort, str(row.customers), *[_pct(x) for x in row.rates])
    table.add_row("all", "", *[_pct(x) for x in r.overall])
    table.title = f"retention by {r.period} ({r.mode.replace('_', ' ')})"
    console.print(table)


def _lifecycle_table(r: Any) -> None:
    from rich.table import Table

    table = Table("period", "active", "new", "returning", "resurrecting", "dormant")
    for p in r.periods:
        table.add_row(
            p.period, *(str(x) for x in (p.active, p.new, p.returning, p.resurrecting, p.dormant))
        )
    table.title = f"lifecycle by {r.period}"
    console.print(table)
