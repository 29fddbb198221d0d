"""Loops counted from sequences (analytics/loops.py): rework held in memory and counted by
sorting give the same rows, and the result reads what the outputs count."""

from __future__ import annotations

import ibis
import pytest
from analytics_kit import executed

from journeyscope.analytics.loops import loops, loops_result

SEQUENCES = [  # case, person, node, channel, seq
    ("c1", "p1", "A", "web", 0),
    ("c1", "p1", "B", "phone", 1),
    ("c1", "p1", "A", "web", 2),  # back to A: a back-edge B -> A, A repeated once
    ("c1", "p1", "A", "web", 3),  # A again: repeated twice in all
    ("c2", "p1", "A", "web", 0),
    ("c2", "p1", "B", "web", 1),
    ("c2", "p1", "B", "web", 2),  # B repeated, no back-edge (a self-loop)
    ("c3", "p2", "A", "app", 0),
    ("c3", None, "C", "app", 1),  # no person: left out of the customers
]


@pytest.mark.parametrize("large", [False, True])
def test_loops_by_aggregates_and_by_sorting(large: bool) -> None:
    seqs = ibis.memtable(SEQUENCES, columns=["case", "person", "node", "channel", "seq"]).mutate(
        seq=ibis._.seq.cast("int64")
    )
    rows = {name: executed(expr, "duckdb") for name, expr in loops(seqs, large=large).items()}
    result = loops_result(rows)
    assert {(r.activity, r.cases, r.repeats) for r in result.rework} == {("A", 1, 2), ("B", 1, 1)}
    assert [(e.source, e.target, e.count, e.cases) for e in result.back_edges] == [("B", "A", 1, 1)]
    assert (result.cases, result.cases_went_back) == (4, 1)  # c3 counts once per person
    assert (result.customers, result.customers_went_back) == (2, 1)
    assert {(p.channel, p.via, p.cases) for p in result.ping_pong} == {("web", "phone", 1)}
    assert result.ping_pong_cases == 1
