"""The inbox: every event and command accepted, durably, once; the worker's queue.

Accepting is one transaction per batch: :func:`accept` returns once the rows are committed,
and an ``event_id`` seen before is counted as a duplicate and not stored again. On PostgreSQL
the same transaction notifies the workers (``LISTEN journeyscope_inbox``). A worker reads the
pending rows of its partitions in ``seq`` order and marks them processed in the transaction
that applies them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select, text

from journeyscope.engine import dialects
from journeyscope.engine import schema as t
from journeyscope.engine.core.actions import Command, Event
from journeyscope.engine.core.state import dumps
from journeyscope.engine.partitions import partition_of
from journeyscope.errors import EngineStoreError

if TYPE_CHECKING:
    from journeyscope.engine.store import EngineStore

NOTIFY_CHANNEL = "journeyscope_inbox"

#: Ids that start with one of these belong to commands; events may not use them.
COMMAND_PREFIXES = ("cmd:", "migrate:")

COLUMNS = (
    "event_id",
    "customer_id",
    "partition",
    "kind",
    "event_time",
    "body",
    "accepted_at",
)


@dataclass(frozen=True)
class AcceptReport:
    """What one accept did: rows stored, and items whose id was there already."""

    accepted: int
    duplicates: int


def command_id(customer_id: str, key: str) -> str:
    """The id of a command sent with an ``Idempotency-Key``: a hash over the length-prefixed
    pair, so ``("a:b", "c")`` and ``("a", "b:c")`` never meet."""
    pair = f"{len(customer_id)}:{customer_id}{len(key)}:{key}".encode()
    return "cmd:" + hashlib.sha256(pair).hexdigest()[:40]


def item_row(item: Event | Command, partitions: int, accepted_at: float) -> tuple[Any, ...]:
    """The inbox row of one event or command (the values of :data:`COLUMNS`)."""
    if isinstance(item, Event):
        if item.event_id.startswith(COMMAND_PREFIXES):
            raise EngineStoreError(
                f"event id {item.event_id[:60]!r}: ids starting with "
                f"{' or '.join(COMMAND_PREFIXES)} are reserved for commands"
            )
        body = {
            "activity": item.activity,
            "channel": item.channel,
            "properties": dict(item.properties),
        }
        kind = "event"
    else:
        body = {"kind": item.kind, "args": dict(item.args)}
        kind = "command"
    return (
        item.event_id,
        item.customer_id,
        partition_of(item.customer_id, partitions),
        kind,
        item.timestamp,
        dumps(body),
        accepted_at,
    )


def row_item(
    event_id: str, customer_id: str, kind: str, event_time: float, body: str
) -> Event | Command:
    """The event or command an inbox row holds (the inverse of :func:`item_row`)."""
    data = json.loads(body)
    if kind == "event":
        return Event(
            event_id, customer_id, data["activity"], event_time, data["channel"], data["properties"]
        )
    return Command(event_id, customer_id, data["kind"], event_time, data["args"])


def rows_of(items: Sequence[Event | Command], partitions: int, now: float) -> list[tuple[Any, ...]]:
    """Inbox rows for ``items``, the first of each event id only."""
    seen: set[str] = set()
    rows = []
    for item in items:
        if item.event_id not in seen:
            seen.add(item.event_id)
            rows.append(item_row(item, partitions, now))
    return rows


def insert_rows(
    store: EngineStore, conn: Connection, rows: list[tuple[Any, ...]], given: int
) -> AcceptReport:
    """Insert inbox rows (of ``given`` items); ids already there count as duplicates."""
    added = store.bulk(conn, t.inbox, COLUMNS, rows, "ON CONFLICT (event_id) DO NOTHING")
    if added and not store.sqlite:
        conn.execute(text("SELECT pg_notify(:c, '')"), {"c": NOTIFY_CHANNEL})
    return AcceptReport(added, given - added)


def entry(conn: Connection, event_id: str) -> tuple[str, str, str] | None:
    """``(customer_id, kind, body)`` of the inbox row with ``event_id``, if there is one."""
    row = conn.execute(
        select(t.inbox.c.customer_id, t.inbox.c.kind, t.inbox.c.body).where(
            t.inbox.c.event_id == event_id
        )
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def pending_count(conn: Connection) -> int:
    """Rows not processed yet (of every partition)."""
    return int(
        conn.execute(
            select(func.count()).select_from(t.inbox).where(t.inbox.c.processed_at.is_(None))
        ).scalar_one()
    )


def pending(
    conn: Connection, partitions: Sequence[int], limit: int
) -> list[tuple[int, str, str, str, float, str]]:
    """Up to ``limit`` unprocessed rows of ``partitions``, oldest first:
    ``(seq, event_id, customer_id, kind, event_time, body)``."""
    on_sqlite = dialects.on_sqlite(conn)
    parts, params = dialects.one_of(on_sqlite, "partition", partitions, "int")
    rows = conn.exec_driver_sql(
        "SELECT seq, event_id, customer_id, kind, event_time, body FROM inbox "
        f"WHERE processed_at IS NULL AND {parts} ORDER BY seq LIMIT {dialects.mark(on_sqlite)}",
        (*params, limit),
    )
    return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


def mark_processed(
    store: EngineStore, conn: Connection, rows: Sequence[tuple[float, int, int]]
) -> None:
    """Inbox rows ``(processed_at, applied, seq)`` are done (``applied``: the customer's
    count of applied inputs after this one)."""
    if not rows:
        return
    if store.sqlite:
        conn.exec_driver_sql(
            "UPDATE inbox SET processed_at = ?, applied = ? WHERE seq = ?", list(rows)
        )
        return
    at, applied, seqs = zip(*rows, strict=True)
    conn.exec_driver_sql(
        "UPDATE inbox SET processed_at = u.p, applied = u.a "
        "FROM unnest(%s::float8[], %s::int[], %s::bigint[]) AS u(p, a, s) WHERE inbox.seq = u.s",
        (list(at), list(applied), list(seqs)),
    )


def set_aside(conn: Connection, seqs: Sequence[int], now: float) -> None:
    """Rows moved to the failed inputs: processed, not applied."""
    if seqs:
        conn.execute(t.inbox.update().where(t.inbox.c.seq.in_(list(seqs))).values(processed_at=now))
