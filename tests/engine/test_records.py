"""Engine events are stored once per id and read back in order, after a given ``seq``."""

from __future__ import annotations

from journeyscope.engine import records
from journeyscope.engine.core.actions import Record
from journeyscope.engine.store import EngineStore


def test_records_are_kept_once_and_read_after_a_seq(database_url: str) -> None:
    made = [
        Record(f"r{i}", "c1", float(i), "Journey entered", "web", "c1/j#1", {"step": i})
        for i in range(5)
    ]
    with EngineStore(database_url) as store:
        with store.write() as conn:
            records.write(store, conn, [records.record_row(r) for r in made[:3]])
        with store.write() as conn:  # a batch done again after a crash, and two new
            records.write(store, conn, [records.record_row(r) for r in made])
        with store.read() as conn:
            every = records.after(conn)
            assert [e["event_id"] for e in every] == [f"r{i}" for i in range(5)]
            assert every[2]["properties"] == {"step": 2} and every[2]["case_id"] == "c1/j#1"
            later = records.after(conn, every[1]["seq"], limit=2)
        assert [e["event_id"] for e in later] == ["r2", "r3"]
        assert store.engine_events(every[3]["seq"]) == every[4:]
        assert store.counts()["engine_events"] == 5
