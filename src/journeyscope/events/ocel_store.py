"""The object-centric tables: an OCEL 2.0 log kept as it is, next to its flattened events.

Ingesting an OCEL 2.0 file (JSON or XML) stores its events flattened onto the chosen case
notion in ``events`` (:mod:`~journeyscope.events.ocel`) **and** the whole log, unflattened,
in these tables, one set of rows per log (``log`` = the file's name; ingesting a file of the
same name again replaces its rows):

* ``ocel_types``: the declared object and event types and their attributes (``kind`` is
  ``object`` or ``event``; a type without attributes has one row with ``attribute`` null);
* ``ocel_objects``: each object and its type;
* ``ocel_object_attributes``: each object attribute value with the time it took that value
  (``time`` parsed, ``time_text`` as written): initial values and later changes alike;
* ``ocel_o2o``: object-to-object links with their qualifiers;
* ``ocel_events`` and ``ocel_event_attributes``: each event (activity = its type, its time)
  and its attributes;
* ``ocel_e2o``: the event-to-object relationships with their qualifiers.

Every row keeps its ``position`` in the file, so :func:`export_log` writes the log back in
the order it came (values as JSON text, times as written): read → write → read is equal.
Events the flattening quarantines (no id, malformed attributes or relationships) are not
kept here; an event whose time has no offset keeps ``timestamp`` null (and its text).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from journeyscope.errors import InputFormatError, InvalidQueryError, closest

TABLES: dict[str, dict[str, str]] = {
    "ocel_types": {
        "kind": "VARCHAR",
        "type": "VARCHAR",
        "attribute": "VARCHAR",
        "value_type": "VARCHAR",
    },
    "ocel_objects": {"object_id": "VARCHAR", "object_type": "VARCHAR"},
    "ocel_object_attributes": {
        "object_id": "VARCHAR",
        "name": "VARCHAR",
        "time": "TIMESTAMPTZ",
        "time_text": "VARCHAR",
        "value": "VARCHAR",
    },
    "ocel_o2o": {"object_id": "VARCHAR", "target_id": "VARCHAR", "qualifier": "VARCHAR"},
    "ocel_events": {
        "event_id": "VARCHAR",
        "activity": "VARCHAR",
        "timestamp": "TIMESTAMPTZ",
        "time_text": "VARCHAR",
    },
    "ocel_event_attributes": {"event_id": "VARCHAR", "name": "VARCHAR", "value": "VARCHAR"},
    "ocel_e2o": {"event_id": "VARCHAR", "object_id": "VARCHAR", "qualifier": "VARCHAR"},
}
_ARROW = {"VARCHAR": pa.string(), "TIMESTAMPTZ": pa.timestamp("us", tz="UTC")}


def _when(text: object) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def rows_of(
    data: dict[str, Any], valid: Iterable[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """The rows of each table for one log in the OCEL JSON layout; ``valid`` are the events
    the flattening accepted (the others are in quarantine)."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for kind, key in (("object", "objectTypes"), ("event", "eventTypes")):
        for declared in data.get(key) or []:
            if not isinstance(declared, dict):
                continue
            attrs = [a for a in declared.get("attributes") or [] if isinstance(a, dict)]
            for a in attrs or [{}]:
                out["ocel_types"].append(
                    {
                        "kind": kind,
                        "type": _str(declared.get("name")),
                        "attribute": _str(a.get("name")),
                        "value_type": _str(a.get("type")),
                    }
                )
    for o in data.get("objects") or []:
        if not isinstance(o, dict) or o.get("id") is None:
            continue
        oid = str(o["id"])
        out["ocel_objects"].append({"object_id": oid, "object_type": _str(o.get("type"))})
        for a in o.get("attributes") or []:
            if isinstance(a, dict) and isinstance(a.get("name"), str):
                out["ocel_object_attributes"].append(
                    {
                        "object_id": oid,
                        "name": a["name"],
                        "time": _when(a.get("time")),
                        "time_text": _str(a.get("time")),
                        "value": _json(a.get("value")),
                    }
                )
        for r in o.get("relationships") or []:
            if isinstance(r, dict) and r.get("objectId") is not None:
                out["ocel_o2o"].append(
                    {
                        "object_id": oid,
                        "target_id": str(r["objectId"]),
                        "qualifier": _str(r.get("qualifier")),
                    }
                )
    for e in valid:
        eid = str(e["id"])
        out["ocel_events"].append(
            {
                "event_id": eid,
                "activity": _str(e.get("type")),
                "timestamp": _when(e.get("time")),
                "time_text": _str(e.get("time")),
            }
        )
        for a in e.get("attributes") or []:
            out["ocel_event_attributes"].append(
                {"event_id": eid, "name": a["name"], "value": _json(a.get("value"))}
            )
        for r in e.get("relationships") or []:
            out["ocel_e2o"].append(
                {
                    "event_id": eid,
                    "object_id": str(r["objectId"]),
                    "qualifier": _str(r.get("qualifier")),
                }
            )
    return out


def keep_file(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, int]:
    """:func:`keep` the OCEL 2.0 file at ``path`` under its file name (what ingest calls)."""
    from journeyscope.events.ocel import load_log, valid_events

    data = load_log(path)
    return keep(con, path.name, data, valid_events(data))


