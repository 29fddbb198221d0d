"""Replay a recorded history through the durable engine (store and worker), moving a fake
clock from one event or due timer to the next: what the :class:`~journeyscope.engine.Simulator`
does in memory, through the real inbox, transitions, timers and outbox.

Used by the demo to run the synthetic journeys live, and by the tests to check that the
worker decides exactly as the simulator does.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from journeyscope.engine import schema as t
from journeyscope.engine.clock import FakeClock
from journeyscope.engine.core.actions import Event
from journeyscope.engine.store import EngineStore
from journeyscope.engine.worker import Worker


def replay(
    store: EngineStore, worker: Worker, clock: FakeClock, history: Sequence[Event], until: float
) -> int:
    """Accept ``history`` (sorted by time) at its own times and fire every timer due up to
    ``until`` (epoch seconds); returns how many inputs the worker processed."""
    processed, i = 0, 0
    while True:
        with store.read() as conn:
            wake = conn.execute(select(func.min(t.customers.c.wake_at))).scalar()
        times = [
            x for x in (history[i].timestamp if i < len(history) else None, wake) if x is not None
        ]
        if not times or min(times) > until:
            return processed
        now = min(times)
        j = i
        while j < len(history) and history[j].timestamp <= now:
            j += 1
        clock.set(now)
        if j > i:
            store.accept(history[i:j])
        processed += worker.drain()
        i = j
