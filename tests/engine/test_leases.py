"""Partition leases: fair shares among live workers, fencing, hand-back, take-over after
the ttl (the wall clock: ttl values here are generous or already past)."""

from __future__ import annotations

import time

from journeyscope.engine import schema as t
from journeyscope.engine.leases import Leases
from journeyscope.engine.store import EngineStore


def test_two_workers_share_the_partitions_without_overlap(database_url: str) -> None:
    with EngineStore(database_url, partitions=8) as store:
        a, b = Leases(store, "a", 60.0), Leases(store, "b", 60.0)
        gained, lost = a.refresh()
        assert gained == set(range(8)) and lost == set()
        b.refresh()  # b is live now, but a still holds everything: b gets nothing yet
        assert b.owned == set()
        _, lost = a.refresh()  # a sees two live workers and gives up half
        assert len(a.owned) == 4 and lost == set(range(8)) - a.owned
        b.refresh()
        assert a.owned.isdisjoint(b.owned) and a.owned | b.owned == set(range(8))


def test_a_fence_keeps_only_the_partitions_still_owned(database_url: str) -> None:
    with EngineStore(database_url, partitions=4) as store:
        a = Leases(store, "a", 60.0)
        a.refresh()
        with store.write() as conn:
            conn.execute(t.partitions.update().where(t.partitions.c.id == 2).values(owner="b"))
        with store.write() as conn:
            assert a.fence(conn, [0, 1, 2, 3]) == [0, 1, 3]
            assert a.fence(conn, []) == []


def test_released_partitions_are_free_at_once(sqlite_url: str) -> None:
    with EngineStore(sqlite_url, partitions=4) as store:
        a, b = Leases(store, "a", 60.0), Leases(store, "b", 60.0)
        a.refresh()
        a.release()
        assert a.owned == set()
        b.refresh()
        assert b.owned == set(range(4))


def test_a_lapsed_lease_is_taken_over_and_reported_as_gained(sqlite_url: str) -> None:
    with EngineStore(sqlite_url, partitions=4) as store:
        dead = Leases(store, "dead", 60.0)
        dead.refresh()
        with store.write() as conn:  # it stopped renewing long ago
            past = time.time() - 3600
            conn.execute(t.partitions.update().values(lease_until=past))
            conn.execute(t.workers.update().values(heartbeat=past))
        alive = Leases(store, "alive", 60.0)
        gained, _ = alive.refresh()
        assert gained == alive.owned == set(range(4))
        assert dead.due() is False and alive.due() is False
