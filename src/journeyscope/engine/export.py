"""The closed loop: engine events into the analytics store, as canonical events.

Every decision and action the engine took is an ``engine_events`` row in the canonical
event model. :func:`export_events` hands them to :class:`journeyscope.events.Store` (DuckDB)
through its ordinary ingestion (a Parquet file of the events not stored yet), so analytics
reads them like any other channel: ``source`` is the file, ``channel`` the interaction's channel (``engine`` for pure
decisions), ``case_id`` the journey instance. The customer's identifier goes to the raw
identifier column its prefix names (``acct:A1`` → ``account_id = A1``), so identity stitching
joins the engine's events to the customer's own. Ids are the engine's: exporting twice adds
nothing.

The engine's own fields (:data:`ENGINE_COLUMNS`) travel two ways:

* as keys of each event's ``properties``, so every analysis that takes a breakdown or a
  property (``funnel --breakdown journey_arm``) reads them like any other property;
* as typed columns of their own in the store's ``engine_records`` table (one row per exported
  engine event, keyed by ``event_id``), and the ``journey_records`` view, which adds the
  event's stitched ``customer_id``, ``timestamp``, ``activity`` and ``channel``: what the
  uplift analysis and SQL users read.

``journey_arm`` is the instance's holdout assignment (``holdout`` or ``treatment``), taken from
its ``Journey entered`` record, whether that record is in this export or an earlier one.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from journeyscope.engine.core.clock import iso
from journeyscope.engine.store import EngineStore
from journeyscope.events import IngestReport, Store
from journeyscope.events.identity import PREFIX, stitch

_FROM_PREFIX = {prefix: column for column, prefix in PREFIX.items()}

#: The engine's fields as columns, with what each holds (docs/uplift.md lists them too).
ENGINE_COLUMNS: Final[dict[str, str]] = {
    "journey_case": "the journey instance, customer/journey#entry (null outside a journey)",
    "journey": "the orchestrated journey's id",
    "journey_version": "the version of the journey the instance runs",
    "journey_step": "the step of the journey the record belongs to",
    "decision": "for Decision records: the interaction object chosen ('(none)' if none)",
    "journey_arm": "the instance's holdout assignment: holdout or treatment",
    "interaction": "the interaction object sent, withheld, suppressed, delivered...",
}
#: Engine properties moved to top-level Parquet columns (they land in ``properties`` with the
#: same names), and the name each takes.
_PROMOTED: Final[dict[str, str]] = {
    "journey": "journey",
    "version": "journey_version",
    "step": "journey_step",
    "interaction": "interaction",
    "reason": "reason",
    "cause": "cause",
}
_IDENTIFIERS = ("account_id", "email_hash", "phone_hash", "device_id", "anonymous_id")
_COLUMNS = (
    "event_id",
    "case_id",
    "timestamp",
    "activity",
    "channel",
    *_IDENTIFIERS,
    *dict.fromkeys([*_PROMOTED.values(), *ENGINE_COLUMNS]),
    "details",
)
_TYPES: Final[dict[str, str]] = {"journey_version": "BIGINT"}

RECORDS_DDL: Final[str] = (
    "CREATE TABLE IF NOT EXISTS engine_records (event_id VARCHAR PRIMARY KEY, "
    + ", ".join(f"{name} {_TYPES.get(name, 'VARCHAR')}" for name in ENGINE_COLUMNS)
    + ")"
)
VIEW_DDL: Final[str] = (
    "CREATE OR REPLACE VIEW journey_records AS SELECT e.event_id, e.customer_id, e.timestamp, "
    "e.activity, e.channel, e.survey_score, "
    + ", ".join(f"r.{name}" for name in ENGINE_COLUMNS)
    + " FROM events e JOIN engine_records r USING (event_id)"
)


def arm(holdout: Any) -> str | None:
    """``holdout`` / ``treatment`` from a ``Journey entered`` record's ``holdout`` flag."""
    if holdout is None:
        return None
    return "holdout" if holdout in (True, "true", "True", 1) else "treatment"


