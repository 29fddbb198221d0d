"""The ``journeyscope`` command line (Typer). Thin: every command calls the Python API."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from journeyscope.cli import (
    analytics,
    catalogue,
    demo,
    design,
    ingest,
    insight,
    orchestrate,
    report,
    stats,
    synthetic,
    users,
)
from journeyscope.cli.common import console
from journeyscope.errors import JourneyscopeError


class _Commands(TyperGroup):
    """Prints a JourneyscopeError as one clear message and exits with code 2."""

    def invoke(self, ctx: Any) -> object:  # click's or typer's own vendored Context
        try:
            return super().invoke(ctx)
        except JourneyscopeError as exc:
            console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None


app = typer.Typer(
    name="journeyscope",
    cls=_Commands,
    help="Design, measure and orchestrate customer journeys across every channel.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
ingest.register(app)
stats.register(app)
app.add_typer(catalogue.app, name="catalogue")
synthetic.register(app)
demo.register(app)
analytics.register(app)
design.register(app)
insight.register(app)
orchestrate.register(app)
report.register(app)
app.add_typer(users.app, name="users")


def main() -> None:
    """Entry point of the ``journeyscope`` command."""
    app()
