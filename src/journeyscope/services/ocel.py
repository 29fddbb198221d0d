"""Object-centric logs in the store: the per-object-type process map, and writing a stored
log back as OCEL 2.0 JSON (or XML). Both read the store **read-only** (DuckDB: the
object-centric tables are the store's own, see :mod:`journeyscope.events.ocel_store`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journeyscope.services.store import open_store

if TYPE_CHECKING:
    from journeyscope.analytics.object_centric import ObjectDfgQuery, ObjectDfgResult
    from journeyscope.config import Settings


def object_dfg(settings: Settings, query: ObjectDfgQuery) -> ObjectDfgResult:
    """One directly-follows graph per object type of the stored OCEL log ``query.log``."""
    from journeyscope.analytics.object_centric import OcelTables
    from journeyscope.analytics.object_centric import object_dfg as run
    from journeyscope.events.ocel_store import choose_log, logs

    store = open_store(settings)
    try:
        log = choose_log(logs(store.con), query.log, str(settings.store))
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
