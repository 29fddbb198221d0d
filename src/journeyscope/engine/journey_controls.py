"""The pause switch of whole journeys, in the ``journey_controls`` table.

:func:`paused_in` is what workers read, in every batch's transaction; :func:`set_paused`
flips the switch. What a paused journey does is
:mod:`~journeyscope.engine.core.journey_pause`'s to say.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select, text

from journeyscope.engine import schema as t
from journeyscope.engine.deployments import PROGRAM_CHANNEL
from journeyscope.engine.store import EngineStore


@dataclass(frozen=True)
class Control:
    journey: str
    paused: bool
    changed_at: float
    changed_by: str


def paused(store: EngineStore) -> frozenset[str]:
    """The journeys paused now."""
    with store.read() as conn:
        return paused_in(conn)


def paused_in(conn: Connection) -> frozenset[str]:
    """The journeys paused, as ``conn`` sees them. Workers read it in each batch's
    transaction *after* reading the inbox: the switch is committed before the console sends
    its pause (or resume) commands, so a batch that sees those commands sees the switch too."""
    rows = conn.exec_driver_sql("SELECT journey FROM journey_controls WHERE paused = 1")
    return frozenset(r[0] for r in rows)


def controls(store: EngineStore) -> dict[str, Control]:
    """Every journey whose switch was ever set, with who set it last and when."""
    with store.read() as conn:
        return {
            r.journey: Control(r.journey, bool(r.paused), r.changed_at, r.changed_by)
            for r in conn.execute(select(t.journey_controls))
        }


def set_paused(store: EngineStore, journey: str, pause: bool, actor: str) -> bool:
    """Pause (or resume) ``journey``; ``False`` when it already was so (nothing changed): a
    journey whose switch was never set is running, so resuming it changes nothing."""
    now = store.clock.now()
    with store.write() as conn:
        was = conn.execute(
            select(t.journey_controls.c.paused).where(t.journey_controls.c.journey == journey)
        ).scalar()
        if bool(was) == pause:  # no row (None): never paused, so running
            return False
        values = {"paused": int(pause), "changed_at": now, "changed_by": actor}
        stmt = store.insert(t.journey_controls).values(journey=journey, **values)
        conn.execute(stmt.on_conflict_do_update(index_elements=["journey"], set_=values))
        if not store.sqlite:
            conn.execute(text("SELECT pg_notify(:c, '')"), {"c": PROGRAM_CHANNEL})
    return True
