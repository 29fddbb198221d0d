"""``journeyscope stats`` and ``journeyscope quarantine``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from journeyscope.cli.common import JsonOption, StoreOption, console, print_json, store_path
from journeyscope.events import Store


def register(app: typer.Typer) -> None:
    @app.command()
    def stats(store: StoreOption = None, as_json: JsonOption = False) -> None:
        """Events, cases, customers, activities, channels (cases per channel), quarantine."""
        with Store(store_path(store), create=False) as db:
            data = db.stats()
        if as_json:
            print_json(data)
            return
        table = Table("measure", "value", title=str(store_path(store)))
        for key in (
            "events",
            "cases",
            "events_without_case",
            "customers",
            "activities",
            "quarantined",
            "first_event",
            "last_event",
        ):
            value = data[key]
            table.add_row(key, f"{value:,}" if isinstance(value, int) else str(value))
        console.print(table)
        channels = Table("channel", "cases", title="cases per channel")
        for name, n in data["channels"].items():
            channels.add_row(name, f"{n:,}")
        console.print(channels)
        console.print(f"[dim]{data['case_rule']}[/]")

    @app.command()
    def quarantine(
        store: StoreOption = None,
        limit: Annotated[int, typer.Option(help="Rows to show.")] = 20,
        as_json: JsonOption = False,
    ) -> None:
        """Rows that were not stored, with the reason and where they came from."""
        with Store(store_path(store), create=False) as db:
            q = db.quarantine()
            rows = (
                q.order_by([q.source, q.source_row])
                .limit(limit)
                .select("source", "source_row", "reason", "record")
                .to_pyarrow()
                .to_pylist()
            )
            total = int(q.count().to_pyarrow().as_py())
        if as_json:
            print_json({"total": total, "rows": rows})
            return
        table = Table("source", "row", "reason", title=f"quarantine ({total:,} rows)")
        for r in rows:
            table.add_row(r["source"], str(r["source_row"]), r["reason"])
        console.print(table)
