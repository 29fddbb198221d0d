"""The ``journeyscope`` command line (Typer). Thin: every command calls the Python API.

Starting it is cheap: the command modules import nothing heavy (no DuckDB, Ibis, pandas,
SciPy, scikit-learn, Plotly) at import time; each command imports what it uses when it
runs. The one :class:`~journeyscope.config.Settings` is built in the callback and handed to
every command through the Typer context (``ctx.obj``; see :mod:`journeyscope.cli.options`).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from journeyscope.cli import (
    analytics,
    attribution,
    backlog,
    catalogue,
    demo,
    design,
    ingest,
    insight,
    ocel,
    orchestrate,
    report,
    retention,
    stats,
    synthetic,
    trends,
    uplift,
    users,
)
from journeyscope.cli.common import console
from journeyscope.errors import JourneyscopeError


class _Commands(TyperGroup):
    """Prints a JourneyscopeError, or DuckDB running out of memory, as one clear message and
    exits with code 2."""

    def invoke(self, ctx: Any) -> object:  # click's or typer's own vendored Context
        try:
            return super().invoke(ctx)
        except JourneyscopeError as exc:
            console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except Exception as exc:
            if not out_of_memory(exc):
                raise
            console.print(
                f"[bold red]error:[/] {_memory_advice(exc)}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(2) from None


def out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` is DuckDB's out-of-memory error (told by its type, so that DuckDB
    need not be imported to start a command)."""
    return type(exc).__name__ == "OutOfMemoryException" and "duckdb" in type(exc).__module__


def _memory_advice(exc: BaseException) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else "out of memory"
    return (
        f"DuckDB ran out of memory ({first}). Nothing stored is lost (an ingest keeps what it "
        "committed; identities left to stitch are stitched when the store is next opened). "
        "Raise DuckDB's memory limit (JOURNEYSCOPE_MEMORY_LIMIT, 1GB unless set) or free "
        "memory on this machine."
    )


app = typer.Typer(
    rich_markup_mode=None,  # plain help: no rich markdown/syntax import at start-up (~0.4 s)
    name="journeyscope",
    cls=_Commands,
    help="Design, measure and orchestrate customer journeys across every channel.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(shown: bool) -> None:
    if shown:
        from journeyscope import __version__

        typer.echo(f"journeyscope {__version__}")
        raise typer.Exit()


@app.callback()
def _settings(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="Analyse events in place: parquet:PATH, csv:PATH or table:NAME "
            "[default: JOURNEYSCOPE_SOURCE, else the store].",
        ),
    ] = None,
    activity_key: Annotated[
        str | None,
        typer.Option(
            "--activity-key",
            help="What makes an activity, e.g. concept:name+lifecycle:transition "
            "[default: JOURNEYSCOPE_ACTIVITY_KEY, else the activity].",
        ),
    ] = None,
    source_column: Annotated[
        list[str] | None,
        typer.Option(
            "--source-column",
            help="FIELD=COLUMN mapping for --source, e.g. activity=Step (repeatable).",
        ),
    ] = None,
    cohort: Annotated[
        str | None,
        typer.Option(
            "--cohort",
            help="Analyse only this saved cohort's customers (a cohort file or a saved name) "
            "[default: JOURNEYSCOPE_COHORT, else everyone].",
        ),
    ] = None,
    by_cohort: Annotated[
        list[str] | None,
        typer.Option(
            "--by-cohort",
            help="Saved cohort that makes the events' 'cohort' column for --breakdown cohort "
            "(repeatable; a customer counts in the first listed cohort they are in).",
        ),
    ] = None,
) -> None:
    """Design, measure and orchestrate customer journeys across every channel."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError as SourceError

    from journeyscope.config import Settings
    from journeyscope.errors import SettingsError

    try:
        chosen = Settings()
        if activity_key is not None:
            chosen = chosen.model_copy(update={"activity_key": activity_key})
        if cohort is not None or by_cohort:
            chosen = chosen.model_copy(
                update={
                    "cohort": cohort or chosen.cohort,
                    "cohort_breakdown": tuple(by_cohort or chosen.cohort_breakdown),
                }
            )
        if source is not None or source_column:
            pairs = dict(p.partition("=")[::2] for p in source_column or [])
            chosen = chosen.model_copy(
                update={
                    "source": source or chosen.source,
                    "source_columns": {**chosen.source_columns, **pairs},
                }
            )
        ctx.obj = chosen
    except ValidationError as exc:
        problems = "; ".join(
            f"JOURNEYSCOPE_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        raise SettingsError(f"settings: {problems}") from None
    except SourceError as exc:  # a value that is not even JSON, e.g. for a dict setting
        field = str(exc).split('"')[1] if '"' in str(exc) else ""
        name = f"JOURNEYSCOPE_{field.upper()}" if field else "a JOURNEYSCOPE_* variable"
        raise SettingsError(f"settings: {name}: {exc} ({exc.__cause__})") from None


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
backlog.register(app)
attribution.register(app)
retention.register(app)
trends.register(app)
uplift.register(app)
ocel.register(app)
app.add_typer(users.app, name="users")


def main() -> None:
    """Entry point of the ``journeyscope`` command."""
    app()
