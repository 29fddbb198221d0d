"""``journeyscope backlog``: a designed journey's opportunities, scored by measured value, as a
user story map written for the tools teams plan in."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from journeyscope.cli.common import console, print_json
from journeyscope.cli.options import (
    EngineOption,
    JsonOption,
    StoreOption,
    channel_costs,
    settings,
)


def register(app: typer.Typer) -> None:
    app.command()(backlog)
    app.command()(compare)


def backlog(
    ctx: typer.Context,
    design: Annotated[Path, typer.Argument(help="Designed journey (YAML).")],
    fmt: Annotated[
        str,
        typer.Option("--format", help="csv, jira-csv, github, markdown, json or svg (the map)."),
    ] = "markdown",
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write; default stdout.")
    ] = None,
    value_per_case: Annotated[
        float, typer.Option("--value-per-case", help="Money one completed case is worth.")
    ] = 0.0,
    cost: Annotated[
        list[str] | None,
        typer.Option("--cost", help="CHANNEL=AMOUNT, cost of one interaction (repeatable)."),
    ] = None,
    min_dropoff: Annotated[
        float, typer.Option("--min-dropoff", help="Smallest drop-off share that is evidence.")
    ] = 0.1,
    store: StoreOption = None,
    engine: EngineOption = None,
) -> None:
    """Opportunities from the design and the data, scored by value at stake, as a story map.

    Evidence: moments of truth (completion and satisfaction), failure demand from the value
    stream, drop-offs along the designed main path. Each story links to its step and evidence.
    """
    from journeyscope.definitions import load_journey
    from journeyscope.errors import InvalidQueryError
    from journeyscope.render.backlog import FORMATS, export
    from journeyscope.render.story_map import story_map_svg
    from journeyscope.services.backlog import build_backlog

    if fmt not in (*FORMATS, "svg"):
        raise InvalidQueryError(f"--format {fmt!r}: choose one of {', '.join((*FORMATS, 'svg'))}")
    chosen = settings(ctx, store=store, engine=engine)
    with console.status("analysing"):
        result = build_backlog(
            chosen,
            load_journey(design),
            value_per_case=value_per_case,
            channel_costs=channel_costs(chosen, cost),
            min_dropoff=min_dropoff,
        )
    cur = chosen.currency
    text = (
        story_map_svg(result, currency=cur) if fmt == "svg" else export(result, fmt, cur)  # type: ignore[arg-type]
    )
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)  # as report and ocel dfg --svg do
        out.write_text(text, encoding="utf-8")
        console.print(f"{len(result.stories)} stories written to {out}")


def _date(text: str, flag: str) -> datetime:
    from journeyscope.errors import InvalidQueryError

    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidQueryError(f"{flag} {text!r}: write a date, e.g. 2026-03-01") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:.1%}" if unit.startswith("share") else f"{value:,.2f}"


def compare(
    ctx: typer.Context,
    design: Annotated[Path, typer.Argument(help="Designed journey (YAML).")],
    step: Annotated[str, typer.Option("--step", help="Id of the step that was changed.")],
    before: Annotated[
        str, typer.Option("--before", help="Cases that started before this date (ISO).")
    ],
    after: Annotated[
        str, typer.Option("--after", help="...against cases that started on or after this date.")
    ],
    store: StoreOption = None,
    engine: EngineOption = None,
    as_json: JsonOption = False,
) -> None:
    """A step's drop-off, waiting time, failure demand and satisfaction before and after a
    change, with 95% intervals: did the story work?"""
    from rich.table import Table

    from journeyscope.definitions import load_journey
    from journeyscope.services.backlog import compare_step

    result = compare_step(
        settings(ctx, store=store, engine=engine),
        load_journey(design),
        step,
        _date(before, "--before"),
        _date(after, "--after"),
    )
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    table = Table(
        title=f"{result.step_name}: {result.before.reached:,} cases before, "
        f"{result.after.reached:,} after"
    )
    for col in ("measure", "before", "after", "difference", "95% interval"):
        table.add_column(col)
    for m in result.measures:
        d = m.difference
        interval = (
            "-"
            if d.low is None or d.high is None
            else f"{_fmt(d.low, m.unit)} .. {_fmt(d.high, m.unit)}"
        )
        table.add_row(
            f"{m.name} ({m.unit})",
            _fmt(m.before.estimate, m.unit),
            _fmt(m.after.estimate, m.unit),
            _fmt(d.estimate, m.unit),
            interval,
        )
    console.print(table)
    console.print(f"[dim]{result.semantics}[/]")
