"""The closed loop: engine events into the analytics store, as canonical events.

Every decision and action the engine took is an ``engine_events`` row in the canonical
event model. :func:`export_events` hands them to :class:`journeyscope.events.Store` (DuckDB)
through its ordinary ingestion (a Parquet file), so analytics reads them like any other
channel: ``source`` is the file, ``channel`` the interaction's channel (``engine`` for pure
decisions), ``case_id`` (and ``journey_case``) the journey instance. The customer's identifier goes to the raw
identifier column its prefix names (``acct:A1`` → ``account_id = A1``), so identity stitching
joins the engine's events to the customer's own. Ids are the engine's: exporting twice adds
nothing.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from journeyscope.engine.clock import iso
from journeyscope.engine.store import EngineStore
from journeyscope.events import IngestReport, Store
from journeyscope.events.identity import PREFIX

_FROM_PREFIX = {prefix: column for column, prefix in PREFIX.items()}
_PROMOTED = ("journey", "version", "step", "interaction", "reason", "cause")


_IDENTIFIERS = ("account_id", "email_hash", "phone_hash", "device_id", "anonymous_id")
_COLUMNS = (
    "event_id",
    "case_id",
    "timestamp",
    "activity",
    "channel",
    *_IDENTIFIERS,
    *_PROMOTED,
    "journey_case",
    "details",
)


def canonical_rows(events: list[dict[str, Any]]) -> pa.Table:
    """Engine events as a table the store ingests (identifiers split out, details as JSON)."""
    columns: dict[str, list[Any]] = {name: [] for name in _COLUMNS}
    for e in events:
        prefix, _, raw = str(e["customer_id"]).partition(":")
        column = _FROM_PREFIX.get(prefix) if raw else None
        for name in _IDENTIFIERS:
            columns[name].append(None)
        if column is None:
            columns["account_id"][-1] = str(e["customer_id"])
        elif column != "case_id":
            columns[column][-1] = raw
        props = dict(e["properties"])
        columns["event_id"].append(e["event_id"])
        # a customer named after a case id is joined through that case id
        columns["case_id"].append(raw if column == "case_id" else e["case_id"])
        columns["journey_case"].append(e["case_id"])
        columns["timestamp"].append(iso(e["timestamp"]))
        columns["activity"].append(e["activity"])
        columns["channel"].append(e["channel"] or "engine")
        for name in _PROMOTED:
            value = props.pop(name, None)
            columns[name].append(None if value is None else str(value))
        columns["details"].append(json.dumps(props, default=str) if props else None)
    return pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})


def export_events(engine: EngineStore, store: Store, *, after: int = 0) -> IngestReport:
    """Ingest the engine events with ``seq > after`` into ``store``."""
    events = engine.engine_events(after=after, limit=10_000_000)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"engine-events-{after}-{len(events)}.parquet"
        pq.write_table(canonical_rows(events), path)
        return store.ingest(path)
