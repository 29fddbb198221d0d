"""The object-centric process map: one directly-follows graph per object type.

An object-centric log (OCEL 2.0) relates each event to any number of objects of several
types (an order, its items, its invoice...). Flattening it onto one type as the case
duplicates every event related to several objects of that type and loses the others; this
analysis keeps them all, over the store's event-to-object table
(:mod:`journeyscope.events.ocel_store`):

* **an object's journey** is the events related to it, ordered by time (equal times in the
  order of the log's file);
* for an object type, event ``b`` **directly follows** ``a`` when, for some object of that
  type, ``b`` is the next event after ``a`` in the object's journey. An edge's ``count`` is
  how many times that happened over the type's objects (an event pair followed by two
  objects counts twice), ``event_pairs`` the distinct pairs of events behind it, ``objects``
  the distinct objects, and the durations are the seconds from ``a`` to ``b`` over the
  ``count`` occurrences;
* an activity's ``events`` are the distinct events of that activity related to at least one
  object of the type, its ``objects`` the distinct objects they relate to; ``start`` and
  ``end`` count the objects whose journey begins or ends with that activity;
* **flattening**: ``relations`` are the (event, object) pairs of the type, the rows that
  flattening the log on that type would store; ``duplicated`` the events related to more
  than one object of the type (each stored once per object). ``relations − events`` is the
  number of extra copies.

All types share the activity nodes: the map draws one graph per type over the same boxes.
Events without a timestamp with an offset, and relationships to objects the log does not
declare, are left out (and counted in ``left_out``).

>>> from datetime import UTC, datetime
>>> at = [datetime(2024, 1, 1, h, tzinfo=UTC) for h in (10, 11)]
>>> t = OcelTables(
...     events=ibis.memtable({"event_id": ["e1", "e2"], "activity": ["A", "B"],
...                           "timestamp": at, "position": [1, 2]}),
...     e2o=ibis.memtable({"event_id": ["e1", "e2", "e2"], "object_id": ["o", "o", "p"]}),
...     objects=ibis.memtable({"object_id": ["o", "p"], "object_type": ["Order", "Order"]}),
... )
>>> r = object_dfg(t, ObjectDfgQuery(), "demo")
>>> [(e.source, e.target, e.count) for e in r.object_types[0].edges]
[('A', 'B', 1)]
>>> r.object_types[0].relations, r.object_types[0].duplicated
(3, 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
from pydantic import BaseModel, ConfigDict, Field

from journeyscope.analytics.cases import epoch_ms
from journeyscope.errors import InvalidQueryError, closest

SEMANTICS = (
    "object-centric directly-follows, one graph per object type: b follows a when b is the "
    "next event after a among the events related to one object of that type (time order, "
    "ties in file order); count = times over the type's objects, event_pairs = distinct "
    "event pairs, objects = distinct objects; activity events = distinct events related to "
    "an object of the type; relations = (event, object) pairs = rows if flattened on the "
    "type, duplicated = events related to several objects of the type"
)


class ObjectDfgQuery(BaseModel):
    """Which object types to draw (all when empty), from which stored log (the only one
    when ``None``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    log: str | None = None
    object_types: tuple[str, ...] = ()
    top: int | None = Field(default=None, ge=1)
    """Keep each type's ``top`` most frequent edges (``None``: all)."""


class ObjectActivity(BaseModel):
    model_config = ConfigDict(frozen=True)

    activity: str
    events: int
    objects: int


class ObjectEdge(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    target: str
    count: int
    event_pairs: int
    objects: int
    median_seconds: float | None


class ObjectTypeMap(BaseModel):
    """The directly-follows graph of one object type, and what flattening on it would do."""

    model_config = ConfigDict(frozen=True)

    object_type: str
    objects: int
    """Objects of the type in the log (with or without events)."""
    events: int
    relations: int
    duplicated: int
    activities: list[ObjectActivity]
    edges: list[ObjectEdge]
    start: dict[str, int]
    end: dict[str, int]


class ObjectDfgResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    log: str
    events: int
    """Events of the log with a usable timestamp."""
    object_types: list[ObjectTypeMap]
    activities: dict[str, int]
    """The shared activity nodes: distinct events of each activity related to an object of
    the drawn types, most first (then by name)."""
    left_out: dict[str, int]
    semantics: str = SEMANTICS


@dataclass(frozen=True)
class OcelTables:
    """One log's event, event-to-object and object tables (Ibis), as the store keeps them."""

    events: ibis.Table
    e2o: ibis.Table
    objects: ibis.Table


def _journeys(t: OcelTables) -> ibis.Table:
    """One row per (event, object) with the object's type, in each object's journey order,
    with the previous and next event of the same object."""
    rel = t.e2o.select("event_id", "object_id").distinct()
    ev = t.events.filter(t.events.timestamp.notnull()).select(
        "event_id", "activity", "timestamp", "position"
    )
    ob = t.objects.select("object_id", "object_type")
    j = rel.join(ob, "object_id").join(ev, "event_id")
    w = ibis.window(group_by=j.object_id, order_by=[j.timestamp, j.position, j.event_id])
    return j.mutate(
        prev_activity=j.activity.lag().over(w),
        prev_event=j.event_id.lag().over(w),
        prev_ms=epoch_ms(j.timestamp.lag().over(w)),
        next_activity=j.activity.lead().over(w),
        ms=epoch_ms(j.timestamp),
    )


def expressions(t: OcelTables, types: tuple[str, ...]) -> dict[str, ibis.Table]:
    """The aggregates :func:`result` reads, one Ibis expression each."""
    j = _journeys(t)
    if types:
        j = j.filter(j.object_type.isin(list(types)))
    steps = j.filter(j.prev_activity.notnull())
    per_event = j.group_by(["object_type", "event_id"]).aggregate(n=j.object_id.nunique())
    ob = t.objects
    rel = t.e2o.select("event_id", "object_id").distinct()
    known = rel.join(ob.select("object_id"), "object_id")
    timed = t.events.filter(t.events.timestamp.notnull())
    return {
        "edges": steps.group_by(["object_type", "prev_activity", "activity"]).aggregate(
            count=steps.count(),
            event_pairs=(steps.prev_event + "\x00" + steps.event_id).nunique(),
            objects=steps.object_id.nunique(),
            median_ms=(steps.ms - steps.prev_ms).median(),
        ),
        "nodes": j.group_by("activity").aggregate(events=j.event_id.nunique()),
        "activities": j.group_by(["object_type", "activity"]).aggregate(
            events=j.event_id.nunique(), objects=j.object_id.nunique()
        ),
        "start": j.filter(j.prev_activity.isnull())
        .group_by(["object_type", "activity"])
        .aggregate(n=ibis._.count()),
        "end": j.filter(j.next_activity.isnull())
        .group_by(["object_type", "activity"])
        .aggregate(n=ibis._.count()),
        "flattening": per_event.group_by("object_type").aggregate(
            events=per_event.count(),
            relations=per_event.n.sum(),
            duplicated=(per_event.n > 1).cast("int64").sum(),
        ),
        "objects": ob.group_by("object_type").aggregate(n=ob.count()),
        "totals": timed.aggregate(n=timed.count()),
        "untimed": t.events.filter(t.events.timestamp.isnull()).aggregate(n=ibis._.count()),
        "unknown_objects": rel.aggregate(n=rel.count()).cross_join(
            known.aggregate(k=known.count())
        ),
    }


Rows = list[dict[str, Any]]


def result(log: str, query: ObjectDfgQuery, rows: dict[str, Rows]) -> ObjectDfgResult:
    """The typed result from the rows of :func:`expressions`."""
    declared = {str(r["object_type"]): int(r["n"]) for r in rows["objects"]}
    unknown = [t for t in query.object_types if t not in declared]
    if unknown:
        close = closest(unknown[0], declared, n=3, cutoff=0.4)
        hint = f"did you mean {', '.join(map(repr, close))}?" if close else ""
        raise InvalidQueryError(
            f"--object-type {unknown[0]!r}: no objects of that type in {log} "
            f"({hint or 'object types: ' + ', '.join(sorted(declared))})"
        )
    flat = {str(r["object_type"]): r for r in rows["flattening"]}
    maps = []
    for kind in query.object_types or tuple(sorted(declared)):
        edges = [
            ObjectEdge(
                source=str(r["prev_activity"]),
                target=str(r["activity"]),
                count=int(r["count"]),
                event_pairs=int(r["event_pairs"]),
                objects=int(r["objects"]),
                median_seconds=None
                if r["median_ms"] is None
                else round(float(r["median_ms"]) / 1000, 4),
            )
            for r in rows["edges"]
            if r["object_type"] == kind
        ]
        edges.sort(key=lambda e: (-e.count, e.source, e.target))
        acts = [
            ObjectActivity(
                activity=str(r["activity"]), events=int(r["events"]), objects=int(r["objects"])
            )
            for r in rows["activities"]
            if r["object_type"] == kind
        ]
        acts.sort(key=lambda a: (-a.events, a.activity))
        f = flat.get(kind, {"events": 0, "relations": 0, "duplicated": 0})
        maps.append(
            ObjectTypeMap(
                object_type=kind,
                objects=declared.get(kind, 0),
                events=int(f["events"]),
                relations=int(f["relations"] or 0),
                duplicated=int(f["duplicated"] or 0),
                activities=acts,
                edges=edges[: query.top] if query.top else edges,
                start=_counts(rows["start"], kind),
                end=_counts(rows["end"], kind),
            )
        )
    nodes = {str(r["activity"]): int(r["events"]) for r in rows["nodes"]}
    unknown_row = rows["unknown_objects"][0] if rows["unknown_objects"] else {"n": 0, "k": 0}
    return ObjectDfgResult(
        log=log,
        events=int(rows["totals"][0]["n"]) if rows["totals"] else 0,
        object_types=maps,
        activities=dict(sorted(nodes.items(), key=lambda kv: (-kv[1], kv[0]))),
        left_out={
            "events without a timestamp": int(rows["untimed"][0]["n"]) if rows["untimed"] else 0,
            "relationships to undeclared objects": int(unknown_row["n"]) - int(unknown_row["k"]),
        },
    )


def _counts(rows: Rows, kind: str) -> dict[str, int]:
    found = {str(r["activity"]): int(r["n"]) for r in rows if r["object_type"] == kind}
    return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


def object_dfg(tables: OcelTables, query: ObjectDfgQuery, log: str) -> ObjectDfgResult:
    """Run the object-centric directly-follows analysis on ``tables`` (executed by their
    backend)."""
    exprs = expressions(tables, query.object_types)
    rows = {name: expr.to_pyarrow().to_pylist() for name, expr in exprs.items()}
    return result(log, query, rows)
