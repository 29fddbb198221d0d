"""Delivery attempts are counted across restarts (issue 11, finding 7): a worker that dies
after calling an implementation but before recording it leaves the count behind; the
redelivery carries attempt 2, not 1 again."""

from __future__ import annotations

import time

import engine_kit
from engine_kit import program

from journeyscope.engine.core.actions import Event
from journeyscope.engine.store import EngineStore
from journeyscope.engine.worker import Worker

OBJECTS = """
- {name: note, category: transactional, channel: email,
   implementation: {python: "engine_kit:attempt_impl"}}
"""
NOTE = """
journey: note
version: 1
triggers: [{event: Start}]
steps:
  send: {invoke: note}
"""


def test_a_redelivery_after_a_crash_carries_the_next_attempt_number(sqlite_url: str) -> None:
    engine_kit.ATTEMPTS.clear()
    with EngineStore(sqlite_url) as store:
        store.deploy(program(NOTE, objects=OBJECTS))
        store.accept([Event("e1", "c1", "Start", time.time(), "web", {})])
        crashed = Worker(store, lease_ttl=0.3)
        crashed.refresh_leases()
        crashed.step()  # commits the send and calls the implementation ...
        assert [a for _, a in engine_kit.ATTEMPTS] == [1]
        # ... and dies before recording the outcome: its results are never written
        crashed._results = []
        crashed.dispatcher.close()  # type: ignore[union-attr]
        time.sleep(0.5)  # its leases run out
        restarted = Worker(store, lease_ttl=1.0)
        for _ in range(100):  # takes over the dead worker's partitions as its leases lapse
            restarted.refresh_leases()
            restarted.drain()
            if len(engine_kit.ATTEMPTS) > 1:
                break
            time.sleep(0.1)
        restarted.close()
        assert [a for _, a in engine_kit.ATTEMPTS] == [1, 2]
        (row,) = store.history("c1")["outbox"]
        assert row["status"] == "sent" and row["attempts"] == 2
