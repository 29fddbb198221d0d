"""``journeyscope synthetic``: write realistic omnichannel events (with the truth) to a file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from journeyscope.cli.common import console


def register(app: typer.Typer) -> None:
    @app.command()
    def synthetic(
        out: Annotated[Path, typer.Option("--out", help="Output file: .parquet or .csv.")],
        customers: Annotated[
            int, typer.Option(help="Number of customers (about 9 events each).", min=1)
        ] = 10_000,
        seed: Annotated[int, typer.Option(help="Random seed; same seed, same data.")] = 7,
    ) -> None:
        """Generate the tenancy and home-maintenance-loan journeys, truth columns included."""
        from journeyscope.synthetic_parts import write_population

        started = time.perf_counter()
        events = write_population(customers, seed, out)
        console.print(
            f"wrote {events:,} events of {customers:,} customers to {out} "
            f"in {time.perf_counter() - started:.1f}s"
        )
