"""Failed inputs (issue 11, finding 1): an input or timer turn whose handling raises goes to
``failed_inputs`` with the error, the worker goes on, other customers never wait on it; failed
inputs are listed, retried and dropped."""

from __future__ import annotations

from typing import Any

import pytest
from engine_kit import ev, program
from sqlalchemy.exc import IntegrityError

from journeyscope.engine import deadletters
from journeyscope.engine.clock import FakeClock
from journeyscope.engine.core.clock import at
from journeyscope.engine.store import EngineStore
from journeyscope.engine.worker import Worker

START = "2025-05-05T09:00:00+00:00"
# `set:` adds 1 to what the event carries: a text there makes the transition raise
POISONABLE = """
journey: count
version: 1
triggers: [{event: Start}]
steps:
  first: {set: {n: "event.properties.count + 1"}, next: wait}
  wait: {wait: {duration: 1d}, next: after}
  after: {set: {m: "journey.n * 2"}, next: end}
"""
# on the timer turn there is no event: `event.properties.x` must read None, not raise
TIMER_READS_EVENT = """
journey: late
version: 1
triggers: [{event: Start}]
steps:
  wait: {wait: {duration: 1h}, next: read}
  read: {set: {x: "event.properties.x"}, invoke: receipt}
"""


def test_a_poison_event_goes_to_failed_inputs_while_1000_other_customers_flow_on(
    database_url: str,
) -> None:
    clock = FakeClock(at(START))
    with EngineStore(database_url, clock=clock) as store:
        store.deploy(program(POISONABLE))
        items = [ev(f"c{i}", "Start", START, i, count=i) for i in range(500)]
        items.append(ev("poison", "Start", START, "p", count="not a number"))
        items += [ev(f"c{i}", "Start", START, i, count=i) for i in range(500, 1000)]
        store.accept(items)
        worker = Worker(store, batch_size=300)
        worker.drain()
        assert store.pending() == 0
        failed = deadletters.listing(store)
        assert [(f["customer_id"], f["kind"]) for f in failed] == [("poison", "event")]
        assert "event.properties.count + 1" in failed[0]["error"]
        assert failed[0]["event_id"] == items[500].event_id
        for customer in ("c0", "c499", "c500", "c999"):
            state = store.state(customer)
            assert state is not None and state.instances["count"].vars["n"] >= 1
        poisoned = store.state("poison")
        assert poisoned is not None and not poisoned.instances  # state as before the item
        assert store.counts()["failed_inputs"] == 1
        # the same customer's next input is applied; the worker keeps working
        store.accept([ev("poison", "Start", START, "q", count=5)])
        worker.drain()
        poisoned = store.state("poison")
        assert poisoned is not None and poisoned.instances["count"].vars["n"] == 6
        worker.close()


def test_a_failing_timer_turn_is_parked_and_retried(sqlite_url: str) -> None:
    clock = FakeClock(at(START))
    with EngineStore(sqlite_url, clock=clock) as store:
        store.deploy(program(POISONABLE.replace("journey.n * 2", "journey.n + 'x'")))
        store.accept([ev("c1", "Start", START, 1, count=1)])
        worker = Worker(store)
        worker.drain()
        clock.advance(2 * 86400)
        worker.drain()
        failed = deadletters.listing(store)
        assert [(f["customer_id"], f["kind"]) for f in failed] == [("c1", "timer")]
        assert worker.drain() == 0  # parked: not tried again and again
        assert deadletters.retry(store) == 1
        worker.drain()
        again = deadletters.listing(store)
        assert [(f["customer_id"], f["kind"]) for f in again] == [("c1", "timer")]
        assert deadletters.drop(store, [again[0]["id"]]) == 1
        assert deadletters.listing(store) == []
        worker.close()


def test_a_retried_input_is_applied_again(sqlite_url: str) -> None:
    clock = FakeClock(at(START))
    with EngineStore(sqlite_url, clock=clock) as store:
        store.deploy(program(POISONABLE))
        store.accept([ev("c1", "Start", START, 1, count="x")])
        worker = Worker(store)
        worker.drain()
        (failed,) = deadletters.listing(store)
        assert failed["kind"] == "event" and '"count":"x"' in failed["body"]
        # the program is fixed in a new version; the retried event now enters it
        store.deploy(
            program(
                POISONABLE.replace("version: 1", "version: 2").replace(
                    "event.properties.count + 1", "str(event.properties.count) + '1'"
                )
            )
        )
        worker.reload()
        worker._reloaded_at = 0.0
        assert deadletters.retry(store, [failed["id"]]) == 1
        worker.drain()
        state = store.state("c1")
        assert state is not None and state.instances["count"].vars["n"] == "x1"
        assert deadletters.listing(store) == []
        worker.close()


