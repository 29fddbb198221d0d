"""The audit log of operators' actions on journeys: who, when, what, and the outcome.

Every deploy, pause, resume, migration and dead-letter retry or drop made from the console or
the ``/v1`` API is written here (``audit_log``), whether it succeeded or was refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from journeyscope.engine import schema as t
from journeyscope.engine.store import EngineStore


@dataclass(frozen=True)
class Entry:
    id: int
    at: float
    actor: str
    action: str
    journey: str | None
    detail: dict[str, Any]
    outcome: str
    ok: bool


def record(
    store: EngineStore,
    actor: str,
    action: str,
    journey: str | None,
    detail: dict[str, Any],
    outcome: str,
    *,
    ok: bool = True,
) -> None:
    with store.write() as conn:
        conn.execute(
            insert(t.audit_log),
            {
                "at": store.clock.now(),
                "actor": actor[:200],
                "action": action,
                "journey": journey,
                "detail": json.dumps(detail, sort_keys=True, default=str),
                "outcome": outcome,
                "ok": int(ok),
            },
        )


def entries(store: EngineStore, journey: str | None = None, limit: int = 50) -> list[Entry]:
    """The latest entries first (of ``journey`` when given)."""
    query = select(t.audit_log).order_by(t.audit_log.c.id.desc()).limit(limit)
    if journey is not None:
        query = query.where(t.audit_log.c.journey == journey)
    with store.read() as conn:
        return [
            Entry(
                r.id,
                r.at,
                r.actor,
                r.action,
                r.journey,
                json.loads(r.detail),
                r.outcome,
                bool(r.ok),
            )
            for r in conn.execute(query)
        ]
