"""Partition leases: one writer per customer, many workers.

Customers are hashed to a fixed number of partitions (:func:`~journeyscope.engine.partitions.
partition_of`). A worker leases partitions for ``ttl`` seconds and renews them; it aims for
its fair share (``ceil(partitions / live workers)``), giving up extra ones and taking free or
expired ones (on PostgreSQL with ``FOR UPDATE SKIP LOCKED``, so workers do not queue on each
other). A worker that dies stops renewing; after ``ttl`` others take its partitions.

Leases alone could let a slow worker write after its lease expired, so every batch also
*fences*: inside its transaction it locks the rows of the partitions it is about to process
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's write lock covers the whole database) and
keeps only those it still owns. Taking over a partition needs that row lock too, so two
workers never write the same customer at once.

Lease times come from the wall clock (they are about processes, not about journeys).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from sqlalchemy import Connection, func, select

from journeyscope.engine import dialects
from journeyscope.engine import schema as t
from journeyscope.engine.store import EngineStore


class Leases:
    def __init__(self, store: EngineStore, owner: str, ttl: float) -> None:
        self.store = store
        self.owner = owner
        self.ttl = ttl
        self.owned: set[int] = set()
        self.renewed_at = 0.0

    def due(self) -> bool:
        return time.time() - self.renewed_at > self.ttl / 3

    def refresh(self) -> tuple[set[int], set[int]]:
        """Heartbeat, renew, rebalance. Returns (gained, lost) partitions."""
        now = time.time()
        store, owner = self.store, self.owner
        with store.write() as conn:
            stmt = store.insert(t.workers).values(id=owner, heartbeat=now, started_at=now)
            conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_={"heartbeat": now}))
            conn.execute(t.workers.delete().where(t.workers.c.heartbeat < now - 10 * self.ttl))
            live = conn.execute(
                select(func.count())
                .select_from(t.workers)
                .where(t.workers.c.heartbeat > now - self.ttl)
            ).scalar_one()
            target = math.ceil(store.partitions / max(1, live))
            conn.execute(
                t.partitions.update()
                .where(t.partitions.c.owner == owner, t.partitions.c.lease_until >= now)
                .values(lease_until=now + self.ttl)
            )
            mine = sorted(
                conn.execute(
                    select(t.partitions.c.id).where(
                        t.partitions.c.owner == owner, t.partitions.c.lease_until > now
                    )
                ).scalars()
            )
            free: list[int] = []
            if len(mine) > target:
                extra = mine[target:]
                conn.execute(
                    t.partitions.update()
                    .where(t.partitions.c.id.in_(extra))
                    .values(owner=None, lease_until=0.0)
                )
                mine = mine[:target]
            elif len(mine) < target:
                query = (
                    select(t.partitions.c.id)
                    .where(
                        (t.partitions.c.owner.is_(None))
                        | (t.partitions.c.lease_until < now)
                        | (t.partitions.c.owner == owner)
                    )
                    .order_by(t.partitions.c.id)
                    .limit(target - len(mine))
                )
                if mine:
                    query = query.where(t.partitions.c.id.not_in(mine))
                if not store.sqlite:
                    query = query.with_for_update(skip_locked=True)
                free = list(conn.execute(query).scalars())
                if free:
                    conn.execute(
                        t.partitions.update()
                        .where(t.partitions.c.id.in_(free))
                        .values(owner=owner, lease_until=now + self.ttl)
                    )
                mine += free
        new = set(mine)
        # a partition taken back after its lease lapsed may have been written by another
        # worker meanwhile: report it as gained, so that cached states are dropped
        gained, lost = (new - self.owned) | set(free), self.owned - new
        self.owned = new
        self.renewed_at = now
        return gained, lost

    def fence(self, conn: Connection, wanted: Sequence[int]) -> list[int]:
        """Inside a batch transaction: lock ``wanted`` partitions and keep those still ours."""
        if not wanted:
            return []
        on_sqlite = self.store.sqlite
        ids, params = dialects.one_of(on_sqlite, "id", wanted, "int")
        lock = "" if on_sqlite else " FOR UPDATE"
        sql = f"SELECT id FROM partitions WHERE {ids} AND owner = {dialects.mark(on_sqlite)}{lock}"
        return sorted(r[0] for r in conn.exec_driver_sql(sql, (*params, self.owner)))

    def release(self) -> None:
        """Give every partition back (a clean shutdown: others need not wait for the ttl)."""
        with self.store.write() as conn:
            conn.execute(
                t.partitions.update()
                .where(t.partitions.c.owner == self.owner)
                .values(owner=None, lease_until=0.0)
            )
            conn.execute(t.workers.delete().where(t.workers.c.id == self.owner))
        self.owned = set()
