"""The ``journeyscope`` command line (Typer). Thin: every command calls the Python API."""

from __future__ import annotations

import typer

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
)

app = typer.Typer(
    name="journeyscope",
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


def main() -> None:
    """Entry point: run the app; a JourneyscopeError prints as one clear line, exit code 2."""
    from journeyscope.cli.common import run

    run(app)
