"""A tiny object-centric log with hand-computed answers, shared by the OCEL tests.

Orders o1, o2 and items i1, i2, i3 (o1 contains i1 and i2, o2 contains i3). ``e9`` has a time
without an offset (no usable timestamp) and ``e8`` also names an object the log does not
declare; ``e3b`` has the same time as ``e3`` and comes first in the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _rel(*ids: str) -> list[dict[str, str]]:
    return [{"objectId": i, "qualifier": "item" if i.startswith("i") else "order"} for i in ids]


def _ev(eid: str, kind: str, hhmm: str, *ids: str, **attrs: object) -> dict[str, Any]:
    return {
        "id": eid,
        "type": kind,
        "time": f"2024-03-01T{hhmm}:00Z",
        "attributes": [{"name": k, "value": v} for k, v in attrs.items()],
        "relationships": _rel(*ids),
    }


TINY: dict[str, Any] = {
    "objectTypes": [
        {"name": "Order", "attributes": [{"name": "value", "type": "float"}]},
        {"name": "Item", "attributes": [{"name": "weight", "type": "integer"}]},
    ],
    "eventTypes": [
        {"name": "Place", "attributes": [{"name": "clerk", "type": "string"}]},
        {"name": "Check", "attributes": []},
        {"name": "Pick", "attributes": []},
        {"name": "Ship", "attributes": [{"name": "express", "type": "boolean"}]},
        {"name": "Pay", "attributes": []},
        {"name": "Note", "attributes": []},
    ],
    "objects": [
        {
            "id": "o1",
            "type": "Order",
            "attributes": [
                {"name": "value", "time": "1970-01-01T00:00:00Z", "value": 10.5},
                {"name": "value", "time": "2024-03-01T12:10:00Z", "value": 12.0},
            ],
            "relationships": [
                {"objectId": "i1", "qualifier": "contains"},
                {"objectId": "i2", "qualifier": "contains"},
            ],
        },
        {"id": "o2", "type": "Order", "attributes": [], "relationships": _rel("i3")},
        {"id": "i1", "type": "Item", "attributes": [{"name": "weight", "value": 3}]},
        {"id": "i2", "type": "Item", "attributes": [{"name": "weight", "value": 5}]},
        {"id": "i3", "type": "Item", "attributes": []},
    ],
    "events": [
        _ev("e1", "Place", "10:00", "o1", "i1", "i2", clerk="Ann"),
        _ev("e2", "Place", "10:05", "o2", "i3", clerk="Bo"),
        _ev("e3b", "Check", "11:00", "i1"),
        _ev("e3", "Pick", "11:00", "i1"),
        _ev("e4", "Pick", "11:00", "i2"),
        _ev("e5", "Pick", "11:25", "i3"),
        _ev("e6", "Ship", "12:00", "o1", "i1", "i2", express=True),
        _ev("e7", "Ship", "12:30", "o2", "i3", express=False),
        _ev("e8", "Pay", "13:00", "o1", "ghost"),
        {**_ev("e9", "Note", "09:00", "o1"), "time": "2024-03-01T09:00:00"},
    ],
}

# (source, target) -> (count, event pairs, objects, median seconds), by hand
ORDER_EDGES = {
    ("Place", "Ship"): (2, 2, 2, 7950.0),  # 120 and 145 minutes
    ("Ship", "Pay"): (1, 1, 1, 3600.0),
}
ITEM_EDGES = {
    ("Place", "Check"): (1, 1, 1, 3600.0),
    ("Check", "Pick"): (1, 1, 1, 0.0),
    ("Place", "Pick"): (2, 2, 2, 4200.0),  # 60 and 80 minutes
    ("Pick", "Ship"): (3, 3, 3, 3600.0),  # 60, 60 and 65 minutes
}


def write(folder: Path, name: str = "tiny.jsonocel", data: dict[str, Any] | None = None) -> Path:
    path = folder / name
    path.write_text(json.dumps(TINY if data is None else data))
    return path
