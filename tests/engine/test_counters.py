"""``engine status``: what the store holds and what is left to do."""

from __future__ import annotations

from engine_kit import ev, program

from journeyscope.engine.clock import FakeClock
from journeyscope.engine.core.clock import at
from journeyscope.engine.store import EngineStore
from journeyscope.engine.worker import Worker

START = "2025-05-05T09:00:00+00:00"
FLOW = """
journey: apply
version: 1
triggers: [{event: Start}]
steps:
  welcome: {invoke: receipt, next: wait}
  wait: {wait: {duration: 2d}, next: end}
"""


def test_counts_follow_the_work(sqlite_url: str) -> None:
    clock = FakeClock(at(START))
    with EngineStore(sqlite_url, clock=clock) as store:
        empty = store.counts()
        assert empty["inbox"] == empty["customers"] == empty["engine_events"] == 0
        assert empty["outbox"] == {} and empty["timers_due_next"] is None
        store.deploy(program(FLOW))
        store.accept([ev("c1", "Start", START, 1), ev("c2", "Start", START, 2)])
        assert store.counts()["inbox_pending"] == 2
        worker = Worker(store, clock=clock)
        worker.drain()
        worker.close()
        done = store.counts()
    assert (done["inbox"], done["inbox_pending"], done["customers"]) == (2, 0, 2)
    assert done["outbox"] == {"sent": 2}
    assert done["timers_due_next"] == at(START) + 2 * 86_400
    assert done["engine_events"] > 0
    assert (done["dead_letters"], done["failed_inputs"]) == (0, 0)
