"""The pause switch of whole journeys (engine/journey_controls.py): set and cleared, who set
it and when, and a switch already in the asked position changes nothing."""

from __future__ import annotations

from journeyscope.engine import journey_controls as jc
from journeyscope.engine.clock import FakeClock
from journeyscope.engine.store import EngineStore


def test_pausing_and_resuming_records_who_and_when(sqlite_url: str) -> None:
    clock = FakeClock(50.0)
    with EngineStore(sqlite_url, clock=clock) as store:
        assert jc.paused(store) == frozenset() and jc.controls(store) == {}
        assert jc.set_paused(store, "apply", True, "olga")
        assert jc.set_paused(store, "renew", True, "olga")
        assert jc.paused(store) == {"apply", "renew"}
        clock.advance(hours=1)
        assert jc.set_paused(store, "apply", False, "ann")
        assert jc.paused(store) == {"renew"}
        assert jc.controls(store) == {
            "apply": jc.Control("apply", False, 3650.0, "ann"),
            "renew": jc.Control("renew", True, 50.0, "olga"),
        }
        with store.read() as conn:  # what a worker reads in its batch transaction
            assert jc.paused_in(conn) == {"renew"}


def test_a_switch_already_so_changes_nothing(sqlite_url: str) -> None:
    clock = FakeClock(0.0)
    with EngineStore(sqlite_url, clock=clock) as store:
        assert jc.set_paused(store, "apply", True, "olga")
        clock.advance(10)
        assert not jc.set_paused(store, "apply", True, "ann")
        assert jc.controls(store)["apply"] == jc.Control("apply", True, 0.0, "olga")
        assert jc.set_paused(store, "apply", False, "ann")
        assert not jc.set_paused(store, "apply", False, "olga")
        assert jc.controls(store)["apply"] == jc.Control("apply", False, 10.0, "ann")


def test_resuming_a_journey_never_paused_changes_nothing(sqlite_url: str) -> None:
    with EngineStore(sqlite_url, clock=FakeClock(0.0)) as store:
        assert not jc.set_paused(store, "apply", False, "olga")
        assert jc.controls(store) == {} and jc.paused(store) == frozenset()
