"""``journeyscope ocel dfg | export``: object-centric logs (OCEL 2.0) kept whole in the store.

Ingesting an OCEL 2.0 file (``journeyscope ingest LOG.jsonocel --object-type TYPE``, or
``.xmlocel``) flattens its events onto the chosen case notion **and** keeps the log itself:
its objects, their attributes and changes, object-to-object links and the event-to-object
qualifiers. These commands read that log: ``dfg`` draws one directly-follows graph per object
type, ``export`` writes the log back as OCEL 2.0 JSON (or XML).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from journeyscope.cli.common import console, print_json
from journeyscope.cli.options import (
    EngineOption,
    JsonOption,
    StoreOption,
    build_query,
    settings,
)

if TYPE_CHECKING:
    from journeyscope.analytics.object_centric import ObjectDfgResult

__all__ = ["register"]

LogOption = Annotated[
    str | None,
    typer.Option("--log", help="Which ingested OCEL file (its name) [default: the only one]."),
]


def register(app: typer.Typer) -> None:
    """Add the ``ocel`` group to ``app``."""
    group = typer.Typer(help="Object-centric logs (OCEL 2.0): process map per object type, export.")
    app.add_typer(group, name="ocel")

    @group.command("dfg")
    def dfg(
        ctx: typer.Context,
        object_type: Annotated[
            list[str] | None,
            typer.Option("--object-type", help="Object type to draw (repeatable) [default: all]."),
        ] = None,
        log: LogOption = None,
        top: Annotated[
            int | None, typer.Option("--top", help="Keep each type's N most frequent moves.")
        ] = None,
        svg: Annotated[
            Path | None, typer.Option("--svg", help="Write the map, all types together, as SVG.")
        ] = None,
        store: StoreOption = None,
        engine: EngineOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """One directly-follows graph per object type, with what flattening on each would do."""
        from journeyscope.analytics.object_centric import ObjectDfgQuery
        from journeyscope.services import ocel

        query = build_query(ObjectDfgQuery, log=log, object_types=tuple(object_type or ()), top=top)
        chosen = settings(ctx, store=store, engine=engine)
        with console.status("analysing the object-centric log"):
            result = ocel.object_dfg(chosen, query)
        if svg is not None:
            from journeyscope.render.ocel_map import ocel_map_svg

            svg.parent.mkdir(parents=True, exist_ok=True)
            svg.write_text(ocel_map_svg(result), encoding="utf-8")
        if as_json:
            print_json(result.model_dump(mode="json"))
            return
        _tables(result)
        if svg is not None:
            console.print(f"map written to {svg}")

    @group.command("export")
    def export(
        ctx: typer.Context,
        file: Annotated[
            Path, typer.Argument(help="Where to write: .jsonocel (JSON) or .xmlocel (XML).")
        ],
        log: LogOption = None,
        store: StoreOption = None,
        as_json: JsonOption = False,
    ) -> None:
        """Write an ingested OCEL log back as OCEL 2.0: objects, attributes and their changes,
        object-to-object links, events with their object relationships and qualifiers."""
        from journeyscope.services import ocel

        counts = ocel.export(settings(ctx, store=store), file, log)
        if as_json:
            print_json({"file": str(file), **counts})
            return
        console.print(f"wrote {file}: " + ", ".join(f"{n:,} {k}" for k, n in counts.items()))


def _tables(result: ObjectDfgResult) -> None:
    from rich.table import Table

    summary = Table("object type", "objects", "events", "rows if flattened", "events duplicated")
    for m in result.object_types:
        summary.add_row(
            m.object_type,
            f"{m.objects:,}",
            f"{m.events:,}",
            f"{m.relations:,}",
            f"{m.duplicated:,}",
        )
    summary.title = f"{result.log}: {result.events:,} events"
    console.print(summary)
    for m in result.object_types:
        if not m.edges:
            console.print(f"{m.object_type}: no moves (no object has two events)")
            continue
        table = Table("from", "to", "count", "event pairs", "objects", "median")
        for e in m.edges:
            median = "-" if e.median_seconds is None else f"{e.median_seconds / 3600:.1f}h"
            table.add_row(
                e.source, e.target, str(e.count), str(e.event_pairs), str(e.objects), median
            )
        starts = ", ".join(f"{a} {n}" for a, n in m.start.items()) or "-"
        table.title = f"{m.object_type}: moves (journeys start at {starts})"
        console.print(table)
    left = ", ".join(f"{n:,} {k}" for k, n in result.left_out.items() if n)
    console.print(f"[dim]{result.semantics}" + (f"; left out: {left}" if left else "") + "[/]")
