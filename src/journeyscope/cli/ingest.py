"""``journeyscope ingest``: read files into the store, quarantine bad rows, stitch identities."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from journeyscope.cli.common import console, print_json, progress_bar
from journeyscope.cli.options import JsonOption, StoreOption, settings

if TYPE_CHECKING:
    from journeyscope.config import Settings
    from journeyscope.events import Store

__all__ = ["FORMATS", "register"]

#: The formats ``--format`` takes (``events.readers.FORMATS``; a test keeps the two equal,
#: so that ``--help`` needs no import of the readers).
FORMATS = ("csv", "parquet", "jsonl", "xes", "ocel")


def _col(help_text: str) -> object:
    return typer.Option(help=help_text, rich_help_panel="Column mapping")


#: How long ingest waits for analyses that are reading the store (they hold its lock).
WAIT_FOR_READERS_S = 600.0


def _open_for_writing(chosen: Settings) -> Store:
    """The store opened for writing; while other processes read it (analyses hold a shared
    lock), wait for them, up to :data:`WAIT_FOR_READERS_S`, saying so once on stderr."""
    import time

    from journeyscope.errors import StoreError
    from journeyscope.events import Store

    deadline = time.monotonic() + WAIT_FOR_READERS_S
    said = False
    while True:
        try:
            return Store(chosen.store, memory_limit=chosen.memory_limit)
        except StoreError as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            if not said:
                console.print(
                    f"waiting for the analyses reading {chosen.store} to finish", highlight=False
                )
                said = True
            time.sleep(0.25)


def register(app: typer.Typer) -> None:
    """Add ``ingest`` to ``app``."""
    app.command()(ingest)


def ingest(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            help="CSV, Parquet, JSON Lines, XES (.xes, .xes.gz) or OCEL 2.0 (.jsonocel, .xmlocel) files."
        ),
    ],
    store: StoreOption = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help=f"One of {', '.join(FORMATS)}; default: from the file name."),
    ] = None,
    case: Annotated[str | None, _col("Case id column [case_id, case:concept:name].")] = None,
    activity: Annotated[str | None, _col("Activity column [activity, concept:name].")] = None,
    timestamp: Annotated[str | None, _col("Timestamp column [timestamp, time:timestamp].")] = None,
    timestamp_format: Annotated[
        str | None,
        _col("strptime format when timestamps are not ISO 8601, e.g. '%d-%m-%Y %H:%M'."),
    ] = None,
    channel: Annotated[str | None, _col("Channel column [channel, case:channel].")] = None,
    event_id: Annotated[
        str | None, _col("Event id column [event_id]; default: file fingerprint + row.")
    ] = None,
    account: Annotated[
        str | None, _col("Account / customer number column [account_id, customer_id].")
    ] = None,
    email_hash: Annotated[str | None, _col("Hashed e-mail column [email_hash].")] = None,
    phone_hash: Annotated[str | None, _col("Hashed phone column [phone_hash].")] = None,
    device: Annotated[str | None, _col("Device id column [device_id].")] = None,
    anonymous: Annotated[str | None, _col("Anonymous cookie column [anonymous_id].")] = None,
    survey_type: Annotated[
        str | None, _col("Survey type column (NPS, CSAT, CES) [survey_type].")
    ] = None,
    survey_score: Annotated[str | None, _col("Survey score column [survey_score].")] = None,
    sentiment: Annotated[str | None, _col("Sentiment column, -1..1 [sentiment].")] = None,
    cost: Annotated[str | None, _col("Cost column [cost].")] = None,
    delimiter: Annotated[str | None, typer.Option(help="CSV delimiter; default: sniffed.")] = None,
    encoding: Annotated[str, typer.Option(help="CSV encoding: utf-8, latin-1, utf-16.")] = "utf-8",
    object_type: Annotated[
        str | None,
        typer.Option(
            help="OCEL 2.0: the object type whose objects are the cases; needed when the log "
            "has several ('*': every object)."
        ),
    ] = None,
    catalogue: Annotated[Path | None, typer.Option(help="Event catalogue YAML.")] = None,
    strict: Annotated[
        bool, typer.Option(help="Quarantine activities the catalogue does not list.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Ingest event files. Idempotent: the same file twice adds nothing.

    Rows that fail validation go to the quarantine table with the reason and row number.
    Exits non-zero only when nothing at all could be read.
    """
    from journeyscope.events import ColumnMapping, CsvOptions, load_catalogue
    from journeyscope.events.identity import stitch
    from journeyscope.events.pii import align_secret

    mapping = ColumnMapping(
        case_id=case,
        activity=activity,
        timestamp=timestamp,
        timestamp_format=timestamp_format,
        channel=channel,
        event_id=event_id,
        account_id=account,
        email_hash=email_hash,
        phone_hash=phone_hash,
        device_id=device,
        anonymous_id=anonymous,
        survey_type=survey_type,
        survey_score=survey_score,
        sentiment=sentiment,
        cost=cost,
    )
    allowed = None
    hashed: list[str] = []
    if catalogue is not None:
        cat = load_catalogue(catalogue)
        allowed = list(cat.activities) if strict else None
        hashed = cat.already_hashed()
    elif strict:
        raise typer.BadParameter("--strict needs --catalogue")
    reports = []
    chosen = settings(ctx, store=store)
    with _open_for_writing(chosen) as db:
        align_secret(db.con, chosen.identifier_key_file())  # the engine's secret too
        for file in files:
            with progress_bar(f"ingesting {file.name}") as update:
                reports.append(
                    db.ingest(
                        file,
                        fmt=fmt,  # type: ignore[arg-type]
                        mapping=mapping,
                        csv=CsvOptions(delimiter=delimiter, encoding=encoding),
                        allowed_activities=allowed,
                        object_type=object_type,
                        already_hashed=hashed,
                        progress=update,
                    )
                )
        identity = stitch(db.con)
    if as_json:
        print_json({"files": [asdict(r) for r in reports], "identity": asdict(identity)})
    else:
        from rich.table import Table

        table = Table(
            "file", "rows", "added", "duplicates", "quarantined", "seconds", title="ingest"
        )
        for r in reports:
            table.add_row(
                Path(r.path).name + (" (already ingested)" if r.skipped else ""),
                f"{r.rows_read:,}",
                f"{r.events_added:,}",
                f"{r.duplicates:,}",
                f"{r.quarantined:,}",
                f"{r.seconds:.2f}",
            )
        console.print(table)
        for r in reports:
            for reason, n in list(r.reasons.items())[:8]:
                console.print(f"  [yellow]quarantined[/] {n:,} × {reason}", highlight=False)
            for note in r.notes:
                console.print(f"  [yellow]note[/] {note}", highlight=False)
        console.print(
            f"identity: {identity.customers:,} customers from {identity.identifiers:,} identifiers"
        )
    if all(r.events_added == 0 and not r.skipped and r.duplicates == 0 for r in reports):
        console.print("[bold red]nothing could be read[/]; see `journeyscope quarantine`")
        raise typer.Exit(1)
