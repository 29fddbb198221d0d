"""The OCEL 2.0 reader (JSON, or XML through :mod:`~journeyscope.events.ocelxml`): flatten an
object-centric log onto one case notion.

Choosing the case is explicit: ``object_type`` names the object type whose objects are the
cases; a log with one object type needs no choice, and ``"*"`` makes every related object a
case (an event related to three objects then appears three times; the notes say how many
events flattening duplicated). The case object's attributes become case attributes
(``case:<name>``, the value in force at the event's time) and its object-to-object links are
kept as ``case:related_objects`` (JSON, ``[{"objectId": ..., "qualifier": ...}]``).

A malformed event (no id, attributes without a name, relationships that are not a list...)
is a row quarantined with the reason; the file is refused only when it is not JSON, is not
an OCEL object at the top, or has no list of events.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from journeyscope.errors import InputFormatError
from journeyscope.events.rawio import ERROR, HIDDEN, ROW, ReadNotes

EVERY_OBJECT = "*"


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _when(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


class _Object:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.type = _text(raw.get("type"))
        self.attributes: list[tuple[datetime | None, str, object]] = []
        for a in raw.get("attributes") or []:
            if isinstance(a, dict) and isinstance(a.get("name"), str):
                self.attributes.append((_when(a.get("time")), a["name"], a.get("value")))
        links = raw.get("relationships") or []
        self.links = [
            {"objectId": _text(r.get("objectId")), "qualifier": _text(r.get("qualifier"))}
            for r in (links if isinstance(links, list) else [])
            if isinstance(r, dict)
        ]

    def attributes_at(self, moment: datetime | None) -> dict[str, str | None]:
        """Each attribute's latest value at ``moment`` (its first value when none is dated)."""
        chosen: dict[str, tuple[datetime | None, object]] = {}
        for when, name, value in self.attributes:
            if name not in chosen:
                chosen[name] = (when, value)
                continue
            if moment is None or when is None:
                continue
            best = chosen[name][0]
            try:
                if when <= moment and (best is None or best > moment or when >= best):
                    chosen[name] = (when, value)
            except TypeError:
                continue
        return {f"case:{name}": _text(value) for name, (_, value) in chosen.items()}


XML_SUFFIXES = (".xmlocel", ".xml")


def load_log(path: Path) -> dict[str, Any]:
    """The OCEL 2.0 log at ``path`` in the JSON layout (``objectTypes``, ``eventTypes``,
    ``objects``, ``events``): a ``.xmlocel``/``.xml`` file, or a file whose first character is
    ``<``, is read as XML, anything else as JSON. A file that is neither is a clear error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputFormatError(f"{path}: cannot read: {exc}") from exc
    if path.suffix.lower() in XML_SUFFIXES or raw.lstrip()[:1] == b"<":
        from journeyscope.events.ocelxml import parse_xml

        return parse_xml(raw, str(path))
    return _load(path, raw)


def _load(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8")
        data = json.loads(text)
    except UnicodeDecodeError as exc:
        raise InputFormatError(f"{path}: not UTF-8 text: {exc.reason}") from exc
    except json.JSONDecodeError as exc:
        raise InputFormatError(
            f"{path}:{exc.lineno}: not an OCEL 2.0 JSON log: {exc.msg} (column {exc.colno})"
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise InputFormatError(f"{path}: not an OCEL 2.0 JSON log: {exc}") from exc
    if not isinstance(data, dict):
        raise InputFormatError(
            f"{path}: not an OCEL 2.0 JSON log: the top level is a {type(data).__name__}, "
            "expected an object with 'objects' and 'events'"
        )
    if not isinstance(data.get("events"), list):
        found = "missing" if "events" not in data else f"a {type(data['events']).__name__}"
        raise InputFormatError(
            f"{path}: not an OCEL 2.0 JSON log: 'events' is {found}, expected a list of events"
        )
    return data


def _event_problem(event: object) -> str | None:
    if not isinstance(event, dict):
        return f"the event is a {type(event).__name__}, not an object"
    if not isinstance(event.get("id"), (str, int)) or isinstance(event.get("id"), bool):
        return "the event has no id"
    for part in ("attributes", "relationships"):
        value = event.get(part, [])
        if value is not None and not isinstance(value, list):
            return f"'{part}' is a {type(value).__name__}, not a list"
        for item in value or []:
            if not isinstance(item, dict):
                return f"an entry of '{part}' is a {type(item).__name__}, not an object"
    for a in event.get("attributes") or []:
        if not isinstance(a.get("name"), str):
            return "an attribute has no name"
    for r in event.get("relationships") or []:
        if r.get("objectId") is None:
            return "a relationship has no objectId"
    return None


def valid_events(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The events of a loaded log that the flattening keeps (the others are quarantined)."""
    return [e for e in data["events"] if _event_problem(e) is None]


