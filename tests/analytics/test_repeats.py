"""Repeats in a case's sequence (analytics/repeats.py): consecutive repeats merged, first
occurrences and back-moves."""

from __future__ import annotations

import random

import ibis

from journeyscope.analytics.repeats import merge_repeats, with_repeats


def test_consecutive_repeats_merge_into_their_first_event() -> None:
    t = ibis.memtable(
        {
            "case": ["a", "a", "a", "a", "b"],
            "node": ["X", "X", "Y", "X", "X"],
            "seq": [0, 1, 2, 3, 0],
        }
    )
    got = merge_repeats(t, [t.seq]).order_by(["case", "seq"]).to_pyarrow().to_pylist()
    assert [(r["case"], r["node"], r["seq"]) for r in got] == [
        ("a", "X", 0),
        ("a", "Y", 2),
        ("a", "X", 3),
        ("b", "X", 0),
    ]


def test_first_occurrences_and_back_moves_are_those_of_their_definition() -> None:
    """``with_repeats`` finds each node's first occurrence by one sort of the case by node,
    then order; on generated sequences (repeats, null nodes, positions with gaps, in any row
    order) ``first`` is the least position of its (case, node) and ``back`` a later
    occurrence right after another node, row by row."""
    rng = random.Random(5)
    rows = []
    for c in range(300):
        seqs = rng.sample(range(40), rng.randint(1, 12))
        nodes = ["A", "B", "C", None]
        rows += [{"case": f"c{c}", "node": rng.choice(nodes), "seq": s} for s in seqs]
    rng.shuffle(rows)
    table = ibis.memtable(rows, schema={"case": "string", "node": "string", "seq": "int64"})
    got = with_repeats(table).order_by(["case", "seq"]).to_pyarrow().to_pylist()
    least: dict[tuple[str, str | None], int] = {}
    for r in rows:
        key = (r["case"], r["node"])
        least[key] = min(least.get(key, r["seq"]), r["seq"])
    previous: dict[str, str | None] = {}
    for r in got:
        first = r["seq"] == least[(r["case"], r["node"])]
        prev = previous.get(r["case"])
        assert r["prev"] == prev
        assert r["first"] == first, r
        other = prev is not None and r["node"] is not None and prev != r["node"]  # as SQL's <>
        assert bool(r["back"]) == (not first and other), r
        previous[r["case"]] = r["node"]
    assert sum(not r["first"] for r in got) > 300 and sum(bool(r["back"]) for r in got) > 100
    assert any(r["node"] is None and not r["first"] for r in got)


def test_merged_sequences_keep_the_node_before_each_kept_event() -> None:
    """On generated sequences (repeats, null nodes, positions with gaps, in any row order):
    an event is merged away only when its node equals the previous event's (a null node
    equals nothing), and the ``prev`` kept is the node of the kept event before it, so
    ``with_repeats`` gives the same back-moves with it as with a sort of its own."""
    rng = random.Random(7)
    rows = []
    for c in range(300):
        seqs = rng.sample(range(40), rng.randint(1, 12))
        rows += [{"case": f"c{c}", "node": rng.choice(["A", "B", None]), "seq": s} for s in seqs]
    rng.shuffle(rows)
    table = ibis.memtable(rows, schema={"case": "string", "node": "string", "seq": "int64"})
    merged = merge_repeats(table, [table.seq], keep_prev=True)
    got = merged.order_by(["case", "seq"]).to_pyarrow().to_pylist()
    want = []
    for case in sorted({r["case"] for r in rows}):
        events = sorted((r for r in rows if r["case"] == case), key=lambda r: r["seq"])
        for i, r in enumerate(events):
            before = events[i - 1]["node"] if i else None
            if before is None or r["node"] is None or before != r["node"]:
                want.append({**r, "prev": before})
    assert got == want
    for r in got:  # prev is the node of the kept event before it
        earlier = [x for x in got if x["case"] == r["case"] and x["seq"] < r["seq"]]
        assert r["prev"] == (earlier[-1]["node"] if earlier else None), r
    order = ["case", "seq"]
    reused = with_repeats(merged).order_by(order).to_pyarrow()
    sorted_again = with_repeats(merged.drop("prev")).order_by(order).to_pyarrow()
    assert reused.select(sorted_again.column_names).equals(sorted_again)
    assert any(r["node"] is None for r in got) and any(r["back"] for r in reused.to_pylist())
