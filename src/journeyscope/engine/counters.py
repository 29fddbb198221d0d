"""How much the engine holds and has to do: the figures of ``journeyscope engine status``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from journeyscope.engine import schema as t
from journeyscope.engine.inbox import pending_count


def counts(conn: Connection) -> dict[str, Any]:
    """Rows per table (``inbox_pending``: not processed yet; ``outbox``: rows per status;
    ``timers_due_next``: the earliest ``wake_at`` of any customer, epoch seconds or None)."""

    def rows(table: Any) -> int:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    outbox = {
        s: int(n)
        for s, n in conn.execute(
            select(t.outbox.c.status, func.count()).group_by(t.outbox.c.status)
        )
    }
    return {
        "inbox": rows(t.inbox),
        "inbox_pending": pending_count(conn),
        "customers": rows(t.customers),
        "timers_due_next": conn.execute(select(func.min(t.customers.c.wake_at))).scalar(),
        "outbox": outbox,
        "dead_letters": rows(t.dead_letters),
        "failed_inputs": rows(t.failed_inputs),
        "engine_events": rows(t.engine_events),
    }
