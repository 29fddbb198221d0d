"""The paths picture drawn from one grouped query (analytics/paths.py): edges beyond the top
become "(other)" per source, nodes count the paths that ended there, and the number of paths
is read at the anchor's step, forward and backward. The whole analysis against hand counts
(and a few of them, with the kept intermediates, on Spark too) is
tests/analytics/test_paths_and_loops.py."""

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
