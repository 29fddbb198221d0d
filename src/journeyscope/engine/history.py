"""Recorded event histories for replay: any file the event store reads, in engine terms.

A history is read through the event store (CSV, Parquet, JSON Lines, XES...), identities are
stitched, and each row becomes an :class:`~journeyscope.engine.core.actions.Event` for the
stitched customer, in (timestamp, source row) order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from journeyscope.engine.core.actions import Event
from journeyscope.events import Store
from journeyscope.events.identity import stitch


def read_history(path: Path) -> list[Event]:
    """Every event of ``path`` (any format the store ingests), oldest first."""
    with Store(":memory:") as store:
        store.ingest(path)
        stitch(store.con)
        rows = store.con.execute(
            "SELECT event_id, customer_id, activity, channel, epoch_us(timestamp), properties "
            "FROM events ORDER BY timestamp, source_row, event_id"
        ).fetchall()
    return list(_events(rows))


def _events(rows: list[tuple[object, ...]]) -> Iterator[Event]:
    for event_id, customer, activity, channel, micros, props in rows:
        yield Event(
            event_id=str(event_id),
            customer_id=str(customer),
            activity=str(activity),
            timestamp=int(micros) / 1e6,  # type: ignore[call-overload]
            channel=None if channel is None else str(channel),
            properties=json.loads(props) if props else {},  # type: ignore[arg-type]
        )
