"""The audit log of operators' actions (engine/audit.py): every action is kept with who,
when, what and whether it succeeded; read back latest first, per journey."""

from __future__ import annotations

from journeyscope.engine import audit
from journeyscope.engine.clock import FakeClock
from journeyscope.engine.store import EngineStore


def test_actions_are_read_back_latest_first_per_journey(sqlite_url: str) -> None:
    clock = FakeClock(100.0)
    with EngineStore(sqlite_url, clock=clock) as store:
        audit.record(store, "ann", "deploy", None, {"journeys": ["apply@1"]}, "deployed")
        clock.advance(60)
        audit.record(store, "olga", "pause", "apply", {}, "paused")
        clock.advance(60)
        audit.record(
            store, "key:ci", "drop", "apply", {"inputs": 3}, "not allowed: missing scope", ok=False
        )
        clock.advance(60)
        audit.record(store, "olga", "pause", "renew", {}, "paused")

        latest = audit.entries(store)
        assert [(e.actor, e.action, e.journey) for e in latest] == [
            ("olga", "pause", "renew"),
            ("key:ci", "drop", "apply"),
            ("olga", "pause", "apply"),
            ("ann", "deploy", None),
        ]
        assert [e.at for e in latest] == [280.0, 220.0, 160.0, 100.0]
        refused = latest[1]
        assert not refused.ok and refused.outcome == "not allowed: missing scope"
        assert refused.detail == {"inputs": 3}
        assert latest[3].detail == {"journeys": ["apply@1"]}

        assert [e.action for e in audit.entries(store, journey="apply")] == ["drop", "pause"]
        assert len(audit.entries(store, limit=2)) == 2


def test_a_long_actor_is_cut_and_odd_details_are_kept_as_text(sqlite_url: str) -> None:
    with EngineStore(sqlite_url, clock=FakeClock(0.0)) as store:
        audit.record(store, "x" * 500, "retry", "apply", {"at": FakeClock}, "retried")
        (entry,) = audit.entries(store)
        assert entry.actor == "x" * 200
        assert entry.detail == {"at": str(FakeClock)}
