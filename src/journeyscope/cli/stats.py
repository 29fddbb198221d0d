"""``journeyscope stats`` and ``journeyscope quarantine``: what is in the store.

Both read the store through :mod:`journeyscope.services.analyses` (read-only).
"""

from __future__ import annotations

from typing import Annotated

import typer

from journeyscope.cli.common import console, print_json
from journeyscope.cli.options import JsonOption, StoreOption, settings

__all__ = ["register"]

_MEASURES = (
    "events",
    "cases",
    "events_without_case",
    "customers",
    "activities",
    "quarantined",
    "first_event",
    "last_event",
)


def stats(ctx: typer.Context, store: StoreOption = None, as_json: JsonOption = False) -> None:
    """Events, cases, customers, activities, channels (cases per channel), quarantine."""
    from rich.table import Table

    from journeyscope.analytics.semantics import customer_label
    from journeyscope.services import analyses

    chosen = settings(ctx, store=store)
    data = analyses.stats(chosen)
    if as_json:
        print_json(data)
        return
    table = Table("measure", "value", title=str(chosen.store))
    for key in _MEASURES:
        value = data[key]
        label = customer_label("stitched") if key == "customers" else key
        table.add_row(label, f"{value:,}" if isinstance(value, int) else str(value))
    console.print(table)
    channels = Table("channel", "cases", title="cases per channel")
    for name, n in data["channels"].items():
        channels.add_row(name, f"{n:,}")
    console.print(channels)
    console.print(f"[dim]{data['semantics']}[/]")


def quarantine(
    ctx: typer.Context,
    store: StoreOption = None,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Rows that were not stored, with the reason and where they came from."""
    from rich.table import Table

    from journeyscope.services import analyses

    data = analyses.quarantine(settings(ctx, store=store), limit)
    if as_json:
        print_json(data)
        return
    table = Table("source", "row", "reason", title=f"quarantine ({data['total']:,} rows)")
    for r in data["rows"]:
        table.add_row(r["source"], str(r["source_row"]), r["reason"])
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``stats`` and ``quarantine`` to ``app``."""
    app.command()(stats)
    app.command()(quarantine)
