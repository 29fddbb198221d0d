"""The outbox keeps each send's journey instance, so ``Interaction delivered`` / ``failed``
events carry it as their ``case_id``; older databases get the column by migration."""

from __future__ import annotations

from engine_kit import RECEIPT, ev, program
from sqlalchemy import create_engine, inspect, text

from journeyscope.engine import schema as t
from journeyscope.engine.clock import FakeClock
from journeyscope.engine.core.clock import at
from journeyscope.engine.store import EngineStore
from journeyscope.engine.worker import Worker


def _delivered(url: str) -> dict[str, str | None]:
    clock = FakeClock(at("2025-05-05T09:00:00+00:00"))
    with EngineStore(url, clock=clock) as store:
        store.deploy(program(RECEIPT))
        store.accept([ev("acct:A1", "Start", "2025-05-05T09:00:00+00:00")])
        worker = Worker(store, clock=clock)
        worker.drain()
        worker.close()
        events = store.engine_events(limit=1000)
        outbox = store.history("acct:A1")["outbox"]
    assert [r["case_id"] for r in outbox] == ["acct:A1/apply#1"]
    return {e["activity"]: e["case_id"] for e in events}


def test_delivered_events_carry_the_journey_instance(database_url: str) -> None:
    cases = _delivered(database_url)
    assert cases["Interaction sent"] == "acct:A1/apply#1"
    assert cases["Interaction delivered"] == "acct:A1/apply#1"  # was None before the column


def test_an_older_database_without_the_column_is_migrated(database_url: str) -> None:
    with EngineStore(database_url):
        pass
    old = create_engine(database_url)
    with old.begin() as conn:  # the outbox as the first release created it
        conn.execute(text("ALTER TABLE outbox DROP COLUMN case_id"))
        assert "case_id" not in {c["name"] for c in inspect(conn).get_columns("outbox")}
    with old.begin() as conn:
        assert t.migrate(conn) == ["outbox.case_id"]
        assert t.migrate(conn) == []  # idempotent
        conn.execute(text("ALTER TABLE outbox DROP COLUMN case_id"))
    old.dispose()
    cases = _delivered(database_url)  # opening the store migrates it
    assert cases["Interaction delivered"] == "acct:A1/apply#1"
