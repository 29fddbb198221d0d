"""The worker on a real database (SQLite and PostgreSQL): durable, de-duplicated inbox;
immutable versions; the same decisions as the simulator; retries, dead letters; the closed
loop into the analytics store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import engine_kit
import pytest
from engine_kit import EXAMPLES, FLOW, cmd, ev, program

from journeyscope import synthetic
from journeyscope.engine.clock import FakeClock
from journeyscope.engine.core.actions import Record
from journeyscope.engine.core.clock import at
from journeyscope.engine.core.program import load_program
from journeyscope.engine.export import export_events
from journeyscope.engine.history import read_history
from journeyscope.engine.replay import replay
from journeyscope.engine.simulator import Simulator
from journeyscope.engine.store import EngineStore
from journeyscope.engine.worker import Worker
from journeyscope.errors import VersionConflictError
from journeyscope.events import Store


def test_accepted_events_are_durable_and_ids_seen_before_are_duplicates(database_url: str) -> None:
    with EngineStore(database_url) as store:
        first = store.accept(
            [
                ev("c1", "Start", "2025-05-05T09:00:00+00:00", 1),
                ev("c1", "Start", "2025-05-05T09:00:00+00:00", 1),
                ev("c2", "Start", "2025-05-05T09:00:00+00:00", 2),
            ]
        )
        assert (first.accepted, first.duplicates) == (2, 1)
    with EngineStore(database_url) as reopened:
        again = reopened.accept([ev("c2", "Start", "2025-05-05T09:00:00+00:00", 2)])
        assert (again.accepted, again.duplicates) == (0, 1)
        assert reopened.pending() == 2


def test_versions_are_immutable_and_running_customers_keep_theirs(database_url: str) -> None:
    clock = FakeClock(at("2025-05-05T09:00:00+00:00"))
    with EngineStore(database_url, clock=clock) as store:
        store.deploy(program(FLOW))
        changed = FLOW.replace("timeout: 2d", "timeout: 3d")
        with pytest.raises(VersionConflictError):
            store.deploy(program(changed))
        worker = Worker(store, clock=clock, reload_every=0)
        store.accept([ev("old", "Start", "2025-05-05T09:00:00+00:00")])
        worker.drain()
        store.deploy(program(FLOW, changed.replace("version: 1", "version: 2")))
        clock.set(at("2025-05-05T10:00:00+00:00"))
        store.accept([ev("new", "Start", "2025-05-05T10:00:00+00:00")])
        worker.drain()
        assert store.state("old").instances["apply"].version == 1  # type: ignore[union-attr]
        assert store.state("new").instances["apply"].version == 2  # type: ignore[union-attr]
        assert store.customers_in("apply", 1) == ["old"]
        clock.set(at("2025-05-07T09:00:00+00:00"))  # version 1's two days are up; not v2's three
        worker.drain()
        sent = [row["interaction"] for row in store.history("old")["outbox"]]
        assert sent == ["receipt", "remind"]
        assert [row["interaction"] for row in store.history("new")["outbox"]] == ["receipt"]
        worker.close()


# on PostgreSQL this replay takes minutes on a shared machine: the full run only; the fast lane
# replays on SQLite, and the store's own tests cover PostgreSQL
@pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)], indirect=True
)
@pytest.mark.slow
def test_the_worker_decides_exactly_as_the_simulator(
    database_url: str, tmp_path: Path, synthetic_table: Any
) -> None:
    path = tmp_path / "events.parquet"
    synthetic.write(synthetic_table, path)
    everything = read_history(path)
    customers = sorted({e.customer_id for e in everything})[:120]
    history = [e for e in everything if e.customer_id in set(customers)]
    prog = load_program(EXAMPLES, only=EXAMPLES / "maintenance_loan.yaml")
    until = history[-1].timestamp + 20 * 86400
    expected = [a for a in Simulator(prog).run(history, until=until) if isinstance(a, Record)]
    clock = FakeClock(history[0].timestamp)
    with EngineStore(database_url, clock=clock) as store:
        store.deploy(prog)
        worker = Worker(store, clock=clock)
        replay(store, worker, clock, history, until)
        worker.close()
        got = [
            e
            for e in store.engine_events()
            if not e["activity"].startswith("Interaction delivered")
        ]
    assert len(expected) > 200

    def key(e: dict[str, Any]) -> tuple[Any, ...]:
        return (
            e["event_id"],
            e["customer_id"],
            e["activity"],
            e["timestamp"],
            json.dumps(e["properties"], sort_keys=True),
        )

    want = sorted(
        key(r.to_dict() | {"properties": json.loads(json.dumps(r.properties))}) for r in expected
    )
    assert sorted(key(e) for e in got) == want


def test_failed_deliveries_are_retried_with_backoff_then_dead_lettered(sqlite_url: str) -> None:
    objects = (
        engine_kit.OBJECTS
        + engine_kit.FLAKY
        + """
- {name: broken, category: transactional, channel: email,
   implementation: {python: "engine_kit:broken_impl"}}
"""
    )
    journey = """
journey: j
re_entry: anytime
triggers: [{event: Start}]
steps:
  route:
    branch: [{when: "event.properties.broken == True", next: bad}]
    otherwise: good
  good: {invoke: flaky}
  bad: {invoke: broken}