def test_a_timer_turn_reads_missing_event_fields_as_none(sqlite_url: str) -> None:
    clock = FakeClock(at(START))
    with EngineStore(sqlite_url, clock=clock) as store:
        store.deploy(program(TIMER_READS_EVENT))
        store.accept([ev("c1", "Start", START, 1)])
        worker = Worker(store, dispatch=False)
        worker.drain()
        clock.advance(7200)
        worker.drain()
        assert deadletters.listing(store) == []
        history = store.history("c1")["engine_events"]
        assert "Journey completed" in [e["activity"] for e in history]
        worker.close()


LONG_NAMES = """
journey: j%s
version: 1
triggers: [{event: Start}]
steps:
  hello: {set: {n: "1"}}
"""


def test_an_input_the_database_refuses_is_isolated_and_moved_to_failed_inputs(
    postgres_url: str,
) -> None:
    """On PostgreSQL a case id over its column's length fails the whole transaction, not the
    transition: the worker goes on one input per transaction and moves that one aside."""
    clock = FakeClock(at(START))
    with EngineStore(postgres_url, clock=clock) as store:
        store.deploy(program(LONG_NAMES % ("x" * 180)))
        long_customer = "p" * 150  # case id: customer/journey#1, over 300 characters
        items = [ev(f"c{i}", "Start", START, i) for i in range(50)]
        items.insert(20, ev(long_customer, "Start", START, "p"))
        store.accept(items)
        worker = Worker(store, batch_size=100)
        for _ in range(200):
            try:
                if worker.drain() == 0:
                    break
            except Exception:  # the failed batch: run() would pause and go on
                continue
        assert store.pending() == 0
        failed = deadletters.listing(store)
        assert [(f["customer_id"], f["kind"]) for f in failed] == [(long_customer, "event")]
        assert "too long" in failed[0]["error"]
        assert all(store.state(f"c{i}") is not None for i in range(50))
        worker.close()


def test_a_batch_the_database_refuses_is_bisected_to_the_one_input_on_sqlite(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(at(START))
    with EngineStore(sqlite_url, clock=clock) as store:
        store.deploy(program(POISONABLE))
        refuse = store.bulk

        def bulk(conn: Any, table: Any, columns: Any, rows: Any, conflict: str = "") -> int:
            if table.name == "engine_events" and any(r[1] == "refused" for r in rows):
                raise IntegrityError("INSERT", {}, Exception("refused by the database"))
            return refuse(conn, table, columns, rows, conflict)

        monkeypatch.setattr(store, "bulk", bulk)
        items = [ev(f"c{i}", "Start", START, i, count=i) for i in range(30)]
        items.insert(10, ev("refused", "Start", START, "r", count=1))
        store.accept(items)
        worker = Worker(store, batch_size=100)
        for _ in range(200):
            try:
                if worker.drain() == 0:
                    break
            except IntegrityError:
                continue
        assert store.pending() == 0
        failed = deadletters.listing(store)
        assert [(f["customer_id"], f["kind"]) for f in failed] == [("refused", "event")]
        assert all(store.state(f"c{i}") is not None for i in range(30))
        worker.close()


def test_failed_inputs_from_the_command_line(sqlite_url: str) -> None:
    import json

    from typer.testing import CliRunner

    from journeyscope.cli import app

    clock = FakeClock(at(START))
    with EngineStore(sqlite_url, clock=clock) as store:
        store.deploy(program(POISONABLE))
        store.accept(
            [ev("c1", "Start", START, 1, count="x"), ev("c2", "Start", START, 2, count="y")]
        )
        worker = Worker(store)
        worker.drain()
        worker.close()
    runner = CliRunner()
    url = ["--database-url", sqlite_url]
    listed = runner.invoke(app, ["engine", "dead-letters", "list", "--json", *url])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert sorted(r["customer_id"] for r in rows) == ["c1", "c2"]
    retried = runner.invoke(app, ["engine", "dead-letters", "retry", str(rows[0]["id"]), *url])
    assert retried.exit_code == 0 and "1 handed" in retried.output
    missing = runner.invoke(app, ["engine", "dead-letters", "drop", "999", *url])
    assert missing.exit_code == 2 and "no failed input with id 999" in missing.output
    dropped = runner.invoke(app, ["engine", "dead-letters", "drop", *url])
    assert dropped.exit_code == 0 and "1 dropped" in dropped.output
