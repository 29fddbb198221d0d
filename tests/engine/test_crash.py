"""Exactly-once under crashes: a worker is killed with SIGKILL in the middle of a burst (from
outside at a random moment, and from inside at the worst moments: right after a commit,
right after delivering but before recording it). After a restart every accepted event is
processed exactly once, in order, and every action is delivered, its effect applied once."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from engine_kit import Receiver, WorkerProcess, program, wait_until
from sqlalchemy import func, select

from journeyscope.engine import schema as t
from journeyscope.engine.core.actions import Event
from journeyscope.engine.store import EngineStore

pytestmark = pytest.mark.slow

CUSTOMERS, EACH = 150, 12

ACK = """
journey: ack
re_entry: anytime
triggers: [{event: Ping}]
steps:
  ack:
    invoke: ack
    input: {event_id: "event.event_id"}
"""


def ack_program(url: str, journey: str = ACK) -> object:
    objects = f"""
- name: ack
  category: transactional
  channel: api
  input: {{customer_id: str, event_id: str}}
  output: {{status: str, reference: str | None}}
  implementation: {{webhook: "{url}", timeout: 10}}
"""
    return program(journey, objects=objects)


def burst() -> list[list[Event]]:
    """Batches in arrival order; each customer's events have increasing times (recent ones:
    older events would be past the lateness horizon and start nothing)."""
    start = time.time() - 3600
    events = [
        Event(f"e-{c}-{i}", f"c{c}", "Ping", start + i * 60 + c, "api", {"n": i})
        for i in range(EACH)
        for c in range(CUSTOMERS)
    ]
    return [events[i : i + 100] for i in range(0, len(events), 100)]


def counts(store: EngineStore) -> tuple[int, int]:
    with store.read() as conn:
        processed = conn.execute(
            select(func.count()).select_from(t.inbox).where(t.inbox.c.processed_at.is_not(None))
        ).scalar_one()
        sent = conn.execute(
            select(func.count()).select_from(t.outbox).where(t.outbox.c.status == "sent")
        ).scalar_one()
    return int(processed), int(sent)


def check_exactly_once(store: EngineStore, receiver: Receiver) -> dict[str, int]:
    total = CUSTOMERS * EACH
    with store.read() as conn:
        inbox = conn.execute(
            select(
                t.inbox.c.customer_id, t.inbox.c.seq, t.inbox.c.applied, t.inbox.c.event_id
            ).order_by(t.inbox.c.seq)
        ).all()
        outbox = conn.execute(select(t.outbox.c.key, t.outbox.c.status, t.outbox.c.cause)).all()
        sent_records = conn.execute(
            select(func.count())
            .select_from(t.engine_events)
            .where(t.engine_events.c.activity == "Interaction sent")
        ).scalar_one()
    assert len(inbox) == total
    applied: dict[str, list[int]] = {}
    for customer, _seq, n, _id in inbox:
        applied.setdefault(customer, []).append(n)
    # each customer's inputs were applied once each, in arrival order: 1, 2, ..., n
    assert all(ns == list(range(1, EACH + 1)) for ns in applied.values()), "order or count broken"
    for customer in applied:
        state = store.state(customer)
        assert state is not None and state.applied == EACH
    # one action per event, none lost, none doubled
    assert len(outbox) == total == sent_records
    assert {cause for _, _, cause in outbox} == {row.event_id for row in inbox}
    assert {status for _, status, _ in outbox} == {"sent"}
    keys = {key for key, _, _ in outbox}
    assert set(receiver.calls) == keys  # every action reached the receiver
    assert len(receiver.effects) == total  # and took effect once (the idempotency key)
    assert {e["payload"]["event_id"] for e in receiver.effects.values()} == {
        r.event_id for r in inbox
    }
    return {
        "deliveries": sum(receiver.calls.values()),
        "redelivered": sum(n - 1 for n in receiver.calls.values()),
    }


# killing worker processes on PostgreSQL takes minutes on a shared machine: the full run only;
# the fast lane kills them on SQLite (the same worker code, the same checks)
ON_SQLITE_FAST = pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)], indirect=True
)


@ON_SQLITE_FAST
@pytest.mark.parametrize("failpoint", ["", "after-commit=3", "after-delivery=3"])
def test_a_killed_worker_loses_nothing_and_does_nothing_twice(
    database_url: str, spawn: Callable[..., WorkerProcess], failpoint: str
) -> None:
    receiver = Receiver()
    try:
        with EngineStore(database_url) as store:
            store.deploy(ack_program(receiver.url))  # type: ignore[arg-type]
            batches = burst()
            first = spawn(database_url, "w1", failpoint=failpoint)
            half = len(batches) // 2
            for batch in batches[:half]:
                store.accept(batch)
            if failpoint:
                assert first.wait() == -9, first.output()  # it kills itself at the failpoint
            else:
                wait_until(lambda: counts(store)[0] >= 300 or counts(store), [first], "first third")
                first.kill()
            processed_at_crash = counts(store)[0]
            for batch in batches[half:]:
                store.accept(batch)  # accepted while no worker runs
            assert processed_at_crash < CUSTOMERS * EACH
            second = spawn(database_url, "w1")
            total = CUSTOMERS * EACH
            wait_until(
                lambda: counts(store) == (total, total) or counts(store), [second], "recovery"
            )
            assert second.stop() == 0, second.output()
            report = check_exactly_once(store, receiver)
            if failpoint.startswith("after-delivery"):
                # the crash came between delivering and recording it: those were sent again
                assert report["redelivered"] > 0
    finally:
        receiver.close()


POISON_ACK = ACK.replace(
    'input: {event_id: "event.event_id"}',
    'input: {event_id: "event.event_id"}\n    set: {n: "event.properties.n + 1"}',
)


@ON_SQLITE_FAST
def test_a_worker_killed_with_a_poison_item_in_flight_loses_nothing(
    database_url: str, spawn: Callable[..., WorkerProcess]
) -> None:
    """The worker dies (SIGKILL) while handling a poison event, before its failure is
    written; after a restart the poison is in the failed inputs once, every other event was
    processed once and every action delivered once."""
    receiver = Receiver()
    try:
        with EngineStore(database_url) as store:
            store.deploy(ack_program(receiver.url, POISON_ACK))  # type: ignore[arg-type]
            batches = burst()
            poison = Event("poison-1", "c7", "Ping", batches[0][0].timestamp, "api", {"n": "x"})
            store.accept([poison])
            first = spawn(database_url, "w1", failpoint="failed-input=1")
            for batch in batches:
                store.accept(batch)
            assert first.wait() == -9, first.output()
            with store.read() as conn:
                assert conn.execute(select(func.count()).select_from(t.failed_inputs)).scalar() == 0
            second = spawn(database_url, "w1")
            total = CUSTOMERS * EACH
            wait_until(
                lambda: counts(store) == (total + 1, total) or counts(store), [second], "recovery"
            )
            assert second.stop() == 0, second.output()
            with store.read() as conn:
                failed = conn.execute(select(t.failed_inputs.c.event_id)).scalars().all()
            assert failed == ["poison-1"]
            assert len(receiver.effects) == total  # every other action took effect once
    finally:
        receiver.close()
