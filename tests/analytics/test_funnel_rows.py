"""The rows the funnel kernel reads (analytics/funnel_rows.py): sorted by case and time, one
row per (event, step it does) with ties ordered by the funnel's tie rule, every event with a
bit mask of its steps for strict funnels, read back in chunks of whole cases; and the string
columns taken through Arrow's buffers (no pandas)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import ibis
import numpy as np
import pyarrow as pa

from journeyscope.analytics import FunnelQuery
from journeyscope.analytics.funnel_rows import chunks, ordered_rows, take_strings

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _events(rows: list[tuple[str, str, int]]) -> ibis.Table:
    """(case, activity, minute); the file order is the list's order."""
    return ibis.memtable(
        {
            "case": [r[0] for r in rows],
            "activity": [r[1] for r in rows],
            "timestamp": [T0 + timedelta(minutes=r[2]) for r in rows],
            "source": ["f.csv"] * len(rows),
            "source_row": list(range(len(rows))),
            "event_id": [f"e{i}" for i in range(len(rows))],
        }
    )


def _read(t: ibis.Table, query: FunnelQuery) -> list[dict[str, Any]]:
    rows = ordered_rows(t, query).to_pyarrow().to_pylist()
    return [
        {"case": r["case"], "min": (r["ts"] - T0) // timedelta(minutes=1), "code": r["code"]}
        for r in rows
    ]


EVENTS = [("b", "B", 0), ("a", "B", 5), ("a", "A", 5), ("a", "X", 1), ("a", "A", 9)]


def test_rows_are_sorted_by_case_and_time_ties_by_the_tie_rule() -> None:
    advance = FunnelQuery(steps=("A", "B"), ties="advance")
    assert _read(_events(EVENTS), advance) == [
        {"case": "a", "min": 5, "code": 1},  # equal times: step order, so the tie may advance
        {"case": "a", "min": 5, "code": 2},
        {"case": "a", "min": 9, "code": 1},
        {"case": "b", "min": 0, "code": 2},
    ]  # X does no step: dropped
    strict = FunnelQuery(steps=("A", "B"), ties="strict_increase")
    assert [r["code"] for r in _read(_events(EVENTS), strict)][:2] == [2, 1]


def test_an_event_of_two_steps_gives_two_rows() -> None:
    query = FunnelQuery(steps=("A", "B", "A"))
    assert [(r["min"], r["code"]) for r in _read(_events(EVENTS), query) if r["case"] == "a"] == [
        (5, 1),
        (5, 2),
        (5, 3),
        (9, 1),
        (9, 3),
    ]


def test_a_strict_funnel_reads_every_event_with_a_mask_of_its_steps() -> None:
    query = FunnelQuery(steps=("A", "B", "A"), mode="strict")
    rows = _read(_events(EVENTS), query)
    # every event (X too: it breaks a strict chain); equal times in the file's order
    assert [(r["case"], r["min"], r["code"]) for r in rows] == [
        ("a", 1, 0),
        ("a", 5, 0b010),
        ("a", 5, 0b101),
        ("a", 9, 0b101),
        ("b", 0, 0b010),
    ]


def test_chunks_of_the_sorted_rows_hold_whole_cases() -> None:
    events = [(f"c{c}", "AB"[i % 2], c * 10 + i) for c in range(5) for i in range(c + 1)]
    query = FunnelQuery(steps=("A", "B"))
    table = ordered_rows(_events(events), query).to_pyarrow()
    batches = table.to_batches(max_chunksize=2)
    read = list(chunks(iter(batches), size=3))
    assert len(read) > 1
    cases = [case for rows in read for case in rows.cases.to_pylist()]
    assert cases == [f"c{c}" for c in range(5)], "each case in exactly one chunk"
    for rows in read:
        sizes = np.diff(rows.bounds)
        assert (sizes > 0).all() and rows.bounds[-1] == len(rows.ts) == len(rows.code)
        assert rows.first.tolist() == np.repeat(rows.bounds[:-1], sizes).tolist()
    assert sum(len(rows.ts) for rows in read) == table.num_rows


def test_strings_are_taken_across_arrays_and_slices() -> None:
    first = pa.array(["zero", "one", "two", "three"], pa.string()).slice(1)  # an offset
    second = pa.array(["four", "", "six"], pa.large_string())
    taken = take_strings([first, second], np.array([0, 2, 3, 4, 5]))
    assert taken.type == pa.large_string()
    assert taken.to_pylist() == ["one", "three", "four", "", "six"]
    assert take_strings([], np.zeros(0, np.int64)).to_pylist() == []
