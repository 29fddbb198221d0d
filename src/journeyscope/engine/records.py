"""Engine events: the decisions and actions the engine records (:class:`~journeyscope.engine.
core.actions.Record`), in the canonical event model, numbered by ``seq`` so that an export can
resume after the last one it took."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from journeyscope.engine import schema as t
from journeyscope.engine.core.actions import Record
from journeyscope.engine.core.state import dumps

if TYPE_CHECKING:
    from journeyscope.engine.store import EngineStore

COLUMNS = (
    "event_id",
    "customer_id",
    "case_id",
    "timestamp",
    "activity",
    "channel",
    "properties",
)


def record_row(record: Record) -> tuple[Any, ...]:
    """The row of one record (the values of :data:`COLUMNS`)."""
    return (
        record.event_id,
        record.customer_id,
        record.case_id,
        record.at,
        record.activity,
        record.channel,
        dumps(record.properties),
    )


def write(store: EngineStore, conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Store record rows; an ``event_id`` stored before is kept as it was (a batch done again
    after a crash records the same ids)."""
    store.bulk(conn, t.engine_events, COLUMNS, rows, "ON CONFLICT (event_id) DO NOTHING")


def after(conn: Connection, seq: int = 0, limit: int = 10_000) -> list[dict[str, Any]]:
    """Engine events with ``seq`` above ``seq``, oldest first, their properties decoded."""
    rows = conn.execute(
        select(t.engine_events)
        .where(t.engine_events.c.seq > seq)
        .order_by(t.engine_events.c.seq)
        .limit(limit)
    ).mappings()
    return [{**dict(r), "properties": json.loads(r["properties"])} for r in rows]
