"""The paths picture drawn from one grouped query (analytics/paths.py): edges beyond the top
become "(other)" per source, nodes count the paths that ended there, and the number of paths
is read at the anchor's step, forward and backward. The whole analysis against hand counts
and on both backends is tests/analytics/test_paths_and_loops.py."""

from __future__ import annotations

from typing import Any

from journeyscope.analytics.paths import OTHER, PathsQuery, edges_of, nodes_of, paths_of


def _g(step: int, node: str, nxt: str | None, cases: int, back: int | None = 0) -> dict[str, Any]:
    return {"step": step, "node": node, "next_node": nxt, "cases": cases, "back_cases": back}


GROUPS = [
    _g(1, "Apply", "Upload", 6, 0),
    _g(1, "Apply", "Call", 3, 1),
    _g(1, "Apply", "Pay", 2, 0),
    _g(1, "Apply", None, 1, None),  # one path ended at its anchor
    _g(2, "Upload", "Apply", 4, 4),
    _g(2, "Upload", None, 2, None),
    _g(2, "Call", None, 3, None),
    _g(2, "Pay", None, 2, None),
]


def test_edges_beyond_the_top_are_pooled_per_source_as_other() -> None:
    edges = [(e.step, e.source, e.target, e.cases, e.back_cases) for e in edges_of(GROUPS, 2)]
    assert edges == [
        (1, "Apply", "Upload", 6, 0),
        (1, "Apply", OTHER, 5, 1),  # Call (3, one back-move) and Pay (2)
        (2, "Upload", "Apply", 4, 4),
    ]
    assert sum(e.cases for e in edges_of(GROUPS, 99)) == sum(e[3] for e in edges)


def test_nodes_count_cases_and_the_paths_that_ended_there() -> None:
    nodes = [(n.step, n.activity, n.cases, n.ended) for n in nodes_of(GROUPS)]
    assert nodes == [
        (1, "Apply", 12, 1),
        (2, "Upload", 6, 2),
        (2, "Call", 3, 3),
        (2, "Pay", 2, 2),
    ]


def test_the_paths_are_counted_at_the_anchor_step() -> None:
    assert paths_of(GROUPS, PathsQuery(start="Apply")) == 12
    assert paths_of(GROUPS, PathsQuery(end="Pay", steps=2)) == 11  # backward: the last step
    assert paths_of([], PathsQuery()) == 0


def test_first_occurrences_and_back_moves_are_those_of_their_definition() -> None:
    """``with_repeats`` finds each node's first occurrence by one sort of the case by node,
    then order; on generated sequences (repeats, null nodes, positions with gaps, in any row
    order) ``first`` is the least position of its (case, node) and ``back`` a later
    occurrence right after another node, row by row."""
    import random

    import ibis

    from journeyscope.analytics.paths import with_repeats

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