def canonical_rows(events: list[dict[str, Any]], arms: Mapping[str, str] | None = None) -> pa.Table:
    """Engine events as a table the store ingests (identifiers split out, the engine's fields
    as columns, the rest as JSON ``details``). ``arms`` gives the holdout assignment of
    instances whose ``Journey entered`` record is not among ``events``."""
    known = dict(arms or {})
    for e in events:
        if e["activity"] == "Journey entered" and e["case_id"] is not None:
            found = arm(_properties(e).get("holdout"))
            if found is not None:
                known[str(e["case_id"])] = found
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
        props = _properties(e)
        columns["event_id"].append(e["event_id"])
        # a customer named after a case id is joined through that case id
        columns["case_id"].append(raw if column == "case_id" else e["case_id"])
        columns["journey_case"].append(e["case_id"])
        columns["timestamp"].append(iso(e["timestamp"]))
        columns["activity"].append(e["activity"])
        columns["channel"].append(e["channel"] or "engine")
        for key, name in _PROMOTED.items():
            value = props.pop(key, None)
            columns[name].append(None if value is None else str(value))
        winner = props.get("winner") if e["activity"] == "Decision" else None
        columns["decision"].append(None if e["activity"] != "Decision" else str(winner or "(none)"))
        columns["journey_arm"].append(known.get(str(e["case_id"])) if e["case_id"] else None)
        columns["details"].append(json.dumps(props, default=str) if props else None)
    return pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})


def _properties(event: Mapping[str, Any]) -> dict[str, Any]:
    props = event["properties"]
    return dict(json.loads(props) if isinstance(props, str) else props)


def export_events(engine: EngineStore, store: Store, *, after: int = 0) -> IngestReport:
    """Ingest the engine events with ``seq > after`` into ``store``, and their engine columns
    into its ``engine_records`` table (see the module docstring)."""
    events = engine.engine_events(after=after, limit=10_000_000)
    return ingest_engine_events(store, events, f"engine-events-{after}-{len(events)}")


def ingest_engine_events(store: Store, events: list[dict[str, Any]], name: str) -> IngestReport:
    """Ingest engine events (``EngineStore.engine_events`` rows, or simulator records as
    dicts) into ``store`` as the Parquet file ``name``, their engine columns into
    ``engine_records``, and stitch identities. Events already stored are not added again."""
    store.con.execute(RECORDS_DDL)
    store.con.execute(VIEW_DDL)
    arms = dict(
        store.con.execute(
            "SELECT journey_case, any_value(journey_arm) FROM engine_records "
            "WHERE journey_arm IS NOT NULL GROUP BY journey_case"
        ).fetchall()
    )
    table = canonical_rows(events, arms)
    store.con.register("js_engine_records", table.select(["event_id", *ENGINE_COLUMNS]))
    try:
        # events stored by an earlier export are left as they are: offered again with other
        # properties (an export before a field existed), they would be conflicting duplicates
        stored = store.con.execute(
            "SELECT r.event_id FROM js_engine_records r JOIN events e USING (event_id)"
        ).fetchall()
        fresh = table.filter(
            pc.invert(pc.is_in(table["event_id"], pa.array([r[0] for r in stored], pa.string())))
        )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{name}.parquet"
            pq.write_table(fresh, path)
            report = store.ingest(path)
        store.con.execute(
            "INSERT INTO engine_records SELECT event_id, "
            + ", ".join(f"CAST({n} AS {_TYPES.get(n, 'VARCHAR')})" for n in ENGINE_COLUMNS)
            + " FROM js_engine_records WHERE event_id IN (SELECT event_id FROM events) "
            "ON CONFLICT (event_id) DO NOTHING"
        )
    finally:
        store.con.unregister("js_engine_records")
    stitch(store.con)  # the engine's customers joined to their own events (customer_id)
    return report
