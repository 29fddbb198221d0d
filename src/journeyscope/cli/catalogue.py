"""``journeyscope catalogue``: draft, check and show the event catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from journeyscope.cli.common import console
from journeyscope.cli.options import StoreOption, settings

app = typer.Typer(
    rich_markup_mode=None,  # plain help: no rich markdown/syntax import at start-up
    help="The event catalogue: which activities exist and what they mean.",
    no_args_is_help=True,
)


@app.command()
def infer(
    store: StoreOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the YAML here instead of stdout.")
    ] = None,
) -> None:
    """Draft a catalogue from the events in the store (activities, channels, properties, PII)."""
    from journeyscope.events import draft_catalogue
    from journeyscope.services.store import open_store

    with open_store(settings(store=store)) as db:
        catalogue = draft_catalogue(db.events())
    text = catalogue.to_yaml()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote {len(catalogue.activities)} activities to {out}")


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="Catalogue YAML.")]) -> None:
    """Check a catalogue file; errors name the line and field."""
    from journeyscope.events import load_catalogue

    catalogue = load_catalogue(file)
    console.print(f"[green]ok[/]: {file}: {len(catalogue.activities)} activities")


@app.command()
def show(file: Annotated[Path, typer.Argument(help="Catalogue YAML.")]) -> None:
    """List the activities of a catalogue."""
    from journeyscope.events import load_catalogue

    catalogue = load_catalogue(file)
    table = Table("activity", "stage", "channels", "properties", "pii")
    for name, a in catalogue.activities.items():
        table.add_row(
            name, a.stage or "", ", ".join(a.channels), ", ".join(a.properties), ", ".join(a.pii)
        )
    console.print(table)
