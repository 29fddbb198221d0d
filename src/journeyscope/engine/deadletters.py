"""Failed inputs: an inbox item or a timer turn whose handling raised goes here, and the worker
goes on with the next one.

The worker applies each item in its own guard (:meth:`Worker._apply`): when the transition,
or turning its result into rows, raises, the customer's state stays as it was before the item,
the inbox row is marked processed (so it never blocks the partition again) and a row in
``failed_inputs`` keeps the error. A timer turn that raises parks the customer's timers
(``wake_at`` NULL) until the failure is retried. Other customers never wait on it; the
customer's own later inputs are applied to the state before the failed one.

:func:`listing`, :func:`retry` and :func:`drop` are what ``journeyscope engine dead-letters``
and ``/v1/dead-letters`` call. A retried input is pending in the inbox again and is applied to
the customer's state as it is then; a retried timer turn is due at once.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, insert, select, text, update

from journeyscope.engine import schema as t
from journeyscope.engine.inbox import NOTIFY_CHANNEL
from journeyscope.errors import EngineStoreError

if TYPE_CHECKING:
    from journeyscope.engine.store import EngineStore

MAX_ERROR = 4_000  # characters of the error kept


@dataclass(frozen=True)
class Failure:
    """One failed input, before it is written."""

    inbox_seq: int | None
    event_id: str | None
    customer_id: str
    partition: int
    kind: str
    error: str


def describe(exc: BaseException) -> str:
    """The error as the operator needs it: type, message and where it was raised (the last
    frames of the traceback, file names without their folders)."""
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames[::-1])
    text = f"{type(exc).__name__}: {exc}"
    return (f"{text} (at {where})" if where else text)[:MAX_ERROR]


def write(conn: Connection, failures: list[Failure], now: float, worker: str) -> None:
    if failures:
        conn.execute(
            insert(t.failed_inputs),
            [
                {
                    "inbox_seq": f.inbox_seq,
                    "event_id": f.event_id,
                    "customer_id": f.customer_id,
                    "partition": f.partition,
                    "kind": f.kind,
                    "error": f.error,
                    "failed_at": now,
                    "worker": worker,
                }
                for f in failures
            ],
        )


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(t.failed_inputs)).scalar_one())


def listing(
    store: EngineStore, *, customer_id: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Failed inputs, oldest first, each with the body of its inbox row."""
    query = (
        select(t.failed_inputs, t.inbox.c.body, t.inbox.c.event_time)
        .select_from(
            t.failed_inputs.outerjoin(t.inbox, t.inbox.c.seq == t.failed_inputs.c.inbox_seq)
        )
        .order_by(t.failed_inputs.c.id)
        .limit(limit)
    )
    if customer_id is not None:
        query = query.where(t.failed_inputs.c.customer_id == customer_id)
    with store.read() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def _rows(conn: Connection, ids: list[int] | None) -> list[Any]:
    query = select(t.failed_inputs)
    if ids is not None:
        query = query.where(t.failed_inputs.c.id.in_(ids))
    found = list(conn.execute(query))
    if ids is not None:
        missing = sorted(set(ids) - {r.id for r in found})
        if missing:
            raise EngineStoreError(f"no failed input with id {', '.join(map(str, missing))}")
    return found


def retry(store: EngineStore, ids: list[int] | None = None) -> int:
    """Hand failed inputs (``None``: all) to the workers again; returns how many."""
    now = store.clock.now()
    with store.write() as conn:
        rows = _rows(conn, ids)
        seqs = [r.inbox_seq for r in rows if r.inbox_seq is not None]
        if seqs:
            conn.execute(
                update(t.inbox)
                .where(t.inbox.c.seq.in_(seqs))
                .values(processed_at=None, applied=None)
            )
        timers = sorted({r.customer_id for r in rows if r.inbox_seq is None})
        if timers:
            conn.execute(
                update(t.customers).where(t.customers.c.customer_id.in_(timers)).values(wake_at=now)
            )
        conn.execute(delete(t.failed_inputs).where(t.failed_inputs.c.id.in_([r.id for r in rows])))
        if not store.sqlite:
            conn.execute(text("SELECT pg_notify(:c, '')"), {"c": NOTIFY_CHANNEL})
    return len(rows)


def drop(store: EngineStore, ids: list[int] | None = None) -> int:
    """Forget failed inputs (``None``: all): they stay processed and are not applied."""
    with store.write() as conn:
        rows = _rows(conn, ids)
        conn.execute(delete(t.failed_inputs).where(t.failed_inputs.c.id.in_([r.id for r in rows])))
    return len(rows)
