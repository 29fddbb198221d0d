"""PostgreSQL with several worker processes: partitions are leased, every customer has one
writer at a time and keeps their order; a killed worker's partitions are taken over."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from engine_kit import Receiver, WorkerProcess, program, wait_until
from sqlalchemy import func, select
from test_crash import ack_program, check_exactly_once, counts

from journeyscope.engine import schema as t
from journeyscope.engine.core.actions import Event
from journeyscope.engine.store import EngineStore

pytestmark = pytest.mark.slow

CUSTOMERS, EACH = 150, 12


def sequential_batches() -> list[list[Event]]:
    start = time.time() - 3600
    events = [
        Event(f"e-{c}-{i}", f"c{c}", "Ping", start + i * 60 + c, "api", {"n": i})
        for i in range(EACH)
        for c in range(CUSTOMERS)
    ]
    return [events[i : i + 50] for i in range(0, len(events), 50)]


# two workers in the fast lane; four (and the lease take-over below) in the full run only:
# minutes of worker processes on a shared machine
@pytest.mark.parametrize("workers", [2, pytest.param(4, marks=pytest.mark.slow)])
def test_several_workers_keep_each_customers_order(
    postgres_url: str, spawn: Callable[..., WorkerProcess], workers: int
) -> None:
    receiver = Receiver()
    try:
        with EngineStore(postgres_url) as store:
            store.deploy(ack_program(receiver.url))  # type: ignore[arg-type]
            procs = [spawn(postgres_url, f"w{i}", lease_ttl=5.0) for i in range(workers)]
            # let them agree on their shares before the burst (not needed for correctness)
            wait_until(lambda: _owners(store) == workers or _owners(store), procs, "leases")
            for batch in sequential_batches():
                store.accept(batch)  # each batch durable before the next: arrival order is defined
            total = CUSTOMERS * EACH
            wait_until(lambda: counts(store) == (total, total) or counts(store), procs, "burst")
            outputs = []
            for proc in procs:
                assert proc.stop() == 0, proc.output()
                outputs.append(proc.output())
            check_exactly_once(store, receiver)  # includes: applied 1..n in arrival order
            # every worker did a share of the work
            done = [
                int(o.rsplit("stopped: ", 1)[1].split(" inputs")[0].replace(",", ""))
                for o in outputs
            ]
            assert sum(done) == total and all(n > 0 for n in done), outputs
    finally:
        receiver.close()


def _owners(store: EngineStore) -> int:
    with store.read() as conn:
        return int(
            conn.execute(
                select(func.count(func.distinct(t.partitions.c.owner))).where(
                    t.partitions.c.owner.is_not(None), t.partitions.c.lease_until > time.time()
                )
            ).scalar_one()
        )


# the fast lane covers a take-over in process (test_worker.py: two workers hand partitions over)
# and a killed worker's inputs (test_crash.py on SQLite)
@pytest.mark.slow
def test_a_killed_worker_is_taken_over_after_its_lease(
    postgres_url: str, spawn: Callable[..., WorkerProcess]
) -> None:
    receiver = Receiver()
    try:
        with EngineStore(postgres_url) as store:
            store.deploy(ack_program(receiver.url))  # type: ignore[arg-type]
            a = spawn(postgres_url, "a", lease_ttl=2.0)
            b = spawn(postgres_url, "b", lease_ttl=2.0)
            wait_until(lambda: _owners(store) == 2 or _owners(store), [a, b], "leases")
            batches = sequential_batches()
            for batch in batches[: len(batches) // 2]:
                store.accept(batch)
            a.kill()  # its partitions are stuck until its lease runs out; b then takes them
            for batch in batches[len(batches) // 2 :]:
                store.accept(batch)
            total = CUSTOMERS * EACH
            wait_until(lambda: counts(store) == (total, total) or counts(store), [b], "takeover")
            assert b.stop() == 0, b.output()
            check_exactly_once(store, receiver)
    finally:
        receiver.close()


def test_programs_deployed_while_workers_run_are_picked_up(
    postgres_url: str, spawn: Callable[..., WorkerProcess]
) -> None:
    journey = (
        "journey: j\ntriggers: [{event: Ping}]\nre_entry: anytime\nsteps:\n  s: {invoke: receipt}\n"
    )
    v2 = journey.replace("journey: j", "journey: j\nversion: 2").replace("receipt", "legal")
    with EngineStore(postgres_url) as store:
        store.deploy(program(journey))
        worker = spawn(postgres_url, "w")
        wait_until(lambda: _owners(store) == 1 or _owners(store), [worker], "lease")
        store.deploy(program(journey, v2))
        sent: list[str] = []
        n = 0
        while "legal" not in sent[-1:]:  # new customers, one at a time, until version 2 shows
            n += 1
            store.accept([Event(f"x{n}", f"c{n}", "Ping", time.time(), "api")])
            wait_until(lambda n=n: counts(store) == (n, n) or counts(store), [worker], "processing")
            sent += [r["interaction"] for r in store.history(f"c{n}")["outbox"]]
        for k in range(n + 1, n + 4):  # and from then on only version 2
            store.accept([Event(f"x{k}", f"c{k}", "Ping", time.time(), "api")])
            wait_until(lambda k=k: counts(store) == (k, k) or counts(store), [worker], "processing")
            sent += [r["interaction"] for r in store.history(f"c{k}")["outbox"]]
        first = sent.index("legal")
        assert set(sent[:first]) <= {"receipt"} and set(sent[first:]) == {"legal"}
        assert worker.stop() == 0