"""
    engine_kit.FAILURES.update({"twice": 2, "always": 99})
    clock = FakeClock(at("2025-05-05T09:00:00+00:00"))
    with EngineStore(sqlite_url, clock=clock) as store:
        store.deploy(program(journey, objects=objects))
        worker = Worker(store, clock=clock, max_attempts=4, backoff=10.0)
        store.accept(
            [
                ev("twice", "Start", "2025-05-05T09:00:00+00:00"),
                ev("always", "Start", "2025-05-05T09:00:00+00:00"),
                ev("bad", "Start", "2025-05-05T09:00:00+00:00", broken=True),
            ]
        )
        worker.drain()
        for _ in range(6):  # jump past each backoff (10 s, 20 s, 40 s, ± 20 %)
            clock.advance(60)
            worker.drain()
        worker.close()
        rows = {
            r["customer_id"]: r
            for c in ("twice", "always", "bad")
            for r in store.history(c)["outbox"]
        }
        counts = store.counts()
    assert rows["twice"]["status"] == "sent" and rows["twice"]["attempts"] == 3
    assert rows["always"]["status"] == "dead" and rows["always"]["attempts"] == 4
    assert rows["bad"]["status"] == "dead" and rows["bad"]["attempts"] == 1  # permanent: no retry
    assert counts["dead_letters"] == 2
    assert "temporarily down" in rows["always"]["last_error"]


def test_a_busy_worker_looks_for_due_retries_every_retry_scan_and_an_idle_one_at_once(
    sqlite_url: str,
) -> None:
    objects = engine_kit.OBJECTS + engine_kit.FLAKY
    journey = """
journey: j
re_entry: anytime
triggers: [{event: Start}]
steps:
  go: {invoke: flaky}
"""
    engine_kit.FAILURES.update({"scan": 2})
    clock = FakeClock(at("2025-05-05T09:00:00+00:00"))
    with EngineStore(sqlite_url, clock=clock) as store:
        store.deploy(program(journey, objects=objects))
        worker = Worker(store, clock=clock, backoff=10.0, retry_scan=3600.0)

        def attempts() -> int:
            return int(store.history("scan")["outbox"][0]["attempts"])

        def busy_step(customer: str) -> None:
            store.accept([ev(customer, "Other", "2025-05-05T09:00:00+00:00")])
            assert worker.step() > 0
            worker.flush()

        store.accept([ev("scan", "Start", "2025-05-05T09:00:00+00:00")])
        worker.drain()  # the first attempt fails; the retry is due in about 10 s
        assert attempts() == 1
        clock.advance(60)
        busy_step("a")  # a step with an input: the last scan was within retry_scan
        assert attempts() == 1
        worker.step()  # an idle step looks at once: the second attempt (fails)
        worker.flush()
        assert attempts() == 2
        clock.advance(60)
        worker.retry_scan = 0.0
        busy_step("b")  # busy, and the scan is due: the third attempt
        worker.close()
        row = store.history("scan")["outbox"][0]
    assert (row["attempts"], row["status"]) == (3, "sent")


def test_engine_events_flow_back_into_the_analytics_store(sqlite_url: str, tmp_path: Path) -> None:
    clock = FakeClock(at("2025-05-05T09:00:00+00:00"))
    with EngineStore(sqlite_url, clock=clock) as engine:
        engine.deploy(program(FLOW))
        worker = Worker(engine, clock=clock)
        engine.accept(
            [
                ev("acct:A1", "Start", "2025-05-05T09:00:00+00:00"),
                cmd("case:K9", "invoke", "2025-05-05T09:00:00+00:00", interaction="remind"),
            ]
        )
        worker.drain()
        worker.close()
        with Store(tmp_path / "store.duckdb") as store:
            report = export_events(engine, store)
            again = export_events(engine, store)
            rows = store.con.execute(
                "SELECT account_id, case_id, activity, channel, source FROM events ORDER BY event_id"
            ).fetchall()
    assert report.events_added == len(rows) > 5 and again.events_added == 0
    assert ("A1", "acct:A1/apply#1", "Journey entered", "engine") in [r[:4] for r in rows]
    assert any(r[1] == "K9" and r[2] == "Interaction sent" for r in rows)  # joined by case id
    assert {r[2] for r in rows} >= {"Interaction sent", "Interaction delivered", "Journey step"}


def test_two_workers_share_the_partitions_and_hand_them_over(sqlite_url: str) -> None:
    with EngineStore(sqlite_url, partitions=8) as store:
        store.deploy(program(FLOW))
        a = Worker(store, worker_id="a", lease_ttl=60)
        b = Worker(store, worker_id="b", lease_ttl=60)
        a.refresh_leases()
        assert len(a.leases.owned) == 8
        b.refresh_leases()
        a.refresh_leases()  # a sees two live workers and gives half back
        b.refresh_leases()
        assert len(a.leases.owned) == len(b.leases.owned) == 4
        assert not a.leases.owned & b.leases.owned
        store.accept([ev(f"c{i}", "Start", "2025-05-05T09:00:00+00:00") for i in range(50)])
        a.drain()
        b.drain()
        assert store.pending() == 0
        a.close()  # hands its partitions back at once
        b.refresh_leases()
        assert len(b.leases.owned) == 8
        b.close()