def canonical(data: dict[str, Any]) -> dict[str, Any]:
    """A log in the JSON layout with every optional list written out (empty when absent),
    so that two reads of the same content compare equal."""

    def full(items: object, keys: tuple[str, ...]) -> list[Any]:
        return [
            {**i, **{k: i.get(k) or [] for k in keys}} if isinstance(i, dict) else i
            for i in (items if isinstance(items, list) else [])
        ]

    return {
        "objectTypes": full(data.get("objectTypes"), ("attributes",)),
        "eventTypes": full(data.get("eventTypes"), ("attributes",)),
        "objects": full(data.get("objects"), ("attributes", "relationships")),
        "events": full(data.get("events"), ("attributes", "relationships")),
    }


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    for name, columns in TABLES.items():
        cols = ", ".join(f'"{c}" {t}' for c, t in {"log": "VARCHAR", **columns}.items())
        con.execute(f'CREATE TABLE IF NOT EXISTS {name} ({cols}, "position" BIGINT)')


def keep(
    con: duckdb.DuckDBPyConnection, log: str, data: dict[str, Any], valid: Iterable[dict[str, Any]]
) -> dict[str, int]:
    """Store the log ``data`` under the name ``log`` (replacing an earlier one of that name),
    inside the caller's transaction; returns the rows written per table."""
    create_tables(con)
    written = {}
    for name, rows in rows_of(data, valid).items():
        con.execute(f"DELETE FROM {name} WHERE log = ?", [log])
        columns = TABLES[name]
        table = pa.table(
            {
                "log": pa.array([log] * len(rows), pa.string()),
                **{c: pa.array([r[c] for r in rows], _ARROW[t]) for c, t in columns.items()},
                "position": pa.array(range(1, len(rows) + 1), pa.int64()),
            }
        )
        con.register("js_ocel_rows", table)
        try:
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM js_ocel_rows")
        finally:
            con.unregister("js_ocel_rows")
        written[name] = len(rows)
    return written


def logs(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The names of the object-centric logs in the store (none when no OCEL file was
    ingested)."""
    found = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'ocel_events'"
    ).fetchone()
    if not found or not found[0]:
        return []
    return [
        r[0] for r in con.execute("SELECT DISTINCT log FROM ocel_objects ORDER BY log").fetchall()
    ]


def choose_log(names: list[str], chosen: str | None, where: str) -> str:
    """The log to use: ``chosen``, or the only one; an error naming the logs otherwise."""
    if not names:
        raise InvalidQueryError(
            f"{where}: no object-centric log in this store; ingest an OCEL 2.0 file first "
            "(journeyscope ingest LOG.jsonocel --object-type TYPE, or .xmlocel)"
        )
    if chosen is None:
        if len(names) > 1:
            raise InvalidQueryError(
                f"{where}: several object-centric logs; choose one with --log ({', '.join(names)})"
            )
        return names[0]
    if chosen not in names:
        close = closest(chosen, names, n=3, cutoff=0.4)
        hint = f"did you mean {', '.join(map(repr, close))}?" if close else ", ".join(names)
        raise InvalidQueryError(f"--log {chosen!r}: no such object-centric log ({hint})")
    return chosen


def _rows(con: duckdb.DuckDBPyConnection, table: str, log: str) -> list[dict[str, Any]]:
    cursor = con.execute(f"SELECT * FROM {table} WHERE log = ? ORDER BY position", [log])
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def export_log(con: duckdb.DuckDBPyConnection, log: str) -> dict[str, Any]:
    """The stored log ``log`` in the OCEL 2.0 JSON layout, in the order it was read."""
    if log not in logs(con):
        raise InputFormatError(f"no object-centric log {log!r} in this store")
    declared: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in _rows(con, "ocel_types", log):
        entry = declared.setdefault((r["kind"], r["type"]), [])
        if r["attribute"] is not None:
            entry.append({"name": r["attribute"], "type": r["value_type"]})
    attributes: dict[str, list[dict[str, Any]]] = {}
    for r in _rows(con, "ocel_object_attributes", log):
        item = {"name": r["name"], "value": json.loads(r["value"])}
        if r["time_text"] is not None:
            item["time"] = r["time_text"]
        attributes.setdefault(r["object_id"], []).append(item)
    links: dict[str, list[dict[str, Any]]] = {}
    for r in _rows(con, "ocel_o2o", log):
        links.setdefault(r["object_id"], []).append(
            {"objectId": r["target_id"], "qualifier": r["qualifier"]}
        )
    event_attributes: dict[str, list[dict[str, Any]]] = {}
    for r in _rows(con, "ocel_event_attributes", log):
        event_attributes.setdefault(r["event_id"], []).append(
            {"name": r["name"], "value": json.loads(r["value"])}
        )
    related: dict[str, list[dict[str, Any]]] = {}
    for r in _rows(con, "ocel_e2o", log):
        related.setdefault(r["event_id"], []).append(
            {"objectId": r["object_id"], "qualifier": r["qualifier"]}
        )
    return {
        "objectTypes": [
            {"name": t, "attributes": a} for (k, t), a in declared.items() if k == "object"
        ],
        "eventTypes": [
            {"name": t, "attributes": a} for (k, t), a in declared.items() if k == "event"
        ],
        "objects": [
            {
                "id": o["object_id"],
                "type": o["object_type"],
                "attributes": attributes.get(o["object_id"], []),
                "relationships": links.get(o["object_id"], []),
            }
            for o in _rows(con, "ocel_objects", log)
        ],
        "events": [
            {
                "id": e["event_id"],
                "type": e["activity"],
                "time": e["time_text"],
                "attributes": event_attributes.get(e["event_id"], []),
                "relationships": related.get(e["event_id"], []),
            }
            for e in _rows(con, "ocel_events", log)
        ],
    }