def read_ocel(
    path: Path, object_type: str | None = None, notes: ReadNotes | None = None
) -> pa.Table:
    """One row per (event, related case object); see the module docstring.

    ``event_id`` is ``<ocel event id>@<object id>``; an event related to no case object keeps
    its bare id and no case, and is quarantined as belonging to nobody, not dropped. The
    file is read whole (OCEL JSON has no streaming layout).
    """
    notes = notes if notes is not None else ReadNotes()
    data = load_log(path)
    objects: dict[str, _Object] = {}
    raw_objects = data.get("objects")
    for raw in raw_objects if isinstance(raw_objects, list) else []:
        if isinstance(raw, dict) and isinstance(raw.get("id"), (str, int)):
            objects[str(raw["id"])] = _Object(raw)
    types = Counter(o.type for o in objects.values() if o.type is not None)
    if object_type is None:
        if len(types) > 1:
            listed = ", ".join(f"{t!r} ({n:,} objects)" for t, n in types.most_common())
            raise InputFormatError(
                f"{path}: an OCEL log with several object types; choose which is the case with "
                f"--object-type (object types: {listed}), or --object-type '{EVERY_OBJECT}' to "
                "make every related object a case"
            )
        object_type = next(iter(types), EVERY_OBJECT)
    elif object_type != EVERY_OBJECT and object_type not in types:
        raise InputFormatError(
            f"{path}: no objects of type {object_type!r} (object types: "
            f"{', '.join(sorted(map(str, types))) or 'none'})"
        )
    rows: list[dict[str, object]] = []
    events = data["events"]
    duplicated = 0
    for event in events:
        problem = _event_problem(event)
        if problem is not None:
            ident = _text(event.get("id")) if isinstance(event, dict) else None
            rows.append({"event_id": ident, ERROR: problem, ROW: len(rows) + 1})
            continue
        rows_before = len(rows)
        _flatten(event, objects, object_type, rows)
        duplicated += len(rows) - rows_before > 1
    if duplicated:
        notes.messages.append(
            f"flattening on {'every object' if object_type == EVERY_OBJECT else repr(object_type)}: "
            f"{duplicated:,} of {len(events):,} events are related to several case objects and "
            f"were stored once per object ({len(rows):,} rows from {len(events):,} events)"
        )
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    keys.setdefault(ERROR, None)
    return pa.table(
        {
            k: pa.array([r.get(k) for r in rows], pa.int64() if k == ROW else pa.string())
            for k in keys
        }
    )


def _flatten(
    event: dict[str, Any],
    objects: dict[str, _Object],
    object_type: str,
    rows: list[dict[str, object]],
) -> None:
    attributes = {
        (f"ocel:{a['name']}" if a["name"] in HIDDEN else a["name"]): _text(a.get("value"))
        for a in event.get("attributes") or []
    }
    # an object listed twice (with two qualifiers) is one case of the event, not two rows
    qualifiers: dict[str, list[str]] = {}
    for r in event.get("relationships") or []:
        linked = str(r["objectId"])
        if object_type == EVERY_OBJECT or objects.get(linked, _NONE).type == object_type:
            known = qualifiers.setdefault(linked, [])
            q = _text(r.get("qualifier"))
            if q is not None and q not in known:
                known.append(q)
    moment = _when(event.get("time"))
    base = {
        **attributes,
        "concept:name": _text(event.get("type")),
        "time:timestamp": _text(event.get("time")),
    }
    related: list[tuple[str | None, list[str]]] = list(qualifiers.items()) or [(None, [])]
    for oid, said in related:
        case = objects.get(oid) if oid is not None else None
        rows.append(
            {
                **(case.attributes_at(moment) if case else {}),
                **base,
                "event_id": str(event["id"]) + ("" if oid is None else f"@{oid}"),
                "case:concept:name": oid,
                "object_type": None if case is None else case.type,
                "qualifier": ", ".join(said) or None,
                "case:related_objects": None
                if not case or not case.links
                else json.dumps(case.links, ensure_ascii=False),
                ROW: len(rows) + 1,
            }
        )


_NONE = _Object({})
