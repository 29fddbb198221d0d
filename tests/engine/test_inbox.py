"""The inbox repository: rows of events and commands, the worker's queue, marking done."""

from __future__ import annotations

import pytest
from engine_kit import cmd, ev

from journeyscope.engine import inbox
from journeyscope.engine.clock import FakeClock
from journeyscope.engine.core.clock import at
from journeyscope.engine.partitions import partition_of
from journeyscope.engine.store import EngineStore

START = "2025-05-05T09:00:00+00:00"


def test_an_inbox_row_gives_back_the_event_or_command_it_holds() -> None:
    items = [ev("c1", "Start", START, 1, segment="x", channel="app"), cmd("c1", "stop", START)]
    for item in items:
        row = inbox.item_row(item, 16, 123.0)
        assert dict(zip(inbox.COLUMNS, row, strict=True))["partition"] == partition_of("c1", 16)
        _, customer, _, kind, event_time, body, _ = row
        assert inbox.row_item(item.event_id, customer, kind, event_time, body) == item


def test_rows_of_keeps_the_first_of_each_id() -> None:
    first, second = ev("c1", "Start", START, 1), ev("c1", "Start", START, 1, channel="app")
    rows = inbox.rows_of([first, second, ev("c2", "Start", START, 2)], 4, 0.0)
    assert [r[0] for r in rows] == [first.event_id, f"c2:Start:{START}:2"]
    assert '"channel":"web"' in rows[0][5]


def test_command_ids_do_not_meet_across_the_separator() -> None:
    assert inbox.command_id("a:b", "c") != inbox.command_id("a", "b:c")
    assert inbox.command_id("a", "k") == inbox.command_id("a", "k")
    assert inbox.command_id("a", "k").startswith(inbox.COMMAND_PREFIXES)


def test_pending_gives_the_partitions_rows_oldest_first_and_marking_ends_them(
    database_url: str,
) -> None:
    clock = FakeClock(at(START))
    with EngineStore(database_url, clock=clock, partitions=4) as store:
        items = [ev(f"c{i}", "Start", START, i) for i in range(40)]
        store.accept(items)
        mine = [p for p in range(4) if p != partition_of("c0", 4)]
        with store.read() as conn:
            rows = inbox.pending(conn, mine, 1000)
            assert [r[0] for r in rows] == sorted(r[0] for r in rows)
            assert {partition_of(r[2], 4) for r in rows} <= set(mine)
            assert "c0" not in {r[2] for r in rows} and len(rows) > 0
            assert len(inbox.pending(conn, mine, 3)) == 3
        with store.write() as conn:
            inbox.mark_processed(store, conn, [(5.0, 1, r[0]) for r in rows[:5]])
            inbox.set_aside(conn, [rows[5][0]], 6.0)
        assert store.pending() == 40 - 6
        with store.read() as conn:
            left = inbox.pending(conn, mine, 1000)
        assert [r[0] for r in left] == [r[0] for r in rows[6:]]
        done = store.history(rows[0][2])["inputs"][0]
        assert (done["processed_at"], done["applied"]) == (5.0, 1)
        aside = store.history(rows[5][2])["inputs"][0]
        assert (aside["processed_at"], aside["applied"]) == (6.0, None)


@pytest.mark.parametrize("given", [0, 3])
def test_insert_rows_counts_what_was_new(sqlite_url: str, given: int) -> None:
    with EngineStore(sqlite_url) as store:
        rows = inbox.rows_of([ev("c1", "Start", START, n) for n in range(given)], 64, 0.0)
        with store.write() as conn:
            report = inbox.insert_rows(store, conn, rows, given + 1)
        assert (report.accepted, report.duplicates) == (given, 1)
