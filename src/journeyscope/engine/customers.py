"""Customer states: one row per customer with its state (JSON), partition and earliest timer
(``wake_at``), written by the worker that holds the partition; and what a customer did and
was sent, for the API and the console."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from journeyscope.engine import dialects
from journeyscope.engine import schema as t
from journeyscope.engine.core.state import CustomerState

if TYPE_CHECKING:
    from journeyscope.engine.store import EngineStore

COLUMNS = ("customer_id", "partition", "state", "wake_at", "updated_at")
UPSERT = (
    "ON CONFLICT (customer_id) DO UPDATE SET state = excluded.state, "
    "wake_at = excluded.wake_at, updated_at = excluded.updated_at"
)
CHUNK = 500  # ids per IN (…) list


def state(conn: Connection, customer_id: str) -> CustomerState | None:
    raw = conn.execute(
        select(t.customers.c.state).where(t.customers.c.customer_id == customer_id)
    ).scalar()
    return CustomerState.from_json(raw) if raw else None


def states(conn: Connection, customer_ids: Iterable[str]) -> dict[str, CustomerState]:
    """The stored states of ``customer_ids`` (those without one are left out)."""
    wanted = list(customer_ids)
    found: dict[str, CustomerState] = {}
    for i in range(0, len(wanted), CHUNK):
        for customer_id, stored in conn.execute(
            select(t.customers.c.customer_id, t.customers.c.state).where(
                t.customers.c.customer_id.in_(wanted[i : i + CHUNK])
            )
        ):
            found[customer_id] = CustomerState.from_json(stored)
    return found


def due(conn: Connection, partitions: Sequence[int], now: float, limit: int) -> list[str]:
    """Up to ``limit`` customers of ``partitions`` whose earliest timer is due at ``now``,
    the longest overdue first."""
    sqlite = dialects.on_sqlite(conn)
    parts, params = dialects.one_of(sqlite, "partition", partitions, "int")
    mark = dialects.mark(sqlite)
    rows = conn.exec_driver_sql(
        f"SELECT customer_id FROM customers WHERE {parts} AND wake_at <= {mark} "
        f"ORDER BY wake_at LIMIT {mark}",
        (*params, now, limit),
    )
    return [r[0] for r in rows]


def save(
    store: EngineStore,
    conn: Connection,
    rows: Sequence[tuple[str, int, str, float | None, float]],
) -> None:
    """Insert or replace states: rows ``(customer_id, partition, state JSON, wake_at,
    updated_at)``."""
    store.bulk(conn, t.customers, COLUMNS, rows, UPSERT)


def park(conn: Connection, customer_ids: Sequence[str]) -> None:
    """Stop the timers of ``customer_ids`` (their timer turn failed: a dead letter now)."""
    if customer_ids:
        conn.execute(
            t.customers.update()
            .where(t.customers.c.customer_id.in_(list(customer_ids)))
            .values(wake_at=None)
        )


def in_journey(conn: Connection, journey: str, version: int | None = None) -> list[str]:
    """Customers with a running instance of ``journey`` (of ``version`` if given)."""
    pattern = f'%"journey":"{journey}"%'
    found = []
    rows = conn.execute(
        select(t.customers.c.customer_id, t.customers.c.state).where(
            t.customers.c.state.like(pattern)
        )
    )
    for customer_id, raw in rows:
        inst = CustomerState.from_json(raw).instances.get(journey)
        if inst is not None and (version is None or inst.version == version):
            found.append(customer_id)
    return sorted(found)


def history(
    conn: Connection, customer_id: str, limit: int = 500
) -> dict[str, list[dict[str, Any]]]:
    """What the customer did (inbox), what the engine did (engine events), what was sent:
    the last ``limit`` of each, oldest first."""
    inbox = conn.execute(
        select(t.inbox)
        .where(t.inbox.c.customer_id == customer_id)
        .order_by(t.inbox.c.seq.desc())
        .limit(limit)
    ).mappings()
    inputs = [{**dict(r), "body": json.loads(r["body"])} for r in inbox][::-1]
    events = conn.execute(
        select(t.engine_events)
        .where(t.engine_events.c.customer_id == customer_id)
        .order_by(t.engine_events.c.seq.desc())
        .limit(limit)
    ).mappings()
    actions = [{**dict(r), "properties": json.loads(r["properties"])} for r in events][::-1]
    sent = conn.execute(
        select(t.outbox)
        .where(t.outbox.c.customer_id == customer_id)
        .order_by(t.outbox.c.id.desc())
        .limit(limit)
    ).mappings()
    outbox = [{**dict(r), "payload": json.loads(r["payload"])} for r in sent][::-1]
    return {"inputs": inputs, "engine_events": actions, "outbox": outbox}
