"""``journeyscope backlog``: a designed journey's opportunities, scored by measured value, as a
user story map written for the tools teams plan in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from journeyscope.cli.common import StoreOption, console


def register(app: typer.Typer) -> None:
    app.command()(backlog)


def backlog(
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
    engine: Annotated[str | None, typer.Option("--engine", help="duckdb or spark.")] = None,
) -> None:
    """Opportunities from the design and the data, scored by value at stake, as a story map.

    Evidence: moments of truth (completion and satisfaction), failure demand from the value
    stream, drop-offs along the designed main path. Each story links to its step and evidence.
    """
    from journeyscope.analytics.cases import InvalidQueryError
    from journeyscope.config import Settings
    from journeyscope.definitions import load_journey
    from journeyscope.render.backlog import FORMATS, export
    from journeyscope.render.story_map import story_map_svg
    from journeyscope.services.backlog import build_backlog

    if fmt not in (*FORMATS, "svg"):
        raise InvalidQueryError(f"--format {fmt!r}: choose one of {', '.join((*FORMATS, 'svg'))}")
    costs: dict[str, float] = {}
    for pair in cost or []:
        channel, _, amount = pair.partition("=")
        try:
            costs[channel.strip()] = float(amount)
        except ValueError:
            raise InvalidQueryError(
                f"--cost {pair!r}: write CHANNEL=AMOUNT, e.g. phone=6.5"
            ) from None
    with console.status("analysing"):
        result = build_backlog(
            Settings(),
            load_journey(design),
            value_per_case=value_per_case,
            channel_costs=costs,
            min_dropoff=min_dropoff,
            store=store,
            engine_name=engine,
        )
    text = story_map_svg(result) if fmt == "svg" else export(result, fmt)  # type: ignore[arg-type]
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"{len(result.stories)} stories written to {out}")
