"""Three workers on PostgreSQL: partitions rebalance when a worker joins and when one dies,
and a kill -9 while a poison input is in flight loses nothing and does nothing twice."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

import pytest
from engine_kit import Receiver, WorkerProcess, wait_until
from sqlalchemy import func, select
from test_crash import CUSTOMERS, EACH, POISON_ACK, ack_program, burst, counts

from journeyscope.engine import schema as t
from journeyscope.engine.core.actions import Event
from journeyscope.engine.partitions import DEFAULT_PARTITIONS
from journeyscope.engine.store import EngineStore

pytestmark = pytest.mark.slow


def shares(store: EngineStore) -> Counter[str]:
    """Partitions per live owner (lease not expired)."""
    with store.read() as conn:
        rows = conn.execute(
            select(t.partitions.c.owner).where(
                t.partitions.c.owner.is_not(None), t.partitions.c.lease_until > time.time()
            )
        ).scalars()
        return Counter(rows)


def fair(store: EngineStore, owners: set[str]) -> bool | tuple[tuple[str, int], ...]:
    """True when exactly ``owners`` hold every partition, none more than its fair share."""
    now = shares(store)
    most = -(-DEFAULT_PARTITIONS // len(owners))
    if set(now) == owners and sum(now.values()) == DEFAULT_PARTITIONS and max(now.values()) <= most:
        return True
    return tuple(sorted(now.items()))


def test_workers_that_join_get_their_share_and_a_dead_ones_share_is_spread(
    postgres_url: str, spawn: Callable[..., WorkerProcess]
) -> None:
    with EngineStore(postgres_url) as store:
        store.deploy(ack_program("http://127.0.0.1:9/unused"))  # type: ignore[arg-type]
        a = spawn(postgres_url, "a", lease_ttl=2.0)
        wait_until(lambda: fair(store, {"a"}), [a], "one worker takes every partition")
        b = spawn(postgres_url, "b", lease_ttl=2.0)
        c = spawn(postgres_url, "c", lease_ttl=2.0)
        # the first gives up what exceeds its fair share; the newcomers take it
        wait_until(lambda: fair(store, {"a", "b", "c"}), [a, b, c], "rebalance on join")
        b.kill()  # no hand-back: its leases must run out
        wait_until(lambda: fair(store, {"a", "c"}), [a, c], "rebalance on death")
        assert a.stop() == 0, a.output()
        assert c.stop() == 0, c.output()


def test_three_workers_one_killed_with_a_poison_input_in_flight(
    postgres_url: str, spawn: Callable[..., WorkerProcess]
) -> None:
    """A poison event sits among the burst; one of three workers is killed with SIGKILL in the
    middle of it and a fresh one joins. Afterwards every good event was processed once, in
    each customer's order, every action delivered once, the poison is a dead letter once, and
    both survivors did a share of the work, and
    the newcomer then holds its fair share of the partitions."""
    receiver = Receiver()
    try:
        with EngineStore(postgres_url) as store:
            store.deploy(ack_program(receiver.url, POISON_ACK))  # type: ignore[arg-type]
            batches = burst()
            workers = {n: spawn(postgres_url, n, lease_ttl=2.0) for n in ("w1", "w2", "w3")}
            wait_until(lambda: fair(store, set(workers)), list(workers.values()), "leases")
            poison = Event("poison-1", "c7", "Ping", batches[0][0].timestamp, "api", {"n": "x"})
            store.accept([poison])
            half = len(batches) // 2
            for batch in batches[:half]:
                store.accept(batch)
            live = list(workers.values())
            wait_until(lambda: counts(store)[0] >= 400 or counts(store), live, "a third")
            workers["w2"].kill()
            for batch in batches[half:]:
                store.accept(batch)
            w4 = spawn(postgres_url, "w4", lease_ttl=2.0)
            running = [workers["w1"], workers["w3"], w4]
            total = CUSTOMERS * EACH
            wait_until(
                lambda: counts(store) == (total + 1, total) or counts(store), running, "recovery"
            )
            # the newcomer gets its share even if the backlog was gone before it started
            wait_until(lambda: fair(store, {"w1", "w3", "w4"}), running, "rebalance")
            outputs = {}
            for name, proc in (("w1", workers["w1"]), ("w3", workers["w3"]), ("w4", w4)):
                assert proc.stop() == 0, proc.output()
                outputs[name] = proc.output()
            with store.read() as conn:
                failed = conn.execute(select(t.failed_inputs.c.event_id)).scalars().all()
                inbox = conn.execute(
                    select(t.inbox.c.customer_id, t.inbox.c.applied, t.inbox.c.event_id)
                    .where(t.inbox.c.event_id != "poison-1")
                    .order_by(t.inbox.c.seq)
                ).all()
                outbox = conn.execute(
                    select(func.count()).select_from(t.outbox).where(t.outbox.c.status == "sent")
                ).scalar_one()
            assert failed == ["poison-1"]
            applied: dict[str, list[int]] = {}
            for customer, n, _ in inbox:
                applied.setdefault(customer, []).append(n)
            # c7's poison was applied as nothing: its good events still count 1..EACH in order
            assert all(ns == list(range(1, EACH + 1)) for ns in applied.values())
            assert outbox == total
            assert len(receiver.effects) == total  # every action took effect once
            assert {e["payload"]["event_id"] for e in receiver.effects.values()} == {
                row.event_id for row in inbox
            }
            done = {
                name: int(o.rsplit("stopped: ", 1)[1].split(" inputs")[0].replace(",", ""))
                for name, o in outputs.items()
            }
            # the two that lived through the burst both worked (the newcomer may have come
            # after the backlog was gone: that it took its share is checked above)
            assert done["w1"] > 0 and done["w3"] > 0, outputs
    finally:
        receiver.close()
