"""Object-centric logs in the store: the per-object-type process map (on DuckDB or Spark), and
writing a stored log back as OCEL 2.0 JSON (or XML). Both read the store **read-only** (the
object-centric tables are the store's own, see :mod:`journeyscope.events.ocel_store`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journeyscope.services.store import open_store

if TYPE_CHECKING:
    from journeyscope.analytics.object_centric import ObjectDfgQuery, ObjectDfgResult
    from journeyscope.config import Settings


#: The columns of each object-centric table the process map reads.
COLUMNS = {
    "ocel_events": "event_id, activity, timestamp, position",
    "ocel_e2o": "event_id, object_id",
    "ocel_objects": "object_id, object_type",
}


def object_dfg(settings: Settings, query: ObjectDfgQuery) -> ObjectDfgResult:
    """One directly-follows graph per object type of the stored OCEL log ``query.log``, on
    ``settings.engine``: DuckDB reads the store's tables; Spark reads the log's rows of them,
    exported once to Parquet (:mod:`journeyscope.services.spark_views`). Same results."""
    from journeyscope.analytics.object_centric import OcelTables
    from journeyscope.analytics.object_centric import object_dfg as run
    from journeyscope.errors import UnknownEngineError
    from journeyscope.events.ocel_store import choose_log, logs

    if settings.engine not in ("duckdb", "spark"):
        raise UnknownEngineError(f"unknown engine {settings.engine!r} (choose duckdb or spark)")
    store = open_store(settings)
    try:
        log = choose_log(logs(store.con), query.log, str(settings.store))
        if settings.engine == "spark":
            from journeyscope.services.spark_views import spark_views

            literal = log.replace("'", "''")
            queries = {
                name: f"SELECT {cols} FROM {name} WHERE log = '{literal}'"
                for name, cols in COLUMNS.items()
            }
            with spark_views(settings, store, queries) as t:
                tables = OcelTables(t["ocel_events"], t["ocel_e2o"], t["ocel_objects"])
                return run(tables, query, log)
        con = store.ibis

        def table(name: str) -> Any:
            t = con.table(name)
            return t.filter(t.log == log)

        tables = OcelTables(table("ocel_events"), table("ocel_e2o"), table("ocel_objects"))
        return run(tables, query, log)
    finally:
        store.close()


def export(settings: Settings, target: Path, log: str | None = None) -> dict[str, int]:
    """Write the stored OCEL log ``log`` (the only one when ``None``) to ``target``: OCEL 2.0
    XML for ``.xmlocel``/``.xml``, OCEL 2.0 JSON otherwise. Returns what was written."""
    from journeyscope.events.ocel import XML_SUFFIXES
    from journeyscope.events.ocel_store import choose_log, export_log, logs

    store = open_store(settings)
    try:
        chosen = choose_log(logs(store.con), log, str(settings.store))
        data = export_log(store.con, chosen)
    finally:
        store.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() in XML_SUFFIXES:
        from journeyscope.events.ocelxml import to_xml

        target.write_bytes(to_xml(data))
    else:
        target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {
        "object types": len(data["objectTypes"]),
        "event types": len(data["eventTypes"]),
        "objects": len(data["objects"]),
        "events": len(data["events"]),
        "event-to-object": sum(len(e["relationships"]) for e in data["events"]),
        "object-to-object": sum(len(o["relationships"]) for o in data["objects"]),
    }
